import COpenBLAS

extension CPUBackend {
    public func perExampleLinearGradients(inputs: Tensor, gradients: Tensor, examples: Int, hasBias: Bool) -> PerExampleLinearGradients {
        let k = inputs.shape.last!, f = gradients.shape.last!
        let rows = inputs.count / k
        precondition(examples > 0 && rows % examples == 0 && gradients.count == rows * f,
                     "per-example gradients: \(rows) rows do not split into \(examples) examples")
        let perExample = rows / examples
        var norms = [Double](repeating: 0, count: examples)
        let a = inputs.base, g = gradients.base
        if perExample == 1 {
            norms.withUnsafeMutableBufferPointer { out in
                let out = out.baseAddress!
                parallelFor(examples, grain: 16) { range in
                    for i in range {
                        var aa: Double = 0, gg: Double = 0
                        for j in 0..<k { let v = Double(a[i * k + j]); aa += v * v }
                        for j in 0..<f { let v = Double(g[i * f + j]); gg += v * v }
                        out[i] = aa * gg + (hasBias ? gg : 0)
                    }
                }
            }
            return PerExampleLinearGradients(storage: .outerProducts(inputs: inputs, gradients: gradients), squaredNorms: norms,
                                             weightShape: [k, f], hasBias: hasBias)
        }
        let weights = Tensor(uninitializedShape: [examples, k, f])
        let biases = hasBias ? Tensor(uninitializedShape: [examples, f]) : nil
        let w = weights.base, b = biases?.base
        norms.withUnsafeMutableBufferPointer { out in
            let out = out.baseAddress!
            // Examples in parallel, each one single-threaded product (OpenBLAS runs single-threaded).
            parallelFor(examples, grain: 1) { range in
                for i in range {
                    let ai = a + i * perExample * k, gi = g + i * perExample * f, wi = w + i * k * f
                    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(k), Int32(f), Int32(perExample), 1,
                                ai, Int32(k), gi, Int32(f), 0, wi, Int32(f))
                    var norm: Double = 0
                    for j in 0..<(k * f) { let v = Double(wi[j]); norm += v * v }
                    if let b {
                        let bi = b + i * f
                        columnSums(gi, rows: perExample, columns: f, into: bi)
                        for c in 0..<f { let v = Double(bi[c]); norm += v * v }
                    }
                    out[i] = norm
                }
            }
        }
        return PerExampleLinearGradients(storage: .matrices(weights: weights, biases: biases), squaredNorms: norms,
                                         weightShape: [k, f], hasBias: hasBias)
    }

    public func scaledSum(_ gradients: PerExampleLinearGradients, scales: [Float]) -> (weight: Tensor, bias: Tensor?) {
        let k = gradients.weightShape[0], f = gradients.weightShape[1], examples = scales.count
        switch gradients.storage {
        case .outerProducts(let inputs, let g):
            // Σᵢ sᵢ aᵢ gᵢᵀ = aᵀ · diag(s) g: one product, as a batch's gradient.
            let scaled = Tensor(uninitializedShape: [examples, f])
            for i in 0..<examples {
                let s = scales[i], src = g.base + i * f, dst = scaled.base + i * f
                for c in 0..<f { dst[c] = s * src[c] }
            }
            let dw = Tensor(uninitializedShape: [k, f])
            sgemm(transposeA: true, m: k, n: f, k: examples, a: inputs.base, lda: k, b: scaled.base, ldb: f, c: dw.base, ldc: f)
            let bias: Tensor?
            if !gradients.hasBias { bias = nil } else {
                let t = Tensor(uninitializedShape: [f])
                columnSums(scaled.base, rows: examples, columns: f, into: t.base)
                bias = t
            }
            return (dw, bias)
        case .matrices(let weights, let biases):
            let s = Tensor(shape: [1, examples], scalars: scales)
            let dw = Tensor(uninitializedShape: [k, f])
            sgemm(m: 1, n: k * f, k: examples, a: s.base, lda: examples, b: weights.base, ldb: k * f, c: dw.base, ldc: k * f)
            var db: Tensor?
            if let biases {
                let t = Tensor(uninitializedShape: [f])
                sgemm(m: 1, n: f, k: examples, a: s.base, lda: examples, b: biases.base, ldb: f, c: t.base, ldc: f)
                db = t
            }
            return (dw, db)
        }
    }

    public func conv2dInputGradient(weight: Tensor, geometry g: Conv2DGeometry, gradient: Tensor) -> Tensor {
        let filters = weight.shape[3]
        let dPatches = Tensor(uninitializedShape: [g.outputPixels, g.patchSize])
        sgemm(transposeB: true, m: g.outputPixels, n: g.patchSize, k: filters, a: gradient.base, lda: filters,
              b: weight.base, ldb: filters, c: dPatches.base, ldc: g.patchSize)
        let dx = Tensor(zeros: [g.batch, g.inHeight, g.inWidth, g.inChannels])
        col2im(dPatches.base, g, into: dx.base)
        return dx
    }
}
