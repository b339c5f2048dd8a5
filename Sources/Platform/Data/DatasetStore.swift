import Crypto
import Datasets
import Foundation
import Tensor

/// Uploaded data files, sealed, under `root/<project>/<name>/v<version>.<format>`, with their
/// metadata in the metadata store. An upload is sealed, hashed and parsed as it streams in (one
/// pass, bounded memory for tables), and only then renamed into place and recorded. Each version
/// has a data key of its own, so erasing one destroys exactly its data.
public struct DatasetStore: Sendable {
    public static let formats: Set<String> = ["csv", "tsv", "jsonl", "idx", "npy"]
    let root: URL
    let store: any MetadataStore
    let storage: SealedStorage
    /// Largest accepted upload.
    public let maximumBytes: Int
    /// Where other nodes find each version (nil: this node alone reads them).
    let mirror: MirroredFolder

    /// With `shared`, every version is published there before it is recorded, and a node that
    /// lacks one fetches it on first read.
    public init(root: URL, store: any MetadataStore, storage: SealedStorage, maximumBytes: Int, shared: (any SharedFiles)? = nil) throws {
        self.root = root
        self.store = store
        self.storage = storage
        self.maximumBytes = maximumBytes
        mirror = MirroredFolder(root: root, sharedPrefix: "datasets", shared: shared)
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }

    /// Schema with statistics, the first rows of a table, and what the personal-data scan found.
    public struct Description: Codable, Sendable {
        public var schema: Schema
        public var preview: [[String?]]
        public var personalData: [PersonalDataFindings]?
    }

