import Datasets
import Dispatch
import Foundation
import Tensor

/// Growth limits of a CART tree.
public struct TreeLimits: Sendable, Equatable {
    public var maxDepth: Int?
    public var minSamplesSplit: Int
    public var minSamplesLeaf: Int
    /// Entropy instead of Gini impurity (classification).
    public var entropy: Bool
}

/// A CART decision tree: binary splits at midpoints between sorted feature values, chosen to
/// minimise weighted Gini/entropy (classification) or squared error (regression).
public struct DecisionTree: Learner {
    public let task: LearningTask
    public let limits: TreeLimits
    let maxFeatures: LearnerSpec.NumberOrRule?
    let seed: UInt64
    /// Flat node arrays: feature −1 marks a leaf; `value` holds `outputs` numbers per node
    /// (class probabilities, or the mean target).
    public internal(set) var feature: [Int] = []
    public internal(set) var threshold: [Double] = []
    public internal(set) var left: [Int] = []
    public internal(set) var right: [Int] = []
    public internal(set) var value: [Double] = []
    /// Training weight that reached each node (bootstrap counts): TreeSHAP's node cover.
    /// Empty for trees saved before covers were recorded.
    public internal(set) var cover: [Double] = []
    /// Per-row sample weights while fitting (bootstrap draw counts).
    private var weights: [Double] = []

    public init(task: LearningTask, limits: TreeLimits, maxFeatures: LearnerSpec.NumberOrRule?, seed: UInt64) {
        self.task = task
        self.limits = limits
        self.maxFeatures = maxFeatures
        self.seed = seed
    }

    var outputs: Int { task.isClassification ? task.classCount : 1 }
    public var nodeCount: Int { feature.count }

    public mutating func fit(_ x: Matrix, _ y: [Double]) throws {
        try fit(x, y, rows: Array(0..<x.rows))
    }

    /// Impurities, leaf values and covers weigh each row by its weight (rows of weight 0 are left out).
    public mutating func fit(_ x: Matrix, _ y: [Double], sampleWeights: [Double]) throws {
        try fit(x, y, rows: Array(0..<x.rows), sampleWeights: sampleWeights)
    }

    /// Fits on `rows` of x (repeats allowed: a bootstrap sample). As scikit-learn does, a row
    /// drawn k times is kept once with weight k (times its sample weight), so nodes sort ~37%
    /// fewer values.
    mutating func fit(_ x: Matrix, _ y: [Double], rows drawn: [Int], sampleWeights: [Double]? = nil) throws {
        guard !drawn.isEmpty else { throw DataError("rows", "cannot fit a tree on no rows") }
        if let sampleWeights, sampleWeights.count != x.rows { throw DataError("sample_weight", "has \(sampleWeights.count) weights for \(x.rows) rows") }
        feature = []; threshold = []; left = []; right = []; value = []; cover = []
        var weights = [Double](repeating: 0, count: x.rows)
        for r in drawn { weights[r] += sampleWeights?[r] ?? 1 }
        self.weights = weights
        defer { self.weights = [] }
        let rows = weights.indices.filter { weights[$0] > 0 }
        var rng = SeededGenerator(seed: seed)
        let candidates = featureCount(x.columns)
        // Explicit stack instead of recursion: (rows, depth, node index to fill).
        var stack: [([Int], Int, Int)] = [(rows, 0, addNode())]
        while let (nodeRows, depth, node) = stack.popLast() {
            setLeafValue(node, y, nodeRows)
            if let maxDepth = limits.maxDepth, depth >= maxDepth { continue }
            if nodeRows.count < limits.minSamplesSplit || nodeRows.count < 2 * limits.minSamplesLeaf { continue }
            var order = Array(0..<x.columns)
            if candidates < x.columns { order.shuffle(using: &rng) }
            guard let split = bestSplit(x, y, nodeRows, features: order.prefix(candidates)) else { continue }
            let leftRows = nodeRows.filter { x[$0, split.feature] <= split.threshold }
            let rightRows = nodeRows.filter { x[$0, split.feature] > split.threshold }
            let l = addNode(), r = addNode()
            feature[node] = split.feature; threshold[node] = split.threshold; left[node] = l; right[node] = r
            stack.append((rightRows, depth + 1, r))
            stack.append((leftRows, depth + 1, l))
        }
    }

