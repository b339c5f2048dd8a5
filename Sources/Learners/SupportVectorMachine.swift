import COpenBLAS
import Datasets
import Tensor
import Dispatch
import Foundation

/// A kernel function; `gamma` "scale" resolves to 1 / (features · Var(X)) and "auto" to
/// 1 / features when the model is fitted (scikit-learn's rules).
public struct Kernel: Sendable, Equatable {
    public enum Kind: String, Sendable { case linear, poly, rbf, sigmoid }
    public let kind: Kind
    public let gammaRule: LearnerSpec.NumberOrRule
    public let degree: Int
    public let coef0: Double
    public internal(set) var gamma: Double = 0

    init(_ spec: LearnerSpec) throws {
        kind = Kind(rawValue: spec.kernel ?? "rbf")!
        gammaRule = spec.gamma ?? .rule("scale")
        degree = spec.degree ?? 3
        coef0 = spec.coef0 ?? 0
        if case .number(let g) = gammaRule, g <= 0 { throw DataError("gamma", "must be positive, got \(g)") }
    }

    mutating func resolve(for x: Matrix) {
        switch gammaRule {
        case .number(let g): gamma = g
        case .rule("auto"): gamma = 1 / Double(max(x.columns, 1))
        case .rule:
            let mean = x.values.reduce(0, +) / Double(max(x.values.count, 1))
            let variance = x.values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(max(x.values.count, 1))
            gamma = variance > 0 ? 1 / (Double(x.columns) * variance) : 1
        }
    }

    /// K(a, b) from a·b and the squared norms (RBF: ‖a − b‖² = ‖a‖² + ‖b‖² − 2a·b), so whole
    /// rows come from one BLAS product.
    @inline(__always)
    func fromDot(_ dot: Double, _ normA: Double, _ normB: Double) -> Double {
        switch kind {
        case .rbf: return exp(-gamma * max(normA + normB - 2 * dot, 0))
        case .linear: return dot
        case .poly: return pow(gamma * dot + coef0, Double(degree))
        case .sigmoid: return tanh(gamma * dot + coef0)
        }
    }

    @inline(__always)
    func callAsFunction(_ a: ArraySlice<Double>, _ b: ArraySlice<Double>) -> Double {
        switch kind {
        case .rbf:
            var d = 0.0
            for (u, v) in zip(a, b) { d += (u - v) * (u - v) }
            return exp(-gamma * d)
        case .linear: return zip(a, b).reduce(0) { $0 + $1.0 * $1.1 }
        case .poly: return pow(gamma * zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } + coef0, Double(degree))
        case .sigmoid: return tanh(gamma * zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } + coef0)
        }
    }
}

/// C-support vector classification: libsvm's SMO (second-order working-set selection, same
/// update and bias rules) per pair of classes, one-vs-one voting for more than two classes.
public struct SupportVectorClassifier: Learner {
    struct BinaryModel: Sendable {
        let positive: Int, negative: Int
        /// Indices into `supportVectors` and their coefficients αᵢ·yᵢ.
        var vectors: [Int]
        var coefficients: [Double]
        var rho: Double
    }

    public let classes: Int
    public internal(set) var kernel: Kernel
    public let c: Double
    public let tolerance: Double
    public let maxIterations: Int?
    var supportVectors = Matrix(rows: 0, columns: 0)
    var models: [BinaryModel] = []
    /// Kernel-row cache budget in bytes (scikit-learn's default `cache_size` is 200 MB).
    static let cacheBytes = 200 << 20

    public init(classes: Int, kernel: Kernel, c: Double, tolerance: Double, maxIterations: Int?) {
        self.classes = classes
        self.kernel = kernel
        self.c = c
        self.tolerance = tolerance
        self.maxIterations = maxIterations
    }

    public var supportVectorCount: Int { supportVectors.rows }

    public mutating func fit(_ x: Matrix, _ y: [Double]) throws {
        kernel.resolve(for: x)
        let labels = y.map { Int($0) }
        let pairs = (0..<classes).flatMap { a in ((a + 1)..<max(classes, a + 1)).map { (a, $0) } }
        let kernel = self.kernel, c = self.c, tolerance = self.tolerance, limit = maxIterations
        // Pairs are independent problems: solve them on every core.
        let results = ResultSlots<(BinaryModel, [Int])>(count: pairs.count)
        parallelEach(pairs.count) { p in
            let (a, b) = pairs[p]
            let rows = labels.indices.filter { labels[$0] == a || labels[$0] == b }
            let signs = rows.map { labels[$0] == a ? 1.0 : -1.0 }
            let sub = x.rows(rows)
            let (alpha, rho) = solveSMO(sub, signs, kernel: kernel, c: c, tolerance: tolerance, maxIterations: limit)
            let support = alpha.indices.filter { alpha[$0] > 0 }
            results.set(p, (BinaryModel(positive: a, negative: b, vectors: [], coefficients: support.map { alpha[$0] * signs[$0] }, rho: rho),
                            support.map { rows[$0] }))
        }
        // Support vectors shared across pairs are stored once.
        var index: [Int: Int] = [:], ordered: [Int] = []
        models = results.values.map { pair in
            var (model, globalRows) = pair
            model.vectors = globalRows.map { row in
                if let i = index[row] { return i }
                index[row] = ordered.count
                ordered.append(row)
                return ordered.count - 1
            }
            return model
        }
        supportVectors = x.rows(ordered)
    }

