/// One tree as TreeSHAP reads it: flat node arrays (feature −1 marks a leaf; a row goes left
/// when `x[feature] <= threshold`), `outputs` values per node, and each node's cover — the
/// (weighted) number of training rows that reached it.
public struct ShapTree: Sendable {
    public var feature: [Int], threshold: [Double], left: [Int], right: [Int]
    public var value: [Double]
    public var cover: [Double]
    public var outputs: Int

    public init(feature: [Int], threshold: [Double], left: [Int], right: [Int], value: [Double], cover: [Double], outputs: Int) {
        self.feature = feature; self.threshold = threshold; self.left = left; self.right = right
        self.value = value; self.cover = cover; self.outputs = outputs
    }

    var depth: Int {
        var deepest = 0
        var stack = [(0, 0)]
        while let (node, d) = stack.popLast() {
            deepest = max(deepest, d)
            if feature[node] >= 0 { stack.append((left[node], d + 1)); stack.append((right[node], d + 1)) }
        }
        return deepest
    }

    /// The cover-weighted mean of the leaves: what the tree predicts with no feature known.
    var expectedValue: [Double] {
        var out = [Double](repeating: 0, count: outputs)
        let root = cover[0]
        for node in feature.indices where feature[node] < 0 {
            for k in 0..<outputs { out[k] += value[node * outputs + k] * cover[node] / root }
        }
        return out
    }
}

/// Exact path-dependent TreeSHAP (Lundberg, Erion & Lee 2018, Algorithm 2) over an ensemble
/// whose output is `offset + scale · Σ trees`: a random forest (scale 1/T) or boosted trees
/// (scale 1, offset the baseline). Attributions sum to the output minus the base value.
public struct TreeEnsembleExplainer: Sendable {
    public let trees: [ShapTree]
    /// The output each tree adds to (boosting grows one tree per class and round).
    public let treeOutput: [Int]
    public let outputs: Int
    public let scale: Double
    public let offset: [Double]
    private let maxDepth: Int

    /// `treeOutput[t]` names the output tree t adds to when trees have one value per node;
    /// nil when every tree carries all outputs.
    public init(trees: [ShapTree], outputs: Int, scale: Double, offset: [Double]? = nil, treeOutput: [Int]? = nil) {
        self.trees = trees
        self.outputs = outputs
        self.scale = scale
        self.offset = offset ?? [Double](repeating: 0, count: outputs)
        self.treeOutput = treeOutput ?? [Int](repeating: -1, count: trees.count)
        maxDepth = trees.map(\.depth).max() ?? 0
    }

    /// The model's output with no feature known, per output.
    public var baseValue: [Double] {
        var base = offset
        for (t, tree) in trees.enumerated() {
            let e = tree.expectedValue
            if treeOutput[t] >= 0 { base[treeOutput[t]] += scale * e[0] } else { for k in 0..<outputs { base[k] += scale * e[k] } }
        }
        return base
    }

    /// The ensemble's output for one row, per output (what the attributions add up to).
    public func output(_ row: [Double]) -> [Double] {
        var out = offset
        for (t, tree) in trees.enumerated() {
            var node = 0
            while tree.feature[node] >= 0 { node = row[tree.feature[node]] <= tree.threshold[node] ? tree.left[node] : tree.right[node] }
            if treeOutput[t] >= 0 { out[treeOutput[t]] += scale * tree.value[node] }
            else { for k in 0..<outputs { out[k] += scale * tree.value[node * outputs + k] } }
        }
        return out
    }

    /// Attributions of one row: [output][feature].
    public func explain(_ row: [Double]) -> [[Double]] {
        let p = row.count
        var phi = [Double](repeating: 0, count: outputs * p)
        let pathLength = (maxDepth + 2) * (maxDepth + 3) / 2
        let path = UnsafeMutablePointer<PathElement>.allocate(capacity: pathLength)
        defer { path.deallocate() }
        var single = [Double](repeating: 0, count: p)
        row.withUnsafeBufferPointer { x in
            for (t, tree) in trees.enumerated() {
                if treeOutput[t] >= 0 {
                    for i in 0..<p { single[i] = 0 }
                    single.withUnsafeMutableBufferPointer { out in
                        TreeWalk(tree: tree, x: x.baseAddress!, phi: out.baseAddress!, outputs: 1).recurse(0, 0, path, 1, 1, -1)
                    }
                    let k = treeOutput[t]
                    for i in 0..<p { phi[k * p + i] += scale * single[i] }
                } else {
                    var local = [Double](repeating: 0, count: p * outputs)
                    local.withUnsafeMutableBufferPointer { out in
                        TreeWalk(tree: tree, x: x.baseAddress!, phi: out.baseAddress!, outputs: outputs).recurse(0, 0, path, 1, 1, -1)
                    }
                    // The walk writes feature-major (feature · outputs + k).
                    for i in 0..<p { for k in 0..<outputs { phi[k * p + i] += scale * local[i * outputs + k] } }
                }
            }
        }
        return (0..<outputs).map { Array(phi[($0 * p)..<(($0 + 1) * p)]) }
    }
}

