import Crypto
import Datasets
import Foundation

/// The one way Platform puts user data on disk. Every store (datasets, artifacts, checkpoints,
/// batch outputs, staged imports, job logs) writes and reads through here, so nothing above it
/// can forget to encrypt: files are sealed (`SealedFormat`) under data keys from the vault.
public struct SealedStorage: Sendable {
    public let vault: KeyVault

    public init(vault: KeyVault) { self.vault = vault }

    public func newKey() async throws -> DataKey { try await vault.newDataKey() }

    /// The data key a sealed file's header names. `name` is what errors call the object.
    public func key(of url: URL, name: String) async throws -> DataKey {
        let id: [UInt8]
        do { id = try SealedFormat.keyID(ofFileAt: url.path) }
        catch SealedError.unreadable { throw SealedError.unreadable(name) }
        catch SealedError.integrity(_, let reason) { throw SealedError.integrity(name, reason) }
        return try await vault.dataKey(id: id, object: name)
    }

    public func open(_ url: URL, name: String) async throws -> SealedReader {
        try SealedReader(path: url.path, key: try await key(of: url, name: name), name: name)
    }

    /// A small object's whole plaintext.
    public func read(_ url: URL, name: String) async throws -> Data {
        try await open(url, name: name).readAll()
    }

    /// Seals `data` into `url` atomically: a temporary file, made durable, renamed over it.
    public func write(_ data: Data, to url: URL, key: DataKey) throws {
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).partial-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: temporary) }
        let writer = try SealedWriter(path: temporary.path, key: key)
        try writer.write(data)
        try writer.finish()
        guard rename(temporary.path, url.path) == 0 else { throw PlatformError.conflict("cannot move a sealed file into \(url.path)") }
    }

    /// Erases files: their data keys are destroyed first (crypto-shredding: a copy taken
    /// earlier, a backup or a snapshot can never be read again), then the files are removed.
    /// Files that are missing or were never sealed are removed without a key to destroy.
    public func erase(_ urls: [URL]) async throws {
        var destroyed = Set<[UInt8]>()
        for url in urls {
            guard let id = try? SealedFormat.keyID(ofFileAt: url.path), destroyed.insert(id).inserted else { continue }
            try await vault.destroy(id: id)
        }
        for url in urls { try? FileManager.default.removeItem(at: url) }
    }

    /// Erases every sealed file under a folder, then the folder.
    public func eraseFolder(_ folder: URL) async throws {
        let files = (FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)?.allObjects as? [URL]) ?? []
        try await erase(files.filter { !$0.hasDirectoryPath })
        try? FileManager.default.removeItem(at: folder)
    }
}

/// A sealed file read as a `ByteSource` (dataset readers parse it as they decrypt). Handed
/// from the actor that opened it to the one thread that reads it.
public struct SealedByteSource: ByteSource, @unchecked Sendable {
    let reader: SealedReader
    public var name: String { reader.objectName }

    public init(_ reader: SealedReader) { self.reader = reader }

    /// Segments handed on at once: 16 of 64 KiB, the 1 MiB a plain file is read in, so a parser
    /// sees the same pieces (and as few calls) whether the data was sealed or not.
    static let segmentsPerChunk = 16

    public mutating func nextChunk() throws -> Data? {
        guard let first = try reader.next() else { return nil }
        var chunk = Data(capacity: Self.segmentsPerChunk * SealedFormat.segmentSize)
        chunk.append(first)
        for _ in 1..<Self.segmentsPerChunk {
            guard let next = try reader.next() else { break }
            chunk.append(next)
        }
        return chunk
    }
}

/// Short texts sealed into a metadata row (job errors and log lines, which may quote data
/// values): `sealed:v1:` and the base64 of nonce | ciphertext | tag under a data key.
enum SealedText {
    static let prefix = "sealed:v1:"

    static func seal(_ text: String, key: DataKey) throws -> String {
        let box = try AES.GCM.seal(Array(text.utf8), using: key.key, authenticating: Array(prefix.utf8) + key.id)
        return prefix + box.combined!.base64EncodedString()
    }

    /// The text, or the stored string itself when it was never sealed (rows written before sealing).
    static func open(_ stored: String, key: DataKey, object: String) throws -> String {
        guard stored.hasPrefix(prefix) else { return stored }
        guard let data = Data(base64Encoded: String(stored.dropFirst(prefix.count))),
              let box = try? AES.GCM.SealedBox(combined: data),
              let plain = try? AES.GCM.open(box, using: key.key, authenticating: Array(prefix.utf8) + key.id) else {
            throw SealedError.integrity(object, "a sealed text fails authentication")
        }
        return String(decoding: plain, as: UTF8.self)
    }
}
