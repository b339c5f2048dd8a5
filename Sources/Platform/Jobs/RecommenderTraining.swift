import Datasets
import Foundation
import Learners
import Tensor

/// Interactions read from a table: `user` and `item` ids, a strength per pair (a rating, a
/// weight or a count; 1 without one), and when each happened (to hold out each user's last).
struct Interactions {
    var users: [String] = [], items: [String] = []
    var userIndex: [String: Int] = [:], itemIndex: [String: Int] = [:]
    /// One per distinct (user, item): explicit ratings keep the last, implicit strengths add up.
    var ratings: [Rating] = []
    /// Per rating, its time order key (the row number without a timestamp column).
    var order: [Double] = []
    var hasTimestamps = false

    /// `strength` names the rating or weight column; without it, `rating` or `weight` if the
    /// table has one, else every interaction counts 1.
    init(_ table: DataTable, strength: String?, implicit: Bool) throws {
        guard let user = table.column(named: "user"), let item = table.column(named: "item") else {
            throw PlatformError.invalid(field: "dataset", message: "a recommender trains on interactions with 'user' and 'item' columns (and an optional rating or weight, and timestamp); this table has \(table.columnNames.joined(separator: ", "))")
        }
        let strengthName = strength ?? ["rating", "weight"].first { table.column(named: $0) != nil }
        var values = [Double](repeating: 1, count: table.rowCount)
        if let strengthName {
            guard let column = table.column(named: strengthName) else {
                throw PlatformError.invalid(field: "target", message: "names the rating or weight column; the table has no '\(strengthName)' (it has \(table.columnNames.joined(separator: ", ")))")
            }
            guard case .numeric(let numbers) = column.data else {
                throw PlatformError.invalid(field: "target", message: "'\(strengthName)' must hold numbers (a rating, a weight or a count)")
            }
            values = numbers
        }
        var times: [Double]? = nil
        if let timestamp = table.column(named: "timestamp") {
            hasTimestamps = true
            switch timestamp.data {
            case .numeric(let numbers): times = numbers
            case .text(let texts):
                // ISO 8601 text orders as its instants do: rank the distinct texts.
                let ranks = Dictionary(Set(texts.compactMap { $0 }).sorted().enumerated().map { ($1, Double($0)) }, uniquingKeysWith: { a, _ in a })
                times = texts.map { $0.flatMap { ranks[$0] } ?? .nan }
            }
        }
        var pair: [Int: Int] = [:]  // user << 32 | item -> index in ratings
        for row in 0..<table.rowCount {
            guard let u = user.data.string(at: row), let i = item.data.string(at: row) else {
                throw PlatformError.invalid(field: "dataset", message: "row \(row + 1) has no user or no item")
            }
            guard values[row].isFinite else {
                throw PlatformError.invalid(field: "target", message: "row \(row + 1): '\(strengthName ?? "rating")' is missing or not a finite number")
            }
            if implicit && values[row] < 0 {
                throw PlatformError.invalid(field: "target", message: "row \(row + 1): implicit feedback needs a weight ≥ 0, got \(values[row])")
            }
            let ui = userIndex[u] ?? { userIndex[u] = users.count; users.append(u); return users.count - 1 }()
            let ii = itemIndex[i] ?? { itemIndex[i] = items.count; items.append(i); return items.count - 1 }()
            let when = times.map { $0[row].isNaN ? Double(row) : $0[row] } ?? Double(row)
            let key = ui << 32 | ii
            if let existing = pair[key] {
                ratings[existing].value = implicit ? ratings[existing].value + values[row] : values[row]
                order[existing] = max(order[existing], when)
            } else {
                pair[key] = ratings.count
                ratings.append(Rating(user: ui, item: ii, value: values[row]))
                order.append(when)
            }
        }
        guard !ratings.isEmpty else { throw PlatformError.invalid(field: "dataset", message: "holds no interactions") }
    }
}

extension ModelTraining {
    /// The ranking metrics' cut-off.
    static let recommendationK = 10

