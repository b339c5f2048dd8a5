import Crypto
import Foundation
import Tensor

/// Immutable model artifacts named by their SHA-256, sealed. Platform owns the protocol; the
/// file store keeps them under a folder, an object store (scale-out) in a bucket.
public protocol ArtifactStore: Sendable {
    /// A staging area for one artifact's files, sealed under a data key of its own.
    func stage() async throws -> ArtifactStaging
    /// Names the staged files by their digest and keeps them (an artifact already stored with
    /// that digest is kept as it is, and the staged copy erased).
    func commit(_ staging: ArtifactStaging) async throws -> String
    /// Erases a staging area that will not be committed.
    func discard(_ staging: ArtifactStaging) async
    /// The artifact's files decrypted into memory, once (loading a model: the inference path
    /// never decrypts).
    func open(_ digest: String) async throws -> ArtifactFiles
    /// The artifact's file names with their plaintext sizes.
    func listing(_ digest: String) async throws -> [(name: String, size: Int)]
    /// One file's plaintext, a segment at a time (a download).
    func reader(_ digest: String, file: String) async throws -> SealedReader
    /// Crypto-shreds the artifact (its data key first), then removes its files.
    func erase(_ digest: String) async throws
}

/// An artifact's files being written: each one sealed as it is written and hashed as
/// plaintext, so the digest (over every file's name and content) is known at commit.
public final class ArtifactStaging: @unchecked Sendable {
    public let folder: URL
    let key: DataKey
    private(set) var fileDigests: [String: [UInt8]] = [:]

    init(folder: URL, key: DataKey) {
        self.folder = folder
        self.key = key
    }

    /// A file being written in pieces (an archive entry as it arrives).
    public final class FileWriter {
        let sealed: SealedWriter
        var hasher = SHA256()
        let name: String
        let staging: ArtifactStaging

        init(_ staging: ArtifactStaging, name: String) throws {
            self.staging = staging
            self.name = name
            sealed = try SealedWriter(path: staging.folder.appendingPathComponent(name).path, key: staging.key)
        }

        public func write(_ bytes: some DataProtocol) throws {
            hasher.update(data: bytes)
            try sealed.write(bytes)
        }

        public func finish() throws {
            try sealed.finish()
            staging.fileDigests[name] = Array(hasher.finalize())
        }
    }

    public func writer(name: String) throws -> FileWriter {
        guard !name.isEmpty, !name.hasPrefix("."), !name.contains("/") else {
            throw PlatformError.invalid(field: "artifact", message: "'\(name)' is not a plain file name")
        }
        return try FileWriter(self, name: name)
    }

    public func write(_ data: Data, as name: String) throws {
        let writer = try writer(name: name)
        try writer.write(data)
        try writer.finish()
    }

    /// Seals a plaintext file (an import from a folder the server reads), in 1 MiB reads.
    public func copy(_ file: URL, as name: String? = nil) throws {
        guard let handle = FileHandle(forReadingAtPath: file.path) else {
            throw PlatformError.invalid(field: "path", message: "cannot read \(file.path)")
        }
        defer { try? handle.close() }
        let writer = try writer(name: name ?? file.lastPathComponent)
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { try writer.write(chunk) }
        try writer.finish()
    }

    public var names: [String] { fileDigests.keys.sorted() }

    /// Gives a staged file another name.
    public func rename(_ name: String, to newName: String) throws {
        guard let digest = fileDigests[name], !newName.contains("/"), !newName.hasPrefix(".") else {
            throw PlatformError.invalid(field: "artifact", message: "no staged file '\(name)'")
        }
        guard Foundation.rename(folder.appendingPathComponent(name).path, folder.appendingPathComponent(newName).path) == 0 else {
            throw PlatformError.conflict("cannot rename staged \(name)")
        }
        fileDigests[name] = nil
        fileDigests[newName] = digest
    }

    /// The digest naming the artifact: SHA-256 over each file's name, a zero byte and the
    /// SHA-256 of its content, in name order. Equal artifacts share one digest.
    public var digest: String {
        var hasher = SHA256()
        for name in names {
            hasher.update(data: Data(name.utf8))
            hasher.update(data: Data([0]))
            hasher.update(data: Data(fileDigests[name]!))
        }
        return Digest.hex(hasher.finalize())
    }

    /// The staged files decrypted into memory (to validate an import by loading it).
    public func files() throws -> ArtifactFiles {
        var buffers: [String: FileBuffer] = [:]
        for name in names {
            buffers[name] = try FileArtifactStore.decrypt(folder.appendingPathComponent(name), key: key, name: "staged artifact/\(name)")
        }
        return ArtifactFiles(files: buffers, location: "staged artifact")
    }
}

