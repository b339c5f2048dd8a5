import Datasets
import Foundation
import Learners
import NeuralNet
import Tensor

/// What to train: a network (`{"layers": …}`) or a classical learner (`{"algorithm": …}`).
public enum ModelRecipe: Sendable {
    case network(ModelSpec)
    case learner(LearnerSpec)

    public static func parse(_ text: String) throws -> ModelRecipe {
        let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        if object?["algorithm"] != nil { return .learner(try LearnerSpec.parse(text)) }
        return .network(try ModelSpec.parse(text))
    }
}

/// Training examples: a table with a target column, or labelled images (already scaled).
public enum TrainingData: Sendable {
    case table(DataTable, target: String)
    /// `test` is a separate test set (the IDX t10k files); without one a holdout split is used.
    case images(LabelledData, test: LabelledData?)
}

/// How the reported metrics are measured.
public enum HeldOutScheme: Sendable, Equatable {
    /// Train on 1 − fraction of the rows (stratified for classification), score the rest.
    case holdout(Double)
    /// Mean scores over k folds; the saved model is then trained on every row.
    case kFold(Int)
}

/// Which part of a k-fold run to do: all of it, or (a job split into tasks) one fold's scores,
/// or the final model given every fold's scores. A holdout run is always whole.
public enum CrossValidationStep: Sendable, Equatable {
    case whole
    /// Train on the fold's training rows and return its scores on its test rows (no artifact).
    case fold(Int)
    /// The folds' scores, in fold order: report their mean and train the saved model on every row.
    case final(foldScores: [[String: Double]])
    /// Every fold's scores and their mean, and no final model (a tuning trial needs only its
    /// score). A holdout run trains and scores as a whole run does.
    case scores
}

/// Callbacks a training run reports through; all optional.
public struct TrainingHooks {
    /// Asked before every optimisation step: true stops the run (it then returns cancelled).
    public var shouldStop: () -> Bool = { false }
    public var onStep: (StepProgress) -> Void = { _ in }
    public var onEpoch: (EpochReport) -> Void = { _ in }
    public var log: (String) -> Void = { _ in }
    /// A checkpoint to continue from, and where each epoch's checkpoint goes (networks only).
    public var resume: TrainingCheckpoint?
    public var onCheckpoint: ((TrainingCheckpoint) -> Void)?

    public init() {}
}

/// Where a run's artifact files go: a folder (`maas train`), or a store that seals them.
public typealias ArtifactOutput = ([String: Data]) throws -> Void

public struct TrainingOutcome: Sendable {
    public var metrics: [String: Double]
    public var cancelled: Bool
    public var trainingRows: Int
}

/// One training run from data to an artifact, shared by `maas train` and training jobs:
/// preprocessing fitted on training rows only, held-out metrics, then the artifact's files
/// (model.json + weights.safetensors) handed to `output`: a folder for `maas train`, the sealed
/// artifact store for jobs.
public enum ModelTraining {
    public static func run(_ recipe: ModelRecipe, data: TrainingData, preprocessing: PreprocessingSpec = PreprocessingSpec(),
                           scheme: HeldOutScheme = .holdout(0.2), seed: UInt64? = nil, epochs: Int? = nil,
                           lineage: [String: String] = [:], hooks: TrainingHooks = TrainingHooks(), step: CrossValidationStep = .whole,
                           output: ArtifactOutput) throws -> TrainingOutcome {
        switch scheme {
        case .holdout(let f) where !(f > 0 && f < 1):
            throw PlatformError.invalid(field: "validation.holdout", message: "must be a fraction in (0, 1), got \(f)")
        case .kFold(let k) where !(2...100).contains(k):
            throw PlatformError.invalid(field: "validation.kfold", message: "must be between 2 and 100 folds, got \(k)")
        default: break
        }
        if step != .whole && step != .scores, case .holdout = scheme { throw PlatformError.invalid(field: "validation", message: "only a k-fold run splits into folds") }
        switch (recipe, data) {
        case (.learner(let spec), .table(let table, let target)):
            return try trainLearner(spec, table: table, target: target, preprocessing: preprocessing, scheme: scheme,
                                    seed: seed ?? spec.seed ?? 0, lineage: lineage, hooks: hooks, step: step, output: output)
        case (.network(let spec), .table(let table, let target)):
            return try trainNetworkOnTable(spec, table: table, target: target, preprocessing: preprocessing, scheme: scheme,
                                           seed: seed, epochs: epochs, lineage: lineage, hooks: hooks, step: step, output: output)
        case (.network(let spec), .images(let images, let test)):
            return try trainNetworkOnImages(spec, images: images, test: test, scheme: scheme, seed: seed, epochs: epochs,
                                            lineage: lineage, hooks: hooks, step: step, output: output)
        case (.learner, .images):
            throw PlatformError.invalid(field: "spec", message: "classical learners train on tables (CSV, TSV, JSON Lines); images need a network spec")
        }
    }

