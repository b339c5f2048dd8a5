import Datasets
import Foundation
import Learners
import Testing

/// Data sets shipped inside scikit-learn's wheel, fetched by scripts/fetch_sklearn_data.sh.
func sklearnData(_ name: String) throws -> DataTable {
    let root = ProcessInfo.processInfo.environment["SKLEARN_DATA_DIR"]
        ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../data/sklearn").standardized.path
    return try CSVReader().read(path: "\(root)/\(name).csv")
}

struct CVCase: Decodable, CustomTestStringConvertible, Sendable {
    let dataset: String
    let spec: [String: SpecValue]
    let metric: String
    let folds: [Double]
    let mean: Double
    /// For randomised learners: both sides average their cross-validated score over these seeds.
    let seeds: [UInt64]?
    /// `loo` for leave-one-out (pooled predictions); 5-fold otherwise.
    let scheme: String?

    var testDescription: String { "\(dataset)\(scheme.map { " (\($0))" } ?? "") \(spec.keys.sorted().map { "\($0)=\(spec[$0]!)" }.joined(separator: " "))" }
    var specJSON: String {
        "{" + spec.keys.sorted().map { key in
            switch spec[key]! { case .number(let n): return "\"\(key)\": \(n)"; case .text(let s): return "\"\(key)\": \"\(s)\"" }
        }.joined(separator: ", ") + "}"
    }
}

enum SpecValue: Decodable, Sendable, CustomStringConvertible {
    case number(Double), text(String)
    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let n = try? c.decode(Double.self) { self = .number(n) } else { self = .text(try c.decode(String.self)) }
    }
    var description: String { switch self { case .number(let n): return "\(n)"; case .text(let s): return s } }
}

struct SklearnReference: Decodable {
    let cases: [CVCase]
    let kmeans_iris_raw_k3_inertia: Double

    static let shared: SklearnReference = {
        let url = Bundle.module.url(forResource: "sklearn_cv", withExtension: "json", subdirectory: "Fixtures")!
        return try! JSONDecoder().decode(SklearnReference.self, from: Data(contentsOf: url))
    }()
}

@Suite struct ScikitLearnAgreement {
    /// 5-fold cross-validated accuracy within 1.5 points, R² within 0.02, of scikit-learn's for
    /// the same algorithm, hyperparameters and folds (StandardScaler fitted per fold).
    @Test(arguments: SklearnReference.shared.cases)
    func crossValidatedScoreMatches(_ reference: CVCase) throws {
        let table = try sklearnData(reference.dataset)
        var scores: [Double] = []
        for seed in reference.seeds ?? [0] {
            var spec = try LearnerSpec.parse(reference.specJSON)
            spec.seed = seed
            let result = try CrossValidation.run(spec, table: table, target: "target",
                                                 scheme: try ValidationScheme(parsing: reference.scheme ?? "5"))
            scores.append(try #require(result.mean[reference.metric]))
        }
        let ours = scores.reduce(0, +) / Double(scores.count)
        let tolerance = reference.metric == "accuracy" ? 0.015 : 0.02
        #expect(Swift.abs(ours - reference.mean) <= tolerance,
                "\(reference.testDescription): ours \(ours) vs scikit-learn \(reference.mean); \(scores) vs \(reference.folds)")
    }

    @Test func kMeansFindsScikitLearnsOptimumOnIris() throws {
        let table = try sklearnData("iris").dropping("target")
        let x = try FittedPreprocessor.fit({ var p = PreprocessingSpec(); p.numeric.scale = .none; return p }(), table: table, target: nil)
            .transform(table)
        var model = KMeans(clusters: 3, initializations: 10, maxIterations: 300, tolerance: 1e-4, seed: 0)
        try model.fit(x)
        #expect(Swift.abs(model.inertia - SklearnReference.shared.kmeans_iris_raw_k3_inertia) / model.inertia < 0.01,
                "inertia \(model.inertia)")
    }
}
