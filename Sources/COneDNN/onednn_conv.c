#include "onednn_conv.h"

#include <dlfcn.h>
#include <dnnl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// The oneDNN entry points used here, resolved with dlsym (their types from dnnl.h).
#define DNNL_FUNCTIONS(X)                                                                                              \
    X(dnnl_engine_create) X(dnnl_stream_create) X(dnnl_stream_wait) X(dnnl_memory_desc_init_by_tag)                    \
    X(dnnl_convolution_forward_desc_init) X(dnnl_convolution_backward_data_desc_init)                                  \
    X(dnnl_convolution_backward_weights_desc_init) X(dnnl_primitive_desc_create) X(dnnl_primitive_desc_query_md)        \
    X(dnnl_primitive_desc_query) X(dnnl_primitive_create) X(dnnl_primitive_execute) X(dnnl_memory_create)              \
    X(dnnl_memory_destroy) X(dnnl_memory_desc_equal) X(dnnl_reorder_primitive_desc_create) X(dnnl_memory_desc_get_size)

#define DECLARE(name) static __typeof__(&name) p_##name;
DNNL_FUNCTIONS(DECLARE)

// One lock around everything: oneDNN's OpenMP threads already spread each call over every
// core, and a primitive's library-managed scratchpad is not safe to share between two
// concurrent executions.
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int loaded = -1;  // -1: not tried, 0: unavailable, 1: ready
static dnnl_engine_t engine;
static dnnl_stream_t stream;

int maas_onednn_load(int threads, int avx2_only) {
    pthread_mutex_lock(&lock);
    if (loaded >= 0) { pthread_mutex_unlock(&lock); return loaded; }
    loaded = 0;
    // Read by libgomp and oneDNN when they load, which is here; an operator's own settings win.
    char count[16];
    snprintf(count, sizeof count, "%d", threads > 0 ? threads : 1);
    setenv("OMP_NUM_THREADS", count, 0);
    // Between calls the threads sleep instead of spinning: the cores are needed by our own
    // elementwise kernels and OpenBLAS between convolutions.
    setenv("OMP_WAIT_POLICY", "passive", 0);
    if (avx2_only) setenv("DNNL_MAX_CPU_ISA", "AVX2", 0);
    void *library = dlopen("libdnnl.so.2", RTLD_NOW | RTLD_LOCAL);
    if (!library) library = dlopen("libdnnl.so", RTLD_NOW | RTLD_LOCAL);
    if (library) {
        int complete = 1;
#define RESOLVE(name) if (!(p_##name = (__typeof__(&name))dlsym(library, #name))) complete = 0;
        DNNL_FUNCTIONS(RESOLVE)
        if (complete && p_dnnl_engine_create(&engine, dnnl_cpu, 0) == dnnl_success
            && p_dnnl_stream_create(&stream, engine, dnnl_stream_default_flags) == dnnl_success)
            loaded = 1;
    }
    pthread_mutex_unlock(&lock);
    return loaded;
}

/// A reorder between two layouts of the same tensor; NULL when they are the same layout.
struct reorder {
    dnnl_primitive_t primitive;
    dnnl_memory_desc_t from, to;
};

/// Everything oneDNN needs for one geometry, made once and kept for the life of the process.
struct plan {
    struct maas_conv_geometry g;
    int has_bias;
    dnnl_memory_desc_t x, w, b, y;  // NHWC activations, hwio weights, bias
    dnnl_memory_desc_t any_w;       // weights in whatever layout oneDNN prefers
    dnnl_dims_t strides, left, right;
    dnnl_primitive_desc_t forward_pd;
    dnnl_primitive_t forward;
    struct reorder forward_weights;
    dnnl_primitive_t backward_data;
    struct reorder backward_data_weights;
    int backward_data_made;
    dnnl_primitive_t backward_weights;
    struct reorder backward_weights_out;
    int backward_weights_made;
    struct plan *next;
};
static struct plan *plans;

static int make_reorder(struct reorder *r, const dnnl_memory_desc_t *from, const dnnl_memory_desc_t *to) {
    r->primitive = NULL;
    r->from = *from;
    r->to = *to;
    if (p_dnnl_memory_desc_equal(from, to)) return 0;
    dnnl_primitive_desc_t pd;
    if (p_dnnl_reorder_primitive_desc_create(&pd, from, engine, to, engine, NULL) != dnnl_success) return -1;
    return p_dnnl_primitive_create(&r->primitive, pd) == dnnl_success ? 0 : -1;
}

static dnnl_memory_t wrap(const dnnl_memory_desc_t *md, const void *data) {
    dnnl_memory_t memory = NULL;
    p_dnnl_memory_create(&memory, md, engine, (void *)data);
    return memory;
}