    // MARK: Classical learners

    static func trainLearner(_ spec: LearnerSpec, table: DataTable, target: String, preprocessing: PreprocessingSpec,
                             scheme: HeldOutScheme, seed: UInt64, lineage: [String: String], hooks: TrainingHooks,
                             step: CrossValidationStep = .whole, output: ArtifactOutput) throws -> TrainingOutcome {
        if spec.algorithm == .matrixFactorization {
            return try trainRecommender(spec, table: table, strength: target.isEmpty ? nil : target, scheme: scheme, seed: seed, lineage: lineage,
                                        hooks: hooks, output: output)
        }
        if spec.algorithm.isForecaster {
            return try trainForecaster(spec, table: table, value: target, scheme: scheme, lineage: lineage, hooks: hooks, output: output)
        }
        let targetColumn = try column(table, target)
        let task = try TrainedPipeline.inferTask(spec, targetColumn)
        let labels = task == .regression ? nil : try LabelEncoding.fit(targetColumn)
        let start = Date()
        let scores: [String: Double]
        let pipeline: TrainedPipeline
        var fittedRows = table
        switch scheme {
        case .holdout(let fraction):
            let split = Splits.trainTest(count: table.rowCount, testFraction: fraction, labels: try labels?.encode(targetColumn), seed: seed)
            hooks.log("fitting \(spec.algorithm.rawValue) on \(split.train.count) rows, holding out \(split.test.count)")
            fittedRows = table.rows(split.train)
            pipeline = try TrainedPipeline.fit(spec, preprocessing: preprocessing, table: fittedRows, target: target, labels: labels)
            scores = try pipeline.score(table.rows(split.test))
        case .kFold(let k):
            let mean: [String: Double]
            switch step {
            case .fold(let index):
                hooks.log("fold \(index + 1) of \(k) of \(spec.algorithm.rawValue) on \(table.rowCount) rows")
                let scores = try CrossValidation.foldScores(spec, preprocessing: preprocessing, table: table, target: target, folds: k, index: index, seed: seed)
                return TrainingOutcome(metrics: scores, cancelled: false, trainingRows: table.rowCount)
            case .final(let foldScores):
                mean = CrossValidation.mean(foldScores)
            case .whole, .scores:
                hooks.log("\(k)-fold cross-validation of \(spec.algorithm.rawValue) on \(table.rowCount) rows")
                mean = try CrossValidation.run(spec, preprocessing: preprocessing, table: table, target: target, scheme: .kFold(k), seed: seed).mean
            }
            scores = Dictionary(uniqueKeysWithValues: mean.map { ("cv_" + $0.key, $0.value) })
            if step == .scores { return TrainingOutcome(metrics: scores, cancelled: false, trainingRows: table.rowCount) }
            guard !hooks.shouldStop() else { return TrainingOutcome(metrics: scores, cancelled: true, trainingRows: table.rowCount) }
            hooks.log("fitting the final model on all \(table.rowCount) rows")
            pipeline = try TrainedPipeline.fit(spec, preprocessing: preprocessing, table: table, target: target, labels: labels)
        }
        hooks.log(String(format: "fitted in %.3f s", Date().timeIntervalSince(start)))
        let profile = try pipeline.profile(fittedRows, seed: seed)
        try output(try PipelineArtifact(pipeline, metrics: scores, lineage: lineage, profile: profile).files(pipeline))
        return TrainingOutcome(metrics: scores, cancelled: false, trainingRows: table.rowCount)
    }

    // MARK: Networks

