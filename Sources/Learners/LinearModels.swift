import COpenBLAS
import Datasets
import Foundation
import Tensor

/// Least squares with an intercept, optionally penalised: ordinary (QR through LAPACK's dgels,
/// never the normal equations), ridge (QR of the data stacked over √α·I), and lasso / elastic
/// net by cyclic coordinate descent on scikit-learn's objective
/// 1/(2n)·‖y − Xw‖² + α·ρ·‖w‖₁ + α·(1 − ρ)/2·‖w‖².
public struct LinearRegression: Learner {
    public enum Penalty: Sendable, Equatable {
        case none
        case ridge(alpha: Double)
        case elasticNet(alpha: Double, l1Ratio: Double, maxIterations: Int, tolerance: Double)
    }

    public let penalty: Penalty
    public internal(set) var coefficients: [Double] = []
    public internal(set) var intercept: Double = 0

    public init(penalty: Penalty) { self.penalty = penalty }

    public mutating func fit(_ x: Matrix, _ y: [Double]) throws {
        let (n, p) = (x.rows, x.columns)
        guard n > 0, y.count == n else { throw DataError("y", "expected \(n) targets, got \(y.count)") }
        let means = (0..<p).map { c in (0..<n).reduce(0.0) { $0 + x[$1, c] } / Double(n) }
        let yMean = y.reduce(0, +) / Double(n)
        switch penalty {
        case .none:
            coefficients = try leastSquares(rows: n, columns: p, extraRidge: 0) { i, j in x[i, j] - means[j] } rhs: { y[$0] - yMean }
        case .ridge(let alpha):
            coefficients = try leastSquares(rows: n, columns: p, extraRidge: alpha) { i, j in x[i, j] - means[j] } rhs: { y[$0] - yMean }
        case let .elasticNet(alpha, l1Ratio, maxIterations, tolerance):
            coefficients = coordinateDescent(x, y, means: means, yMean: yMean, alpha: alpha, l1Ratio: l1Ratio,
                                             maxIterations: maxIterations, tolerance: tolerance)
        }
        intercept = yMean - zip(coefficients, means).reduce(0) { $0 + $1.0 * $1.1 }
    }

    public func predict(_ x: Matrix) -> [Double] {
        (0..<x.rows).map { r in intercept + zip(x.row(r), coefficients).reduce(0) { $0 + $1.0 * $1.1 } }
    }

    /// Solves min ‖A·w − b‖² (+ ridge·‖w‖² by stacking √ridge·I under A) with LAPACK's QR.
    private func leastSquares(rows n: Int, columns p: Int, extraRidge: Double,
                              _ a: (Int, Int) -> Double, rhs: (Int) -> Double) throws -> [Double] {
        ComputeThreads.prepareBLAS()
        let m = n + (extraRidge > 0 ? p : 0)
        var matrix = [Double](repeating: 0, count: m * p)  // column-major
        for j in 0..<p {
            for i in 0..<n { matrix[j * m + i] = a(i, j) }
            if extraRidge > 0 { matrix[j * m + n + j] = extraRidge.squareRoot() }
        }
        let ldb = max(m, p)
        var b = [Double](repeating: 0, count: ldb)
        for i in 0..<n { b[i] = rhs(i) }
        var (mm, pp, one, lda, ldbb, info) = (Int32(m), Int32(p), Int32(1), Int32(max(m, 1)), Int32(ldb), Int32(0))
        var trans = CChar(UInt8(ascii: "N"))
        var workSize = 0.0, query = Int32(-1)
        dgels_(&trans, &mm, &pp, &one, &matrix, &lda, &b, &ldbb, &workSize, &query, &info)
        var lwork = Int32(workSize)
        var work = [Double](repeating: 0, count: max(Int(lwork), 1))
        dgels_(&trans, &mm, &pp, &one, &matrix, &lda, &b, &ldbb, &work, &lwork, &info)
        guard info == 0 else {
            throw DataError("features", "least squares failed: the feature matrix is rank-deficient (LAPACK dgels info \(info)); drop constant or duplicate columns or use ridge")
        }
        return Array(b[0..<p])
    }

