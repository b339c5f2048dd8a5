import Crypto
import Foundation

/// A data key in memory: 256 random bits that seal one stored object (a dataset version, an
/// artifact, a job's checkpoints), and the id under which its wrapped form is kept. Never written
/// anywhere unwrapped.
// SymmetricKey is an immutable value (swift-crypto 3 does not mark it Sendable).
public struct DataKey: @unchecked Sendable {
    /// 16 random bytes; lower-case hex in the key store.
    public let id: [UInt8]
    let key: SymmetricKey

    init(id: [UInt8], key: SymmetricKey) {
        self.id = id
        self.key = key
    }

    public var idText: String { Digest.hex(id) }

    static func random() -> DataKey {
        var generator = SystemRandomNumberGenerator()
        return DataKey(id: (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }, key: SymmetricKey(size: .bits256))
    }
}

/// The on-disk form of every object SwiftMaaS stores about user data: a segmented AEAD stream
/// in the shape of Tink's AES-GCM-HKDF streaming AEAD, so a gigabyte is sealed and opened in
/// bounded memory and any damage is found where it is.
///
/// ```
/// header (64 bytes): "MAASENC1" | data key id (16) | salt (32) | nonce prefix (7) | log2 segment size (1)
/// segments: AES-256-GCM ciphertext of up to 64 KiB plaintext, then its 16-byte tag
/// ```
///
/// Each file seals with its own key, HKDF-SHA-256(data key, salt, "maas segment key v1" | key
/// id), so one data key can seal many files without nonce reuse. Segment i's nonce is the
/// prefix, i as 4 big-endian bytes, and 1 for the last segment (0 otherwise); the header is
/// each segment's associated data. Reordered segments, a truncation (the new last segment was
/// not sealed as last), an appended segment, a changed header or a flipped byte all fail
/// authentication and are reported as an integrity error naming the object.
public enum SealedFormat {
    static let magic = Array("MAASENC1".utf8)
    public static let headerSize = 64
    static let segmentShift: UInt8 = 16
    public static let segmentSize = 1 << 16
    static let tagSize = 16

    /// Bytes of a sealed file holding `plaintext` bytes.
    public static func sealedSize(plaintext: Int) -> Int {
        let segments = max(1, (plaintext + segmentSize - 1) / segmentSize)
        return headerSize + plaintext + segments * tagSize
    }

    /// Plaintext bytes of a sealed file of `sealed` bytes, or nil when no plaintext length gives it.
    public static func plaintextSize(sealed: Int) -> Int? {
        guard sealed >= headerSize + tagSize else { return nil }
        let body = sealed - headerSize, full = segmentSize + tagSize
        let segments = max(1, (body + full - 1) / full)
        let plaintext = body - segments * tagSize
        guard plaintext >= 0, sealedSize(plaintext: plaintext) == sealed else { return nil }
        return plaintext
    }

    /// The data key id a sealed file's header names (to find its key before opening it).
    public static func keyID(ofFileAt path: String) throws -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw SealedError.unreadable(path) }
        defer { try? handle.close() }
        let header = [UInt8](try handle.read(upToCount: headerSize) ?? Data())
        return try parseHeader(header, path: path).keyID
    }

    struct Header {
        var keyID: [UInt8]
        var salt: [UInt8]
        var noncePrefix: [UInt8]
        var bytes: [UInt8]
    }

    static func makeHeader(keyID: [UInt8]) -> Header {
        var generator = SystemRandomNumberGenerator()
        let salt = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let prefix = (0..<7).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return Header(keyID: keyID, salt: salt, noncePrefix: prefix, bytes: magic + keyID + salt + prefix + [segmentShift])
    }

    static func parseHeader(_ bytes: [UInt8], path: String) throws -> Header {
        guard bytes.count == headerSize, Array(bytes[0..<8]) == magic else {
            throw SealedError.integrity(path, "it is not a sealed object (no MAASENC1 header)")
        }
        guard bytes[63] == segmentShift else { throw SealedError.integrity(path, "unknown segment size 2^\(bytes[63])") }
        return Header(keyID: Array(bytes[8..<24]), salt: Array(bytes[24..<56]), noncePrefix: Array(bytes[56..<63]), bytes: bytes)
    }

    static func segmentKey(_ key: DataKey, salt: [UInt8]) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(inputKeyMaterial: key.key, salt: salt, info: Array("maas segment key v1".utf8) + key.id, outputByteCount: 32)
    }

    static func nonce(_ prefix: [UInt8], segment: Int, last: Bool) -> AES.GCM.Nonce {
        let counter = UInt32(truncatingIfNeeded: segment)
        let bytes = prefix + [UInt8(counter >> 24), UInt8(truncatingIfNeeded: counter >> 16), UInt8(truncatingIfNeeded: counter >> 8),
                              UInt8(truncatingIfNeeded: counter), last ? 1 : 0]
        return try! AES.GCM.Nonce(data: bytes)  // 12 bytes by construction
    }
}

/// Failures reading sealed objects. `integrity` is never a silent read: the object is named and
/// nothing of it is returned.
public enum SealedError: Error, CustomStringConvertible, Equatable {
    case unreadable(String)
    case integrity(String, String)
    /// The object's data key is gone: the object was erased (crypto-shredded).
    case erased(String)

    public var description: String {
        switch self {
        case .unreadable(let path): return "cannot read \(path)"
        case .integrity(let path, let reason): return "integrity error in \(path): \(reason)"
        case .erased(let path): return "\(path) was erased: its data key has been destroyed, so it can never be read"
        }
    }
}

