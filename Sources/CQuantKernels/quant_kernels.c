#include "quant_kernels.h"
#include <immintrin.h>
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

// MARK: - 8-bit activations and integer dot products
//
// Every product below computes the same arithmetic whatever the number of vectors, so that a
// sequence decoded in a batch gets bit-for-bit the logits it gets alone (greedy text does not
// change with the server's load): per block b an exact integer Σ q_w·q_x, then
//   acc[b mod 4] += float(Σ)·(d_w·d_x) + m_w·(d_x·Σq_x)     (the second product for Q4_1 only)
// and finally (acc0 + acc1) + (acc2 + acc3). One vector keeps four consecutive blocks in the
// lanes of a register; several vectors keep one vector per lane and four such registers.

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

/// 32 unsigned 4-bit values of a Q4 block: low nibbles are elements 0-15, high nibbles 16-31.
static inline __m256i unpack_nibbles(const uint8_t *packed) {
    __m128i bytes = _mm_loadu_si128((const __m128i *)packed);
    return _mm256_and_si256(_mm256_set_m128i(_mm_srli_epi16(bytes, 4), bytes), _mm256_set1_epi8(0x0F));
}

/// A block's scale and minimum as Float lanes 0 and 1, through a 32-bit load: a 16-bit one
/// became `vpinsrw` into whichever register the compiler chose, an accumulator, and chained
/// every block to the previous one (2× slower). For Q4_0/Q8_0 lane 1 holds weight bytes.
static inline __m128 block_scales(const uint8_t *block) {
    int bits;
    memcpy(&bits, block, 4);
    return _mm_cvtph_ps(_mm_cvtsi32_si128(bits));
}

/// 32 weights of block b as bytes ready for `maddubs`: unsigned values (Q4_1), or for the signed
/// types their magnitudes, with `signs` holding the signed values.
static inline __m256i weight_bytes(int type, const uint8_t *row, int b, __m256i *signs, __m128 *scales) {
    if (type == 3) {  // Q4_1: d, m, 16 bytes; w = d·q + m
        const uint8_t *block = row + b * 20;
        *scales = block_scales(block);
        return unpack_nibbles(block + 4);
    }
    __m256i q;
    if (type == 2) {  // Q4_0: d, 16 bytes; w = d·(q − 8)
        const uint8_t *block = row + b * 18;
        *scales = block_scales(block);
        q = _mm256_sub_epi8(unpack_nibbles(block + 2), _mm256_set1_epi8(8));
    } else {  // Q8_0: d, 32 signed bytes
        const uint8_t *block = row + b * 34;
        *scales = block_scales(block);
        q = _mm256_loadu_si256((const __m256i *)(block + 2));
    }
    *signs = q;
    return _mm256_sign_epi8(q, q);
}

/// Byte products of a block as 16-bit pair sums (unsigned weights × signed activations; for
/// signed weights, |w| × x with w's sign). No pair saturates: |w| ≤ 127, |x| ≤ 127.
static inline __m256i pair_sums(int type, __m256i w, __m256i signs, const int8_t *q) {
    __m256i x = _mm256_loadu_si256((const __m256i *)q);
    if (type != 3) x = _mm256_sign_epi8(x, signs);
    return _mm256_maddubs_epi16(w, x);
}

/// Four blocks' exact integer sums, one per lane, from their 16-bit pair sums. Q4_1's pairs are
/// at most 2·15·127 = 3810, so they are added in 16 bits first (15,240 after two levels); the
/// signed types' pairs reach 32,258 and are widened first.
static inline __m128i reduce4(int type, __m256i m0, __m256i m1, __m256i m2, __m256i m3) {
    const __m256i ones = _mm256_set1_epi16(1);
    __m256i h;
    if (type == 3) {
        h = _mm256_madd_epi16(_mm256_hadd_epi16(_mm256_hadd_epi16(m0, m1), _mm256_hadd_epi16(m2, m3)), ones);
    } else {
        h = _mm256_hadd_epi32(_mm256_hadd_epi32(_mm256_madd_epi16(m0, ones), _mm256_madd_epi16(m1, ones)),
                              _mm256_hadd_epi32(_mm256_madd_epi16(m2, ones), _mm256_madd_epi16(m3, ones)));
    }
    return _mm_add_epi32(_mm256_castsi256_si128(h), _mm256_extracti128_si256(h, 1));
}

