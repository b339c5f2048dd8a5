import Datasets
import Foundation
import Tensor

/// k-nearest neighbours by brute-force Euclidean distance: majority vote (ties to the lowest
/// class) or mean, optionally weighted by inverse distance.
public struct NearestNeighbors: Learner {
    public let task: LearningTask
    public let k: Int
    public let distanceWeighted: Bool
    var trainingRows = Matrix(rows: 0, columns: 0)
    var trainingTargets: [Double] = []

    public init(task: LearningTask, k: Int, distanceWeighted: Bool) {
        self.task = task
        self.k = k
        self.distanceWeighted = distanceWeighted
    }

    public mutating func fit(_ x: Matrix, _ y: [Double]) throws {
        guard x.rows >= k else { throw DataError("n_neighbors", "is \(k) but only \(x.rows) training rows exist") }
        trainingRows = x
        trainingTargets = y
    }

    private func neighbours(_ row: ArraySlice<Double>) -> [(index: Int, weight: Double)] {
        let x = trainingRows
        var distances = (0..<x.rows).map { i in (i, zip(x.row(i), row).reduce(0.0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }) }
        distances.sort { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0 < $1.0 }
        let nearest = distances.prefix(k)
        guard distanceWeighted else { return nearest.map { ($0.0, 1) } }
        if nearest.contains(where: { $0.1 == 0 }) { return nearest.map { ($0.0, $0.1 == 0 ? 1 : 0) } }
        return nearest.map { ($0.0, 1 / $0.1.squareRoot()) }
    }

    public func predictProbabilities(_ q: Matrix) -> Matrix? {
        guard task.isClassification else { return nil }
        var out = Matrix(rows: q.rows, columns: task.classCount)
        for r in 0..<q.rows {
            let found = neighbours(q.row(r))
            let total = found.reduce(0) { $0 + $1.weight }
            for (i, w) in found { out[r, Int(trainingTargets[i])] += w / total }
        }
        return out
    }

    public func predict(_ q: Matrix) -> [Double] {
        if task.isClassification { return argmaxRows(predictProbabilities(q)!) }
        return (0..<q.rows).map { r in
            let found = neighbours(q.row(r))
            return found.reduce(0) { $0 + $1.weight * trainingTargets[$1.index] } / found.reduce(0) { $0 + $1.weight }
        }
    }
}

/// Gaussian naive Bayes: per-class feature means and variances (plus `varianceSmoothing` × the
/// largest feature variance), class priors from frequencies.
public struct GaussianNaiveBayes: Learner {
    public let classes: Int
    public let varianceSmoothing: Double
    public internal(set) var means: [[Double]] = []
    public internal(set) var variances: [[Double]] = []
    public internal(set) var logPriors: [Double] = []

    public init(classes: Int, varianceSmoothing: Double) {
        self.classes = classes
        self.varianceSmoothing = varianceSmoothing
    }

    public mutating func fit(_ x: Matrix, _ y: [Double]) throws {
        let p = x.columns
        let epsilon = varianceSmoothing * (0..<p).map { f -> Double in
            let column = x.column(f), mean = column.reduce(0, +) / Double(x.rows)
            return column.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(x.rows)
        }.max()!
        means = []; variances = []; logPriors = []
        for c in 0..<classes {
            let rows = y.indices.filter { Int(y[$0]) == c }
            let n = Double(max(rows.count, 1))
            let mean = (0..<p).map { f in rows.reduce(0) { $0 + x[$1, f] } / n }
            let variance = (0..<p).map { f in rows.reduce(0) { $0 + (x[$1, f] - mean[f]) * (x[$1, f] - mean[f]) } / n + epsilon }
            means.append(mean)
            variances.append(variance)
            logPriors.append(rows.isEmpty ? -.infinity : log(Double(rows.count) / Double(x.rows)))
        }
    }

    public func predictProbabilities(_ x: Matrix) -> Matrix? {
        var out = Matrix(rows: x.rows, columns: classes)
        for r in 0..<x.rows {
            let row = Array(x.row(r))
            let joint = (0..<classes).map { c in
                logPriors[c] - 0.5 * (0..<row.count).reduce(0.0) { s, f in
                    s + log(2 * Double.pi * variances[c][f]) + (row[f] - means[c][f]) * (row[f] - means[c][f]) / variances[c][f]
                }
            }
            let peak = joint.max()!, total = joint.reduce(0) { $0 + exp($1 - peak) }
            for c in 0..<classes { out[r, c] = exp(joint[c] - peak) / total }
        }
        return out
    }

