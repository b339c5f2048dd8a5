#include "openblas_lazy.h"
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct maas_blas_functions functions;
static pthread_once_t loaded = PTHREAD_ONCE_INIT;

static void *symbol(void *library, const char *name) {
    void *function = dlsym(library, name);
    if (!function) {
        fprintf(stderr, "maas: OpenBLAS lacks %s (%s)\n", name, dlerror());
        abort();
    }
    return function;
}

// OpenBLAS 0.3.21 (Debian 12) predates Zen 4 and 5: it does not recognise them and runs its
// generic kernels (perf showed dgemm_kernel_PRESCOTT, SSE3) for double precision; single
// precision reached 130 GFLOP/s where its SkylakeX kernels reach 160 (maas bench gemm, 2 threads).
// Unless the operator chose a core (OPENBLAS_CORETYPE), name the closest one it knows from what
// the CPU supports; MAAS_KERNELS=avx2 keeps it to AVX2, as it does our own kernels. OpenBLAS
// reads the variable when it is loaded, which is here, once.
static void choose_core(void) {
    if (getenv("OPENBLAS_CORETYPE")) return;
    const char *kernels = getenv("MAAS_KERNELS");
    int avx2_only = kernels && strcmp(kernels, "avx2") == 0;
    __builtin_cpu_init();
    if (!avx2_only && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512bw")
        && __builtin_cpu_supports("avx512vl")) {
        setenv("OPENBLAS_CORETYPE", "SkylakeX", 0);
    } else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
        setenv("OPENBLAS_CORETYPE", "Haswell", 0);
    }
}

static void load(void) {
    choose_core();
    // The library `make` installs (libopenblas-dev); libopenblas.so.0 is its runtime name.
    void *library = dlopen("libopenblas.so.0", RTLD_NOW | RTLD_LOCAL);
    if (!library) library = dlopen("libopenblas.so", RTLD_NOW | RTLD_LOCAL);
    if (!library) {
        fprintf(stderr, "maas: cannot load OpenBLAS (libopenblas.so.0): %s. Install it with: apt-get install libopenblas0\n", dlerror());
        abort();
    }
    functions.sgemm = symbol(library, "cblas_sgemm");
    functions.dgemm = symbol(library, "cblas_dgemm");
    functions.dgemv = symbol(library, "cblas_dgemv");
    functions.sgemv = symbol(library, "cblas_sgemv");
    functions.set_num_threads = symbol(library, "openblas_set_num_threads");
    functions.get_num_threads = symbol(library, "openblas_get_num_threads");
    functions.get_corename = symbol(library, "openblas_get_corename");
    functions.dgels = symbol(library, "dgels_");
    functions.dposv = symbol(library, "dposv_");
}

const struct maas_blas_functions *maas_blas(void) {
    pthread_once(&loaded, load);
    return &functions;
}
