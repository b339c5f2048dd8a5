import Datasets
import Foundation
import Testing

struct SklearnMetricsFixture: Decodable {
    let truth: [Int], predicted: [Int], probabilities: [[Double]], binary_truth: [Int], scores: [Double], y: [Double], y_hat: [Double]
    let accuracy: Double, confusion_matrix: [[Int]], roc_auc_binary: Double, roc_auc_ovr_macro: Double, roc_auc_ovr_weighted: Double
    let log_loss: Double, mse: Double, mae: Double, r2: Double, mape: Double
    let precision_macro: Double, recall_macro: Double, f1_macro: Double
    let precision_micro: Double, recall_micro: Double, f1_micro: Double
    let precision_weighted: Double, recall_weighted: Double, f1_weighted: Double
    struct PerClass: Decodable { let precision: [Double], recall: [Double], f1: [Double], support: [Int] }
    let per_class: PerClass
    struct TFIDF: Decodable { let texts: [String], vocabulary: [String], matrix: [[Double]] }
    let tfidf: TFIDF

    static let shared: SklearnMetricsFixture = {
        let url = Bundle.module.url(forResource: "sklearn_metrics", withExtension: "json", subdirectory: "Fixtures")!
        return try! JSONDecoder().decode(SklearnMetricsFixture.self, from: Data(contentsOf: url))
    }()
}

@Suite struct MetricsAgainstScikitLearn {
    let f = SklearnMetricsFixture.shared

    func close(_ a: Double, _ b: Double, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(Swift.abs(a - b) <= 1e-6, "\(what): \(a) vs scikit-learn \(b)", sourceLocation: sourceLocation)
    }

    @Test func classification() {
        close(Metrics.accuracy(f.truth, f.predicted), f.accuracy, "accuracy")
        #expect(Metrics.confusionMatrix(f.truth, f.predicted, classes: 4) == f.confusion_matrix)
        let perClass = Metrics.perClass(f.truth, f.predicted, classes: 4)
        for c in 0..<4 {
            close(perClass.precision[c], f.per_class.precision[c], "precision[\(c)]")
            close(perClass.recall[c], f.per_class.recall[c], "recall[\(c)]")
            close(perClass.f1[c], f.per_class.f1[c], "f1[\(c)]")
        }
        #expect(perClass.support == f.per_class.support)
        let expected: [Metrics.Average: (Double, Double, Double)] = [
            .macro: (f.precision_macro, f.recall_macro, f.f1_macro), .micro: (f.precision_micro, f.recall_micro, f.f1_micro),
            .weighted: (f.precision_weighted, f.recall_weighted, f.f1_weighted)]
        for average in Metrics.Average.allCases {
            let ours = Metrics.precisionRecallF1(f.truth, f.predicted, classes: 4, average: average), theirs = expected[average]!
            close(ours.precision, theirs.0, "\(average) precision")
            close(ours.recall, theirs.1, "\(average) recall")
            close(ours.f1, theirs.2, "\(average) f1")
        }
        close(Metrics.rocAUC(f.binary_truth.map { $0 == 1 }, f.scores), f.roc_auc_binary, "binary ROC-AUC")
        close(Metrics.rocAUCOneVsRest(f.truth, f.probabilities), f.roc_auc_ovr_macro, "OvR macro ROC-AUC")
        close(Metrics.rocAUCOneVsRest(f.truth, f.probabilities, average: .weighted), f.roc_auc_ovr_weighted, "OvR weighted ROC-AUC")
        close(Metrics.logLoss(f.truth, f.probabilities), f.log_loss, "log loss")
    }

    @Test func regression() {
        close(Metrics.meanSquaredError(f.y, f.y_hat), f.mse, "MSE")
        close(Metrics.rootMeanSquaredError(f.y, f.y_hat), f.mse.squareRoot(), "RMSE")
        close(Metrics.meanAbsoluteError(f.y, f.y_hat), f.mae, "MAE")
        close(Metrics.r2(f.y, f.y_hat), f.r2, "R²")
        close(Metrics.meanAbsolutePercentageError(f.y, f.y_hat), f.mape, "MAPE")
    }

