#include "thread_pool.h"
#include <immintrin.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

enum { max_workers = 255 };

static struct {
    int workers;
    _Atomic int busy;          // a region is in progress
    _Atomic unsigned generation;  // bumped to publish a region
    _Atomic int next;          // next item to take
    _Atomic int checked_in;    // workers done with the current region
    _Atomic int sleeping;
    int count;
    maas_pool_task task;
    void *context;
    pthread_mutex_t lock;
    pthread_cond_t wake;
} pool = {.lock = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER};

static double now_seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static void take_items(void) {
    for (int i; (i = atomic_fetch_add(&pool.next, 1)) < pool.count;) pool.task(pool.context, i);
}

static void *worker(void *unused) {
    (void)unused;
    unsigned seen = 0;  // workers start before the first region is published
    for (;;) {
        // Spin briefly: in a decode step the next region follows within microseconds.
        double deadline = now_seconds() + 1e-3;
        int spins = 0;
        while (atomic_load(&pool.generation) == seen) {
            _mm_pause();
            if (++spins % 1024 == 0 && now_seconds() > deadline) {
                pthread_mutex_lock(&pool.lock);
                atomic_fetch_add(&pool.sleeping, 1);
                while (atomic_load(&pool.generation) == seen) pthread_cond_wait(&pool.wake, &pool.lock);
                atomic_fetch_sub(&pool.sleeping, 1);
                pthread_mutex_unlock(&pool.lock);
            }
        }
        seen = atomic_load(&pool.generation);
        take_items();
        // The caller waits for every worker's check-in before it returns (and its task and
        // context go out of scope), so no worker can touch a region that has ended.
        atomic_fetch_add(&pool.checked_in, 1);
    }
    return NULL;
}

static pthread_once_t started = PTHREAD_ONCE_INIT;
static int requested_threads = 1;

static void start_workers(void) {
    int workers = requested_threads - 1;
    if (workers > max_workers) workers = max_workers;
    for (int i = 0; i < workers; i++) {
        pthread_t thread;
        if (pthread_create(&thread, NULL, worker, NULL) != 0) break;
        pthread_detach(thread);
        pool.workers++;
    }
}

int maas_pool_run(int threads, int count, maas_pool_task task, void *context) {
    if (atomic_exchange(&pool.busy, 1)) return 0;
    requested_threads = threads;
    pthread_once(&started, start_workers);
    pool.count = count;
    pool.task = task;
    pool.context = context;
    atomic_store(&pool.next, 0);
    atomic_store(&pool.checked_in, 0);
    atomic_fetch_add(&pool.generation, 1);
    if (atomic_load(&pool.sleeping) > 0) {
        pthread_mutex_lock(&pool.lock);
        pthread_cond_broadcast(&pool.wake);
        pthread_mutex_unlock(&pool.lock);
    }
    take_items();
    while (atomic_load(&pool.checked_in) < pool.workers) _mm_pause();
    atomic_store(&pool.busy, 0);
    return 1;
}
