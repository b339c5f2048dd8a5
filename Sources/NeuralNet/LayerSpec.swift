/// Activation functions by their Keras names.
public enum Activation: String, Codable, Sendable, CaseIterable {
    case linear, relu, leakyRelu = "leaky_relu", gelu, sigmoid, tanh, softmax

    public init(from decoder: any Decoder) throws {
        let raw = try decoder.singleValueContainer().decode(String.self)
        guard let value = Activation(rawValue: raw) else {
            throw SpecError(codingPathString(decoder.codingPath),
                            "unknown activation '\(raw)'; allowed: \(Activation.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self = value
    }
}

/// Layer kinds by their spec names.
public enum LayerType: String, Codable, Sendable, CaseIterable {
    case dense, conv2d, maxpool2d, avgpool2d, flatten, dropout, activation
    case batchnorm, layernorm, embedding
    case simpleRNN = "simple_rnn", lstm, gru
    case multiHeadAttention = "multi_head_attention", transformerEncoder = "transformer_encoder"
    case globalAveragePooling1D = "global_average_pooling1d"

    /// Fields each kind accepts besides `type`.
    var fields: Set<String> {
        switch self {
        case .dense: return ["units", "activation", "use_bias", "alpha"]
        case .conv2d: return ["filters", "kernel", "strides", "padding", "activation", "use_bias", "alpha"]
        case .maxpool2d, .avgpool2d: return ["pool_size", "strides", "padding"]
        case .flatten, .globalAveragePooling1D: return []
        case .dropout: return ["rate"]
        case .activation: return ["activation", "alpha"]
        case .batchnorm: return ["momentum", "epsilon"]
        case .layernorm: return ["epsilon"]
        case .embedding: return ["input_dim", "output_dim"]
        case .simpleRNN, .lstm, .gru: return ["units", "return_sequences"]
        case .multiHeadAttention: return ["heads", "causal"]
        case .transformerEncoder: return ["heads", "ff_dim", "rate", "epsilon", "causal"]
        }
    }
}

/// A pair of sizes written as one integer (`3`) or a list (`[3, 5]`).
public struct SizePair: Codable, Equatable, Sendable {
    public var height: Int
    public var width: Int

    public init(_ height: Int, _ width: Int) { self.height = height; self.width = width }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let n = try? c.decode(Int.self) { self.init(n, n); return }
        guard let list = try? c.decode([Int].self), list.count == 2 else {
            throw SpecError(codingPathString(decoder.codingPath), "expected an integer or a list of two integers")
        }
        self.init(list[0], list[1])
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        if height == width { try c.encode(height) } else { try c.encode([height, width]) }
    }
}

public enum Padding: String, Codable, Sendable { case same, valid }

/// One layer of a model spec. A single flat value (rather than one type per kind) so the JSON a
/// user writes and the value the artifact stores are the same; `validate` checks which fields a
/// kind takes and their ranges.
public struct LayerSpec: Codable, Equatable, Sendable {
    public var type: LayerType
    public var units: Int?
    public var filters: Int?
    public var kernel: SizePair?
    public var strides: SizePair?
    public var padding: Padding?
    public var poolSize: SizePair?
    public var activation: Activation?
    public var alpha: Float?
    public var useBias: Bool?
    public var rate: Float?
    public var momentum: Float?
    public var epsilon: Float?
    public var inputDim: Int?
    public var outputDim: Int?
    public var returnSequences: Bool?
    public var heads: Int?
    public var ffDim: Int?
    public var causal: Bool?

    enum CodingKeys: String, CodingKey {
        case type, units, filters, kernel, strides, padding, activation, alpha, rate, momentum, epsilon, heads, causal
        case poolSize = "pool_size", useBias = "use_bias", inputDim = "input_dim", outputDim = "output_dim"
        case returnSequences = "return_sequences", ffDim = "ff_dim"
    }

