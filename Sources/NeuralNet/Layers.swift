import Tensor

/// x · W + b over the last axis.
public final class Dense: Layer {
    public let weight: Variable
    public let bias: Variable?

    public init(inputs: Int, units: Int, useBias: Bool = true, rng: inout SeededGenerator) {
        weight = Variable(Initializer.glorotUniform([inputs, units], fanIn: inputs, fanOut: units, rng: &rng), requiresGrad: true)
        bias = useBias ? Variable(Tensor(zeros: [units]), requiresGrad: true) : nil
    }

    public var parameters: [(name: String, variable: Variable)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }

    public func forward(_ x: Variable, context: inout ForwardContext) -> Variable {
        if let tape = context.perExample { return overRows(x) { $0.linear(weight, bias: bias, perExample: tape) } }
        return overRows(x) { $0.linear(weight, bias: bias) }
    }
}

/// 2-D convolution over NHWC images; weight [KH, KW, C, F].
public final class Conv2D: Layer {
    public let weight: Variable
    public let bias: Variable?
    let stride: (Int, Int)
    let samePadding: Bool

    public init(channels: Int, filters: Int, kernel: SizePair, stride: SizePair, samePadding: Bool, useBias: Bool,
                rng: inout SeededGenerator) {
        let area = kernel.height * kernel.width
        weight = Variable(Initializer.glorotUniform([kernel.height, kernel.width, channels, filters],
                                                    fanIn: area * channels, fanOut: area * filters, rng: &rng), requiresGrad: true)
        bias = useBias ? Variable(Tensor(zeros: [filters]), requiresGrad: true) : nil
        self.stride = (stride.height, stride.width)
        self.samePadding = samePadding
    }

    public var parameters: [(name: String, variable: Variable)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }

    public func forward(_ x: Variable, context: inout ForwardContext) -> Variable {
        if let tape = context.perExample { return x.conv2d(weight, bias: bias, stride: stride, samePadding: samePadding, perExample: tape) }
        return x.conv2d(weight, bias: bias, stride: stride, samePadding: samePadding)
    }
}

public final class Pool2D: Layer {
    let size: (Int, Int), stride: (Int, Int), samePadding: Bool, average: Bool

    public init(size: SizePair, stride: SizePair, samePadding: Bool, average: Bool) {
        self.size = (size.height, size.width)
        self.stride = (stride.height, stride.width)
        self.samePadding = samePadding
        self.average = average
    }

    public var parameters: [(name: String, variable: Variable)] { [] }

    public func forward(_ x: Variable, context: inout ForwardContext) -> Variable {
        average ? x.avgPool2d(size: size, stride: stride, samePadding: samePadding)
                : x.maxPool2d(size: size, stride: stride, samePadding: samePadding)
    }
}

public final class Flatten: Layer {
    public init() {}
    public var parameters: [(name: String, variable: Variable)] { [] }
    public func forward(_ x: Variable, context: inout ForwardContext) -> Variable {
        x.reshaped([x.shape[0], x.value.count / max(x.shape[0], 1)])
    }
}

public final class Dropout: Layer {
    let rate: Float
    public init(rate: Float) { self.rate = rate }
    public var parameters: [(name: String, variable: Variable)] { [] }
    public func forward(_ x: Variable, context: inout ForwardContext) -> Variable {
        context.training ? x.dropout(rate: rate, using: &context.rng) : x
    }
}

public final class ActivationLayer: Layer {
    let activation: Activation, alpha: Float?
    public init(_ activation: Activation, alpha: Float? = nil) { self.activation = activation; self.alpha = alpha }
    public var parameters: [(name: String, variable: Variable)] { [] }
    public func forward(_ x: Variable, context: inout ForwardContext) -> Variable {
        applyActivation(activation, alpha: alpha, to: x)
    }
}

/// Mean over the time axis of [B, T, E].
public final class GlobalAveragePooling1D: Layer {
    public init() {}
    public var parameters: [(name: String, variable: Variable)] { [] }
    public func forward(_ x: Variable, context: inout ForwardContext) -> Variable {
        // A batched matmul with a [T, 1] column of 1/T had no batched backward: it trapped (or,
        // built -Ounchecked, read out of bounds) on the first training step.
        x.meanOverTime()
    }
}

/// Batch normalisation over every axis but the last, with running statistics for inference.
public final class BatchNorm: Layer {
    public let weight: Variable, bias: Variable
    public private(set) var runningMean: Tensor, runningVariance: Tensor
    let momentum: Float, epsilon: Float