    public func predict(_ x: Matrix) -> [Double] { argmaxRows(predictProbabilities(x)!) }
}

/// k-means with k-means++ seeding (greedy, 2 + ⌊ln k⌋ trials per centre) and Lloyd iterations,
/// keeping the best of `initializations` runs by inertia. `predict` gives the nearest centre.
public struct KMeans: Learner {
    public let clusters: Int, initializations: Int, maxIterations: Int, tolerance: Double, seed: UInt64
    public internal(set) var centers = Matrix(rows: 0, columns: 0)
    public internal(set) var inertia = Double.infinity

    public init(clusters: Int, initializations: Int, maxIterations: Int, tolerance: Double, seed: UInt64) {
        self.clusters = clusters
        self.initializations = initializations
        self.maxIterations = maxIterations
        self.tolerance = tolerance
        self.seed = seed
    }

    static func squaredDistance(_ a: ArraySlice<Double>, _ b: ArraySlice<Double>) -> Double {
        zip(a, b).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
    }

    public mutating func fit(_ x: Matrix, _ y: [Double] = []) throws {
        guard x.rows >= clusters else { throw DataError("n_clusters", "is \(clusters) but only \(x.rows) rows exist") }
        let p = x.columns
        let meanVariance = (0..<p).map { f -> Double in
            let c = x.column(f), m = c.reduce(0, +) / Double(x.rows)
            return c.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(x.rows)
        }.reduce(0, +) / Double(p)
        var rng = SeededGenerator(seed: seed)
        inertia = .infinity
        for _ in 0..<initializations {
            var c = seedCenters(x, &rng)
            var assignment = [Int](repeating: 0, count: x.rows)
            var runInertia = 0.0
            for _ in 0..<maxIterations {
                runInertia = 0
                for r in 0..<x.rows {
                    var best = 0, bestDistance = Double.infinity
                    for k in 0..<clusters {
                        let d = Self.squaredDistance(x.row(r), c.row(k))
                        if d < bestDistance { bestDistance = d; best = k }
                    }
                    assignment[r] = best
                    runInertia += bestDistance
                }
                var next = Matrix(rows: clusters, columns: p), counts = [Int](repeating: 0, count: clusters)
                for r in 0..<x.rows { counts[assignment[r]] += 1; for f in 0..<p { next[assignment[r], f] += x[r, f] } }
                var shift = 0.0
                for k in 0..<clusters {
                    for f in 0..<p {
                        next[k, f] = counts[k] > 0 ? next[k, f] / Double(counts[k]) : c[k, f]
                        shift += (next[k, f] - c[k, f]) * (next[k, f] - c[k, f])
                    }
                }
                c = next
                if shift <= tolerance * meanVariance { break }
            }
            runInertia = (0..<x.rows).reduce(0) { s, r in s + (0..<clusters).map { Self.squaredDistance(x.row(r), c.row($0)) }.min()! }
            if runInertia < inertia { inertia = runInertia; centers = c }
        }
    }

    private func seedCenters(_ x: Matrix, _ rng: inout SeededGenerator) -> Matrix {
        let trials = 2 + Int(log(Double(clusters)))
        var chosen = [Int(rng.next() % UInt64(x.rows))]
        var closest = (0..<x.rows).map { Self.squaredDistance(x.row($0), x.row(chosen[0])) }
        while chosen.count < clusters {
            let total = closest.reduce(0, +)
            var bestCandidate = -1, bestPotential = Double.infinity, bestClosest: [Double] = []
            for _ in 0..<trials {
                var target = Double(rng.nextUniform()) * total, candidate = 0
                while candidate < x.rows - 1 && target >= closest[candidate] { target -= closest[candidate]; candidate += 1 }
                let updated = (0..<x.rows).map { min(closest[$0], Self.squaredDistance(x.row($0), x.row(candidate))) }
                let potential = updated.reduce(0, +)
                if potential < bestPotential { bestPotential = potential; bestCandidate = candidate; bestClosest = updated }
            }
            chosen.append(bestCandidate)
            closest = bestClosest
        }
        return x.rows(chosen)
    }

    public func predict(_ x: Matrix) -> [Double] {
        (0..<x.rows).map { r in
            Double((0..<clusters).min { Self.squaredDistance(x.row(r), centers.row($0)) < Self.squaredDistance(x.row(r), centers.row($1)) }!)
        }
    }
}
