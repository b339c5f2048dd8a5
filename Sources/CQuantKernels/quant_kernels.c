#include "quant_kernels.h"
#include <cpuid.h>
#include <immintrin.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/// Through a zero-extending move: `_cvtsh_ss` let the compiler insert the half into a register
/// that held an accumulator, which chained every block to the previous one (2× slower).
static inline float half_to_float(const uint8_t *p) {
    uint16_t h;
    memcpy(&h, p, 2);
    return _mm_cvtss_f32(_mm_cvtph_ps(_mm_cvtsi32_si128(h)));
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

// MARK: - 8-bit activations and integer dot products over rows interleaved by eight
//
// For integer products a matrix is repacked once, at load, into groups of eight rows: per block,
// one 32-byte register holds four consecutive weights of each of the eight rows, so one
// broadcast of four activation bytes meets eight rows in one `maddubs`, and each row's sum
// stays in its own lane (no horizontal reductions, which cost more than the products).
//
// Every product computes the same arithmetic whatever the number of vectors, so that a sequence
// decoded in a batch gets bit-for-bit the logits it gets alone (greedy text does not change with
// the server's load): per block b an exact integer Σ q_w·q_x, then, blocks in order,
//   acc += float(Σ)·(d_w·d_x) + m_w·(d_x·Σq_x)     (the second product for the 4-bit types only)
// with the same instructions for each vector, however many go through the kernel together.

/// Horizontal sum of eight int32 lanes.
static inline int horizontal_sum_i32(__m256i v) {
    __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, _MM_SHUFFLE(1, 0, 3, 2)));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, _MM_SHUFFLE(2, 3, 0, 1)));
    return _mm_cvtsi128_si32(s);
}

