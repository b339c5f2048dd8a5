#include "openblas_lazy.h"
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

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

static void load(void) {
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
    functions.set_num_threads = symbol(library, "openblas_set_num_threads");
    functions.get_num_threads = symbol(library, "openblas_get_num_threads");
    functions.dgels = symbol(library, "dgels_");
    functions.dposv = symbol(library, "dposv_");
}

const struct maas_blas_functions *maas_blas(void) {
    pthread_once(&loaded, load);
    return &functions;
}
