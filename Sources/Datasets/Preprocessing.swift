/// A problem with data or preprocessing options, naming the column or field and the limit.
public struct DataError: Error, CustomStringConvertible, Equatable, Sendable {
    public let field: String
    public let message: String
    public init(_ field: String, _ message: String) { self.field = field; self.message = message }
    public var description: String { "\(field): \(message)" }
}

/// How to turn raw columns into model features, per column kind (scikit-learn's
/// ColumnTransformer defaults where this is silent).
public struct PreprocessingSpec: Codable, Sendable, Equatable {
    public enum Imputation: String, Codable, Sendable { case mean, median, mostFrequent = "most_frequent", constant }
    public enum Scaling: String, Codable, Sendable { case standard, minmax, none, pixel }
    public enum Encoding: String, Codable, Sendable { case oneHot = "one_hot", ordinal }
    public enum Vectorizer: String, Codable, Sendable { case tfidf, counts, sequence }

    public struct Numeric: Codable, Sendable, Equatable {
        public var impute: Imputation = .mean
        public var fillValue: Double?
        public var scale: Scaling = .standard
        enum CodingKeys: String, CodingKey { case impute, scale, fillValue = "fill_value" }
        public init(impute: Imputation = .mean, fillValue: Double? = nil, scale: Scaling = .standard) {
            self.impute = impute; self.fillValue = fillValue; self.scale = scale
        }
    }

    public struct Categorical: Codable, Sendable, Equatable {
        public var impute: Imputation = .mostFrequent
        public var fillValue: String?
        public var encode: Encoding = .oneHot
        /// Keep only the most frequent categories; the rest are treated as unknown.
        public var maxCategories: Int?
        enum CodingKeys: String, CodingKey { case impute, encode, fillValue = "fill_value", maxCategories = "max_categories" }
        public init(impute: Imputation = .mostFrequent, fillValue: String? = nil, encode: Encoding = .oneHot, maxCategories: Int? = nil) {
            self.impute = impute; self.fillValue = fillValue; self.encode = encode; self.maxCategories = maxCategories
        }
    }

    public struct Text: Codable, Sendable, Equatable {
        public var lowercase: Bool = true
        public var vectorize: Vectorizer = .tfidf
        /// Vocabulary size cap (most frequent words in the training split).
        public var maxFeatures: Int = 10000
        /// Sequence length for `sequence` (token ids, padded with 0 or truncated).
        public var maxLength: Int = 100
        enum CodingKeys: String, CodingKey { case lowercase, vectorize, maxFeatures = "max_features", maxLength = "max_length" }
        public init(lowercase: Bool = true, vectorize: Vectorizer = .tfidf, maxFeatures: Int = 10000, maxLength: Int = 100) {
            self.lowercase = lowercase; self.vectorize = vectorize; self.maxFeatures = maxFeatures; self.maxLength = maxLength
        }
    }

    public var numeric = Numeric()
    public var categorical = Categorical()
    public var text = Text()
    /// Column kinds that override inference, by column name.
    public var kinds: [String: ColumnKind]?
    /// Columns to leave out (ids, leakage).
    public var drop: [String]?
    /// Sensitive columns whose groups are reweighed before fitting (Kamiran & Calders 2012):
    /// each row weighs P(group)·P(label) / P(group, label), so in the weighted training data
    /// the label is independent of the group. Classifiers only; the columns stay features
    /// unless `drop` names them.
    public var reweigh: [String]?

    public init() {}

    enum CodingKeys: String, CodingKey { case numeric, categorical, text, kinds, drop, reweigh }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        numeric = try c.decodeIfPresent(Numeric.self, forKey: .numeric) ?? Numeric()
        categorical = try c.decodeIfPresent(Categorical.self, forKey: .categorical) ?? Categorical()
        text = try c.decodeIfPresent(Text.self, forKey: .text) ?? Text()
        kinds = try c.decodeIfPresent([String: ColumnKind].self, forKey: .kinds)
        drop = try c.decodeIfPresent([String].self, forKey: .drop)
        reweigh = try c.decodeIfPresent([String].self, forKey: .reweigh)
        if let reweigh, reweigh.isEmpty || reweigh.count > 4 || Set(reweigh).count != reweigh.count {
            throw DataError("preprocessing.reweigh", "must be 1 to 4 distinct column names, e.g. [\"sex\"]")
        }
        guard (1...1_000_000).contains(text.maxFeatures) else {
            throw DataError("preprocessing.text.max_features", "must be between 1 and 1000000, got \(text.maxFeatures)")
        }
        guard (1...100_000).contains(text.maxLength) else {
            throw DataError("preprocessing.text.max_length", "must be between 1 and 100000, got \(text.maxLength)")
        }
    }
}