    /// Raw columns become the input tensor through the same preprocessing as classical learners
    /// (text becomes token-id sequences when the network starts with an embedding).
    static func trainNetworkOnTable(_ spec: ModelSpec, table: DataTable, target: String, preprocessing: PreprocessingSpec,
                                    scheme: HeldOutScheme, seed: UInt64?, epochs: Int?, lineage: [String: String],
                                    hooks: TrainingHooks, step: CrossValidationStep = .whole, output: ArtifactOutput) throws -> TrainingOutcome {
        let targetColumn = try column(table, target)
        var prep = preprocessing
        if let first = spec.layers.first, first.type == .embedding {
            // Token ids: 0 pads, 1 is out of vocabulary, so the vocabulary gets input_dim − 2 words.
            prep.text.vectorize = .sequence
            prep.text.maxLength = spec.input.shape.reduce(1, *)
            prep.text.maxFeatures = max(1, (first.inputDim ?? 2) - 2)
        }
        let classifying = spec.loss != .meanSquaredError && spec.loss != .meanAbsoluteError
        let labels = classifying ? try LabelEncoding.fit(targetColumn) : nil
        let encoded = try labels?.encode(targetColumn)
        let splitSeed = seed ?? spec.seed ?? 0

        func fitPreprocessor(_ rows: [Int]) throws -> FittedPreprocessor {
            let preprocessor = try FittedPreprocessor.fit(prep, table: table.rows(rows), target: target)
            let width = spec.input.shape.reduce(1, *)
            guard preprocessor.width == width else {
                throw PlatformError.invalid(field: "spec.input.shape", message: "\(spec.input.shape) holds \(width) values, but the preprocessed columns give \(preprocessor.width) features (\(preprocessor.inputNames.joined(separator: ", ")))")
            }
            return preprocessor
        }
        func examples(_ rows: [Int], _ preprocessor: FittedPreprocessor) throws -> LabelledData {
            let x = try preprocessor.transform(table.rows(rows))
            let inputs = Tensor(shape: [rows.count] + spec.input.shape, scalars: x.values.map { Float($0) })
            if let encoded { return LabelledData(inputs: inputs, targets: .classes(rows.map { Int32(encoded[$0]) })) }
            guard case .numeric(let values) = targetColumn.data else {
                throw PlatformError.invalid(field: "target", message: "a regression target must be numeric; '\(target)' is not")
            }
            return LabelledData(inputs: inputs, targets: .values(Tensor(shape: [rows.count, 1], scalars: rows.map { Float(values[$0]) })))
        }

        let folds: [Fold]
        switch scheme {
        case .holdout(let fraction):
            folds = [Splits.trainTest(count: table.rowCount, testFraction: fraction, labels: encoded, seed: splitSeed)]
        case .kFold(let k):
            folds = encoded.map { Splits.stratifiedKFold(labels: $0, k: k, seed: splitSeed) } ?? Splits.kFold(count: table.rowCount, k: k, seed: splitSeed)
        }
        let all = Array(0..<table.rowCount)
        return try trainNetwork(spec, folds: folds, all: all, seed: seed, epochs: epochs, hooks: hooks, step: step) { rows in
            let preprocessor = try fitPreprocessor(rows)
            return (try examples(rows, preprocessor), { try examples($0, preprocessor) }, preprocessor)
        } save: { model, metrics, preprocessor in
            var artifact = ModelArtifact(spec: spec, labels: labels?.classes, metrics: metrics, lineage: lineage, preprocessing: preprocessor, target: target)
            if let preprocessor { artifact.profile = try networkProfile(model, spec: spec, table: table, preprocessor: preprocessor, labels: labels?.classes) }
            try output(try artifact.files(model: model))
        }
    }

    /// A tabular network's training profile: raw column distributions, transformed means (an
    /// integrated-gradients baseline) and its predictions on up to 2,000 rows (drift).
    static func networkProfile(_ model: Model, spec: ModelSpec, table: DataTable, preprocessor: FittedPreprocessor, labels: [String]?) throws -> TrainingProfile {
        let x = try preprocessor.transform(table)
        let means = x.columnMeans
        let count = min(x.rows, 2000)
        var prediction: ColumnProfile?
        if count > 0, spec.layers.first?.type != .embedding {
            let out = try model.predict(Tensor(shape: [count] + spec.input.shape, scalars: x.values[0..<(count * x.columns)].map { Float($0) }))
            let width = out.count / count, values = out.scalars
            if let labels {
                let predicted = (0..<count).map { r -> String? in
                    if width == 1 { return labels[values[r] > 0.5 ? min(1, labels.count - 1) : 0] }
                    let row = values[(r * width)..<((r + 1) * width)]
                    return labels[min(row.indices.max { row[$0] < row[$1] }! - r * width, labels.count - 1)]
                }
                prediction = .categorical("prediction", values: predicted, categories: labels)
            } else {
                prediction = .numeric("prediction", values: (0..<count).map { Double(values[$0 * width]) })
            }
        }
        return TrainingProfile(rows: table.rowCount, columns: TrainingProfile.columns(of: table, preprocessor: preprocessor),
                               prediction: prediction, featureMeans: means)
    }

