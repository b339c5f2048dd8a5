import Datasets
import Tensor

/// A fitted learner's parameters by name, as double-precision safetensors entries.
public typealias LearnerState = [String: Safetensors.Entry]

extension LearnerState {
    func values(_ name: String) throws -> [Double] {
        guard let entry = self[name] else { throw DataError(name, "missing from the saved learner state") }
        return entry.doubles
    }

    func matrix(_ name: String) throws -> Matrix {
        guard let entry = self[name], entry.shape.count == 2 else { throw DataError(name, "missing or not a matrix in the saved learner state") }
        return Matrix(rows: entry.shape[0], columns: entry.shape[1], values: entry.doubles)
    }

    static func entry(_ m: Matrix) -> Safetensors.Entry { .init(doubles: m.values, shape: [m.rows, m.columns]) }
}

/// Trees of a forest or a boosted ensemble flattened into one set of node arrays with offsets.
struct FlatTrees {
    var feature: [Double] = [], threshold: [Double] = [], left: [Double] = [], right: [Double] = [], value: [Double] = []
    /// Node covers for TreeSHAP; absent (empty) in artifacts saved before they were recorded.
    var cover: [Double] = []
    var offsets: [Double] = [0]

    mutating func append(feature f: [Int], threshold t: [Double], left l: [Int], right r: [Int], value v: [Double], cover c: [Double]) {
        feature += f.map(Double.init); threshold += t; left += l.map(Double.init); right += r.map(Double.init); value += v
        cover += c.count == f.count ? c : []
        offsets.append(Double(feature.count))
    }

    func state(prefix: String) -> LearnerState {
        var state: LearnerState = [
            "\(prefix)feature": .init(doubles: feature), "\(prefix)threshold": .init(doubles: threshold), "\(prefix)left": .init(doubles: left),
            "\(prefix)right": .init(doubles: right), "\(prefix)value": .init(doubles: value), "\(prefix)offsets": .init(doubles: offsets)]
        if cover.count == feature.count { state["\(prefix)cover"] = .init(doubles: cover) }
        return state
    }

    init() {}

    init(_ state: LearnerState, prefix: String) throws {
        feature = try state.values("\(prefix)feature"); threshold = try state.values("\(prefix)threshold")
        left = try state.values("\(prefix)left"); right = try state.values("\(prefix)right")
        value = try state.values("\(prefix)value"); offsets = try state.values("\(prefix)offsets")
        cover = (try? state.values("\(prefix)cover")).flatMap { $0.count == feature.count ? $0 : nil } ?? []
    }

    var count: Int { offsets.count - 1 }

    /// Node arrays of tree `i`; values per node = value.count / node count.
    func tree(_ i: Int) -> (feature: [Int], threshold: [Double], left: [Int], right: [Int], value: ArraySlice<Double>, cover: [Double]) {
        let a = Int(offsets[i]), b = Int(offsets[i + 1])
        let perNode = value.count / max(feature.count, 1)
        return (feature[a..<b].map { Int($0) }, Array(threshold[a..<b]), left[a..<b].map { Int($0) }, right[a..<b].map { Int($0) },
                value[(a * perNode)..<(b * perNode)], cover.isEmpty ? [] : Array(cover[a..<b]))
    }
}

extension LinearRegression {
    public var state: LearnerState { ["coefficients": .init(doubles: coefficients), "intercept": .init(doubles: [intercept])] }
    public mutating func restore(_ state: LearnerState) throws {
        coefficients = try state.values("coefficients")
        intercept = try state.values("intercept").first ?? 0
    }
}

extension LogisticRegression {
    public var state: LearnerState {
        ["weights": .init(doubles: weights.flatMap { $0 }, shape: [weights.count, weights.first?.count ?? 0])]
    }
    public mutating func restore(_ state: LearnerState) throws {
        let m = try state.matrix("weights")
        weights = (0..<m.rows).map { Array(m.row($0)) }
    }
}

