import Datasets
import Foundation

/// What is being predicted: a class out of `classes`, or a number.
public enum LearningTask: Sendable, Equatable {
    case classification(classes: Int)
    case regression

    public var isClassification: Bool { if case .classification = self { return true } else { return false } }
    public var classCount: Int { if case .classification(let k) = self { return k } else { return 0 } }
}

/// A classical learner's algorithm and hyperparameters, as a user writes them:
/// `{"algorithm": "svm", "kernel": "rbf", "C": 1.0, "gamma": "scale"}`. Defaults follow
/// scikit-learn's.
public struct LearnerSpec: Codable, Sendable, Equatable {
    public enum Algorithm: String, Codable, Sendable, CaseIterable {
        case linearRegression = "linear_regression", ridge, lasso, elasticNet = "elastic_net"
        case logisticRegression = "logistic_regression", svm
        case decisionTree = "decision_tree", randomForest = "random_forest", gradientBoosting = "gradient_boosting"
        case knn, naiveBayes = "naive_bayes", kmeans
        case matrixFactorization = "matrix_factorization", holtWinters = "holt_winters", autoregressive

        /// Fits a time series (timestamp, value, optional series id) rather than a feature table.
        public var isForecaster: Bool { self == .holtWinters || self == .autoregressive }
    }