    static func trainNetworkOnImages(_ spec: ModelSpec, images: LabelledData, test: LabelledData?, scheme: HeldOutScheme,
                                     seed: UInt64?, epochs: Int?, lineage: [String: String], hooks: TrainingHooks,
                                     step: CrossValidationStep = .whole, output: ArtifactOutput) throws -> TrainingOutcome {
        guard Array(images.inputs.shape.dropFirst()) == spec.input.shape else {
            throw PlatformError.invalid(field: "spec.input.shape", message: "is \(spec.input.shape) but the images are \(Array(images.inputs.shape.dropFirst()))")
        }
        let labelNames = (0..<(spec.layers.last?.units ?? 1)).map(String.init)
        func save(_ model: Model, _ metrics: [String: Double], _: FittedPreprocessor?) throws {
            try output(try ModelArtifact(spec: spec, labels: labelNames, metrics: metrics, lineage: lineage).files(model: model))
        }
        let all = Array(0..<images.count)
        if let test {
            // A separate test set: train on every image, score on the test set.
            return try trainNetwork(spec, folds: [Fold(train: all, test: [])], all: all, seed: seed, epochs: epochs, hooks: hooks,
                                    testSet: test, prepare: { rows in (images.batch(rows), { images.batch($0) }, nil) }, save: save)
        }
        let classes: [Int]? = if case .classes(let labels) = images.targets { labels.map { Int($0) } } else { nil }
        let splitSeed = seed ?? spec.seed ?? 0
        let folds: [Fold] = switch scheme {
        case .holdout(let fraction): [Splits.trainTest(count: images.count, testFraction: fraction, labels: classes, seed: splitSeed)]
        case .kFold(let k): classes.map { Splits.stratifiedKFold(labels: $0, k: k, seed: splitSeed) } ?? Splits.kFold(count: images.count, k: k, seed: splitSeed)
        }
        return try trainNetwork(spec, folds: folds, all: all, seed: seed, epochs: epochs, hooks: hooks, step: step,
                                prepare: { rows in (images.batch(rows), { images.batch($0) }, nil) }, save: save)
    }

