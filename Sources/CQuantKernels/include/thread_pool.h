#ifndef MAAS_THREAD_POOL_H
#define MAAS_THREAD_POOL_H

/// A task: runs item `index` of a parallel region.
typedef void (*maas_pool_task)(void *context, int index);

/// Runs task(context, 0 ..< count) on `threads` threads: the caller and threads − 1 persistent
/// workers (started on first use), which take items from a shared counter. Between regions the
/// workers spin for about a millisecond before they sleep, so the ~150 regions of a decode step
/// cost a few hundred nanoseconds each instead of a wake-up. One region runs at a time: when
/// another is in progress (another model, or a region started from inside a task) this returns
/// 0 without running anything, and the caller should use other threads. Returns 1 when done.
int maas_pool_run(int threads, int count, maas_pool_task task, void *context);

#endif
