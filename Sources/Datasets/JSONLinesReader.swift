import Foundation

/// Reads JSON Lines: one JSON object per line. Columns are the union of keys in order of first
/// appearance; absent keys and nulls are missing; booleans become 0/1; nested values are kept as
/// their JSON text.
public enum JSONLinesReader {
    public static func read(path: String) throws -> DataTable {
        var source = try FileByteSource(path: path)
        return try read(source: &source)
    }

    public static func read(source: inout some ByteSource) throws -> DataTable {
        try TableFormat.jsonl.read(&source)
    }
}

/// Builds a table from JSON Lines fed a chunk at a time.
public struct JSONLinesTableParser {
    private let name: String
    private var names: [String] = []
    private var index: [String: Int] = [:]
    private var builders: [ColumnBuilder] = []
    private var rows = 0
    private var pending: [UInt8] = []
    private var line = 0
    private let decoder = JSONDecoder()

    public init(name: String) { self.name = name }

    private mutating func add(_ bytes: ArraySlice<UInt8>) throws {
        line += 1
        guard let text = String(validating: bytes.last == UInt8(ascii: "\r") ? bytes.dropLast() : bytes, as: UTF8.self) else {
            throw DatasetError.malformed(path: name, reason: "line \(line): not valid UTF-8")
        }
        if text.allSatisfy(\.isWhitespace) { return }
        guard let object = try? decoder.decode([String: JSONValue].self, from: Data(text.utf8)) else {
            throw DatasetError.malformed(path: name, reason: "line \(line): not a JSON object")
        }
        for key in object.keys.sorted() where index[key] == nil {
            index[key] = names.count
            names.append(key)
            var builder = ColumnBuilder()
            for _ in 0..<rows { builder.appendMissing() }
            builders.append(builder)
        }
        for (i, name) in names.enumerated() {
            switch object[name] {
            case nil, .null?: builders[i].appendMissing()
            case .bool(let b)?: builders[i].append(b ? "1" : "0")
            case .number(let n)?: builders[i].append(Substring(formatNumber(n)))
            case .string(let s)?: builders[i].append(Substring(s))
            case .nested(let json)?: builders[i].append(Substring(json))
            }
        }
        rows += 1
    }

    public mutating func consume(_ chunk: Data) throws {
        pending.append(contentsOf: chunk)
        var start = pending.startIndex
        while let newline = pending[start...].firstIndex(of: UInt8(ascii: "\n")) {
            try add(pending[start..<newline])
            start = newline + 1
        }
        pending.removeSubrange(..<start)
    }

    public mutating func finish() throws -> DataTable {
        if !pending.isEmpty { try add(pending[...]); pending.removeAll() }
        return DataTable(columns: zip(names, builders).map { Column(name: $0, data: $1.data) })
    }
}

/// A JSON value as a table cell: scalars kept, arrays and objects as their JSON text.
enum JSONValue: Decodable {
    case null, bool(Bool), number(Double), string(String), nested(String)

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let n = try? c.decode(Double.self) { self = .number(n) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { self = .nested("[" + a.map(\.json).joined(separator: ",") + "]") }
        else {
            let o = try c.decode([String: JSONValue].self)
            self = .nested("{" + o.keys.sorted().map { "\"\($0)\":\(o[$0]!.json)" }.joined(separator: ",") + "}")
        }
    }

    var json: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .number(let n): return formatNumber(n)
        case .string(let s): return "\"" + s.replacingOccurrences(of: "\"", with: "\\\"") + "\""
        case .nested(let j): return j
        }
    }
}
