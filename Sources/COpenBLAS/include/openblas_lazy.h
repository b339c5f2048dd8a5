#ifndef MAAS_OPENBLAS_LAZY_H
#define MAAS_OPENBLAS_LAZY_H
// The few OpenBLAS entry points SwiftMaaS calls, under their CBLAS/LAPACK names, resolved from
// libopenblas with dlopen on first use instead of linked: a process that never multiplies dense
// matrices (serving a quantized language model) does not map and initialise OpenBLAS (1.6 MiB
// resident, plus a thread that spins at start-up). Declarations follow OpenBLAS's cblas.h (int
// indices). Do not include cblas.h beside this header.

typedef enum CBLAS_ORDER { CblasRowMajor = 101, CblasColMajor = 102 } CBLAS_ORDER;
typedef enum CBLAS_TRANSPOSE { CblasNoTrans = 111, CblasTrans = 112, CblasConjTrans = 113, CblasConjNoTrans = 114 } CBLAS_TRANSPOSE;

/// OpenBLAS's functions, loaded once (the process stops with a message naming the library if
/// it cannot be loaded).
struct maas_blas_functions {
    void (*sgemm)(CBLAS_ORDER, CBLAS_TRANSPOSE, CBLAS_TRANSPOSE, int, int, int, float, const float *, int, const float *, int, float,
                  float *, int);
    void (*dgemm)(CBLAS_ORDER, CBLAS_TRANSPOSE, CBLAS_TRANSPOSE, int, int, int, double, const double *, int, const double *, int,
                  double, double *, int);
    void (*dgemv)(CBLAS_ORDER, CBLAS_TRANSPOSE, int, int, double, const double *, int, const double *, int, double, double *, int);
    void (*sgemv)(CBLAS_ORDER, CBLAS_TRANSPOSE, int, int, float, const float *, int, const float *, int, float, float *, int);
    void (*set_num_threads)(int);
    int (*get_num_threads)(void);
    char *(*get_corename)(void);
    void (*dgels)(const char *, const int *, const int *, const int *, double *, const int *, double *, const int *, double *,
                  const int *, int *);
    void (*dposv)(const char *, const int *, const int *, double *, const int *, double *, const int *, int *);
};
const struct maas_blas_functions *maas_blas(void);

static inline void cblas_sgemm(CBLAS_ORDER order, CBLAS_TRANSPOSE ta, CBLAS_TRANSPOSE tb, int m, int n, int k, float alpha,
                               const float *a, int lda, const float *b, int ldb, float beta, float *c, int ldc) {
    maas_blas()->sgemm(order, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

static inline void cblas_dgemm(CBLAS_ORDER order, CBLAS_TRANSPOSE ta, CBLAS_TRANSPOSE tb, int m, int n, int k, double alpha,
                               const double *a, int lda, const double *b, int ldb, double beta, double *c, int ldc) {
    maas_blas()->dgemm(order, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

static inline void cblas_dgemv(CBLAS_ORDER order, CBLAS_TRANSPOSE t, int m, int n, double alpha, const double *a, int lda,
                               const double *x, int incx, double beta, double *y, int incy) {
    maas_blas()->dgemv(order, t, m, n, alpha, a, lda, x, incx, beta, y, incy);
}

static inline void cblas_sgemv(CBLAS_ORDER order, CBLAS_TRANSPOSE t, int m, int n, float alpha, const float *a, int lda,
                               const float *x, int incx, float beta, float *y, int incy) {
    maas_blas()->sgemv(order, t, m, n, alpha, a, lda, x, incx, beta, y, incy);
}

static inline void openblas_set_num_threads(int threads) { maas_blas()->set_num_threads(threads); }
static inline int openblas_get_num_threads(void) { return maas_blas()->get_num_threads(); }
/// The kernel family OpenBLAS chose ("SkylakeX", "Haswell"…).
static inline const char *openblas_get_corename(void) { return maas_blas()->get_corename(); }

// LAPACK (Fortran interface, column-major) as exported by libopenblas.
static inline void dgels_(const char *trans, const int *m, const int *n, const int *nrhs, double *a, const int *lda, double *b,
                          const int *ldb, double *work, const int *lwork, int *info) {
    maas_blas()->dgels(trans, m, n, nrhs, a, lda, b, ldb, work, lwork, info);
}

static inline void dposv_(const char *uplo, const int *n, const int *nrhs, double *a, const int *lda, double *b, const int *ldb,
                          int *info) {
    maas_blas()->dposv(uplo, n, nrhs, a, lda, b, ldb, info);
}

#endif
