import Tensor
import Testing

/// Compares the backward pass of `f` with central finite differences. The scalar being
/// differentiated is Σ f(inputs) · R for a fixed random R, so every output element matters.
/// Up to `samples` input coordinates per input are probed; sums are taken in Double.
func checkGradients(_ inputs: [Tensor], epsilon: Float = 3e-3, tolerance: Float = 2e-2, samples: Int = 24,
                    sourceLocation: SourceLocation = #_sourceLocation, _ f: ([Variable]) -> Variable) {
    let variables = inputs.map { Variable($0, requiresGrad: true) }
    let output = f(variables)
    var rng = SeededGenerator(seed: 99)
    let weights = Tensor.normal(output.value.shape, using: &rng)
    let weightValues = weights.scalars
    (output * Variable(weights)).sum().backward()

    func objective(_ values: [Tensor]) -> Double {
        let out = f(values.map { Variable($0) }).value.scalars
        return zip(out, weightValues).reduce(0) { $0 + Double($1.0) * Double($1.1) }
    }

    for (index, input) in inputs.enumerated() {
        guard let analytic = variables[index].grad?.scalars else {
            Issue.record("input \(index) received no gradient", sourceLocation: sourceLocation)
            continue
        }
        var pick = SeededGenerator(seed: UInt64(index + 7))
        let coordinates = input.count <= samples ? Array(0..<input.count) : (0..<samples).map { _ in Int(pick.next() % UInt64(input.count)) }
        for i in coordinates {
            var plus = inputs, minus = inputs
            plus[index].withUnsafeMutableBufferPointer { $0[i] += epsilon }
            minus[index].withUnsafeMutableBufferPointer { $0[i] -= epsilon }
            let numeric = Float((objective(plus) - objective(minus)) / Double(2 * epsilon))
            let scale = max(1, Swift.abs(numeric), Swift.abs(analytic[i]))
            #expect(Swift.abs(numeric - analytic[i]) <= tolerance * scale,
                    "input \(index)[\(i)]: analytic \(analytic[i]) vs numeric \(numeric)", sourceLocation: sourceLocation)
        }
    }
}

func random(_ shape: [Int], seed: UInt64, scale: Float = 1) -> Tensor {
    var rng = SeededGenerator(seed: seed)
    return Tensor.normal(shape, std: scale, using: &rng)
}

/// Values bounded away from zero, so kinks (relu, abs, max) sit outside the probe's reach.
func awayFromZero(_ shape: [Int], seed: UInt64) -> Tensor {
    var rng = SeededGenerator(seed: seed)
    return Tensor(shape: shape) { out in
        for i in out.indices {
            let magnitude = 0.1 + rng.nextUniform()
            out[i] = rng.nextUniform() < 0.5 ? -magnitude : magnitude
        }
    }
}

@Suite struct GradientChecks {
    @Test func linearAndMatmul() {
        checkGradients([random([4, 5], seed: 1), random([5, 3], seed: 2), random([3], seed: 3)]) { v in
            v[0].linear(v[1], bias: v[2])
        }
        checkGradients([random([2, 3, 4], seed: 4), random([4, 5], seed: 5)]) { v in v[0].matmul(v[1]) }
        checkGradients([random([2, 4, 3], seed: 6), random([2, 5, 4], seed: 7)]) { v in
            v[0].matmul(v[1], transposeA: true, transposeB: true)
        }
        checkGradients([random([3, 4], seed: 8), random([5, 4], seed: 9)]) { v in v[0].matmul(v[1], transposeB: true) }
    }

    @Test(arguments: ["relu", "leaky_relu", "sigmoid", "tanh", "gelu", "exp", "square", "abs", "negate", "scale", "log"])
    func unary(_ name: String) {
        let x = name == "log" ? Tensor(shape: [3, 4], scalars: (1...12).map { Float($0) * 0.37 }) : awayFromZero([3, 4], seed: 10)
        checkGradients([x]) { v in
            switch name {
            case "relu": return v[0].relu()
            case "leaky_relu": return v[0].leakyRelu(alpha: 0.2)
            case "sigmoid": return v[0].sigmoid()
            case "tanh": return v[0].tanh()
            case "gelu": return v[0].gelu()
            case "exp": return v[0].apply(.exp)
            case "square": return v[0].apply(.square)
            case "abs": return v[0].apply(.abs)
            case "negate": return v[0].apply(.negate)
            case "scale": return v[0].scaled(by: -2.5)
            default: return v[0].apply(.log)
            }
        }
    }

    @Test func binaryWithBroadcasting() {
        let a = random([2, 3, 4], seed: 11)
        let b = awayFromZero([3, 4], seed: 12), c = awayFromZero([4], seed: 13)
        checkGradients([a, b]) { v in v[0] + v[1] }
        checkGradients([a, c]) { v in v[0] - v[1] }
        checkGradients([b, a]) { v in v[0] * v[1] }
        checkGradients([a, c]) { v in v[0] / v[1] }
        checkGradients([a, awayFromZero([2, 3, 4], seed: 14)]) { v in v[0] * v[1] + v[0] }
    }

