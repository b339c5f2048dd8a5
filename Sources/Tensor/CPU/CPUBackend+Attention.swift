extension CPUBackend {
    /// softmax(Q·Kᵀ/√d)·V per batch and head. Heads are column blocks of the [B, T, E] inputs,
    /// addressed with a leading dimension of E, so no head is ever copied out.
    public func attention(q: Tensor, k: Tensor, v: Tensor, heads: Int, causal: Bool) -> (output: Tensor, probabilities: Tensor) {
        let (b, t, e) = (q.shape[0], q.shape[1], q.shape[2])
        precondition(e % heads == 0, "embedding size \(e) is not divisible by \(heads) heads")
        let d = e / heads, scale = 1 / Float(d).squareRoot()
        let output = Tensor(uninitializedShape: q.shape)
        let probabilities = Tensor(uninitializedShape: [b, heads, t, t])
        for batch in 0..<b {
            for head in 0..<heads {
                let offset = batch * t * e + head * d
                let p = probabilities.base + (batch * heads + head) * t * t
                sgemm(transposeB: true, m: t, n: t, k: d, alpha: scale, a: q.base + offset, lda: e,
                      b: k.base + offset, ldb: e, c: p, ldc: t)
                for row in 0..<t {
                    let r = p + row * t
                    if causal { for column in (row + 1)..<max(t, row + 1) { r[column] = -.infinity } }
                    softmaxRow(r, r, t)
                }
                sgemm(m: t, n: d, k: t, a: p, lda: t, b: v.base + offset, ldb: e, c: output.base + offset, ldc: e)
            }
        }
        return (output, probabilities)
    }

    public func attentionBackward(q: Tensor, k: Tensor, v: Tensor, probabilities: Tensor, heads: Int, gradient: Tensor)
        -> (q: Tensor, k: Tensor, v: Tensor) {
        let (b, t, e) = (q.shape[0], q.shape[1], q.shape[2])
        let d = e / heads, scale = 1 / Float(d).squareRoot()
        let dq = Tensor(uninitializedShape: q.shape), dk = Tensor(uninitializedShape: k.shape), dv = Tensor(uninitializedShape: v.shape)
        let dScores = Tensor(uninitializedShape: [t, t])
        for batch in 0..<b {
            for head in 0..<heads {
                let offset = batch * t * e + head * d
                let p = probabilities.base + (batch * heads + head) * t * t, ds = dScores.base
                let dOut = gradient.base + offset
                sgemm(transposeA: true, m: t, n: d, k: t, a: p, lda: t, b: dOut, ldb: e, c: dv.base + offset, ldc: e)
                sgemm(transposeB: true, m: t, n: t, k: d, a: dOut, lda: e, b: v.base + offset, ldb: e, c: ds, ldc: t)
                for row in 0..<t {
                    let pr = p + row * t, dr = ds + row * t
                    var dot: Float = 0
                    for c in 0..<t { dot += pr[c] * dr[c] }
                    for c in 0..<t { dr[c] = pr[c] * (dr[c] - dot) }
                }
                sgemm(m: t, n: d, k: t, alpha: scale, a: ds, lda: t, b: k.base + offset, ldb: e, c: dq.base + offset, ldc: e)
                sgemm(transposeA: true, m: t, n: d, k: t, alpha: scale, a: ds, lda: t, b: q.base + offset, ldb: e,
                      c: dk.base + offset, ldc: e)
            }
        }
        return (dq, dk, dv)
    }
}
