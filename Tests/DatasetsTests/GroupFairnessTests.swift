import Datasets
import Foundation
import Testing

/// Group metrics and disparities against fairlearn 0.15 on AER's CPS1985 (534 rows; fixture
/// written by scripts/make_fairness_fixtures.py): by gender, by ethnicity and by both, to 1e-9.
@Suite struct GroupFairnessAgainstFairlearn {
    let fixture: [String: Any] = {
        let url = Bundle.module.url(forResource: "fairlearn_cps1985", withExtension: "json", subdirectory: "Fixtures")!
        return try! JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
    }()

    func sensitive(_ names: [String]) -> [[String]] { names.map { fixture[$0] as! [String] } }

    func expectClose(_ ours: Double?, _ theirs: Any?, _ what: String) {
        let expected = (theirs as? NSNumber)?.doubleValue ?? .nan
        #expect(ours.map { abs($0 - expected) <= 1e-9 } == true, "\(what): ours \(ours.map { "\($0)" } ?? "nil"), fairlearn \(expected)")
    }

    @Test func classificationByGroupAndDisparities() throws {
        for case let fairlearn as [String: Any] in fixture["cases"] as! [Any] {
            let names = fairlearn["sensitive"] as! [String]
            let report = GroupFairness.classification(truth: fixture["truth"] as! [String], predicted: fixture["predicted"] as! [String],
                                                      positive: fixture["positive"] as! String, sensitive: sensitive(names))
            let expected = fairlearn["classification"] as! [String: Any]
            let groups = expected["groups"] as! [[String: Any]]
            #expect(report.groups.map(\.group) == groups.map { $0["group"] as! [String] }, "\(names)")
            for (ours, theirs) in zip(report.groups, groups) {
                let m = theirs["metrics"] as! [String: Any]
                let at = "\(names) \(ours.group)"
                expectClose(Double(ours.metrics.count), m["count"], "\(at) count")
                expectClose(ours.metrics.selectionRate, m["selection_rate"], "\(at) selection rate")
                expectClose(ours.metrics.accuracy, m["accuracy"], "\(at) accuracy")
                expectClose(ours.metrics.precision, m["precision"], "\(at) precision")
                expectClose(ours.metrics.recall, m["recall"], "\(at) recall")
                expectClose(ours.metrics.falsePositiveRate, m["false_positive_rate"], "\(at) FPR")
            }
            let overall = expected["overall"] as! [String: Any]
            expectClose(report.overall.accuracy, overall["accuracy"], "\(names) overall accuracy")
            expectClose(report.overall.selectionRate, overall["selection_rate"], "\(names) overall selection rate")
            expectClose(report.demographicParityDifference, expected["demographic_parity_difference"], "\(names) DP difference")
            expectClose(report.demographicParityRatio, expected["demographic_parity_ratio"], "\(names) DP ratio")
            expectClose(report.equalizedOddsDifference, expected["equalized_odds_difference"], "\(names) EO difference")
            expectClose(report.equalOpportunityDifference, expected["equal_opportunity_difference"], "\(names) equal opportunity")
        }
    }

    @Test func regressionByGroup() throws {
        for case let fairlearn as [String: Any] in fixture["cases"] as! [Any] {
            let names = fairlearn["sensitive"] as! [String]
            let report = GroupFairness.regression(truth: (fixture["wage"] as! [NSNumber]).map(\.doubleValue),
                                                  predicted: (fixture["wage_predicted"] as! [NSNumber]).map(\.doubleValue), sensitive: sensitive(names))
            let groups = (fairlearn["regression"] as! [String: Any])["groups"] as! [[String: Any]]
            #expect(report.groups.map(\.group) == groups.map { $0["group"] as! [String] })
            for (ours, theirs) in zip(report.groups, groups) {
                let m = theirs["metrics"] as! [String: Any]
                expectClose(ours.metrics.meanPrediction, m["mean_prediction"], "\(names) \(ours.group) mean prediction")
                expectClose(ours.metrics.meanAbsoluteError, m["mean_absolute_error"], "\(names) \(ours.group) MAE")
            }
        }
    }
}