    @Test func rankingAndForecastingByHand() {
        // Relevant {1, 3}; ranked [3, 2, 1]: DCG = 1 + 1/log2(4) = 1.5, ideal = 1 + 1/log2(3).
        #expect(Metrics.precisionAtK([3, 2, 1], relevant: [1, 3], k: 2) == 0.5)
        #expect(Metrics.recallAtK([3, 2, 1], relevant: [1, 3], k: 3) == 1)
        close(Metrics.ndcgAtK([3, 2, 1], relevant: [1, 3], k: 3), 1.5 / (1 + 1 / log2(3)), "NDCG")
        close(Metrics.symmetricMAPE([100, 0], [110, 0]), (20.0 / 210) / 2, "sMAPE")
        // Naive seasonal errors of [1, 2, 4, 7] at lag 1: 1, 2, 3 → 2. MAE 1 → MASE 0.5.
        close(Metrics.meanAbsoluteScaledError([8, 9], [9, 8], training: [1, 2, 4, 7]), 0.5, "MASE")
    }

    @Test func tfidfMatchesScikitLearn() throws {
        let table = DataTable(columns: [Column(name: "text", data: .text(f.tfidf.texts))])
        let pipeline = try FittedPreprocessor.fit(PreprocessingSpec(), table: table, target: nil)
        guard case .bagOfWords(_, _, let vocabulary, _) = pipeline.columns[0] else { Issue.record("not a bag of words"); return }
        #expect(vocabulary == f.tfidf.vocabulary)
        let m = try pipeline.transform(table)
        for (r, row) in f.tfidf.matrix.enumerated() { for (c, v) in row.enumerated() { close(m[r, c], v, "tfidf[\(r)][\(c)]") } }
    }
}

@Suite struct PreprocessingPipelines {
    static let table = DataTable(columns: [
        Column(name: "age", data: .numeric([20, .nan, 40, 60])),
        Column(name: "city", data: .text(["Oslo", "Rome", nil, "Oslo"])),
        Column(name: "y", data: .numeric([0, 1, 0, 1])),
    ])

    @Test func imputeScaleAndEncode() throws {
        let p = try FittedPreprocessor.fit(PreprocessingSpec(), table: Self.table, target: "y")
        #expect(p.inputNames == ["age", "city"] && p.width == 3)
        let m = try p.transform(Self.table)
        // age: mean 40 imputed; std of [20, 40, 40, 60] = √200. city: Oslo fills the missing value.
        let s = 200.0.squareRoot()
        #expect(m.column(0).map { ($0 * 1e9).rounded() / 1e9 } == [-20 / s, 0, 0, 20 / s].map { ($0 * 1e9).rounded() / 1e9 })
        #expect(m.column(1) == [1, 0, 1, 1] && m.column(2) == [0, 1, 0, 0])
        // Raw records, as an endpoint gets them; an unknown category encodes as all zeros.
        let raw = try p.transform(records: [["age": .number(40), "city": .string("Paris")], ["age": .string("60"), "city": .missing]])
        #expect(Array(raw.row(0)) == [0, 0, 0] && Array(raw.row(1))[1] == 1)
        #expect { try p.transform(records: [["city": .string("Oslo")]]) } throws: { "\($0)" == "instances[0].age: is required" }
        #expect { try p.transform(records: [["age": .string("old"), "city": .string("Oslo")]]) } throws: { "\($0)".contains("'old' is not a number") }
        #expect { try p.transform(records: [["age": .number(.infinity), "city": .string("Oslo")]]) } throws: { "\($0)".contains("not a finite number") }
    }

