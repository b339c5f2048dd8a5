import Foundation

/// Evaluation metrics, matching scikit-learn's definitions (zero_division = 0).
public enum Metrics {
    // MARK: Classification

    public static func accuracy(_ truth: [Int], _ predicted: [Int]) -> Double {
        guard !truth.isEmpty else { return 0 }
        return Double(zip(truth, predicted).filter { $0 == $1 }.count) / Double(truth.count)
    }

    /// counts[t][p]: rows of class t predicted as p.
    public static func confusionMatrix(_ truth: [Int], _ predicted: [Int], classes: Int) -> [[Int]] {
        var m = Array(repeating: Array(repeating: 0, count: classes), count: classes)
        for (t, p) in zip(truth, predicted) { m[t][p] += 1 }
        return m
    }

    public enum Average: String, Sendable, CaseIterable { case macro, micro, weighted }

    public struct ClassScores: Sendable, Equatable {
        public var precision: [Double], recall: [Double], f1: [Double], support: [Int]
    }

    public static func perClass(_ truth: [Int], _ predicted: [Int], classes: Int) -> ClassScores {
        let m = confusionMatrix(truth, predicted, classes: classes)
        var scores = ClassScores(precision: [], recall: [], f1: [], support: [])
        for c in 0..<classes {
            let tp = Double(m[c][c])
            let predictedC = Double((0..<classes).reduce(0) { $0 + m[$1][c] })
            let actualC = m[c].reduce(0, +)
            let p = predictedC > 0 ? tp / predictedC : 0, r = actualC > 0 ? tp / Double(actualC) : 0
            scores.precision.append(p)
            scores.recall.append(r)
            scores.f1.append(p + r > 0 ? 2 * p * r / (p + r) : 0)
            scores.support.append(actualC)
        }
        return scores
    }

    /// Averaged precision, recall and F1 over classes.
    public static func precisionRecallF1(_ truth: [Int], _ predicted: [Int], classes: Int, average: Average)
        -> (precision: Double, recall: Double, f1: Double) {
        let s = perClass(truth, predicted, classes: classes)
        switch average {
        case .macro:
            let n = Double(classes)
            return (s.precision.reduce(0, +) / n, s.recall.reduce(0, +) / n, s.f1.reduce(0, +) / n)
        case .weighted:
            let total = Double(s.support.reduce(0, +))
            func weighted(_ v: [Double]) -> Double { zip(v, s.support).reduce(0) { $0 + $1.0 * Double($1.1) } / max(total, 1) }
            return (weighted(s.precision), weighted(s.recall), weighted(s.f1))
        case .micro:
            let a = accuracy(truth, predicted)  // micro P = R = F1 = accuracy for single-label data
            return (a, a, a)
        }
    }

