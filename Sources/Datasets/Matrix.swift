/// A dense row-major matrix of Double: the feature matrix classical learners fit on.
/// (Neural networks use Float32 `Tensor`s; learners such as least squares and SVMs keep
/// double precision to match scikit-learn's results.)
public struct Matrix: Sendable, Equatable {
    public let rows: Int
    public let columns: Int
    public var values: [Double]

    public init(rows: Int, columns: Int, values: [Double]) {
        precondition(values.count == rows * columns, "\(values.count) values for a \(rows)x\(columns) matrix")
        self.rows = rows
        self.columns = columns
        self.values = values
    }

    public init(rows: Int, columns: Int, repeating value: Double = 0) {
        self.init(rows: rows, columns: columns, values: Array(repeating: value, count: rows * columns))
    }

    public init(rowArrays: [[Double]]) {
        let columns = rowArrays.first?.count ?? 0
        self.init(rows: rowArrays.count, columns: columns, values: rowArrays.flatMap { $0 })
    }

    @inlinable public subscript(row: Int, column: Int) -> Double {
        get { values[row * columns + column] }
        set { values[row * columns + column] = newValue }
    }

    public func row(_ r: Int) -> ArraySlice<Double> { values[(r * columns)..<((r + 1) * columns)] }

    public func column(_ c: Int) -> [Double] { (0..<rows).map { values[$0 * columns + c] } }

    /// Each column's mean (0 for a matrix with no rows).
    public var columnMeans: [Double] {
        var means = [Double](repeating: 0, count: columns)
        for r in 0..<rows { for c in 0..<columns { means[c] += values[r * columns + c] } }
        return means.map { rows > 0 ? $0 / Double(rows) : 0 }
    }

    public func rows(_ indices: [Int]) -> Matrix {
        var out: [Double] = []
        out.reserveCapacity(indices.count * columns)
        for r in indices { out.append(contentsOf: row(r)) }
        return Matrix(rows: indices.count, columns: columns, values: out)
    }

    public var transposed: Matrix {
        var out = [Double](repeating: 0, count: values.count)
        for r in 0..<rows { for c in 0..<columns { out[c * rows + r] = values[r * columns + c] } }
        return Matrix(rows: columns, columns: rows, values: out)
    }
}