    /// Holdout: one training on the fold's training rows, scored on its test rows, and that
    /// model is saved (checkpoints and resume apply to it). k-fold: k scored trainings, then the
    /// saved model trains on every row (checkpoints apply to that final training).
    static func trainNetwork(_ spec: ModelSpec, folds: [Fold], all: [Int], seed: UInt64?, epochs: Int?, hooks: TrainingHooks,
                             step: CrossValidationStep = .whole, testSet: LabelledData? = nil,
                             prepare: ([Int]) throws -> (train: LabelledData, examples: ([Int]) throws -> LabelledData, preprocessor: FittedPreprocessor?),
                             save: (Model, [String: Double], FittedPreprocessor?) throws -> Void) throws -> TrainingOutcome {
        if spec.privacy != nil && folds.count > 1 {
            // Each fold's scores come from a training on most rows, and the final model from
            // one more: the budget would be spent k + 1 times over.
            throw PlatformError.invalid(field: "validation", message: "k-fold cross-validation trains on every row k + 1 times, which a privacy budget does not cover; use a holdout split with privacy")
        }
        var privacy: PrivacyReport?
        func train(_ rows: [Int], checkpointing: Bool) throws -> (Model, [EpochReport], (([Int]) throws -> LabelledData), FittedPreprocessor?, Bool) {
            let (data, examples, preprocessor) = try prepare(rows)
            let model = try Model(spec: spec, seed: seed)
            hooks.log("training \(model.parameterCount) parameters on \(data.count) samples, \(ComputeThreads.count) threads")
            let trainer = Trainer(model: model, seed: seed)
            let reports = try trainer.fit(data, epochs: epochs, resumeFrom: checkpointing ? hooks.resume : nil, shouldStop: hooks.shouldStop,
                                          onStep: hooks.onStep, onEpoch: hooks.onEpoch, onCheckpoint: checkpointing ? hooks.onCheckpoint : nil)
            if let spent = trainer.privacy {
                privacy = spent
                hooks.log(String(format: "differentially private: ε = %.3f spent of %.3f (δ = %.1e), noise multiplier %.4f, clipping norm %g, %d steps at q = %.5f",
                                 spent.epsilon, spec.privacy!.epsilon, spent.delta, spent.noiseMultiplier, spent.maxGradNorm, spent.steps, spent.sampleRate))
            }
            return (model, reports, examples, preprocessor, hooks.shouldStop())
        }
        func score(_ model: Model, _ data: LabelledData) -> [String: Double] {
            let (loss, accuracy) = Trainer(model: model).evaluate(data)
            var metrics = ["test_loss": Double(loss)]
            if let accuracy { metrics["test_accuracy"] = Double(accuracy) }
            return metrics
        }
        if folds.count == 1 {
            let (model, reports, examples, preprocessor, cancelled) = try train(folds[0].train, checkpointing: true)
            guard !cancelled else { return TrainingOutcome(metrics: [:], cancelled: true, trainingRows: folds[0].train.count) }
            var metrics: [String: Double] = privacy?.metrics ?? [:]
            if let last = reports.last {
                metrics["train_loss"] = Double(last.loss)
                if let accuracy = last.accuracy { metrics["train_accuracy"] = Double(accuracy) }
            }
            let heldOut = folds[0].test.isEmpty ? nil : try examples(folds[0].test)
            if let test = testSet ?? heldOut {
                metrics.merge(score(model, test)) { $1 }
                hooks.log("held-out \(test.count) samples: " + metrics.keys.sorted().map { "\($0) \(String(format: "%.4f", metrics[$0]!))" }.joined(separator: ", "))
            }
            try save(model, metrics, preprocessor)
            return TrainingOutcome(metrics: metrics, cancelled: false, trainingRows: folds[0].train.count)
        }
        var foldScores: [[String: Double]] = []
        var wanted = Array(folds.indices)
        switch step {
        case .final(let scores): foldScores = scores; wanted = []
        case .fold(let index):
            guard folds.indices.contains(index) else { throw PlatformError.invalid(field: "validation.kfold", message: "fold \(index) of \(folds.count) does not exist") }
            wanted = [index]
        case .whole, .scores: break
        }
        for i in wanted {
            let fold = folds[i]
            hooks.log("fold \(i + 1) of \(folds.count)")
            let (model, _, examples, _, cancelled) = try train(fold.train, checkpointing: false)
            guard !cancelled else { return TrainingOutcome(metrics: [:], cancelled: true, trainingRows: fold.train.count) }
            foldScores.append(score(model, try examples(fold.test)))
        }
        if case .fold = step { return TrainingOutcome(metrics: foldScores[0], cancelled: false, trainingRows: folds[wanted[0]].train.count) }
        let metrics = Dictionary(uniqueKeysWithValues: foldScores[0].keys.map { key in
            ("cv_" + key, foldScores.map { $0[key] ?? .nan }.reduce(0, +) / Double(foldScores.count))
        })
        hooks.log("cross-validated: " + metrics.keys.sorted().map { "\($0) \(String(format: "%.4f", metrics[$0]!))" }.joined(separator: ", "))
        if step == .scores { return TrainingOutcome(metrics: metrics, cancelled: false, trainingRows: all.count) }
        let (model, _, _, preprocessor, cancelled) = try train(all, checkpointing: true)
        guard !cancelled else { return TrainingOutcome(metrics: metrics, cancelled: true, trainingRows: all.count) }
        try save(model, metrics, preprocessor)
        return TrainingOutcome(metrics: metrics, cancelled: false, trainingRows: all.count)
    }

    static func column(_ table: DataTable, _ target: String) throws -> Column {
        guard let column = table.column(named: target) else {
            throw PlatformError.invalid(field: "target", message: "no column named '\(target)'; columns: \(table.columnNames.joined(separator: ", "))")
        }
        return column
    }
}
