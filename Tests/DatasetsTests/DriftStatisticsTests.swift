import Datasets
import Foundation
import Testing

/// scipy.stats.ks_2samp and scipy.spatial.distance.jensenshannon on committed samples
/// (scripts/make_drift_fixtures.py), and the population stability index by its definition.
@Suite struct DriftAgainstScipy {
    struct Fixture: Decodable {
        struct KS: Decodable { let a: [Double], b: [Double], statistic: Double, pvalue: Double }
        struct JS: Decodable { let p: [Double], q: [Double], distance: Double }
        let ks_2samp: [KS]
        let jensenshannon: [JS]
    }

    static func load() throws -> Fixture {
        let url = Bundle.module.url(forResource: "scipy_drift", withExtension: "json", subdirectory: "Fixtures")!
        return try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }

    @Test func kolmogorovSmirnovEqualsScipy() throws {
        for (i, c) in try Self.load().ks_2samp.enumerated() {
            let result = try #require(DriftStatistics.kolmogorovSmirnov(c.a, c.b))
            #expect(result.method == "exact")
            #expect(abs(result.statistic - c.statistic) < 1e-12, "case \(i): D \(result.statistic) vs \(c.statistic)")
            // Relative for small p-values, absolute for the rest.
            #expect(abs(result.pValue - c.pvalue) <= 1e-9 * max(1, c.pvalue) || abs(result.pValue - c.pvalue) <= 1e-6 * c.pvalue,
                    "case \(i) (\(c.a.count) vs \(c.b.count)): p \(result.pValue) vs \(c.pvalue)")
        }
    }

    @Test func jensenShannonEqualsScipy() throws {
        for c in try Self.load().jensenshannon {
            #expect(abs(DriftStatistics.jensenShannonDistance(c.p, c.q) - c.distance) < 1e-12)
        }
    }

    @Test func populationStabilityIndex() {
        let uniform = [Double](repeating: 0.1, count: 10)
        #expect(DriftStatistics.populationStabilityIndex(expected: uniform, actual: uniform) == 0)
        let shifted = [0.0, 0.0, 0.05, 0.05, 0.1, 0.1, 0.15, 0.15, 0.2, 0.2]
        // Σ (a − e) ln(a / e), empty bins floored at 1e-4.
        let expected = zip(uniform, shifted).reduce(0.0) { $0 + (max($1.1, 1e-4) - $1.0) * log(max($1.1, 1e-4) / $1.0) }
        #expect(abs(DriftStatistics.populationStabilityIndex(expected: uniform, actual: shifted) - expected) < 1e-15)
        #expect(expected > 0.25)
    }

    @Test func profilesBinByTrainingDeciles() {
        let values = (0..<1000).map(Double.init)
        let profile = ColumnProfile.numeric("x", values: values + [.nan])
        #expect(profile.edges?.count == 9 && profile.shares.allSatisfy { abs($0 - 0.1) < 0.002 })
        #expect(profile.sample?.count == 1000 && abs(profile.missingShare - 1.0 / 1001) < 1e-12)
        let categories = ColumnProfile.categorical("c", values: ["a", "b", "a", nil, "z"], categories: ["a", "b"])
        #expect(categories.shares == [0.5, 0.25, 0.25] && categories.missingShare == 0.2)
    }
}