    /// Decision values per pair (positive favours the pair's first class).
    public func decisionValues(_ x: Matrix) -> [[Double]] {
        let k = kernelMatrix(x, supportVectors, kernel)
        let s = supportVectors.rows
        return (0..<x.rows).map { r in
            models.map { m in zip(m.vectors, m.coefficients).reduce(-m.rho) { $0 + k[r * s + $1.0] * $1.1 } }
        }
    }

    public func predict(_ x: Matrix) -> [Double] {
        decisionValues(x).map { values in
            var votes = [Int](repeating: 0, count: max(classes, 2))
            for (m, v) in zip(models, values) { votes[v > 0 ? m.positive : m.negative] += 1 }
            var best = 0
            for i in votes.indices where votes[i] > votes[best] { best = i }
            return Double(best)
        }
    }
}

/// Thread-safe-by-construction slots: each concurrent task writes only its own index.
final class ResultSlots<T>: @unchecked Sendable {
    private var storage: [T?]
    init(count: Int) { storage = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ value: T) { storage[i] = value }
    var values: [T] { storage.map { $0! } }
}

/// K(a_i, b_j) for every pair of rows, [a.rows × b.rows], from one DGEMM.
func kernelMatrix(_ a: Matrix, _ b: Matrix, _ kernel: Kernel) -> [Double] {
    ComputeThreads.prepareBLAS()
    var out = [Double](repeating: 0, count: a.rows * b.rows)
    guard a.rows > 0, b.rows > 0 else { return out }
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(a.rows), Int32(b.rows), Int32(a.columns), 1,
                a.values, Int32(a.columns), b.values, Int32(b.columns), 0, &out, Int32(b.rows))
    let na = squaredNorms(a), nb = squaredNorms(b)
    for i in 0..<a.rows { for j in 0..<b.rows { out[i * b.rows + j] = kernel.fromDot(out[i * b.rows + j], na[i], nb[j]) } }
    return out
}

func squaredNorms(_ m: Matrix) -> [Double] {
    (0..<m.rows).map { r in m.values.withUnsafeBufferPointer { v in (0..<m.columns).reduce(0.0) { $0 + v[r * m.columns + $1] * v[r * m.columns + $1] } } }
}

/// Kernel rows K(i, ·) computed on demand (one DGEMV each) and kept in least-recently-used
/// order within a byte budget, as libsvm's cache.
struct KernelCache {
    let x: Matrix
    let kernel: Kernel
    let capacity: Int
    let norms: [Double]
    private var rows: [Int: [Double]] = [:]
    // Doubly linked LRU list over row indices; `head` is the most recent.
    private var previous: [Int], next: [Int]
    private var head = -1, tail = -1

    init(x: Matrix, kernel: Kernel, bytes: Int) {
        ComputeThreads.prepareBLAS()
        self.x = x
        self.kernel = kernel
        capacity = max(2, bytes / max(1, x.rows * 8))
        norms = squaredNorms(x)
        previous = Array(repeating: -1, count: x.rows)
        next = Array(repeating: -1, count: x.rows)
    }

    private mutating func unlink(_ i: Int) {
        if previous[i] >= 0 { next[previous[i]] = next[i] } else { head = next[i] }
        if next[i] >= 0 { previous[next[i]] = previous[i] } else { tail = previous[i] }
        previous[i] = -1; next[i] = -1
    }

    private mutating func pushFront(_ i: Int) {
        next[i] = head; previous[i] = -1
        if head >= 0 { previous[head] = i }
        head = i
        if tail < 0 { tail = i }
    }

    mutating func row(_ i: Int) -> [Double] {
        if let cached = rows[i] {
            unlink(i); pushFront(i)
            return cached
        }
        if rows.count >= capacity, tail >= 0 {
            let oldest = tail
            unlink(oldest)
            rows[oldest] = nil
        }
        var computed = [Double](repeating: 0, count: x.rows)
        x.values.withUnsafeBufferPointer { v in
            cblas_dgemv(CblasRowMajor, CblasNoTrans, Int32(x.rows), Int32(x.columns), 1, v.baseAddress, Int32(x.columns),
                        v.baseAddress! + i * x.columns, 1, 0, &computed, 1)
        }
        let ni = norms[i]
        for t in 0..<x.rows { computed[t] = kernel.fromDot(computed[t], ni, norms[t]) }
        rows[i] = computed
        pushFront(i)
        return computed
    }
}

