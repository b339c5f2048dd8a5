#include "quant_kernels.h"
#include <immintrin.h>
#include <string.h>

static inline float half_to_float(const uint8_t *p) {
    uint16_t h;
    memcpy(&h, p, 2);
    return _cvtsh_ss(h);
}

static inline float horizontal_sum(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

/// Σ w·x over one block of 32 unsigned 4-bit values: low nibbles are elements 0-15, high 16-31.
static inline __m256 nibble_block(__m128i packed, const float *x, __m256 offset) {
    const __m128i mask = _mm_set1_epi8(0x0F);
    __m128i low = _mm_and_si128(packed, mask), high = _mm_and_si128(_mm_srli_epi16(packed, 4), mask);
    __m256 w0 = _mm256_add_ps(_mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(low)), offset);
    __m256 w1 = _mm256_add_ps(_mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(_mm_srli_si128(low, 8))), offset);
    __m256 w2 = _mm256_add_ps(_mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(high)), offset);
    __m256 w3 = _mm256_add_ps(_mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(_mm_srli_si128(high, 8))), offset);
    __m256 s = _mm256_mul_ps(w0, _mm256_loadu_ps(x));
    s = _mm256_fmadd_ps(w1, _mm256_loadu_ps(x + 8), s);
    s = _mm256_fmadd_ps(w2, _mm256_loadu_ps(x + 16), s);
    return _mm256_fmadd_ps(w3, _mm256_loadu_ps(x + 24), s);
}

float maas_dot_q4_1_f32(const uint8_t *row, const float *x, const float *block_sums, int blocks) {
    __m256 acc = _mm256_setzero_ps();
    float minimums = 0;
    const __m256 zero = _mm256_setzero_ps();
    for (int b = 0; b < blocks; b++) {
        const uint8_t *block = row + b * 20;
        __m256 s = nibble_block(_mm_loadu_si128((const __m128i *)(block + 4)), x + b * 32, zero);
        acc = _mm256_fmadd_ps(_mm256_set1_ps(half_to_float(block)), s, acc);
        minimums += half_to_float(block + 2) * block_sums[b];
    }
    return horizontal_sum(acc) + minimums;
}

float maas_dot_q4_0_f32(const uint8_t *row, const float *x, int blocks) {
    __m256 acc = _mm256_setzero_ps();
    const __m256 minus8 = _mm256_set1_ps(-8.0f);
    for (int b = 0; b < blocks; b++) {
        const uint8_t *block = row + b * 18;
        __m256 s = nibble_block(_mm_loadu_si128((const __m128i *)(block + 2)), x + b * 32, minus8);
        acc = _mm256_fmadd_ps(_mm256_set1_ps(half_to_float(block)), s, acc);
    }
    return horizontal_sum(acc);
}

float maas_dot_q8_0_f32(const uint8_t *row, const float *x, int blocks) {
    __m256 acc = _mm256_setzero_ps();
    for (int b = 0; b < blocks; b++) {
        const uint8_t *block = row + b * 34;
        const float *xb = x + b * 32;
        __m128i q0 = _mm_loadu_si128((const __m128i *)(block + 2)), q1 = _mm_loadu_si128((const __m128i *)(block + 18));
        __m256 s = _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(q0)), _mm256_loadu_ps(xb));
        s = _mm256_fmadd_ps(_mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_srli_si128(q0, 8))), _mm256_loadu_ps(xb + 8), s);
        s = _mm256_fmadd_ps(_mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(q1)), _mm256_loadu_ps(xb + 16), s);
        s = _mm256_fmadd_ps(_mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_srli_si128(q1, 8))), _mm256_loadu_ps(xb + 24), s);
        acc = _mm256_fmadd_ps(_mm256_set1_ps(half_to_float(block)), s, acc);
    }
    return horizontal_sum(acc);
}

