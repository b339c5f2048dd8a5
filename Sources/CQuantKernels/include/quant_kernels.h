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

/// Bytes that `maas_interleave8` writes for a matrix of `rows` rows of `blocks` blocks (rows
/// padded with zero rows to a multiple of eight).
long maas_interleaved8_bytes(int type, int rows, int blocks);

/// Repacks a GGUF matrix (ggml type 2 = Q4_0, 3 = Q4_1, 8 = Q8_0; `rows` rows of `row_bytes`)
/// into groups of eight rows for the integer products: per group and block, the eight rows' F16
/// scales, for the 4-bit types their F16 minimums (Q4_0's is −8·d), then the weights as eight
/// 32-byte registers (Q8_0) or four registers of nibble pairs (4-bit), in which each row's lane
/// holds four consecutive weights.
void maas_interleave8(int type, const uint8_t *data, long row_bytes, int rows, int blocks, uint8_t *out);

/// One row of an interleaved matrix as Float32 (a token embedding).
void maas_dequantize_interleaved8(int type, const uint8_t *data, int blocks, int row, float *out);

/// Groups first ..< last of an interleaved matrix of `rows` rows against `count` vectors
/// quantized by `maas_quantize_q8` (vector v's bytes at q + v·blocks·32, its scale pairs at
/// scales + 2·v·blocks): out[v·rows + r]. Each vector's products are bit-for-bit the same
/// whatever `count` is.
void maas_groups_q8(int type, const uint8_t *data, int first, int last, int rows, const int8_t *q, const float *scales, int blocks,
                    int count, float *out);

/// Which integer kernels `maas_groups_q8` runs: 1 for AVX-512 VNNI (two groups per register),
/// where the processor has it, else 0 for AVX2. MAAS_KERNELS=avx2 in the environment keeps AVX2.
/// Both give bit-for-bit the same results.
int maas_kernel_level(void);
/// Chooses the kernels (1 only where supported); returns the level in effect.
int maas_set_kernel_level(int level);
/// Whether the processor and the operating system run the AVX-512 VNNI kernels.
int maas_vnni_supported(void);

/// Attention of `group` query heads (d floats apart in `queries` and `out`) that share one cached
/// key/value head: scores = scale · query · key_t for t < visible (keys and values `stride`
/// elements apart, F16 when `half` is non-zero, else F32), softmax, out = Σ p_t · value_t.
/// `scores` holds group × visible floats.
void maas_attend_group(const float *queries, int group, const void *keys, const void *values, int half, int stride, int visible, int d,
                       float scale, float *scores, float *out);

/// For each of `rows` rows of h floats: x += delta (when delta is not NULL), then
/// out = x / sqrt(mean(x²) + epsilon) · weight (RMSNorm after the residual add).
void maas_add_rmsnorm(float *x, const float *delta, const float *weight, float *out, int rows, int h, float epsilon);

/// x[i] += delta[i].
void maas_add(float *x, const float *delta, long count);

/// The index of the largest value (the first among equals; NaNs are never chosen).
long maas_argmax(const float *x, long count);

/// out[i] = exp((x[i] − shift) · scale) (the vector exp of the softmax); returns Σ out.
float maas_exp_scaled(const float *x, float shift, float scale, float *out, long count);

/// F32 values rounded to F16 (to nearest even), as a cache row is stored.
void maas_store_half(const float *x, uint16_t *out, long count);

/// Rows first ..< last of an F16 matrix w [rows × cols] against `count` Float32 vectors (x, `cols`
/// apart): y[v · ldy + r] = Σ_c w[r, c] · x[v, c], in Float32. Half the bytes of the Float32
/// matrix for the same products (F16 converts to Float32 exactly): for memory-bound
/// matrix-vector work such as a decoder's output projection.
void maas_gemv_f16(const uint16_t *w, int cols, int first, int last, const float *x, int count, float *y, long ldy);

/// Softmax of `count` values in place (max-subtracted), eight lanes at a time.
void maas_softmax(float *x, long count);

/// GELU in place with erf from Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7), eight lanes at a time.
void maas_gelu(float *x, long count);

/// Gives the heap's free pages back to the system (glibc's malloc_trim): a model's loader frees
/// tens of thousands of parsed strings, which otherwise stay resident.
void maas_return_free_memory(void);

/// gate[i] = silu(gate[i]) · up[i] (SwiGLU), with the vector exp of the attention softmax.
void maas_swiglu(float *gate, const float *up, long count);

#endif
