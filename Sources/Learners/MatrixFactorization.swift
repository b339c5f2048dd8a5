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

    /// New factors for every row of one side given the other side's factors.
    private func solve(_ observations: [[(Int, Double)]], fixed: Matrix) -> Matrix {
        var out = Matrix(rows: observations.count, columns: factors)
        let gram = implicit ? Self.gram(fixed) : nil
        for (row, observed) in observations.enumerated() where !observed.isEmpty {
            let solution = solveRow(observed, fixed: fixed, gram: gram)
            for i in 0..<factors { out[row, i] = solution[i] }
        }
        return out
    }

    /// YᵀY over every row of `fixed` (implicit feedback shares it between rows).
    private static func gram(_ fixed: Matrix) -> [Double] {
        let k = fixed.columns
        var gram = [Double](repeating: 0, count: k * k)
        for r in 0..<fixed.rows { for a in 0..<k { for b in 0..<k { gram[a * k + b] += fixed[r, a] * fixed[r, b] } } }
        return gram
    }

    /// One row's factors given its observations and the other side's factors: the least-squares
    /// step of ALS (an implicit model adds each observation's confidence to the shared YᵀY).
    private func solveRow(_ observed: [(Int, Double)], fixed: Matrix, gram: [Double]?) -> [Double] {
        let k = factors
        var a = gram ?? [Double](repeating: 0, count: k * k)
        var rhs = [Double](repeating: 0, count: k)
        for (other, value) in observed {
            let y = fixed.row(other), base = y.startIndex
            if implicit {
                let c = 1 + confidence * value
                for i in 0..<k {
                    rhs[i] += c * y[base + i]
                    for j in 0..<k { a[i * k + j] += (c - 1) * y[base + i] * y[base + j] }
                }
            } else {
                for i in 0..<k {
                    rhs[i] += value * y[base + i]
                    for j in 0..<k { a[i * k + j] += y[base + i] * y[base + j] }
                }
            }
        }
        let lambda = implicit ? regularization : regularization * Double(observed.count)
        for i in 0..<k { a[i * k + i] += lambda }
        return choleskySolve(a, rhs, k)
    }

    /// Factors for a user not seen in training, from the items they interacted with (and how
    /// strongly: a rating, or 1), as one ALS step against the trained item factors ("fold-in").
    public func foldIn(_ observed: [(item: Int, value: Double)]) -> [Double] {
        solveRow(observed.map { ($0.item, $0.value) }, fixed: itemFactors, gram: implicit ? Self.gram(itemFactors) : nil)
    }

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

    static func top(_ scored: [(item: Int, score: Double)], _ count: Int) -> [(item: Int, score: Double)] {
        Array(scored.sorted { $0.score != $1.score ? $0.score > $1.score : $0.item < $1.item }.prefix(count))
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

/// Solves the symmetric positive-definite system A·x = b (k × k, row-major) by Cholesky.
func choleskySolve(_ a: [Double], _ b: [Double], _ k: Int) -> [Double] {
    var l = [Double](repeating: 0, count: k * k)
    for i in 0..<k {
        for j in 0...i {
            var s = a[i * k + j]
            for p in 0..<j { s -= l[i * k + p] * l[j * k + p] }
            l[i * k + j] = i == j ? max(s, 1e-12).squareRoot() : s / l[j * k + j]
        }
    }
    var y = [Double](repeating: 0, count: k)
    for i in 0..<k { var s = b[i]; for p in 0..<i { s -= l[i * k + p] * y[p] }; y[i] = s / l[i * k + i] }
    var x = [Double](repeating: 0, count: k)
    for i in (0..<k).reversed() { var s = y[i]; for p in (i + 1)..<k { s -= l[p * k + i] * x[p] }; x[i] = s / l[i * k + i] }
    return x
}
