import COpenBLAS
import Datasets
import Foundation
import Tensor

/// One observed (user, item, value) triple: an explicit rating, or an implicit count/strength.
public struct Rating: Sendable, Equatable {
    public var user: Int, item: Int, value: Double
    public init(user: Int, item: Int, value: Double) { self.user = user; self.item = item; self.value = value }
}

/// Matrix factorisation by alternating least squares. Explicit ratings minimise
/// Σ(r − pᵤ·qᵢ)² + λ(nᵤ‖pᵤ‖² + nᵢ‖qᵢ‖²) (weighted-λ, as Spark's ALS); implicit feedback uses
/// Hu, Koren & Volinsky's confidence weighting cᵤᵢ = 1 + α·rᵤᵢ over all items.
public struct MatrixFactorization: Sendable {
    public let factors: Int, regularization: Double, iterations: Int, implicit: Bool, confidence: Double, seed: UInt64
    public internal(set) var userFactors = Matrix(rows: 0, columns: 0)
    public internal(set) var itemFactors = Matrix(rows: 0, columns: 0)
    public internal(set) var seen: [Int: Set<Int>] = [:]

    public init(factors: Int = 10, regularization: Double = 0.1, iterations: Int = 15, implicit: Bool = false,
                confidence: Double = 40, seed: UInt64 = 0) {
        self.factors = factors
        self.regularization = regularization
        self.iterations = iterations
        self.implicit = implicit
        self.confidence = confidence
        self.seed = seed
    }

    public init(_ spec: LearnerSpec) {
        self.init(factors: spec.factors ?? 10, regularization: spec.regularization ?? 0.1, iterations: spec.maxIter ?? 15,
                  implicit: spec.implicit ?? false, confidence: spec.confidence ?? 40, seed: spec.seed ?? 0)
    }

    public mutating func fit(_ ratings: [Rating], users: Int, items: Int) throws {
        guard !ratings.isEmpty else { throw DataError("ratings", "no ratings to fit") }
        for (i, r) in ratings.enumerated() {
            guard (0..<users).contains(r.user), (0..<items).contains(r.item), r.value.isFinite else {
                throw DataError("ratings[\(i)]", "user \(r.user) must be in 0..<\(users), item \(r.item) in 0..<\(items), value finite")
            }
        }
        ComputeThreads.prepareBLAS()
        var rng = SeededGenerator(seed: seed)
        let k = factors
        userFactors = Matrix(rows: users, columns: k, values: (0..<(users * k)).map { _ in Double(rng.nextNormal()) * 0.1 })
        itemFactors = Matrix(rows: items, columns: k, values: (0..<(items * k)).map { _ in Double(rng.nextNormal()) * 0.1 })
        var byUser = [[(Int, Double)]](repeating: [], count: users), byItem = [[(Int, Double)]](repeating: [], count: items)
        for r in ratings { byUser[r.user].append((r.item, r.value)); byItem[r.item].append((r.user, r.value)) }
        seen = [:]
        for r in ratings { seen[r.user, default: []].insert(r.item) }
        for _ in 0..<iterations {
            userFactors = solve(byUser, fixed: itemFactors)
            itemFactors = solve(byItem, fixed: userFactors)
        }
    }

    /// New factors for every row of one side given the other side's factors; rows are
    /// independent, so they are solved on the compute threads.
    private func solve(_ observations: [[(Int, Double)]], fixed: Matrix) -> Matrix {
        let k = factors
        var out = [Double](repeating: 0, count: observations.count * k)
        let gram = implicit ? Self.gram(fixed) : nil
        fixed.values.withUnsafeBufferPointer { y in
            out.withUnsafeMutableBufferPointer { solved in
                let (y, solved) = (y.baseAddress!, solved.baseAddress!)
                parallelFor(observations.count, grain: 32) { rows in
                    var scratch = [Double](repeating: 0, count: k * k + k), gathered: [Double] = []
                    for row in rows where !observations[row].isEmpty {
                        solveRow(observations[row], fixed: y, gram: gram, scratch: &scratch, gathered: &gathered)
                        (solved + row * k).update(from: scratch, count: k)
                    }
                }
            }
        }
        return Matrix(rows: observations.count, columns: k, values: out)
    }

    /// YᵀY over every row of `fixed` (implicit feedback shares it between rows).
    private static func gram(_ fixed: Matrix) -> [Double] {
        let k = fixed.columns
        var gram = [Double](repeating: 0, count: k * k)
        fixed.values.withUnsafeBufferPointer { y in
            gram.withUnsafeMutableBufferPointer { g in
                for r in 0..<fixed.rows { rankOneUpdate(g.baseAddress!, y.baseAddress! + r * k, weight: 1, k: k) }
            }
        }
        return gram
    }