    /// A number, or a named rule (`gamma: "scale"`, `max_features: "sqrt"`).
    public enum NumberOrRule: Codable, Sendable, Equatable {
        case number(Double)
        case rule(String)
        public init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let n = try? c.decode(Double.self) { self = .number(n) } else { self = .rule(try c.decode(String.self)) }
        }
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.singleValueContainer()
            switch self { case .number(let n): try c.encode(n); case .rule(let r): try c.encode(r) }
        }
    }

    public var algorithm: Algorithm
    public var alpha: Double?
    public var l1Ratio: Double?
    public var c: Double?
    public var maxIter: Int?
    public var tol: Double?
    public var kernel: String?
    public var gamma: NumberOrRule?
    public var degree: Int?
    public var coef0: Double?
    public var criterion: String?
    public var maxDepth: Int?
    public var minSamplesSplit: Int?
    public var minSamplesLeaf: Int?
    public var maxFeatures: NumberOrRule?
    public var nEstimators: Int?
    public var bootstrap: Bool?
    public var learningRate: Double?
    public var maxLeafNodes: Int?
    public var l2Regularization: Double?
    public var maxBins: Int?
    public var nNeighbors: Int?
    public var weights: String?
    public var varSmoothing: Double?
    public var nClusters: Int?
    public var nInit: Int?
    public var factors: Int?
    public var regularization: Double?
    public var implicit: Bool?
    public var confidence: Double?
    public var seasonLength: Int?
    public var seasonal: String?
    /// Holt-Winters: additive (default) or none; autoregressive: constant (default) or linear.
    public var trend: String?
    public var damped: Bool?
    /// Autoregressive: lags 1…`lags`, and `seasonal_lags` multiples of the season.
    public var lags: Int?
    public var seasonalLags: Int?
    /// Rolling-origin validation: forecast `horizon` steps from each of `origins` cut-offs.
    public var horizon: Int?
    public var origins: Int?
    public var seed: UInt64?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case algorithm, alpha, tol, kernel, gamma, degree, coef0, criterion, bootstrap, weights, factors, regularization
        case implicit, confidence, seasonal, seed, trend, damped, lags, horizon, origins
        case c = "C", l1Ratio = "l1_ratio", maxIter = "max_iter", maxDepth = "max_depth", minSamplesSplit = "min_samples_split"
        case minSamplesLeaf = "min_samples_leaf", maxFeatures = "max_features", nEstimators = "n_estimators"
        case learningRate = "learning_rate", maxLeafNodes = "max_leaf_nodes", l2Regularization = "l2_regularization"
        case maxBins = "max_bins", nNeighbors = "n_neighbors", varSmoothing = "var_smoothing", nClusters = "n_clusters"
        case nInit = "n_init", seasonLength = "season_length", seasonalLags = "seasonal_lags"
    }

    public init(_ algorithm: Algorithm) { self.algorithm = algorithm }

    /// Hyperparameters each algorithm accepts besides `algorithm` and `seed`.
    static func fields(_ algorithm: Algorithm) -> Set<String> {
        switch algorithm {
        case .linearRegression: return []
        case .ridge: return ["alpha"]
        case .lasso: return ["alpha", "max_iter", "tol"]
        case .elasticNet: return ["alpha", "l1_ratio", "max_iter", "tol"]
        case .logisticRegression: return ["C", "max_iter", "tol"]
        case .svm: return ["C", "kernel", "gamma", "degree", "coef0", "tol", "max_iter"]
        case .decisionTree: return ["criterion", "max_depth", "min_samples_split", "min_samples_leaf", "max_features"]
        case .randomForest: return ["criterion", "max_depth", "min_samples_split", "min_samples_leaf", "max_features", "n_estimators", "bootstrap"]
        case .gradientBoosting: return ["learning_rate", "max_iter", "max_leaf_nodes", "max_depth", "min_samples_leaf", "l2_regularization", "max_bins"]
        case .knn: return ["n_neighbors", "weights"]
        case .naiveBayes: return ["var_smoothing"]
        case .kmeans: return ["n_clusters", "n_init", "max_iter", "tol"]
        case .matrixFactorization: return ["factors", "regularization", "max_iter", "implicit", "confidence"]
        case .holtWinters: return ["season_length", "seasonal", "trend", "damped", "horizon", "origins"]
        case .autoregressive: return ["lags", "seasonal_lags", "season_length", "trend", "horizon", "origins"]
        }
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let raw = try c.decode(String.self, forKey: .algorithm)
        guard let algorithm = Algorithm(rawValue: raw) else {
            throw DataError("algorithm", "unknown algorithm '\(raw)'; allowed: \(Algorithm.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self.algorithm = algorithm
        let allowed = Self.fields(algorithm).union(["algorithm", "seed"])
        let keys = try decoder.container(keyedBy: AnyKey.self).allKeys.map(\.stringValue)
        for key in keys where !allowed.contains(key) {
            throw DataError(key, "not a hyperparameter of \(raw); allowed: \(allowed.sorted().joined(separator: ", "))")
        }
        alpha = try c.decodeIfPresent(Double.self, forKey: .alpha)
        l1Ratio = try c.decodeIfPresent(Double.self, forKey: .l1Ratio)
        self.c = try c.decodeIfPresent(Double.self, forKey: .c)
        maxIter = try c.decodeIfPresent(Int.self, forKey: .maxIter)
        tol = try c.decodeIfPresent(Double.self, forKey: .tol)
        kernel = try c.decodeIfPresent(String.self, forKey: .kernel)
        gamma = try c.decodeIfPresent(NumberOrRule.self, forKey: .gamma)
        degree = try c.decodeIfPresent(Int.self, forKey: .degree)
        coef0 = try c.decodeIfPresent(Double.self, forKey: .coef0)
        criterion = try c.decodeIfPresent(String.self, forKey: .criterion)
        maxDepth = try c.decodeIfPresent(Int.self, forKey: .maxDepth)
        minSamplesSplit = try c.decodeIfPresent(Int.self, forKey: .minSamplesSplit)
        minSamplesLeaf = try c.decodeIfPresent(Int.self, forKey: .minSamplesLeaf)
        maxFeatures = try c.decodeIfPresent(NumberOrRule.self, forKey: .maxFeatures)
        nEstimators = try c.decodeIfPresent(Int.self, forKey: .nEstimators)
        bootstrap = try c.decodeIfPresent(Bool.self, forKey: .bootstrap)
        learningRate = try c.decodeIfPresent(Double.self, forKey: .learningRate)
        maxLeafNodes = try c.decodeIfPresent(Int.self, forKey: .maxLeafNodes)
        l2Regularization = try c.decodeIfPresent(Double.self, forKey: .l2Regularization)
        maxBins = try c.decodeIfPresent(Int.self, forKey: .maxBins)
        nNeighbors = try c.decodeIfPresent(Int.self, forKey: .nNeighbors)
        weights = try c.decodeIfPresent(String.self, forKey: .weights)
        varSmoothing = try c.decodeIfPresent(Double.self, forKey: .varSmoothing)
        nClusters = try c.decodeIfPresent(Int.self, forKey: .nClusters)
        nInit = try c.decodeIfPresent(Int.self, forKey: .nInit)
        factors = try c.decodeIfPresent(Int.self, forKey: .factors)
        regularization = try c.decodeIfPresent(Double.self, forKey: .regularization)
        implicit = try c.decodeIfPresent(Bool.self, forKey: .implicit)
        confidence = try c.decodeIfPresent(Double.self, forKey: .confidence)
        seasonLength = try c.decodeIfPresent(Int.self, forKey: .seasonLength)
        seasonal = try c.decodeIfPresent(String.self, forKey: .seasonal)
        trend = try c.decodeIfPresent(String.self, forKey: .trend)
        damped = try c.decodeIfPresent(Bool.self, forKey: .damped)
        lags = try c.decodeIfPresent(Int.self, forKey: .lags)
        seasonalLags = try c.decodeIfPresent(Int.self, forKey: .seasonalLags)
        horizon = try c.decodeIfPresent(Int.self, forKey: .horizon)
        origins = try c.decodeIfPresent(Int.self, forKey: .origins)
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed)
        try validate()
    }

    public func validate() throws {
        func positive(_ v: Double?, _ name: String) throws {
            if let v { guard v > 0 && v.isFinite else { throw DataError(name, "must be a positive number, got \(v)") } }
        }
        func atLeast(_ v: Int?, _ minimum: Int, _ name: String, max: Int = 1_000_000) throws {
            if let v { guard (minimum...max).contains(v) else { throw DataError(name, "must be between \(minimum) and \(max), got \(v)") } }
        }
        try positive(c, "C"); try positive(tol, "tol"); try positive(learningRate, "learning_rate")
        if let alpha { guard alpha >= 0 else { throw DataError("alpha", "must be 0 or more, got \(alpha)") } }
        if let l1Ratio { guard (0...1).contains(l1Ratio) else { throw DataError("l1_ratio", "must be in [0, 1], got \(l1Ratio)") } }
        try atLeast(maxIter, 1, "max_iter"); try atLeast(degree, 1, "degree", max: 10); try atLeast(maxDepth, 1, "max_depth", max: 1000)
        try atLeast(minSamplesSplit, 2, "min_samples_split"); try atLeast(minSamplesLeaf, 1, "min_samples_leaf")
        try atLeast(nEstimators, 1, "n_estimators", max: 10000); try atLeast(maxLeafNodes, 2, "max_leaf_nodes", max: 100_000)
        try atLeast(maxBins, 2, "max_bins", max: 255); try atLeast(nNeighbors, 1, "n_neighbors", max: 100_000)
        try atLeast(nClusters, 1, "n_clusters", max: 100_000); try atLeast(nInit, 1, "n_init", max: 1000)
        try atLeast(factors, 1, "factors", max: 10_000); try atLeast(seasonLength, 1, "season_length", max: 10_000)
        if let kernel, !["linear", "poly", "rbf", "sigmoid"].contains(kernel) {
            throw DataError("kernel", "must be one of linear, poly, rbf, sigmoid; got \(kernel)")
        }
        if case .rule(let rule)? = gamma, !["scale", "auto"].contains(rule) {
            throw DataError("gamma", "must be a positive number, \"scale\" or \"auto\"; got \(rule)")
        }
        if case .rule(let rule)? = maxFeatures, !["sqrt", "log2"].contains(rule) {
            throw DataError("max_features", "must be a count, a fraction, \"sqrt\" or \"log2\"; got \(rule)")
        }
        if let criterion, !["gini", "entropy", "squared_error"].contains(criterion) {
            throw DataError("criterion", "must be one of gini, entropy, squared_error; got \(criterion)")
        }
        if let weights, !["uniform", "distance"].contains(weights) {
            throw DataError("weights", "must be uniform or distance; got \(weights)")
        }
        if let seasonal, !["additive", "multiplicative", "none"].contains(seasonal) {
            throw DataError("seasonal", "must be additive, multiplicative or none; got \(seasonal)")
        }
        let trends = algorithm == .autoregressive ? ["constant", "linear"] : ["additive", "none"]
        if let trend, !trends.contains(trend) { throw DataError("trend", "must be \(trends.joined(separator: " or ")); got \(trend)") }
        if damped == true && trend == "none" { throw DataError("damped", "damps a trend; trend is none") }
        try atLeast(lags, 0, "lags", max: 1000); try atLeast(seasonalLags, 0, "seasonal_lags", max: 100)
        if algorithm == .autoregressive && (lags ?? 2) + (seasonalLags ?? 0) == 0 {
            throw DataError("lags", "an autoregression needs at least one lag: lags or seasonal_lags above 0")
        }
        try atLeast(horizon, 1, "horizon", max: 10_000); try atLeast(origins, 1, "origins", max: 100)
    }

    public static func parse(_ json: String) throws -> LearnerSpec {
        do { return try JSONDecoder().decode(LearnerSpec.self, from: Data(json.utf8)) }
        catch let error as DataError { throw error }
        catch let DecodingError.dataCorrupted(context) where context.underlyingError is DataError { throw context.underlyingError! }
        catch let DecodingError.typeMismatch(_, context) {
            throw DataError(context.codingPath.map(\.stringValue).joined(separator: "."), "has the wrong type: \(context.debugDescription)")
        }
    }
}

struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// A supervised (or clustering) model over feature matrices. Targets are class indices
/// (as Double) for classification and values for regression.
public protocol Learner: Sendable {
    mutating func fit(_ x: Matrix, _ y: [Double]) throws
    /// Fits with a weight per row (a row of weight 2 counts as two copies of it); learners
    /// without weights refuse.
    mutating func fit(_ x: Matrix, _ y: [Double], sampleWeights: [Double]) throws
    func predict(_ x: Matrix) -> [Double]
    /// Class probabilities [rows × classes] for classifiers that estimate them.
    func predictProbabilities(_ x: Matrix) -> Matrix?
    /// The fitted parameters as named arrays (the artifact's weights.safetensors).
    var state: LearnerState { get }
    /// Replaces the fitted parameters with a saved `state`.
    mutating func restore(_ state: LearnerState) throws
}

extension Learner {
    public func predictProbabilities(_ x: Matrix) -> Matrix? { nil }

    public mutating func fit(_ x: Matrix, _ y: [Double], sampleWeights: [Double]) throws {
        throw DataError("preprocessing.reweigh", "\(Self.self) does not take sample weights; reweighing trains logistic_regression, decision_tree and random_forest")
    }
}

/// Builds the learner a spec names for a task.
public func makeLearner(_ spec: LearnerSpec, task: LearningTask) throws -> any Learner {
    let seed = spec.seed ?? 0
    switch spec.algorithm {
    case .linearRegression: return LinearRegression(penalty: .none)
    case .ridge: return LinearRegression(penalty: .ridge(alpha: spec.alpha ?? 1))
    case .lasso: return LinearRegression(penalty: .elasticNet(alpha: spec.alpha ?? 1, l1Ratio: 1, maxIterations: spec.maxIter ?? 1000, tolerance: spec.tol ?? 1e-4))
    case .elasticNet:
        return LinearRegression(penalty: .elasticNet(alpha: spec.alpha ?? 1, l1Ratio: spec.l1Ratio ?? 0.5,
                                                     maxIterations: spec.maxIter ?? 1000, tolerance: spec.tol ?? 1e-4))
    case .logisticRegression:
        guard task.isClassification else { throw DataError("algorithm", "logistic_regression needs a classification target") }
        return LogisticRegression(classes: task.classCount, c: spec.c ?? 1, maxIterations: spec.maxIter ?? 100, tolerance: spec.tol ?? 1e-4)
    case .svm:
        guard task.isClassification else { throw DataError("algorithm", "svm supports classification targets") }
        return SupportVectorClassifier(classes: task.classCount, kernel: try Kernel(spec), c: spec.c ?? 1,
                                       tolerance: spec.tol ?? 1e-3, maxIterations: spec.maxIter)
    case .decisionTree, .randomForest:
        let criterion = spec.criterion ?? (task.isClassification ? "gini" : "squared_error")
        if task.isClassification == (criterion == "squared_error") {
            throw DataError("criterion", "\(criterion) does not fit a \(task.isClassification ? "classification" : "regression") target")
        }
        let limits = TreeLimits(maxDepth: spec.maxDepth, minSamplesSplit: spec.minSamplesSplit ?? 2,
                                minSamplesLeaf: spec.minSamplesLeaf ?? 1, entropy: criterion == "entropy")
        if spec.algorithm == .decisionTree {
            return DecisionTree(task: task, limits: limits, maxFeatures: spec.maxFeatures, seed: seed)
        }
        return RandomForest(task: task, limits: limits, trees: spec.nEstimators ?? 100,
                            maxFeatures: spec.maxFeatures ?? (task.isClassification ? .rule("sqrt") : .number(1.0)),
                            bootstrap: spec.bootstrap ?? true, seed: seed)
    case .gradientBoosting:
        return HistGradientBoosting(task: task, learningRate: spec.learningRate ?? 0.1, iterations: spec.maxIter ?? 100,
                                    maxLeafNodes: spec.maxLeafNodes ?? 31, maxDepth: spec.maxDepth, minSamplesLeaf: spec.minSamplesLeaf ?? 20,
                                    l2: spec.l2Regularization ?? 0, maxBins: spec.maxBins ?? 255)
    case .knn:
        return NearestNeighbors(task: task, k: spec.nNeighbors ?? 5, distanceWeighted: spec.weights == "distance")
    case .naiveBayes:
        guard task.isClassification else { throw DataError("algorithm", "naive_bayes needs a classification target") }
        return GaussianNaiveBayes(classes: task.classCount, varianceSmoothing: spec.varSmoothing ?? 1e-9)
    case .kmeans:
        return KMeans(clusters: spec.nClusters ?? 8, initializations: spec.nInit ?? 1, maxIterations: spec.maxIter ?? 300,
                      tolerance: spec.tol ?? 1e-4, seed: seed)
    case .matrixFactorization, .holtWinters, .autoregressive:
        throw DataError("algorithm", "\(spec.algorithm.rawValue) trains on ratings or a time series, not a feature table")
    }
}
