/// Differentiable operations. Each one runs a forward kernel and records the matching backward
/// kernel; together they are everything the layers are made of.
extension Variable {
    private var backend: any Backend { Tensor.backend }

    // MARK: Linear algebra

    /// x [.., K] · weight [K, N] + bias [N].
    public func linear(_ weight: Variable, bias: Variable?) -> Variable {
        let x = value, w = weight.value, backend = self.backend, needInput = requiresGrad
        let y = backend.linear(x, w, bias: bias?.value)
        let parents = bias.map { [self, weight, $0] } ?? [self, weight]
        return Variable(y, parents: parents) { g in
            let (dx, dw, db) = backend.linearBackward(x, w, hasBias: bias != nil, gradient: g, needInputGradient: needInput)
            return bias == nil ? [dx, dw] : [dx, dw, db]
        }
    }

    /// Batched product of the last two axes, with optional transposes.
    public func matmul(_ other: Variable, transposeA: Bool = false, transposeB: Bool = false) -> Variable {
        let a = value, b = other.value, backend = self.backend
        let y = backend.matmul(a, b, transposeA: transposeA, transposeB: transposeB)
        return Variable(y, parents: [self, other]) { g in
            let da = transposeA ? backend.matmul(b, g, transposeA: transposeB, transposeB: true)
                                : backend.matmul(g, b, transposeA: false, transposeB: !transposeB)
            var db = transposeB ? backend.matmul(g, a, transposeA: true, transposeB: transposeA)
                                : backend.matmul(a, g, transposeA: !transposeA, transposeB: false)
            if b.count != db.count { db = backend.reduce(db, toShape: b.shape) }
            return [da, db]
        }
    }

    // MARK: Elementwise

    public func apply(_ function: UnaryFunction) -> Variable {
        let x = value, backend = self.backend
        let y = backend.unary(function, x)
        return Variable(y, parents: [self]) { g in [backend.unaryBackward(function, input: x, output: y, gradient: g)] }
    }

    public func relu() -> Variable { apply(.relu) }
    public func sigmoid() -> Variable { apply(.sigmoid) }
    public func tanh() -> Variable { apply(.tanh) }
    public func gelu() -> Variable { apply(.gelu) }
    public func leakyRelu(alpha: Float = 0.01) -> Variable { apply(.leakyRelu(alpha: alpha)) }
    public func scaled(by factor: Float) -> Variable { apply(.scale(factor)) }

    private func combine(_ function: BinaryFunction, _ other: Variable) -> Variable {
        let a = value, b = other.value, backend = self.backend
        let y = backend.binary(function, a, b)
        return Variable(y, parents: [self, other]) { g in
            let ga: Tensor, gb: Tensor
            switch function {
            case .add: ga = g; gb = g
            case .subtract: ga = g; gb = backend.unary(.negate, g)
            case .multiply: ga = backend.binary(.multiply, g, b); gb = backend.binary(.multiply, g, a)
            case .divide:
                ga = backend.binary(.divide, g, b)
                gb = backend.unary(.negate, backend.binary(.divide, backend.binary(.multiply, g, y), b))
            }
            return [backend.reduce(ga, toShape: a.shape), backend.reduce(gb, toShape: b.shape)]
        }
    }

    public static func + (a: Variable, b: Variable) -> Variable { a.combine(.add, b) }
    public static func - (a: Variable, b: Variable) -> Variable { a.combine(.subtract, b) }
    public static func * (a: Variable, b: Variable) -> Variable { a.combine(.multiply, b) }
    public static func / (a: Variable, b: Variable) -> Variable { a.combine(.divide, b) }

    public func softmax() -> Variable {
        let backend = self.backend
        let y = backend.softmax(value)
        return Variable(y, parents: [self]) { g in [backend.softmaxBackward(output: y, gradient: g)] }
    }

    public func logSoftmax() -> Variable {
        let backend = self.backend
        let y = backend.logSoftmax(value)
        return Variable(y, parents: [self]) { g in [backend.logSoftmaxBackward(output: y, gradient: g)] }
    }

    // MARK: Shape and reductions

    public func reshaped(_ shape: [Int]) -> Variable {
        let original = value.shape
        return Variable(value.reshaped(shape), parents: [self]) { g in [g.reshaped(original)] }
    }

    public func sum() -> Variable {
        let shape = value.shape
        return Variable(Tensor(scalar: backend.sum(value)), parents: [self]) { g in
            [Tensor(shape: shape, repeating: g.scalar)]
        }
    }

    public func mean() -> Variable { sum().scaled(by: 1 / Float(max(value.count, 1))) }

