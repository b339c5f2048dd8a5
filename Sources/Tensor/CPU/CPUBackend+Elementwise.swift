#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension CPUBackend {
    public func unary(_ function: UnaryFunction, _ x: Tensor) -> Tensor {
        let y = Tensor(uninitializedShape: x.shape)
        let src = x.base, dst = y.base
        parallelFor(x.count, grain: Self.elementwiseGrain) { range in
            switch function {
            case .relu: for i in range { let v = src[i]; dst[i] = v > 0 ? v : 0 }
            case .leakyRelu(let alpha): for i in range { let v = src[i]; dst[i] = v > 0 ? v : alpha * v }
            case .sigmoid: for i in range { dst[i] = fastSigmoid(src[i]) }
            case .tanh: for i in range { dst[i] = fastTanh(src[i]) }
            case .gelu: for i in range { let v = src[i]; dst[i] = 0.5 * v * (1 + erff(v * 0.707_106_78)) }
            case .exp: for i in range { dst[i] = fastExp(src[i]) }
            case .log: for i in range { dst[i] = logf(src[i]) }
            case .negate: for i in range { dst[i] = -src[i] }
            case .square: for i in range { dst[i] = src[i] * src[i] }
            case .abs: for i in range { dst[i] = Swift.abs(src[i]) }
            case .scale(let s): for i in range { dst[i] = s * src[i] }
            }
        }
        return y
    }

    public func unaryBackward(_ function: UnaryFunction, input: Tensor, output: Tensor, gradient: Tensor) -> Tensor {
        let dx = Tensor(uninitializedShape: input.shape)
        let x = input.base, y = output.base, g = gradient.base, d = dx.base
        parallelFor(input.count, grain: Self.elementwiseGrain) { range in
            switch function {
            case .relu: for i in range { d[i] = y[i] > 0 ? g[i] : 0 }
            case .leakyRelu(let alpha): for i in range { d[i] = x[i] > 0 ? g[i] : alpha * g[i] }
            case .sigmoid: for i in range { d[i] = g[i] * y[i] * (1 - y[i]) }
            case .tanh: for i in range { d[i] = g[i] * (1 - y[i] * y[i]) }
            case .gelu:
                for i in range {
                    let v = x[i]
                    let cdf = 0.5 * (1 + erff(v * 0.707_106_78))
                    let pdf = expf(-0.5 * v * v) * 0.398_942_28
                    d[i] = g[i] * (cdf + v * pdf)
                }
            case .exp: for i in range { d[i] = g[i] * y[i] }
            case .log: for i in range { d[i] = g[i] / x[i] }
            case .negate: for i in range { d[i] = -g[i] }
            case .square: for i in range { d[i] = 2 * x[i] * g[i] }
            case .abs: for i in range { d[i] = x[i] > 0 ? g[i] : (x[i] < 0 ? -g[i] : 0) }
            case .scale(let s): for i in range { d[i] = s * g[i] }
            }
        }
        return dx
    }

    /// `b` broadcasts when its shape is a suffix of `a`'s (bias over rows, scalar over all);
    /// either side may be the smaller one.
    public func binary(_ function: BinaryFunction, _ a: Tensor, _ b: Tensor) -> Tensor {
        let (big, small) = a.count >= b.count ? (a, b) : (b, a)
        precondition(small.shape.isEmpty || big.shape.reversed().starts(with: small.shape.reversed()) || small.count == 1,
                     "cannot broadcast shapes \(a.shape) and \(b.shape)")
        let y = Tensor(uninitializedShape: big.shape)
        let inner = max(small.count, 1), rows = big.count / inner
        let aIsBig = a.count >= b.count
        let pa = a.base, pb = b.base, out = y.base
        parallelFor(rows, grain: max(1, Self.elementwiseGrain / inner)) { range in
            for r in range {
                let o = out + r * inner
                let x = aIsBig ? pa + r * inner : pa
                let z = aIsBig ? pb : pb + r * inner
                switch function {
                case .add: for i in 0..<inner { o[i] = x[i] + z[i] }
                case .subtract: for i in 0..<inner { o[i] = x[i] - z[i] }
                case .multiply: for i in 0..<inner { o[i] = x[i] * z[i] }
                case .divide: for i in 0..<inner { o[i] = x[i] / z[i] }
                }
            }
        }
        return y
    }

    public func reduce(_ gradient: Tensor, toShape shape: [Int]) -> Tensor {
        if gradient.shape == shape { return gradient }
        let inner = max(shape.reduce(1, *), 1), rows = gradient.count / inner
        let y = Tensor(uninitializedShape: shape)
        columnSums(gradient.base, rows: rows, columns: inner, into: y.base)
        return y
    }

    public func sum(_ x: Tensor) -> Float {
        var total: Double = 0
        let p = x.base
        var i = 0
        // Blocks of float partial sums keep the loop vectorised; the running total stays double.
        while i < x.count {
            let end = min(x.count, i + 4096)
            var block: Float = 0
            for j in i..<end { block += p[j] }
            total += Double(block)
            i = end
        }
        return Float(total)
    }

    public func accumulate(_ a: inout Tensor, _ b: Tensor) {
        precondition(a.count == b.count, "accumulate: \(a.shape) vs \(b.shape)")
        let src = b.base
        a.withUnsafeMutableBufferPointer { dst in
            let d = dst.baseAddress!
            parallelFor(dst.count, grain: Self.elementwiseGrain) { range in
                for i in range { d[i] += src[i] }
            }
        }
    }

    public func softmax(_ x: Tensor) -> Tensor {
        let columns = x.shape.last ?? 1, rows = x.count / max(columns, 1)
        let y = Tensor(uninitializedShape: x.shape)
        let src = x.base, dst = y.base
        parallelFor(rows, grain: max(1, Self.elementwiseGrain / columns)) { range in
            for r in range { softmaxRow(src + r * columns, dst + r * columns, columns) }
        }
        return y
    }

    public func softmaxBackward(output: Tensor, gradient: Tensor) -> Tensor {
        let columns = output.shape.last ?? 1, rows = output.count / max(columns, 1)
        let dx = Tensor(uninitializedShape: output.shape)
        for r in 0..<rows {
            let y = output.base + r * columns, g = gradient.base + r * columns, d = dx.base + r * columns
            var dot: Float = 0
            for c in 0..<columns { dot += y[c] * g[c] }
            for c in 0..<columns { d[c] = y[c] * (g[c] - dot) }
        }
        return dx
    }

    public func logSoftmax(_ x: Tensor) -> Tensor {
        let columns = x.shape.last ?? 1, rows = x.count / max(columns, 1)
        let y = Tensor(uninitializedShape: x.shape)
        for r in 0..<rows {
            let s = x.base + r * columns, d = y.base + r * columns
            var peak = -Float.infinity
            for c in 0..<columns { peak = Swift.max(peak, s[c]) }
            var total: Float = 0
            for c in 0..<columns { total += fastExp(s[c] - peak) }
            let shift = peak + logf(total)
            for c in 0..<columns { d[c] = s[c] - shift }
        }
        return y
    }

    public func logSoftmaxBackward(output: Tensor, gradient: Tensor) -> Tensor {
        let columns = output.shape.last ?? 1, rows = output.count / max(columns, 1)
        let dx = Tensor(uninitializedShape: output.shape)
        for r in 0..<rows {
            let y = output.base + r * columns, g = gradient.base + r * columns, d = dx.base + r * columns
            var total: Float = 0
            for c in 0..<columns { total += g[c] }
            for c in 0..<columns { d[c] = g[c] - fastExp(y[c]) * total }
        }
        return dx
    }
}

@inline(__always)
func softmaxRow(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ columns: Int) {
    var peak = -Float.infinity
    for c in 0..<columns { peak = Swift.max(peak, src[c]) }
    var total: Float = 0
    for c in 0..<columns { let e = fastExp(src[c] - peak); dst[c] = e; total += e }
    let inverse = 1 / total
    for c in 0..<columns { dst[c] *= inverse }
}
