import COpenBLAS

/// Kernels on the host CPU: OpenBLAS for matrix products, Swift loops (vectorised by the
/// compiler for AVX2) for everything elementwise, split across cores when large.
public struct CPUBackend: Backend {
    public static let shared = CPUBackend()

    /// Elementwise work per thread below which splitting across cores costs more than it saves.
    static let elementwiseGrain = 1 << 15
}

/// Row-major SGEMM: C = alpha · op(A) · op(B) + beta · C.
@inline(__always)
public func sgemm(transposeA: Bool = false, transposeB: Bool = false, m: Int, n: Int, k: Int,
           alpha: Float = 1, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
           beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
    _ = ComputeThreads.configureBLAS
    if m == 0 || n == 0 { return }
    if k == 0 {
        // BLAS leaves C untouched when k == 0 only for beta == 1; make the other cases explicit.
        for row in 0..<m { for column in 0..<n { c[row * ldc + column] *= beta } }
        return
    }
    let ta = transposeA ? CblasTrans : CblasNoTrans, tb = transposeB ? CblasTrans : CblasNoTrans
    // Large products are split into row blocks of C (or column blocks when C has few rows), one
    // single-threaded OpenBLAS call per compute thread. Rows of op(A) are columns of A when
    // A is transposed; columns of op(B) are rows of B when B is transposed.
    let flops = 2 * m * n * k
    let threads = ComputeThreads.count
    guard threads > 1, flops >= 4_000_000 else {
        cblas_sgemm(CblasRowMajor, ta, tb, Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
        return
    }
    if m >= 16 * threads || m >= n {
        let block = ((m + threads - 1) / threads + 7) / 8 * 8
        parallelFor(threads, grain: 1) { parts in
            for part in parts {
                let start = part * block, rows = min(block, m - start)
                if rows <= 0 { continue }
                let aBlock = transposeA ? a + start : a + start * lda
                cblas_sgemm(CblasRowMajor, ta, tb, Int32(rows), Int32(n), Int32(k), alpha, aBlock, Int32(lda), b, Int32(ldb),
                            beta, c + start * ldc, Int32(ldc))
            }
        }
    } else {
        let block = ((n + threads - 1) / threads + 15) / 16 * 16
        parallelFor(threads, grain: 1) { parts in
            for part in parts {
                let start = part * block, columns = min(block, n - start)
                if columns <= 0 { continue }
                let bBlock = transposeB ? b + start * ldb : b + start
                cblas_sgemm(CblasRowMajor, ta, tb, Int32(m), Int32(columns), Int32(k), alpha, a, Int32(lda), bBlock, Int32(ldb),
                            beta, c + start, Int32(ldc))
            }
        }
    }
}

/// exp(x) from the Cephes polynomial: no libm call, so loops over it vectorise (max error ~2 ulp).
@inlinable @inline(__always)
public func fastExp(_ value: Float) -> Float {
    let x0 = min(max(value, -87.33654), 88.72283)
    let n = (x0 * 1.442_695_04 + 0.5).rounded(.down)
    let x = x0 - n * 0.693_359_375 + n * 2.121_944_4e-4
    let z = x * x
    var p: Float = 1.987_569_15e-4
    p = p * x + 1.398_199_95e-3
    p = p * x + 8.333_451_9e-3
    p = p * x + 4.166_579_59e-2
    p = p * x + 1.666_666_55e-1
    p = p * x + 5.000_000_1e-1
    let y = p * z + x + 1
    return y * Float(bitPattern: UInt32(bitPattern: Int32(n) + 127) << 23)
}

@inline(__always) func fastSigmoid(_ x: Float) -> Float { 1 / (1 + fastExp(-x)) }

@inline(__always)
func fastTanh(_ x: Float) -> Float {
    let e = fastExp(-2 * Swift.abs(x))
    let t = (1 - e) / (1 + e)
    return x < 0 ? -t : t
}

/// Copies [d0, d1, inner] to [d1, d0, inner] (batch-major ↔ time-major).
func swapLeadingAxes(_ x: UnsafePointer<Float>, _ d0: Int, _ d1: Int, inner: Int, into y: UnsafeMutablePointer<Float>) {
    for i in 0..<d0 {
        for j in 0..<d1 {
            (y + (j * d0 + i) * inner).update(from: x + (i * d1 + j) * inner, count: inner)
        }
    }
}

/// Column sums of a [rows, columns] matrix.
func columnSums(_ x: UnsafePointer<Float>, rows: Int, columns: Int, into out: UnsafeMutablePointer<Float>) {
    out.initialize(repeating: 0, count: columns)
    for r in 0..<rows {
        let row = x + r * columns
        for c in 0..<columns { out[c] += row[c] }
    }
}
