import Datasets
import Foundation

/// Scores of a model on held-out rows, by metric name.
public typealias Scores = [String: Double]

/// Per-fold and mean scores of a cross-validated learner.
public struct CrossValidationResult: Sendable, Codable {
    public var task: String
    public var folds: [Scores]
    public var mean: Scores
}

/// A learner with its fitted preprocessing and label classes: what `maas train` saves and an
/// endpoint serves, taking raw rows.
public struct TrainedPipeline: Sendable {
    public var spec: LearnerSpec
    public var preprocessor: FittedPreprocessor
    public var labels: LabelEncoding?
    public var learner: any Learner
    public var target: String

    public var task: LearningTask { labels.map { .classification(classes: $0.classes.count) } ?? .regression }

    /// Fits preprocessing and learner on `table` (training rows only).
    public static func fit(_ spec: LearnerSpec, preprocessing: PreprocessingSpec, table: DataTable, target: String,
                           labels: LabelEncoding? = nil) throws -> TrainedPipeline {
        guard let targetColumn = table.column(named: target) else {
            throw DataError("target", "no column named '\(target)'; columns: \(table.columnNames.joined(separator: ", "))")
        }
        let task = try inferTask(spec, targetColumn)
        let encoding = task == .regression ? nil : try (labels ?? LabelEncoding.fit(targetColumn))
        let preprocessor = try FittedPreprocessor.fit(preprocessing, table: table, target: target)
        let x = try preprocessor.transform(table)
        let y = try targets(targetColumn, encoding)
        var learner = try makeLearner(spec, task: encoding.map { .classification(classes: $0.classes.count) } ?? .regression)
        if let reweigh = preprocessing.reweigh {
            guard encoding != nil else { throw DataError("preprocessing.reweigh", "balances labels across groups, so it needs a classification target; '\(target)' is numeric") }
            try learner.fit(x, y, sampleWeights: Reweighing.weights(table: table, columns: reweigh, labels: y))
        } else {
            try learner.fit(x, y)
        }
        return TrainedPipeline(spec: spec, preprocessor: preprocessor, labels: encoding, learner: learner, target: target)
    }

    /// Scores on `table` (rows not used for fitting), which must hold the target column.
    public func score(_ table: DataTable) throws -> Scores {
        guard let targetColumn = table.column(named: target) else { throw DataError("target", "no column named '\(target)'") }
        let x = try preprocessor.transform(table)
        let truth = try Self.targets(targetColumn, labels)
        let predicted = learner.predict(x)
        guard let labels else {
            return ["r2": Metrics.r2(truth, predicted), "rmse": Metrics.rootMeanSquaredError(truth, predicted),
                    "mae": Metrics.meanAbsoluteError(truth, predicted)]
        }
        let t = truth.map { Int($0) }, p = predicted.map { Int($0) }, k = labels.classes.count
        let (precision, recall, f1) = Metrics.precisionRecallF1(t, p, classes: k, average: .macro)
        var scores: Scores = ["accuracy": Metrics.accuracy(t, p), "precision_macro": precision, "recall_macro": recall, "f1_macro": f1]
        if let probabilities = learner.predictProbabilities(x) {
            let rows = (0..<probabilities.rows).map { Array(probabilities.row($0)) }
            scores["log_loss"] = Metrics.logLoss(t, rows)
            scores["roc_auc"] = k == 2 ? Metrics.rocAUC(t.map { $0 == 1 }, rows.map { $0[1] }) : Metrics.rocAUCOneVsRest(t, rows)
        }
        return scores
    }

    static func targets(_ column: Column, _ labels: LabelEncoding?) throws -> [Double] {
        if let labels { return try labels.encode(column).map(Double.init) }
        guard case .numeric(let values) = column.data else {
            throw DataError(column.name, "a regression target must be numeric")
        }
        if let row = values.firstIndex(where: { $0.isNaN }) { throw DataError(column.name, "row \(row + 1): the target is missing") }
        return values
    }

