import Foundation
import LanguageModels
import Learners
import NeuralNet
import Tensor

/// Immutable model versions per project, with movable aliases (`production`, `staging`, …).
public struct ModelRegistry: Sendable {
    let store: any MetadataStore
    let artifacts: any ArtifactStore

    public init(store: any MetadataStore, artifacts: any ArtifactStore) {
        self.store = store
        self.artifacts = artifacts
    }

    public static func checkName(_ name: String, field: String) throws {
        guard (1...64).contains(name.count), name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }),
              name.first.map({ $0.isLetter || $0.isNumber }) == true else {
            throw PlatformError.invalid(field: field, message: "must be 1 to 64 letters, digits, '-', '_' or '.', starting with a letter or digit; got '\(name)'")
        }
    }

    /// Registers the artifact in `directory` (model.json + weights.safetensors) as the next
    /// version of `name`. It must load: a broken artifact is refused here, not at serving time.
    public func importArtifact(project: String, name: String, directory: URL) async throws -> ModelVersion {
        try Self.checkName(name, field: "name")
        if ArtifactDirectory.kind(of: directory.path) == nil {
            // Pretrained models in their own layouts (a GGUF file, a Hugging Face encoder
            // directory) are staged with a model.json naming their kind, then imported.
            var stage: ((URL) throws -> Void)?
            if let gguf = LanguageModelArtifact.ggufFile(in: directory) { stage = { try LanguageModelArtifact.stage(gguf, into: $0) } }
            else if SentenceEncoderArtifact.recognizes(directory) { stage = { try SentenceEncoderArtifact.stage(directory, into: $0) } }
            if let stage {
                let staging = FileManager.default.temporaryDirectory.appendingPathComponent("maas-stage-\(UUID())")
                defer { try? FileManager.default.removeItem(at: staging) }
                do { try stage(staging) }
                catch let error as LanguageModelError { throw PlatformError.invalid(field: "model", message: error.description) }
                return try await importArtifact(project: project, name: name, directory: staging)
            }
        }
        _ = try LoadedModel.load(directory: directory)
        let digest = try artifacts.put(directory: directory)
        let kind = ArtifactDirectory.kind(of: directory.path) ?? "neural_network"
        let descriptor = (try? JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent("model.json")))) as? [String: Any]
        let metrics = descriptor?["metrics"] as? [String: Double] ?? [:]
        let lineage = descriptor?["lineage"] as? [String: String] ?? [:]
        let existing = try await store.modelVersions(project: project).filter { $0.name == name }
        let version = ModelVersion(project: project, name: name, version: (existing.map(\.version).max() ?? 0) + 1,
                                   artifact: digest, kind: kind, metrics: metrics, lineage: lineage, createdAt: Date())
        try await store.insertModelVersion(version)
        return version
    }

    public func versions(project: String, name: String? = nil) async throws -> [ModelVersion] {
        let all = try await store.modelVersions(project: project)
        guard let name else { return all }
        let matching = all.filter { $0.name == name }
        if matching.isEmpty { throw PlatformError.notFound(kind: "model", name: name) }
        return matching
    }

    public func aliases(project: String, model: String) async throws -> [String: Int] {
        try await store.aliases(project: project, model: model)
    }

    public func setAlias(project: String, model: String, alias: String, version: Int) async throws {
        try Self.checkName(alias, field: "alias")
        guard Int(alias) == nil, alias != "latest" else {
            throw PlatformError.invalid(field: "alias", message: "'\(alias)' is reserved; aliases cannot be numbers or 'latest'")
        }
        guard try await versions(project: project, name: model).contains(where: { $0.version == version }) else {
            throw PlatformError.notFound(kind: "version", name: "\(model)@\(version)")
        }
        try await store.setAlias(project: project, model: model, alias: alias, version: version)
    }

    /// `model@alias`, `model@3`, `model@latest` or `model` (latest) to a version.
    public func resolve(project: String, reference: String) async throws -> ModelVersion {
        let parts = reference.split(separator: "@", maxSplits: 1).map(String.init)
        let name = parts[0], tag = parts.count > 1 ? parts[1] : "latest"
        let all = try await versions(project: project, name: name)
        let number: Int
        if tag == "latest" { number = all.map(\.version).max()! }
        else if let n = Int(tag) { number = n }
        else if let n = try await aliases(project: project, model: name)[tag] { number = n }
        else { throw PlatformError.notFound(kind: "alias", name: "\(name)@\(tag)") }
        guard let version = all.first(where: { $0.version == number }) else { throw PlatformError.notFound(kind: "version", name: "\(name)@\(number)") }
        return version
    }
}