/// Artifacts as folders of sealed files under `root/<sha256>/`. A commit renames a complete
/// staging folder into place, so a crash leaves either no artifact or a whole one; staging
/// folders a crash left behind are erased at the next start.
public struct FileArtifactStore: ArtifactStore {
    public let root: URL
    let storage: SealedStorage

    public init(root: URL, storage: SealedStorage) throws {
        self.root = root
        self.storage = storage
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    /// Erases staging folders that a crash left (their keys too).
    public func removeAbandonedStaging() async {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? [] where name.hasPrefix(".staging-") {
            try? await storage.eraseFolder(root.appendingPathComponent(name))
        }
    }

    public func stage() async throws -> ArtifactStaging {
        let folder = root.appendingPathComponent(".staging-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        return ArtifactStaging(folder: folder, key: try await storage.newKey())
    }

    public func commit(_ staging: ArtifactStaging) async throws -> String {
        guard staging.names.contains("model.json") else {
            await discard(staging)
            throw PlatformError.invalid(field: "artifact", message: "holds no model.json")
        }
        let digest = staging.digest
        let target = root.appendingPathComponent(digest)
        if FileManager.default.fileExists(atPath: target.path) {
            await discard(staging)
        } else {
            guard rename(staging.folder.path, target.path) == 0 else { throw PlatformError.conflict("cannot move the staged artifact into \(target.path)") }
            syncDirectory(of: target)
        }
        return digest
    }

    public func discard(_ staging: ArtifactStaging) async {
        try? await storage.vault.destroy(id: staging.key.id)
        try? FileManager.default.removeItem(at: staging.folder)
    }

    func folder(_ digest: String) throws -> URL {
        guard digest.count == 64, digest.allSatisfy(\.isHexDigit) else {
            throw PlatformError.invalid(field: "artifact", message: "not a SHA-256 digest: \(digest)")
        }
        let url = root.appendingPathComponent(digest)
        guard FileManager.default.fileExists(atPath: url.path) else { throw PlatformError.notFound(kind: "artifact", name: digest) }
        return url
    }

    func fileNames(_ folder: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { !$0.hasPrefix(".") }.sorted()
    }

    /// The names of a stored artifact's files.
    public func fileNames(_ digest: String) throws -> [String] { try fileNames(try folder(digest)) }

    /// Whether the artifact is stored here.
    public func contains(_ digest: String) -> Bool {
        digest.count == 64 && digest.allSatisfy(\.isHexDigit) && FileManager.default.fileExists(atPath: root.appendingPathComponent(digest).path)
    }

    public func open(_ digest: String) async throws -> ArtifactFiles {
        let folder = try folder(digest)
        let names = try fileNames(folder)
        guard let first = names.first else { throw SealedError.integrity("artifact \(digest)", "it holds no files") }
        let key = try await storage.key(of: folder.appendingPathComponent(first), name: "artifact \(digest)/\(first)")
        var buffers: [String: FileBuffer] = [:]
        for name in names {
            buffers[name] = try Self.decrypt(folder.appendingPathComponent(name), key: key, name: "artifact \(digest)/\(name)")
        }
        return ArtifactFiles(files: buffers, location: "artifact \(digest)")
    }

    /// A sealed file's plaintext in pages of its own.
    static func decrypt(_ url: URL, key: DataKey, name: String) throws -> FileBuffer {
        let reader = try SealedReader(path: url.path, key: key, name: name)
        let buffer = try FileBuffer(count: reader.plaintextSize)
        try reader.read(into: buffer.bytes)
        return buffer
    }

    public func listing(_ digest: String) async throws -> [(name: String, size: Int)] {
        let folder = try folder(digest)
        return try fileNames(folder).map { name in
            let sealed = (try FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent(name).path)[.size] as? Int) ?? 0
            guard let size = SealedFormat.plaintextSize(sealed: sealed) else {
                throw SealedError.integrity("artifact \(digest)/\(name)", "\(sealed) bytes is no whole number of segments")
            }
            return (name, size)
        }
    }

    public func reader(_ digest: String, file: String) async throws -> SealedReader {
        try await storage.open(try folder(digest).appendingPathComponent(file), name: "artifact \(digest)/\(file)")
    }

    public func erase(_ digest: String) async throws {
        try await storage.eraseFolder(try folder(digest))
    }
}