/// ((v0 + v1) + (v2 + v3)) over the lanes of one register.
static inline float fold4(__m128 v) {
    __m128 pairs = _mm_add_ps(v, _mm_movehdup_ps(v));  // [v0+v1, ·, v2+v3, ·]
    return _mm_cvtss_f32(_mm_add_ss(pairs, _mm_movehl_ps(pairs, pairs)));
}

__attribute__((always_inline)) static inline float dot_q8(const int type, const uint8_t *row, const int8_t *q, const float *scales, int blocks) {
    __m128 acc = _mm_setzero_ps();
    __m256i signs = _mm256_setzero_si256();
    for (int b = 0; b < blocks; b += 4) {
        const int n = blocks - b < 4 ? blocks - b : 4;
        __m256i m[4];
        __m128 s[4];
        for (int k = 0; k < 4; k++) {
            if (k < n) {
                __m256i w = weight_bytes(type, row, b + k, &signs, &s[k]);
                m[k] = pair_sums(type, w, signs, q + (b + k) * 32);
            } else {
                m[k] = _mm256_setzero_si256();
                s[k] = _mm_setzero_ps();
            }
        }
        // Weight scales [d0..d3] and minimums [m0..m3]; activation scales [dx0..dx3] and sums.
        const __m128 lo = _mm_unpacklo_ps(s[0], s[1]), hi = _mm_unpacklo_ps(s[2], s[3]);
        const __m128 d = _mm_movelh_ps(lo, hi);
        const __m128 mw = _mm_movehl_ps(hi, lo);
        float x_pairs[8] = {0};
        for (int k = 0; k < n; k++) { x_pairs[2 * k] = scales[2 * (b + k)]; x_pairs[2 * k + 1] = scales[2 * (b + k) + 1]; }
        const __m128 p0 = _mm_loadu_ps(x_pairs), p1 = _mm_loadu_ps(x_pairs + 4);
        const __m128 dx = _mm_shuffle_ps(p0, p1, _MM_SHUFFLE(2, 0, 2, 0)), sx = _mm_shuffle_ps(p0, p1, _MM_SHUFFLE(3, 1, 3, 1));
        __m128 terms = _mm_mul_ps(_mm_cvtepi32_ps(reduce4(type, m[0], m[1], m[2], m[3])), _mm_mul_ps(d, dx));
        if (type == 3) terms = _mm_add_ps(terms, _mm_mul_ps(mw, sx));
        acc = _mm_add_ps(acc, terms);  // missing blocks past the end add zeros
    }
    return fold4(acc);
}

float maas_dot_q8(int type, const uint8_t *row, const int8_t *q, const float *scales, int blocks) {
    // One copy of the loop per type, so the type tests fold away.
    switch (type) {
    case 3: return dot_q8(3, row, q, scales, blocks);
    case 8: return dot_q8(8, row, q, scales, blocks);
    default: return dot_q8(2, row, q, scales, blocks);
    }
}