/// libsvm's Solver for C-SVC without shrinking. Returns α and ρ (decision = Σ αᵢyᵢK(xᵢ, x) − ρ).
func solveSMO(_ x: Matrix, _ y: [Double], kernel: Kernel, c: Double, tolerance: Double, maxIterations: Int?) -> ([Double], Double) {
    let n = x.rows, tau = 1e-12
    var alpha = [Double](repeating: 0, count: n)
    var gradient = [Double](repeating: -1, count: n)
    var cache = KernelCache(x: x, kernel: kernel, bytes: SupportVectorClassifier.cacheBytes)
    let diagonal = (0..<n).map { kernel.fromDot(cache.norms[$0], cache.norms[$0], cache.norms[$0]) }
    let limit = maxIterations ?? max(10_000_000, 100 * n)
    func upper(_ t: Int) -> Bool { alpha[t] >= c }
    func lower(_ t: Int) -> Bool { alpha[t] <= 0 }
    for _ in 0..<limit {
        var gMax = -Double.infinity, gMax2 = -Double.infinity, i = -1
        for t in 0..<n {
            if y[t] == 1 { if !upper(t) && -gradient[t] >= gMax { gMax = -gradient[t]; i = t } }
            else if !lower(t) && gradient[t] >= gMax { gMax = gradient[t]; i = t }
        }
        guard i >= 0 else { break }
        let ki = cache.row(i)
        var j = -1, best = Double.infinity
        for t in 0..<n {
            let qit = y[i] * y[t] * ki[t]
            if y[t] == 1 {
                guard !lower(t) else { continue }
                let diff = gMax + gradient[t]
                if gradient[t] >= gMax2 { gMax2 = gradient[t] }
                if diff > 0 {
                    let quad = diagonal[i] + diagonal[t] - 2 * y[i] * qit
                    let objective = -(diff * diff) / (quad > 0 ? quad : tau)
                    if objective <= best { j = t; best = objective }
                }
            } else {
                guard !upper(t) else { continue }
                let diff = gMax - gradient[t]
                if -gradient[t] >= gMax2 { gMax2 = -gradient[t] }
                if diff > 0 {
                    let quad = diagonal[i] + diagonal[t] + 2 * y[i] * qit
                    let objective = -(diff * diff) / (quad > 0 ? quad : tau)
                    if objective <= best { j = t; best = objective }
                }
            }
        }
        if gMax + gMax2 < tolerance || j < 0 { break }
        let kj = cache.row(j)
        let qij = y[i] * y[j] * ki[j]
        let (oldI, oldJ) = (alpha[i], alpha[j])
        if y[i] != y[j] {
            var quad = diagonal[i] + diagonal[j] + 2 * qij
            if quad <= 0 { quad = tau }
            let delta = (-gradient[i] - gradient[j]) / quad
            let diff = alpha[i] - alpha[j]
            alpha[i] += delta; alpha[j] += delta
            if diff > 0 { if alpha[j] < 0 { alpha[j] = 0; alpha[i] = diff } }
            else if alpha[i] < 0 { alpha[i] = 0; alpha[j] = -diff }
            if diff > 0 { if alpha[i] > c { alpha[i] = c; alpha[j] = c - diff } }
            else if alpha[j] > c { alpha[j] = c; alpha[i] = c + diff }
        } else {
            var quad = diagonal[i] + diagonal[j] - 2 * qij
            if quad <= 0 { quad = tau }
            let delta = (gradient[i] - gradient[j]) / quad
            let sum = alpha[i] + alpha[j]
            alpha[i] -= delta; alpha[j] += delta
            if sum > c { if alpha[i] > c { alpha[i] = c; alpha[j] = sum - c } }
            else if alpha[j] < 0 { alpha[j] = 0; alpha[i] = sum }
            if sum > c { if alpha[j] > c { alpha[j] = c; alpha[i] = sum - c } }
            else if alpha[i] < 0 { alpha[i] = 0; alpha[j] = sum }
        }
        let di = alpha[i] - oldI, dj = alpha[j] - oldJ
        for t in 0..<n { gradient[t] += y[t] * (y[i] * ki[t] * di + y[j] * kj[t] * dj) }
    }
    // ρ: mean of yG over free vectors, else the midpoint of the feasible interval.
    var upperBound = Double.infinity, lowerBound = -Double.infinity, freeSum = 0.0, free = 0
    for t in 0..<n {
        let yg = y[t] * gradient[t]
        if upper(t) { if y[t] == -1 { upperBound = min(upperBound, yg) } else { lowerBound = max(lowerBound, yg) } }
        else if lower(t) { if y[t] == 1 { upperBound = min(upperBound, yg) } else { lowerBound = max(lowerBound, yg) } }
        else { free += 1; freeSum += yg }
    }
    return (alpha, free > 0 ? freeSum / Double(free) : (upperBound + lowerBound) / 2)
}
