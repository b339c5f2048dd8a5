import Foundation

/// Copies a table's records byte for byte, leaving out those whose column holds one of the
/// given values (numbers compare as numbers: 42 matches "42.0").
public struct RecordFilter {
    let format: TableFormat
    let column: String
    let values: Set<String>
    let numbers: Set<Double>
    let name: String
    private var columnIndex: Int?
    private var record: [UInt8] = []
    private var inQuotes = false
    private var sawHeader = false
    /// Records left out so far.
    public private(set) var removed = 0

    public init(format: TableFormat, column: String, values: [String], name: String) {
        self.format = format
        self.column = column
        self.values = Set(values)
        numbers = Set(values.compactMap { Double($0.trimmingCharacters(in: .whitespaces)) })
        self.name = name
    }

    func matches(_ value: String?) -> Bool {
        guard let value else { return false }
        if values.contains(value) { return true }
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        return values.contains(trimmed) || (Double(trimmed).map(numbers.contains) ?? false)
    }

    /// Feeds bytes; each kept record (with its line ending) goes to `emit`.
    public mutating func consume(_ chunk: Data, emit: ([UInt8]) throws -> Void) throws {
        for byte in chunk {
            record.append(byte)
            if byte == UInt8(ascii: "\"") && format != .jsonl { inQuotes.toggle() }
            if byte == UInt8(ascii: "\n") && !inQuotes { try endRecord(emit) }
        }
    }

    public mutating func finish(emit: ([UInt8]) throws -> Void) throws {
        if !record.isEmpty { try endRecord(emit) }
    }

    private mutating func endRecord(_ emit: ([UInt8]) throws -> Void) throws {
        defer { record.removeAll(keepingCapacity: true) }
        if format == .jsonl {
            let text = String(decoding: record, as: UTF8.self)
            guard !text.allSatisfy(\.isWhitespace),
                  let object = try? JSONSerialization.jsonObject(with: Data(record)) as? [String: Any] else { return try emit(record) }
            let cell: String? = switch object[column] {
            case let s as String: s
            case let n as NSNumber: n.stringValue
            default: nil
            }
            if matches(cell) { removed += 1 } else { try emit(record) }
            return
        }
        var fields: [String] = []
        var parser = RecordParser(delimiter: format == .tsv ? UInt8(ascii: "\t") : UInt8(ascii: ","), path: name)
        try record.withUnsafeBufferPointer { bytes in try parser.consume(bytes) { f, _ in fields = f.map(String.init) } }
        if fields.isEmpty { try parser.finish { f, _ in fields = f.map(String.init) } }
        if !sawHeader {
            sawHeader = true
            columnIndex = fields.firstIndex(of: column)
            return try emit(record)
        }
        if let index = columnIndex, index < fields.count, matches(fields[index]) { removed += 1 } else { try emit(record) }
    }
}
