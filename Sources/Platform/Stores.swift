import Foundation

/// A registered, immutable model version.
public struct ModelVersion: Codable, Sendable, Equatable {
    public var project: String
    public var name: String
    public var version: Int
    /// SHA-256 naming the artifact in the artifact store.
    public var artifact: String
    /// `neural_network`, `classical`, `forecaster` or `recommender`.
    public var kind: String
    public var metrics: [String: Double]
    public var createdAt: Date

    public init(project: String, name: String, version: Int, artifact: String, kind: String, metrics: [String: Double], createdAt: Date) {
        self.project = project; self.name = name; self.version = version; self.artifact = artifact
        self.kind = kind; self.metrics = metrics; self.createdAt = createdAt
    }
}

/// An endpoint serving `model@reference` (an alias or a version number).
public struct Deployment: Codable, Sendable, Equatable {
    public var project: String
    public var name: String
    public var model: String
    public var reference: String
    public var createdAt: Date

    public init(project: String, name: String, model: String, reference: String, createdAt: Date) {
        self.project = project; self.name = name; self.model = model; self.reference = reference; self.createdAt = createdAt
    }
}

/// An uploaded data file: stored once under its SHA-256, validated by parsing it on upload.
public struct DatasetRecord: Codable, Sendable, Equatable {
    public var project: String
    public var name: String
    /// csv, tsv, jsonl, idx or npy.
    public var format: String
    public var sha256: String
    public var bytes: Int
    public var rows: Int
    public var createdAt: Date

    public init(project: String, name: String, format: String, sha256: String, bytes: Int, rows: Int, createdAt: Date) {
        self.project = project; self.name = name; self.format = format; self.sha256 = sha256
        self.bytes = bytes; self.rows = rows; self.createdAt = createdAt
    }
}

/// Durable metadata: projects, keys, model versions, aliases, deployments. Platform owns this
/// protocol; SQLite (default) and PostgreSQL adapters implement it.
public protocol MetadataStore: Sendable {
    func createProject(_ name: String) async throws
    func projectExists(_ name: String) async throws -> Bool
    func insertKey(_ record: APIKeyRecord) async throws
    func keys() async throws -> [APIKeyRecord]
    func revokeKey(id: String, at date: Date) async throws
    func insertModelVersion(_ version: ModelVersion) async throws
    func modelVersions(project: String) async throws -> [ModelVersion]
    func setAlias(project: String, model: String, alias: String, version: Int) async throws
    func aliases(project: String, model: String) async throws -> [String: Int]
    func upsertDeployment(_ deployment: Deployment) async throws
    func deployments(project: String) async throws -> [Deployment]
    func deleteDeployment(project: String, name: String) async throws
    func upsertDataset(_ dataset: DatasetRecord) async throws
    func datasets(project: String) async throws -> [DatasetRecord]
    func deleteDataset(project: String, name: String) async throws
}

/// Immutable model artifacts named by their SHA-256.
public protocol ArtifactStore: Sendable {
    /// Copies an artifact directory into the store; returns its digest.
    func put(directory: URL) throws -> String
    /// A local directory holding the artifact's files.
    func directory(for digest: String) throws -> URL
}