    /// Area under the ROC curve of scores for the positive class (ties averaged).
    public static func rocAUC(_ truth: [Bool], _ scores: [Double]) -> Double {
        let positives = truth.filter { $0 }.count, negatives = truth.count - positives
        guard positives > 0, negatives > 0 else { return .nan }
        // Mann–Whitney U with average ranks for ties.
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        var ranks = [Double](repeating: 0, count: scores.count)
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && scores[order[j + 1]] == scores[order[i]] { j += 1 }
            let rank = Double(i + j) / 2 + 1
            for k in i...j { ranks[order[k]] = rank }
            i = j + 1
        }
        let positiveRankSum = truth.indices.filter { truth[$0] }.reduce(0) { $0 + ranks[$1] }
        return (positiveRankSum - Double(positives * (positives + 1)) / 2) / Double(positives * negatives)
    }

    /// One-vs-rest ROC-AUC over classes (probabilities [rows][classes]), macro or weighted by support.
    public static func rocAUCOneVsRest(_ truth: [Int], _ probabilities: [[Double]], average: Average = .macro) -> Double {
        let classes = probabilities.first?.count ?? 0
        var total = 0.0, weightTotal = 0.0
        for c in 0..<classes {
            let auc = rocAUC(truth.map { $0 == c }, probabilities.map { $0[c] })
            let weight = average == .weighted ? Double(truth.filter { $0 == c }.count) : 1
            total += auc * weight
            weightTotal += weight
        }
        return total / weightTotal
    }

    /// Mean negative log-likelihood, probabilities clipped to [ε, 1 − ε] and renormalised per row.
    public static func logLoss(_ truth: [Int], _ probabilities: [[Double]], epsilon: Double = 2.220446049250313e-16) -> Double {
        var total = 0.0
        for (t, row) in zip(truth, probabilities) {
            let clipped = row.map { min(max($0, epsilon), 1 - epsilon) }
            total -= log(clipped[t] / clipped.reduce(0, +))
        }
        return total / Double(max(truth.count, 1))
    }

    // MARK: Regression

    public static func meanSquaredError(_ truth: [Double], _ predicted: [Double]) -> Double {
        zip(truth, predicted).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } / Double(max(truth.count, 1))
    }

    public static func rootMeanSquaredError(_ truth: [Double], _ predicted: [Double]) -> Double {
        meanSquaredError(truth, predicted).squareRoot()
    }

    public static func meanAbsoluteError(_ truth: [Double], _ predicted: [Double]) -> Double {
        zip(truth, predicted).reduce(0) { $0 + Swift.abs($1.0 - $1.1) } / Double(max(truth.count, 1))
    }

    public static func r2(_ truth: [Double], _ predicted: [Double]) -> Double {
        let mean = truth.reduce(0, +) / Double(max(truth.count, 1))
        let total = truth.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        let residual = zip(truth, predicted).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
        return total > 0 ? 1 - residual / total : (residual == 0 ? 1 : 0)
    }

    // MARK: Recommendation (one user's ranked list against their relevant items)

    public static func precisionAtK(_ recommended: [Int], relevant: Set<Int>, k: Int) -> Double {
        guard k > 0 else { return 0 }
        return Double(recommended.prefix(k).filter(relevant.contains).count) / Double(k)
    }

    public static func recallAtK(_ recommended: [Int], relevant: Set<Int>, k: Int) -> Double {
        guard !relevant.isEmpty else { return 0 }
        return Double(recommended.prefix(k).filter(relevant.contains).count) / Double(relevant.count)
    }

    /// NDCG@k with binary relevance: DCG = Σ rel_i / log2(i + 2).
    public static func ndcgAtK(_ recommended: [Int], relevant: Set<Int>, k: Int) -> Double {
        let dcg = recommended.prefix(k).enumerated().reduce(0.0) { $0 + (relevant.contains($1.element) ? 1 / log2(Double($1.offset + 2)) : 0) }
        let ideal = (0..<min(k, relevant.count)).reduce(0.0) { $0 + 1 / log2(Double($1 + 2)) }
        return ideal > 0 ? dcg / ideal : 0
    }

    /// MAP@k's per-user term: the mean of precision@i over the ranks i ≤ k that hold a relevant
    /// item, divided by min(k, |relevant|) (as `implicit`'s and recmetrics' definition).
    public static func averagePrecisionAtK(_ recommended: [Int], relevant: Set<Int>, k: Int) -> Double {
        guard !relevant.isEmpty, k > 0 else { return 0 }
        var hits = 0, sum = 0.0
        for (i, item) in recommended.prefix(k).enumerated() where relevant.contains(item) {
            hits += 1
            sum += Double(hits) / Double(i + 1)
        }
        return sum / Double(min(k, relevant.count))
    }

    // MARK: Forecasting

    /// Mean absolute percentage error, as a fraction (scikit-learn's definition, ε-guarded).
    public static func meanAbsolutePercentageError(_ truth: [Double], _ predicted: [Double]) -> Double {
        zip(truth, predicted).reduce(0) { $0 + Swift.abs($1.0 - $1.1) / max(Swift.abs($1.0), 2.220446049250313e-16) } / Double(max(truth.count, 1))
    }

    /// Symmetric MAPE: mean of 2|y − ŷ| / (|y| + |ŷ|), as a fraction (0 when both are 0).
    public static func symmetricMAPE(_ truth: [Double], _ predicted: [Double]) -> Double {
        zip(truth, predicted).reduce(0) { total, pair in
            let denominator = Swift.abs(pair.0) + Swift.abs(pair.1)
            return total + (denominator > 0 ? 2 * Swift.abs(pair.0 - pair.1) / denominator : 0)
        } / Double(max(truth.count, 1))
    }

    /// Mean absolute scaled error: MAE over the in-sample MAE of the seasonal naive forecast.
    public static func meanAbsoluteScaledError(_ truth: [Double], _ predicted: [Double], training: [Double], seasonality: Int = 1) -> Double {
        guard training.count > seasonality else { return .nan }
        let naive = (seasonality..<training.count).reduce(0.0) { $0 + Swift.abs(training[$1] - training[$1 - seasonality]) }
            / Double(training.count - seasonality)
        return meanAbsoluteError(truth, predicted) / naive
    }
}
