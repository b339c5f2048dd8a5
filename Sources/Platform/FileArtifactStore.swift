import Crypto
import Foundation
import Tensor

/// Artifacts as directories under `root/<sha256>/`, written atomically. The digest covers every
/// file's name and content, so equal artifacts share one directory and a changed byte is a new one.
public struct FileArtifactStore: ArtifactStore {
    public let root: URL

    public init(root: URL) throws {
        self.root = root
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    public func put(directory: URL) throws -> String {
        let fm = FileManager.default
        let names = try fm.contentsOfDirectory(atPath: directory.path).filter { !$0.hasPrefix(".") }.sorted()
        guard names.contains("model.json") else {
            throw PlatformError.invalid(field: "path", message: "\(directory.path) holds no model.json")
        }
        // Files are hashed in 1 MiB reads and copied by the file system: a language model's
        // weights never sit in this process's memory (importing SmolLM2 had held all 94 MB).
        var hasher = SHA256()
        for name in names {
            guard let handle = FileHandle(forReadingAtPath: directory.appendingPathComponent(name).path) else {
                throw PlatformError.invalid(field: "path", message: "cannot read \(name) in \(directory.path)")
            }
            defer { try? handle.close() }
            var file = SHA256()
            while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { file.update(data: chunk) }
            hasher.update(data: Data(name.utf8))
            hasher.update(data: Data([0]))
            hasher.update(data: Data(file.finalize()))
        }
        let digest = Digest.hex(hasher.finalize())
        let target = root.appendingPathComponent(digest)
        if !fm.fileExists(atPath: target.path) { try ArtifactDirectory.copy(names.map { directory.appendingPathComponent($0) }, to: target.path) }
        return digest
    }

    public func directory(for digest: String) throws -> URL {
        guard digest.count == 64, digest.allSatisfy(\.isHexDigit) else {
            throw PlatformError.invalid(field: "artifact", message: "not a SHA-256 digest: \(digest)")
        }
        let url = root.appendingPathComponent(digest)
        guard FileManager.default.fileExists(atPath: url.path) else { throw PlatformError.notFound(kind: "artifact", name: digest) }
        return url
    }
}
