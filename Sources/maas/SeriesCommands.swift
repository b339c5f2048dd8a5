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
