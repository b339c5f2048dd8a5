import Datasets
import Dispatch
import Foundation
import Tensor

/// Histogram-based gradient-boosted trees in the style of scikit-learn's
/// HistGradientBoosting{Classifier,Regressor} (and LightGBM): features are bucketed into at
/// most `maxBins` bins once; every iteration grows one tree per output leaf-wise (best gain
/// first) from gradient/hessian histograms, with the sibling's histogram obtained by
/// subtraction. Losses: squared error, binary log-loss, multinomial log-loss.
public struct HistGradientBoosting: Learner {
    struct Tree: Sendable {
        var feature: [Int] = [], threshold: [Double] = [], left: [Int] = [], right: [Int] = [], value: [Double] = []
        /// Training rows that reached each node (TreeSHAP's cover); empty in older artifacts.
        var cover: [Double] = []
        func predict(_ row: ArraySlice<Double>) -> Double {
            var node = 0
            let base = row.startIndex
            while feature[node] >= 0 { node = row[base + feature[node]] <= threshold[node] ? left[node] : right[node] }
            return value[node]
        }
    }

    public let task: LearningTask
    let learningRate: Double, iterations: Int, maxLeafNodes: Int, maxDepth: Int?, minSamplesLeaf: Int, l2: Double, maxBins: Int
    /// Upper edges of each feature's bins: a value goes to the first bin whose edge is ≥ it.
    private var edges: [[Double]] = []
    var baseline: [Double] = []
    var trees: [[Tree]] = []

    public init(task: LearningTask, learningRate: Double, iterations: Int, maxLeafNodes: Int, maxDepth: Int?, minSamplesLeaf: Int,
                l2: Double, maxBins: Int) {
        self.task = task
        self.learningRate = learningRate
        self.iterations = iterations
        self.maxLeafNodes = maxLeafNodes
        self.maxDepth = maxDepth
        self.minSamplesLeaf = minSamplesLeaf
        self.l2 = l2
        self.maxBins = maxBins
    }

    var outputs: Int { task.classCount > 2 ? task.classCount : 1 }
    public var treeCount: Int { trees.reduce(0) { $0 + $1.count } }

    public mutating func fit(_ x: Matrix, _ y: [Double]) throws {
        let (n, p) = (x.rows, x.columns)
        edges = (0..<p).map { binEdges(x.column($0)) }
        // Column-major bin indices.
        var bins = [UInt8](repeating: 0, count: n * p)
        for f in 0..<p { for r in 0..<n { bins[f * n + r] = UInt8(binIndex(x[r, f], edges[f])) } }
        let k = outputs
        switch (task, k) {
        case (.regression, _): baseline = [y.reduce(0, +) / Double(n)]
        case (_, 1):
            let positive = min(max(y.reduce(0, +) / Double(n), 1e-12), 1 - 1e-12)
            baseline = [log(positive / (1 - positive))]
        default:
            baseline = (0..<k).map { c in log(max(Double(y.filter { Int($0) == c }.count) / Double(n), 1e-12)) }
        }
        var raw = [Double](repeating: 0, count: n * k)
        for r in 0..<n { for c in 0..<k { raw[r * k + c] = baseline[c] } }
        trees = []
        let task = self.task
        for _ in 0..<iterations {
            var probabilities = [Double](repeating: 0, count: n * k)
            if k > 1 {
                for r in 0..<n {
                    var peak = -Double.infinity
                    for c in 0..<k { peak = max(peak, raw[r * k + c]) }
                    var total = 0.0
                    for c in 0..<k { let e = exp(raw[r * k + c] - peak); probabilities[r * k + c] = e; total += e }
                    for c in 0..<k { probabilities[r * k + c] /= total }
                }
            }
            // The k trees of one iteration depend only on this iteration's gradients: grow them
            // on all cores at once.
            let grown = ResultSlots<(Tree, [Int])>(count: k)
            let model = self, currentRaw = raw, probs = probabilities, binned = bins
            let growOne: @Sendable (Int) -> Void = { c in
                var gradients = [Double](repeating: 0, count: n), hessians = [Double](repeating: 0, count: n)
                for r in 0..<n {
                    switch (task, k) {
                    case (.regression, _): gradients[r] = currentRaw[r] - y[r]; hessians[r] = 1
                    case (_, 1):
                        let prob = 1 / (1 + exp(-currentRaw[r]))
                        gradients[r] = prob - y[r]; hessians[r] = max(prob * (1 - prob), 1e-16)
                    default:
                        let prob = probs[r * k + c]
                        gradients[r] = prob - (Int(y[r]) == c ? 1 : 0); hessians[r] = max(prob * (1 - prob), 1e-16)
                    }
                }
                grown.set(c, model.grow(bins: binned, rows: n, features: p, gradients: gradients, hessians: hessians, parallel: k == 1))
            }
            if k == 1 { growOne(0) } else { parallelEach(k, growOne) }
            var round: [Tree] = []
            for (c, (tree, leafOfRow)) in grown.values.enumerated() {
                for r in 0..<n { raw[r * k + c] += tree.value[leafOfRow[r]] }
                round.append(tree)
            }
            trees.append(round)
        }
    }

