/// Post-processing for fairness: group-specific (randomized) thresholds on a binary
/// classifier's scores, chosen to maximize accuracy subject to demographic parity or equalized
/// odds — Hardt, Price & Srebro (2016), computed exactly as fairlearn's `ThresholdOptimizer`
/// computes it (prefit, `objective="accuracy_score"`, no flipping), so its decisions can be
/// compared with fairlearn's row by row.
///
/// Per group, every threshold between distinct scores gives a point (x, y) — selection rate
/// and accuracy for demographic parity, false- and true-positive rate for equalized odds; the
/// upper convex hull of those points is what randomizing between two thresholds can reach, and
/// it is read on a grid of x values shared by every group. Demographic parity takes the grid
/// point that maximizes the groups' share-weighted accuracy (every group then selects the same
/// fraction); equalized odds takes the point where every group can reach the lowest group's
/// true-positive rate, mixing in a constant decision where a group could do better.
public struct ThresholdOptimizer: Sendable, Equatable {
    public enum Constraint: String, Sendable, CaseIterable {
        case demographicParity = "demographic_parity"
        case equalizedOdds = "equalized_odds"
    }

    /// One group's randomized rule: P(positive) = p0·[score > threshold0] + p1·[score > threshold1],
    /// then, for equalized odds, blended with a constant: ignore·constant + (1 − ignore)·P.
    public struct GroupRule: Sendable, Equatable {
        public var p0: Double
        public var threshold0: Double
        public var p1: Double
        public var threshold1: Double
        public var ignore: Double
        public var constant: Double

        public func positiveProbability(score: Double) -> Double {
            let mixed = p0 * (score > threshold0 ? 1 : 0) + p1 * (score > threshold1 ? 1 : 0)
            return ignore * constant + (1 - ignore) * mixed
        }
    }

    public enum Failure: Error, CustomStringConvertible, Equatable {
        /// A group whose labels are all one class has no trade-off to choose from.
        case degenerateLabels(group: [String])
        case mismatchedLengths

        public var description: String {
            switch self {
            case .degenerateLabels(let group):
                return "group \(group.joined(separator: ", ")) has only one label class; thresholds need positives and negatives in every group"
            case .mismatchedLengths: return "scores, labels and groups must have one entry per row"
            }
        }
    }

    public var constraint: Constraint
    /// Rules by group (the sensitive values, one per sensitive column).
    public var rules: [[String]: GroupRule]
    /// The chosen x: the common selection rate (demographic parity) or false-positive rate.
    public var bestX: Double

    /// The probability of a positive decision for a row of `group`; nil for a group not seen in fitting.
    public func positiveProbability(score: Double, group: [String]) -> Double? {
        rules[group]?.positiveProbability(score: score)
    }

    /// Fits on scores (the positive class's probability), true labels and each row's group.
    public static func fit(scores: [Double], labels: [Bool], groups: [[String]], constraint: Constraint,
                           gridSize: Int = 1000) throws -> ThresholdOptimizer {
        guard scores.count == labels.count, labels.count == groups.count, !scores.isEmpty else { throw Failure.mismatchedLengths }
        // numpy's linspace(0, 1, gridSize + 1): i·step, the last point exactly 1.
        let step = 1.0 / Double(gridSize)
        let grid = (0...gridSize).map { $0 == gridSize ? 1.0 : Double($0) * step }
        var byGroup: [[String]: [Int]] = [:]
        for (row, group) in groups.enumerated() { byGroup[group, default: []].append(row) }
        let keys = byGroup.keys.sorted { $0.lexicographicallyPrecedes($1) }
        var curves: [[String]: [Interpolated]] = [:]
        for key in keys {
            let rows = byGroup[key]!
            let hull = try upperHull(of: tradeoffPoints(scores: rows.map { scores[$0] }, labels: rows.map { labels[$0] },
                                                        constraint: constraint, group: key))
            curves[key] = interpolate(hull, on: grid)
        }
        var rules: [[String]: GroupRule] = [:]
        switch constraint {
        case .demographicParity:
            // Accuracy over everyone when every group selects the same fraction x.
            let n = Double(scores.count)
            var best = 0, bestValue = -Double.infinity
            for j in grid.indices {
                var total = 0.0
                for key in keys { total += Double(byGroup[key]!.count) / n * curves[key]![j].y }
                if total > bestValue { (best, bestValue) = (j, total) }
            }
            for key in keys {
                let point = curves[key]![best]
                rules[key] = GroupRule(p0: point.p0, threshold0: point.threshold0, p1: point.p1, threshold1: point.threshold1, ignore: 0, constant: 0)
            }
            return ThresholdOptimizer(constraint: constraint, rules: rules, bestX: grid[best])
        case .equalizedOdds:
            let positives = Double(labels.count { $0 }), negatives = Double(labels.count) - positives
            let lowest = grid.indices.map { j in keys.map { curves[$0]![j].y }.min()! }
            var best = 0, bestValue = -Double.infinity
            for j in grid.indices {
                // fairlearn's arithmetic, including its rounding to 15 decimals before the argmax.
                let tp = positives * lowest[j], fp = negatives * grid[j], tn = negatives * (1 - grid[j]), fn = positives * (1 - lowest[j])
                let accuracy = (tp + tn) / (tp + tn + fp + fn)
                let rounded = (accuracy * 1e15).rounded(.toNearestOrEven) / 1e15
                if rounded > bestValue { (best, bestValue) = (j, rounded) }
            }
            let (bestX, bestY) = (grid[best], lowest[best])
            for key in keys {
                let point = curves[key]![best]
                let ignore = point.y == point.x ? 0 : (point.y - bestY) / (point.y - point.x)
                rules[key] = GroupRule(p0: point.p0, threshold0: point.threshold0, p1: point.p1, threshold1: point.threshold1,
                                       ignore: ignore, constant: bestX)
            }
            return ThresholdOptimizer(constraint: constraint, rules: rules, bestX: bestX)
        }
    }

