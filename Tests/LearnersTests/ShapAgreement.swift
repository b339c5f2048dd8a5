import Datasets
import Foundation
import Learners
import Testing

/// Trees as shap.TreeExplainer holds them, with its attributions (scripts/make_shap_fixtures.py).
struct ShapTreeCase: Decodable, CustomTestStringConvertible, Sendable {
    struct Tree: Decodable, Sendable {
        let left: [Int], right: [Int], feature: [Int], threshold: [Double], value: [[Double]], cover: [Double]
        var shapTree: ShapTree {
            // shap marks leaves by a child of −1; its leaf feature index is not always negative.
            ShapTree(feature: zip(feature, left).map { $1 < 0 ? -1 : $0 }, threshold: threshold, left: left, right: right,
                     value: value.flatMap { $0 }, cover: cover, outputs: value.first?.count ?? 1)
        }
    }
    let name: String
    let trees: [Tree]
    let base_offset: [Double]
    let x: [[Double]]
    let expected_value: [Double]
    /// [row][output][feature]
    let shap_values: [[[Double]]]
    var testDescription: String { name }

    var explainer: TreeEnsembleExplainer {
        TreeEnsembleExplainer(trees: trees.map(\.shapTree), outputs: expected_value.count, scale: 1, offset: base_offset)
    }
}

struct ShapTreeFixture: Decodable { let cases: [ShapTreeCase] }

struct ShapLinearKernelFixture: Decodable {
    struct Linear: Decodable {
        let coefficients: [Double], intercept: Double, means: [Double], x: [[Double]], expected_value: Double, shap_values: [[Double]]
    }
    struct Kernel: Decodable {
        let background: [[Double]], x: [[Double]], expected_value: [Double], shap_values: [[[Double]]]
    }
    let linear: Linear
    let kernel: Kernel
    let kernel_forest: [ShapTreeCase.Tree]
}

func fixture<T: Decodable>(_ name: String, as: T.Type) throws -> T {
    let url = Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures")!
    return try JSONDecoder().decode(T.self, from: Data(contentsOf: url))
}

@Suite("SHAP values equal the shap package's")
struct ShapAgreement {
    static let treeCases = (try? fixture("shap_trees", as: ShapTreeFixture.self).cases) ?? []