    /// [B, T, D] → [B, D]: the mean over the middle (time) axis, as global average pooling.
    public func meanOverTime() -> Variable {
        precondition(value.rank == 3, "meanOverTime: expected [batch, time, features], got \(value.shape)")
        let (b, t, d) = (value.shape[0], value.shape[1], value.shape[2])
        let scale = 1 / Float(max(t, 1))
        let y = Tensor(uninitializedShape: [b, d])
        let px = value.base, py = y.base
        for i in 0..<b {
            let sums = py + i * d
            sums.initialize(repeating: 0, count: d)
            for s in 0..<t {
                let row = px + (i * t + s) * d
                for c in 0..<d { sums[c] += row[c] }
            }
            for c in 0..<d { sums[c] *= scale }
        }
        return Variable(y, parents: [self]) { g in
            let dx = Tensor(uninitializedShape: [b, t, d])
            let pg = g.base, pdx = dx.base
            for i in 0..<b {
                for s in 0..<t {
                    let row = pdx + (i * t + s) * d, share = pg + i * d
                    for c in 0..<d { row[c] = share[c] * scale }
                }
            }
            return [dx]
        }
    }

    // MARK: Convolution and pooling

    /// NHWC input, weight [KH, KW, C, F], bias [F].
    public func conv2d(_ weight: Variable, bias: Variable?, stride: (Int, Int) = (1, 1), samePadding: Bool = false) -> Variable {
        let w = weight.value, backend = self.backend, needInput = requiresGrad
        precondition(w.rank == 4 && value.rank == 4 && w.shape[2] == value.shape[3],
                     "conv2d: input \(value.shape) does not match weight \(w.shape)")
        let geometry = Conv2DGeometry(input: value.shape, kernel: (w.shape[0], w.shape[1]), stride: stride, samePadding: samePadding)
        let (y, saved) = backend.convolution(value, w, bias: bias?.value, geometry: geometry)
        let parents = bias.map { [self, weight, $0] } ?? [self, weight]
        return Variable(y, parents: parents) { g in
            let (dx, dw, db) = backend.convolutionBackward(saved: saved, weight: w, hasBias: bias != nil, geometry: geometry,
                                                           gradient: g, needInputGradient: needInput)
            return bias == nil ? [dx, dw] : [dx, dw, db]
        }
    }

    public func maxPool2d(size: (Int, Int), stride: (Int, Int), samePadding: Bool = false) -> Variable {
        let backend = self.backend
        let geometry = Conv2DGeometry(input: value.shape, kernel: size, stride: stride, samePadding: samePadding)
        let (y, argmax) = backend.maxPool2d(value, geometry: geometry)
        return Variable(y, parents: [self]) { g in [backend.maxPool2dBackward(argmax: argmax, geometry: geometry, gradient: g)] }
    }

    public func avgPool2d(size: (Int, Int), stride: (Int, Int), samePadding: Bool = false) -> Variable {
        let backend = self.backend
        let geometry = Conv2DGeometry(input: value.shape, kernel: size, stride: stride, samePadding: samePadding)
        let y = backend.avgPool2d(value, geometry: geometry)
        return Variable(y, parents: [self]) { g in [backend.avgPool2dBackward(geometry: geometry, gradient: g)] }
    }

    // MARK: Normalisation, embedding, dropout

    /// Zero-mean, unit-variance over the last axis (`overRows`, layer norm) or over every axis
    /// but the last (batch norm). Also returns the statistics used, for running averages.
    public func normalized(overRows: Bool, epsilon: Float) -> (output: Variable, mean: Tensor, inverseStd: Tensor) {
        let backend = self.backend
        let (y, mean, inverseStd) = backend.normalize(value, overRows: overRows, epsilon: epsilon)
        let output = Variable(y, parents: [self]) { g in
            [backend.normalizeBackward(normalized: y, inverseStd: inverseStd, overRows: overRows, gradient: g)]
        }
        return (output, mean, inverseStd)
    }

    /// Rows of `table` [V, D] at integer `ids`; the result has shape `idsShape + [D]`.
    public static func embedding(ids: [Int32], idsShape: [Int], table: Variable) -> Variable {
        let backend = Tensor.backend, vocabulary = table.value.shape[0], dim = table.value.shape[1]
        let y = backend.embedding(ids, table: table.value).reshaped(idsShape + [dim])
        return Variable(y, parents: [table]) { g in [backend.embeddingBackward(ids, vocabularySize: vocabulary, gradient: g)] }
    }

    /// Inverted dropout: zeroes a `rate` fraction and scales the rest by 1 / (1 − rate).
    public func dropout(rate: Float, using rng: inout SeededGenerator) -> Variable {
        guard rate > 0 else { return self }
        let keep = 1 - rate
        let mask = Tensor(shape: value.shape) { m in
            for i in m.indices { m[i] = rng.nextUniform() < keep ? 1 / keep : 0 }
        }
        let backend = self.backend
        return Variable(backend.binary(.multiply, value, mask), parents: [self]) { g in [backend.binary(.multiply, g, mask)] }
    }

    // MARK: Recurrent layers over whole sequences

