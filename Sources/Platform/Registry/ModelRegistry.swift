import Foundation
import LanguageModels
import Learners
import NeuralNet
import Tensor

/// Immutable model versions per project, with movable aliases (`production`, `staging`, …).
public struct ModelRegistry: Sendable {
    let store: any MetadataStore
    let artifacts: any ArtifactStore
    let vault: KeyVault

    public init(store: any MetadataStore, artifacts: any ArtifactStore, vault: KeyVault) {
        self.store = store
        self.artifacts = artifacts
        self.vault = vault
    }

    public static func checkName(_ name: String, field: String) throws {
        guard (1...64).contains(name.count), name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }),
              name.first.map({ $0.isLetter || $0.isNumber }) == true else {
            throw PlatformError.invalid(field: field, message: "must be 1 to 64 letters, digits, '-', '_' or '.', starting with a letter or digit; got '\(name)'")
        }
    }

    /// Registers the model in `directory` (a folder or file the server reads) as the next
    /// version of `name`: an artifact folder (model.json + weights), a GGUF file, or a Hugging
    /// Face sentence encoder. Its files are sealed into the store; it must load first.
    public func importArtifact(project: String, name: String, directory: URL) async throws -> ModelVersion {
        try Self.checkName(name, field: "name")
        let staging = try await artifacts.stage()
        do {
            if ArtifactDirectory.kind(of: directory.path) == nil, let gguf = LanguageModelArtifact.ggufFile(in: directory) {
                do { try LanguageModelArtifact.stage(gguf, into: staging) }
                catch let error as LanguageModelError { throw PlatformError.invalid(field: "model", message: error.description) }
            } else if ArtifactDirectory.kind(of: directory.path) == nil, SentenceEncoderArtifact.recognizes(directory) {
                try SentenceEncoderArtifact.stage(directory, into: staging)
            } else if ArtifactDirectory.kind(of: directory.path) == nil, SpeechRecognizerArtifact.recognizes(directory) {
                try SpeechRecognizerArtifact.stage(directory, into: staging)
            } else {
                let files = (try? ArtifactArchive.files(in: directory)) ?? []
                guard files.contains(where: { $0.lastPathComponent == "model.json" }) else {
                    throw PlatformError.invalid(field: "path", message: "\(directory.path) holds no model.json (nor a GGUF file, a sentence-transformers folder or a CTranslate2 Whisper folder)")
                }
                for file in files { try staging.copy(file) }
            }
        } catch {
            await artifacts.discard(staging)
            throw error
        }
        return try await register(project: project, name: name, staging: staging)
    }

    /// Registers staged files as the next version of `name` (the staging is committed or
    /// erased). A broken artifact is refused here, not at serving time.
    public func register(project: String, name: String, staging: ArtifactStaging) async throws -> ModelVersion {
        let descriptor: [String: Any]?
        let kind: String
        do {
            try Self.checkName(name, field: "name")
            // An uploaded archive of a pretrained model in its own layout (a GGUF file, a Hugging
            // Face encoder folder) gets the model.json that names its kind.
            if !staging.names.contains("model.json") {
                if let gguf = staging.names.first(where: { $0.lowercased().hasSuffix(".gguf") }) {
                    do { try LanguageModelArtifact.describe(staged: gguf, in: staging) }
                    catch let error as LanguageModelError { throw PlatformError.invalid(field: "model", message: error.description) }
                } else if SentenceEncoderArtifact.requiredFiles.allSatisfy(staging.names.contains) {
                    try staging.write(SentenceEncoderArtifact.descriptor(source: name), as: "model.json")
                } else if SpeechRecognizerArtifact.requiredFiles.allSatisfy(staging.names.contains) {
                    try staging.write(SpeechRecognizerArtifact.descriptor(source: name), as: "model.json")
                } else {
                    throw PlatformError.invalid(field: "body", message: "the archive holds no model.json (nor a GGUF file, a sentence-transformers folder or a CTranslate2 Whisper folder)")
                }
            }
            let files = try staging.files()
            _ = try LoadedModel.load(files: files, pseudonyms: try await Pseudonyms.of(project: project, vault: vault))
            kind = ArtifactDirectory.kind(of: files) ?? "neural_network"
            descriptor = files.data("model.json").flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }
        } catch {
            await artifacts.discard(staging)
            throw error
        }
        let digest = try await artifacts.commit(staging)
        let metrics = descriptor?["metrics"] as? [String: Double] ?? [:]
        let lineage = descriptor?["lineage"] as? [String: String] ?? [:]
        let existing = try await store.modelVersions(project: project).filter { $0.name == name }
        let version = ModelVersion(project: project, name: name, version: (existing.map(\.version).max() ?? 0) + 1,
                                   artifact: digest, kind: kind, metrics: metrics, lineage: lineage, createdAt: Date())
        try await store.insertModelVersion(version)
        return version
    }

    /// Versions (of every model, or of `name`) that are not erased.
    public func versions(project: String, name: String? = nil) async throws -> [ModelVersion] {
        let all = try await store.modelVersions(project: project).filter { $0.erasedAt == nil }
        guard let name else { return all }
        let matching = all.filter { $0.name == name }
        if matching.isEmpty { throw PlatformError.notFound(kind: "model", name: name) }
        return matching
    }

    public func aliases(project: String, model: String) async throws -> [String: Int] {
        try await store.aliases(project: project, model: model)
    }

    /// An alias is a name that is neither a number nor `latest` (those name versions).
    public static func checkAlias(_ alias: String) throws {
        try checkName(alias, field: "alias")
        guard Int(alias) == nil, alias != "latest" else {
            throw PlatformError.invalid(field: "alias", message: "'\(alias)' is reserved; aliases cannot be numbers or 'latest'")
        }
    }

    public func setAlias(project: String, model: String, alias: String, version: Int) async throws {
        try Self.checkAlias(alias)
        guard try await versions(project: project, name: model).contains(where: { $0.version == version }) else {
            throw PlatformError.notFound(kind: "version", name: "\(model)@\(version)")
        }
        try await store.setAlias(project: project, model: model, alias: alias, version: version)
    }

    /// Erases a version: its artifact is crypto-shredded unless another live version shares it,
    /// and the version is marked erased (its number is never reused; it is neither listed nor served).
    public func erase(_ version: ModelVersion) async throws {
        let others = try await store.modelVersions(project: version.project)
            .filter { $0.erasedAt == nil && $0.artifact == version.artifact && !($0.name == version.name && $0.version == version.version) }
        try await store.markModelVersionErased(project: version.project, name: version.name, version: version.version, at: Date())
        if others.isEmpty { try? await artifacts.erase(version.artifact) }
    }

    /// Shreds the artifacts of erased versions that a killed process (or a failed erase) left
    /// readable: those no live version shares. Returns how many it erased.
    func finishInterruptedErasures() async throws -> Int {
        var finished = 0
        for project in try await store.projectNames() {
            let all = try await store.modelVersions(project: project)
            let live = Set(all.filter { $0.erasedAt == nil }.map(\.artifact))
            for digest in Set(all.filter { $0.erasedAt != nil }.map(\.artifact)).subtracting(live).sorted() {
                guard (try? await artifacts.listing(digest)) != nil else { continue }
                try await artifacts.erase(digest)
                finished += 1
            }
        }
        return finished
    }

    /// Live versions whose lineage names a dataset version's checksum.
    public func versions(project: String, trainedOn sha256: String) async throws -> [ModelVersion] {
        try await versions(project: project).filter { $0.trained(onDatasetSHA256: sha256) }
    }

    public func flagTrainedOnErasedData(_ version: ModelVersion) async throws {
        try await store.flagModelVersion(project: version.project, name: version.name, version: version.version, trainedOnErasedData: true)
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
