import ArgumentParser
import Datasets
import Foundation
import Learners
import Tensor

extension Train {
    /// Fits Holt-Winters on the `target` column, reports forecast errors on the last season held
    /// out, and saves the model refitted on the whole series.
    func trainForecaster(_ spec: LearnerSpec, target: String) throws {
        let table = try readTable(data)
        guard case .numeric(let series)? = table.column(named: target)?.data else {
            throw CommandFailure("target: '\(target)' must be a numeric column of \(data); columns: \(table.columnNames.joined(separator: ", "))")
        }
        let m = spec.seasonLength ?? 12
        let seasonality: HoltWinters.Seasonality = spec.seasonal == "multiplicative" ? .multiplicative : .additive
        let history = Array(series.dropLast(m)), held = Array(series.suffix(m))
        var model = HoltWinters(seasonLength: m, seasonality: seasonality)
        try model.fit(history)
        let predicted = model.forecast(m).map(\.value)
        let metrics = ["mae": Metrics.meanAbsoluteError(held, predicted), "mape": Metrics.meanAbsolutePercentageError(held, predicted),
                       "smape": Metrics.symmetricMAPE(held, predicted),
                       "mase": Metrics.meanAbsoluteScaledError(held, predicted, training: history, seasonality: m)]
        print("holt_winters (\(seasonality.rawValue), season \(m)) on \(series.count) points; last \(m) held out:")
        for name in metrics.keys.sorted() { print("  \(name): \(String(format: "%.4f", metrics[name]!))") }
        try model.fit(series)
        try ForecasterArtifact(learner: spec, target: target, metrics: metrics, lineage: ["data": data]).save(model, to: output)
        print("wrote \(output)")
    }

    /// Fits ALS on (user, item[, rating]) rows; 10% of rows are held out to report RMSE
    /// (explicit) or precision@10 (implicit) before the model is refitted on every row.
    func trainRecommender(_ spec: LearnerSpec, ratingColumn: String?) throws {
        let table = try readTable(data)
        guard let users = table.column(named: "user"), let items = table.column(named: "item") else {
            throw CommandFailure("matrix_factorization needs 'user' and 'item' columns; \(data) has \(table.columnNames.joined(separator: ", "))")
        }
        var ratingValues = [Double](repeating: 1, count: table.rowCount)
        if let ratingColumn, ratingColumn != "none" {
            guard case .numeric(let values)? = table.column(named: ratingColumn)?.data else {
                throw CommandFailure("target: '\(ratingColumn)' must be a numeric rating column")
            }
            ratingValues = values
        }
        var userIndex: [String: Int] = [:], itemIndex: [String: Int] = [:], userIds: [String] = [], itemIds: [String] = []
        var ratings: [Rating] = []
        for row in 0..<table.rowCount {
            guard let u = users.data.string(at: row), let i = items.data.string(at: row), ratingValues[row].isFinite else {
                throw CommandFailure("\(data): row \(row + 1) lacks a user, item or rating")
            }
            if userIndex[u] == nil { userIndex[u] = userIds.count; userIds.append(u) }
            if itemIndex[i] == nil { itemIndex[i] = itemIds.count; itemIds.append(i) }
            ratings.append(Rating(user: userIndex[u]!, item: itemIndex[i]!, value: ratingValues[row]))
        }
        var rng = SeededGenerator(seed: seed ?? spec.seed ?? 0)
        let heldOut = Set((0..<ratings.count).filter { _ in rng.nextUniform() < 0.1 })
        let training = ratings.indices.filter { !heldOut.contains($0) }.map { ratings[$0] }
        let test = heldOut.sorted().map { ratings[$0] }
        var model = MatrixFactorization(spec)
        try model.fit(training, users: userIds.count, items: itemIds.count)
        var metrics: [String: Double] = [:]
        if spec.implicit == true {
            var byUser: [Int: Set<Int>] = [:]
            for r in test { byUser[r.user, default: []].insert(r.item) }
            let precisions = byUser.map { Metrics.precisionAtK(model.recommend(user: $0.key, count: 10).map(\.item), relevant: $0.value, k: 10) }
            metrics["precision_at_10"] = precisions.reduce(0, +) / Double(max(precisions.count, 1))
        } else {
            metrics["rmse"] = Metrics.rootMeanSquaredError(test.map(\.value), test.map { model.predict(user: $0.user, item: $0.item) })
        }
        print("matrix_factorization on \(ratings.count) rows (\(userIds.count) users, \(itemIds.count) items); \(test.count) held out:")
        for name in metrics.keys.sorted() { print("  \(name): \(String(format: "%.4f", metrics[name]!))") }
        try model.fit(ratings, users: userIds.count, items: itemIds.count)
        try RecommenderArtifact(learner: spec, users: userIds, items: itemIds, metrics: metrics, lineage: ["data": data]).save(model, to: output)
        print("wrote \(output)")
    }
}

extension Predict {
    func forecast() throws {
        let (_, model) = try ForecasterArtifact.load(from: self.model)
        let steps = self.steps ?? model.seasonLength
        guard (1...10_000).contains(steps) else { throw CommandFailure("--steps must be between 1 and 10000, got \(steps)") }
        print("step\tforecast\tlower_95\tupper_95")
        for (h, f) in model.forecast(steps).enumerated() {
            print("\(h + 1)\t\(String(format: "%.4f", f.value))\t\(String(format: "%.4f", f.lower))\t\(String(format: "%.4f", f.upper))")
        }
    }

    func recommend() throws {
        let (artifact, model) = try RecommenderArtifact.load(from: self.model)
        var users: [String] = user.map { [$0] } ?? []
        if let input {
            let table = try readTable(input)
            guard let column = table.column(named: "user") else { throw CommandFailure("\(input) needs a 'user' column") }
            users += (0..<table.rowCount).compactMap { column.data.string(at: $0) }
        }
        guard !users.isEmpty else { throw CommandFailure("give --user ID or --input with a 'user' column") }
        let index = Dictionary(uniqueKeysWithValues: artifact.users.enumerated().map { ($1, $0) })
        for id in users.prefix(limit) {
            guard let u = index[id] else { print("\(id)\t(unknown user)"); continue }
            let items = model.recommend(user: u, count: top).map { "\(artifact.items[$0.item]):\(String(format: "%.3f", $0.score))" }
            print("\(id)\t\(items.joined(separator: " "))")
        }
    }
}
