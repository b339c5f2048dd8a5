import Foundation

/// Reads delimited text (RFC 4180: quoted fields with doubled quotes, embedded delimiters and
/// newlines, CRLF or LF) from a file in fixed-size chunks, so memory is bounded by the parsed
/// values, never by the file's text.
public struct CSVReader: Sendable {
    public var delimiter: UInt8
    public var hasHeader: Bool
    public var chunkSize: Int

    public init(delimiter: Character = ",", hasHeader: Bool = true, chunkSize: Int = 1 << 20) {
        self.delimiter = delimiter.asciiValue ?? UInt8(ascii: ",")
        self.hasHeader = hasHeader
        self.chunkSize = chunkSize
    }

    /// Calls `body` with each record's fields and its 1-based line number. Header included.
    public func forEachRecord(path: String, _ body: ([Substring], Int) throws -> Void) throws {
        var source = try FileByteSource(path: path, chunkSize: chunkSize)
        try forEachRecord(source: &source, body)
    }

    /// The same over any byte source.
    public func forEachRecord(source: inout some ByteSource, _ body: ([Substring], Int) throws -> Void) throws {
        var parser = RecordParser(delimiter: delimiter, path: source.name)
        while let chunk = try source.nextChunk() {
            try chunk.withUnsafeBytes { try parser.consume($0.bindMemory(to: UInt8.self), emit: body) }
        }
        try parser.finish(emit: body)
    }

    /// Reads the whole file into typed columns. Numeric columns hold Double (NaN when missing);
    /// any column with a non-numeric value is text. A record with the wrong number of fields is
    /// an error naming its line.
    public func read(path: String) throws -> DataTable {
        var source = try FileByteSource(path: path, chunkSize: chunkSize)
        return try read(source: &source)
    }

    public func read(source: inout some ByteSource) throws -> DataTable {
        var parser = DelimitedTableParser(delimiter: delimiter, hasHeader: hasHeader, name: source.name)
        while let chunk = try source.nextChunk() { try parser.consume(chunk) }
        return try parser.finish()
    }
}

/// Builds a table from delimited text fed a chunk at a time (a file, or an upload as it arrives).
public struct DelimitedTableParser {
    private var records: RecordParser
    private let hasHeader: Bool
    private let name: String
    private var names: [String] = []
    private var builders: [ColumnBuilder] = []

    public init(delimiter: UInt8, hasHeader: Bool, name: String) {
        records = RecordParser(delimiter: delimiter, path: name)
        self.hasHeader = hasHeader
        self.name = name
    }

    private mutating func add(_ fields: [Substring], _ line: Int) throws {
        if names.isEmpty && builders.isEmpty {
            if hasHeader {
                names = fields.enumerated().map { $1.isEmpty ? "column\($0 + 1)" : String($1) }
                builders = Array(repeating: ColumnBuilder(), count: fields.count)
                try checkUniqueNames(names, path: name)
                return
            }
            names = (1...fields.count).map { "column\($0)" }
            builders = Array(repeating: ColumnBuilder(), count: fields.count)
        }
        if fields.count == 1 && fields[0].isEmpty { return }  // blank line
        guard fields.count == builders.count else {
            throw DatasetError.malformed(path: name, reason: "line \(line): \(fields.count) fields, the header has \(builders.count)")
        }
        for (i, field) in fields.enumerated() { builders[i].append(field) }
    }

    public mutating func consume(_ chunk: Data) throws {
        // Moved out while it runs (its callback mutates self); a swap keeps its buffers unshared.
        var records = RecordParser(delimiter: 0, path: "")
        swap(&records, &self.records)
        defer { swap(&records, &self.records) }
        try chunk.withUnsafeBytes { raw in
            try records.consume(raw.bindMemory(to: UInt8.self)) { fields, line in try self.add(fields, line) }
        }
    }

    public mutating func finish() throws -> DataTable {
        var records = RecordParser(delimiter: 0, path: "")
        swap(&records, &self.records)
        defer { swap(&records, &self.records) }
        try records.finish { fields, line in try self.add(fields, line) }
        guard !names.isEmpty else { throw DatasetError.malformed(path: name, reason: "the file is empty") }
        return DataTable(columns: zip(names, builders).map { Column(name: $0, data: $1.data) })
    }
}

func checkUniqueNames(_ names: [String], path: String) throws {
    var seen = Set<String>()
    for name in names where !seen.insert(name).inserted {
        throw DatasetError.malformed(path: path, reason: "column name '\(name)' appears twice in the header")
    }
}

/// Byte-level state machine for delimited records that may span chunk boundaries.
struct RecordParser {
    let delimiter: UInt8
    let path: String
    private var field: [UInt8] = []
    private var fields: [Substring] = []
    private var inQuotes = false
    private var quoteJustClosed = false
    private var line = 1
    private var recordLine = 1
    private var quoteStart = (line: 0, column: 0)
    private var column = 0
    private var sawAnything = false

    init(delimiter: UInt8, path: String) {
        self.delimiter = delimiter
        self.path = path
    }

    private mutating func endField() throws {
        guard let text = String(validating: field, as: UTF8.self) else {
            throw DatasetError.malformed(path: path, reason: "line \(recordLine), field \(fields.count + 1): not valid UTF-8")
        }
        fields.append(Substring(text))
        field.removeAll(keepingCapacity: true)
        quoteJustClosed = false
    }

    private mutating func endRecord(_ emit: ([Substring], Int) throws -> Void) throws {
        try endField()
        try emit(fields, recordLine)
        fields.removeAll(keepingCapacity: true)
        recordLine = line
        sawAnything = false
    }

    mutating func consume(_ bytes: UnsafeBufferPointer<UInt8>, emit: ([Substring], Int) throws -> Void) throws {
        let quote = UInt8(ascii: "\""), newline = UInt8(ascii: "\n"), carriage = UInt8(ascii: "\r")
        for byte in bytes {
            column += 1
            if inQuotes {
                if byte == quote { inQuotes = false; quoteJustClosed = true; continue }
                if byte == newline { line += 1; column = 0 }
                field.append(byte)
                continue
            }
            switch byte {
            case quote:
                if quoteJustClosed {  // "" inside a quoted field is a literal quote
                    field.append(quote)
                    inQuotes = true
                    quoteJustClosed = false
                } else if field.isEmpty {
                    inQuotes = true
                    quoteStart = (line, column)
                } else {
                    throw DatasetError.malformed(path: path, reason:
                        "line \(line), column \(column): a quote inside an unquoted field (quote the whole field and double inner quotes)")
                }
                sawAnything = true
            case delimiter:
                try endField()
                sawAnything = true
            case newline:
                line += 1
                column = 0
                try endRecord(emit)
            case carriage:
                continue
            default:
                if quoteJustClosed {
                    throw DatasetError.malformed(path: path, reason:
                        "line \(line), column \(column): text after the closing quote of a field")
                }
                field.append(byte)
                sawAnything = true
            }
        }
    }

    mutating func finish(emit: ([Substring], Int) throws -> Void) throws {
        if inQuotes {
            throw DatasetError.malformed(path: path, reason:
                "line \(quoteStart.line), column \(quoteStart.column): quoted field is never closed")
        }
        if sawAnything || !field.isEmpty || !fields.isEmpty { try endRecord(emit) }
    }
}