    public init(features: Int, momentum: Float = 0.99, epsilon: Float = 1e-3) {
        weight = Variable(Tensor(shape: [features], repeating: 1), requiresGrad: true)
        bias = Variable(Tensor(zeros: [features]), requiresGrad: true)
        runningMean = Tensor(zeros: [features])
        runningVariance = Tensor(shape: [features], repeating: 1)
        self.momentum = momentum
        self.epsilon = epsilon
    }

    public var parameters: [(name: String, variable: Variable)] { [("weight", weight), ("bias", bias)] }
    public var buffers: [(name: String, tensor: Tensor)] { [("running_mean", runningMean), ("running_var", runningVariance)] }

    public func setBuffer(_ name: String, _ value: Tensor) {
        if name == "running_mean" { runningMean = value } else if name == "running_var" { runningVariance = value }
    }

    public func forward(_ x: Variable, context: inout ForwardContext) -> Variable {
        let features = x.shape.last!, shape = x.shape
        let flat = x.reshaped([-1, features])
        if context.training {
            let (normalized, mean, inverseStd) = flat.normalized(overRows: false, epsilon: epsilon)
            let rows = Float(flat.shape[0])
            let correction = rows > 1 ? rows / (rows - 1) : 1
            let batchMean = mean.scalars, oldMean = runningMean.scalars
            runningMean = Tensor(shape: [features]) { out in
                for c in 0..<features { out[c] = momentum * oldMean[c] + (1 - momentum) * batchMean[c] }
            }
            let inv = inverseStd.scalars, old = runningVariance.scalars
            runningVariance = Tensor(shape: [features]) { out in
                for c in 0..<features {
                    let variance = (1 / (inv[c] * inv[c]) - epsilon) * correction
                    out[c] = momentum * old[c] + (1 - momentum) * variance
                }
            }
            return (normalized * weight + bias).reshaped(shape)
        }
        let mean = runningMean.scalars, variance = runningVariance.scalars
        let scale = Tensor(shape: [features]) { out in
            for c in 0..<features { out[c] = 1 / (variance[c] + epsilon).squareRoot() }
        }
        let scales = scale.scalars
        let shift = Tensor(shape: [features]) { out in for c in 0..<features { out[c] = -mean[c] * scales[c] } }
        return ((flat * Variable(scale) + Variable(shift)) * weight + bias).reshaped(shape)
    }
}

/// Layer normalisation over the last axis.
public final class LayerNorm: Layer {
    public let weight: Variable, bias: Variable
    let epsilon: Float

    public init(features: Int, epsilon: Float = 1e-3) {
        weight = Variable(Tensor(shape: [features], repeating: 1), requiresGrad: true)
        bias = Variable(Tensor(zeros: [features]), requiresGrad: true)
        self.epsilon = epsilon
    }

    public var parameters: [(name: String, variable: Variable)] { [("weight", weight), ("bias", bias)] }

    public func forward(_ x: Variable, context: inout ForwardContext) -> Variable {
        overRows(x) { $0.normalized(overRows: true, epsilon: epsilon).output * weight + bias }
    }
}

/// Token ids (as floats) to vectors: [B, T] → [B, T, D].
public final class Embedding: Layer {
    public let weight: Variable

    public init(vocabulary: Int, dimension: Int, rng: inout SeededGenerator) {
        weight = Variable(Tensor.uniform([vocabulary, dimension], low: -0.05, high: 0.05, using: &rng), requiresGrad: true)
    }

    public var parameters: [(name: String, variable: Variable)] { [("weight", weight)] }

    public func forward(_ x: Variable, context: inout ForwardContext) -> Variable {
        let ids = x.value.scalars.map { Int32($0) }
        return Variable.embedding(ids: ids, idsShape: x.shape, table: weight)
    }
}

/// simple_rnn, lstm and gru over a whole sequence. Weights: kernel [F, G·H], recurrent_kernel
/// [H, G·H], bias [G·H] (and recurrent_bias for GRU), gate order as in PyTorch.
public final class Recurrent: Layer {
    public let cell: Variable.RecurrentCell
    public let kernel: Variable, recurrentKernel: Variable, bias: Variable
    public let recurrentBias: Variable?
    let returnSequences: Bool