void maas_quantize_q8(const float *x, int blocks, int8_t *q, float *scales) {
    const __m256 sign = _mm256_set1_ps(-0.0f);
    const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
    for (int b = 0; b < blocks; b++) {
        const float *xb = x + b * 32;
        __m256 v0 = _mm256_loadu_ps(xb), v1 = _mm256_loadu_ps(xb + 8), v2 = _mm256_loadu_ps(xb + 16), v3 = _mm256_loadu_ps(xb + 24);
        __m256 m = _mm256_max_ps(_mm256_andnot_ps(sign, v0), _mm256_andnot_ps(sign, v1));
        m = _mm256_max_ps(m, _mm256_max_ps(_mm256_andnot_ps(sign, v2), _mm256_andnot_ps(sign, v3)));
        __m128 m4 = _mm_max_ps(_mm256_castps256_ps128(m), _mm256_extractf128_ps(m, 1));
        m4 = _mm_max_ps(m4, _mm_movehl_ps(m4, m4));
        m4 = _mm_max_ss(m4, _mm_movehdup_ps(m4));
        const float amax = _mm_cvtss_f32(m4);
        const float d = amax / 127.0f;
        const __m256 inverse = _mm256_set1_ps(amax != 0.0f ? 127.0f / amax : 0.0f);
        __m256i i0 = _mm256_cvtps_epi32(_mm256_round_ps(_mm256_mul_ps(v0, inverse), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
        __m256i i1 = _mm256_cvtps_epi32(_mm256_round_ps(_mm256_mul_ps(v1, inverse), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
        __m256i i2 = _mm256_cvtps_epi32(_mm256_round_ps(_mm256_mul_ps(v2, inverse), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
        __m256i i3 = _mm256_cvtps_epi32(_mm256_round_ps(_mm256_mul_ps(v3, inverse), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
        scales[2 * b] = d;
        scales[2 * b + 1] = d * (float)horizontal_sum_i32(_mm256_add_epi32(_mm256_add_epi32(i0, i1), _mm256_add_epi32(i2, i3)));
        // Packing works per 128-bit lane; the permutation puts the 32 bytes back in order.
        __m256i packed = _mm256_packs_epi16(_mm256_packs_epi32(i0, i1), _mm256_packs_epi32(i2, i3));
        _mm256_storeu_si256((__m256i *)(q + b * 32), _mm256_permutevar8x32_epi32(packed, order));
    }
}

/// Bytes of one block of a group of eight interleaved rows: eight F16 scales, for the 4-bit
/// types eight F16 minimums, then the weights (see maas_interleave8).
static inline long group_block_bytes(int kind) { return kind == 8 ? 16 + 256 : 32 + 128; }

static inline uint16_t load_u16(const uint8_t *p) { uint16_t v; memcpy(&v, p, 2); return v; }

/// One weight's 4-bit value in a GGUF Q4 block (low nibbles elements 0-15, high 16-31).
static inline int q4_value(const uint8_t *nibbles, int e) { return e < 16 ? nibbles[e] & 0x0F : nibbles[e - 16] >> 4; }

long maas_interleaved8_bytes(int type, int rows, int blocks) {
    return (long)(rows + 7) / 8 * blocks * group_block_bytes(type == 8 ? 8 : 3);
}

void maas_interleave8(int type, const uint8_t *data, long row_bytes, int rows, int blocks, uint8_t *out) {
    const int kind = type == 8 ? 8 : 3;
    const long bytes = group_block_bytes(kind);
    const int groups = (rows + 7) / 8;
    for (int g = 0; g < groups; g++) {
        for (int b = 0; b < blocks; b++) {
            uint8_t *o = out + ((long)g * blocks + b) * bytes;
            memset(o, 0, bytes);
            for (int r = 0; r < 8 && 8 * g + r < rows; r++) {
                const uint8_t *row = data + (long)(8 * g + r) * row_bytes;
                if (type == 8) {
                    const uint8_t *block = row + b * 34;
                    memcpy(o + 2 * r, block, 2);
                    // Register j holds, per row lane, elements 4j ..< 4j + 4.
                    for (int j = 0; j < 8; j++) memcpy(o + 16 + 32 * j + 4 * r, block + 2 + 4 * j, 4);
                    continue;
                }
                const uint8_t *nibbles;
                if (type == 3) {
                    const uint8_t *block = row + b * 20;
                    memcpy(o + 2 * r, block, 2);
                    memcpy(o + 16 + 2 * r, block + 2, 2);
                    nibbles = block + 4;
                } else {  // Q4_0: w = d·(q − 8) = d·q + m with m = −8d (exact in F16)
                    const uint8_t *block = row + b * 18;
                    memcpy(o + 2 * r, block, 2);
                    const float d = _cvtsh_ss(load_u16(block));
                    const uint16_t m = _cvtss_sh(-8.0f * d, 0);
                    memcpy(o + 16 + 2 * r, &m, 2);
                    nibbles = block + 2;
                }
                // Register k: per row lane four bytes; low nibbles elements 8k ..< 8k + 4,
                // high nibbles 8k + 4 ..< 8k + 8.
                for (int k = 0; k < 4; k++) {
                    for (int t = 0; t < 4; t++) {
                        o[32 + 32 * k + 4 * r + t] = (uint8_t)(q4_value(nibbles, 8 * k + t) | (q4_value(nibbles, 8 * k + 4 + t) << 4));
                    }
                }
            }
        }
    }
}

void maas_dequantize_interleaved8(int type, const uint8_t *data, int blocks, int row, float *out) {
    const int kind = type == 8 ? 8 : 3;
    const long bytes = group_block_bytes(kind);
    const int g = row / 8, r = row % 8;
    for (int b = 0; b < blocks; b++) {
        const uint8_t *o = data + ((long)g * blocks + b) * bytes;
        const float d = _cvtsh_ss(load_u16(o + 2 * r));
        if (kind == 8) {
            for (int e = 0; e < 32; e++) out[b * 32 + e] = d * (float)(int8_t)o[16 + 32 * (e / 4) + 4 * r + e % 4];
            continue;
        }
        const float m = _cvtsh_ss(load_u16(o + 16 + 2 * r));
        for (int e = 0; e < 32; e++) {
            const int k = e / 8, t = e % 4, high = (e % 8) >= 4;
            const uint8_t byte = o[32 + 32 * k + 4 * r + t];
            out[b * 32 + e] = d * (float)(high ? byte >> 4 : byte & 0x0F) + m;
        }
    }
}

/// Eight rows × `vectors` activations. Per vector and block: an exact integer Σ q_w·q_x per row
/// lane, then acc += float(Σ)·(d_w·d_x) + m_w·(d_x·Σq_x), blocks in order — the same
/// instructions for each vector whatever `vectors` is, so products do not depend on the batch.
__attribute__((always_inline)) static inline void group_q4(const uint8_t *group, const int8_t *q, const float *scales, int blocks,
                                                          const int vectors, float *out, long out_stride) {
    __m256 acc[4];
    for (int v = 0; v < vectors; v++) acc[v] = _mm256_setzero_ps();
    const long vector_stride = (long)blocks * 32;
    const __m256i mask = _mm256_set1_epi8(0x0F), ones = _mm256_set1_epi16(1);
    for (int b = 0; b < blocks; b++) {
        const uint8_t *block = group + (long)b * 160;
        __m256i sums[4];
        for (int v = 0; v < vectors; v++) sums[v] = _mm256_setzero_si256();
        for (int k = 0; k < 4; k++) {
            const __m256i packed = _mm256_loadu_si256((const __m256i *)(block + 32 + 32 * k));
            const __m256i low = _mm256_and_si256(packed, mask), high = _mm256_and_si256(_mm256_srli_epi16(packed, 4), mask);
            for (int v = 0; v < vectors; v++) {
                const int8_t *x = q + v * vector_stride + b * 32 + 8 * k;
                int x0, x1;
                memcpy(&x0, x, 4);
                memcpy(&x1, x + 4, 4);
                // Pairs reach 2·15·127 = 3810; eight of them stay within 16 bits.
                sums[v] = _mm256_add_epi16(sums[v], _mm256_maddubs_epi16(low, _mm256_set1_epi32(x0)));
                sums[v] = _mm256_add_epi16(sums[v], _mm256_maddubs_epi16(high, _mm256_set1_epi32(x1)));
            }
        }
        const __m256 d = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)block));
        const __m256 m = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(block + 16)));
        for (int v = 0; v < vectors; v++) {
            const float *s = scales + 2 * ((long)v * blocks + b);
            const __m256 total = _mm256_cvtepi32_ps(_mm256_madd_epi16(sums[v], ones));
            const __m256 term = _mm256_fmadd_ps(m, _mm256_broadcast_ss(s + 1), _mm256_mul_ps(total, _mm256_mul_ps(d, _mm256_broadcast_ss(s))));
            acc[v] = _mm256_add_ps(acc[v], term);
        }
    }
    for (int v = 0; v < vectors; v++) _mm256_storeu_ps(out + v * out_stride, acc[v]);
}

__attribute__((always_inline)) static inline void group_q8(const uint8_t *group, const int8_t *q, const float *scales, int blocks,
                                                          const int vectors, float *out, long out_stride) {
    __m256 acc[4];
    for (int v = 0; v < vectors; v++) acc[v] = _mm256_setzero_ps();
    const long vector_stride = (long)blocks * 32;
    const __m256i ones = _mm256_set1_epi16(1);
    for (int b = 0; b < blocks; b++) {
        const uint8_t *block = group + (long)b * 272;
        __m256i sums[4];
        for (int v = 0; v < vectors; v++) sums[v] = _mm256_setzero_si256();
        for (int j = 0; j < 8; j++) {
            const __m256i w = _mm256_loadu_si256((const __m256i *)(block + 16 + 32 * j));
            const __m256i magnitude = _mm256_sign_epi8(w, w);
            for (int v = 0; v < vectors; v++) {
                int x0;
                memcpy(&x0, q + v * vector_stride + b * 32 + 4 * j, 4);
                // |w| × x with w's sign; pairs reach 2·127·127, so widened to 32 bits at once.
                const __m256i pairs = _mm256_maddubs_epi16(magnitude, _mm256_sign_epi8(_mm256_set1_epi32(x0), w));
                sums[v] = _mm256_add_epi32(sums[v], _mm256_madd_epi16(pairs, ones));
            }
        }
        const __m256 d = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)block));
        for (int v = 0; v < vectors; v++) {
            const float *s = scales + 2 * ((long)v * blocks + b);
            acc[v] = _mm256_add_ps(acc[v], _mm256_mul_ps(_mm256_cvtepi32_ps(sums[v]), _mm256_mul_ps(d, _mm256_broadcast_ss(s))));
        }
    }
    for (int v = 0; v < vectors; v++) _mm256_storeu_ps(out + v * out_stride, acc[v]);
}