    /// Regression-only and classification-only algorithms decide; otherwise a text target, or a
    /// numeric one with at most 20 distinct integer values, is classification.
    public static func inferTask(_ spec: LearnerSpec, _ target: Column) throws -> LearningTask {
        switch spec.algorithm {
        case .linearRegression, .ridge, .lasso, .elasticNet: return .regression
        case .logisticRegression, .svm, .naiveBayes:
            if case .numeric(let values) = target.data {
                let present = values.filter { !$0.isNaN }, distinct = Set(present)
                if distinct.contains(where: { $0 != $0.rounded() }) || (distinct.count > 50 && distinct.count * 5 > present.count) {
                    throw DataError(target.name, "holds \(distinct.count) distinct numeric values, which look continuous; "
                                    + "\(spec.algorithm.rawValue) predicts classes (use a regression algorithm, or class labels)")
                }
            }
            return .classification(classes: 0)
        default: break
        }
        switch target.data {
        case .text: return .classification(classes: 0)
        case .numeric(let values):
            let distinct = Set(values.filter { !$0.isNaN })
            return distinct.count <= 20 && distinct.allSatisfy { $0 == $0.rounded() } ? .classification(classes: 0) : .regression
        }
    }
}

/// How held-out scores are estimated.
public enum ValidationScheme: Sendable, Equatable {
    /// k folds (stratified for classification), unshuffled unless a seed is given.
    case kFold(Int)
    case leaveOneOut
    /// Bootstrap resamples scored on their out-of-bag rows.
    case bootstrap(iterations: Int)
    /// One stratified split holding out a fraction.
    case holdout(fraction: Double)

    /// Parses `5`, `kfold:5`, `loo`, `bootstrap:20`, `holdout:0.2`.
    public init(parsing text: String) throws {
        let parts = text.lowercased().split(separator: ":", maxSplits: 1).map(String.init)
        let argument = parts.count > 1 ? parts[1] : nil
        switch parts.first ?? "" {
        case let n where Int(n) != nil: self = .kFold(Int(n)!)
        case "kfold": self = .kFold(Int(argument ?? "5") ?? -1)
        case "loo", "leave_one_out": self = .leaveOneOut
        case "bootstrap": self = .bootstrap(iterations: Int(argument ?? "20") ?? -1)
        case "holdout": self = .holdout(fraction: Double(argument ?? "0.2") ?? -1)
        default: throw DataError("cv", "expected a fold count, kfold:K, loo, bootstrap:N or holdout:F; got '\(text)'")
        }
        switch self {
        case .kFold(let k) where k < 2: throw DataError("cv", "needs at least 2 folds, got \(k)")
        case .bootstrap(let n) where !(1...10_000).contains(n): throw DataError("cv", "bootstrap iterations must be between 1 and 10000, got \(n)")
        case .holdout(let f) where !(f > 0 && f < 1): throw DataError("cv", "the holdout fraction must be in (0, 1), got \(f)")
        default: break
        }
    }
}

public enum CrossValidation {
    /// k-fold cross-validation (stratified for classification, unshuffled unless `seed` is
    /// given, as scikit-learn's `cross_val_score(cv=k)`). Preprocessing is fitted inside each
    /// fold on its training rows only.
    public static func run(_ spec: LearnerSpec, preprocessing: PreprocessingSpec = PreprocessingSpec(), table: DataTable,
                           target: String, folds k: Int = 5, seed: UInt64? = nil) throws -> CrossValidationResult {
        try run(spec, preprocessing: preprocessing, table: table, target: target, scheme: .kFold(k), seed: seed)
    }