    @Test("TreeSHAP equals shap.TreeExplainer to 1e-6", arguments: treeCases)
    func treeShap(_ c: ShapTreeCase) {
        let explainer = c.explainer
        let base = explainer.baseValue
        for k in base.indices { #expect(abs(base[k] - c.expected_value[k]) < 1e-6, "base value of output \(k)") }
        for (r, row) in c.x.enumerated() {
            let phi = explainer.explain(row)
            let output = explainer.output(row)
            for k in phi.indices {
                for j in row.indices {
                    #expect(abs(phi[k][j] - c.shap_values[r][k][j]) < 1e-6, "row \(r) output \(k) feature \(j): \(phi[k][j]) vs shap \(c.shap_values[r][k][j])")
                }
                // Local accuracy: base + Σφ is the model's output.
                #expect(abs(base[k] + phi[k].reduce(0, +) - output[k]) < 1e-9)
            }
        }
    }

    @Test("TreeSHAP on our own forests and boosted trees adds up to their predictions")
    func treeShapOnTrainedModels() throws {
        var state: UInt64 = 7
        func next() -> Double { state = state &* 6364136223846793005 &+ 1442695040888963407; return Double((state >> 40) % 1000) / 100 }
        let n = 300, p = 6
        let values = (0..<(n * p)).map { _ in next() }
        let x = Matrix(rows: n, columns: p, values: values)
        let y: [Double] = (0..<n).map { r in
            let score: Double = x[r, 0] + x[r, 1] * x[r, 2]
            return score > 30 ? 1 : 0
        }
        func learner(_ json: String) throws -> any Learner {
            let spec = try JSONDecoder().decode(LearnerSpec.self, from: Data(json.utf8))
            var model = try makeLearner(spec, task: .classification(classes: 2))
            try model.fit(x, y)
            return model
        }
        let forest = try #require(try learner(#"{"algorithm": "random_forest", "n_estimators": 20, "max_depth": 6, "seed": 1}"#) as? RandomForest)
        let boosted = try #require(try learner(#"{"algorithm": "gradient_boosting", "max_iter": 20}"#) as? HistGradientBoosting)
        let forestExplainer = try forest.treeExplainer(), boostedExplainer = try boosted.treeExplainer()
        let probabilities = forest.predictProbabilities(x)!
        let boostedProbabilities = boosted.predictProbabilities(x)!
        for r in 0..<20 {
            let row = Array(x.row(r))
            let phi = forestExplainer.explain(row), base = forestExplainer.baseValue
            for k in 0..<2 {
                let total: Double = base[k] + phi[k].reduce(0, +)
                #expect(abs(total - probabilities[r, k]) < 1e-9)
            }
            let margin: Double = boostedExplainer.baseValue[0] + boostedExplainer.explain(row)[0].reduce(0, +)
            let probability: Double = 1 / (1 + exp(-margin))
            #expect(abs(probability - boostedProbabilities[r, 1]) < 1e-9)
        }
        // Features 3–5 never decide the label: over many rows their attributions are small next
        // to those of features 0–2.
        var decisive = 0.0, irrelevant = 0.0
        for r in 0..<50 {
            let phi = forestExplainer.explain(Array(x.row(r)))[1]
            decisive += phi[0].magnitude + phi[1].magnitude + phi[2].magnitude
            irrelevant += phi[3].magnitude + phi[4].magnitude + phi[5].magnitude
        }
        #expect(decisive > 3 * irrelevant)
    }

    @Test("linear SHAP equals shap.LinearExplainer (interventional)")
    func linearShap() throws {
        let f = try fixture("shap_linear_kernel", as: ShapLinearKernelFixture.self).linear
        let explainer = LinearExplainer(weights: [f.coefficients], intercepts: [f.intercept], means: f.means, units: .logOdds)
        #expect(abs(explainer.base[0] - f.expected_value) < 1e-6)
        for (r, row) in f.x.enumerated() {
            let phi = explainer.explain(row).values[0]
            for j in row.indices { #expect(abs(phi[j] - f.shap_values[r][j]) < 1e-6) }
        }
    }

    @Test("KernelSHAP with every coalition equals shap.KernelExplainer's exact values; sampled stays within 0.02")
    func kernelShap() throws {
        let f = try fixture("shap_linear_kernel", as: ShapLinearKernelFixture.self)
        let forest = TreeEnsembleExplainer(trees: f.kernel_forest.map(\.shapTree), outputs: 3, scale: 1)
        let model: KernelExplainer.Model = { m in
            Matrix(rows: m.rows, columns: 3, values: (0..<m.rows).flatMap { forest.output(Array(m.row($0))) })
        }
        let p = f.kernel.x[0].count
        let background = Matrix(rows: f.kernel.background.count, columns: p, values: f.kernel.background.flatMap { $0 })
        let explainer = try KernelExplainer(model: model, background: background, groups: (0..<p).map { $0..<($0 + 1) }, units: .probability)
        for k in 0..<3 { #expect(abs(explainer.base[k] - f.kernel.expected_value[k]) < 1e-9) }
        for (r, row) in f.kernel.x.enumerated() {
            let exact = explainer.explain(row, samples: (1 << p) - 2)
            let sampled = explainer.explain(row, samples: 600, seed: 3)
            let output = forest.output(row)
            for k in 0..<3 {
                #expect(abs(exact.base[k] + exact.values[k].reduce(0, +) - output[k]) < 1e-6, "additivity")
                #expect(abs(sampled.base[k] + sampled.values[k].reduce(0, +) - output[k]) < 1e-6, "additivity when sampled")
                for j in 0..<p {
                    #expect(abs(exact.values[k][j] - f.kernel.shap_values[r][k][j]) < 1e-6, "row \(r) class \(k) feature \(j)")
                    #expect(abs(sampled.values[k][j] - f.kernel.shap_values[r][k][j]) < 0.02, "sampled row \(r) class \(k) feature \(j)")
                }
            }
        }
    }

    @Test("KernelSHAP switches a column group as one feature")
    func kernelGroups() throws {
        // f = 2·a + (one-hot b: 0, 1 or 3): b's two columns form one group.
        let model: KernelExplainer.Model = { m in
            Matrix(rows: m.rows, columns: 1, values: (0..<m.rows).map { 2 * m[$0, 0] + m[$0, 1] + 3 * m[$0, 2] })
        }
        let background = Matrix(rows: 2, columns: 3, values: [0, 0, 0, 1, 1, 0])
        let explainer = try KernelExplainer(model: model, background: background, groups: [0..<1, 1..<3], units: .value)
        let a = explainer.explain([3, 0, 1])
        // Additive model: φ_a = 2·(3 − 0.5), φ_b = 3 − 0.5.
        #expect(abs(a.values[0][0] - 5) < 1e-12)
        #expect(abs(a.values[0][1] - 2.5) < 1e-12)
    }
}