/// Kamiran–Calders reweighing: weight P(group)·P(label) / P(group, label) = n_g·n_y / (n·n_gy)
/// for each row, where the group is the row's values of `columns` (their intersection).
public enum Reweighing {
    public static func weights(table: DataTable, columns: [String], labels: [Double]) throws -> [Double] {
        var keys = [[String]](repeating: [], count: table.rowCount)
        for (i, name) in columns.enumerated() {
            guard let column = table.column(named: name) else {
                throw DataError("preprocessing.reweigh[\(i)]", "no column named '\(name)'; columns: \(table.columnNames.joined(separator: ", "))")
            }
            for r in 0..<table.rowCount { keys[r].append(column.data.string(at: r) ?? "(missing)") }
        }
        return weights(groups: keys, labels: labels)
    }

    public static func weights<Group: Hashable>(groups: [Group], labels: [Double]) -> [Double] {
        var byGroup: [Group: Double] = [:], byLabel: [Double: Double] = [:], byBoth: [Pair<Group>: Double] = [:]
        for (group, label) in zip(groups, labels) {
            byGroup[group, default: 0] += 1; byLabel[label, default: 0] += 1; byBoth[Pair(group: group, label: label), default: 0] += 1
        }
        let n = Double(labels.count)
        return zip(groups, labels).map { group, label in byGroup[group]! * byLabel[label]! / (n * byBoth[Pair(group: group, label: label)]!) }
    }

    struct Pair<Group: Hashable>: Hashable { var group: Group; var label: Double }
}

/// One column's fitted transformation. Every parameter was learned from the training split.
public enum FittedColumn: Codable, Sendable, Equatable {
    /// (x, or `fill` when missing) → (x − shift) · factor.
    case numeric(name: String, fill: Double, shift: Double, factor: Double)
    /// One indicator per known category; an unknown category is all zeros.
    case oneHot(name: String, fill: String, categories: [String])
    /// Index of the category; an unknown category is −1.
    case ordinal(name: String, fill: String, categories: [String])
    /// Bag of words over `vocabulary`; TF-IDF (smooth idf, L2-normalised rows) when `idf` is set, counts otherwise.
    case bagOfWords(name: String, lowercase: Bool, vocabulary: [String], idf: [Double]?)
    /// Token ids (0 = padding, 1 = out of vocabulary, 2… = vocabulary) padded/truncated to `length`.
    case sequence(name: String, lowercase: Bool, vocabulary: [String], length: Int)

    public var name: String {
        switch self {
        case .numeric(let n, _, _, _), .oneHot(let n, _, _), .ordinal(let n, _, _), .bagOfWords(let n, _, _, _),
             .sequence(let n, _, _, _): return n
        }
    }

    public var width: Int {
        switch self {
        case .numeric, .ordinal: return 1
        case .oneHot(_, _, let categories): return categories.count
        case .bagOfWords(_, _, let vocabulary, _): return vocabulary.count
        case .sequence(_, _, _, let length): return length
        }
    }
}

/// A raw input value as a client sends it.
public enum CellValue: Sendable, Equatable {
    case number(Double)
    case string(String)
    case missing
}

/// The fitted preprocessing of a model: turns raw tables or records into the feature matrix the
/// learner was trained on. Stored in the model artifact, so an endpoint accepts raw values.
public struct FittedPreprocessor: Codable, Sendable {
    public let columns: [FittedColumn]
    /// Word → index for each text column, rebuilt on load (not stored).
    private let lookups: [[String: Int]]

    public init(columns: [FittedColumn]) {
        self.columns = columns
        lookups = columns.map { column in
            switch column {
            case .oneHot(_, _, let v), .ordinal(_, _, let v), .bagOfWords(_, _, let v, _), .sequence(_, _, let v, _):
                return Dictionary(uniqueKeysWithValues: v.enumerated().map { ($1, $0) })
            case .numeric: return [:]
            }
        }
    }

