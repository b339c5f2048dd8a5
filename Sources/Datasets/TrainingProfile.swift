import Foundation

/// What a model's training data looked like, stored in its artifact: per raw input column the
/// training distribution drift is measured against, and for explanations the transformed
/// features' means and a small background sample.
public struct TrainingProfile: Codable, Sendable, Equatable {
    public var rows: Int
    public var columns: [ColumnProfile]
    /// The model's predictions on (a sample of) its training rows.
    public var prediction: ColumnProfile?
    /// Means of the transformed features (linear SHAP's reference point).
    public var featureMeans: [Double]?
    /// Transformed training rows drawn at random (KernelSHAP's background).
    public var background: [[Double]]?

    enum CodingKeys: String, CodingKey {
        case rows, columns, prediction, featureMeans = "feature_means", background
    }

    public init(rows: Int, columns: [ColumnProfile], prediction: ColumnProfile? = nil, featureMeans: [Double]? = nil, background: [[Double]]? = nil) {
        self.rows = rows; self.columns = columns; self.prediction = prediction; self.featureMeans = featureMeans; self.background = background
    }

    public func column(_ name: String) -> ColumnProfile? { columns.first { $0.name == name } }

    /// Raw-column profiles for the numeric and categorical inputs of `preprocessor` (text
    /// columns have no per-value distribution to compare and are left out).
    public static func columns(of table: DataTable, preprocessor: FittedPreprocessor, seed: UInt64 = 0) -> [ColumnProfile] {
        preprocessor.columns.compactMap { fitted -> ColumnProfile? in
            guard let column = table.column(named: fitted.name) else { return nil }
            switch fitted {
            case .numeric:
                let values: [Double]
                switch column.data {
                case .numeric(let v): values = v
                case .text(let v): values = v.map { $0.flatMap(Double.init) ?? .nan }
                }
                return .numeric(fitted.name, values: values, seed: seed)
            case .oneHot(_, _, let categories), .ordinal(_, _, let categories):
                return .categorical(fitted.name, values: (0..<column.data.count).map { column.data.string(at: $0) }, categories: categories)
            case .bagOfWords, .sequence:
                return nil
            }
        }
    }
}

/// One column's training distribution. Numeric: deciles as bin edges (a value falls in the
/// first bin whose upper edge is ≥ it), the share of training values per bin, and a sorted
/// sample of up to `sampleLimit` values for the Kolmogorov–Smirnov test. Categorical: the
/// share of each category, with a last bin for values training never saw.
public struct ColumnProfile: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable { case numeric, categorical }
    public var name: String
    public var kind: Kind
    public var edges: [Double]?
    public var categories: [String]?
    public var shares: [Double]
    public var sample: [Double]?
    public var missingShare: Double

    public static let sampleLimit = 1000
    public static let bins = 10

    enum CodingKeys: String, CodingKey { case name, kind, edges, categories, shares, sample, missingShare = "missing_share" }

    public static func numeric(_ name: String, values: [Double], seed: UInt64 = 0) -> ColumnProfile {
        let present = values.filter { !$0.isNaN }.sorted()
        var edges: [Double] = []
        if !present.isEmpty {
            for i in 1..<bins {
                let q = quantile(present, Double(i) / Double(bins))
                if edges.last.map({ q > $0 }) ?? true { edges.append(q) }
            }
        }
        var profile = ColumnProfile(name: name, kind: .numeric, edges: edges, categories: nil, shares: [], sample: nil,
                                    missingShare: values.isEmpty ? 0 : Double(values.count - present.count) / Double(values.count))
        profile.shares = profile.binShares(present)
        profile.sample = evenSample(present, limit: sampleLimit)
        return profile
    }

    public static func categorical(_ name: String, values: [String?], categories: [String]) -> ColumnProfile {
        var profile = ColumnProfile(name: name, kind: .categorical, edges: nil, categories: categories, shares: [], sample: nil,
                                    missingShare: values.isEmpty ? 0 : Double(values.filter { $0 == nil }.count) / Double(values.count))
        let lookup = Dictionary(categories.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        var counts = [Double](repeating: 0, count: categories.count + 1)
        for case let value? in values { counts[lookup[value] ?? categories.count] += 1 }
        let total = counts.reduce(0, +)
        profile.shares = counts.map { total > 0 ? $0 / total : 0 }
        return profile
    }

    /// The bin of a numeric value (edges.count + 1 bins).
    public func bin(of value: Double) -> Int {
        let edges = self.edges ?? []
        var low = 0, high = edges.count
        while low < high { let mid = (low + high) / 2; if edges[mid] < value { low = mid + 1 } else { high = mid } }
        return low
    }

    /// Shares of `values` (non-missing numbers) over this column's bins.
    public func binShares(_ values: [Double]) -> [Double] {
        var counts = [Double](repeating: 0, count: (edges?.count ?? 0) + 1)
        for v in values { counts[bin(of: v)] += 1 }
        let total = counts.reduce(0, +)
        return counts.map { total > 0 ? $0 / total : 0 }
    }

    /// Linear interpolation between order statistics (numpy's default quantile).
    static func quantile(_ sorted: [Double], _ q: Double) -> Double {
        let position = q * Double(sorted.count - 1)
        let lower = Int(position), upper = min(lower + 1, sorted.count - 1)
        return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - Double(lower))
    }

    /// Every k-th value of a sorted array so that at most `limit` remain (a sorted, evenly
    /// spread sample: the same empirical distribution at a bounded size).
    static func evenSample(_ sorted: [Double], limit: Int) -> [Double] {
        guard sorted.count > limit else { return sorted }
        return (0..<limit).map { sorted[Int((Double($0) + 0.5) * Double(sorted.count) / Double(limit))] }
    }
}
