import Datasets
import Tensor

/// How much a model's score drops when one raw column's values are shuffled among the rows
/// (Breiman; `sklearn.inspection.permutation_importance`): per column, the baseline score minus
/// the score with that column permuted, for each repeat, and their mean and standard deviation
/// (population, as numpy's `std`).
public enum PermutationImportance {
    public struct Result: Sendable {
        public var baseline: Double
        /// [column][repeat]
        public var importances: [[Double]]
        public var means: [Double] { importances.map { $0.reduce(0, +) / Double(max($0.count, 1)) } }
        public var standardDeviations: [Double] {
            importances.map { values in
                let mean = values.reduce(0, +) / Double(max(values.count, 1))
                return (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(max(values.count, 1))).squareRoot()
            }
        }
    }

    /// `score(column, permutation)` scores the data with `column`'s row r taking the value of
    /// row permutation[r] (nil, nil: the unpermuted baseline). `permutations(column, repeat)`
    /// gives the shuffles; `shouldStop` is asked between columns (a cancelled job).
    public static func compute(columns: Int, repeats: Int, permutation: (Int, Int) -> [Int],
                               score: (Int?, [Int]?) throws -> Double, progress: (Int) -> Void = { _ in },
                               shouldStop: () -> Bool = { false }) throws -> Result? {
        let baseline = try score(nil, nil)
        var importances: [[Double]] = []
        for column in 0..<columns {
            if shouldStop() { return nil }
            importances.append(try (0..<repeats).map { baseline - (try score(column, permutation(column, $0))) })
            progress(column + 1)
        }
        return Result(baseline: baseline, importances: importances)
    }

    /// Independent seeded shuffles of 0..<rows, one per (column, repeat).
    public static func seededPermutation(rows: Int, seed: UInt64) -> (Int, Int) -> [Int] {
        { column, repeatIndex in
            var rng = SeededGenerator(seed: seed &+ UInt64(column) &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(repeatIndex) &* 0xBF58_476D_1CE4_E5B9)
            var order = Array(0..<rows)
            order.shuffle(using: &rng)
            return order
        }
    }
}

/// Partial dependence by brute force (`sklearn.inspection.partial_dependence(method="brute")`):
/// for each grid value, every row gets the feature set to it and the model's outputs are
/// averaged over the rows.
public enum PartialDependence {
    /// Averages of `model` (rows → [rows × outputs]) over the rows of `x` with column group
    /// `columns` set to each of `grid`'s rows (one value per column of the group).
    public static func compute(_ x: Matrix, columns: [Int], grid: [[Double]], model: (Matrix) -> Matrix) -> [[Double]] {
        grid.map { values in
            var changed = x
            for r in 0..<x.rows { for (i, c) in columns.enumerated() { changed[r, c] = values[i] } }
            let out = model(changed)
            return (0..<out.columns).map { k in (0..<out.rows).reduce(0.0) { $0 + out[$1, k] } / Double(max(out.rows, 1)) }
        }
    }

    /// An evenly spaced grid between the 5th and 95th percentiles (linear interpolation), or
    /// the distinct values when there are fewer than `resolution`.
    public static func grid(_ values: [Double], resolution: Int = 20) -> [Double] {
        let distinct = Array(Set(values.filter { !$0.isNaN })).sorted()
        if distinct.count <= resolution { return distinct }
        let sorted = values.filter { !$0.isNaN }.sorted()
        func percentile(_ q: Double) -> Double {
            let position = q * Double(sorted.count - 1), lower = Int(position), upper = min(lower + 1, sorted.count - 1)
            return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - Double(lower))
        }
        let (low, high) = (percentile(0.05), percentile(0.95))
        return (0..<resolution).map { low + (high - low) * Double($0) / Double(resolution - 1) }
    }
}