    enum CodingKeys: String, CodingKey { case columns }
    public init(from decoder: any Decoder) throws {
        self.init(columns: try decoder.container(keyedBy: CodingKeys.self).decode([FittedColumn].self, forKey: .columns))
    }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(columns, forKey: .columns)
    }

    public var width: Int { columns.reduce(0) { $0 + $1.width } }
    public var inputNames: [String] { columns.map(\.name) }

    /// Learns every column's parameters from `table`, which must hold only training rows.
    public static func fit(_ spec: PreprocessingSpec, table: DataTable, target: String?) throws -> FittedPreprocessor {
        let schema = Schema.infer(table, target: target)
        var fitted: [FittedColumn] = []
        for (column, info) in zip(table.columns, schema.columns) {
            if column.name == target || spec.drop?.contains(column.name) == true { continue }
            let kind = spec.kinds?[column.name] ?? info.kind
            switch (kind, column.data) {
            case (.numeric, .numeric(let values)):
                fitted.append(try fitNumeric(column.name, values, spec.numeric))
            case (.numeric, .text):
                throw DataError(column.name, "declared numeric but holds non-numeric values")
            case (.categorical, let data), (.label, let data):
                let values = (0..<data.count).map { data.string(at: $0) }
                fitted.append(fitCategorical(column.name, values, spec.categorical))
            case (.text, let data):
                let values = (0..<data.count).map { data.string(at: $0) }
                fitted.append(fitText(column.name, values, spec.text))
            }
        }
        guard !fitted.isEmpty else { throw DataError("columns", "no feature columns are left besides the target") }
        return FittedPreprocessor(columns: fitted)
    }

    static func fitNumeric(_ name: String, _ values: [Double], _ spec: PreprocessingSpec.Numeric) throws -> FittedColumn {
        let present = values.filter { !$0.isNaN }
        let fill: Double
        switch spec.impute {
        case .mean: fill = present.isEmpty ? 0 : present.reduce(0, +) / Double(present.count)
        case .median: fill = median(present) ?? 0
        case .mostFrequent: fill = mostFrequent(present.map { $0 }) ?? 0
        case .constant: fill = spec.fillValue ?? 0
        }
        let imputed = values.map { $0.isNaN ? fill : $0 }
        switch spec.scale {
        case .none: return .numeric(name: name, fill: fill, shift: 0, factor: 1)
        case .pixel: return .numeric(name: name, fill: fill, shift: 0, factor: 1 / 255)
        case .standard:
            let mean = imputed.reduce(0, +) / Double(max(imputed.count, 1))
            let std = (imputed.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(max(imputed.count, 1))).squareRoot()
            return .numeric(name: name, fill: fill, shift: mean, factor: std > 0 ? 1 / std : 1)
        case .minmax:
            let low = imputed.min() ?? 0, high = imputed.max() ?? 1
            return .numeric(name: name, fill: fill, shift: low, factor: high > low ? 1 / (high - low) : 1)
        }
    }

    static func fitCategorical(_ name: String, _ values: [String?], _ spec: PreprocessingSpec.Categorical) -> FittedColumn {
        let present = values.compactMap { $0 }
        let fill = spec.impute == .constant ? (spec.fillValue ?? "missing") : (mostFrequent(present) ?? "missing")
        var counts: [String: Int] = [:]
        for v in values { counts[v ?? fill, default: 0] += 1 }
        var categories = counts.keys.sorted()
        if let cap = spec.maxCategories, categories.count > cap {
            categories = Array(counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(cap).map(\.key)).sorted()
        }
        return spec.encode == .oneHot ? .oneHot(name: name, fill: fill, categories: categories)
                                      : .ordinal(name: name, fill: fill, categories: categories)
    }

    static func fitText(_ name: String, _ values: [String?], _ spec: PreprocessingSpec.Text) -> FittedColumn {
        let minimum = spec.vectorize == .sequence ? 1 : 2
        var frequency: [String: Int] = [:], documentFrequency: [String: Int] = [:]
        for text in values {
            let tokens = tokenize(text ?? "", lowercase: spec.lowercase, minimumLength: minimum)
            for t in tokens { frequency[t, default: 0] += 1 }
            for t in Set(tokens) { documentFrequency[t, default: 0] += 1 }
        }
        let kept = frequency.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(spec.maxFeatures).map(\.key)
        switch spec.vectorize {
        case .sequence:
            return .sequence(name: name, lowercase: spec.lowercase, vocabulary: kept, length: spec.maxLength)
        case .counts:
            return .bagOfWords(name: name, lowercase: spec.lowercase, vocabulary: kept.sorted(), idf: nil)
        case .tfidf:
            let vocabulary = kept.sorted(), n = Double(values.count)
            let idf = vocabulary.map { log((1 + n) / (1 + Double(documentFrequency[$0]!))) + 1 }
            return .bagOfWords(name: name, lowercase: spec.lowercase, vocabulary: vocabulary, idf: idf)
        }
    }

    /// Features for every row of `table` (which may hold the target; it is ignored).
    public func transform(_ table: DataTable) throws -> Matrix {
        let sources = try columns.map { fitted -> ColumnData in
            guard let column = table.column(named: fitted.name) else {
                throw DataError(fitted.name, "column is missing; the model was trained with columns \(inputNames.joined(separator: ", "))")
            }
            return column.data
        }
        return try transform(rowCount: table.rowCount) { c, row in
            switch sources[c] {
            case .numeric(let v): return v[row].isNaN ? .missing : .number(v[row])
            case .text(let v): return v[row].map(CellValue.string) ?? .missing
            }
        }
    }

    /// Features for raw records (name → value), as an endpoint receives them.
    public func transform(records: [[String: CellValue]]) throws -> Matrix {
        try transform(rowCount: records.count) { c, row in
            guard let value = records[row][columns[c].name] else {
                throw DataError("instances[\(row)].\(columns[c].name)", "is required")
            }
            return value
        }
    }

    private func transform(rowCount: Int, value: (Int, Int) throws -> CellValue) throws -> Matrix {
        let width = self.width
        var out = [Double](repeating: 0, count: rowCount * width)
        for row in 0..<rowCount {
            var offset = row * width
            for (c, column) in columns.enumerated() {
                let cell = try value(c, row)
                switch column {
                case let .numeric(name, fill, shift, factor):
                    let x: Double
                    switch cell {
                    case .number(let v): x = v
                    case .missing: x = fill
                    case .string(let s):
                        guard let v = Double(s.trimmingCharacters(in: .whitespaces)) else {
                            if missingTokens.contains(s) { x = fill; break }
                            throw DataError(name, "row \(row): '\(s)' is not a number")
                        }
                        x = v
                    }
                    guard x.isFinite else { throw DataError(name, "row \(row): \(x) is not a finite number") }
                    out[offset] = (x - shift) * factor
                case let .oneHot(_, fill, _):
                    if let index = lookups[c][cell.text ?? fill] { out[offset + index] = 1 }
                case let .ordinal(_, fill, _):
                    out[offset] = Double(lookups[c][cell.text ?? fill] ?? -1)
                case let .bagOfWords(_, lowercase, _, idf):
                    let tokens = tokenize(cell.text ?? "", lowercase: lowercase, minimumLength: 2)
                    for t in tokens { if let index = lookups[c][t] { out[offset + index] += 1 } }
                    if let idf {
                        var norm = 0.0
                        for i in 0..<idf.count { out[offset + i] *= idf[i]; norm += out[offset + i] * out[offset + i] }
                        if norm > 0 { let s = 1 / norm.squareRoot(); for i in 0..<idf.count { out[offset + i] *= s } }
                    }
                case let .sequence(_, lowercase, _, length):
                    let tokens = tokenize(cell.text ?? "", lowercase: lowercase, minimumLength: 1)
                    for (i, t) in tokens.prefix(length).enumerated() { out[offset + i] = Double((lookups[c][t] ?? -1) + 2) }
                }
                offset += column.width
            }
        }
        return Matrix(rows: rowCount, columns: width, values: out)
    }
}