extension SupportVectorClassifier {
    public var state: LearnerState {
        var offsets = [0.0]
        for m in models { offsets.append(offsets.last! + Double(m.vectors.count)) }
        return ["support_vectors": LearnerState.entry(supportVectors),
                "vector_index": .init(doubles: models.flatMap { $0.vectors.map(Double.init) }),
                "dual_coefficients": .init(doubles: models.flatMap(\.coefficients)),
                "offsets": .init(doubles: offsets), "rho": .init(doubles: models.map(\.rho)), "gamma": .init(doubles: [kernel.gamma])]
    }
    public mutating func restore(_ state: LearnerState) throws {
        supportVectors = try state.matrix("support_vectors")
        let index = try state.values("vector_index"), coefficients = try state.values("dual_coefficients")
        let offsets = try state.values("offsets"), rho = try state.values("rho")
        kernel.gamma = try state.values("gamma").first ?? 0
        let pairs = (0..<classes).flatMap { a in ((a + 1)..<max(classes, a + 1)).map { (a, $0) } }
        guard pairs.count == rho.count, offsets.count == rho.count + 1 else {
            throw DataError("rho", "the saved state holds \(rho.count) class pairs, \(classes) classes need \(pairs.count)")
        }
        models = pairs.enumerated().map { p, pair in
            let range = Int(offsets[p])..<Int(offsets[p + 1])
            return BinaryModel(positive: pair.0, negative: pair.1, vectors: index[range].map { Int($0) },
                               coefficients: Array(coefficients[range]), rho: rho[p])
        }
    }
}

extension DecisionTree {
    public var state: LearnerState {
        var flat = FlatTrees()
        flat.append(feature: feature, threshold: threshold, left: left, right: right, value: value, cover: cover)
        return flat.state(prefix: "")
    }
    public mutating func restore(_ state: LearnerState) throws {
        let t = try FlatTrees(state, prefix: "").tree(0)
        (feature, threshold, left, right, value, cover) = (t.feature, t.threshold, t.left, t.right, Array(t.value), t.cover)
    }
}

extension RandomForest {
    public var state: LearnerState {
        var flat = FlatTrees()
        for t in trees { flat.append(feature: t.feature, threshold: t.threshold, left: t.left, right: t.right, value: t.value, cover: t.cover) }
        return flat.state(prefix: "")
    }
    public mutating func restore(_ state: LearnerState) throws {
        let flat = try FlatTrees(state, prefix: "")
        trees = try (0..<flat.count).map { i in
            var tree = DecisionTree(task: task, limits: limits, maxFeatures: maxFeatures, seed: seed)
            var single = FlatTrees()
            let t = flat.tree(i)
            single.append(feature: t.feature, threshold: t.threshold, left: t.left, right: t.right, value: Array(t.value), cover: t.cover)
            try tree.restore(single.state(prefix: ""))
            return tree
        }
    }
}

extension NearestNeighbors {
    public var state: LearnerState { ["x": LearnerState.entry(trainingRows), "y": .init(doubles: trainingTargets)] }
    public mutating func restore(_ state: LearnerState) throws {
        trainingRows = try state.matrix("x")
        trainingTargets = try state.values("y")
    }
}

extension GaussianNaiveBayes {
    public var state: LearnerState {
        let p = means.first?.count ?? 0
        return ["means": .init(doubles: means.flatMap { $0 }, shape: [means.count, p]),
                "variances": .init(doubles: variances.flatMap { $0 }, shape: [variances.count, p]),
                "log_priors": .init(doubles: logPriors)]
    }
    public mutating func restore(_ state: LearnerState) throws {
        let m = try state.matrix("means"), v = try state.matrix("variances")
        means = (0..<m.rows).map { Array(m.row($0)) }
        variances = (0..<v.rows).map { Array(v.row($0)) }
        logPriors = try state.values("log_priors")
    }
}

extension KMeans {
    public var state: LearnerState { ["centers": LearnerState.entry(centers), "inertia": .init(doubles: [inertia])] }
    public mutating func restore(_ state: LearnerState) throws {
        centers = try state.matrix("centers")
        inertia = try state.values("inertia").first ?? .nan
    }
}
