/// How a model treats groups of people: per-group metrics and the disparities between groups,
/// defined as fairlearn defines them (`MetricFrame` by group, `demographic_parity_difference`
/// and `_ratio`, `equalized_odds_difference`, `equal_opportunity_difference`, each "between
/// groups": the largest group value minus the smallest, or the smallest over the largest).
public enum GroupFairness {
    /// One group's counts and metrics. Classification fills the first set, regression the second.
    public struct GroupMetrics: Sendable, Equatable {
        public var count: Int
        public var selectionRate: Double?
        public var accuracy: Double?
        public var precision: Double?
        /// True positive rate.
        public var recall: Double?
        public var falsePositiveRate: Double?
        public var meanPrediction: Double?
        public var meanAbsoluteError: Double?
    }

    /// Metrics per group (groups named by their values, one per sensitive column), overall, and
    /// the disparities between the groups (classification only).
    public struct Report: Sendable {
        public var groups: [(group: [String], metrics: GroupMetrics)]
        public var overall: GroupMetrics
        public var demographicParityDifference: Double?
        public var demographicParityRatio: Double?
        public var equalizedOddsDifference: Double?
        public var equalOpportunityDifference: Double?
    }

    /// Binary classification: `positive` is the label counted as selected. Groups are the
    /// distinct combinations of the sensitive values (one column: its values; several: their
    /// intersections), in sorted order.
    public static func classification(truth: [String], predicted: [String], positive: String, sensitive: [[String]]) -> Report {
        classification(truth: truth.map { $0 == positive }, positiveProbability: predicted.map { $0 == positive ? 1 : 0 }, sensitive: sensitive)
    }

    /// Binary classification with randomized decisions (a threshold optimizer's): each row is
    /// selected with a probability, and the counts are their expectations. With 0/1
    /// probabilities these are the ordinary counts, exactly.
    public static func classification(truth: [Bool], positiveProbability: [Double], sensitive: [[String]]) -> Report {
        let groups = grouped(rows: truth.count, sensitive: sensitive)
        func metrics(_ rows: [Int]) -> GroupMetrics {
            var tp = 0.0, fp = 0.0, tn = 0.0, fn = 0.0
            for r in rows {
                let p = positiveProbability[r]
                if truth[r] { tp += p; fn += 1 - p } else { fp += p; tn += 1 - p }
            }
            let n = Double(rows.count)
            // scikit-learn's zero_division: a ratio with nothing to divide is 0.
            func ratio(_ a: Double, _ b: Double) -> Double { b == 0 ? 0 : a / b }
            return GroupMetrics(count: rows.count, selectionRate: (tp + fp) / n, accuracy: (tp + tn) / n,
                                precision: ratio(tp, tp + fp), recall: ratio(tp, tp + fn), falsePositiveRate: ratio(fp, fp + tn))
        }
        let measured = groups.map { (group: $0.key, metrics: metrics($0.rows)) }
        func spread(_ value: (GroupMetrics) -> Double?) -> (difference: Double, ratio: Double) {
            let values = measured.compactMap { value($0.metrics) }
            let (low, high) = (values.min() ?? 0, values.max() ?? 0)
            return (high - low, high == 0 ? 0 : low / high)
        }
        let selection = spread(\.selectionRate), tpr = spread(\.recall), fpr = spread(\.falsePositiveRate)
        return Report(groups: measured, overall: metrics(Array(truth.indices)),
                      demographicParityDifference: selection.difference, demographicParityRatio: selection.ratio,
                      equalizedOddsDifference: max(tpr.difference, fpr.difference), equalOpportunityDifference: tpr.difference)
    }

    /// Regression: each group's mean prediction and mean absolute error.
    public static func regression(truth: [Double], predicted: [Double], sensitive: [[String]]) -> Report {
        func metrics(_ rows: [Int]) -> GroupMetrics {
            let n = Double(rows.count)
            return GroupMetrics(count: rows.count, meanPrediction: rows.reduce(0) { $0 + predicted[$1] } / n,
                                meanAbsoluteError: rows.reduce(0) { $0 + abs(truth[$1] - predicted[$1]) } / n)
        }
        let groups = grouped(rows: truth.count, sensitive: sensitive).map { (group: $0.key, metrics: metrics($0.rows)) }
        return Report(groups: groups, overall: metrics(Array(truth.indices)))
    }

    /// Row indices by group, groups in sorted order of their values.
    public static func grouped(rows: Int, sensitive: [[String]]) -> [(key: [String], rows: [Int])] {
        var byKey: [[String]: [Int]] = [:]
        for r in 0..<rows { byKey[sensitive.map { $0[r] }, default: []].append(r) }
        return byKey.map { (key: $0.key, rows: $0.value) }.sorted { $0.key.lexicographicallyPrecedes($1.key) }
    }
}
