#ifndef MAAS_QUANT_KERNELS_H
#define MAAS_QUANT_KERNELS_H
#include <stdint.h>

/// Dot products of one GGUF-quantized weight row with Float32 activations, in AVX2/FMA/F16C:
/// weights are dequantized block by block in registers (the arithmetic is Float32 throughout).
/// `block_sums[b]` is the sum of x over block b (Q4_1's minimum term).
float maas_dot_q4_1_f32(const uint8_t *row, const float *x, const float *block_sums, int blocks);
float maas_dot_q4_0_f32(const uint8_t *row, const float *x, int blocks);
float maas_dot_q8_0_f32(const uint8_t *row, const float *x, int blocks);

/// One row dequantized to Float32.
void maas_dequantize_q4_1(const uint8_t *row, float *out, int blocks);
void maas_dequantize_q4_0(const uint8_t *row, float *out, int blocks);
void maas_dequantize_q8_0(const uint8_t *row, float *out, int blocks);

/// A row (ggml type 2 = Q4_0, 3 = Q4_1, 8 = Q8_0) against up to 16 vectors `stride` apart.
void maas_dot_rows_multi(int type, const uint8_t *row, const float *x, int stride, int blocks, int count, float *out);

/// Activations quantized to 8 bits per block of 32 (llama.cpp's Q8_1): q = round(x / d) with
/// d = max|x| / 127; `scales` holds a pair per block, d and d · Σ q (Q4_1's minimum term).
void maas_quantize_q8(const float *x, int blocks, int8_t *q, float *scales);

/// A weight row (ggml type 2 = Q4_0, 3 = Q4_1, 8 = Q8_0) · 8-bit activations, with integer
/// multiply-adds per block (AVX2 maddubs) and one Float scale per block. Bit-for-bit equal to
/// the same vector's lane of `maas_dot_q8_quads` (see quant_kernels.c).
float maas_dot_q8(int type, const uint8_t *row, const int8_t *q, const float *scales, int blocks);

/// A row against 4·quads (≤ 16) quantized vectors (vector v at q + v·blocks·32, zero vectors as
/// padding), with scales laid out by `maas_transpose_scales`.
void maas_dot_q8_quads(int type, const uint8_t *row, const int8_t *q, const float *scales, int blocks, int quads, float *out);

/// Scale pairs of `count` vectors (as `maas_quantize_q8` writes them, vector after vector)
/// regrouped by block for `maas_dot_q8_quads`: out[(2b + k)·padded + v], zero for v ≥ count.
void maas_transpose_scales(const float *scales, int blocks, int count, int padded, float *out);

/// Rows first ..< last of a quantized matrix (`rows` rows of `row_bytes`) against `count`
/// prepared vectors: out[v·rows + r]. One vector takes scales as `maas_quantize_q8` wrote them;
/// several go in chunks of 16 (scales of chunk c at scales + 2·16·c·blocks, regrouped by
/// `maas_transpose_scales` and padded to a multiple of four).
void maas_rows_q8(int type, const uint8_t *data, long row_bytes, int first, int last, int rows, const int8_t *q, const float *scales,
                  int blocks, int count, float *out);

/// Attention of `group` query heads (d floats apart in `queries` and `out`) that share one cached
/// key/value head: scores = scale · query · key_t for t < visible (keys and values `stride` floats
/// apart), softmax, out = Σ p_t · value_t. `scores` holds group × visible floats.
void maas_attend_group(const float *queries, int group, const float *keys, const float *values, int stride, int visible, int d,
                       float scale, float *scores, float *out);

/// Gives the heap's free pages back to the system (glibc's malloc_trim): a model's loader frees
/// tens of thousands of parsed strings, which otherwise stay resident.
void maas_return_free_memory(void);

/// gate[i] = silu(gate[i]) · up[i] (SwiGLU), with the vector exp of the attention softmax.
void maas_swiglu(float *gate, const float *up, long count);

#endif
