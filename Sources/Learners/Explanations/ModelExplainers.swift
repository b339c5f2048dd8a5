import Datasets

/// What an attribution explains: the units its base value and attributions are in.
public enum ExplainedOutput: String, Sendable, Codable {
    /// Class probabilities (trees, forests, and KernelSHAP on any classifier).
    case probability
    /// The raw margin: log-odds (binary) or per-class scores before softmax.
    case logOdds = "log_odds"
    /// The predicted number (regression).
    case value
}

/// Attributions of one row over transformed features: `values[output][feature]`, with
/// `base[output] + Σ values[output] = output` (the model's output in `units`).
public struct FeatureAttribution: Sendable, Equatable {
    public var base: [Double]
    public var values: [[Double]]
    public var units: ExplainedOutput
    public init(base: [Double], values: [[Double]], units: ExplainedOutput) {
        self.base = base; self.values = values; self.units = units
    }
}

extension DataError {
    static func cannotExplain(_ what: String) -> DataError { DataError("method", what) }
}

extension DecisionTree {
    /// The tree as TreeSHAP reads it; fails for trees saved before node covers were recorded.
    func shapTree() throws -> ShapTree {
        guard cover.count == feature.count else {
            throw DataError.cannotExplain("this tree was saved before node covers were recorded; retrain it to use method 'tree', or use method 'kernel'")
        }
        return ShapTree(feature: feature, threshold: threshold, left: left, right: right, value: value, cover: cover, outputs: outputs)
    }

    public func treeExplainer() throws -> TreeEnsembleExplainer {
        TreeEnsembleExplainer(trees: [try shapTree()], outputs: outputs, scale: 1)
    }
}

extension RandomForest {
    public func treeExplainer() throws -> TreeEnsembleExplainer {
        let outputs = task.isClassification ? task.classCount : 1
        return TreeEnsembleExplainer(trees: try trees.map { try $0.shapTree() }, outputs: outputs, scale: 1 / Double(max(trees.count, 1)))
    }
}

extension HistGradientBoosting {
    /// Explains the raw margin (log-odds for two classes, per-class scores otherwise), as
    /// `shap.TreeExplainer` does for boosted trees.
    public func treeExplainer() throws -> TreeEnsembleExplainer {
        var shapTrees: [ShapTree] = [], owners: [Int] = []
        for round in trees {
            for (c, tree) in round.enumerated() {
                guard tree.cover.count == tree.feature.count else {
                    throw DataError.cannotExplain("these trees were saved before node covers were recorded; retrain the model to use method 'tree', or use method 'kernel'")
                }
                shapTrees.append(ShapTree(feature: tree.feature, threshold: tree.threshold, left: tree.left, right: tree.right,
                                          value: tree.value, cover: tree.cover, outputs: 1))
                owners.append(c)
            }
        }
        return TreeEnsembleExplainer(trees: shapTrees, outputs: outputs, scale: 1, offset: baseline, treeOutput: owners)
    }
}

/// Exact SHAP values of a linear model with independent features (`shap.LinearExplainer`,
/// interventional): φ_j = w_j (x_j − E[x_j]), base = b + w·E[x], in the margin's units.
public struct LinearExplainer: Sendable {
    /// [output][feature] weights and one intercept per output.
    public let weights: [[Double]]
    public let intercepts: [Double]
    public let means: [Double]
    public let units: ExplainedOutput

    public init(weights: [[Double]], intercepts: [Double], means: [Double], units: ExplainedOutput) {
        self.weights = weights; self.intercepts = intercepts; self.means = means; self.units = units
    }

    public var base: [Double] {
        zip(weights, intercepts).map { w, b in b + zip(w, means).reduce(0) { $0 + $1.0 * $1.1 } }
    }

    public func explain(_ row: [Double]) -> FeatureAttribution {
        FeatureAttribution(base: base, values: weights.map { w in row.indices.map { w[$0] * (row[$0] - means[$0]) } }, units: units)
    }
}

extension LinearRegression {
    public func linearExplainer(means: [Double]) -> LinearExplainer {
        LinearExplainer(weights: [coefficients], intercepts: [intercept], means: means, units: .value)
    }
}

extension LogisticRegression {
    public func linearExplainer(means: [Double]) -> LinearExplainer {
        LinearExplainer(weights: weights.map { Array($0.dropLast()) }, intercepts: weights.map { $0.last! }, means: means, units: .logOdds)
    }
}

/// The exact explainer a learner supports, if any: TreeSHAP for trees and tree ensembles,
/// linear SHAP (given the training means) for linear and logistic models.
public enum ExactExplainer: Sendable {
    case tree(TreeEnsembleExplainer, ExplainedOutput)
    case linear(LinearExplainer)

    public static func make(for learner: any Learner, method: String, means: [Double]?) throws -> ExactExplainer? {
        switch (method, learner) {
        case ("tree", let t as DecisionTree): return .tree(try t.treeExplainer(), t.task.isClassification ? .probability : .value)
        case ("tree", let f as RandomForest): return .tree(try f.treeExplainer(), f.task.isClassification ? .probability : .value)
        case ("tree", let g as HistGradientBoosting): return .tree(try g.treeExplainer(), g.task.isClassification ? .logOdds : .value)
        case ("linear", let l as LinearRegression):
            guard let means else { throw DataError.cannotExplain("this model's artifact records no training means; retrain it to use method 'linear', or use method 'kernel'") }
            return .linear(l.linearExplainer(means: means))
        case ("linear", let l as LogisticRegression):
            guard let means else { throw DataError.cannotExplain("this model's artifact records no training means; retrain it to use method 'linear', or use method 'kernel'") }
            return .linear(l.linearExplainer(means: means))
        default: return nil
        }
    }

    /// The method that explains `learner` exactly, or "kernel" when none does.
    public static func preferredMethod(for learner: any Learner) -> String {
        switch learner {
        case is DecisionTree, is RandomForest, is HistGradientBoosting: return "tree"
        case is LinearRegression, is LogisticRegression: return "linear"
        default: return "kernel"
        }
    }

    public var units: ExplainedOutput {
        switch self {
        case .tree(_, let units): return units
        case .linear(let explainer): return explainer.units
        }
    }

    public func explain(_ row: [Double]) -> FeatureAttribution {
        switch self {
        case .tree(let explainer, let units): return FeatureAttribution(base: explainer.baseValue, values: explainer.explain(row), units: units)
        case .linear(let explainer): return explainer.explain(row)
        }
    }
}
