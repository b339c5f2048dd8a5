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
    /// Each tree's nodes packed for the walk: one cache line holds a node's split and cover.
    private let packed: [[PackedNode]]
    private let reciprocals: [Double]
    /// The model's output with no feature known, per output (computed once: every row shares it).
    public let baseValue: [Double]

    /// `treeOutput[t]` names the output tree t adds to when trees have one value per node;
    /// nil when every tree carries all outputs.
    public init(trees: [ShapTree], outputs: Int, scale: Double, offset: [Double]? = nil, treeOutput: [Int]? = nil) {
        self.trees = trees
        self.outputs = outputs
        self.scale = scale
        self.offset = offset ?? [Double](repeating: 0, count: outputs)
        self.treeOutput = treeOutput ?? [Int](repeating: -1, count: trees.count)
        maxDepth = trees.map(\.depth).max() ?? 0
        reciprocals = (0...(maxDepth + 2)).map { $0 == 0 ? 0 : 1 / Double($0) }
        packed = trees.map { t in
            t.feature.indices.map { i in
                PackedNode(feature: Int32(t.feature[i]), left: Int32(t.left[i]), right: Int32(t.right[i]), threshold: t.threshold[i], cover: t.cover[i])
            }
        }
        var base = self.offset
        for (t, tree) in trees.enumerated() {
            let e = tree.expectedValue
            if self.treeOutput[t] >= 0 { base[self.treeOutput[t]] += scale * e[0] } else { for k in 0..<outputs { base[k] += scale * e[k] } }
        }
        baseValue = base
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
        // Accumulated feature-major (feature · outputs + k), scaled once at the end.
        var phi = [Double](repeating: 0, count: outputs * p)
        let pathLength = (maxDepth + 2) * (maxDepth + 3) / 2
        let path = UnsafeMutablePointer<PathElement>.allocate(capacity: pathLength)
        defer { path.deallocate() }
        row.withUnsafeBufferPointer { x in
            phi.withUnsafeMutableBufferPointer { out in
                for t in trees.indices {
                    let own = treeOutput[t]
                    walk(t, x.baseAddress!, out.baseAddress! + max(own, 0), own >= 0 ? 1 : outputs, path)
                }
            }
        }
        return (0..<outputs).map { k in (0..<p).map { scale * phi[$0 * outputs + k] } }
    }

    /// Adds tree t's attributions for its `treeOutputs` outputs at phi[feature · outputs + k].
    private func walk(_ t: Int, _ x: UnsafePointer<Double>, _ phi: UnsafeMutablePointer<Double>, _ treeOutputs: Int,
                      _ path: UnsafeMutablePointer<PathElement>) {
        packed[t].withUnsafeBufferPointer { nodes in
            trees[t].value.withUnsafeBufferPointer { values in reciprocals.withUnsafeBufferPointer { inverse in
                TreeWalk(nodes: nodes.baseAddress!, values: values.baseAddress!, x: x, phi: phi, outputs: treeOutputs, stride: outputs,
                         reciprocals: inverse.baseAddress!)
                    .recurse(0, 0, path, 1, 1, -1)
            }
            }
        }
    }
}

struct PackedNode {
    var feature: Int32, left: Int32, right: Int32
    var threshold: Double
    var cover: Double
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
    let nodes: UnsafePointer<PackedNode>
    let values: UnsafePointer<Double>
    let x: UnsafePointer<Double>
    let phi: UnsafeMutablePointer<Double>
    /// Values per node of this tree, and outputs per feature in phi.
    let outputs: Int
    let stride: Int
    /// 1/k for k up to the deepest path (entry 0 unused).
    let reciprocals: UnsafePointer<Double>

    func recurse(_ node: Int, _ depth: Int, _ parentPath: UnsafeMutablePointer<PathElement>,
                 _ parentZero: Double, _ parentOne: Double, _ parentFeature: Int) {
        var depth = depth
        let path = parentPath + depth + 1
        path.update(from: parentPath, count: depth + 1)
        extend(path, depth, parentZero, parentOne, parentFeature)
        let here = nodes[node]
        let split = Int(here.feature)
        if split < 0 {
            guard depth >= 1 else { return }
            for i in 1...depth {
                let w = unwoundSum(path, depth, i)
                let element = path[i]
                let scale = w * (element.oneFraction - element.zeroFraction)
                for k in 0..<outputs { phi[element.feature * stride + k] += scale * values[node * outputs + k] }
            }
            return
        }
        let goesLeft = x[split] <= here.threshold
        let hot = Int(goesLeft ? here.left : here.right), cold = Int(goesLeft ? here.right : here.left)
        let hotZero = nodes[hot].cover / here.cover, coldZero = nodes[cold].cover / here.cover
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

    // The three path updates below are Algorithm 2's EXTEND, UNWIND and the unwound sum, with
    // the divisions by loop-invariant values turned into multiplications by reciprocals: the
    // unwound sum is a serial chain, and a division's latency there set the whole walk's speed.

    private func extend(_ path: UnsafeMutablePointer<PathElement>, _ depth: Int, _ zero: Double, _ one: Double, _ feature: Int) {
        path[depth] = PathElement(feature: feature, zeroFraction: zero, oneFraction: one, weight: depth == 0 ? 1 : 0)
        let inverse = 1 / Double(depth + 1)
        let oneScaled = one * inverse, zeroScaled = zero * inverse
        var i = depth - 1
        while i >= 0 {
            path[i + 1].weight += oneScaled * path[i].weight * Double(i + 1)
            path[i].weight = zeroScaled * path[i].weight * Double(depth - i)
            i -= 1
        }
    }

    private func unwind(_ path: UnsafeMutablePointer<PathElement>, _ depth: Int, _ index: Int) {
        let one = path[index].oneFraction, zero = path[index].zeroFraction
        var next = path[depth].weight
        let d1 = Double(depth + 1)
        var i = depth - 1
        if one != 0 {
            let up = d1 / one, down = zero / d1
            while i >= 0 {
                let saved = path[i].weight
                path[i].weight = next * up * reciprocals[i + 1]
                next = saved - path[i].weight * down * Double(depth - i)
                i -= 1
            }
        } else {
            let up = d1 / zero
            while i >= 0 {
                path[i].weight = path[i].weight * up * reciprocals[depth - i]
                i -= 1
            }
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
        if one != 0 {
            let up = d1 / one, down = zero / d1
            while i >= 0 {
                let t = next * up * reciprocals[i + 1]
                total += t
                next = path[i].weight - t * down * Double(depth - i)
                i -= 1
            }
        } else if zero != 0 {
            let up = d1 / zero
            while i >= 0 {
                total += path[i].weight * up * reciprocals[depth - i]
                i -= 1
            }
        }
        return total
    }
}
