import Crypto
import Datasets
import Foundation
import Tensor

/// Uploaded data files under `root/<project>/<sha256>.<format>`, with their metadata in the
/// metadata store. An upload streams to a temporary file (hashing and counting as it goes),
/// is parsed to prove it is readable, and only then is renamed into place and recorded.
public struct DatasetStore: Sendable {
    public static let formats: Set<String> = ["csv", "tsv", "jsonl", "idx", "npy"]
    let root: URL
    let store: any MetadataStore
    /// Largest accepted upload.
    public let maximumBytes: Int

    public init(root: URL, store: any MetadataStore, maximumBytes: Int) throws {
        self.root = root
        self.store = store
        self.maximumBytes = maximumBytes
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    /// Stores the bytes of `chunks` as dataset `name`; replaces an existing dataset of that name.
    public func upload<Chunks: AsyncSequence>(project: String, name: String, format: String, chunks: Chunks) async throws -> DatasetRecord
        where Chunks.Element == [UInt8] {
        try ModelRegistry.checkName(name, field: "name")
        guard Self.formats.contains(format) else {
            throw PlatformError.invalid(field: "format", message: "must be one of \(Self.formats.sorted().joined(separator: ", ")); got '\(format)'")
        }
        let directory = root.appendingPathComponent(project)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let temporary = directory.appendingPathComponent(".upload-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: temporary.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: temporary) }
        guard let handle = FileHandle(forWritingAtPath: temporary.path) else {
            throw PlatformError.conflict("cannot write to the dataset folder \(directory.path)")
        }
        var hasher = SHA256()
        var bytes = 0
        do {
            for try await chunk in chunks {
                bytes += chunk.count
                if bytes > maximumBytes { throw PlatformError.payloadTooLarge(limit: maximumBytes) }
                hasher.update(data: chunk)
                try handle.write(contentsOf: chunk)
            }
            try handle.synchronize()
            try handle.close()
        } catch {
            try? handle.close()
            throw error
        }
        guard bytes > 0 else { throw PlatformError.invalid(field: "body", message: "the upload is empty") }
        let digest = Digest.hex(hasher.finalize())
        // One parse both validates the file and yields its description, stored beside it so
        // showing a dataset never re-reads the data.
        let (rows, description) = try Self.validate(path: temporary.path, format: format)
        let final = directory.appendingPathComponent("\(digest).\(format)")
        if let description {
            try JSONEncoder().encode(description).write(to: URL(fileURLWithPath: final.path + ".schema.json"), options: .atomic)
        }
        if FileManager.default.fileExists(atPath: final.path) { try FileManager.default.removeItem(at: temporary) }
        else { try FileManager.default.moveItem(at: temporary, to: final) }
        let record = DatasetRecord(project: project, name: name, format: format, sha256: digest, bytes: bytes, rows: rows, createdAt: Date())
        try await store.upsertDataset(record)
        return record
    }

    /// Schema with statistics and the first rows of a table.
    public struct Description: Codable, Sendable {
        public var schema: Schema
        public var preview: [[String?]]
    }

    /// Parses the file; returns its row count (and, for tables, its description) or an error
    /// naming what is wrong with it.
    static func validate(path: String, format: String) throws -> (rows: Int, description: Description?) {
        do {
            switch format {
            case "idx": return (try IDXReader.read(path: path).shape.first ?? 0, nil)
            case "npy": return (try NPYReader.read(path: path).shape.first ?? 0, nil)
            default:
                let table = try table(path: path, format: format)
                return (table.rowCount, describe(table))
            }
        } catch let error as DatasetError {
            throw PlatformError.invalid(field: "body", message: error.description.replacingOccurrences(of: path, with: "the upload"))
        }
    }

    static func table(path: String, format: String) throws -> DataTable {
        format == "jsonl" ? try JSONLinesReader.read(path: path) : try CSVReader(delimiter: format == "tsv" ? "\t" : ",").read(path: path)
    }

    public func list(project: String) async throws -> [DatasetRecord] { try await store.datasets(project: project) }

    public func record(project: String, name: String) async throws -> DatasetRecord {
        guard let record = try await store.datasets(project: project).first(where: { $0.name == name }) else {
            throw PlatformError.notFound(kind: "dataset", name: name)
        }
        return record
    }

    public func path(_ record: DatasetRecord) -> URL {
        root.appendingPathComponent(record.project).appendingPathComponent("\(record.sha256).\(record.format)")
    }

    static func describe(_ table: DataTable, previewRows: Int = 5) -> Description {
        let preview = (0..<min(previewRows, table.rowCount)).map { r in table.columns.map { $0.data.string(at: r) } }
        return Description(schema: Schema.infer(table), preview: preview)
    }

    /// The description stored at upload, for tables; nil for tensors (IDX, NPY).
    public func describe(_ record: DatasetRecord) throws -> Description? {
        guard !["idx", "npy"].contains(record.format) else { return nil }
        let stored = URL(fileURLWithPath: path(record).path + ".schema.json")
        if let data = try? Data(contentsOf: stored), let description = try? JSONDecoder().decode(Description.self, from: data) {
            return description
        }
        let description = Self.describe(try Self.table(path: path(record).path, format: record.format))
        try? JSONEncoder().encode(description).write(to: stored, options: .atomic)
        return description
    }

    public func delete(project: String, name: String) async throws {
        let record = try await record(project: project, name: name)
        try await store.deleteDataset(project: project, name: name)
        // The file is shared by name-independent content; remove it only if no dataset uses it.
        if try await !store.datasets(project: project).contains(where: { $0.sha256 == record.sha256 && $0.format == record.format }) {
            try? FileManager.default.removeItem(at: path(record))
            try? FileManager.default.removeItem(atPath: path(record).path + ".schema.json")
        }
    }
}
