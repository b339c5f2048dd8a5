/// How a column is treated: numbers, a small set of categories, free text, or the target.
public enum ColumnKind: String, Codable, Sendable, CaseIterable { case numeric, categorical, text, label }

/// A value with how often it occurs (top categories).
public struct ValueCount: Codable, Sendable, Equatable {
    public var value: String
    public var count: Int
}

/// A column's inferred kind and statistics.
public struct ColumnSchema: Codable, Sendable, Equatable {
    public var name: String
    public var kind: ColumnKind
    public var count: Int
    public var missing: Int
    public var mean: Double?
    public var std: Double?
    public var min: Double?
    public var max: Double?
    public var unique: Int?
    public var top: [ValueCount]?
}

/// Column kinds and statistics of a table.
public struct Schema: Codable, Sendable, Equatable {
    public var rowCount: Int
    public var columns: [ColumnSchema]

    enum CodingKeys: String, CodingKey { case rowCount = "row_count", columns }

    public func column(named name: String) -> ColumnSchema? { columns.first { $0.name == name } }

    /// Infers kinds: numeric columns stay numeric; a string column is text when its values read
    /// like prose (three or more words on average, or mostly distinct and 20+ characters long),
    /// otherwise categorical.
    /// `target` is marked `label`.
    public static func infer(_ table: DataTable, target: String? = nil, topCount: Int = 5) -> Schema {
        Schema(rowCount: table.rowCount, columns: table.columns.map { column in
            var schema: ColumnSchema
            switch column.data {
            case .numeric(let values):
                let present = values.filter { !$0.isNaN }
                let n = Double(max(present.count, 1))
                let mean = present.reduce(0, +) / n
                let variance = present.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / max(n - 1, 1)
                schema = ColumnSchema(name: column.name, kind: .numeric, count: present.count, missing: values.count - present.count,
                                      mean: present.isEmpty ? nil : mean, std: present.count > 1 ? variance.squareRoot() : nil,
                                      min: present.min(), max: present.max(), unique: Set(present).count)
            case .text(let values):
                var counts: [String: Int] = [:]
                var words = 0, characters = 0
                for case let v? in values {
                    counts[v, default: 0] += 1
                    let (w, c) = wordsAndCharacters(v)
                    words += w
                    characters += c
                }
                let present = values.count - values.filter { $0 == nil }.count
                let averageWords = Double(words) / Double(max(present, 1))
                let averageLength = Double(characters) / Double(max(present, 1))
                let prose = averageWords >= 3 || (Double(counts.count) > 0.5 * Double(present) && averageLength >= 20)
                let categorical = !prose
                let top = mostFrequent(counts, topCount)
                schema = ColumnSchema(name: column.name, kind: categorical ? .categorical : .text, count: present,
                                      missing: values.count - present, unique: counts.count,
                                      top: top.map { ValueCount(value: $0.key, count: $0.value) })
            }
            if column.name == target { schema.kind = .label }
            return schema
        })
    }
}

/// Words (runs of non-whitespace) and characters of a value; bytes for ASCII text, where both
/// agree with `split(whereSeparator: \.isWhitespace)` and `count`, which cost a Unicode
/// property lookup per character (most of a gigabyte upload's description).
func wordsAndCharacters(_ value: String) -> (words: Int, characters: Int) {
    var text = value
    let ascii: (Int, Int)? = text.withUTF8 { bytes in
        var words = 0, inWord = false
        for byte in bytes {
            guard byte < 0x80 else { return nil }
            let space = byte == 0x20 || (byte >= 0x09 && byte <= 0x0D)
            if !space && !inWord { words += 1 }
            inWord = !space
        }
        return (words, bytes.count)
    }
    return ascii ?? (value.split(whereSeparator: \.isWhitespace).count, value.count)
}

/// The `k` most frequent values, ties by value, as sorting every count would give, in one pass.
func mostFrequent(_ counts: [String: Int], _ k: Int) -> [(key: String, value: Int)] {
    func before(_ a: (key: String, value: Int), _ b: (key: String, value: Int)) -> Bool { a.value != b.value ? a.value > b.value : a.key < b.key }
    var top: [(key: String, value: Int)] = []
    top.reserveCapacity(k + 1)
    for entry in counts where top.count < k || before(entry, top[top.count - 1]) {
        let at = top.firstIndex { before(entry, $0) } ?? top.count
        top.insert(entry, at: at)
        if top.count > k { top.removeLast() }
    }
    return top
}
