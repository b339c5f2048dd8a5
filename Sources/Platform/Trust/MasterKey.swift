import Crypto
import Foundation

/// The key that wraps every data key. It never touches the store: it comes from
/// `MAAS_MASTER_KEY`, a key file, or (single machine only) a file generated in the data folder.
// SymmetricKey is an immutable value (swift-crypto 3 does not mark it Sendable).
public struct MasterKey: @unchecked Sendable {
    let key: SymmetricKey
    /// A public fingerprint (HMAC of a constant): names the key in the store and in messages.
    public let id: String
    /// Where it came from, for messages ("MAAS_MASTER_KEY", "--master-key-file /etc/maas.key").
    public let source: String

    public init(bytes: [UInt8], source: String) throws {
        guard bytes.count == 32 else {
            throw PlatformError.invalid(field: source, message: "a master key is 32 bytes (44 base64 characters); this one is \(bytes.count) bytes")
        }
        key = SymmetricKey(data: bytes)
        id = Self.fingerprint(key)
        self.source = source
    }

    /// A key given as base64 text (`MAAS_MASTER_KEY`, a key file's content).
    public init(base64 text: String, source: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let bytes = Data(base64Encoded: trimmed) else {
            throw PlatformError.invalid(field: source, message: "is not base64; a master key is 32 random bytes in base64 (`maas admin new-master-key` prints one)")
        }
        try self.init(bytes: [UInt8](bytes), source: source)
    }

    /// A key file: base64 text, or the 32 raw bytes.
    public init(file: URL, source: String? = nil) throws {
        let source = source ?? file.path
        guard let data = FileManager.default.contents(atPath: file.path) else {
            throw PlatformError.invalid(field: source, message: "cannot read the master key file \(file.path)")
        }
        if data.count == 32 { try self.init(bytes: [UInt8](data), source: source) }
        else { try self.init(base64: String(decoding: data, as: UTF8.self), source: source) }
    }

    public static func generate(source: String) -> MasterKey {
        let key = SymmetricKey(size: .bits256)
        return try! MasterKey(bytes: key.withUnsafeBytes { Array($0) }, source: source)
    }

    public var base64: String { key.withUnsafeBytes { Data($0).base64EncodedString() } }

    static func fingerprint(_ key: SymmetricKey) -> String {
        String(Digest.hex(HMAC<SHA256>.authenticationCode(for: Array("maas master key id v1".utf8), using: key)).prefix(16))
    }

    /// Writes the key to `file` (mode 0600, durable, atomically: a temporary file renamed).
    public func write(to file: URL) throws {
        let temporary = file.deletingLastPathComponent().appendingPathComponent(".\(file.lastPathComponent).tmp-\(getpid())")
        try? FileManager.default.removeItem(at: temporary)
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil, attributes: [.posixPermissions: 0o600]),
              let handle = FileHandle(forWritingAtPath: temporary.path) else {
            throw PlatformError.conflict("cannot write the master key file \(temporary.path)")
        }
        try handle.write(contentsOf: Data((base64 + "\n").utf8))
        try handle.synchronize()
        try handle.close()
        guard rename(temporary.path, file.path) == 0 else { throw PlatformError.conflict("cannot move the master key into \(file.path)") }
        syncDirectory(of: file)
    }
}

/// fsync of the folder holding `file`, so a rename in it survives a power cut.
func syncDirectory(of file: URL) {
    let fd = open(file.deletingLastPathComponent().path, O_RDONLY)
    if fd >= 0 { fsync(fd); close(fd) }
}

/// Where a server's master key comes from, in order: the environment, a file the operator
/// gives, or the data folder's own generated file.
public struct MasterKeyConfiguration: Sendable {
    public enum Source: Sendable {
        /// `MAAS_MASTER_KEY` (base64); a rotation needs the new key given the same way next time.
        case environment(String)
        /// `--master-key-file`: read at start; a rotation replaces the file.
        case file(URL)
        /// `<data-dir>/master.key`, generated on first start: one machine only.
        case dataFolder(URL)
    }

    public var source: Source
    /// The key before a rotation that did not finish (`MAAS_PREVIOUS_MASTER_KEY`): its data keys
    /// are re-wrapped under the current key at start.
    public var previous: MasterKey?

    public init(source: Source, previous: MasterKey? = nil) {
        self.source = source
        self.previous = previous
    }

    /// The key file a rotation replaces (nil for a key from the environment).
    var keyFile: URL? {
        switch source {
        case .environment: return nil
        case .file(let url), .dataFolder(let url): return url
        }
    }

    /// Where a rotation writes the new key before re-wrapping: `<key file>.next`.
    static func nextFile(_ keyFile: URL) -> URL { URL(fileURLWithPath: keyFile.path + ".next") }
}
