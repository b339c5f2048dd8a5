import Datasets
import Foundation
import Testing

/// The threshold optimizer against fairlearn 0.15's `ThresholdOptimizer` (prefit, accuracy,
/// grid 1000, no flipping) on AER's CPS1985 with a logistic regression's scores, by gender
/// (fixture written by scripts/make_threshold_fixtures.py): every row's probability of a
/// positive decision equal to fairlearn's `_pmf_predict` to 1e-9, for both constraints.
@Suite struct ThresholdOptimizerAgainstFairlearn {
    let fixture: [String: Any] = {
        let url = Bundle.module.url(forResource: "fairlearn_threshold_optimizer", withExtension: "json", subdirectory: "Fixtures")!
        return try! JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
    }()

    var scores: [Double] { (fixture["scores"] as! [NSNumber]).map(\.doubleValue) }
    var labels: [Bool] { (fixture["labels"] as! [NSNumber]).map { $0.intValue == 1 } }
    var groups: [[String]] { (fixture["groups"] as! [String]).map { [$0] } }

    @Test(arguments: ThresholdOptimizer.Constraint.allCases)
    func decisionsEqualFairlearns(_ constraint: ThresholdOptimizer.Constraint) throws {
        let expected = (fixture["constraints"] as! [String: Any])[constraint.rawValue] as! [String: Any]
        let optimizer = try ThresholdOptimizer.fit(scores: scores, labels: labels, groups: groups, constraint: constraint)
        #expect(abs(optimizer.bestX - (expected["x_best"] as! NSNumber).doubleValue) < 1e-12)
        let theirs = (expected["positive_probability"] as! [NSNumber]).map(\.doubleValue)
        let ours = zip(scores, groups).map { optimizer.positiveProbability(score: $0, group: $1)! }
        let worst = zip(ours, theirs).map { abs($0 - $1) }.max()!
        #expect(worst <= 1e-9, "largest difference from fairlearn: \(worst)")
    }

    /// What the mitigation is for: the constrained disparity shrinks, and the soft counts of a
    /// 0/1 decision are the ordinary counts.
    @Test func mitigationNarrowsTheGapItTargets() throws {
        let before = GroupFairness.classification(truth: labels, positiveProbability: scores.map { $0 > 0.5 ? 1 : 0 }, sensitive: [groups.map { $0[0] }])
        let hard = GroupFairness.classification(truth: labels.map { $0 ? "1" : "0" }, predicted: scores.map { $0 > 0.5 ? "1" : "0" },
                                                positive: "1", sensitive: [groups.map { $0[0] }])
        #expect(before.demographicParityDifference == hard.demographicParityDifference)
        for constraint in ThresholdOptimizer.Constraint.allCases {
            let optimizer = try ThresholdOptimizer.fit(scores: scores, labels: labels, groups: groups, constraint: constraint)
            let after = GroupFairness.classification(truth: labels, positiveProbability: zip(scores, groups).map { optimizer.positiveProbability(score: $0, group: $1)! },
                                                     sensitive: [groups.map { $0[0] }])
            switch constraint {
            case .demographicParity:
                #expect(after.demographicParityDifference! < 1e-9 && before.demographicParityDifference! > 0.05)
            case .equalizedOdds:
                #expect(after.equalizedOddsDifference! < 1e-9 && before.equalizedOddsDifference! > 0.05)
            }
        }
    }

    @Test func aGroupWithOneLabelIsRefusedByName() {
        #expect(throws: ThresholdOptimizer.Failure.degenerateLabels(group: ["b"])) {
            try ThresholdOptimizer.fit(scores: [0.1, 0.9, 0.4, 0.6], labels: [false, true, true, true], groups: [["a"], ["a"], ["b"], ["b"]],
                                       constraint: .demographicParity)
        }
    }
}
