extension CPUBackend {
    public func linear(_ x: Tensor, _ weight: Tensor, bias: Tensor?) -> Tensor {
        let k = weight.shape[0], n = weight.shape[1]
        precondition(x.shape.last == k, "linear: input \(x.shape) does not match weight \(weight.shape)")
        let m = x.count / k
        let y = Tensor(uninitializedShape: Array(x.shape.dropLast()) + [n])
        if let bias {
            for row in 0..<m { (y.base + row * n).update(from: bias.base, count: n) }
        }
        sgemm(m: m, n: n, k: k, a: x.base, lda: k, b: weight.base, ldb: n, beta: bias == nil ? 0 : 1, c: y.base, ldc: n)
        return y
    }

    public func linearBackward(_ x: Tensor, _ weight: Tensor, hasBias: Bool, gradient: Tensor, needInputGradient: Bool)
        -> (input: Tensor?, weight: Tensor, bias: Tensor?) {
        let k = weight.shape[0], n = weight.shape[1], m = x.count / k
        let dw = Tensor(uninitializedShape: weight.shape)
        sgemm(transposeA: true, m: k, n: n, k: m, a: x.base, lda: k, b: gradient.base, ldb: n, c: dw.base, ldc: n)
        var db: Tensor?
        if hasBias {
            let t = Tensor(uninitializedShape: [n])
            columnSums(gradient.base, rows: m, columns: n, into: t.base)
            db = t
        }
        var dx: Tensor?
        if needInputGradient {
            let t = Tensor(uninitializedShape: x.shape)
            sgemm(transposeB: true, m: m, n: k, k: n, a: gradient.base, lda: n, b: weight.base, ldb: n, c: t.base, ldc: k)
            dx = t
        }
        return (dx, dw, db)
    }

    public func matmul(_ a: Tensor, _ b: Tensor, transposeA: Bool, transposeB: Bool) -> Tensor {
        precondition(a.rank >= 2 && b.rank >= 2, "matmul needs rank ≥ 2, got \(a.shape) and \(b.shape)")
        let (ar, ac) = (a.shape[a.rank - 2], a.shape[a.rank - 1])
        let (br, bc) = (b.shape[b.rank - 2], b.shape[b.rank - 1])
        let m = transposeA ? ac : ar, k = transposeA ? ar : ac
        let n = transposeB ? br : bc, kb = transposeB ? bc : br
        precondition(k == kb, "matmul: inner dimensions differ for \(a.shape) and \(b.shape)")
        let batchA = a.count / (ar * ac), batchB = b.count / (br * bc)
        precondition(batchA == batchB || batchB == 1, "matmul: batch dimensions differ for \(a.shape) and \(b.shape)")
        let y = Tensor(uninitializedShape: Array(a.shape.dropLast(2)) + [m, n])
        for i in 0..<batchA {
            sgemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                  a: a.base + i * ar * ac, lda: ac, b: b.base + (batchB == 1 ? 0 : i * br * bc), ldb: bc,
                  c: y.base + i * m * n, ldc: n)
        }
        return y
    }
}
