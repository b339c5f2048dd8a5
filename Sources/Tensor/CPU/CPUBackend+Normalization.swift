#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension CPUBackend {
    public func normalize(_ x: Tensor, overRows: Bool, epsilon: Float) -> (normalized: Tensor, mean: Tensor, inverseStd: Tensor) {
        let columns = x.shape.last ?? 1, rows = x.count / max(columns, 1)
        let y = Tensor(uninitializedShape: x.shape)
        let src = x.base, dst = y.base
        if overRows {
            let mean = Tensor(uninitializedShape: [rows]), inv = Tensor(uninitializedShape: [rows])
            let pm = mean.base, pi = inv.base
            parallelFor(rows, grain: max(1, Self.elementwiseGrain / columns)) { range in
                for r in range {
                    let s = src + r * columns, d = dst + r * columns
                    var total: Float = 0
                    for c in 0..<columns { total += s[c] }
                    let mu = total / Float(columns)
                    var squares: Float = 0
                    for c in 0..<columns { let v = s[c] - mu; squares += v * v }
                    let inverse = 1 / (squares / Float(columns) + epsilon).squareRoot()
                    for c in 0..<columns { d[c] = (s[c] - mu) * inverse }
                    pm[r] = mu; pi[r] = inverse
                }
            }
            return (y, mean, inv)
        }
        let mean = Tensor(zeros: [columns]), inv = Tensor(zeros: [columns])
        let pm = mean.base, pi = inv.base
        for r in 0..<rows { let s = src + r * columns; for c in 0..<columns { pm[c] += s[c] } }
        for c in 0..<columns { pm[c] /= Float(rows) }
        for r in 0..<rows { let s = src + r * columns; for c in 0..<columns { let v = s[c] - pm[c]; pi[c] += v * v } }
        for c in 0..<columns { pi[c] = 1 / (pi[c] / Float(rows) + epsilon).squareRoot() }
        parallelFor(rows, grain: max(1, Self.elementwiseGrain / columns)) { range in
            for r in range {
                let s = src + r * columns, d = dst + r * columns
                for c in 0..<columns { d[c] = (s[c] - pm[c]) * pi[c] }
            }
        }
        return (y, mean, inv)
    }

    /// dx = inverseStd · (dx̂ − mean(dx̂) − x̂ · mean(dx̂ · x̂)), means over the normalised axis.
    public func normalizeBackward(normalized: Tensor, inverseStd: Tensor, overRows: Bool, gradient: Tensor) -> Tensor {
        let columns = normalized.shape.last ?? 1, rows = normalized.count / max(columns, 1)
        let dx = Tensor(uninitializedShape: normalized.shape)
        let xh = normalized.base, g = gradient.base, d = dx.base, inv = inverseStd.base
        if overRows {
            parallelFor(rows, grain: max(1, Self.elementwiseGrain / columns)) { range in
                for r in range {
                    let x = xh + r * columns, gr = g + r * columns, out = d + r * columns
                    var meanG: Float = 0, meanGX: Float = 0
                    for c in 0..<columns { meanG += gr[c]; meanGX += gr[c] * x[c] }
                    meanG /= Float(columns); meanGX /= Float(columns)
                    for c in 0..<columns { out[c] = inv[r] * (gr[c] - meanG - x[c] * meanGX) }
                }
            }
            return dx
        }
        var meanG = [Float](repeating: 0, count: columns), meanGX = [Float](repeating: 0, count: columns)
        for r in 0..<rows {
            let x = xh + r * columns, gr = g + r * columns
            for c in 0..<columns { meanG[c] += gr[c]; meanGX[c] += gr[c] * x[c] }
        }
        for c in 0..<columns { meanG[c] /= Float(rows); meanGX[c] /= Float(rows) }
        meanG.withUnsafeBufferPointer { mg in meanGX.withUnsafeBufferPointer { mgx in
            let a = mg.baseAddress!, b = mgx.baseAddress!
            parallelFor(rows, grain: max(1, Self.elementwiseGrain / columns)) { range in
                for r in range {
                    let x = xh + r * columns, gr = g + r * columns, out = d + r * columns
                    for c in 0..<columns { out[c] = inv[c] * (gr[c] - a[c] - x[c] * b[c]) }
                }
            }
        } }
        return dx
    }

    public func embedding(_ ids: [Int32], table: Tensor) -> Tensor {
        let dim = table.shape[1], vocabulary = table.shape[0]
        let y = Tensor(uninitializedShape: [ids.count, dim])
        for (i, id) in ids.enumerated() {
            precondition(id >= 0 && Int(id) < vocabulary, "token id \(id) outside the vocabulary of \(vocabulary)")
            (y.base + i * dim).update(from: table.base + Int(id) * dim, count: dim)
        }
        return y
    }

    public func embeddingBackward(_ ids: [Int32], vocabularySize: Int, gradient: Tensor) -> Tensor {
        let dim = gradient.shape.last!
        let dTable = Tensor(zeros: [vocabularySize, dim])
        for (i, id) in ids.enumerated() {
            let t = dTable.base + Int(id) * dim, g = gradient.base + i * dim
            for c in 0..<dim { t[c] += g[c] }
        }
        return dTable
    }

    public func softmaxCrossEntropy(logits: Tensor, labels: [Int32]) -> (loss: Float, gradient: Tensor) {
        let classes = logits.shape.last!, rows = logits.count / classes
        precondition(labels.count == rows, "\(labels.count) labels for \(rows) rows of logits")
        let grad = Tensor(uninitializedShape: logits.shape)
        var loss: Double = 0
        let scale = 1 / Float(rows)
        for r in 0..<rows {
            let z = logits.base + r * classes, d = grad.base + r * classes
            softmaxRow(z, d, classes)
            let label = Int(labels[r])
            precondition(label >= 0 && label < classes, "label \(label) outside 0..<\(classes)")
            loss -= Double(logf(max(d[label], Float.leastNormalMagnitude)))
            d[label] -= 1
            for c in 0..<classes { d[c] *= scale }
        }
        return (Float(loss / Double(rows)), grad)
    }

    public func softmaxCrossEntropy(logits: Tensor, targets: Tensor) -> (loss: Float, gradient: Tensor) {
        let classes = logits.shape.last!, rows = logits.count / classes
        let grad = Tensor(uninitializedShape: logits.shape)
        var loss: Double = 0
        let scale = 1 / Float(rows)
        for r in 0..<rows {
            let z = logits.base + r * classes, t = targets.base + r * classes, d = grad.base + r * classes
            softmaxRow(z, d, classes)
            var mass: Float = 0
            for c in 0..<classes {
                loss -= Double(t[c] * logf(max(d[c], Float.leastNormalMagnitude)))
                mass += t[c]
            }
            for c in 0..<classes { d[c] = (d[c] * mass - t[c]) * scale }
        }
        return (Float(loss / Double(rows)), grad)
    }

    public func sigmoidCrossEntropy(logits: Tensor, targets: Tensor) -> (loss: Float, gradient: Tensor) {
        precondition(logits.count == targets.count, "logits \(logits.shape) vs targets \(targets.shape)")
        let grad = Tensor(uninitializedShape: logits.shape)
        var loss: Double = 0
        let scale = 1 / Float(logits.count)
        for i in 0..<logits.count {
            let z = logits.base[i], t = targets.base[i]
            loss += Double(max(z, 0) - z * t + log1pf(fastExp(-Swift.abs(z))))
            grad.base[i] = (fastSigmoid(z) - t) * scale
        }
        return (Float(loss / Double(logits.count)), grad)
    }
}
