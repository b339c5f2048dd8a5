import CQuantKernels
import Tensor

/// Parallel regions of the decode path. A decode step runs ~150 small regions (a few rows of
/// every weight matrix each); handing each to Dispatch costs a wake-up per thread, so they run
/// on a persistent pool whose workers spin between regions (`thread_pool.c`).
enum DecodeThreads {
    /// Runs body(0 ..< count) across the compute threads; items are taken one at a time from a
    /// shared counter, so uneven items balance themselves.
    static func run(_ count: Int, _ body: (Int) -> Void) {
        guard count > 1, ComputeThreads.count > 1 else {
            for i in 0..<count { body(i) }
            return
        }
        withoutActuallyEscaping(body) { body in
            var task = body
            let ran = withUnsafeMutablePointer(to: &task) { pointer in
                maas_pool_run(Int32(ComputeThreads.count), Int32(count), { context, index in
                    context!.assumingMemoryBound(to: ((Int) -> Void).self).pointee(Int(index))
                }, pointer)
            }
            // Another region holds the pool (a second model decoding at the same time, or a
            // region inside a task): Dispatch's threads take this one.
            if ran == 0 { parallelFor(count, grain: 1) { range in for i in range { task(i) } } }
        }
    }
}