/// One block of 32 nibbles to floats: d·q + m (Q4_1) or d·(q − 8) (Q4_0, m = −8d).
static inline void nibbles_to_floats(__m128i packed, float d, float m, float *out) {
    const __m128i mask = _mm_set1_epi8(0x0F);
    __m128i low = _mm_and_si128(packed, mask), high = _mm_and_si128(_mm_srli_epi16(packed, 4), mask);
    const __m256 scale = _mm256_set1_ps(d), shift = _mm256_set1_ps(m);
    _mm256_storeu_ps(out, _mm256_fmadd_ps(_mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(low)), scale, shift));
    _mm256_storeu_ps(out + 8, _mm256_fmadd_ps(_mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(_mm_srli_si128(low, 8))), scale, shift));
    _mm256_storeu_ps(out + 16, _mm256_fmadd_ps(_mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(high)), scale, shift));
    _mm256_storeu_ps(out + 24, _mm256_fmadd_ps(_mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(_mm_srli_si128(high, 8))), scale, shift));
}

void maas_dequantize_q4_1(const uint8_t *row, float *out, int blocks) {
    for (int b = 0; b < blocks; b++) {
        const uint8_t *block = row + b * 20;
        nibbles_to_floats(_mm_loadu_si128((const __m128i *)(block + 4)), half_to_float(block), half_to_float(block + 2), out + b * 32);
    }
}

void maas_dequantize_q4_0(const uint8_t *row, float *out, int blocks) {
    for (int b = 0; b < blocks; b++) {
        const uint8_t *block = row + b * 18;
        float d = half_to_float(block);
        nibbles_to_floats(_mm_loadu_si128((const __m128i *)(block + 2)), d, -8.0f * d, out + b * 32);
    }
}

void maas_dequantize_q8_0(const uint8_t *row, float *out, int blocks) {
    for (int b = 0; b < blocks; b++) {
        const uint8_t *block = row + b * 34;
        const __m256 scale = _mm256_set1_ps(half_to_float(block));
        for (int part = 0; part < 4; part++) {
            __m128i q = _mm_loadl_epi64((const __m128i *)(block + 2 + part * 8));
            _mm256_storeu_ps(out + b * 32 + part * 8, _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(q)), scale));
        }
    }
}

/// A row against `count` (≤ 16) vectors at once: each block is dequantized into registers once
/// and multiplied with every vector, so a decode step over several sequences reads and unpacks
/// the weights once. out[i] = row · x[i·stride …].
void maas_dot_rows_multi(int type, const uint8_t *row, const float *x, int stride, int blocks, int count, float *out) {
    __m256 acc[16];
    for (int i = 0; i < count; i++) acc[i] = _mm256_setzero_ps();
    float w[32];
    for (int b = 0; b < blocks; b++) {
        if (type == 3) {
            const uint8_t *block = row + b * 20;
            nibbles_to_floats(_mm_loadu_si128((const __m128i *)(block + 4)), half_to_float(block), half_to_float(block + 2), w);
        } else if (type == 2) {
            const uint8_t *block = row + b * 18;
            float d = half_to_float(block);
            nibbles_to_floats(_mm_loadu_si128((const __m128i *)(block + 2)), d, -8.0f * d, w);
        } else {
            maas_dequantize_q8_0(row + b * 34, w, 1);
        }
        __m256 w0 = _mm256_loadu_ps(w), w1 = _mm256_loadu_ps(w + 8), w2 = _mm256_loadu_ps(w + 16), w3 = _mm256_loadu_ps(w + 24);
        for (int i = 0; i < count; i++) {
            const float *xb = x + (long)i * stride + b * 32;
            __m256 a = _mm256_fmadd_ps(w0, _mm256_loadu_ps(xb), acc[i]);
            a = _mm256_fmadd_ps(w1, _mm256_loadu_ps(xb + 8), a);
            a = _mm256_fmadd_ps(w2, _mm256_loadu_ps(xb + 16), a);
            acc[i] = _mm256_fmadd_ps(w3, _mm256_loadu_ps(xb + 24), a);
        }
    }
    for (int i = 0; i < count; i++) out[i] = horizontal_sum(acc[i]);
}
