import Datasets
import Foundation
import Tensor

/// A fitted Holt-Winters forecaster on disk: model.json (spec, column, metrics) and
/// weights.safetensors (smoothing parameters, final state, seasonal factors; F64).
public struct ForecasterArtifact: Codable, Sendable {
    public var formatVersion = 1
    public var kind = "forecaster"
    public var learner: LearnerSpec
    public var target: String
    public var metrics: [String: Double]
    public var lineage: [String: String]

    enum CodingKeys: String, CodingKey { case kind, learner, target, metrics, lineage, formatVersion = "format_version" }

    public init(learner: LearnerSpec, target: String, metrics: [String: Double], lineage: [String: String]) {
        self.learner = learner
        self.target = target
        self.metrics = metrics
        self.lineage = lineage
    }

    public func save(_ model: HoltWinters, to directory: String) throws {
        let state: LearnerState = [
            "parameters": .init(doubles: [model.alpha, model.beta, model.gamma, model.level, model.trend, model.sigma, model.sumOfSquaredErrors]),
            "seasonals": .init(doubles: model.seasonals)]
        try ArtifactDirectory.write(["model.json": try ArtifactDirectory.json(self),
                                     "weights.safetensors": Data(Safetensors.encode(entries: state))], to: directory)
    }

    public static func load(from directory: String) throws -> (artifact: ForecasterArtifact, model: HoltWinters) {
        guard let data = FileManager.default.contents(atPath: directory + "/model.json") else { throw DataError(directory, "cannot read model.json") }
        let artifact = try JSONDecoder().decode(ForecasterArtifact.self, from: data)
        let state = try Safetensors.readEntries(path: directory + "/weights.safetensors").entries
        let p = try state.values("parameters")
        guard p.count == 7 else { throw DataError("parameters", "expected 7 values, got \(p.count)") }
        var model = HoltWinters(seasonLength: artifact.learner.seasonLength ?? 12,
                                seasonality: artifact.learner.seasonal == "multiplicative" ? .multiplicative : .additive)
        (model.alpha, model.beta, model.gamma, model.level, model.trend, model.sigma, model.sumOfSquaredErrors) = (p[0], p[1], p[2], p[3], p[4], p[5], p[6])
        model.seasonals = try state.values("seasonals")
        return (artifact, model)
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
