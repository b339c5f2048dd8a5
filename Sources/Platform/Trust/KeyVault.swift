import Crypto
import Foundation
import Logging

/// A data key as the store keeps it: wrapped (AES-256-GCM) under a master key.
public struct WrappedDataKey: Sendable, Equatable {
    /// 32 lower-case hex characters (the 16-byte id in sealed files' headers).
    public var id: String
    /// nonce | ciphertext | tag of the 32 key bytes.
    public var wrapped: [UInt8]
    /// The master key it is wrapped under (`MasterKey.id`).
    public var masterKeyID: String
    public var createdAt: Date

    public init(id: String, wrapped: [UInt8], masterKeyID: String, createdAt: Date) {
        self.id = id; self.wrapped = wrapped; self.masterKeyID = masterKeyID; self.createdAt = createdAt
    }
}

/// Where wrapped data keys live. Platform owns the protocol; the metadata store's adapters
/// implement it, in the same database.
public protocol DataKeyStore: Sendable {
    func insertDataKey(_ key: WrappedDataKey) async throws
    func dataKey(id: String) async throws -> WrappedDataKey?
    /// Deletes a key so that no copy stays in the store's files (SQLite: secure_delete, then a
    /// WAL checkpoint): this is what makes an erased object unreadable.
    func destroyDataKey(id: String) async throws
    /// Up to `limit` keys wrapped by any master key but `masterKeyID` (a rotation's next batch).
    func dataKeys(notWrappedBy masterKeyID: String, limit: Int) async throws -> [WrappedDataKey]
    /// Replaces the wrapping of existing keys, all in one transaction.
    func updateDataKeys(_ keys: [WrappedDataKey]) async throws
    /// Number of data keys per master key id.
    func masterKeyUsage() async throws -> [String: Int]
    func setting(_ name: String) async throws -> String?
    func setSetting(_ name: String, _ value: String) async throws
}