    /// a += w·y·yᵀ on the lower triangle (row-major), which is all the solve reads.
    @inline(__always)
    private static func rankOneUpdate(_ a: UnsafeMutablePointer<Double>, _ y: UnsafePointer<Double>, weight: Double, k: Int) {
        for i in 0..<k {
            let wi = weight * y[i], row = a + i * k
            for j in 0...i { row[j] += wi * y[j] }
        }
    }

    /// One row's factors given its observations and the other side's factors: the least-squares
    /// step of ALS (an implicit model adds each observation's confidence to the shared YᵀY).
    /// Leaves the solution in the first `factors` values of `scratch` (k² + k values).
    /// A row with many observations gathers them, each scaled by √weight, and adds GᵀG with
    /// one GEMM (BLAS speed); a row with few adds them one rank-1 update at a time.
    private func solveRow(_ observed: [(Int, Double)], fixed y: UnsafePointer<Double>, gram: [Double]?, scratch: inout [Double],
                          gathered: inout [Double]) {
        let k = factors
        let useGEMM = observed.count >= 16 && (!implicit || (confidence >= 0 && observed.allSatisfy { $0.1 >= 0 }))
        if useGEMM && gathered.count < observed.count * k { gathered = [Double](repeating: 0, count: observed.count * k) }
        scratch.withUnsafeMutableBufferPointer { buffer in
            let a = buffer.baseAddress!, b = a + k * k
            gathered.withUnsafeMutableBufferPointer { g in
                let rows = useGEMM ? g.baseAddress! : nil
                normalEquations(observed, fixed: y, gram: gram, a: a, b: b, gathered: rows)
                // The lower triangle, row-major, is LAPACK's upper triangle, column-major.
                var (n, one, info) = (Int32(k), Int32(1), Int32(0))
                dposv_("U", &n, &one, a, &n, b, &n, &info)
                if info != 0 {
                    // Not positive definite to working precision (a degenerate row): LAPACK
                    // stopped part-way, so the system is rebuilt and solved with pivots clamped.
                    normalEquations(observed, fixed: y, gram: gram, a: a, b: b, gathered: rows)
                    Self.choleskySolveInPlace(a, b, k: k)
                }
            }
            a.update(from: b, count: k)
        }
    }