    private func binEdges(_ values: [Double]) -> [Double] {
        let distinct = Array(Set(values.filter { !$0.isNaN })).sorted()
        if distinct.count <= maxBins {
            return zip(distinct, distinct.dropFirst()).map { ($0 + $1) / 2 }
        }
        let sorted = values.filter { !$0.isNaN }.sorted()
        var result: [Double] = []
        for i in 1..<maxBins {
            let position = Double(i) / Double(maxBins) * Double(sorted.count - 1)
            let lower = sorted[Int(position)], upper = sorted[min(Int(position) + 1, sorted.count - 1)]
            let q = lower + (upper - lower) * (position - position.rounded(.down))
            if result.last.map({ q > $0 }) ?? true { result.append(q) }
        }
        return result
    }

    private func binIndex(_ value: Double, _ edges: [Double]) -> Int {
        var low = 0, high = edges.count
        while low < high { let mid = (low + high) / 2; if edges[mid] < value { low = mid + 1 } else { high = mid } }
        return low
    }

    /// (gradient, hessian, count) triples per (feature, bin): index (f · 256 + b) · 3.
    private struct Histogram { var sums: [Double] }
    private struct Candidate { var rows: [Int]; var depth: Int; var node: Int; var histogram: Histogram; var split: (feature: Int, bin: Int, gain: Double)? }

    /// Gradient, hessian and count sums per (feature, bin), interleaved so one update touches
    /// one cache line. The node's gradients are first gathered into contiguous arrays (once,
    /// not once per feature); features are split across cores for large nodes.
    private func histogram(_ rows: [Int], bins: [UInt8], n: Int, p: Int, _ g: [Double], _ h: [Double], parallel: Bool) -> Histogram {
        var sums = [Double](repeating: 0, count: p * 256 * 3)
        let orderedG = rows.map { g[$0] }, orderedH = rows.map { h[$0] }
        sums.withUnsafeMutableBufferPointer { hs in
        rows.withUnsafeBufferPointer { rs in bins.withUnsafeBufferPointer { bs in
        orderedG.withUnsafeBufferPointer { gs in orderedH.withUnsafeBufferPointer { hh in
            let (out, pr, pb, pg, ph) = (hs.baseAddress!, rs.baseAddress!, bs.baseAddress!, gs.baseAddress!, hh.baseAddress!)
            let count = rs.count
            let work = { (features: Range<Int>) in
                for f in features {
                    let column = pb + f * n, base = out + f * 256 * 3
                    for k in 0..<count {
                        let cell = base + 3 * Int(column[pr[k]])
                        cell[0] += pg[k]; cell[1] += ph[k]; cell[2] += 1
                    }
                }
            }
            if !parallel || count * p < 50_000 || ComputeThreads.count < 2 { work(0..<p); return }
            let sendable = unsafeBitCast(work, to: (@Sendable (Range<Int>) -> Void).self)
            DispatchQueue.concurrentPerform(iterations: 2) { part in sendable(part == 0 ? 0..<(p / 2) : (p / 2)..<p) }
        } } } } }
        return Histogram(sums: sums)
    }

    private func bestSplit(_ hist: Histogram, count: Int, p: Int) -> (feature: Int, bin: Int, gain: Double)? {
        var best: (feature: Int, bin: Int, gain: Double)?
        var totalG = 0.0, totalH = 0.0
        for b in 0..<256 { totalG += hist.sums[3 * b]; totalH += hist.sums[3 * b + 1] }
        let parent = totalG * totalG / (totalH + l2)
        for f in 0..<p {
            var gl = 0.0, hl = 0.0, nl = 0
            for b in 0..<(edges[f].count) {
                let i = 3 * (f * 256 + b)
                // An empty bin splits the node exactly as the bin before it did.
                if hist.sums[i + 2] == 0 { continue }
                gl += hist.sums[i]; hl += hist.sums[i + 1]; nl += Int(hist.sums[i + 2])
                let nr = count - nl
                if nl < minSamplesLeaf { continue }
                if nr < minSamplesLeaf { break }
                let gr = totalG - gl, hr = totalH - hl
                if hl < 1e-3 || hr < 1e-3 { continue }
                let gain = gl * gl / (hl + l2) + gr * gr / (hr + l2) - parent
                if gain > 1e-12 && (best == nil || gain > best!.gain) { best = (f, b, gain) }
            }
        }
        return best
    }

