#ifndef MAAS_QUANT_KERNELS_H
#define MAAS_QUANT_KERNELS_H
#include <stdint.h>

/// Dot products of one GGUF-quantized weight row with Float32 activations, in AVX2/FMA/F16C:
/// weights are dequantized block by block in registers (the arithmetic is Float32 throughout).
/// `block_sums[b]` is the sum of x over block b (Q4_1's minimum term).
float maas_dot_q4_1_f32(const uint8_t *row, const float *x, const float *block_sums, int blocks);
float maas_dot_q4_0_f32(const uint8_t *row, const float *x, int blocks);
float maas_dot_q8_0_f32(const uint8_t *row, const float *x, int blocks);

#endif
