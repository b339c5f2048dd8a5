import Datasets
import Foundation
import Tensor

/// Fitted forecasters on disk, one per series: model.json (spec, value column, each series' id,
/// length and time axis, validation metrics) and weights.safetensors (each series' parameters
/// and state under `s<i>.`; F64).
public struct ForecasterArtifact: Codable, Sendable {
    public var formatVersion = 2
    public var kind = "forecaster"
    public var learner: LearnerSpec
    public var target: String
    public var series: [SeriesEntry]
    public var metrics: [String: Double]
    public var lineage: [String: String]

    public struct SeriesEntry: Codable, Sendable {
        /// The series id ("" for a table without a series column).
        public var id: String
        /// How many points the model was fitted on.
        public var points: Int
        /// Where the series ends and its step; absent for a table without timestamps, whose
        /// forecasts are numbered by position.
        public var axis: TimeAxis?

        public init(id: String, points: Int, axis: TimeAxis?) {
            self.id = id
            self.points = points
            self.axis = axis
        }
    }

    enum CodingKeys: String, CodingKey { case kind, learner, target, series, metrics, lineage, formatVersion = "format_version" }

    public init(learner: LearnerSpec, target: String, series: [SeriesEntry], metrics: [String: Double], lineage: [String: String]) {
        self.learner = learner
        self.target = target
        self.series = series
        self.metrics = metrics
        self.lineage = lineage
    }

    /// model.json and weights.safetensors for `models`, one per entry of `series`.
    public func files(_ models: [SeriesModel]) throws -> [String: Data] {
        var state: LearnerState = [:]
        for (i, model) in models.enumerated() { state.merge(model.state(prefix: "s\(i).")) { a, _ in a } }
        return ["model.json": try ArtifactDirectory.json(self), "weights.safetensors": Data(Safetensors.encode(entries: state))]
    }

    public static func load(from directory: String) throws -> (artifact: ForecasterArtifact, models: [SeriesModel]) {
        try load(from: ArtifactFiles(directory: directory))
    }

    public static func load(from files: ArtifactFiles) throws -> (artifact: ForecasterArtifact, models: [SeriesModel]) {
        guard let data = files.data("model.json") else { throw DataError(files.location, "cannot read model.json") }
        struct Version: Decodable { let format_version: Int? }
        let version = try JSONDecoder().decode(Version.self, from: data).format_version ?? 1
        guard version == 2 else {
            throw DataError("model.json", "a forecaster in format \(version); this build reads format 2 (many series, time axes): train it again")
        }
        let artifact = try JSONDecoder().decode(ForecasterArtifact.self, from: data)
        let state = try Safetensors.readEntries("weights.safetensors", in: files).entries
        let blank = try SeriesModel(artifact.learner)
        let models = try artifact.series.indices.map { try blank.restored(state, prefix: "s\($0).") }
        return (artifact, models)
    }
}

/// A fitted matrix-factorisation recommender on disk: model.json (spec, the user and item ids
/// in factor order, metrics) and weights.safetensors (factors and each user's seen items).
public struct RecommenderArtifact: Codable, Sendable {
    public var formatVersion = 1
    public var kind = "recommender"
    public var learner: LearnerSpec
    public var users: [String]
    public var items: [String]
    public var metrics: [String: Double]
    public var lineage: [String: String]

    enum CodingKeys: String, CodingKey { case kind, learner, users, items, metrics, lineage, formatVersion = "format_version" }

    public init(learner: LearnerSpec, users: [String], items: [String], metrics: [String: Double], lineage: [String: String]) {
        self.learner = learner
        self.users = users
        self.items = items
        self.metrics = metrics
        self.lineage = lineage
    }

    /// model.json and weights.safetensors.
    public func files(_ model: MatrixFactorization) throws -> [String: Data] {
        var offsets = [0.0], seenItems: [Double] = []
        for u in 0..<users.count {
            seenItems += (model.seen[u] ?? []).sorted().map(Double.init)
            offsets.append(Double(seenItems.count))
        }
        let state: LearnerState = ["user_factors": LearnerState.entry(model.userFactors), "item_factors": LearnerState.entry(model.itemFactors),
                                   "seen_items": .init(doubles: seenItems), "seen_offsets": .init(doubles: offsets)]
        return ["model.json": try ArtifactDirectory.json(self), "weights.safetensors": Data(Safetensors.encode(entries: state))]
    }

    public func save(_ model: MatrixFactorization, to directory: String) throws {
        try ArtifactDirectory.write(try files(model), to: directory)
    }

    public static func load(from directory: String) throws -> (artifact: RecommenderArtifact, model: MatrixFactorization) {
        try load(from: ArtifactFiles(directory: directory))
    }

    public static func load(from files: ArtifactFiles) throws -> (artifact: RecommenderArtifact, model: MatrixFactorization) {
        guard let data = files.data("model.json") else { throw DataError(files.location, "cannot read model.json") }
        let artifact = try JSONDecoder().decode(RecommenderArtifact.self, from: data)
        let state = try Safetensors.readEntries("weights.safetensors", in: files).entries
        var model = MatrixFactorization(artifact.learner)
        model.userFactors = try state.matrix("user_factors")
        model.itemFactors = try state.matrix("item_factors")
        let seenItems = try state.values("seen_items"), offsets = try state.values("seen_offsets")
        guard offsets.count == artifact.users.count + 1, model.userFactors.rows == artifact.users.count,
              model.itemFactors.rows == artifact.items.count, offsets.last.map(Int.init) == seenItems.count else {
            throw DataError("weights.safetensors", "factor shapes do not match the \(artifact.users.count) users and \(artifact.items.count) items")
        }
        model.seen = [:]
        for u in 0..<artifact.users.count {
            model.seen[u] = Set(seenItems[Int(offsets[u])..<Int(offsets[u + 1])].map { Int($0) })
        }
        return (artifact, model)
    }
}