    public enum RecurrentCell: String, Sendable, CaseIterable { case lstm, gru, simple }

    /// Runs a recurrent cell over [B, T, F]; returns [B, T, H] (`returnSequences`) or [B, H].
    /// GRU takes `recurrentBias`; the others ignore it.
    public func recurrent(_ cell: RecurrentCell, kernel: Variable, recurrentKernel: Variable, bias: Variable,
                          recurrentBias: Variable? = nil, returnSequences: Bool) -> Variable {
        let backend = self.backend, w = kernel.value, u = recurrentKernel.value
        let (b, t) = (value.shape[0], value.shape[1]), h = u.shape[0]
        let state: RecurrentState
        switch cell {
        case .lstm: state = backend.lstmForward(value, kernel: w, recurrentKernel: u, bias: bias.value)
        case .gru:
            precondition(recurrentBias != nil, "a GRU needs a recurrent bias")
            state = backend.gruForward(value, kernel: w, recurrentKernel: u, bias: bias.value, recurrentBias: recurrentBias!.value)
        case .simple: state = backend.simpleRNNForward(value, kernel: w, recurrentKernel: u, bias: bias.value)
        }
        // Hidden states are time-major with a leading zero step; hand back batch-major outputs.
        let y: Tensor
        if returnSequences {
            y = Tensor(uninitializedShape: [b, t, h])
            swapLeadingAxes(state.hidden.base + b * h, t, b, inner: h, into: y.base)
        } else {
            y = Tensor(uninitializedShape: [b, h])
            y.base.update(from: state.hidden.base + t * b * h, count: b * h)
        }
        var parents = [self, kernel, recurrentKernel, bias]
        if cell == .gru { parents.append(recurrentBias!) }
        return Variable(y, parents: parents) { g in
            let timeMajor = Tensor(zeros: [t * b, h])
            if returnSequences { swapLeadingAxes(g.base, b, t, inner: h, into: timeMajor.base) }
            else { (timeMajor.base + (t - 1) * b * h).update(from: g.base, count: b * h) }
            switch cell {
            case .lstm:
                let r = backend.lstmBackward(state, kernel: w, recurrentKernel: u, hiddenGradient: timeMajor)
                return [r.input, r.kernel, r.recurrentKernel, r.bias]
            case .gru:
                let r = backend.gruBackward(state, kernel: w, recurrentKernel: u, hiddenGradient: timeMajor)
                return [r.input, r.kernel, r.recurrentKernel, r.bias, r.recurrentBias]
            case .simple:
                let r = backend.simpleRNNBackward(state, kernel: w, recurrentKernel: u, hiddenGradient: timeMajor)
                return [r.input, r.kernel, r.recurrentKernel, r.bias]
            }
        }
    }

    /// Multi-head scaled dot-product attention over q, k, v [B, T, E].
    public static func attention(q: Variable, k: Variable, v: Variable, heads: Int, causal: Bool = false) -> Variable {
        let backend = Tensor.backend
        let (y, p) = backend.attention(q: q.value, k: k.value, v: v.value, heads: heads, causal: causal)
        let (qv, kv, vv) = (q.value, k.value, v.value)
        return Variable(y, parents: [q, k, v]) { g in
            let r = backend.attentionBackward(q: qv, k: kv, v: vv, probabilities: p, heads: heads, gradient: g)
            return [r.q, r.k, r.v]
        }
    }

    // MARK: Losses (mean over the batch)

    /// Softmax + cross-entropy against class indices, fused for stability.
    public func softmaxCrossEntropy(labels: [Int32]) -> Variable {
        let (loss, gradient) = backend.softmaxCrossEntropy(logits: value, labels: labels)
        return lossNode(loss, gradient)
    }

    /// Softmax + cross-entropy against target distributions (one-hot or soft labels).
    public func softmaxCrossEntropy(targets: Tensor) -> Variable {
        let (loss, gradient) = backend.softmaxCrossEntropy(logits: value, targets: targets)
        return lossNode(loss, gradient)
    }

    /// Sigmoid + binary cross-entropy on logits, fused for stability.
    public func sigmoidCrossEntropy(targets: Tensor) -> Variable {
        let (loss, gradient) = backend.sigmoidCrossEntropy(logits: value, targets: targets)
        return lossNode(loss, gradient)
    }

    public func meanSquaredError(targets: Tensor) -> Variable {
        (self - Variable(targets.reshaped(value.shape))).apply(.square).mean()
    }

    public func meanAbsoluteError(targets: Tensor) -> Variable {
        (self - Variable(targets.reshaped(value.shape))).apply(.abs).mean()
    }

    private func lossNode(_ loss: Float, _ gradient: Tensor) -> Variable {
        let backend = self.backend
        return Variable(Tensor(scalar: loss), parents: [self]) { g in [backend.unary(.scale(g.scalar), gradient)] }
    }
}