    private func coordinateDescent(_ x: Matrix, _ y: [Double], means: [Double], yMean: Double, alpha: Double, l1Ratio: Double,
                                   maxIterations: Int, tolerance: Double) -> [Double] {
        let (n, p) = (x.rows, x.columns)
        // Centred columns, stored column by column for the inner loops.
        let columns = (0..<p).map { j in (0..<n).map { x[$0, j] - means[j] } }
        let norms = columns.map { $0.reduce(0) { $0 + $1 * $1 } }
        var residual = y.map { $0 - yMean }
        var w = [Double](repeating: 0, count: p)
        let l1 = alpha * l1Ratio * Double(n), l2 = alpha * (1 - l1Ratio) * Double(n)
        let yScale = residual.reduce(0) { $0 + $1 * $1 } / Double(n)
        for _ in 0..<maxIterations {
            var largestChange = 0.0, largestWeight = 0.0
            for j in 0..<p where norms[j] > 0 {
                let old = w[j]
                var rho = 0.0
                for i in 0..<n { rho += columns[j][i] * residual[i] }
                rho += norms[j] * old
                let updated = rho.magnitude <= l1 ? 0 : (rho - (rho > 0 ? l1 : -l1)) / (norms[j] + l2)
                if updated != old {
                    let delta = updated - old
                    for i in 0..<n { residual[i] -= delta * columns[j][i] }
                    w[j] = updated
                }
                largestChange = max(largestChange, Swift.abs(updated - old))
                largestWeight = max(largestWeight, Swift.abs(updated))
            }
            // scikit-learn's first test: updates small relative to the weights (then it checks the duality gap).
            if largestWeight == 0 || largestChange / largestWeight < tolerance || largestChange * largestChange < tolerance * yScale * 1e-8 { break }
        }
        return w
    }
}

/// L2-regularised logistic regression minimising C·Σ log-loss + ½‖W‖² (intercepts not
/// penalised) with L-BFGS, as scikit-learn's default `lbfgs` solver: one weight vector with a
/// sigmoid for two classes, a softmax over all classes otherwise.
public struct LogisticRegression: Learner {
    public let classes: Int
    public let c: Double
    public let maxIterations: Int
    public let tolerance: Double
    /// [features + 1] per output (bias last); one output for two classes.
    public internal(set) var weights: [[Double]] = []

    public init(classes: Int, c: Double, maxIterations: Int, tolerance: Double) {
        self.classes = classes
        self.c = c
        self.maxIterations = maxIterations
        self.tolerance = tolerance
    }

    private var outputs: Int { classes <= 2 ? 1 : classes }

    public mutating func fit(_ x: Matrix, _ y: [Double]) throws {
        try fit(x, y, sampleWeights: [Double](repeating: 1, count: x.rows))
    }

    /// scikit-learn's `sample_weight`: each row's log-loss (and its gradient) scaled by its weight.
    public mutating func fit(_ x: Matrix, _ y: [Double], sampleWeights: [Double]) throws {
        let (n, p) = (x.rows, x.columns), k = outputs, stride = p + 1
        guard sampleWeights.count == n else { throw DataError("sample_weight", "has \(sampleWeights.count) weights for \(n) rows") }
        let labels = y.map { Int($0) }
        let c = self.c
        let objective: ([Double]) -> (Double, [Double]) = { theta in
            var loss = 0.0
            var gradient = [Double](repeating: 0, count: theta.count)
            var scores = [Double](repeating: 0, count: k)
            for i in 0..<n {
                let row = x.row(i)
                for o in 0..<k {
                    var s = theta[o * stride + p]
                    for (j, v) in row.enumerated() { s += theta[o * stride + j] * v }
                    scores[o] = s
                }
                var errors = [Double](repeating: 0, count: k)
                let w = sampleWeights[i]
                if k == 1 {
                    let t = labels[i] == 1 ? 1.0 : -1.0, z = t * scores[0]
                    loss += w * (z > 0 ? log1p(exp(-z)) : -z + log1p(exp(z)))
                    errors[0] = -t / (1 + exp(z))
                } else {
                    let peak = scores.max()!
                    let total = scores.reduce(0) { $0 + exp($1 - peak) }
                    loss -= w * (scores[labels[i]] - peak - log(total))
                    for o in 0..<k { errors[o] = exp(scores[o] - peak) / total - (o == labels[i] ? 1 : 0) }
                }
                for o in 0..<k {
                    let e = c * w * errors[o]
                    for (j, v) in row.enumerated() { gradient[o * stride + j] += e * v }
                    gradient[o * stride + p] += e
                }
            }
            loss *= c
            for o in 0..<k { for j in 0..<p { loss += 0.5 * theta[o * stride + j] * theta[o * stride + j]; gradient[o * stride + j] += theta[o * stride + j] } }
            return (loss, gradient)
        }
        let solution = minimizeLBFGS(Array(repeating: 0, count: k * stride), objective, maxIterations: maxIterations, tolerance: tolerance)
        weights = (0..<k).map { Array(solution[($0 * stride)..<(($0 + 1) * stride)]) }
    }