/// One copy per type and vector count, each its own function so that its loops unroll into
/// registers (inlined side by side into one function, the copies ran 12% slower).
typedef void (*group_kernel)(const uint8_t *, const int8_t *, const float *, int, float *, long);
#define KERNEL_COPY(NAME, KERNEL, V) \
    __attribute__((noinline)) static void NAME(const uint8_t *group, const int8_t *q, const float *scales, int blocks, float *out, \
                                               long out_stride) { \
        KERNEL(group, q, scales, blocks, V, out, out_stride); \
    }
KERNEL_COPY(q4_1v, group_q4, 1)
KERNEL_COPY(q4_2v, group_q4, 2)
KERNEL_COPY(q4_3v, group_q4, 3)
KERNEL_COPY(q4_4v, group_q4, 4)
KERNEL_COPY(q8_1v, group_q8, 1)
KERNEL_COPY(q8_2v, group_q8, 2)
KERNEL_COPY(q8_3v, group_q8, 3)
KERNEL_COPY(q8_4v, group_q8, 4)
static const group_kernel group_kernels[2][4] = {{q4_1v, q4_2v, q4_3v, q4_4v}, {q8_1v, q8_2v, q8_3v, q8_4v}};

// MARK: AVX-512 VNNI: two groups (sixteen rows) per register
//
// Where the processor has them (Zen 4 and 5, Intel since Ice Lake), `vpdpbusd` multiplies
// unsigned by signed bytes and adds each lane's four products into 32 bits in one instruction,
// without `maddubs`'s 16-bit intermediate, and a 64-byte register holds the same block of two
// groups. The integer sums are the exact ones the AVX2 kernels form and the float steps are
// the same per lane, so both paths give bit-for-bit the same products (tests compare them): a
// result does not depend on which path, or how many vectors, computed it.