    @Test func otherStrategies() throws {
        var spec = PreprocessingSpec()
        spec.numeric = .init(impute: .median, scale: .minmax)
        spec.categorical = .init(impute: .constant, fillValue: "none", encode: .ordinal)
        let p = try FittedPreprocessor.fit(spec, table: Self.table, target: "y")
        let m = try p.transform(Self.table)
        #expect(m.column(0) == [0, 0.5, 0.5, 1])  // median 40, min 20, max 60
        #expect(m.column(1) == [0, 1, 2, 0])        // categories in byte order, as numpy's unique: Oslo, Rome, none
        let sequences = try FittedPreprocessor.fit({ var s = PreprocessingSpec(); s.text = .init(vectorize: .sequence, maxLength: 4); s.kinds = ["t": .text]; return s }(),
                                                   table: DataTable(columns: [Column(name: "t", data: .text(["a b a", "b c"]))]), target: nil)
        // Vocabulary by frequency: a (2), b (2), c (1) → ids 2, 3, 4; unknown → 1; padding 0.
        #expect(Array(try sequences.transform(records: [["t": .string("A b z")]]).row(0)) == [2, 3, 1, 0])
    }

    /// The pipeline is fitted on the training split only: whatever the test rows hold, the
    /// fitted parameters are the same.
    @Test func fittingNeverReadsTheTestSplit() throws {
        let folds = Splits.trainTest(count: 4, testFraction: 0.5, seed: 1)
        let train = Self.table.rows(folds.train)
        var poisoned = Self.table
        poisoned.columns[0].data = .numeric([1e9, 1e9, 1e9, 1e9])
        poisoned.columns[1].data = .text(["Z", "Z", "Z", "Z"])
        var mixed = poisoned
        for c in 0..<mixed.columns.count {
            var values = (0..<4).map { poisoned.columns[c].data.string(at: $0) }
            for i in folds.train { values[i] = Self.table.columns[c].data.string(at: i) }
            mixed.columns[c].data = c == 1 ? .text(values) : .numeric(values.map { $0.flatMap(Double.init) ?? .nan })
        }
        let a = try FittedPreprocessor.fit(PreprocessingSpec(), table: train, target: "y")
        let b = try FittedPreprocessor.fit(PreprocessingSpec(), table: mixed.rows(folds.train), target: "y")
        #expect(a.columns == b.columns)
    }
}

@Suite struct SplitSchemes {
    @Test func kFoldMatchesScikitLearnSizes() {
        let folds = Splits.kFold(count: 11, k: 3)
        #expect(folds.map(\.test) == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10]])
        #expect(folds.allSatisfy { Set($0.train).union($0.test) == Set(0..<11) && Set($0.train).isDisjoint(with: $0.test) })
    }

    @Test func stratifiedKFoldKeepsProportions() {
        let labels = Array(repeating: 0, count: 30) + Array(repeating: 1, count: 15)
        for fold in Splits.stratifiedKFold(labels: labels, k: 5) {
            #expect(fold.test.filter { labels[$0] == 0 }.count == 6 && fold.test.filter { labels[$0] == 1 }.count == 3)
        }
        let split = Splits.trainTest(count: 45, testFraction: 0.2, labels: labels, seed: 3)
        #expect(split.test.filter { labels[$0] == 1 }.count == 3 && split.test.count == 9)
        #expect(Splits.trainTest(count: 45, testFraction: 0.2, labels: labels, seed: 3) == split)
        let three = Splits.trainValidationTest(count: 100, validation: 0.2, test: 0.1, seed: 4)
        #expect(three.train.count == 70 && three.validation.count == 20 && three.test.count == 10)
        #expect(Set(three.train + three.validation + three.test).count == 100)
    }

    @Test func leaveOneOutAndBootstrap() {
        let loo = Splits.leaveOneOut(count: 4)
        #expect(loo.count == 4 && loo[2] == Fold(train: [0, 1, 3], test: [2]))
        let boot = Splits.bootstrap(count: 1000, iterations: 3, seed: 9)
        for fold in boot {
            #expect(fold.train.count == 1000)
            #expect(Set(fold.test).isDisjoint(with: fold.train))
            // About e⁻¹ of rows are out of bag.
            #expect(Swift.abs(Double(fold.test.count) / 1000 - exp(-1)) < 0.05)
        }
    }
}