    public func predictProbabilities(_ x: Matrix) -> Matrix? {
        var out = [Double]()
        out.reserveCapacity(x.rows * classes)
        for r in 0..<x.rows {
            let row = x.row(r)
            let scores = weights.map { w in w.last! + zip(row, w).reduce(0) { $0 + $1.0 * $1.1 } }
            if weights.count == 1 {
                let p1 = 1 / (1 + exp(-scores[0]))
                out += [1 - p1, p1]
            } else {
                let peak = scores.max()!
                let e = scores.map { exp($0 - peak) }
                let total = e.reduce(0, +)
                out += e.map { $0 / total }
            }
        }
        return Matrix(rows: x.rows, columns: max(classes, 2), values: out)
    }

    public func predict(_ x: Matrix) -> [Double] { argmaxRows(predictProbabilities(x)!) }
}

/// Index of the largest value of each row (first on ties), as Double class labels.
func argmaxRows(_ m: Matrix) -> [Double] {
    (0..<m.rows).map { r in
        let row = m.row(r)
        var best = row.startIndex
        for i in row.indices where row[i] > row[best] { best = i }
        return Double(best - row.startIndex)
    }
}

/// Limited-memory BFGS (10 corrections) with a backtracking Armijo line search. Stops when the
/// largest gradient component is under `tolerance`, the objective stalls, or after `maxIterations`.
func minimizeLBFGS(_ start: [Double], _ f: ([Double]) -> (Double, [Double]), maxIterations: Int, tolerance: Double) -> [Double] {
    var x = start
    var (value, gradient) = f(x)
    var steps: [[Double]] = [], changes: [[Double]] = [], rhos: [Double] = []
    func dot(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }
    for _ in 0..<maxIterations {
        if gradient.map(Swift.abs).max() ?? 0 <= tolerance { break }
        // Two-loop recursion for the search direction −H·g.
        var q = gradient
        var alphas = [Double](repeating: 0, count: steps.count)
        for i in steps.indices.reversed() {
            alphas[i] = rhos[i] * dot(steps[i], q)
            for j in q.indices { q[j] -= alphas[i] * changes[i][j] }
        }
        if let s = steps.last, let y = changes.last {
            let scale = dot(s, y) / dot(y, y)
            for j in q.indices { q[j] *= scale }
        } else {
            let norm = dot(gradient, gradient).squareRoot()
            for j in q.indices { q[j] /= max(norm, 1) }
        }
        for i in steps.indices {
            let beta = rhos[i] * dot(changes[i], q)
            for j in q.indices { q[j] += steps[i][j] * (alphas[i] - beta) }
        }
        var direction = q.map { -$0 }
        var slope = dot(direction, gradient)
        if slope >= 0 {  // not a descent direction: restart from steepest descent
            direction = gradient.map { -$0 }
            slope = -dot(gradient, gradient)
            steps.removeAll(); changes.removeAll(); rhos.removeAll()
        }
        var step = 1.0
        var candidate = x, next = (value, gradient)
        var accepted = false
        for _ in 0..<40 {
            for j in x.indices { candidate[j] = x[j] + step * direction[j] }
            next = f(candidate)
            if next.0 <= value + 1e-4 * step * slope { accepted = true; break }
            step *= 0.5
        }
        guard accepted else { break }
        let s = zip(candidate, x).map { $0 - $1 }, y = zip(next.1, gradient).map { $0 - $1 }
        let sy = dot(s, y)
        if sy > 1e-10 {
            steps.append(s); changes.append(y); rhos.append(1 / sy)
            if steps.count > 10 { steps.removeFirst(); changes.removeFirst(); rhos.removeFirst() }
        }
        let previous = value
        x = candidate
        (value, gradient) = next
        if (previous - value) / max(Swift.abs(previous), Swift.abs(value), 1) <= 2.220446049250313e-16 * 1e7 { break }
    }
    return x
}