    private func featureCount(_ p: Int) -> Int {
        switch maxFeatures {
        case nil: return p
        case .rule("sqrt")?: return max(1, Int(Double(p).squareRoot()))
        case .rule(_)?: return max(1, Int(log2(Double(p))))
        case .number(let f)?: return f <= 1 ? max(1, Int(f * Double(p))) : min(p, Int(f))
        }
    }

    private mutating func addNode() -> Int {
        feature.append(-1); threshold.append(0); left.append(-1); right.append(-1)
        value.append(contentsOf: repeatElement(0, count: outputs))
        cover.append(0)
        return feature.count - 1
    }

    private mutating func setLeafValue(_ node: Int, _ y: [Double], _ rows: [Int]) {
        let total = rows.reduce(0) { $0 + weights[$1] }
        cover[node] = total
        if task.isClassification {
            for r in rows { value[node * outputs + Int(y[r])] += weights[r] }
            for k in 0..<outputs { value[node * outputs + k] /= total }
        } else {
            value[node] = rows.reduce(0) { $0 + weights[$1] * y[$1] } / total
        }
    }

    private func impurity(_ counts: [Double], _ n: Double) -> Double {
        if limits.entropy {
            return -counts.reduce(0) { $1 > 0 ? $0 + ($1 / n) * log2($1 / n) : $0 }
        }
        return 1 - counts.reduce(0) { $0 + ($1 / n) * ($1 / n) }
    }

    private func bestSplit(_ x: Matrix, _ y: [Double], _ rows: [Int], features: ArraySlice<Int>) -> (feature: Int, threshold: Double)? {
        let n = rows.count, minLeaf = limits.minSamplesLeaf
        var best: (feature: Int, threshold: Double, score: Double)?
        var parentScore = 0.0, totalWeight = 0.0
        for r in rows { totalWeight += weights[r] }
        if task.isClassification {
            var counts = [Double](repeating: 0, count: outputs)
            for r in rows { counts[Int(y[r])] += weights[r] }
            parentScore = impurity(counts, totalWeight) * totalWeight
        } else {
            let mean = rows.reduce(0) { $0 + weights[$1] * y[$1] } / totalWeight
            parentScore = rows.reduce(0) { $0 + weights[$1] * (y[$1] - mean) * (y[$1] - mean) }
        }
        if parentScore <= 1e-12 { return nil }
        // (feature value, row) pairs gathered contiguously and sorted by value: far cheaper
        // than sorting row indices through the matrix.
        var pairs = [(value: Double, row: Int)]()
        pairs.reserveCapacity(n)
        let p = x.columns
        for f in features {
            pairs.removeAll(keepingCapacity: true)
            x.values.withUnsafeBufferPointer { v in for r in rows { pairs.append((v[r * p + f], r)) } }
            pairs.sort { $0.value < $1.value }
            if pairs[0].value == pairs[n - 1].value { continue }
            if task.isClassification {
                var leftCounts = [Double](repeating: 0, count: outputs)
                var rightCounts = [Double](repeating: 0, count: outputs)
                for pair in pairs { rightCounts[Int(y[pair.row])] += weights[pair.row] }
                var leftWeight = 0.0
                for i in 0..<(n - 1) {
                    let r = pairs[i].row, w = weights[r], label = Int(y[r])
                    leftCounts[label] += w; rightCounts[label] -= w; leftWeight += w
                    let a = pairs[i].value, b = pairs[i + 1].value
                    guard a < b, i + 1 >= minLeaf, n - i - 1 >= minLeaf else { continue }
                    let nl = leftWeight, nr = totalWeight - leftWeight
                    let score = impurity(leftCounts, nl) * nl + impurity(rightCounts, nr) * nr
                    if best == nil || score < best!.score - 1e-12 { best = (f, a + (b - a) / 2, score) }
                }
            } else {
                var leftSum = 0.0, leftSquares = 0.0, leftWeight = 0.0, total = 0.0, totalSquares = 0.0
                for pair in pairs { let w = weights[pair.row], t = y[pair.row]; total += w * t; totalSquares += w * t * t }
                for i in 0..<(n - 1) {
                    let r = pairs[i].row, w = weights[r], v = y[r]
                    leftSum += w * v; leftSquares += w * v * v; leftWeight += w
                    let a = pairs[i].value, b = pairs[i + 1].value
                    guard a < b, i + 1 >= minLeaf, n - i - 1 >= minLeaf else { continue }
                    let nl = leftWeight, nr = totalWeight - leftWeight
                    let rightSum = total - leftSum, rightSquares = totalSquares - leftSquares
                    let score = (leftSquares - leftSum * leftSum / nl) + (rightSquares - rightSum * rightSum / nr)
                    if best == nil || score < best!.score - 1e-12 { best = (f, a + (b - a) / 2, score) }
                }
            }
        }
        guard let best, best.score < parentScore - 1e-12 else { return nil }
        return (best.feature, best.threshold)
    }

