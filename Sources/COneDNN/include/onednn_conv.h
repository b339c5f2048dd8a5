#ifndef MAAS_ONEDNN_CONV_H
#define MAAS_ONEDNN_CONV_H
// 2-D convolutions on oneDNN (Debian's libdnnl2, the kernels PyTorch uses on CPU), loaded with
// dlopen on first use like OpenBLAS: a process that never convolves does not map it or start
// its OpenMP threads, and a machine without the library falls back to im2col + SGEMM.
// Tensors are NHWC; weights are [KH, KW, C, F] (oneDNN's hwio) as the rest of SwiftMaaS keeps
// them; oneDNN's blocked weight layouts stay inside this file.

/// The geometry of one convolution (valid or explicitly padded, any stride).
struct maas_conv_geometry {
    int batch, in_height, in_width, in_channels, filters;
    int kernel_height, kernel_width, stride_height, stride_width;
    int pad_top, pad_left, pad_bottom, pad_right, out_height, out_width;
};

/// Loads oneDNN once with `threads` OpenMP threads, capped at AVX2 when `avx2_only`. Returns 1
/// when convolutions can run on it, 0 when the library is missing (nothing is printed).
int maas_onednn_load(int threads, int avx2_only);

/// The implementation oneDNN picked for this geometry's forward pass (e.g. "brgconv:avx512_core"),
/// or "unavailable" before a successful `maas_onednn_load`.
const char *maas_onednn_forward_impl(const struct maas_conv_geometry *g);

/// y = conv(x, w) + b (b may be NULL). Returns 0 on success.
int maas_onednn_conv_forward(const struct maas_conv_geometry *g, const float *x, const float *w, const float *b, float *y);
/// dx = the input gradient from dy. Returns 0 on success.
int maas_onednn_conv_backward_data(const struct maas_conv_geometry *g, const float *dy, const float *w, float *dx);
/// dw (hwio) and db (may be NULL) from x and dy. Returns 0 on success.
int maas_onednn_conv_backward_weights(const struct maas_conv_geometry *g, const float *x, const float *dy, float *dw, float *db);

#endif
