import ArgumentParser
import Datasets
import Foundation
import Learners
import Platform
import Tensor

extension Predict {
    func forecast() throws {
        let forecaster: Forecaster
        let result: Forecaster.Result
        do {
            forecaster = try Forecaster(directory: self.model)
            result = try forecaster.forecast(series: series, horizon: steps ?? forecaster.defaultHorizon, levels: [0.95])
        } catch let error as PlatformError { throw CommandFailure("\(error)") }
        print("timestamp\tforecast\tlower_95\tupper_95")
        for (h, value) in result.values.enumerated() {
            let stamp: String
            switch result.timestamps[h] {
            case .number(let n): stamp = n == n.rounded() ? String(Int64(n)) : String(n)
            case .text(let t): stamp = t
            }
            let interval = result.intervals[0]
            print("\(stamp)\t\(String(format: "%.4f", value))\t\(String(format: "%.4f", interval.lower[h]))\t\(String(format: "%.4f", interval.upper[h]))")
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
