import Datasets
import Foundation
import Learners
import Testing

/// sklearn.inspection's permutation importance (on the same shuffles) and brute-force partial
/// dependence, for a logistic regression fitted by scikit-learn (scripts/make_shap_fixtures.py).
@Suite struct InspectionAgreement {
    struct Fixture: Decodable {
        let coefficients: [[Double]], intercepts: [Double], x: [[Double]], y: [Int]
        let permutations: [[[Int]]], importances: [[Double]]
        let pd_feature: Int, pd_grid: [[Double]], pd_average: [[Double]]
    }

    static func probabilities(_ f: Fixture, _ m: Matrix) -> Matrix {
        var out = Matrix(rows: m.rows, columns: f.intercepts.count)
        for r in 0..<m.rows {
            let logits = zip(f.coefficients, f.intercepts).map { w, b in b + zip(w, m.row(r)).reduce(0) { $0 + $1.0 * $1.1 } }
            let peak = logits.max()!, e = logits.map { exp($0 - peak) }, total = e.reduce(0, +)
            for k in e.indices { out[r, k] = e[k] / total }
        }
        return out
    }

    @Test func permutationImportanceEqualsScikitLearn() throws {
        let f = try fixture("sklearn_inspection", as: Fixture.self)
        let x = Matrix(rowArrays: f.x)
        func accuracy(_ m: Matrix) -> Double {
            let p = Self.probabilities(f, m)
            let correct = (0..<m.rows).filter { r in (0..<p.columns).max { p[r, $0] < p[r, $1] } == f.y[r] }.count
            return Double(correct) / Double(m.rows)
        }
        let result = try #require(try PermutationImportance.compute(columns: x.columns, repeats: 4, permutation: { f.permutations[$0][$1] }) { column, order in
            guard let column, let order else { return accuracy(x) }
            var permuted = x
            for r in 0..<x.rows { permuted[r, column] = x[order[r], column] }
            return accuracy(permuted)
        })
        for c in 0..<x.columns { for k in 0..<4 { #expect(abs(result.importances[c][k] - f.importances[c][k]) < 1e-12, "column \(c) repeat \(k)") } }
    }

    @Test func partialDependenceEqualsScikitLearn() throws {
        let f = try fixture("sklearn_inspection", as: Fixture.self)
        let average = PartialDependence.compute(Matrix(rowArrays: f.x), columns: [f.pd_feature], grid: f.pd_grid) { Self.probabilities(f, $0) }
        for (g, values) in average.enumerated() {
            for k in values.indices { #expect(abs(values[k] - f.pd_average[k][g]) < 1e-12) }
        }
    }
}