struct PathElement {
    var feature: Int
    var zeroFraction: Double
    var oneFraction: Double
    var weight: Double
}

/// The recursion of Algorithm 2 on one tree, over a caller-owned triangular path buffer (each
/// depth copies its parent's path into the next slice, as the reference implementation does).
private struct TreeWalk {
    let tree: ShapTree
    let x: UnsafePointer<Double>
    let phi: UnsafeMutablePointer<Double>
    let outputs: Int

    func recurse(_ node: Int, _ depth: Int, _ parentPath: UnsafeMutablePointer<PathElement>,
                 _ parentZero: Double, _ parentOne: Double, _ parentFeature: Int) {
        var depth = depth
        let path = parentPath + depth + 1
        path.update(from: parentPath, count: depth + 1)
        extend(path, depth, parentZero, parentOne, parentFeature)
        let split = tree.feature[node]
        if split < 0 {
            guard depth >= 1 else { return }
            for i in 1...depth {
                let w = unwoundSum(path, depth, i)
                let element = path[i]
                let scale = w * (element.oneFraction - element.zeroFraction)
                for k in 0..<outputs { phi[element.feature * outputs + k] += scale * tree.value[node * outputs + k] }
            }
            return
        }
        let goesLeft = x[split] <= tree.threshold[node]
        let hot = goesLeft ? tree.left[node] : tree.right[node], cold = goesLeft ? tree.right[node] : tree.left[node]
        let cover = tree.cover[node]
        let hotZero = tree.cover[hot] / cover, coldZero = tree.cover[cold] / cover
        var incomingZero = 1.0, incomingOne = 1.0
        // A feature split on again above: undo that split so it counts once.
        var index = 0
        while index <= depth { if path[index].feature == split { break }; index += 1 }
        if index != depth + 1 {
            incomingZero = path[index].zeroFraction
            incomingOne = path[index].oneFraction
            unwind(path, depth, index)
            depth -= 1
        }
        recurse(hot, depth + 1, path, hotZero * incomingZero, incomingOne, split)
        recurse(cold, depth + 1, path, coldZero * incomingZero, 0, split)
    }

    private func extend(_ path: UnsafeMutablePointer<PathElement>, _ depth: Int, _ zero: Double, _ one: Double, _ feature: Int) {
        path[depth] = PathElement(feature: feature, zeroFraction: zero, oneFraction: one, weight: depth == 0 ? 1 : 0)
        var i = depth - 1
        let d1 = Double(depth + 1)
        while i >= 0 {
            path[i + 1].weight += one * path[i].weight * Double(i + 1) / d1
            path[i].weight = zero * path[i].weight * Double(depth - i) / d1
            i -= 1
        }
    }

    private func unwind(_ path: UnsafeMutablePointer<PathElement>, _ depth: Int, _ index: Int) {
        let one = path[index].oneFraction, zero = path[index].zeroFraction
        var next = path[depth].weight
        let d1 = Double(depth + 1)
        var i = depth - 1
        while i >= 0 {
            if one != 0 {
                let saved = path[i].weight
                path[i].weight = next * d1 / (Double(i + 1) * one)
                next = saved - path[i].weight * zero * Double(depth - i) / d1
            } else {
                path[i].weight = path[i].weight * d1 / (zero * Double(depth - i))
            }
            i -= 1
        }
        for j in index..<depth {
            path[j].feature = path[j + 1].feature
            path[j].zeroFraction = path[j + 1].zeroFraction
            path[j].oneFraction = path[j + 1].oneFraction
        }
    }

    private func unwoundSum(_ path: UnsafeMutablePointer<PathElement>, _ depth: Int, _ index: Int) -> Double {
        let one = path[index].oneFraction, zero = path[index].zeroFraction
        var next = path[depth].weight, total = 0.0
        let d1 = Double(depth + 1)
        var i = depth - 1
        while i >= 0 {
            if one != 0 {
                let t = next * d1 / (Double(i + 1) * one)
                total += t
                next = path[i].weight - t * zero * Double(depth - i) / d1
            } else if zero != 0 {
                total += (path[i].weight / zero) / (Double(depth - i) / d1)
            }
            i -= 1
        }
        return total
    }
}
