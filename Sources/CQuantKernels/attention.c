#include "quant_kernels.h"
#include <immintrin.h>
#include <math.h>

/// exp(x) for eight lanes: the Cephes polynomial of Tensor's `fastExp` (about 2 ulp).
static inline __m256 exp8(__m256 x) {
    x = _mm256_min_ps(_mm256_max_ps(x, _mm256_set1_ps(-87.33654f)), _mm256_set1_ps(88.72283f));
    __m256 n = _mm256_floor_ps(_mm256_fmadd_ps(x, _mm256_set1_ps(1.44269504f), _mm256_set1_ps(0.5f)));
    x = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375f), x);
    x = _mm256_fmadd_ps(n, _mm256_set1_ps(2.12194440e-4f), x);
    __m256 p = _mm256_set1_ps(1.98756915e-4f);
    p = _mm256_fmadd_ps(p, x, _mm256_set1_ps(1.39819995e-3f));
    p = _mm256_fmadd_ps(p, x, _mm256_set1_ps(8.3334519e-3f));
    p = _mm256_fmadd_ps(p, x, _mm256_set1_ps(4.16657959e-2f));
    p = _mm256_fmadd_ps(p, x, _mm256_set1_ps(1.66666555e-1f));
    p = _mm256_fmadd_ps(p, x, _mm256_set1_ps(5.0000001e-1f));
    __m256 y = _mm256_add_ps(_mm256_fmadd_ps(p, _mm256_mul_ps(x, x), x), _mm256_set1_ps(1.0f));
    __m256i exponent = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
    return _mm256_mul_ps(y, _mm256_castsi256_ps(exponent));
}

static inline float sum8(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

/// Softmax of `count` scores in place; returns 1 / Σ exp so the caller can fold the division in.
static inline float exponentiate(float *scores, int count, float peak) {
    __m256 total = _mm256_setzero_ps();
    const __m256 shift = _mm256_set1_ps(peak);
    int t = 0;
    for (; t + 8 <= count; t += 8) {
        __m256 e = exp8(_mm256_sub_ps(_mm256_loadu_ps(scores + t), shift));
        _mm256_storeu_ps(scores + t, e);
        total = _mm256_add_ps(total, e);
    }
    float sum = sum8(total);
    if (t < count) {
        float tail[8] = {0}, exps[8];
        for (int i = t; i < count; i++) tail[i - t] = scores[i] - peak;
        _mm256_storeu_ps(exps, exp8(_mm256_loadu_ps(tail)));
        for (int i = t; i < count; i++) { scores[i] = exps[i - t]; sum += exps[i - t]; }
    }
    return 1.0f / sum;
}

/// Eight cached values from element i of a row stored as F16 (`half`) or F32.
static inline __m256 load8(const void *row, long i, const int half) {
    return half ? _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)((const uint16_t *)row + i))) : _mm256_loadu_ps((const float *)row + i);
}

static inline float load1(const void *row, long i, const int half) {
    return half ? _cvtsh_ss(((const uint16_t *)row)[i]) : ((const float *)row)[i];
}