#define VNNI_TARGET __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx512vnni,f16c,fma")))

/// The same 32 bytes of groups g and g + 1 (`second` bytes apart) in one register.
VNNI_TARGET static inline __m512i load_pair(const uint8_t *first, long second) {
    return _mm512_inserti64x4(_mm512_castsi256_si512(_mm256_loadu_si256((const __m256i *)first)),
                              _mm256_loadu_si256((const __m256i *)(first + second)), 1);
}

/// Sixteen F16 values: eight of group g, then eight of group g + 1.
VNNI_TARGET static inline __m512 load_pair_halves(const uint8_t *first, long second) {
    return _mm512_cvtph_ps(_mm256_inserti128_si256(_mm256_castsi128_si256(_mm_loadu_si128((const __m128i *)first)),
                                                   _mm_loadu_si128((const __m128i *)(first + second)), 1));
}

VNNI_TARGET __attribute__((always_inline)) static inline void pair_q4(const uint8_t *group, long group_bytes, const int8_t *q,
                                                                      const float *scales, int blocks, const int vectors, float *out,
                                                                      long out_stride) {
    __m512 acc[8];
    for (int v = 0; v < vectors; v++) acc[v] = _mm512_setzero_ps();
    const long vector_stride = (long)blocks * 32;
    const __m512i mask = _mm512_set1_epi8(0x0F);
    for (int b = 0; b < blocks; b++) {
        const uint8_t *block = group + (long)b * 160;
        // Low and high nibbles accumulate apart: one chain of dependent `vpdpbusd`s per vector
        // left the unit waiting on its latency.
        __m512i low_sums[8], high_sums[8];
        for (int v = 0; v < vectors; v++) low_sums[v] = high_sums[v] = _mm512_setzero_si512();
        for (int k = 0; k < 4; k++) {
            const __m512i packed = load_pair(block + 32 + 32 * k, group_bytes);
            const __m512i low = _mm512_and_si512(packed, mask), high = _mm512_and_si512(_mm512_srli_epi16(packed, 4), mask);
            for (int v = 0; v < vectors; v++) {
                const int8_t *x = q + v * vector_stride + b * 32 + 8 * k;
                int x0, x1;
                memcpy(&x0, x, 4);
                memcpy(&x1, x + 4, 4);
                low_sums[v] = _mm512_dpbusd_epi32(low_sums[v], low, _mm512_set1_epi32(x0));
                high_sums[v] = _mm512_dpbusd_epi32(high_sums[v], high, _mm512_set1_epi32(x1));
            }
        }
        const __m512 d = load_pair_halves(block, group_bytes), m = load_pair_halves(block + 16, group_bytes);
        for (int v = 0; v < vectors; v++) {
            const float *s = scales + 2 * ((long)v * blocks + b);
            const __m512 total = _mm512_cvtepi32_ps(_mm512_add_epi32(low_sums[v], high_sums[v]));
            const __m512 term = _mm512_fmadd_ps(m, _mm512_set1_ps(s[1]), _mm512_mul_ps(total, _mm512_mul_ps(d, _mm512_set1_ps(s[0]))));
            acc[v] = _mm512_add_ps(acc[v], term);
        }
    }
    for (int v = 0; v < vectors; v++) _mm512_storeu_ps(out + v * out_stride, acc[v]);
}

