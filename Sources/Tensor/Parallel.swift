import Dispatch
#if canImport(Glibc)
import Glibc
#endif
import COpenBLAS

/// How many threads compute kernels use: `MAAS_THREADS` when set, else every core.
public enum ComputeThreads {
    public static let count: Int = {
        if let value = getenv("MAAS_THREADS"), let n = Int(String(cString: value)), n > 0 { return n }
        return max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }()

    /// OpenBLAS runs single-threaded: `sgemm` splits large products across the compute threads
    /// itself. OpenBLAS' own workers spin-wait for ~0.1 s after each call and took a core from
    /// the elementwise kernels between GEMMs (12% of a CNN epoch, measured).
    static let configureBLAS: Void = { openblas_set_num_threads(1) }()

    /// Call before any direct BLAS/LAPACK use outside Tensor (learners run their own threads).
    public static func prepareBLAS() { _ = configureBLAS }
}

/// Splits `0..<count` into contiguous chunks and runs them on the compute threads. Small
/// ranges (under `grain` items per thread) run inline: thread hand-off costs microseconds.
@inline(__always)
public func parallelFor(_ count: Int, grain: Int, _ body: (Range<Int>) -> Void) {
    let threads = min(ComputeThreads.count, count / max(grain, 1))
    if threads <= 1 {
        body(0..<count)
        return
    }
    let chunk = (count + threads - 1) / threads
    // Kernels capture raw pointers into disjoint ranges; the chunks never overlap, which is the
    // guarantee `@Sendable` would otherwise demand.
    withoutActuallyEscaping(body) { escapable in
        let shared = unsafeBitCast(escapable, to: (@Sendable (Range<Int>) -> Void).self)
        DispatchQueue.concurrentPerform(iterations: threads) { t in
            let start = t * chunk
            let end = min(count, start + chunk)
            if start < end { shared(start..<end) }
        }
    }
}

/// Runs `body` for every index of `0..<count` on at most `ComputeThreads.count` threads, thread
/// `t` taking indices t, t + threads, … (for independent pieces of similar size: the trees of a
/// forest, one-vs-one problems). Honours `MAAS_THREADS` as the kernels do, so that workers
/// sharing a machine each keep to their share of it.
public func parallelEach(_ count: Int, _ body: (Int) -> Void) {
    let threads = min(ComputeThreads.count, count)
    if threads <= 1 {
        for i in 0..<count { body(i) }
        return
    }
    // As with DispatchQueue.concurrentPerform, which callers used before: each index is its
    // own piece of work, and callers write results to disjoint slots.
    withoutActuallyEscaping(body) { escapable in
        let shared = unsafeBitCast(escapable, to: (@Sendable (Int) -> Void).self)
        DispatchQueue.concurrentPerform(iterations: threads) { t in
            for i in stride(from: t, to: count, by: threads) { shared(i) }
        }
    }
}