/// G query heads that share one key/value head (grouped-query attention), so every cached key
/// and value is read once for all G instead of once per head. G and the cache's precision are
/// constants in each copy.
__attribute__((always_inline)) static inline void attend_group(const int G, const int half, const float *queries, const void *keys,
                                                              const void *values, int stride, int visible, int d, float scale,
                                                              float *scores, float *out) {
    float peak[4] = {-3.0e38f, -3.0e38f, -3.0e38f, -3.0e38f};
    // With several sequences a step's caches are megabytes, read from memory: the key rows
    // ahead, and each row's values for the second pass, are requested while the scores are
    // computed (1.5-1.7x faster over 720 heads of 100-160 rows than the hardware prefetcher alone).
    const long row_bytes = (long)stride * (half ? 2 : 4);
    for (int t = 0; t < visible; t++) {
        const long key = (long)t * stride;
        for (long b = 0; b < row_bytes; b += 64) {
            _mm_prefetch((const char *)keys + (t + 16) * row_bytes + b, _MM_HINT_T0);
            _mm_prefetch((const char *)values + t * row_bytes + b, _MM_HINT_T0);
        }
        __m256 even[4], odd[4];
        for (int g = 0; g < G; g++) { even[g] = _mm256_setzero_ps(); odd[g] = _mm256_setzero_ps(); }
        int j = 0;
        for (; j + 16 <= d; j += 16) {
            const __m256 k0 = load8(keys, key + j, half), k1 = load8(keys, key + j + 8, half);
            for (int g = 0; g < G; g++) {
                even[g] = _mm256_fmadd_ps(_mm256_loadu_ps(queries + g * d + j), k0, even[g]);
                odd[g] = _mm256_fmadd_ps(_mm256_loadu_ps(queries + g * d + j + 8), k1, odd[g]);
            }
        }
        for (int g = 0; g < G; g++) {
            float dot = sum8(_mm256_add_ps(even[g], odd[g]));
            for (int i = j; i < d; i++) dot += queries[g * d + i] * load1(keys, key + i, half);
            const float score = dot * scale;
            scores[g * visible + t] = score;
            if (score > peak[g]) peak[g] = score;
        }
    }
    float inverse[4];
    for (int g = 0; g < G; g++) inverse[g] = exponentiate(scores + g * visible, visible, peak[g]);
    // Weighted sums of values, 16 output lanes per pass held in registers for every head.
    int j = 0;
    for (; j + 16 <= d; j += 16) {
        __m256 low[4], high[4];
        for (int g = 0; g < G; g++) { low[g] = _mm256_setzero_ps(); high[g] = _mm256_setzero_ps(); }
        for (int t = 0; t < visible; t++) {
            const long value = (long)t * stride + j;
            const __m256 v0 = load8(values, value, half), v1 = load8(values, value + 8, half);
            for (int g = 0; g < G; g++) {
                const __m256 p = _mm256_broadcast_ss(scores + g * visible + t);
                low[g] = _mm256_fmadd_ps(p, v0, low[g]);
                high[g] = _mm256_fmadd_ps(p, v1, high[g]);
            }
        }
        for (int g = 0; g < G; g++) {
            const __m256 norm = _mm256_set1_ps(inverse[g]);
            _mm256_storeu_ps(out + g * d + j, _mm256_mul_ps(low[g], norm));
            _mm256_storeu_ps(out + g * d + j + 8, _mm256_mul_ps(high[g], norm));
        }
    }
    for (; j < d; j++) {
        for (int g = 0; g < G; g++) {
            float acc = 0;
            for (int t = 0; t < visible; t++) acc += scores[g * visible + t] * load1(values, (long)t * stride + j, half);
            out[g * d + j] = acc * inverse[g];
        }
    }
}

#define ATTEND_FOR(HALF) \
    switch (group) { \
    case 1: attend_group(1, HALF, queries, keys, values, stride, visible, d, scale, scores, out); break; \
    case 2: attend_group(2, HALF, queries, keys, values, stride, visible, d, scale, scores, out); break; \
    case 3: attend_group(3, HALF, queries, keys, values, stride, visible, d, scale, scores, out); break; \
    default: attend_group(4, HALF, queries, keys, values, stride, visible, d, scale, scores, out); break; \
    }

void maas_attend_group(const float *queries, int group, const void *keys, const void *values, int half, int stride, int visible, int d,
                       float scale, float *scores, float *out) {
    if (group > 4) {  // larger groups: four heads at a time
        for (int g = 0; g < group; g += 4) {
            const int heads = group - g < 4 ? group - g : 4;
            maas_attend_group(queries + g * d, heads, keys, values, half, stride, visible, d, scale, scores, out + g * d);
        }
        return;
    }
    if (half) { ATTEND_FOR(1) } else { ATTEND_FOR(0) }
}

void maas_add_rmsnorm(float *x, const float *delta, const float *weight, float *out, int rows, int h, float epsilon) {
    for (int r = 0; r < rows; r++) {
        float *row = x + (long)r * h;
        float *normed = out + (long)r * h;
        __m256 squares = _mm256_setzero_ps();
        int i = 0;
        for (; i + 8 <= h; i += 8) {
            __m256 v = _mm256_loadu_ps(row + i);
            if (delta) {
                v = _mm256_add_ps(v, _mm256_loadu_ps(delta + (long)r * h + i));
                _mm256_storeu_ps(row + i, v);
            }
            squares = _mm256_fmadd_ps(v, v, squares);
        }
        float sum = sum8(squares);
        for (; i < h; i++) {
            if (delta) row[i] += delta[(long)r * h + i];
            sum += row[i] * row[i];
        }
        const float scale = 1.0f / sqrtf(sum / (float)h + epsilon);
        const __m256 factor = _mm256_set1_ps(scale);
        for (i = 0; i + 8 <= h; i += 8) {
            _mm256_storeu_ps(normed + i, _mm256_mul_ps(_mm256_mul_ps(_mm256_loadu_ps(row + i), factor), _mm256_loadu_ps(weight + i)));
        }
        for (; i < h; i++) normed[i] = row[i] * scale * weight[i];
    }
}

void maas_add(float *x, const float *delta, long count) {
    long i = 0;
    for (; i + 8 <= count; i += 8) _mm256_storeu_ps(x + i, _mm256_add_ps(_mm256_loadu_ps(x + i), _mm256_loadu_ps(delta + i)));
    for (; i < count; i++) x[i] += delta[i];
}