/// `vpdpbusd` takes one unsigned operand and 8-bit weights are signed, so the activations go in
/// offset by 128 (x ^ 0x80 read as unsigned) and 128 · Σ w, which a `vpdpbusd` against ones
/// gives once per register for every vector, comes off: Σ (x + 128)·w − 128·Σ w = Σ x·w exactly.
VNNI_TARGET __attribute__((always_inline)) static inline void pair_q8(const uint8_t *group, long group_bytes, const int8_t *q,
                                                                      const float *scales, int blocks, const int vectors, float *out,
                                                                      long out_stride) {
    __m512 acc[8];
    for (int v = 0; v < vectors; v++) acc[v] = _mm512_setzero_ps();
    const long vector_stride = (long)blocks * 32;
    const __m512i ones = _mm512_set1_epi8(1), flip = _mm512_set1_epi8((char)0x80);
    for (int b = 0; b < blocks; b++) {
        const uint8_t *block = group + (long)b * 272;
        __m512i sums[8], weight_sums = _mm512_setzero_si512();
        for (int v = 0; v < vectors; v++) sums[v] = _mm512_setzero_si512();
        for (int j = 0; j < 8; j++) {
            const __m512i w = load_pair(block + 16 + 32 * j, group_bytes);
            weight_sums = _mm512_dpbusd_epi32(weight_sums, ones, w);
            for (int v = 0; v < vectors; v++) {
                int x0;
                memcpy(&x0, q + v * vector_stride + b * 32 + 4 * j, 4);
                sums[v] = _mm512_dpbusd_epi32(sums[v], _mm512_xor_si512(_mm512_set1_epi32(x0), flip), w);
            }
        }
        const __m512i offset = _mm512_slli_epi32(weight_sums, 7);
        const __m512 d = load_pair_halves(block, group_bytes);
        for (int v = 0; v < vectors; v++) {
            const float *s = scales + 2 * ((long)v * blocks + b);
            acc[v] = _mm512_add_ps(acc[v], _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_sub_epi32(sums[v], offset)), _mm512_mul_ps(d, _mm512_set1_ps(s[0]))));
        }
    }
    for (int v = 0; v < vectors; v++) _mm512_storeu_ps(out + v * out_stride, acc[v]);
}

typedef void (*pair_kernel)(const uint8_t *, long, const int8_t *, const float *, int, float *, long);
#define PAIR_COPY(NAME, KERNEL, V) \
    VNNI_TARGET __attribute__((noinline)) static void NAME(const uint8_t *group, long group_bytes, const int8_t *q, const float *scales, \
                                                           int blocks, float *out, long out_stride) { \
        KERNEL(group, group_bytes, q, scales, blocks, V, out, out_stride); \
    }
PAIR_COPY(pair_q4_1v, pair_q4, 1)
PAIR_COPY(pair_q4_2v, pair_q4, 2)
PAIR_COPY(pair_q4_3v, pair_q4, 3)
PAIR_COPY(pair_q4_4v, pair_q4, 4)
PAIR_COPY(pair_q4_5v, pair_q4, 5)
PAIR_COPY(pair_q4_6v, pair_q4, 6)
PAIR_COPY(pair_q4_7v, pair_q4, 7)
PAIR_COPY(pair_q4_8v, pair_q4, 8)
PAIR_COPY(pair_q8_1v, pair_q8, 1)
PAIR_COPY(pair_q8_2v, pair_q8, 2)
PAIR_COPY(pair_q8_3v, pair_q8, 3)
PAIR_COPY(pair_q8_4v, pair_q8, 4)
PAIR_COPY(pair_q8_5v, pair_q8, 5)
PAIR_COPY(pair_q8_6v, pair_q8, 6)
PAIR_COPY(pair_q8_7v, pair_q8, 7)
PAIR_COPY(pair_q8_8v, pair_q8, 8)
static const pair_kernel pair_kernels[2][8] = {
    {pair_q4_1v, pair_q4_2v, pair_q4_3v, pair_q4_4v, pair_q4_5v, pair_q4_6v, pair_q4_7v, pair_q4_8v},
    {pair_q8_1v, pair_q8_2v, pair_q8_3v, pair_q8_4v, pair_q8_5v, pair_q8_6v, pair_q8_7v, pair_q8_8v}};

