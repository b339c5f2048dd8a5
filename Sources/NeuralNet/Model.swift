import Tensor

/// A sequential network built from a `ModelSpec`: layers in order, each followed by its
/// activation, with parameters named `layers.{index}.{name}` after the spec's layer index.
public final class Model {
    struct Stage {
        let layer: any Layer
        let activation: Activation?
        let alpha: Float?
    }

    public let spec: ModelSpec
    let stages: [Stage]
    /// Per-sample output shape.
    public let outputShape: [Int]

    /// Builds the layers and initialises their parameters from `seed`, checking that each
    /// layer accepts the shape the one before it produces.
    public init(spec: ModelSpec, seed: UInt64? = nil) throws {
        try spec.validate()
        self.spec = spec
        var rng = SeededGenerator(seed: seed ?? spec.seed ?? 0)
        var shape = spec.input.shape
        var stages: [Stage] = []
        for (index, layerSpec) in spec.layers.enumerated() {
            var layerRNG = rng.split()
            let (layer, next) = try Model.makeLayer(layerSpec, input: shape, path: "layers[\(index)]", rng: &layerRNG)
            stages.append(Stage(layer: layer, activation: layerSpec.type == .activation ? nil : layerSpec.activation,
                                alpha: layerSpec.alpha))
            shape = next
        }
        self.stages = stages
        outputShape = shape
        try checkLossFitsOutput()
    }

    private func checkLossFitsOutput() throws {
        let last = spec.layers.count - 1
        switch spec.loss {
        case .sparseCategoricalCrossEntropy, .categoricalCrossEntropy:
            try require(outputShape.count == 1 && outputShape[0] >= 2, "loss",
                        "\(spec.loss.rawValue) needs a final layer with 2 or more units, layers[\(last)] outputs \(outputShape)")
        case .binaryCrossEntropy:
            try require(outputShape.count == 1, "loss", "binary_crossentropy needs a flat output, layers[\(last)] outputs \(outputShape)")
        case .meanSquaredError, .meanAbsoluteError: break
        }
    }

    static func makeLayer(_ s: LayerSpec, input: [Int], path: String, rng: inout SeededGenerator) throws -> (any Layer, [Int]) {
        func expectRank(_ rank: Int, _ what: String) throws {
            try require(input.count == rank, path, "a \(s.type.rawValue) layer expects \(what) input, got per-sample shape \(input)")
        }
        switch s.type {
        case .dense:
            let units = s.units!
            return (Dense(inputs: input.last!, units: units, useBias: s.useBias ?? true, rng: &rng), input.dropLast() + [units])
        case .conv2d:
            try expectRank(3, "a [height, width, channels]")
            let kernel = s.kernel!, stride = s.strides ?? SizePair(1, 1), same = s.padding == .same
            let g = Conv2DGeometry(input: [1] + input, kernel: (kernel.height, kernel.width),
                                   stride: (stride.height, stride.width), samePadding: same)
            try require(g.outHeight >= 1 && g.outWidth >= 1, "\(path).kernel",
                        "a \(kernel.height)x\(kernel.width) kernel does not fit a \(input[0])x\(input[1]) input with valid padding")
            let layer = Conv2D(channels: input[2], filters: s.filters!, kernel: kernel, stride: stride, samePadding: same,
                               useBias: s.useBias ?? true, rng: &rng)
            return (layer, [g.outHeight, g.outWidth, s.filters!])
        case .maxpool2d, .avgpool2d:
            try expectRank(3, "a [height, width, channels]")
            let size = s.poolSize ?? SizePair(2, 2), stride = s.strides ?? size, same = s.padding == .same
            let g = Conv2DGeometry(input: [1] + input, kernel: (size.height, size.width),
                                   stride: (stride.height, stride.width), samePadding: same)
            try require(g.outHeight >= 1 && g.outWidth >= 1, "\(path).pool_size",
                        "a \(size.height)x\(size.width) window does not fit a \(input[0])x\(input[1]) input")
            return (Pool2D(size: size, stride: stride, samePadding: same, average: s.type == .avgpool2d),
                    [g.outHeight, g.outWidth, input[2]])
        case .flatten:
            return (Flatten(), [input.reduce(1, *)])
        case .dropout:
            return (Dropout(rate: s.rate!), input)
        case .activation:
            return (ActivationLayer(s.activation!, alpha: s.alpha), input)
        case .batchnorm:
            return (BatchNorm(features: input.last!, momentum: s.momentum ?? 0.99, epsilon: s.epsilon ?? 1e-3), input)
        case .layernorm:
            return (LayerNorm(features: input.last!, epsilon: s.epsilon ?? 1e-3), input)
        case .embedding:
            try expectRank(1, "a [sequence length] token-id")
            return (Embedding(vocabulary: s.inputDim!, dimension: s.outputDim!, rng: &rng), input + [s.outputDim!])
        case .simpleRNN, .lstm, .gru:
            try expectRank(2, "a [time, features]")
            let cell: Variable.RecurrentCell = s.type == .lstm ? .lstm : (s.type == .gru ? .gru : .simple)
            let sequences = s.returnSequences ?? false
            let layer = Recurrent(cell, inputs: input[1], units: s.units!, returnSequences: sequences, rng: &rng)
            return (layer, sequences ? [input[0], s.units!] : [s.units!])
        case .multiHeadAttention, .transformerEncoder:
            try expectRank(2, "a [time, embedding]")
            let heads = s.heads!
            try require(input[1] % heads == 0, "\(path).heads", "the embedding size \(input[1]) must be divisible by heads (\(heads))")
            if s.type == .multiHeadAttention {
                return (MultiHeadAttention(embedding: input[1], heads: heads, causal: s.causal ?? false, rng: &rng), input)
            }
            return (TransformerEncoder(embedding: input[1], heads: heads, feedForward: s.ffDim!, rate: s.rate ?? 0,
                                       epsilon: s.epsilon ?? 1e-5, causal: s.causal ?? false, rng: &rng), input)
        case .globalAveragePooling1D:
            try expectRank(2, "a [time, features]")
            return (GlobalAveragePooling1D(), [input[1]])
        }
    }