    struct Point { var x: Double; var y: Double; var threshold: Double }
    struct Interpolated { var x: Double; var y: Double; var p0: Double; var threshold0: Double; var p1: Double; var threshold1: Double }

    /// One point per threshold: +∞ (nothing selected), then the midpoints between distinct
    /// scores taken from the highest down, the last −∞ (everything selected); sorted by (x, y).
    static func tradeoffPoints(scores: [Double], labels: [Bool], constraint: Constraint, group: [String]) throws -> [Point] {
        let order = scores.indices.sorted { scores[$0] > scores[$1] }
        let n = order.count, positives = labels.count { $0 }, negatives = n - positives
        guard positives > 0, negatives > 0 else { throw Failure.degenerateLabels(group: group) }
        func point(selectedNegatives: Int, selectedPositives: Int, threshold: Double) -> Point {
            switch constraint {
            case .demographicParity:
                return Point(x: Double(selectedNegatives + selectedPositives) / Double(n),
                             y: Double(selectedPositives + negatives - selectedNegatives) / Double(n), threshold: threshold)
            case .equalizedOdds:
                return Point(x: Double(selectedNegatives) / Double(negatives), y: Double(selectedPositives) / Double(positives), threshold: threshold)
            }
        }
        var points = [point(selectedNegatives: 0, selectedPositives: 0, threshold: .infinity)]
        var selected = (negatives: 0, positives: 0)
        var i = 0
        while i < n {
            let score = scores[order[i]]
            while i < n, scores[order[i]] == score {
                if labels[order[i]] { selected.positives += 1 } else { selected.negatives += 1 }
                i += 1
            }
            let next = i < n ? scores[order[i]] : -.infinity
            points.append(point(selectedNegatives: selected.negatives, selectedPositives: selected.positives, threshold: (score + next) / 2))
        }
        // Stable, like pandas' multi-column sort.
        return points.enumerated().sorted { a, b in
            (a.element.x, a.element.y, a.offset) < (b.element.x, b.element.y, b.offset)
        }.map(\.element)
    }

    /// Andrew's monotone chain, upper half; collinear points are dropped as fairlearn drops them.
    static func upperHull(of sorted: [Point]) -> [Point] {
        var hull: [Point] = []
        for p2 in sorted {
            while hull.count >= 2 {
                let p1 = hull[hull.count - 1], p0 = hull[hull.count - 2]
                if (p1.y - p0.y) * (p2.x - p0.x) <= (p2.y - p0.y) * (p1.x - p0.x) { hull.removeLast() } else { break }
            }
            hull.append(p2)
        }
        return hull
    }

    /// The hull read at each grid x: the two hull points around it and their mixing weights.
    static func interpolate(_ hull: [Point], on grid: [Double]) -> [Interpolated] {
        grid.enumerated().map { j, x in
            // searchsorted(side="right") − 1, stepping back where x lands exactly on a hull point.
            var index = (hull.firstIndex { $0.x > x } ?? hull.count) - 1
            if j > 0, x == hull[index].x { index -= 1 }
            index = min(max(index, 0), hull.count - 2)
            let (left, right) = (hull[index], hull[index + 1])
            let p0 = (right.x - x) / (right.x - left.x), p1 = 1 - p0
            return Interpolated(x: x, y: p0 * left.y + p1 * right.y, p0: p0, threshold0: left.threshold, p1: p1, threshold1: right.threshold)
        }
    }
}