    /// ALS on an interactions table. Each user with two or more items has one held out (their
    /// last by `timestamp`, else one drawn with `seed`); the model fitted on the rest ranks
    /// every item the user has not seen, and precision, recall, NDCG and MAP at 10 of those
    /// rankings (and RMSE of the held-out ratings, for explicit feedback) are reported. The saved
    /// model is then fitted on every interaction.
    static func trainRecommender(_ spec: LearnerSpec, table: DataTable, strength: String?, scheme: HeldOutScheme, seed: UInt64,
                                 lineage: [String: String], hooks: TrainingHooks, output: ArtifactOutput) throws -> TrainingOutcome {
        if case .kFold = scheme {
            throw PlatformError.invalid(field: "validation", message: "a recommender is validated by holding out each user's last interaction; k-fold does not apply")
        }
        let data = try Interactions(table, strength: strength, implicit: spec.implicit ?? false)
        var byUser: [Int: [Int]] = [:]
        for (index, rating) in data.ratings.enumerated() { byUser[rating.user, default: []].append(index) }
        var rng = SeededGenerator(seed: seed)
        var heldOut = Set<Int>()
        for user in byUser.keys.sorted() where byUser[user]!.count >= 2 {
            let indices = byUser[user]!
            if data.hasTimestamps {
                heldOut.insert(indices.max { (data.order[$0], $0) < (data.order[$1], $1) }!)
            } else {
                heldOut.insert(indices[Int(Double(rng.nextUniform()) * Double(indices.count)) % indices.count])
            }
        }
        let training = data.ratings.indices.filter { !heldOut.contains($0) }.map { data.ratings[$0] }
        hooks.log("fitting matrix_factorization on \(training.count) interactions (\(data.users.count) users, \(data.items.count) items); holding out \(heldOut.count), \(data.hasTimestamps ? "each user's last by timestamp" : "one per user at random")")
        let start = Date()
        var model = MatrixFactorization(spec)
        try model.fit(training, users: data.users.count, items: data.items.count)
        let fitSeconds = Date().timeIntervalSince(start)
        guard !hooks.shouldStop() else { return TrainingOutcome(metrics: [:], cancelled: true, trainingRows: table.rowCount) }
        var metrics: [String: Double] = [:]
        if !heldOut.isEmpty {
            let k = recommendationK
            var sums = [0.0, 0.0, 0.0, 0.0]
            for index in heldOut {
                let rating = data.ratings[index]
                let ranked = model.recommend(user: rating.user, count: k).map(\.item)
                let relevant: Set<Int> = [rating.item]
                sums[0] += Metrics.precisionAtK(ranked, relevant: relevant, k: k)
                sums[1] += Metrics.recallAtK(ranked, relevant: relevant, k: k)
                sums[2] += Metrics.ndcgAtK(ranked, relevant: relevant, k: k)
                sums[3] += Metrics.averagePrecisionAtK(ranked, relevant: relevant, k: k)
            }
            let n = Double(heldOut.count)
            metrics = ["precision_at_10": sums[0] / n, "recall_at_10": sums[1] / n, "ndcg_at_10": sums[2] / n, "map_at_10": sums[3] / n,
                       "users_evaluated": n]
            if spec.implicit != true {
                let test = heldOut.sorted().map { data.ratings[$0] }
                metrics["rmse"] = Metrics.rootMeanSquaredError(test.map(\.value), test.map { model.predict(user: $0.user, item: $0.item) })
            }
        }
        hooks.log("refitting on all \(data.ratings.count) interactions")
        try model.fit(data.ratings, users: data.users.count, items: data.items.count)
        hooks.log(String(format: "fitted twice in %.3f s", Date().timeIntervalSince(start)))
        // The fit on the held-out split alone, comparable with a peer's fit on the same split.
        metrics["fit_seconds"] = fitSeconds
        try output(try RecommenderArtifact(learner: spec, users: data.users, items: data.items, metrics: metrics, lineage: lineage).files(model))
        return TrainingOutcome(metrics: metrics, cancelled: false, trainingRows: table.rowCount)
    }
}
