import Datasets
import Foundation
import Tensor

/// A trained model on disk: a directory with `model.json` (format version, spec, labels,
/// metrics, lineage) and `weights.safetensors` (parameters and buffers by dotted name).
public struct ModelArtifact: Codable, Sendable {
    public static let formatVersion = 1
    public static let descriptorFile = "model.json"
    public static let weightsFile = "weights.safetensors"

    public var formatVersion: Int
    public var kind: String
    public var spec: ModelSpec
    /// Class names for classifiers, index-aligned with the output.
    public var labels: [String]?
    public var metrics: [String: Double]
    /// Where the model came from: data checksum, seed, job id, …
    public var lineage: [String: String]
    public var createdAt: String
    /// For models trained on a table: the fitted preprocessing that turns raw rows into the
    /// network's input, and the target column.
    public var preprocessing: FittedPreprocessor?
    public var target: String?
    /// The training data's profile for tabular networks (drift reference, explanation baseline).
    public var profile: TrainingProfile?

    enum CodingKeys: String, CodingKey {
        case kind, spec, labels, metrics, lineage, preprocessing, target, profile
        case formatVersion = "format_version", createdAt = "created_at"
    }

    public init(spec: ModelSpec, labels: [String]? = nil, metrics: [String: Double] = [:], lineage: [String: String] = [:],
                preprocessing: FittedPreprocessor? = nil, target: String? = nil) {
        self.preprocessing = preprocessing
        self.target = target
        formatVersion = Self.formatVersion
        kind = "neural_network"
        self.spec = spec
        self.labels = labels
        self.metrics = metrics
        self.lineage = lineage
        createdAt = Date().formatted(.iso8601)
    }

    /// Writes the artifact into `directory` atomically.
    public func save(model: Model, to directory: String) throws {
        try ArtifactDirectory.write(try files(model: model), to: directory)
    }

    /// The artifact's files by name, in memory (for a store that seals them).
    public func files(model: Model) throws -> [String: Data] {
        [Self.descriptorFile: try ArtifactDirectory.json(self),
         Self.weightsFile: Data(Safetensors.encode(model.stateDictionary, metadata: ["format": "pt"]))]
    }

    /// Reads an artifact directory and rebuilds the model with its weights.
    public static func load(from directory: String) throws -> (artifact: ModelArtifact, model: Model) {
        try load(from: ArtifactFiles(directory: directory))
    }

    /// Rebuilds the model from an artifact's files (on disk or decrypted in memory).
    public static func load(from files: ArtifactFiles) throws -> (artifact: ModelArtifact, model: Model) {
        guard let data = files.data(descriptorFile) else {
            throw SpecError(files.describe(descriptorFile), "cannot read the model descriptor")
        }
        let artifact: ModelArtifact
        do {
            artifact = try JSONDecoder().decode(ModelArtifact.self, from: data)
        } catch let error as DecodingError {
            throw SpecError(decodingError: error)
        }
        try require(artifact.formatVersion <= formatVersion, "format_version",
                    "artifact format \(artifact.formatVersion) is newer than this build reads (\(formatVersion))")
        let model = try Model(spec: artifact.spec)
        let (tensors, _) = try Safetensors.read(weightsFile, in: files)
        try model.load(stateDictionary: tensors)
        return (artifact, model)
    }
}
