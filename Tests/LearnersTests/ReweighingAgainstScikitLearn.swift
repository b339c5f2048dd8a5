import Datasets
import Foundation
import Learners
import Testing

/// Kamiran–Calders reweighing on AER's CPS1985 by gender (fixture written by
/// scripts/make_reweighing_fixtures.py with scikit-learn 1.9 and fairlearn 0.15): the weights,
/// the logistic regression fitted with them equal to scikit-learn's with `sample_weight`, and
/// the demographic parity difference it was meant to shrink equal to fairlearn's.
@Suite struct ReweighingAgainstScikitLearn {
    let fixture: [String: Any] = {
        let url = Bundle.module.url(forResource: "sklearn_reweighing", withExtension: "json", subdirectory: "Fixtures")!
        return try! JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
    }()

    var x: Matrix { Matrix(rowArrays: (fixture["x"] as! [[NSNumber]]).map { $0.map(\.doubleValue) }) }
    var labels: [Double] { (fixture["labels"] as! [NSNumber]).map(\.doubleValue) }
    var groups: [String] { fixture["groups"] as! [String] }
    func fit(_ name: String) -> [String: Any] { (fixture["fits"] as! [String: Any])[name] as! [String: Any] }

    @Test func weightsAreAIF360s() {
        let ours = Reweighing.weights(groups: groups, labels: labels)
        let theirs = (fixture["weights"] as! [NSNumber]).map(\.doubleValue)
        #expect(zip(ours, theirs).allSatisfy { abs($0 - $1) < 1e-12 })
        // The point of the weights: in the weighted data the label no longer depends on the group.
        for group in Set(groups) {
            let rows = groups.indices.filter { groups[$0] == group }
            let positive = rows.filter { labels[$0] == 1 }.reduce(0) { $0 + ours[$1] } / rows.reduce(0) { $0 + ours[$1] }
            #expect(abs(positive - labels.reduce(0, +) / Double(labels.count)) < 1e-12)
        }
    }

    @Test(arguments: ["unweighted", "reweighed"])
    func logisticRegressionWithSampleWeightsIsScikitLearns(_ name: String) throws {
        var model = try makeLearner(try LearnerSpec.parse(#"{"algorithm": "logistic_regression", "C": 1, "max_iter": 10000, "tol": 1e-10}"#),
                                    task: .classification(classes: 2))
        if name == "reweighed" {
            try model.fit(x, labels, sampleWeights: Reweighing.weights(groups: groups, labels: labels))
        } else {
            try model.fit(x, labels)
        }
        let reference = fit(name)
        let ours = try #require(model.predictProbabilities(x)).column(1)
        let theirs = (reference["probability"] as! [NSNumber]).map(\.doubleValue)
        let worst = zip(ours, theirs).map { abs($0 - $1) }.max()!
        // Our L-BFGS stops at scipy's default relative decrease (factr 1e7); scikit-learn runs
        // on to 64 ε, so the two optima differ in the sixth decimal.
        #expect(worst < 2e-5, "largest probability difference from scikit-learn: \(worst)")
        let decided = model.predict(x).map { $0 == 1 ? "1" : "0" }
        let report = GroupFairness.classification(truth: labels.map { $0 == 1 ? "1" : "0" }, predicted: decided, positive: "1", sensitive: [groups])
        let expected = (reference["demographic_parity_difference"] as! NSNumber).doubleValue
        #expect(abs(report.demographicParityDifference! - expected) < 1e-9)
    }

    /// A tree's weights mean what they say: weight 2 grows the tree that two copies of the row grow.
    @Test func aTreeWeighsARowLikeItsCopies() throws {
        let spec = try LearnerSpec.parse(#"{"algorithm": "decision_tree", "max_depth": 4}"#)
        let rows = x.rows, doubled = Array(0..<rows).filter { $0 % 3 == 0 }
        var weighted = try makeLearner(spec, task: .classification(classes: 2))
        try weighted.fit(x, labels, sampleWeights: (0..<rows).map { $0 % 3 == 0 ? 2 : 1 })
        let order = Array(0..<rows) + doubled
        var copied = try makeLearner(spec, task: .classification(classes: 2))
        try copied.fit(Matrix(rowArrays: order.map { Array(x.row($0)) }), order.map { labels[$0] })
        let a = try #require(weighted.predictProbabilities(x)), b = try #require(copied.predictProbabilities(x))
        #expect(zip(a.values, b.values).allSatisfy { abs($0 - $1) < 1e-12 })
        var plain = try makeLearner(spec, task: .classification(classes: 2))
        try plain.fit(x, labels)
        #expect(plain.predictProbabilities(x)! != a, "weights changed nothing: the test would not notice them ignored")
    }

    @Test func pipelinesReweighAndRefuseWhatCannot() throws {
        let rows = (0..<120).map { i in "\(Double(i % 17)),\(i % 3 == 0 ? "b" : "a"),\((i % 17) + (i % 3 == 0 ? -4 : 2) > 8 ? "yes" : "no")" }
        var source = MemoryByteSource(Data(("score,group,approved\n" + rows.joined(separator: "\n") + "\n").utf8), name: "loans.csv")
        let table = try CSVReader().read(source: &source)
        var preprocessing = PreprocessingSpec()
        preprocessing.reweigh = ["group"]
        for algorithm in ["logistic_regression", "decision_tree", "random_forest"] {
            _ = try TrainedPipeline.fit(try LearnerSpec.parse(#"{"algorithm": "\#(algorithm)"}"#), preprocessing: preprocessing, table: table, target: "approved")
        }
        #expect { try TrainedPipeline.fit(try LearnerSpec.parse(#"{"algorithm": "knn"}"#), preprocessing: preprocessing, table: table, target: "approved") }
            throws: { ($0 as? DataError)?.field == "preprocessing.reweigh" }
        preprocessing.reweigh = ["region"]
        #expect { try TrainedPipeline.fit(try LearnerSpec.parse(#"{"algorithm": "logistic_regression"}"#), preprocessing: preprocessing, table: table, target: "approved") }
            throws: { ($0 as? DataError)?.field == "preprocessing.reweigh[0]" }
    }
}
