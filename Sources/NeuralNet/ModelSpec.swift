import Foundation
import Yams

/// A problem in a model spec, located by its path (`layers[2].filters`) with what is allowed.
public struct SpecError: Error, CustomStringConvertible, Equatable, Sendable {
    public let path: String
    public let message: String

    public init(_ path: String, _ message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { path.isEmpty ? message : "\(path): \(message)" }
}

/// What a user writes to describe a network and how to train it, in the Keras style. The same
/// value is what the trainer builds from and what a saved artifact stores.
public struct ModelSpec: Codable, Equatable, Sendable {
    public struct Input: Codable, Equatable, Sendable {
        /// Shape of one sample, without the batch axis: [28, 28, 1] for images, [100] for token ids.
        public var shape: [Int]
    }

    public var input: Input
    public var layers: [LayerSpec]
    public var loss: Loss
    public var optimizer: OptimizerSpec
    public var epochs: Int
    public var batchSize: Int
    public var seed: UInt64?
    /// Fraction of the training data held out for validation metrics and early stopping.
    public var validationSplit: Float?
    public var earlyStopping: EarlyStopping?
    /// Differentially private training (DP-SGD) within this budget.
    public var privacy: PrivacySpec?

    public struct EarlyStopping: Codable, Equatable, Sendable {
        /// `val_loss` or `val_accuracy`.
        public var monitor: String
        public var patience: Int
        public var minDelta: Float?
        public var restoreBestWeights: Bool?

        enum CodingKeys: String, CodingKey {
            case monitor, patience, minDelta = "min_delta", restoreBestWeights = "restore_best_weights"
        }

        public init(monitor: String, patience: Int, minDelta: Float? = nil, restoreBestWeights: Bool? = nil) {
            self.monitor = monitor
            self.patience = patience
            self.minDelta = minDelta
            self.restoreBestWeights = restoreBestWeights
        }
    }

    enum CodingKeys: String, CodingKey {
        case input, layers, loss, optimizer, epochs, seed
        case batchSize = "batch_size", validationSplit = "validation_split", earlyStopping = "early_stopping", privacy
    }

    public init(input: Input, layers: [LayerSpec], loss: Loss, optimizer: OptimizerSpec = OptimizerSpec(kind: .adam),
                epochs: Int = 5, batchSize: Int = 32, seed: UInt64? = nil, validationSplit: Float? = nil,
                earlyStopping: EarlyStopping? = nil, privacy: PrivacySpec? = nil) {
        self.input = input
        self.layers = layers
        self.loss = loss
        self.optimizer = optimizer
        self.epochs = epochs
        self.batchSize = batchSize
        self.seed = seed
        self.validationSplit = validationSplit
        self.earlyStopping = earlyStopping
        self.privacy = privacy
    }

    public init(from decoder: any Decoder) throws {
        try rejectUnknownKeys(decoder, allowed: Set(CodingKeys.allCases.map(\.rawValue)))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        input = try c.decode(Input.self, forKey: .input)
        layers = try c.decode([LayerSpec].self, forKey: .layers)
        loss = try c.decode(Loss.self, forKey: .loss)
        optimizer = try c.decodeIfPresent(OptimizerSpec.self, forKey: .optimizer) ?? OptimizerSpec(kind: .adam)
        epochs = try c.decodeIfPresent(Int.self, forKey: .epochs) ?? 5
        batchSize = try c.decodeIfPresent(Int.self, forKey: .batchSize) ?? 32
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed)
        validationSplit = try c.decodeIfPresent(Float.self, forKey: .validationSplit)
        earlyStopping = try c.decodeIfPresent(EarlyStopping.self, forKey: .earlyStopping)
        privacy = try c.decodeIfPresent(PrivacySpec.self, forKey: .privacy)
        try validate()
    }

    /// Checks ranges that do not depend on shapes (those are checked when the model is built).
    public func validate() throws {
        try require(!input.shape.isEmpty && input.shape.allSatisfy { $0 > 0 && $0 <= 1 << 24 }, "input.shape",
                    "must list one or more dimensions between 1 and 16777216, got \(input.shape)")
        try require(!layers.isEmpty, "layers", "must hold at least one layer")
        try require((1...100_000).contains(epochs), "epochs", "must be between 1 and 100000, got \(epochs)")
        try require((1...65536).contains(batchSize), "batch_size", "must be between 1 and 65536, got \(batchSize)")
        if let split = validationSplit {
            try require(split >= 0 && split < 1, "validation_split", "must be in [0, 1), got \(split)")
        }
        if let stop = earlyStopping {
            try require(["val_loss", "val_accuracy", "loss", "accuracy"].contains(stop.monitor), "early_stopping.monitor",
                        "must be one of val_loss, val_accuracy, loss, accuracy; got \(stop.monitor)")
            try require(stop.patience >= 0, "early_stopping.patience", "must be 0 or more, got \(stop.patience)")
        }
        try optimizer.validate()
        for (i, layer) in layers.enumerated() { try layer.validate(path: "layers[\(i)]") }
        if let privacy { try privacy.validate(layers: layers) }
    }