long maas_argmax(const float *x, long count) {
    // Eight running maxima with their first indices, then the first index of the largest.
    __m256 best = _mm256_set1_ps(-INFINITY);
    __m256i at = _mm256_set1_epi32(0), index = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    const __m256i eight = _mm256_set1_epi32(8);
    long i = 0;
    for (; i + 8 <= count && count < (1L << 31); i += 8) {
        const __m256 v = _mm256_loadu_ps(x + i);
        const __m256 greater = _mm256_cmp_ps(v, best, _CMP_GT_OQ);
        best = _mm256_blendv_ps(best, v, greater);
        at = _mm256_blendv_epi8(at, index, _mm256_castps_si256(greater));
        index = _mm256_add_epi32(index, eight);
    }
    float values[8];
    int indices[8];
    _mm256_storeu_ps(values, best);
    _mm256_storeu_si256((__m256i *)indices, at);
    long winner = 0;
    float top = -INFINITY;
    for (int lane = 0; lane < 8; lane++) {
        if (values[lane] > top || (values[lane] == top && indices[lane] < winner)) { top = values[lane]; winner = indices[lane]; }
    }
    for (; i < count; i++) if (x[i] > top) { top = x[i]; winner = i; }
    return winner;
}

float maas_exp_scaled(const float *x, float shift, float scale, float *out, long count) {
    const __m256 offset = _mm256_set1_ps(shift), factor = _mm256_set1_ps(scale);
    __m256 total = _mm256_setzero_ps();
    long i = 0;
    for (; i + 8 <= count; i += 8) {
        const __m256 e = exp8(_mm256_mul_ps(_mm256_sub_ps(_mm256_loadu_ps(x + i), offset), factor));
        _mm256_storeu_ps(out + i, e);
        total = _mm256_add_ps(total, e);
    }
    float sum = sum8(total);
    for (; i < count; i++) {
        float lanes[8] = {(x[i] - shift) * scale}, e[8];
        _mm256_storeu_ps(e, exp8(_mm256_loadu_ps(lanes)));
        out[i] = e[0];
        sum += e[0];
    }
    return sum;
}

void maas_store_half(const float *x, uint16_t *out, long count) {
    long i = 0;
    for (; i + 8 <= count; i += 8) {
        _mm_storeu_si128((__m128i *)(out + i), _mm256_cvtps_ph(_mm256_loadu_ps(x + i), _MM_FROUND_TO_NEAREST_INT));
    }
    for (; i < count; i++) out[i] = _cvtss_sh(x[i], _MM_FROUND_TO_NEAREST_INT);
}

void maas_swiglu(float *gate, const float *up, long count) {
    const __m256 one = _mm256_set1_ps(1.0f), sign = _mm256_set1_ps(-0.0f);
    long i = 0;
    for (; i + 8 <= count; i += 8) {
        const __m256 g = _mm256_loadu_ps(gate + i);
        const __m256 silu = _mm256_div_ps(g, _mm256_add_ps(one, exp8(_mm256_xor_ps(g, sign))));
        _mm256_storeu_ps(gate + i, _mm256_mul_ps(silu, _mm256_loadu_ps(up + i)));
    }
    if (i < count) {
        float g[8] = {0}, u[8] = {0};
        for (long j = i; j < count; j++) { g[j - i] = gate[j]; u[j - i] = up[j]; }
        const __m256 v = _mm256_loadu_ps(g);
        _mm256_storeu_ps(g, _mm256_mul_ps(_mm256_div_ps(v, _mm256_add_ps(one, exp8(_mm256_xor_ps(v, sign)))), _mm256_loadu_ps(u)));
        for (long j = i; j < count; j++) gate[j] = g[j - i];
    }
}