    /// A = gram (or 0) + Σ w·y·yᵀ + λI and b = Σ t·y over a row's observations. With `gathered`
    /// (room for one row per observation) the rows are scaled by √w and A gets GᵀG from one
    /// GEMM; without, one rank-1 update each. Either fills at least A's lower triangle.
    private func normalEquations(_ observed: [(Int, Double)], fixed y: UnsafePointer<Double>, gram: [Double]?,
                                 a: UnsafeMutablePointer<Double>, b: UnsafeMutablePointer<Double>, gathered: UnsafeMutablePointer<Double>?) {
        let k = factors
        if let gram { gram.withUnsafeBufferPointer { a.update(from: $0.baseAddress!, count: k * k) } } else { a.update(repeating: 0, count: k * k) }
        b.update(repeating: 0, count: k)
        for (n, (other, value)) in observed.enumerated() {
            let row = y + other * k
            // Implicit: confidence c = 1 + α·r on a preference of 1; explicit: the rating itself.
            let (weight, target) = implicit ? (confidence * value, 1 + confidence * value) : (1.0, value)
            for i in 0..<k { b[i] += target * row[i] }
            if let gathered {
                let scale = weight.squareRoot(), out = gathered + n * k
                for i in 0..<k { out[i] = scale * row[i] }
            } else {
                Self.rankOneUpdate(a, row, weight: weight, k: k)
            }
        }
        if let gathered {
            cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(k), Int32(k), Int32(observed.count), 1, gathered, Int32(k),
                        gathered, Int32(k), 1, a, Int32(k))
        }
        let lambda = implicit ? regularization : regularization * Double(observed.count)
        for i in 0..<k { a[i * k + i] += lambda }
    }

    /// Solves A·x = b for symmetric positive-definite A given by its lower triangle (row-major):
    /// A is overwritten by its Cholesky factor, b by x.
    private static func choleskySolveInPlace(_ a: UnsafeMutablePointer<Double>, _ b: UnsafeMutablePointer<Double>, k: Int) {
        for i in 0..<k {
            let rowI = a + i * k
            for j in 0...i {
                let rowJ = a + j * k
                var s = rowI[j]
                for p in 0..<j { s -= rowI[p] * rowJ[p] }
                rowI[j] = i == j ? max(s, 1e-12).squareRoot() : s / rowJ[j]
            }
        }
        for i in 0..<k {
            var s = b[i]
            for p in 0..<i { s -= a[i * k + p] * b[p] }
            b[i] = s / a[i * k + i]
        }
        for i in (0..<k).reversed() {
            var s = b[i]
            for p in (i + 1)..<k { s -= a[p * k + i] * b[p] }
            b[i] = s / a[i * k + i]
        }
    }

    /// Factors for a user not seen in training, from the items they interacted with (and how
    /// strongly: a rating, or 1), as one ALS step against the trained item factors ("fold-in").
    /// `itemGram` is `itemGram()`, which a server keeps rather than recomputing per request.
    public func foldIn(_ observed: [(item: Int, value: Double)], itemGram: [Double]? = nil) -> [Double] {
        var scratch = [Double](repeating: 0, count: factors * factors + factors), gathered: [Double] = []
        let gram = implicit ? itemGram ?? Self.gram(itemFactors) : nil
        itemFactors.values.withUnsafeBufferPointer { y in
            solveRow(observed.map { ($0.item, $0.value) }, fixed: y.baseAddress!, gram: gram, scratch: &scratch, gathered: &gathered)
        }
        return Array(scratch.prefix(factors))
    }

    /// YᵀY of the item factors, which fold-in of implicit feedback starts from (nil for
    /// explicit feedback, which does not use it).
    public func itemGram() -> [Double]? { implicit ? Self.gram(itemFactors) : nil }

    /// The `count` best-scoring items for a user's factors, leaving out `exclude`.
    public func recommend(factors vector: [Double], count: Int, exclude: Set<Int> = []) -> [(item: Int, score: Double)] {
        var scored: [(item: Int, score: Double)] = []
        scored.reserveCapacity(itemFactors.rows)
        for item in 0..<itemFactors.rows where !exclude.contains(item) {
            let row = itemFactors.row(item)
            scored.append((item: item, score: zip(vector, row).reduce(0) { $0 + $1.0 * $1.1 }))
        }
        return Self.top(scored, count)
    }

    /// The `count` items whose factors are closest to `item`'s by cosine similarity.
    public func similarItems(to item: Int, count: Int) -> [(item: Int, score: Double)] {
        func norm(_ i: Int) -> Double { itemFactors.row(i).reduce(0) { $0 + $1 * $1 }.squareRoot() }
        let anchor = Array(itemFactors.row(item)), anchorNorm = norm(item)
        var scored: [(item: Int, score: Double)] = []
        for other in 0..<itemFactors.rows where other != item {
            let dot = zip(anchor, itemFactors.row(other)).reduce(0) { $0 + $1.0 * $1.1 }
            let denominator = anchorNorm * norm(other)
            scored.append((item: other, score: denominator > 0 ? dot / denominator : 0))
        }
        return Self.top(scored, count)
    }

    /// The `count` highest scores, best first (ties: lower item first), by insertion into a
    /// short sorted list: a request ranks thousands of items to keep ten.
    static func top(_ scored: [(item: Int, score: Double)], _ count: Int) -> [(item: Int, score: Double)] {
        func better(_ a: (item: Int, score: Double), _ b: (item: Int, score: Double)) -> Bool {
            a.score != b.score ? a.score > b.score : a.item < b.item
        }
        guard count > 0 else { return [] }
        var best: [(item: Int, score: Double)] = []
        best.reserveCapacity(count + 1)
        for candidate in scored where best.count < count || better(candidate, best[best.count - 1]) {
            var low = 0, high = best.count
            while low < high {
                let middle = (low + high) / 2
                if better(best[middle], candidate) { low = middle + 1 } else { high = middle }
            }
            best.insert(candidate, at: low)
            if best.count > count { best.removeLast() }
        }
        return best
    }

    public func predict(user: Int, item: Int) -> Double {
        zip(userFactors.row(user), itemFactors.row(item)).reduce(0) { $0 + $1.0 * $1.1 }
    }

    /// The `count` best-scoring items for `user`, leaving out items the user already has.
    public func recommend(user: Int, count: Int, excludeSeen: Bool = true) -> [(item: Int, score: Double)] {
        guard (0..<userFactors.rows).contains(user) else { return [] }
        return recommend(factors: Array(userFactors.row(user)), count: count, exclude: excludeSeen ? seen[user] ?? [] : [])
    }
}