    /// Stores the bytes of `chunks` as dataset `name`. An existing dataset of that name becomes
    /// the previous version: it is erased (tombstoned) once the new one is recorded.
    public func upload<Chunks: AsyncSequence>(project: String, name: String, format: String, chunks: Chunks,
                                              policies: ColumnPolicies = ColumnPolicies(), actor: String) async throws -> (record: DatasetRecord, replaced: DatasetTombstone?)
        where Chunks.Element == [UInt8] {
        try ModelRegistry.checkName(name, field: "name")
        guard Self.formats.contains(format) else {
            throw PlatformError.invalid(field: "format", message: "must be one of \(Self.formats.sorted().joined(separator: ", ")); got '\(format)'")
        }
        let directory = folder(project: project, name: name)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let key = try await storage.newKey()
        let temporary = directory.appendingPathComponent(".upload-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: temporary) }
        let previous = try await store.datasets(project: project).first { $0.name == name }
        let version = max(previous?.version ?? 0, try await store.tombstones(project: project).filter { $0.name == name }.map(\.version).max() ?? 0) + 1
        let record: DatasetRecord
        do {
            record = try await seal(chunks, project: project, name: name, version: version, format: format, policies: policies, key: key, into: temporary)
            try await publish(record)
        } catch {
            try? await storage.vault.destroy(id: key.id)
            throw error
        }
        try await store.upsertDataset(record)
        var tombstone: DatasetTombstone?
        if let previous { tombstone = try await erase(previous, actor: actor, reason: "replaced by version \(version)") }
        return (record, tombstone)
    }

    /// Seals, hashes and parses an upload into `temporary`, then moves it into place.
    private func seal<Chunks: AsyncSequence>(_ chunks: Chunks, project: String, name: String, version: Int, format: String, policies: ColumnPolicies,
                                             key: DataKey, into temporary: URL) async throws -> DatasetRecord where Chunks.Element == [UInt8] {
        let writer = try SealedWriter(path: temporary.path, key: key)
        var hasher = SHA256()
        var bytes = 0
        var parser = TableFormat(rawValue: format)?.parser(name: "the upload")
        var tensorBytes: [UInt8] = []
        do {
            for try await chunk in chunks {
                bytes += chunk.count
                if bytes > maximumBytes { throw PlatformError.payloadTooLarge(limit: maximumBytes) }
                hasher.update(data: chunk)
                try writer.write(chunk)
                if parser != nil { try parser!.consume(Data(chunk)) } else { tensorBytes.append(contentsOf: chunk) }
            }
            try writer.finish()
        } catch let error as DatasetError {
            throw PlatformError.invalid(field: "body", message: error.description)
        }
        guard bytes > 0 else { throw PlatformError.invalid(field: "body", message: "the upload is empty") }
        let digest = Digest.hex(hasher.finalize())
        // The one parse both validates the file and yields its description, stored (sealed)
        // beside it so showing a dataset never re-reads the data.
        let rows: Int
        var description: Description?
        do {
            if let parser {
                var finishing = parser
                let table = try finishing.finish()
                rows = table.rowCount
                description = Self.describe(table)
                try invalidAsField("policies") { try policies.validate(against: description!.schema, sample: table.rows(Array(0..<min(1000, table.rowCount)))) }
            } else {
                rows = (format == "idx" ? try IDXReader.read(bytes: tensorBytes, name: "the upload") : try NPYReader.read(bytes: tensorBytes, name: "the upload")).shape.first ?? 0
                if !policies.isEmpty { throw PlatformError.invalid(field: "policies", message: "column policies apply to tables (csv, tsv, jsonl); \(format) holds tensors") }
            }
        } catch let error as DatasetError {
            throw PlatformError.invalid(field: "body", message: error.description)
        }
        let record = DatasetRecord(project: project, name: name, format: format, sha256: digest, bytes: bytes, rows: rows, createdAt: Date(),
                                   version: version, policies: policies.texts)
        let final = path(record)
        if let description { try storage.write(try JSONEncoder().encode(description), to: schemaPath(record), key: key) }
        guard rename(temporary.path, final.path) == 0 else { throw PlatformError.conflict("cannot move the upload into \(final.path)") }
        return record
    }

    /// Shares a version's files (the schema first: the data file's presence is what readers wait
    /// for). A failure erases this node's copy, so the version exists everywhere or nowhere.
    private func publish(_ record: DatasetRecord) async throws {
        guard mirror.shared != nil else { return }
        do {
            if TableFormat(rawValue: record.format) != nil { try await mirror.publish(schemaPath(record)) }
            try await mirror.publish(path(record))
        } catch {
            try? FileManager.default.removeItem(at: path(record))
            try? FileManager.default.removeItem(at: schemaPath(record))
            try? await mirror.remove(schemaPath(record))
            throw error
        }
    }

    func folder(project: String, name: String) -> URL {
        root.appendingPathComponent(project).appendingPathComponent(name)
    }

    /// The sealed data file of a dataset version.
    public func path(_ record: DatasetRecord) -> URL {
        folder(project: record.project, name: record.name).appendingPathComponent("v\(record.version).\(record.format)")
    }

    func schemaPath(_ record: DatasetRecord) -> URL { URL(fileURLWithPath: path(record).path + ".schema") }

    /// What errors call a dataset's stored file.
    func objectName(_ record: DatasetRecord) -> String { "dataset '\(record.name)' version \(record.version)" }

    public func list(project: String) async throws -> [DatasetRecord] { try await store.datasets(project: project) }

    public func record(project: String, name: String) async throws -> DatasetRecord {
        guard let record = try await store.datasets(project: project).first(where: { $0.name == name }) else {
            throw PlatformError.notFound(kind: "dataset", name: name)
        }
        return record
    }

    public static func describe(_ table: DataTable, previewRows: Int = 5) -> Description {
        let preview = (0..<min(previewRows, table.rowCount)).map { r in table.columns.map { $0.data.string(at: r) } }
        return Description(schema: Schema.infer(table), preview: preview, personalData: PersonalDataScanner.scan(table))
    }

    /// The description stored at upload (raw values: callers apply policies and masking), for
    /// tables; nil for tensors (IDX, NPY).
    public func describe(_ record: DatasetRecord) async throws -> Description? {
        guard TableFormat(rawValue: record.format) != nil else { return nil }
        try await local(schemaPath(record), record)
        let data = try await storage.read(schemaPath(record), name: objectName(record) + " schema")
        return try JSONDecoder().decode(Description.self, from: data)
    }

    /// The dataset's bytes, decrypted as they are read.
    public func source(_ record: DatasetRecord) async throws -> SealedByteSource { SealedByteSource(try await reader(record)) }

    public func reader(_ record: DatasetRecord) async throws -> SealedReader {
        try await local(path(record), record)
        return try await storage.open(path(record), name: objectName(record))
    }

    /// Fetches a file of the version when another node wrote it.
    private func local(_ file: URL, _ record: DatasetRecord) async throws {
        guard try await mirror.ensureLocal(file) || mirror.shared == nil else {
            throw PlatformError.notFound(kind: "stored file of dataset", name: "\(record.name) version \(record.version)")
        }
    }

    /// The project's pseudonym function for `hash` policies: HMAC-SHA-256 under a key of the
    /// project's (random, wrapped by the master key, stable across master key rotations, so the
    /// same value gives the same pseudonym for as long as the project lives).
    public func pseudonyms(project: String) async throws -> Pseudonyms {
        try await Pseudonyms.of(project: project, vault: storage.vault)
    }

    /// A table dataset as training and batch jobs see it: decrypted and read, then its column
    /// policies applied (a dropped column never reaches a model). Runs on the caller's thread.
    public struct PreparedTable: @unchecked Sendable {
        var source: SealedByteSource
        let format: TableFormat
        let policies: ColumnPolicies
        let pseudonyms: Pseudonyms

        public mutating func read() throws -> DataTable {
            let table = try format.read(&source)
            return policies.apply(to: table, pseudonym: pseudonyms.callAsFunction)
        }
    }

    public func preparedTable(_ record: DatasetRecord) async throws -> PreparedTable {
        guard let format = TableFormat(rawValue: record.format) else {
            throw PlatformError.invalid(field: "dataset", message: "'\(record.name)' holds \(record.format) tensors, not a table")
        }
        return PreparedTable(source: try await source(record), format: format, policies: try ColumnPolicies(texts: record.policies),
                             pseudonyms: try await pseudonyms(project: record.project))
    }

    /// Replaces a dataset's column policies; each must name a column and suit its values.
    public func setPolicies(project: String, name: String, policies: ColumnPolicies) async throws -> DatasetRecord {
        var record = try await record(project: project, name: name)
        guard TableFormat(rawValue: record.format) != nil || policies.isEmpty else {
            throw PlatformError.invalid(field: "policies", message: "column policies apply to tables (csv, tsv, jsonl); '\(name)' holds \(record.format) tensors")
        }
        if let description = try await describe(record) {
            var sample = try await source(record)
            let table = try TableFormat(rawValue: record.format)!.read(&sample)
            try invalidAsField("policies") { try policies.validate(against: description.schema, sample: table.rows(Array(0..<min(1000, table.rowCount)))) }
        }
        record.policies = policies.texts
        try await store.upsertDataset(record)
        return record
    }

    /// Erases one dataset version. The tombstone (who, when, why, the checksum; never the data)
    /// is written first: it is the erasure's intent, so a process killed part-way is finished
    /// at the next start (`finishErasure`). Then the data key is destroyed (every copy of the
    /// files is unreadable from then on), then the files and the row go.
    @discardableResult
    public func erase(_ record: DatasetRecord, actor: String, reason: String, rowsErased: Int? = nil) async throws -> DatasetTombstone {
        let tombstone = DatasetTombstone(project: record.project, name: record.name, version: record.version, format: record.format,
                                         sha256: record.sha256, rows: record.rows, erasedBy: actor, erasedAt: Date(), reason: reason,
                                         rowsErased: rowsErased)
        try await store.insertTombstone(tombstone)
        try await finishErasure(tombstone)
        return tombstone
    }

    /// Destroys a tombstoned version's key and files and removes its row, if they are still
    /// there (idempotent: safe to repeat after a crash at any point of `erase`).
    func finishErasure(_ tombstone: DatasetTombstone) async throws {
        let record = DatasetRecord(project: tombstone.project, name: tombstone.name, format: tombstone.format, sha256: tombstone.sha256,
                                   bytes: 0, rows: tombstone.rows, createdAt: tombstone.erasedAt, version: tombstone.version)
        // The key is named in the file's header: a node that never read the version fetches it
        // (the schema, when there is one, is small and sealed under the same key).
        let keyHolder = TableFormat(rawValue: record.format) != nil ? schemaPath(record) : path(record)
        _ = try? await mirror.ensureLocal(keyHolder)
        try await storage.erase([keyHolder, path(record), schemaPath(record)])
        // The shared copies are unreadable from here on; deleting them is tidying.
        try? await mirror.remove(path(record))
        try? await mirror.remove(schemaPath(record))
        // The name's folder goes with its last version (rmdir leaves a folder that still holds one).
        rmdir(folder(project: record.project, name: record.name).path)
        if let current = try await store.datasets(project: record.project).first(where: { $0.name == record.name }), current.version == record.version {
            try await store.deleteDataset(project: record.project, name: record.name)
        }
    }

    /// Finishes erasures a killed process left part-way: a tombstoned version whose row or
    /// files remain. Returns how many it finished.
    func finishInterruptedErasures() async throws -> Int {
        var finished = 0
        for project in try await store.projectNames() {
            let current = Dictionary(try await store.datasets(project: project).map { ($0.name, $0.version) }, uniquingKeysWith: max)
            for tombstone in try await store.tombstones(project: project) {
                let record = DatasetRecord(project: project, name: tombstone.name, format: tombstone.format, sha256: tombstone.sha256,
                                           bytes: 0, rows: 0, createdAt: tombstone.erasedAt, version: tombstone.version)
                let leftover = FileManager.default.fileExists(atPath: path(record).path) || FileManager.default.fileExists(atPath: schemaPath(record).path)
                guard leftover || current[tombstone.name] == tombstone.version else { continue }
                try await finishErasure(tombstone)
                finished += 1
            }
            finished += try await shredUnrecordedVersions(project: project, current: current)
        }
        return finished
    }

    /// Version files with neither a row nor a tombstone. One newer than the row (or of a name
    /// without one) is an upload killed between its rename and its row: never acknowledged, it
    /// is shredded. One older is a replacement killed before it erased the version it replaced:
    /// that erasure is finished, with its tombstone (on a node of its own only; with shared
    /// files the node doing the replacement may still be at it).
    private func shredUnrecordedVersions(project: String, current: [String: Int]) async throws -> Int {
        let tombstoned = Set(try await store.tombstones(project: project).map { "\($0.name)/\($0.version)" })
        var finished = 0
        let projectFolder = root.appendingPathComponent(project)
        for name in (try? FileManager.default.contentsOfDirectory(atPath: projectFolder.path)) ?? [] where !name.hasPrefix(".") {
            for file in (try? FileManager.default.contentsOfDirectory(atPath: projectFolder.appendingPathComponent(name).path)) ?? [] {
                let parts = file.split(separator: ".")
                guard parts.count == 2, parts[0].first == "v", let version = Int(parts[0].dropFirst()), Self.formats.contains(String(parts[1])),
                      current[name] != version, !tombstoned.contains("\(name)/\(version)") else { continue }
                let record = DatasetRecord(project: project, name: name, format: String(parts[1]), sha256: "", bytes: 0, rows: 0, createdAt: Date(),
                                           version: version)
                if let newest = current[name], newest > version {
                    guard mirror.shared == nil else { continue }
                    var hasher = SHA256()
                    var bytes = 0
                    if let reader = try? await storage.open(path(record), name: objectName(record)) {
                        while let chunk = try? reader.next() { hasher.update(data: chunk); bytes += chunk.count }
                    }
                    let tombstone = DatasetTombstone(project: project, name: name, version: version, format: record.format,
                                                     sha256: Digest.hex(hasher.finalize()), rows: 0, erasedBy: "maas",
                                                     erasedAt: Date(), reason: "replaced by version \(newest) (erased at a start: the replacement was interrupted)")
                    try await store.insertTombstone(tombstone)
                    try await finishErasure(tombstone)
                } else {
                    try await storage.erase([schemaPath(record), path(record)])
                }
                finished += 1
            }
        }
        return finished
    }

    /// Writes a new version without the rows whose `column` holds one of `values`, then erases
    /// the old version. Rows are copied byte for byte; only the named ones go.
    public func eraseRecords(project: String, name: String, column: String, values: [String], actor: String) async throws
        -> (record: DatasetRecord, removed: Int, tombstone: DatasetTombstone) {
        let old = try await record(project: project, name: name)
        guard let format = TableFormat(rawValue: old.format) else {
            throw PlatformError.invalid(field: "column", message: "record erasure needs a table (csv, tsv, jsonl); '\(name)' holds \(old.format) tensors")
        }
        guard !values.isEmpty else { throw PlatformError.invalid(field: "values", message: "is required: one or more values of '\(column)' whose rows to erase") }
        if let description = try await describe(old), description.schema.column(named: column) == nil {
            throw PlatformError.invalid(field: "column", message: "no column named '\(column)'; columns: \(description.schema.columns.map(\.name).joined(separator: ", "))")
        }
        var source = try await source(old)
        let key = try await storage.newKey()
        let version = old.version + 1
        var record = old
        record.version = version
        let final = path(record)
        let temporary = final.deletingLastPathComponent().appendingPathComponent(".erasure-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: temporary) }
        let writer = try SealedWriter(path: temporary.path, key: key)
        var hasher = SHA256()
        var filter = RecordFilter(format: format, column: column, values: values, name: objectName(old))
        var parser = format.parser(name: objectName(old))
        var bytes = 0
        func emit(_ kept: [UInt8]) throws {
            bytes += kept.count
            hasher.update(data: kept)
            try writer.write(kept)
            try parser.consume(Data(kept))
        }
        do {
            while let chunk = try source.nextChunk() { try filter.consume(chunk, emit: emit) }
            try filter.finish(emit: emit)
            try writer.finish()
            let table = try parser.finish()
            record.rows = table.rowCount
            try storage.write(try JSONEncoder().encode(Self.describe(table)), to: schemaPath(record), key: key)
        } catch {
            try? await storage.vault.destroy(id: key.id)
            if let error = error as? DatasetError { throw PlatformError.invalid(field: "dataset", message: error.description) }
            throw error
        }
        record.sha256 = Digest.hex(hasher.finalize())
        record.bytes = bytes
        record.createdAt = Date()
        guard rename(temporary.path, final.path) == 0 else { throw PlatformError.conflict("cannot move the new version into \(final.path)") }
        do { try await publish(record) } catch {
            try? await storage.vault.destroy(id: key.id)
            throw error
        }
        try await store.upsertDataset(record)
        let tombstone = try await erase(old, actor: actor, reason: "records erased (\(filter.removed) rows where \(column) matched); replaced by version \(version)",
                                        rowsErased: filter.removed)
        return (record, filter.removed, tombstone)
    }
}

/// A keyed pseudonym: the same value gives the same pseudonym under one key, and without the
/// key the value cannot be recovered or confirmed.
public struct Pseudonyms: Sendable {
    let key: DataKey

    public func callAsFunction(_ value: String) -> String {
        "h_" + Digest.hex(HMAC<SHA256>.authenticationCode(for: Array(value.utf8), using: key.key).prefix(16))
    }
}


extension Pseudonyms {
    /// A project's pseudonym function (its key is created on first use).
    static func of(project: String, vault: KeyVault) async throws -> Pseudonyms {
        Pseudonyms(key: try await vault.purposeKey("pseudonyms:" + project))
    }
}
