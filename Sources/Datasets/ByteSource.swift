import Foundation

/// Where a reader's bytes come from, a chunk at a time: a file, or (in Platform) an object
/// decrypted as it is read. Readers never need the whole file in memory at once.
public protocol ByteSource {
    /// Names the data in messages: a path, or the stored object it comes from.
    var name: String { get }
    /// The next chunk; nil at the end.
    mutating func nextChunk() throws -> Data?
}

/// A file read in fixed-size chunks.
public struct FileByteSource: ByteSource {
    public let name: String
    private let handle: FileHandle
    private let chunkSize: Int

    public init(path: String, chunkSize: Int = 1 << 20) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw DatasetError.unreadable(path: path, reason: "no such file or no permission")
        }
        name = path
        self.handle = handle
        self.chunkSize = chunkSize
    }

    public mutating func nextChunk() throws -> Data? {
        let chunk = try handle.read(upToCount: chunkSize) ?? Data()
        if chunk.isEmpty { try? handle.close(); return nil }
        return chunk
    }
}

/// Bytes already in memory, as one chunk.
public struct MemoryByteSource: ByteSource {
    public let name: String
    private var data: Data?

    public init(_ data: Data, name: String) {
        self.data = data
        self.name = name
    }

    public mutating func nextChunk() throws -> Data? {
        defer { data = nil }
        return data
    }
}

extension ByteSource {
    /// Every remaining byte (for formats read whole: IDX, NPY).
    public mutating func readAll() throws -> [UInt8] {
        var out: [UInt8] = []
        while let chunk = try nextChunk() { out.append(contentsOf: chunk) }
        return out
    }
}

/// The table formats, read from any byte source; IDX and NPY are tensors.
public enum TableFormat: String, Sendable, CaseIterable {
    case csv, tsv, jsonl

    /// An incremental parser for this format: feed it chunks as they arrive (an upload), then finish.
    public func parser(name: String) -> TableParser {
        switch self {
        case .csv: return TableParser(delimited: DelimitedTableParser(delimiter: UInt8(ascii: ","), hasHeader: true, name: name))
        case .tsv: return TableParser(delimited: DelimitedTableParser(delimiter: UInt8(ascii: "\t"), hasHeader: true, name: name))
        case .jsonl: return TableParser(jsonLines: JSONLinesTableParser(name: name))
        }
    }

    public func read(_ source: inout some ByteSource) throws -> DataTable {
        var parser = parser(name: source.name)
        while let chunk = try source.nextChunk() { try parser.consume(chunk) }
        return try parser.finish()
    }
}

/// Either table parser behind one incremental interface.
public struct TableParser {
    private var delimited: DelimitedTableParser?
    private var jsonLines: JSONLinesTableParser?

    init(delimited: DelimitedTableParser) { self.delimited = delimited }
    init(jsonLines: JSONLinesTableParser) { self.jsonLines = jsonLines }

    public mutating func consume(_ chunk: Data) throws {
        if delimited != nil { try delimited!.consume(chunk) } else { try jsonLines!.consume(chunk) }
    }

    public mutating func finish() throws -> DataTable {
        if delimited != nil { return try delimited!.finish() }
        return try jsonLines!.finish()
    }
}