void maas_gemv_f16(const uint16_t *w, int cols, int first, int last, const float *x, int count, float *y, long ldy) {
    int body = cols & ~7;
    int r = first;
    if (count == 1) {
        // One vector: a row at a time (one stream the prefetchers follow; four rows interleaved
        // ran at a third of this speed), four independent accumulation chains along it.
        for (; r < last; ++r) {
            const uint16_t *row = w + (long)r * cols;
            __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps(), a2 = _mm256_setzero_ps(), a3 = _mm256_setzero_ps();
            int c = 0;
            for (; c + 32 <= body; c += 32) {
                a0 = _mm256_fmadd_ps(_mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(row + c))), _mm256_loadu_ps(x + c), a0);
                a1 = _mm256_fmadd_ps(_mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(row + c + 8))), _mm256_loadu_ps(x + c + 8), a1);
                a2 = _mm256_fmadd_ps(_mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(row + c + 16))), _mm256_loadu_ps(x + c + 16), a2);
                a3 = _mm256_fmadd_ps(_mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(row + c + 24))), _mm256_loadu_ps(x + c + 24), a3);
            }
            for (; c < body; c += 8) a0 = _mm256_fmadd_ps(_mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(row + c))), _mm256_loadu_ps(x + c), a0);
            float sum = sum8(_mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3)));
            for (c = body; c < cols; ++c) sum += _cvtsh_ss(row[c]) * x[c];
            y[r] = sum;
        }
        return;
    }
    for (; r < last; ++r) {
        const uint16_t *row = w + (long)r * cols;
        for (int v0 = 0; v0 < count; v0 += 4) {
            int n = count - v0 < 4 ? count - v0 : 4;
            const float *xs = x + (long)v0 * cols;
            __m256 a[4] = {_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps()};
            for (int c = 0; c < body; c += 8) {
                __m256 wv = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(row + c)));
                for (int k = 0; k < n; ++k) a[k] = _mm256_fmadd_ps(wv, _mm256_loadu_ps(xs + (long)k * cols + c), a[k]);
            }
            for (int k = 0; k < n; ++k) {
                float s = sum8(a[k]);
                for (int c = body; c < cols; ++c) s += _cvtsh_ss(row[c]) * xs[(long)k * cols + c];
                y[(long)(v0 + k) * ldy + r] = s;
            }
        }
    }
}

void maas_softmax(float *x, long count) {
    if (count <= 0) return;
    long i = 0;
    __m256 peak8 = _mm256_set1_ps(-INFINITY);
    for (; i + 8 <= count; i += 8) peak8 = _mm256_max_ps(peak8, _mm256_loadu_ps(x + i));
    float lanes[8], peak = -INFINITY;
    _mm256_storeu_ps(lanes, peak8);
    for (int k = 0; k < 8; ++k) peak = lanes[k] > peak ? lanes[k] : peak;
    for (; i < count; ++i) peak = x[i] > peak ? x[i] : peak;
    const __m256 shift = _mm256_set1_ps(peak);
    __m256 total8 = _mm256_setzero_ps();
    for (i = 0; i + 8 <= count; i += 8) {
        __m256 e = exp8(_mm256_sub_ps(_mm256_loadu_ps(x + i), shift));
        _mm256_storeu_ps(x + i, e);
        total8 = _mm256_add_ps(total8, e);
    }
    float total = sum8(total8);
    for (; i < count; ++i) {
        float tail[8] = {x[i] - peak}, e[8];
        _mm256_storeu_ps(e, exp8(_mm256_loadu_ps(tail)));
        x[i] = e[0];
        total += e[0];
    }
    const __m256 inverse = _mm256_set1_ps(1.0f / total);
    for (i = 0; i + 8 <= count; i += 8) _mm256_storeu_ps(x + i, _mm256_mul_ps(_mm256_loadu_ps(x + i), inverse));
    for (; i < count; ++i) x[i] *= 1.0f / total;
}

void maas_gelu(float *x, long count) {
    const __m256 half = _mm256_set1_ps(0.5f), one = _mm256_set1_ps(1.0f), sign = _mm256_set1_ps(-0.0f);
    long i = 0;
    for (; i + 8 <= count; i += 8) {
        const __m256 v = _mm256_loadu_ps(x + i);
        const __m256 z = _mm256_mul_ps(_mm256_andnot_ps(sign, v), _mm256_set1_ps(0.70710678f));
        const __m256 t = _mm256_div_ps(one, _mm256_fmadd_ps(_mm256_set1_ps(0.3275911f), z, one));
        __m256 p = _mm256_fmadd_ps(t, _mm256_set1_ps(1.061405429f), _mm256_set1_ps(-1.453152027f));
        p = _mm256_fmadd_ps(t, p, _mm256_set1_ps(1.421413741f));
        p = _mm256_fmadd_ps(t, p, _mm256_set1_ps(-0.284496736f));
        p = _mm256_fmadd_ps(t, p, _mm256_set1_ps(0.254829592f));
        p = _mm256_mul_ps(t, p);
        const __m256 erf_abs = _mm256_fnmadd_ps(p, exp8(_mm256_xor_ps(_mm256_mul_ps(z, z), sign)), one);
        const __m256 erf = _mm256_or_ps(erf_abs, _mm256_and_ps(v, sign));  // erf takes x's sign
        _mm256_storeu_ps(x + i, _mm256_mul_ps(_mm256_mul_ps(half, v), _mm256_add_ps(one, erf)));
    }
    if (i < count) {
        float tail[8] = {0};
        for (long k = i; k < count; ++k) tail[k - i] = x[k];
        maas_gelu(tail, 8);
        for (long k = i; k < count; ++k) x[k] = tail[k - i];
    }
}