/// Writes one sealed file, a segment at a time (memory: one segment). Callers write to a
/// temporary name and rename after `finish`, so a crash never leaves a half-sealed object
/// under its final name.
public final class SealedWriter {
    public let path: String
    private let handle: FileHandle
    private let header: SealedFormat.Header
    private let segmentKey: SymmetricKey
    private var pending: [UInt8] = []
    private var segment = 0
    private var finished = false
    /// Plaintext bytes written so far.
    public private(set) var plaintextBytes = 0

    public init(path: String, key: DataKey) throws {
        self.path = path
        guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]),
              let handle = FileHandle(forWritingAtPath: path) else {
            throw PlatformError.conflict("cannot write \(path)")
        }
        self.handle = handle
        header = SealedFormat.makeHeader(keyID: key.id)
        segmentKey = SealedFormat.segmentKey(key, salt: header.salt)
        pending.reserveCapacity(SealedFormat.segmentSize)
        try handle.write(contentsOf: header.bytes)
    }

    deinit { if !finished { try? handle.close() } }

    public func write<Bytes: Collection>(_ bytes: Bytes) throws where Bytes.Element == UInt8 {
        var rest = bytes[...]
        while !rest.isEmpty {
            // A full segment is sealed only once more bytes arrive: the last one must carry the flag.
            if pending.count == SealedFormat.segmentSize { try sealPending(last: false) }
            let piece = rest.prefix(SealedFormat.segmentSize - pending.count)
            pending.append(contentsOf: piece)
            rest = rest.dropFirst(piece.count)
            plaintextBytes += piece.count
        }
    }

    private func sealPending(last: Bool) throws {
        let box = try AES.GCM.seal(pending, using: segmentKey, nonce: SealedFormat.nonce(header.noncePrefix, segment: segment, last: last),
                                   authenticating: header.bytes)
        try handle.write(contentsOf: box.ciphertext)
        try handle.write(contentsOf: box.tag)
        pending.removeAll(keepingCapacity: true)
        segment += 1
    }

    /// Seals the last segment and makes the file durable.
    public func finish() throws {
        guard !finished else { return }
        try sealPending(last: true)
        try handle.synchronize()
        try handle.close()
        finished = true
    }
}

/// Reads one sealed file a segment at a time, authenticating each before returning it. Used by
/// one task or thread at a time (handed from where it was opened to where it is read).
public final class SealedReader: @unchecked Sendable {
    public let path: String
    /// Plaintext bytes of the whole file.
    public let plaintextSize: Int
    private let handle: FileHandle
    private let header: SealedFormat.Header
    private let segmentKey: SymmetricKey
    private let segments: Int
    private var segment = 0
    /// The name errors give (the object, not the temporary path it may be read from).
    let objectName: String

    public init(path: String, key: DataKey, name: String? = nil) throws {
        self.path = path
        objectName = name ?? path
        guard let handle = FileHandle(forReadingAtPath: path) else { throw SealedError.unreadable(objectName) }
        self.handle = handle
        let size = Int(try handle.seekToEnd())
        try handle.seek(toOffset: 0)
        header = try SealedFormat.parseHeader([UInt8](try handle.read(upToCount: SealedFormat.headerSize) ?? Data()), path: objectName)
        guard header.keyID == key.id else { throw SealedError.integrity(objectName, "sealed with data key \(Digest.hex(header.keyID)), not \(key.idText)") }
        guard let plaintext = SealedFormat.plaintextSize(sealed: size) else {
            throw SealedError.integrity(objectName, "\(size) bytes is no whole number of segments (truncated or extended)")
        }
        plaintextSize = plaintext
        segments = max(1, (plaintext + SealedFormat.segmentSize - 1) / SealedFormat.segmentSize)
        segmentKey = SealedFormat.segmentKey(key, salt: header.salt)
    }

    deinit { try? handle.close() }

    /// The next segment's plaintext; nil after the last.
    public func next() throws -> Data? {
        guard segment < segments else { return nil }
        let last = segment == segments - 1
        let length = (last ? plaintextSize - segment * SealedFormat.segmentSize : SealedFormat.segmentSize) + SealedFormat.tagSize
        let sealed = try handle.read(upToCount: length) ?? Data()
        guard sealed.count == length else { throw SealedError.integrity(objectName, "segment \(segment) ends early") }
        let plain: Data
        do {
            let box = try AES.GCM.SealedBox(nonce: SealedFormat.nonce(header.noncePrefix, segment: segment, last: last),
                                            ciphertext: sealed.prefix(length - SealedFormat.tagSize), tag: sealed.suffix(SealedFormat.tagSize))
            plain = try AES.GCM.open(box, using: segmentKey, authenticating: header.bytes)
        } catch {
            throw SealedError.integrity(objectName, "segment \(segment) of \(segments) fails authentication (changed, reordered or truncated)")
        }
        segment += 1
        return plain
    }

    /// The whole plaintext (small objects: descriptors, schemas).
    public func readAll() throws -> Data {
        var out = Data(capacity: plaintextSize)
        while let chunk = try next() { out.append(chunk) }
        return out
    }

    /// Decrypts the whole file into `buffer` (which must hold `plaintextSize` bytes).
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws {
        precondition(buffer.count >= plaintextSize)
        var offset = 0
        while let chunk = try next() {
            chunk.withUnsafeBytes { source in
                buffer.baseAddress!.advanced(by: offset).copyMemory(from: source.baseAddress!, byteCount: source.count)
            }
            offset += chunk.count
        }
    }
}
