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