/// Data keys: created, unwrapped for one use, destroyed to erase, re-wrapped to rotate the
/// master key. The master key (and, during a rotation, the next one) lives only here.
public actor KeyVault {
    private let store: any DataKeyStore
    private let configuration: MasterKeyConfiguration
    /// Wraps new data keys.
    public private(set) var current: MasterKey
    /// Every master key this vault can unwrap with, by id (current, and during a rotation the old one).
    private var keys: [String: MasterKey]
    private var rotating = false
    static let masterKeySetting = "master_key_id"

    private init(store: any DataKeyStore, configuration: MasterKeyConfiguration, current: MasterKey, others: [MasterKey]) {
        self.store = store
        self.configuration = configuration
        self.current = current
        var keys = [current.id: current]
        for key in others { keys[key.id] = key }
        self.keys = keys
    }

    /// Opens the vault over a store with the configured master key. Refuses to start (and
    /// writes nothing) when the key cannot unwrap what the store holds, naming the key's source;
    /// finishes a rotation that a crash interrupted. `log` gets the one-line notices
    /// (a generated key, a finished rotation).
    public static func open(store: any DataKeyStore, configuration: MasterKeyConfiguration,
                            log: (String) -> Void = { _ in }) async throws -> KeyVault {
        let usage = try await store.masterKeyUsage()
        let recorded = try await store.setting(masterKeySetting)
        let fresh = usage.isEmpty && recorded == nil
        var current: MasterKey
        var others: [MasterKey] = configuration.previous.map { [$0] } ?? []
        switch configuration.source {
        case .environment(let text):
            current = try MasterKey(base64: text, source: "MAAS_MASTER_KEY")
        case .file(let url):
            current = try MasterKey(file: url, source: "--master-key-file \(url.path)")
        case .dataFolder(let url):
            if FileManager.default.fileExists(atPath: url.path) {
                current = try MasterKey(file: url, source: url.path)
            } else {
                guard fresh else {
                    throw PlatformError.invalid(field: "master key", message: "this data folder holds \(usage.values.reduce(0, +)) sealed objects' keys, but its master key file \(url.path) is missing; restore it, or give the key as MAAS_MASTER_KEY or --master-key-file (nothing was changed)")
                }
                current = MasterKey.generate(source: url.path)
                try current.write(to: url)
                log("generated a master key in \(url.path) (mode 0600): it seals every object in this data folder. This is for a single machine only: elsewhere give MAAS_MASTER_KEY or --master-key-file from a secret store, and keep a copy, since without it nothing here can be read")
            }
        }
        // A rotation that wrote the next key and stopped: that key becomes current once every
        // data key is wrapped under it.
        var pendingNext: URL?
        if let keyFile = configuration.keyFile {
            let next = MasterKeyConfiguration.nextFile(keyFile)
            try? FileManager.default.removeItem(atPath: keyFile.deletingLastPathComponent().appendingPathComponent(".\(next.lastPathComponent).tmp-\(getpid())").path)
            if FileManager.default.fileExists(atPath: next.path) {
                let nextKey = try MasterKey(file: next, source: next.path)
                others.append(current)
                current = nextKey
                pendingNext = next
            }
        }
        let available = Set([current.id] + others.map(\.id))
        for (id, count) in usage where !available.contains(id) {
            throw PlatformError.invalid(field: "master key", message: "\(count) data keys in this store are wrapped by master key \(id), but \(current.source) holds key \(current.id)\(others.isEmpty ? "" : " (and the previous key given is \(others.map(\.id).joined(separator: ", ")))"): give the key this data folder was sealed with; after an interrupted rotation, give the new key as the master key and the old one as MAAS_PREVIOUS_MASTER_KEY (nothing was changed)")
        }
        if let recorded, !available.contains(recorded) && usage.isEmpty {
            throw PlatformError.invalid(field: "master key", message: "this data folder was sealed with master key \(recorded), but \(current.source) holds key \(current.id) (nothing was changed)")
        }
        let vault = KeyVault(store: store, configuration: configuration, current: current, others: others)
        if fresh { try await store.setSetting(masterKeySetting, current.id) }
        if usage.keys.contains(where: { $0 != current.id }) || pendingNext != nil {
            let count = try await vault.rewrapAll()
            if let next = pendingNext, let keyFile = configuration.keyFile {
                guard rename(next.path, keyFile.path) == 0 else { throw PlatformError.conflict("cannot move \(next.path) over \(keyFile.path)") }
                syncDirectory(of: keyFile)
            }
            await vault.forgetOtherKeys()
            log("finished a master key rotation: \(count) data keys re-wrapped under key \(current.id)")
        }
        return vault
    }

    // MARK: Data keys

    /// A new random data key, stored wrapped before it is returned (so nothing can be sealed
    /// with a key that could be lost).
    public func newDataKey() async throws -> DataKey {
        let key = DataKey.random()
        try await store.insertDataKey(WrappedDataKey(id: key.idText, wrapped: try Self.wrap(key, with: current), masterKeyID: current.id, createdAt: Date()))
        return key
    }

    /// The data key with `id`, unwrapped. `object` names what it opens, for errors.
    public func dataKey(id: [UInt8], object: String) async throws -> DataKey {
        guard let stored = try await store.dataKey(id: Digest.hex(id)) else { throw SealedError.erased(object) }
        guard let master = keys[stored.masterKeyID] else {
            throw SealedError.integrity(object, "its data key is wrapped by master key \(stored.masterKeyID), which this server does not hold")
        }
        return try Self.unwrap(stored, with: master, object: object)
    }

    /// Destroys a data key: everything sealed with it, including any copy of the files, can
    /// never be read again.
    public func destroy(id: [UInt8]) async throws {
        try await store.destroyDataKey(id: Digest.hex(id))
    }

    static func associatedData(keyID: String, masterKeyID: String) -> [UInt8] {
        Array("maas data key v1|\(keyID)|\(masterKeyID)".utf8)
    }

    static func wrap(_ key: DataKey, with master: MasterKey) throws -> [UInt8] {
        let bytes = key.key.withUnsafeBytes { Array($0) }
        let box = try AES.GCM.seal(bytes, using: master.key, authenticating: associatedData(keyID: key.idText, masterKeyID: master.id))
        return Array(box.combined!)
    }

    static func unwrap(_ stored: WrappedDataKey, with master: MasterKey, object: String) throws -> DataKey {
        do {
            let box = try AES.GCM.SealedBox(combined: stored.wrapped)
            let bytes = try AES.GCM.open(box, using: master.key, authenticating: associatedData(keyID: stored.id, masterKeyID: master.id))
            guard bytes.count == 32, let id = hexBytes(stored.id), id.count == 16 else { throw SealedError.integrity(object, "malformed data key") }
            return DataKey(id: id, key: SymmetricKey(data: bytes))
        } catch let error as SealedError {
            throw error
        } catch {
            throw SealedError.integrity(object, "its wrapped data key \(stored.id) fails authentication under master key \(master.id)")
        }
    }

    /// A stored key re-wrapped from one master key to another (what a rotation does to each).
    public static func rewrapped(_ stored: WrappedDataKey, from old: MasterKey, to new: MasterKey) throws -> WrappedDataKey {
        let key = try unwrap(stored, with: old, object: "data key \(stored.id)")
        return WrappedDataKey(id: stored.id, wrapped: try wrap(key, with: new), masterKeyID: new.id, createdAt: stored.createdAt)
    }

    // MARK: Rotation

    /// Re-wraps every data key under a new master key without stopping the server: new keys
    /// are wrapped under it at once, existing ones in batches (one transaction each), so a
    /// kill at any point leaves each key wrapped by the old or the new key, and the next start
    /// (given both) finishes. With a key file, the new key is first written beside it as
    /// `<file>.next` and renamed over it when every key is re-wrapped; with `MAAS_MASTER_KEY`,
    /// `newKey` must be given and the operator sets it for the next start.
    public func rotate(to newKey: MasterKey? = nil) async throws -> (masterKeyID: String, rewrapped: Int) {
        guard !rotating else { throw PlatformError.conflict("a master key rotation is already running") }
        rotating = true
        defer { rotating = false }
        let keyFile = configuration.keyFile
        guard newKey != nil || keyFile != nil else {
            throw PlatformError.invalid(field: "new_master_key_file", message: "is required: the master key comes from MAAS_MASTER_KEY, so the new key must be given (a file the server can read)")
        }
        let next = newKey ?? MasterKey.generate(source: keyFile!.path)
        guard next.id != current.id else { throw PlatformError.invalid(field: "new_master_key_file", message: "holds the current master key") }
        if let keyFile { try next.write(to: MasterKeyConfiguration.nextFile(keyFile)) }
        keys[next.id] = next
        current = next
        try await store.setSetting(Self.masterKeySetting, next.id)
        let count = try await rewrapAll()
        if let keyFile {
            guard rename(MasterKeyConfiguration.nextFile(keyFile).path, keyFile.path) == 0 else {
                throw PlatformError.conflict("cannot move the new master key over \(keyFile.path)")
            }
            syncDirectory(of: keyFile)
        }
        forgetOtherKeys()
        return (next.id, count)
    }

    /// Test seam: called after each re-wrapped batch (crash tests kill the process between them).
    var afterBatch: (@Sendable (Int) async -> Void)?
    public func setAfterBatch(_ hook: (@Sendable (Int) async -> Void)?) { afterBatch = hook }

    private func rewrapAll(batchSize: Int = 32) async throws -> Int {
        var count = 0
        while true {
            let batch = try await store.dataKeys(notWrappedBy: current.id, limit: batchSize)
            if batch.isEmpty { break }
            let rewrapped = try batch.map { stored -> WrappedDataKey in
                guard let master = keys[stored.masterKeyID] else {
                    throw PlatformError.conflict("data key \(stored.id) is wrapped by master key \(stored.masterKeyID), which this server does not hold")
                }
                return try Self.rewrapped(stored, from: master, to: current)
            }
            try await store.updateDataKeys(rewrapped)
            count += rewrapped.count
            await afterBatch?(count)
        }
        return count
    }

    private func forgetOtherKeys() { keys = [current.id: current] }

    /// Keys derived for one purpose and scope: a project's pseudonym key, the audit log's
    /// seal. They are data keys like any other (random, wrapped, stable across rotations), found
    /// by a setting naming their id.
    public func purposeKey(_ purpose: String) async throws -> DataKey {
        // One task per purpose: two first uses at once must not create two keys.
        if let task = purposeKeys[purpose] { return try await task.value }
        let task = Task { try await self.loadOrCreatePurposeKey(purpose) }
        purposeKeys[purpose] = task
        do { return try await task.value } catch {
            purposeKeys[purpose] = nil
            throw error
        }
    }

    private var purposeKeys: [String: Task<DataKey, any Error>] = [:]

    private func loadOrCreatePurposeKey(_ purpose: String) async throws -> DataKey {
        let name = "key:" + purpose
        if let id = try await store.setting(name), let bytes = hexBytes(id) { return try await dataKey(id: bytes, object: purpose) }
        let key = try await newDataKey()
        try await store.setSetting(name, key.idText)
        return key
    }
}

/// Bytes of a lower-case or upper-case hex string; nil if it is not one.
func hexBytes(_ text: String) -> [UInt8]? {
    let utf8 = Array(text.utf8)
    guard utf8.count % 2 == 0 else { return nil }
    func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case 48...57: return c - 48
        case 97...102: return c - 87
        case 65...70: return c - 55
        default: return nil
        }
    }
    var out: [UInt8] = []
    out.reserveCapacity(utf8.count / 2)
    var i = 0
    while i < utf8.count {
        guard let high = nibble(utf8[i]), let low = nibble(utf8[i + 1]) else { return nil }
        out.append(high << 4 | low)
        i += 2
    }
    return out
}
