import Tensor

/// Row indices for training and evaluation.
public struct Fold: Sendable, Equatable {
    public var train: [Int]
    public var test: [Int]
    public init(train: [Int], test: [Int]) { self.train = train; self.test = test }
}

/// Train/validation/test splits and cross-validation schemes. Unshuffled k-fold and stratified
/// k-fold assign folds exactly as scikit-learn's `KFold` / `StratifiedKFold(shuffle=False)`
/// (what `cross_val_score(cv=5)` uses), so scores can be compared fold for fold.
public enum Splits {
    /// A seeded split holding out `testFraction`; stratified by `labels` when given.
    public static func trainTest(count: Int, testFraction: Double, labels: [Int]? = nil, seed: UInt64) -> Fold {
        var rng = SeededGenerator(seed: seed)
        guard let labels else {
            var order = Array(0..<count)
            order.shuffle(using: &rng)
            let testCount = Int((Double(count) * testFraction).rounded(.up))
            return Fold(train: Array(order[testCount...]).sorted(), test: Array(order[..<testCount]).sorted())
        }
        var train: [Int] = [], test: [Int] = []
        for cls in Set(labels).sorted() {
            var members = labels.indices.filter { labels[$0] == cls }
            members.shuffle(using: &rng)
            let held = Int((Double(members.count) * testFraction).rounded())
            test += members[..<held]
            train += members[held...]
        }
        return Fold(train: train.sorted(), test: test.sorted())
    }

    /// Train, validation and test sets (validation and test fractions of the whole).
    public static func trainValidationTest(count: Int, validation: Double, test: Double, labels: [Int]? = nil, seed: UInt64)
        -> (train: [Int], validation: [Int], test: [Int]) {
        let first = trainTest(count: count, testFraction: test, labels: labels, seed: seed)
        let rest = first.train
        let second = trainTest(count: rest.count, testFraction: validation / max(1 - test, 1e-9),
                               labels: labels.map { l in rest.map { l[$0] } }, seed: seed &+ 1)
        return (second.train.map { rest[$0] }, second.test.map { rest[$0] }, first.test)
    }

    /// Contiguous folds; the first `count % k` folds hold one extra row. Shuffled first when `seed` is given.
    public static func kFold(count: Int, k: Int, seed: UInt64? = nil) -> [Fold] {
        var order = Array(0..<count)
        if let seed { var rng = SeededGenerator(seed: seed); order.shuffle(using: &rng) }
        var folds: [Fold] = []
        var start = 0
        for fold in 0..<k {
            let size = count / k + (fold < count % k ? 1 : 0)
            let test = Array(order[start..<(start + size)])
            let testSet = Set(test)
            folds.append(Fold(train: order.filter { !testSet.contains($0) }.sorted(), test: test.sorted()))
            start += size
        }
        return folds
    }

    /// scikit-learn's StratifiedKFold: classes numbered in order of first appearance, each
    /// class's rows dealt to folds in blocks so every fold keeps the class proportions.
    public static func stratifiedKFold(labels: [Int], k: Int, seed: UInt64? = nil) -> [Fold] {
        var firstSeen: [Int: Int] = [:]
        for label in labels where firstSeen[label] == nil { firstSeen[label] = firstSeen.count }
        let encoded = labels.map { firstSeen[$0]! }
        let classes = firstSeen.count
        let sorted = encoded.sorted()
        // allocation[fold][class] = count of that class among sorted[fold], sorted[fold + k], …
        var allocation = Array(repeating: Array(repeating: 0, count: classes), count: k)
        for fold in 0..<k { for i in stride(from: fold, to: sorted.count, by: k) { allocation[fold][sorted[i]] += 1 } }
        var rng = seed.map { SeededGenerator(seed: $0) }
        var testFold = Array(repeating: 0, count: labels.count)
        for cls in 0..<classes {
            var folds: [Int] = []
            for fold in 0..<k { folds += Array(repeating: fold, count: allocation[fold][cls]) }
            if rng != nil { folds.shuffle(using: &rng!) }
            var next = 0
            for i in labels.indices where encoded[i] == cls { testFold[i] = folds[next]; next += 1 }
        }
        return (0..<k).map { fold in
            Fold(train: labels.indices.filter { testFold[$0] != fold }, test: labels.indices.filter { testFold[$0] == fold })
        }
    }

    public static func leaveOneOut(count: Int) -> [Fold] {
        (0..<count).map { i in Fold(train: Array(0..<i) + Array((i + 1)..<count), test: [i]) }
    }

    /// Bootstrap resamples: `train` draws `count` rows with replacement; `test` is the rows never
    /// drawn (out of bag), on which a model is scored.
    public static func bootstrap(count: Int, iterations: Int, seed: UInt64) -> [Fold] {
        var rng = SeededGenerator(seed: seed)
        return (0..<iterations).map { _ in
            let sample = (0..<count).map { _ in Int(rng.next() % UInt64(count)) }
            let drawn = Set(sample)
            return Fold(train: sample, test: (0..<count).filter { !drawn.contains($0) })
        }
    }
}