    /// Parses JSON or YAML (YAML is a superset of JSON, but JSON goes through Foundation for speed
    /// and its error positions).
    public static func parse(_ text: String) throws -> ModelSpec {
        do {
            let trimmed = text.drop { $0.isWhitespace }
            if trimmed.first == "{" {
                return try JSONDecoder().decode(ModelSpec.self, from: Data(text.utf8))
            }
            return try YAMLDecoder().decode(ModelSpec.self, from: text)
        } catch let error as SpecError {
            throw error
        } catch let error as DecodingError {
            throw SpecError(decodingError: error)
        } catch {
            throw SpecError("", "not valid JSON or YAML: \(error)")
        }
    }

    public static func load(path: String) throws -> ModelSpec {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw SpecError(path, "cannot read the model spec file")
        }
        return try parse(text)
    }

    public func json(pretty: Bool = true) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys] : [.sortedKeys]
        return try! encoder.encode(self)
    }
}

extension ModelSpec.CodingKeys: CaseIterable {}

/// Losses by their Keras names.
public enum Loss: String, Codable, Sendable, CaseIterable {
    case meanSquaredError = "mse"
    case meanAbsoluteError = "mae"
    case binaryCrossEntropy = "binary_crossentropy"
    case categoricalCrossEntropy = "categorical_crossentropy"
    case sparseCategoricalCrossEntropy = "sparse_categorical_crossentropy"

    public init(from decoder: any Decoder) throws {
        let raw = try decoder.singleValueContainer().decode(String.self)
        let aliases = ["mean_squared_error": "mse", "mean_absolute_error": "mae"]
        guard let loss = Loss(rawValue: aliases[raw] ?? raw) else {
            throw SpecError(codingPathString(decoder.codingPath),
                            "unknown loss '\(raw)'; allowed: \(Loss.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self = loss
    }

    /// Whether targets are class indices (classification with integer labels).
    public var usesClassIndices: Bool { self == .sparseCategoricalCrossEntropy }
}

// MARK: - Decoding helpers

struct AnyCodingKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { stringValue = String(intValue); self.intValue = intValue }
}

/// `layers[2].filters` from a decoder's coding path.
func codingPathString(_ path: [any CodingKey]) -> String {
    var result = ""
    for key in path {
        if let index = key.intValue { result += "[\(index)]" } else { result += result.isEmpty ? key.stringValue : ".\(key.stringValue)" }
    }
    return result
}

func rejectUnknownKeys(_ decoder: any Decoder, allowed: Set<String>) throws {
    let container = try decoder.container(keyedBy: AnyCodingKey.self)
    for key in container.allKeys where !allowed.contains(key.stringValue) {
        let here = codingPathString(decoder.codingPath)
        throw SpecError(here.isEmpty ? key.stringValue : "\(here).\(key.stringValue)",
                        "unknown field; allowed here: \(allowed.sorted().joined(separator: ", "))")
    }
}

func require(_ condition: Bool, _ path: String, _ message: @autoclosure () -> String) throws {
    if !condition { throw SpecError(path, message()) }
}

extension SpecError {
    init(decodingError: DecodingError) {
        switch decodingError {
        case .keyNotFound(let key, let context):
            self.init(codingPathString(context.codingPath + [key]), "is required")
        case .typeMismatch(let type, let context):
            self.init(codingPathString(context.codingPath), "expected \(readableType(type))")
        case .valueNotFound(let type, let context):
            self.init(codingPathString(context.codingPath), "expected \(readableType(type)), got null")
        case .dataCorrupted(let context):
            if let underlying = context.underlyingError as? SpecError { self = underlying; return }
            self.init(codingPathString(context.codingPath), context.debugDescription)
        @unknown default:
            self.init("", "\(decodingError)")
        }
    }
}

private func readableType(_ type: Any.Type) -> String {
    switch type {
    case is Int.Type, is UInt64.Type: return "an integer"
    case is Float.Type, is Double.Type: return "a number"
    case is String.Type: return "a string"
    case is Bool.Type: return "true or false"
    default: return "\(type)".contains("Array") ? "a list" : "an object"
    }
}