extension CellValue {
    var text: String? {
        switch self {
        case .string(let s): return missingTokens.contains(s) ? nil : s
        case .number(let v): return formatNumber(v)
        case .missing: return nil
        }
    }
}

/// Words of at least `minimumLength` letters, digits or underscores (scikit-learn's default
/// token pattern `\b\w\w+\b` for a minimum of 2).
public func tokenize(_ text: String, lowercase: Bool, minimumLength: Int) -> [String] {
    var tokens: [String] = []
    var current = ""
    for character in lowercase ? text.lowercased() : text {
        if character.isLetter || character.isNumber || character == "_" {
            current.append(character)
        } else {
            if current.count >= minimumLength { tokens.append(current) }
            current = ""
        }
    }
    if current.count >= minimumLength { tokens.append(current) }
    return tokens
}

func median(_ values: [Double]) -> Double? {
    guard !values.isEmpty else { return nil }
    let sorted = values.sorted(), mid = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/// The most frequent value; ties go to the smallest (scikit-learn's SimpleImputer rule).
func mostFrequent<T: Hashable & Comparable>(_ values: [T]) -> T? {
    var counts: [T: Int] = [:]
    for v in values { counts[v, default: 0] += 1 }
    return counts.max { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }?.key
}

/// Class labels of a classification target, in sorted order (numbers numerically).
public struct LabelEncoding: Codable, Sendable, Equatable {
    public let classes: [String]

    public init(classes: [String]) { self.classes = classes }

    /// Learns the classes of `column` (training rows); missing targets are an error.
    public static func fit(_ column: Column) throws -> LabelEncoding {
        var seen = Set<String>()
        for row in 0..<column.data.count {
            guard let value = column.data.string(at: row) else {
                throw DataError(column.name, "row \(row + 1): the target is missing")
            }
            seen.insert(value)
        }
        let numeric = seen.allSatisfy { Double($0) != nil }
        return LabelEncoding(classes: seen.sorted { numeric ? Double($0)! < Double($1)! : $0 < $1 })
    }

    /// Class index of every row; a class not seen in training is an error naming the row.
    public func encode(_ column: Column) throws -> [Int] {
        let index = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
        return try (0..<column.data.count).map { row in
            guard let value = column.data.string(at: row), let i = index[value] else {
                throw DataError(column.name, "row \(row + 1): '\(column.data.string(at: row) ?? "")' is not one of the classes \(classes)")
            }
            return i
        }
    }
}

import Foundation