    @Test func softmaxAndReductions() {
        checkGradients([random([3, 5], seed: 15)]) { v in v[0].softmax() }
        checkGradients([random([3, 5], seed: 16)]) { v in v[0].logSoftmax() }
        checkGradients([random([3, 5], seed: 17)]) { v in v[0].sum() }
        checkGradients([random([3, 5], seed: 18)]) { v in v[0].mean() }
        checkGradients([random([2, 6], seed: 19)]) { v in v[0].reshaped([3, 4]).softmax() }
    }

    @Test(arguments: [(1, false), (2, false), (1, true), (2, true)])
    func conv2d(stride: Int, same: Bool) {
        checkGradients([random([2, 6, 7, 3], seed: 20), random([3, 3, 3, 4], seed: 21, scale: 0.5), random([4], seed: 22)]) { v in
            v[0].conv2d(v[1], bias: v[2], stride: (stride, stride), samePadding: same)
        }
    }

    @Test func pooling() {
        // Distinct values spaced wider than the probe, so no window's maximum changes under it.
        var rng = SeededGenerator(seed: 23)
        var order = Array(0..<(2 * 6 * 6 * 3))
        order.shuffle(using: &rng)
        let x = Tensor(shape: [2, 6, 6, 3], scalars: order.map { Float($0) * 0.05 })
        checkGradients([x], epsilon: 1e-2) { v in v[0].maxPool2d(size: (2, 2), stride: (2, 2)) }
        checkGradients([x], epsilon: 1e-2) { v in v[0].maxPool2d(size: (3, 3), stride: (2, 2), samePadding: true) }
        checkGradients([random([2, 6, 6, 3], seed: 24)]) { v in v[0].avgPool2d(size: (2, 2), stride: (2, 2)) }
        checkGradients([random([2, 5, 5, 3], seed: 25)]) { v in v[0].avgPool2d(size: (3, 3), stride: (2, 2), samePadding: true) }
    }

    @Test func normalization() {
        checkGradients([random([4, 6], seed: 26)]) { v in v[0].normalized(overRows: true, epsilon: 1e-5).output }
        checkGradients([random([8, 3], seed: 27)]) { v in v[0].normalized(overRows: false, epsilon: 1e-5).output }
    }

    @Test func embeddingScatterAdd() {
        // Repeated ids check that gradients of the same row add up.
        checkGradients([random([6, 4], seed: 28)]) { v in
            Variable.embedding(ids: [1, 3, 1, 5, 0, 1], idsShape: [2, 3], table: v[0])
        }
    }

    @Test func dropoutUsesItsMask() {
        checkGradients([random([4, 5], seed: 29)]) { v in
            var rng = SeededGenerator(seed: 3)
            return v[0].dropout(rate: 0.4, using: &rng)
        }
    }

    @Test(arguments: [(Variable.RecurrentCell.lstm, true), (.lstm, false), (.gru, true), (.gru, false), (.simple, true), (.simple, false)])
    func recurrent(cell: Variable.RecurrentCell, sequences: Bool) {
        let gates = cell == .lstm ? 4 : (cell == .gru ? 3 : 1)
        var inputs = [random([2, 4, 3], seed: 30), random([3, gates * 5], seed: 31, scale: 0.5),
                      random([5, gates * 5], seed: 32, scale: 0.5), random([gates * 5], seed: 33, scale: 0.5)]
        if cell == .gru { inputs.append(random([gates * 5], seed: 34, scale: 0.5)) }
        checkGradients(inputs) { v in
            v[0].recurrent(cell, kernel: v[1], recurrentKernel: v[2], bias: v[3], recurrentBias: cell == .gru ? v[4] : nil,
                           returnSequences: sequences)
        }
    }

    @Test(arguments: [false, true])
    func attention(causal: Bool) {
        checkGradients([random([2, 4, 6], seed: 35), random([2, 4, 6], seed: 36), random([2, 4, 6], seed: 37)]) { v in
            Variable.attention(q: v[0], k: v[1], v: v[2], heads: 2, causal: causal)
        }
    }

    @Test func losses() {
        let logits = random([4, 5], seed: 38)
        checkGradients([logits]) { v in v[0].softmaxCrossEntropy(labels: [0, 4, 2, 2]) }
        let targets = Tensor(shape: [4, 5], scalars: (0..<20).map { Float($0 % 7) / 21 })
        checkGradients([logits]) { v in v[0].softmaxCrossEntropy(targets: targets) }
        let binary = Tensor(shape: [4, 5], scalars: (0..<20).map { Float($0 % 2) })
        checkGradients([logits]) { v in v[0].sigmoidCrossEntropy(targets: binary) }
        checkGradients([logits]) { v in v[0].meanSquaredError(targets: targets) }
        checkGradients([awayFromZero([4, 5], seed: 39)]) { v in v[0].meanAbsoluteError(targets: Tensor(zeros: [4, 5])) }
    }
}

@Suite struct GradientCheckerSelfTest {
    /// An op whose backward is off by a factor of two must be caught, or the checks above prove nothing.
    @Test func detectsAWrongBackward() {
        withKnownIssue {
            checkGradients([random([3, 3], seed: 40)]) { v in
                let x = v[0]
                return Variable(Tensor.backend.unary(.square, x.value), parents: [x]) { g in
                    [Tensor.backend.binary(.multiply, g, x.value)]  // correct would be 2·x·g
                }
            }
        }
    }
}