    /// Scores on held-out rows under `scheme`; preprocessing and learner are fitted on each
    /// split's training rows only.
    public static func run(_ spec: LearnerSpec, preprocessing: PreprocessingSpec = PreprocessingSpec(), table: DataTable,
                           target: String, scheme: ValidationScheme, seed: UInt64? = nil) throws -> CrossValidationResult {
        guard let targetColumn = table.column(named: target) else {
            throw DataError("target", "no column named '\(target)'; columns: \(table.columnNames.joined(separator: ", "))")
        }
        let task = try TrainedPipeline.inferTask(spec, targetColumn)
        let labels = task == .regression ? nil : try LabelEncoding.fit(targetColumn)
        let encoded = try labels?.encode(targetColumn)
        let folds = try Self.folds(scheme, count: table.rowCount, encoded: encoded, seed: seed)
        var scores: [Scores] = []
        var pooledTruth: [Double] = [], pooledPrediction: [Double] = []
        for fold in folds {
            let model = try TrainedPipeline.fit(spec, preprocessing: preprocessing, table: table.rows(fold.train), target: target, labels: labels)
            if case .leaveOneOut = scheme {
                // One row per fold: pool the predictions and score once (per-fold R² is undefined).
                let test = table.rows(fold.test)
                pooledTruth += try TrainedPipeline.targets(targetColumn, labels).enumerated().filter { fold.test.contains($0.offset) }.map(\.element)
                pooledPrediction += model.learner.predict(try model.preprocessor.transform(test))
                continue
            }
            scores.append(try model.score(table.rows(fold.test)))
        }
        if case .leaveOneOut = scheme {
            scores = [labels == nil
                ? ["r2": Metrics.r2(pooledTruth, pooledPrediction), "rmse": Metrics.rootMeanSquaredError(pooledTruth, pooledPrediction),
                   "mae": Metrics.meanAbsoluteError(pooledTruth, pooledPrediction)]
                : ["accuracy": Metrics.accuracy(pooledTruth.map { Int($0) }, pooledPrediction.map { Int($0) })]]
        }
        return CrossValidationResult(task: labels == nil ? "regression" : "classification", folds: scores, mean: mean(scores))
    }

    /// Each metric's mean over the folds, summed in fold order (so a run split into one task per
    /// fold gives the same bits as a run in one piece).
    public static func mean(_ scores: [Scores]) -> Scores {
        var mean: Scores = [:]
        for key in scores.first.map({ Array($0.keys) }) ?? [] { mean[key] = scores.map { $0[key] ?? .nan }.reduce(0, +) / Double(scores.count) }
        return mean
    }

    /// The scores of fold `index` of k-fold cross-validation alone, exactly as `run` computes
    /// them: a distributed job runs each fold as a task of its own.
    public static func foldScores(_ spec: LearnerSpec, preprocessing: PreprocessingSpec = PreprocessingSpec(), table: DataTable,
                                  target: String, folds k: Int, index: Int, seed: UInt64? = nil) throws -> Scores {
        guard let targetColumn = table.column(named: target) else {
            throw DataError("target", "no column named '\(target)'; columns: \(table.columnNames.joined(separator: ", "))")
        }
        let task = try TrainedPipeline.inferTask(spec, targetColumn)
        let labels = task == .regression ? nil : try LabelEncoding.fit(targetColumn)
        let folds = try Self.folds(.kFold(k), count: table.rowCount, encoded: try labels?.encode(targetColumn), seed: seed)
        guard folds.indices.contains(index) else { throw DataError("cv", "fold \(index) of \(folds.count) does not exist") }
        let fold = folds[index]
        let model = try TrainedPipeline.fit(spec, preprocessing: preprocessing, table: table.rows(fold.train), target: target, labels: labels)
        return try model.score(table.rows(fold.test))
    }

    static func folds(_ scheme: ValidationScheme, count n: Int, encoded: [Int]?, seed: UInt64?) throws -> [Fold] {
        let folds: [Fold]
        switch scheme {
        case .kFold(let k):
            guard (2...max(2, n)).contains(k) else { throw DataError("cv", "must be between 2 and the row count (\(n)), got \(k)") }
            folds = encoded.map { Splits.stratifiedKFold(labels: $0, k: k, seed: seed) } ?? Splits.kFold(count: n, k: k, seed: seed)
        case .leaveOneOut:
            guard n <= 5000 else { throw DataError("cv", "leave-one-out fits \(n) models; use k-fold above 5000 rows") }
            folds = Splits.leaveOneOut(count: n)
        case .bootstrap(let iterations):
            folds = Splits.bootstrap(count: n, iterations: iterations, seed: seed ?? 0).filter { !$0.test.isEmpty }
        case .holdout(let fraction):
            folds = [Splits.trainTest(count: n, testFraction: fraction, labels: encoded, seed: seed ?? 0)]
        }
        return folds
    }
}
