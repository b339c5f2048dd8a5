#include <cblas.h>
// openblas_set_num_threads / openblas_get_num_threads are declared in cblas.h by OpenBLAS.

// LAPACK (Fortran interface, column-major) as exported by libopenblas.
void dgels_(const char *trans, const int *m, const int *n, const int *nrhs, double *a, const int *lda,
            double *b, const int *ldb, double *work, const int *lwork, int *info);
void dposv_(const char *uplo, const int *n, const int *nrhs, double *a, const int *lda, double *b, const int *ldb, int *info);
