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

#endif
