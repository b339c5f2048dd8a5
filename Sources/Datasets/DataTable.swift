import Foundation

/// Values of one column: numbers (missing = NaN) or strings (missing = nil).
public enum ColumnData: Sendable, Equatable {
    case numeric([Double])
    case text([String?])

    public var count: Int {
        switch self {
        case .numeric(let v): return v.count
        case .text(let v): return v.count
        }
    }

    func subset(_ indices: [Int]) -> ColumnData {
        switch self {
        case .numeric(let v): return .numeric(indices.map { v[$0] })
        case .text(let v): return .text(indices.map { v[$0] })
        }
    }

    /// Value at `row` as text (numbers printed without a trailing ".0" when integral).
    public func string(at row: Int) -> String? {
        switch self {
        case .numeric(let v): return v[row].isNaN ? nil : formatNumber(v[row])
        case .text(let v): return v[row]
        }
    }
}

/// A named column.
public struct Column: Sendable, Equatable {
    public var name: String
    public var data: ColumnData

    public init(name: String, data: ColumnData) {
        self.name = name
        self.data = data
    }
}

/// A table read from a data file: named columns of equal length.
public struct DataTable: Sendable, Equatable {
    public var columns: [Column]

    public init(columns: [Column]) {
        precondition(Set(columns.map(\.data.count)).count <= 1, "columns of different lengths")
        self.columns = columns
    }

    public var rowCount: Int { columns.first?.data.count ?? 0 }
    public var columnNames: [String] { columns.map(\.name) }

    public func column(named name: String) -> Column? { columns.first { $0.name == name } }

    /// The rows at `indices`, in that order.
    public func rows(_ indices: [Int]) -> DataTable {
        DataTable(columns: columns.map { Column(name: $0.name, data: $0.data.subset(indices)) })
    }

    public func dropping(_ name: String) -> DataTable {
        DataTable(columns: columns.filter { $0.name != name })
    }
}

public func formatNumber(_ value: Double) -> String {
    if value == value.rounded(), Swift.abs(value) < 1e15 { return String(Int64(value)) }
    return String(value)
}

/// Strings that mean "no value" in CSV and JSON data.
let missingTokens: Set<String> = ["", "NA", "N/A", "na", "n/a", "NaN", "nan", "null", "NULL", "None", "none", "?"]

/// Accumulates one column's values while a file streams in: numeric until a value that is not a
/// number (nor a missing marker) appears, then text from there on.
struct ColumnBuilder {
    private(set) var numbers: [Double] = []
    private(set) var strings: [String?]? = nil

    mutating func append(_ field: Substring) {
        if strings != nil {
            let text = String(field)
            strings!.append(isMissing(text) ? nil : text)
            return
        }
        let trimmed = Self.trimmed(field)
        if isMissing(trimmed) {
            numbers.append(.nan)
        } else if let value = Double(trimmed) {
            numbers.append(value)
        } else {
            strings = numbers.map { $0.isNaN ? nil : formatNumber($0) }
            strings!.append(String(field))
            numbers = []
        }
    }

    /// A missing marker (all are at most four bytes: most values are ruled out by length).
    private func isMissing<S: StringProtocol>(_ text: S) -> Bool {
        text.utf8.count <= 4 && missingTokens.contains(String(text))
    }

    /// `field` without the white space at its ends; most fields have none, which the bytes at
    /// either end show without Foundation's trimming (a Unicode lookup per character).
    static func trimmed(_ field: Substring) -> String {
        func plain(_ byte: UInt8?) -> Bool { byte.map { $0 < 0x80 && $0 != 0x20 && $0 != 0x09 } ?? true }
        if plain(field.utf8.first) && plain(field.utf8.last) { return String(field) }
        return field.trimmingCharacters(in: .whitespaces)
    }

    mutating func appendMissing() {
        if strings != nil { strings!.append(nil) } else { numbers.append(.nan) }
    }

    var data: ColumnData { strings.map { .text($0) } ?? .numeric(numbers) }
}