/// 4·quads vectors, one per lane: each weight block is unpacked once for all of them. The block
/// loop is unrolled by four so that every accumulator stays in a register.
__attribute__((always_inline)) static inline void dot_q8_quads(const int type, const uint8_t *row, const int8_t *q, const float *scales,
                                                              int blocks, const int quads, float *out) {
    __m128 acc[4][4];  // [group][block mod 4], lanes = the group's four vectors
    for (int g = 0; g < quads; g++) for (int k = 0; k < 4; k++) acc[g][k] = _mm_setzero_ps();
    const long vector_stride = (long)blocks * 32, scale_stride = 4L * quads;
    __m256i signs = _mm256_setzero_si256();
    __m128 s;
    for (int b0 = 0; b0 < blocks; b0 += 4) {
        for (int k = 0; k < 4; k++) {
            const int b = b0 + k;
            if (b >= blocks) break;
            const __m256i w = weight_bytes(type, row, b, &signs, &s);
            const __m128 d = _mm_broadcastss_ps(s), mw = _mm_shuffle_ps(s, s, 0x55);
            const int8_t *qb = q + b * 32;
            const float *sb = scales + 2 * b * scale_stride;
            for (int g = 0; g < quads; g++) {
                const int8_t *qg = qb + 4 * g * vector_stride;
                const __m128i sums = reduce4(type, pair_sums(type, w, signs, qg), pair_sums(type, w, signs, qg + vector_stride),
                                             pair_sums(type, w, signs, qg + 2 * vector_stride), pair_sums(type, w, signs, qg + 3 * vector_stride));
                __m128 terms = _mm_mul_ps(_mm_cvtepi32_ps(sums), _mm_mul_ps(d, _mm_loadu_ps(sb + 4 * g)));
                if (type == 3) terms = _mm_add_ps(terms, _mm_mul_ps(mw, _mm_loadu_ps(sb + scale_stride + 4 * g)));
                acc[g][k] = _mm_add_ps(acc[g][k], terms);
            }
        }
    }
    for (int g = 0; g < quads; g++) _mm_storeu_ps(out + 4 * g, _mm_add_ps(_mm_add_ps(acc[g][0], acc[g][1]), _mm_add_ps(acc[g][2], acc[g][3])));
}

/// One copy per type and group count, so the loops over groups unroll into registers.
#define QUADS_FOR(TYPE) \
    switch (quads) { \
    case 1: dot_q8_quads(TYPE, row, q, scales, blocks, 1, out); break; \
    case 2: dot_q8_quads(TYPE, row, q, scales, blocks, 2, out); break; \
    case 3: dot_q8_quads(TYPE, row, q, scales, blocks, 3, out); break; \
    default: dot_q8_quads(TYPE, row, q, scales, blocks, 4, out); break; \
    }

void maas_dot_q8_quads(int type, const uint8_t *row, const int8_t *q, const float *scales, int blocks, int quads, float *out) {
    switch (type) {
    case 3: QUADS_FOR(3) break;
    case 8: QUADS_FOR(8) break;
    default: QUADS_FOR(2) break;
    }
}

void maas_transpose_scales(const float *scales, int blocks, int count, int padded, float *out) {
    for (int b = 0; b < blocks; b++) {
        for (int v = 0; v < padded; v++) {
            out[(2 * b) * padded + v] = v < count ? scales[2 * ((long)v * blocks + b)] : 0.0f;
            out[(2 * b + 1) * padded + v] = v < count ? scales[2 * ((long)v * blocks + b) + 1] : 0.0f;
        }
    }
}

void maas_rows_q8(int type, const uint8_t *data, long row_bytes, int first, int last, int rows, const int8_t *q, const float *scales,
                  int blocks, int count, float *out) {
    float values[16];
    for (int r = first; r < last; r++) {
        const uint8_t *row = data + (long)r * row_bytes;
        if (count == 1) {
            out[r] = maas_dot_q8(type, row, q, scales, blocks);
            continue;
        }
        // Chunks of 16 vectors: the row stays in L1 across them.
        for (int chunk = 0; chunk < count; chunk += 16) {
            const int n = count - chunk < 16 ? count - chunk : 16;
            maas_dot_q8_quads(type, row, q + (long)chunk * blocks * 32, scales + 2L * chunk * blocks, blocks, (n + 3) / 4, values);
            for (int v = 0; v < n; v++) out[(long)(chunk + v) * rows + r] = values[v];
        }
    }
}