    // MARK: Parameters by name

    /// Trainable parameters under their stable dotted names, in layer order.
    public var namedParameters: [(name: String, variable: Variable)] {
        stages.enumerated().flatMap { index, stage in
            stage.layer.parameters.map { ("layers.\(index).\($0.name)", $0.variable) }
        }
    }

    public var parameters: [Variable] { namedParameters.map(\.variable) }

    /// Every tensor that makes up the trained model (parameters and buffers), by name.
    public var stateDictionary: [String: Tensor] {
        var result: [String: Tensor] = [:]
        for (name, variable) in namedParameters { result[name] = variable.value }
        for (index, stage) in stages.enumerated() {
            for (name, tensor) in stage.layer.buffers { result["layers.\(index).\(name)"] = tensor }
        }
        return result
    }

    /// Replaces parameters and buffers by name; every one must be present with its shape.
    public func load(stateDictionary tensors: [String: Tensor]) throws {
        for (name, variable) in namedParameters {
            guard let tensor = tensors[name] else { throw SpecError(name, "missing from the weights file") }
            try require(tensor.shape == variable.value.shape, name,
                        "has shape \(tensor.shape) in the weights file, the model expects \(variable.value.shape)")
            variable.value = tensor
        }
        for (index, stage) in stages.enumerated() {
            for (name, current) in stage.layer.buffers {
                let key = "layers.\(index).\(name)"
                guard let tensor = tensors[key] else { throw SpecError(key, "missing from the weights file") }
                try require(tensor.shape == current.shape, key, "has shape \(tensor.shape), expected \(current.shape)")
                stage.layer.setBuffer(name, tensor)
            }
        }
    }

    public var parameterCount: Int { namedParameters.reduce(0) { $0 + $1.variable.value.count } }

    // MARK: Forward

    /// The final activation that a cross-entropy loss absorbs (softmax or sigmoid), if any.
    var fusedFinalActivation: Activation? {
        guard let last = stages.last?.activation else { return nil }
        switch (spec.loss, last) {
        case (.sparseCategoricalCrossEntropy, .softmax), (.categoricalCrossEntropy, .softmax), (.binaryCrossEntropy, .sigmoid):
            return last
        default: return nil
        }
    }

    /// Runs the network on a batch [B] + input shape. With `logits`, a final softmax/sigmoid that
    /// the loss fuses is left out.
    public func forward(_ x: Tensor, context: inout ForwardContext, logits: Bool = false) -> Variable {
        forward(input: Variable(x), context: &context, logits: logits)
    }

    /// The same, from an input node: one that requires a gradient gets d(output)/d(input)
    /// (integrated gradients, saliency).
    public func forward(input: Variable, context: inout ForwardContext, logits: Bool = false) -> Variable {
        var h = input
        for (index, stage) in stages.enumerated() {
            h = stage.layer.forward(h, context: &context)
            let isLast = index == stages.count - 1
            if let activation = stage.activation, !(isLast && logits && fusedFinalActivation != nil) {
                h = applyActivation(activation, alpha: stage.alpha, to: h)
            }
        }
        return h
    }

    /// Checks a batch against the input shape and, for token models, the vocabulary.
    public func checkInput(_ x: Tensor) throws {
        try require(Array(x.shape.dropFirst()) == spec.input.shape, "input",
                    "expected samples of shape \(spec.input.shape), got \(Array(x.shape.dropFirst()))")
        try x.withUnsafeBufferPointer { values in
            for (i, v) in values.enumerated() where !v.isFinite {
                throw SpecError("input", "value \(i) is \(v); inputs must be finite numbers")
            }
            if let first = spec.layers.first, first.type == .embedding, let vocabulary = first.inputDim {
                for (i, v) in values.enumerated() where v < 0 || Int(v) >= vocabulary || v != v.rounded() {
                    throw SpecError("input", "token id \(v) at position \(i) is not an integer in 0..<\(vocabulary)")
                }
            }
        }
    }

    /// Outputs for a batch in inference mode (probabilities for classifiers), in chunks of `batchSize`.
    public func predict(_ x: Tensor, batchSize: Int = 256) throws -> Tensor {
        try checkInput(x)
        var context = ForwardContext(training: false)
        let n = x.shape[0]
        var parts: [Tensor] = []
        var start = 0
        while start < n {
            let end = min(n, start + batchSize)
            parts.append(forward(x.slice(rows: start..<end), context: &context).value)
            start = end
        }
        guard parts.count > 1 else { return parts.first ?? Tensor(zeros: [0] + outputShape) }
        let rowSize = outputShape.reduce(1, *)
        return Tensor(shape: [n] + outputShape) { out in
            var offset = 0
            for part in parts {
                part.withUnsafeBufferPointer { src in
                    for i in 0..<src.count { out[offset + i] = src[i] }
                }
                offset += part.count
            }
            precondition(offset == n * rowSize)
        }
    }
}