    func leaf(_ row: ArraySlice<Double>) -> Int {
        var node = 0
        let base = row.startIndex
        while feature[node] >= 0 { node = row[base + feature[node]] <= threshold[node] ? left[node] : right[node] }
        return node
    }

    public func predictProbabilities(_ x: Matrix) -> Matrix? {
        guard task.isClassification else { return nil }
        var out = [Double]()
        out.reserveCapacity(x.rows * outputs)
        for r in 0..<x.rows { let node = leaf(x.row(r)); out += value[(node * outputs)..<((node + 1) * outputs)] }
        return Matrix(rows: x.rows, columns: outputs, values: out)
    }

    public func predict(_ x: Matrix) -> [Double] {
        if task.isClassification { return argmaxRows(predictProbabilities(x)!) }
        return (0..<x.rows).map { value[leaf(x.row($0))] }
    }
}

/// Bagged CART trees with random feature subsets, grown in parallel; predictions average the
/// trees' probabilities (classification) or values (regression).
public struct RandomForest: Learner {
    public let task: LearningTask
    public internal(set) var trees: [DecisionTree] = []
    let limits: TreeLimits, treeCount: Int, maxFeatures: LearnerSpec.NumberOrRule, bootstrap: Bool, seed: UInt64

    public init(task: LearningTask, limits: TreeLimits, trees: Int, maxFeatures: LearnerSpec.NumberOrRule, bootstrap: Bool, seed: UInt64) {
        self.task = task
        self.limits = limits
        treeCount = trees
        self.maxFeatures = maxFeatures
        self.bootstrap = bootstrap
        self.seed = seed
    }

    public mutating func fit(_ x: Matrix, _ y: [Double]) throws {
        try fit(x, y, weights: nil)
    }

    public mutating func fit(_ x: Matrix, _ y: [Double], sampleWeights: [Double]) throws {
        guard sampleWeights.count == x.rows else { throw DataError("sample_weight", "has \(sampleWeights.count) weights for \(x.rows) rows") }
        try fit(x, y, weights: sampleWeights)
    }

    private mutating func fit(_ x: Matrix, _ y: [Double], weights sampleWeights: [Double]?) throws {
        let slots = ResultSlots<DecisionTree>(count: treeCount)
        let (task, limits, maxFeatures, bootstrap, seed) = (self.task, self.limits, self.maxFeatures, self.bootstrap, self.seed)
        parallelEach(treeCount) { t in
            var rng = SeededGenerator(seed: seed &+ UInt64(t) &* 0x9E37_79B9)
            let rows = bootstrap ? (0..<x.rows).map { _ in Int(rng.next() % UInt64(x.rows)) } : Array(0..<x.rows)
            var tree = DecisionTree(task: task, limits: limits, maxFeatures: maxFeatures, seed: rng.next())
            try? tree.fit(x, y, rows: rows, sampleWeights: sampleWeights)
            slots.set(t, tree)
        }
        trees = slots.values
    }

    public func predictProbabilities(_ x: Matrix) -> Matrix? {
        guard task.isClassification else { return nil }
        var total = Matrix(rows: x.rows, columns: task.classCount)
        for tree in trees { for (i, v) in tree.predictProbabilities(x)!.values.enumerated() { total.values[i] += v } }
        for i in total.values.indices { total.values[i] /= Double(trees.count) }
        return total
    }

    public func predict(_ x: Matrix) -> [Double] {
        if task.isClassification { return argmaxRows(predictProbabilities(x)!) }
        var sums = [Double](repeating: 0, count: x.rows)
        for tree in trees { for (i, v) in tree.predict(x).enumerated() { sums[i] += v } }
        return sums.map { $0 / Double(trees.count) }
    }
}
