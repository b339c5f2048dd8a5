/// Each example's share of the gradient, for differentially private training (DP-SGD, Abadi
/// et al. 2016). Layers given a tape record their weights; their backward passes then leave
/// the summed weight gradient uncomputed and keep each example's gradient (or the factors it
/// is made of) instead. After `backward()`, `squaredNorms()` is each example's gradient norm
/// over every recorded parameter, and `writeScaledSums` stores Σᵢ sᵢ gᵢ, the clipped sum,
/// into each parameter's `grad`.
public final class PerExampleTape {
    public let examples: Int

    final class Entry {
        let weight: Variable
        let bias: Variable?
        var gradients: PerExampleLinearGradients?
        init(weight: Variable, bias: Variable?) { self.weight = weight; self.bias = bias }
    }
    private(set) var entries: [Entry] = []

    public init(examples: Int) { self.examples = examples }

    func record(weight: Variable, bias: Variable?) -> Entry {
        let entry = Entry(weight: weight, bias: bias)
        entries.append(entry)
        return entry
    }

    /// The parameters whose per-example gradients this tape holds.
    public var parameters: [Variable] { entries.flatMap { [$0.weight] + ($0.bias.map { [$0] } ?? []) } }

    /// ‖gᵢ‖² over every recorded parameter, per example.
    public func squaredNorms() -> [Double] {
        var total = [Double](repeating: 0, count: examples)
        for entry in entries {
            guard let g = entry.gradients else { continue }
            for i in 0..<examples { total[i] += g.squaredNorms[i] }
        }
        return total
    }

    /// DP-SGD's clipping, as Opacus does it: each example's gradient scaled by
    /// min(1, maxNorm / (‖gᵢ‖ + 10⁻⁶)), summed into each parameter's `grad`. Returns the norms.
    @discardableResult
    public func clip(maxNorm: Double) -> [Double] {
        let norms = squaredNorms().map { $0.squareRoot() }
        writeScaledSums(norms.map { Float(min(1, maxNorm / ($0 + 1e-6))) })
        return norms
    }

    /// Sets each recorded parameter's `grad` to Σᵢ scalesᵢ · gᵢ.
    public func writeScaledSums(_ scales: [Float]) {
        precondition(scales.count == examples, "one scale per example")
        let backend = Tensor.backend
        for entry in entries {
            guard let g = entry.gradients else {
                entry.weight.grad = Tensor(zeros: entry.weight.shape)
                if let bias = entry.bias { bias.grad = Tensor(zeros: bias.shape) }
                continue
            }
            let (dw, db) = backend.scaledSum(g, scales: scales)
            entry.weight.grad = dw.reshaped(entry.weight.shape)
            if let bias = entry.bias { bias.grad = db ?? Tensor(zeros: bias.shape) }
            entry.gradients = nil
        }
    }
}

extension Variable {
    /// `linear` whose weight gradient goes to `tape`, per example (rows split evenly into the
    /// tape's examples), instead of into `weight.grad`.
    public func linear(_ weight: Variable, bias: Variable?, perExample tape: PerExampleTape) -> Variable {
        let x = value, w = weight.value, backend = Tensor.backend, needInput = requiresGrad
        let y = backend.linear(x, w, bias: bias?.value)
        let entry = tape.record(weight: weight, bias: bias)
        let parents = bias.map { [self, weight, $0] } ?? [self, weight]
        let k = w.shape[0], n = w.shape[1]
        return Variable(y, parents: parents) { g in
            let rows = g.reshaped([g.count / n, n])
            entry.gradients = backend.perExampleLinearGradients(inputs: x.reshaped([x.count / k, k]), gradients: rows,
                                                                examples: tape.examples, hasBias: bias != nil)
            let dx = needInput ? backend.matmul(rows, w, transposeA: false, transposeB: true) : nil
            return bias == nil ? [dx, nil] : [dx, nil, nil]
        }
    }

    /// `conv2d` whose weight gradient goes to `tape`, per example.
    public func conv2d(_ weight: Variable, bias: Variable?, stride: (Int, Int) = (1, 1), samePadding: Bool = false,
                       perExample tape: PerExampleTape) -> Variable {
        let w = weight.value, backend = Tensor.backend, needInput = requiresGrad
        precondition(w.rank == 4 && value.rank == 4 && w.shape[2] == value.shape[3],
                     "conv2d: input \(value.shape) does not match weight \(w.shape)")
        let geometry = Conv2DGeometry(input: value.shape, kernel: (w.shape[0], w.shape[1]), stride: stride, samePadding: samePadding)
        let (y, patches) = backend.conv2d(value, w, bias: bias?.value, geometry: geometry)
        let entry = tape.record(weight: weight, bias: bias)
        let parents = bias.map { [self, weight, $0] } ?? [self, weight]
        let filters = w.shape[3]
        return Variable(y, parents: parents) { g in
            let rows = g.reshaped([geometry.outputPixels, filters])
            entry.gradients = backend.perExampleLinearGradients(inputs: patches, gradients: rows, examples: tape.examples, hasBias: bias != nil)
            let dx = needInput ? backend.conv2dInputGradient(weight: w, geometry: geometry, gradient: rows) : nil
            return bias == nil ? [dx, nil] : [dx, nil, nil]
        }
    }
}
