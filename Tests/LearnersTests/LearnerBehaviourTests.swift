import Datasets
import Foundation
import Learners
import Testing

@Suite struct LearnerBehaviour {
    static let algorithms = [
        #"{"algorithm": "logistic_regression"}"#, #"{"algorithm": "svm", "kernel": "poly"}"#, #"{"algorithm": "decision_tree"}"#,
        #"{"algorithm": "random_forest", "n_estimators": 10}"#, #"{"algorithm": "gradient_boosting", "max_iter": 10}"#,
        #"{"algorithm": "knn", "weights": "distance"}"#, #"{"algorithm": "naive_bayes"}"#,
    ]
    static let regressors = [#"{"algorithm": "linear_regression"}"#, #"{"algorithm": "elastic_net"}"#,
                             #"{"algorithm": "random_forest", "n_estimators": 10}"#, #"{"algorithm": "gradient_boosting", "max_iter": 10}"#]

    /// A saved and reloaded pipeline predicts exactly what the fitted one did, from raw rows.
    @Test(arguments: algorithms + regressors)
    func artifactRoundTrip(_ json: String) throws {
        let regression = Self.regressors.contains(json) && !Self.algorithms.contains(json)
        let table = try sklearnData(regression ? "diabetes" : "wine")
        let pipeline = try TrainedPipeline.fit(try LearnerSpec.parse(json), preprocessing: PreprocessingSpec(), table: table,
                                               target: "target")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("maas-pipeline-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try PipelineArtifact(pipeline, metrics: ["x": 1]).save(pipeline, to: directory)
        let (artifact, loaded) = try PipelineArtifact.load(from: directory)
        #expect(artifact.metrics == ["x": 1] && artifact.task == (regression ? "regression" : "classification"))
        let x = try loaded.preprocessor.transform(table)
        #expect(loaded.learner.predict(x) == pipeline.learner.predict(try pipeline.preprocessor.transform(table)))
        #expect(loaded.learner.predictProbabilities(x)?.values == pipeline.learner.predictProbabilities(x)?.values)
    }

    @Test func sameSeedSameModel() throws {
        let table = try sklearnData("breast_cancer")
        for json in [#"{"algorithm": "random_forest", "n_estimators": 20, "seed": 5}"#, #"{"algorithm": "decision_tree", "max_features": "sqrt", "seed": 5}"#] {
            let a = try TrainedPipeline.fit(try LearnerSpec.parse(json), preprocessing: PreprocessingSpec(), table: table, target: "target")
            let b = try TrainedPipeline.fit(try LearnerSpec.parse(json), preprocessing: PreprocessingSpec(), table: table, target: "target")
            #expect(a.learner.state == b.learner.state)
        }
    }

    @Test(arguments: [
        (#"{"algorithm": "svm", "C": 0}"#, "C: must be a positive number"),
        (#"{"algorithm": "svm", "kernel": "cubic"}"#, "kernel: must be one of linear, poly, rbf, sigmoid"),
        (#"{"algorithm": "svm", "n_estimators": 3}"#, "n_estimators: not a hyperparameter of svm"),
        (#"{"algorithm": "forest"}"#, "algorithm: unknown algorithm 'forest'"),
        (#"{"algorithm": "random_forest", "max_features": "half"}"#, "max_features: must be a count"),
        (#"{"algorithm": "knn", "n_neighbors": "five"}"#, "n_neighbors: has the wrong type"),
    ])
    func specErrorsNameTheField(json: String, expected: String) {
        #expect { try LearnerSpec.parse(json) } throws: { "\($0)".hasPrefix(expected) }
    }

    @Test func regressionOnlyAndClassificationOnlyAlgorithmsRefuseTheOtherTask() throws {
        let table = try sklearnData("diabetes")
        #expect { try TrainedPipeline.fit(try LearnerSpec.parse(#"{"algorithm": "naive_bayes"}"#), preprocessing: PreprocessingSpec(),
                                          table: table, target: "target") } throws: { _ in true }
        let wine = try sklearnData("wine")
        let linear = try TrainedPipeline.fit(try LearnerSpec.parse(#"{"algorithm": "linear_regression"}"#), preprocessing: PreprocessingSpec(),
                                             table: wine, target: "target")
        #expect(linear.labels == nil)
    }
}