    /// Grows one tree leaf-wise. `parallel` splits histogram building across cores (when trees
    /// are not already being grown concurrently).
    private func grow(bins: [UInt8], rows n: Int, features p: Int, gradients: [Double], hessians: [Double], parallel: Bool) -> (Tree, [Int]) {
        var tree = Tree()
        var leafOfRow = [Int](repeating: 0, count: n)
        func addNode(_ rows: [Int]) -> Int {
            let g = rows.reduce(0) { $0 + gradients[$1] }, h = rows.reduce(0) { $0 + hessians[$1] }
            tree.feature.append(-1); tree.threshold.append(0); tree.left.append(-1); tree.right.append(-1)
            tree.value.append(-learningRate * g / (h + l2))
            tree.cover.append(Double(rows.count))
            for r in rows { leafOfRow[r] = tree.feature.count - 1 }
            return tree.feature.count - 1
        }
        let all = Array(0..<n)
        let rootHistogram = histogram(all, bins: bins, n: n, p: p, gradients, hessians, parallel: parallel)
        var open = [Candidate(rows: all, depth: 0, node: addNode(all), histogram: rootHistogram,
                              split: bestSplit(rootHistogram, count: n, p: p))]
        var leaves = 1
        while leaves < maxLeafNodes {
            guard let index = open.indices.filter({ open[$0].split != nil }).max(by: { open[$0].split!.gain < open[$1].split!.gain }) else { break }
            let candidate = open.remove(at: index)
            let split = candidate.split!
            let column = split.feature * n
            let leftRows = candidate.rows.filter { Int(bins[column + $0]) <= split.bin }
            let rightRows = candidate.rows.filter { Int(bins[column + $0]) > split.bin }
            let l = addNode(leftRows), r = addNode(rightRows)
            tree.feature[candidate.node] = split.feature
            tree.threshold[candidate.node] = edges[split.feature][split.bin]
            tree.left[candidate.node] = l
            tree.right[candidate.node] = r
            leaves += 1
            // Histogram of the smaller child directly, the larger one by subtraction.
            let smallIsLeft = leftRows.count <= rightRows.count
            let small = histogram(smallIsLeft ? leftRows : rightRows, bins: bins, n: n, p: p, gradients, hessians, parallel: parallel)
            var large = candidate.histogram
            large.sums.withUnsafeMutableBufferPointer { l in small.sums.withUnsafeBufferPointer { sm in
                for i in l.indices { l[i] -= sm[i] }
            } }
            let (leftHistogram, rightHistogram) = smallIsLeft ? (small, large) : (large, small)
            let depth = candidate.depth + 1
            let canSplit = maxDepth.map { depth < $0 } ?? true
            open.append(Candidate(rows: leftRows, depth: depth, node: l, histogram: leftHistogram,
                                  split: canSplit && leftRows.count >= 2 * minSamplesLeaf ? bestSplit(leftHistogram, count: leftRows.count, p: p) : nil))
            open.append(Candidate(rows: rightRows, depth: depth, node: r, histogram: rightHistogram,
                                  split: canSplit && rightRows.count >= 2 * minSamplesLeaf ? bestSplit(rightHistogram, count: rightRows.count, p: p) : nil))
        }
        return (tree, leafOfRow)
    }

    func rawPredictions(_ x: Matrix) -> [[Double]] {
        (0..<x.rows).map { r in
            let row = x.row(r)
            var scores = baseline
            for round in trees { for (c, tree) in round.enumerated() { scores[c] += tree.predict(row) } }
            return scores
        }
    }

    public func predictProbabilities(_ x: Matrix) -> Matrix? {
        guard task.isClassification else { return nil }
        let raw = rawPredictions(x)
        let values = raw.flatMap { scores -> [Double] in
            if scores.count == 1 { let p = 1 / (1 + exp(-scores[0])); return [1 - p, p] }
            let peak = scores.max()!, e = scores.map { exp($0 - peak) }, total = e.reduce(0, +)
            return e.map { $0 / total }
        }
        return Matrix(rows: x.rows, columns: max(task.classCount, 2), values: values)
    }

    public func predict(_ x: Matrix) -> [Double] {
        task.isClassification ? argmaxRows(predictProbabilities(x)!) : rawPredictions(x).map { $0[0] }
    }
}

extension HistGradientBoosting {
    public var state: LearnerState {
        var flat = FlatTrees()
        for round in trees { for t in round { flat.append(feature: t.feature, threshold: t.threshold, left: t.left, right: t.right, value: t.value, cover: t.cover) } }
        return flat.state(prefix: "").merging(["baseline": .init(doubles: baseline)]) { a, _ in a }
    }

    public mutating func restore(_ state: LearnerState) throws {
        baseline = try state.values("baseline")
        let flat = try FlatTrees(state, prefix: "")
        let k = baseline.count
        guard k > 0, flat.count % k == 0 else { throw DataError("baseline", "the saved trees do not divide into \(k) outputs") }
        trees = stride(from: 0, to: flat.count, by: k).map { start in
            (start..<(start + k)).map { i in
                let t = flat.tree(i)
                return Tree(feature: t.feature, threshold: t.threshold, left: t.left, right: t.right, value: Array(t.value), cover: t.cover)
            }
        }
    }
}