    public init(_ type: LayerType, units: Int? = nil, filters: Int? = nil, kernel: Int? = nil, strides: Int? = nil,
                padding: Padding? = nil, poolSize: Int? = nil, activation: Activation? = nil, rate: Float? = nil,
                inputDim: Int? = nil, outputDim: Int? = nil, returnSequences: Bool? = nil, heads: Int? = nil,
                ffDim: Int? = nil) {
        self.type = type
        self.units = units
        self.filters = filters
        self.kernel = kernel.map { SizePair($0, $0) }
        self.strides = strides.map { SizePair($0, $0) }
        self.padding = padding
        self.poolSize = poolSize.map { SizePair($0, $0) }
        self.activation = activation
        self.rate = rate
        self.inputDim = inputDim
        self.outputDim = outputDim
        self.returnSequences = returnSequences
        self.heads = heads
        self.ffDim = ffDim
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let here = codingPathString(decoder.codingPath)
        let rawType = try c.decode(String.self, forKey: .type)
        guard let type = LayerType(rawValue: rawType) else {
            throw SpecError("\(here).type", "unknown layer type '\(rawType)'; allowed: "
                            + LayerType.allCases.map(\.rawValue).joined(separator: ", "))
        }
        self.type = type
        try rejectUnknownKeys(decoder, allowed: type.fields.union(["type"]))
        units = try c.decodeIfPresent(Int.self, forKey: .units)
        filters = try c.decodeIfPresent(Int.self, forKey: .filters)
        kernel = try c.decodeIfPresent(SizePair.self, forKey: .kernel)
        strides = try c.decodeIfPresent(SizePair.self, forKey: .strides)
        padding = try c.decodeIfPresent(Padding.self, forKey: .padding)
        poolSize = try c.decodeIfPresent(SizePair.self, forKey: .poolSize)
        activation = try c.decodeIfPresent(Activation.self, forKey: .activation)
        alpha = try c.decodeIfPresent(Float.self, forKey: .alpha)
        useBias = try c.decodeIfPresent(Bool.self, forKey: .useBias)
        rate = try c.decodeIfPresent(Float.self, forKey: .rate)
        momentum = try c.decodeIfPresent(Float.self, forKey: .momentum)
        epsilon = try c.decodeIfPresent(Float.self, forKey: .epsilon)
        inputDim = try c.decodeIfPresent(Int.self, forKey: .inputDim)
        outputDim = try c.decodeIfPresent(Int.self, forKey: .outputDim)
        returnSequences = try c.decodeIfPresent(Bool.self, forKey: .returnSequences)
        heads = try c.decodeIfPresent(Int.self, forKey: .heads)
        ffDim = try c.decodeIfPresent(Int.self, forKey: .ffDim)
        causal = try c.decodeIfPresent(Bool.self, forKey: .causal)
    }

    /// Required fields and ranges; `path` is the layer's place in the spec (`layers[2]`).
    public func validate(path: String) throws {
        func positive(_ value: Int?, _ field: String, required: Bool, max: Int = 1 << 20) throws {
            guard let value else {
                if required { throw SpecError("\(path).\(field)", "is required for a \(type.rawValue) layer") }
                return
            }
            try require((1...max).contains(value), "\(path).\(field)", "must be between 1 and \(max), got \(value)")
        }
        func pair(_ value: SizePair?, _ field: String, required: Bool) throws {
            guard let value else {
                if required { throw SpecError("\(path).\(field)", "is required for a \(type.rawValue) layer") }
                return
            }
            try require(value.height >= 1 && value.width >= 1 && value.height <= 1024 && value.width <= 1024,
                        "\(path).\(field)", "sizes must be between 1 and 1024, got [\(value.height), \(value.width)]")
        }
        switch type {
        case .dense: try positive(units, "units", required: true)
        case .conv2d:
            try positive(filters, "filters", required: true, max: 65536)
            try pair(kernel, "kernel", required: true)
            try pair(strides, "strides", required: false)
        case .maxpool2d, .avgpool2d:
            try pair(poolSize, "pool_size", required: false)
            try pair(strides, "strides", required: false)
        case .dropout:
            guard let rate else { throw SpecError("\(path).rate", "is required for a dropout layer") }
            try require(rate >= 0 && rate < 1, "\(path).rate", "must be in [0, 1), got \(rate)")
        case .activation:
            if activation == nil { throw SpecError("\(path).activation", "is required for an activation layer") }
        case .batchnorm:
            if let momentum { try require(momentum >= 0 && momentum < 1, "\(path).momentum", "must be in [0, 1), got \(momentum)") }
        case .layernorm, .flatten, .globalAveragePooling1D: break
        case .embedding:
            try positive(inputDim, "input_dim", required: true, max: 1 << 24)
            try positive(outputDim, "output_dim", required: true, max: 1 << 16)
        case .simpleRNN, .lstm, .gru: try positive(units, "units", required: true, max: 65536)
        case .multiHeadAttention: try positive(heads, "heads", required: true, max: 1024)
        case .transformerEncoder:
            try positive(heads, "heads", required: true, max: 1024)
            try positive(ffDim, "ff_dim", required: true)
            if let rate { try require(rate >= 0 && rate < 1, "\(path).rate", "must be in [0, 1), got \(rate)") }
        }
        if let epsilon { try require(epsilon > 0 && epsilon < 1, "\(path).epsilon", "must be in (0, 1), got \(epsilon)") }
    }
}