/// Whether the processor and the operating system (which must save the 512-bit registers) run
/// AVX-512 F, BW, VL, DQ and VNNI.
int maas_vnni_supported(void) {
    unsigned eax, ebx, ecx, edx;
    __cpuid(1, eax, ebx, ecx, edx);
    if (!(ecx & (1u << 27))) return 0;  // OSXSAVE
    unsigned low, high;
    __asm__ volatile("xgetbv" : "=a"(low), "=d"(high) : "c"(0));
    if ((low & 0xE6) != 0xE6) return 0;  // SSE, AVX and the three AVX-512 states enabled
    if (__get_cpuid_max(0, 0) < 7) return 0;
    __cpuid_count(7, 0, eax, ebx, ecx, edx);
    const unsigned needed = (1u << 16) | (1u << 17) | (1u << 30) | (1u << 31);  // F, DQ, BW, VL
    return (ebx & needed) == needed && (ecx & (1u << 11));  // VNNI
}

static _Atomic int kernel_level = -1;

int maas_kernel_level(void) {
    int level = atomic_load_explicit(&kernel_level, memory_order_relaxed);
    if (level >= 0) return level;
    const char *forced = getenv("MAAS_KERNELS");
    level = (forced && strcmp(forced, "avx2") == 0) ? 0 : maas_vnni_supported();
    atomic_store_explicit(&kernel_level, level, memory_order_relaxed);
    return level;
}

int maas_set_kernel_level(int level) {
    level = level > 0 && maas_vnni_supported() ? 1 : 0;
    atomic_store_explicit(&kernel_level, level, memory_order_relaxed);
    return level;
}

void maas_groups_q8(int type, const uint8_t *data, int first, int last, int rows, const int8_t *q, const float *scales, int blocks,
                    int count, float *out) {
    const int kind = type == 8 ? 8 : 3;
    const long bytes = group_block_bytes(kind) * blocks;
    float values[32];
    // One vector (a single sequence's decode step) is bound by memory, and pairs of groups ran
    // it 17% slower than the AVX2 kernel; from two vectors on, pairs are faster.
    const int pairs = maas_kernel_level() > 0 && count >= 2;
    for (int g = first; g < last; g++) {
        const uint8_t *group = data + (long)g * bytes;
        if (pairs && g + 1 < last && 8 * g + 16 <= rows) {  // two whole groups
            for (int v0 = 0; v0 < count; v0 += 8) {
                const int n = count - v0 < 8 ? count - v0 : 8;
                pair_kernels[kind == 8][n - 1](group, bytes, q + (long)v0 * blocks * 32, scales + 2L * v0 * blocks, blocks,
                                               out + (long)v0 * rows + 8 * g, rows);
            }
            g++;
            continue;
        }
        const int whole = 8 * g + 8 <= rows;  // a last group padded with zero rows goes through `values`
        for (int v0 = 0; v0 < count; v0 += 4) {
            const int n = count - v0 < 4 ? count - v0 : 4;
            const int8_t *qv = q + (long)v0 * blocks * 32;
            const float *sv = scales + 2L * v0 * blocks;
            const group_kernel kernel = group_kernels[kind == 8][n - 1];
            if (whole) {
                kernel(group, qv, sv, blocks, out + (long)v0 * rows + 8 * g, rows);
                continue;
            }
            kernel(group, qv, sv, blocks, values, 8);
            for (int v = 0; v < n; v++) {
                for (int r = 0; 8 * g + r < rows; r++) out[(long)(v0 + v) * rows + 8 * g + r] = values[8 * v + r];
            }
        }
    }
}