    public init(_ cell: Variable.RecurrentCell, inputs: Int, units: Int, returnSequences: Bool, rng: inout SeededGenerator) {
        let gates = cell == .lstm ? 4 : (cell == .gru ? 3 : 1)
        self.cell = cell
        kernel = Variable(Initializer.glorotUniform([inputs, gates * units], fanIn: inputs, fanOut: gates * units, rng: &rng),
                          requiresGrad: true)
        // Orthogonal per gate block, so each gate's recurrence starts norm-preserving.
        let blocks = (0..<gates).map { _ in Initializer.orthogonal(rows: units, columns: units, rng: &rng) }
        recurrentKernel = Variable(Tensor(shape: [units, gates * units]) { out in
            for (g, block) in blocks.enumerated() {
                let values = block.scalars
                for r in 0..<units { for c in 0..<units { out[r * gates * units + g * units + c] = values[r * units + c] } }
            }
        }, requiresGrad: true)
        // Keras' unit_forget_bias: the forget gate starts open.
        bias = Variable(Tensor(shape: [gates * units]) { out in
            for i in out.indices { out[i] = cell == .lstm && i >= units && i < 2 * units ? 1 : 0 }
        }, requiresGrad: true)
        recurrentBias = cell == .gru ? Variable(Tensor(zeros: [gates * units]), requiresGrad: true) : nil
        self.returnSequences = returnSequences
    }

    public var parameters: [(name: String, variable: Variable)] {
        [("kernel", kernel), ("recurrent_kernel", recurrentKernel), ("bias", bias)]
            + (recurrentBias.map { [("recurrent_bias", $0)] } ?? [])
    }

    public func forward(_ x: Variable, context: inout ForwardContext) -> Variable {
        x.recurrent(cell, kernel: kernel, recurrentKernel: recurrentKernel, bias: bias, recurrentBias: recurrentBias,
                    returnSequences: returnSequences)
    }
}

/// Multi-head self-attention with query, key, value and output projections.
public final class MultiHeadAttention: Layer {
    let query: Dense, key: Dense, value: Dense, output: Dense
    let heads: Int, causal: Bool

    public init(embedding: Int, heads: Int, causal: Bool, rng: inout SeededGenerator) {
        query = Dense(inputs: embedding, units: embedding, rng: &rng)
        key = Dense(inputs: embedding, units: embedding, rng: &rng)
        value = Dense(inputs: embedding, units: embedding, rng: &rng)
        output = Dense(inputs: embedding, units: embedding, rng: &rng)
        self.heads = heads
        self.causal = causal
    }

    public var parameters: [(name: String, variable: Variable)] {
        [("query", query), ("key", key), ("value", value), ("output", output)].flatMap { prefix, layer in
            layer.parameters.map { ("\(prefix).\($0.name)", $0.variable) }
        }
    }

    public func forward(_ x: Variable, context: inout ForwardContext) -> Variable {
        let q = query.forward(x, context: &context), k = key.forward(x, context: &context), v = value.forward(x, context: &context)
        return output.forward(Variable.attention(q: q, k: k, v: v, heads: heads, causal: causal), context: &context)
    }
}

/// Post-norm transformer encoder block (as PyTorch's default): x = LN(x + MHA(x)); x = LN(x + FFN(x)).
public final class TransformerEncoder: Layer {
    let attention: MultiHeadAttention
    let norm1: LayerNorm, norm2: LayerNorm
    let feedForward1: Dense, feedForward2: Dense
    let rate: Float

    public init(embedding: Int, heads: Int, feedForward: Int, rate: Float, epsilon: Float, causal: Bool, rng: inout SeededGenerator) {
        attention = MultiHeadAttention(embedding: embedding, heads: heads, causal: causal, rng: &rng)
        norm1 = LayerNorm(features: embedding, epsilon: epsilon)
        norm2 = LayerNorm(features: embedding, epsilon: epsilon)
        feedForward1 = Dense(inputs: embedding, units: feedForward, rng: &rng)
        feedForward2 = Dense(inputs: feedForward, units: embedding, rng: &rng)
        self.rate = rate
    }

    public var parameters: [(name: String, variable: Variable)] {
        let parts: [(String, any Layer)] = [("attention", attention), ("norm1", norm1), ("norm2", norm2),
                                            ("ffn1", feedForward1), ("ffn2", feedForward2)]
        return parts.flatMap { prefix, layer in layer.parameters.map { ("\(prefix).\($0.name)", $0.variable) } }
    }

    public func forward(_ x: Variable, context: inout ForwardContext) -> Variable {
        func drop(_ v: Variable) -> Variable { context.training && rate > 0 ? v.dropout(rate: rate, using: &context.rng) : v }
        let attended = norm1.forward(x + drop(attention.forward(x, context: &context)), context: &context)
        let hidden = feedForward1.forward(attended, context: &context).relu()
        return norm2.forward(attended + drop(feedForward2.forward(hidden, context: &context)), context: &context)
    }
}