static int execute(dnnl_primitive_t primitive, int count, dnnl_exec_arg_t *args) {
    int status = p_dnnl_primitive_execute(primitive, stream, count, args) == dnnl_success ? 0 : -1;
    for (int i = 0; i < count; i++) p_dnnl_memory_destroy(args[i].memory);
    return status;
}

/// Runs `r` from `source` into a new buffer (the caller frees it), or returns `source` itself
/// when no reorder is needed.
static void *reordered(const struct reorder *r, const void *source, int *owned) {
    *owned = 0;
    if (!r->primitive) return (void *)source;
    size_t size = p_dnnl_memory_desc_get_size(&r->to);
    void *target = aligned_alloc(64, (size + 63) / 64 * 64);
    if (!target) return NULL;
    dnnl_exec_arg_t args[] = {{DNNL_ARG_FROM, wrap(&r->from, source)}, {DNNL_ARG_TO, wrap(&r->to, target)}};
    if (execute(r->primitive, 2, args) != 0) { free(target); return NULL; }
    *owned = 1;
    return target;
}

static void padding(const struct maas_conv_geometry *g, dnnl_dims_t strides, dnnl_dims_t left, dnnl_dims_t right) {
    strides[0] = g->stride_height; strides[1] = g->stride_width;
    left[0] = g->pad_top; left[1] = g->pad_left;
    right[0] = g->pad_bottom; right[1] = g->pad_right;
}

static struct plan *find_plan(const struct maas_conv_geometry *g, int has_bias) {
    for (struct plan *p = plans; p; p = p->next)
        if (p->has_bias == has_bias && memcmp(&p->g, g, sizeof *g) == 0) return p;
    struct plan *p = calloc(1, sizeof *p);
    if (!p) return NULL;
    p->g = *g;
    p->has_bias = has_bias;
    int ok = p_dnnl_memory_desc_init_by_tag(&p->x, 4, (dnnl_dims_t){g->batch, g->in_channels, g->in_height, g->in_width}, dnnl_f32, dnnl_nhwc) == dnnl_success
        && p_dnnl_memory_desc_init_by_tag(&p->w, 4, (dnnl_dims_t){g->filters, g->in_channels, g->kernel_height, g->kernel_width}, dnnl_f32, dnnl_hwio) == dnnl_success
        && p_dnnl_memory_desc_init_by_tag(&p->any_w, 4, (dnnl_dims_t){g->filters, g->in_channels, g->kernel_height, g->kernel_width}, dnnl_f32, dnnl_format_tag_any) == dnnl_success
        && p_dnnl_memory_desc_init_by_tag(&p->b, 1, (dnnl_dims_t){g->filters}, dnnl_f32, dnnl_x) == dnnl_success
        && p_dnnl_memory_desc_init_by_tag(&p->y, 4, (dnnl_dims_t){g->batch, g->filters, g->out_height, g->out_width}, dnnl_f32, dnnl_nhwc) == dnnl_success;
    padding(g, p->strides, p->left, p->right);
    dnnl_convolution_desc_t desc;
    ok = ok && p_dnnl_convolution_forward_desc_init(&desc, dnnl_forward_training, dnnl_convolution_direct, &p->x, &p->any_w,
                                                    has_bias ? &p->b : NULL, &p->y, p->strides, p->left, p->right) == dnnl_success
        && p_dnnl_primitive_desc_create(&p->forward_pd, &desc, NULL, engine, NULL) == dnnl_success
        && p_dnnl_primitive_create(&p->forward, p->forward_pd) == dnnl_success
        && make_reorder(&p->forward_weights, &p->w, p_dnnl_primitive_desc_query_md(p->forward_pd, dnnl_query_weights_md, 0)) == 0;
    if (!ok) { free(p); return NULL; }
    p->next = plans;
    plans = p;
    return p;
}

const char *maas_onednn_forward_impl(const struct maas_conv_geometry *g) {
    if (loaded != 1) return "unavailable";
    pthread_mutex_lock(&lock);
    struct plan *p = find_plan(g, 1);
    const char *name = "unavailable";
    if (p) p_dnnl_primitive_desc_query(p->forward_pd, dnnl_query_impl_info_str, 0, &name);
    pthread_mutex_unlock(&lock);
    return name;
}

