import Datasets
import Foundation
import Tensor

/// A trained classical pipeline on disk, in the same layout as a neural model: `model.json`
/// (format version, learner spec, task, target, class labels, fitted preprocessing, metrics,
/// lineage) and `weights.safetensors` (the learner's fitted parameters, F64).
public struct PipelineArtifact: Codable, Sendable {
    public static let formatVersion = 1

    public var formatVersion: Int
    public var kind: String
    public var learner: LearnerSpec
    public var target: String
    public var task: String
    public var labels: [String]?
    public var preprocessing: FittedPreprocessor
    public var metrics: [String: Double]
    public var lineage: [String: String]
    public var createdAt: String
    /// The training data's profile (drift reference, explanation background); absent in
    /// artifacts saved before profiles were recorded.
    public var profile: TrainingProfile?

    enum CodingKeys: String, CodingKey {
        case kind, learner, target, task, labels, preprocessing, metrics, lineage, profile
        case formatVersion = "format_version", createdAt = "created_at"
    }

    public init(_ pipeline: TrainedPipeline, metrics: [String: Double] = [:], lineage: [String: String] = [:], profile: TrainingProfile? = nil) {
        self.profile = profile
        formatVersion = Self.formatVersion
        kind = "classical"
        learner = pipeline.spec
        target = pipeline.target
        task = pipeline.labels == nil ? "regression" : "classification"
        labels = pipeline.labels?.classes
        preprocessing = pipeline.preprocessor
        self.metrics = metrics
        self.lineage = lineage
        createdAt = Date().formatted(.iso8601)
    }

    /// Writes the artifact into `directory` atomically.
    public func save(_ pipeline: TrainedPipeline, to directory: String) throws {
        try ArtifactDirectory.write(try files(pipeline), to: directory)
    }

    /// The artifact's files by name, in memory (for a store that seals them).
    public func files(_ pipeline: TrainedPipeline) throws -> [String: Data] {
        ["model.json": try ArtifactDirectory.json(self),
         "weights.safetensors": Data(Safetensors.encode(entries: pipeline.learner.state, metadata: ["format": "swiftmaas-learner"]))]
    }

    public static func load(from directory: String) throws -> (artifact: PipelineArtifact, pipeline: TrainedPipeline) {
        try load(from: ArtifactFiles(directory: directory))
    }

    public static func load(from files: ArtifactFiles) throws -> (artifact: PipelineArtifact, pipeline: TrainedPipeline) {
        guard let data = files.data("model.json") else {
            throw DataError(files.location, "cannot read model.json")
        }
        let artifact = try JSONDecoder().decode(PipelineArtifact.self, from: data)
        guard artifact.formatVersion <= formatVersion else {
            throw DataError("format_version", "artifact format \(artifact.formatVersion) is newer than this build reads (\(formatVersion))")
        }
        let labels = artifact.labels.map(LabelEncoding.init(classes:))
        let task: LearningTask = labels.map { .classification(classes: $0.classes.count) } ?? .regression
        var learner = try makeLearner(artifact.learner, task: task)
        try learner.restore(try Safetensors.readEntries("weights.safetensors", in: files).entries)
        return (artifact, TrainedPipeline(spec: artifact.learner, preprocessor: artifact.preprocessing, labels: labels,
                                          learner: learner, target: artifact.target))
    }
}