int maas_onednn_conv_forward(const struct maas_conv_geometry *g, const float *x, const float *w, const float *b, float *y) {
    if (loaded != 1) return -1;
    pthread_mutex_lock(&lock);
    int status = -1, owned = 0;
    struct plan *p = find_plan(g, b != NULL);
    void *weights = p ? reordered(&p->forward_weights, w, &owned) : NULL;
    if (weights) {
        dnnl_exec_arg_t args[4] = {{DNNL_ARG_SRC, wrap(&p->x, x)}, {DNNL_ARG_WEIGHTS, wrap(&p->forward_weights.to, weights)},
                                   {DNNL_ARG_DST, wrap(&p->y, y)}, {DNNL_ARG_BIAS, b ? wrap(&p->b, b) : NULL}};
        status = execute(p->forward, b ? 4 : 3, args);
        if (owned) free(weights);
    }
    pthread_mutex_unlock(&lock);
    return status;
}

int maas_onednn_conv_backward_data(const struct maas_conv_geometry *g, const float *dy, const float *w, float *dx) {
    if (loaded != 1) return -1;
    pthread_mutex_lock(&lock);
    int status = -1, owned = 0;
    struct plan *p = find_plan(g, 0);
    if (p && !p->backward_data_made) {
        dnnl_convolution_desc_t desc;
        dnnl_primitive_desc_t pd;
        if (p_dnnl_convolution_backward_data_desc_init(&desc, dnnl_convolution_direct, &p->x, &p->any_w, &p->y, p->strides, p->left, p->right) == dnnl_success
            && p_dnnl_primitive_desc_create(&pd, &desc, NULL, engine, p->forward_pd) == dnnl_success
            && p_dnnl_primitive_create(&p->backward_data, pd) == dnnl_success
            && make_reorder(&p->backward_data_weights, &p->w, p_dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0)) == 0)
            p->backward_data_made = 1;
    }
    void *weights = p && p->backward_data_made ? reordered(&p->backward_data_weights, w, &owned) : NULL;
    if (weights) {
        dnnl_exec_arg_t args[] = {{DNNL_ARG_DIFF_DST, wrap(&p->y, dy)}, {DNNL_ARG_WEIGHTS, wrap(&p->backward_data_weights.to, weights)},
                                  {DNNL_ARG_DIFF_SRC, wrap(&p->x, dx)}};
        status = execute(p->backward_data, 3, args);
        if (owned) free(weights);
    }
    pthread_mutex_unlock(&lock);
    return status;
}

int maas_onednn_conv_backward_weights(const struct maas_conv_geometry *g, const float *x, const float *dy, float *dw, float *db) {
    if (loaded != 1) return -1;
    pthread_mutex_lock(&lock);
    int status = -1;
    struct plan *p = find_plan(g, db != NULL);
    if (p && !p->backward_weights_made) {
        dnnl_convolution_desc_t desc;
        dnnl_primitive_desc_t pd;
        if (p_dnnl_convolution_backward_weights_desc_init(&desc, dnnl_convolution_direct, &p->x, &p->any_w, db ? &p->b : NULL, &p->y,
                                                          p->strides, p->left, p->right) == dnnl_success
            && p_dnnl_primitive_desc_create(&pd, &desc, NULL, engine, p->forward_pd) == dnnl_success
            && p_dnnl_primitive_create(&p->backward_weights, pd) == dnnl_success
            && make_reorder(&p->backward_weights_out, p_dnnl_primitive_desc_query_md(pd, dnnl_query_diff_weights_md, 0), &p->w) == 0)
            p->backward_weights_made = 1;
    }
    if (p && p->backward_weights_made) {
        // The gradient comes out in oneDNN's layout, then goes back to hwio.
        void *blocked = dw;
        if (p->backward_weights_out.primitive) {
            size_t size = p_dnnl_memory_desc_get_size(&p->backward_weights_out.from);
            blocked = aligned_alloc(64, (size + 63) / 64 * 64);
        }
        if (blocked) {
            dnnl_exec_arg_t args[4] = {{DNNL_ARG_SRC, wrap(&p->x, x)}, {DNNL_ARG_DIFF_DST, wrap(&p->y, dy)},
                                       {DNNL_ARG_DIFF_WEIGHTS, wrap(&p->backward_weights_out.from, blocked)},
                                       {DNNL_ARG_DIFF_BIAS, db ? wrap(&p->b, db) : NULL}};
            status = execute(p->backward_weights, db ? 4 : 3, args);
            if (status == 0 && blocked != dw) {
                dnnl_exec_arg_t back[] = {{DNNL_ARG_FROM, wrap(&p->backward_weights_out.from, blocked)},
                                          {DNNL_ARG_TO, wrap(&p->w, dw)}};
                status = execute(p->backward_weights_out.primitive, 2, back);
            }
            if (blocked != dw) free(blocked);
        }
    }
    pthread_mutex_unlock(&lock);
    return status;
}
