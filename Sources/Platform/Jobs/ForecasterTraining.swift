import Datasets
import Foundation
import Learners
import Tensor

/// Time series read from a table: a value column, an optional `timestamp` column (numbers or
/// ISO 8601 dates; without it, rows are in time order) and an optional `series` column, one
/// model per series id. Each series is ordered by time and must be evenly spaced.
struct SeriesTable {
    struct Series {
        var id: String
        var values: [Double]
        var axis: TimeAxis?
    }

    var series: [Series] = []

    static let seriesColumn = "series", timestampColumn = "timestamp"

    init(_ table: DataTable, value: String) throws {
        guard let valueColumn = table.column(named: value) else {
            throw PlatformError.invalid(field: "target", message: "names the series' value column; the table has no '\(value)' (it has \(table.columnNames.joined(separator: ", ")))")
        }
        guard case .numeric(let values) = valueColumn.data else {
            throw PlatformError.invalid(field: "target", message: "'\(value)' must hold numbers")
        }
        if let bad = values.firstIndex(where: { !$0.isFinite }) {
            throw PlatformError.invalid(field: "dataset", message: "row \(bad + 1): '\(value)' is missing or not a finite number; fill or drop gaps before forecasting")
        }
        var parsed: TimeAxis.Parsed?
        if let timestamps = table.column(named: Self.timestampColumn) {
            parsed = try invalidAsField("dataset") {
                switch timestamps.data {
                case .numeric(let numbers): return try TimeAxis.parse(numbers: numbers, field: Self.timestampColumn)
                case .text(let texts): return try TimeAxis.parse(texts, field: Self.timestampColumn)
                }
            }
        }
        var order: [String] = [], rows: [String: [Int]] = [:]
        let ids = table.column(named: Self.seriesColumn)
        for row in 0..<table.rowCount {
            let id: String
            if let ids {
                guard let text = ids.data.string(at: row), !text.isEmpty else {
                    throw PlatformError.invalid(field: "dataset", message: "row \(row + 1) has no '\(Self.seriesColumn)' id")
                }
                id = text
            } else {
                id = ""
            }
            if rows[id] == nil { order.append(id) }
            rows[id, default: []].append(row)
        }
        guard !order.isEmpty else { throw PlatformError.invalid(field: "dataset", message: "holds no rows") }
        for id in order {
            var indices = rows[id]!
            var axis: TimeAxis?
            if let parsed {
                indices.sort { (parsed.keys[$0], $0) < (parsed.keys[$1], $1) }
                axis = try invalidAsField("dataset") {
                    try TimeAxis.infer(sorted: indices.map { parsed.keys[$0] }, style: parsed.style, series: id)
                }
            }
            series.append(Series(id: id, values: indices.map { values[$0] }, axis: axis))
        }
    }
}

extension ModelTraining {
    /// Holt-Winters or an autoregression, one model per series. Each series is scored by
    /// rolling-origin validation (`origins` cut-offs `horizon` apart, the model refitted at
    /// each), and the saved models are fitted on every point.
    static func trainForecaster(_ spec: LearnerSpec, table: DataTable, value: String?, scheme: HeldOutScheme,
                                lineage: [String: String], hooks: TrainingHooks, output: ArtifactOutput) throws -> TrainingOutcome {
        if case .kFold = scheme {
            throw PlatformError.invalid(field: "validation", message: "a forecaster is validated by rolling origins (spec.horizon, spec.origins); k-fold would train on the future")
        }
        let valueColumn = value.flatMap { $0.isEmpty ? nil : $0 } ?? "value"
        let data = try SeriesTable(table, value: valueColumn)
        let blank = try invalidAsField("spec") { try SeriesModel(spec) }
        let horizon = spec.horizon ?? spec.seasonLength ?? 12, origins = spec.origins ?? 3
        let naivePeriod = SeriesModel.naivePeriod(spec)
        for series in data.series where series.values.count < blank.minimumLength {
            let name = series.id.isEmpty ? "the series" : "series '\(series.id)'"
            throw PlatformError.invalid(field: "dataset", message: "\(name) has \(series.values.count) points; \(spec.algorithm.rawValue) as specified needs at least \(blank.minimumLength)")
        }
        hooks.log("fitting \(spec.algorithm.rawValue) on \(data.series.count) series (\(table.rowCount) points); scoring \(horizon)-step forecasts from up to \(origins) rolling origins")
        let start = Date()
        // One model per series, the series spread over the compute threads.
        var results = [Result<(scores: RollingOrigin.Scores, model: SeriesModel), Error>?](repeating: nil, count: data.series.count)
        results.withUnsafeMutableBufferPointer { slots in
            let slots = slots
            parallelEach(data.series.count) { i in
                if hooks.shouldStop() { return }
                slots[i] = Result {
                    let y = data.series[i].values
                    do {
                        let scores = try RollingOrigin.evaluate(blank, y, horizon: horizon, origins: origins, naivePeriod: naivePeriod)
                        var model = blank
                        try model.fit(y)
                        return (scores, model)
                    } catch let error as DataError {
                        let name = data.series[i].id.isEmpty ? "" : "series '\(data.series[i].id)': "
                        throw PlatformError.invalid(field: error.field == "series" ? "dataset" : "spec.\(error.field)", message: name + error.message)
                    }
                }
            }
        }
        guard !hooks.shouldStop() else { return TrainingOutcome(metrics: [:], cancelled: true, trainingRows: table.rowCount) }
        var total = RollingOrigin.Scores(), models: [SeriesModel] = []
        for result in results {
            let (scores, model) = try result!.get()
            total.add(scores)
            models.append(model)
        }
        let fitSeconds = Date().timeIntervalSince(start)
        var metrics: [String: Double] = ["series": Double(data.series.count), "validation_windows": Double(total.windows), "fit_seconds": fitSeconds]
        if total.windows > 0 {
            let means = total.means
            metrics["smape"] = means.smape
            metrics["mape"] = means.mape
            metrics["mae"] = means.mae
            if total.maseWindows > 0 { metrics["mase"] = means.mase }
        } else {
            hooks.log("no series is long enough to hold out \(horizon) points beyond the \(blank.minimumLength) a fit needs: no validation metrics")
        }
        hooks.log(String(format: "fitted %d series in %.3f s (%d validation windows)", data.series.count, fitSeconds, total.windows))
        let entries = data.series.map { ForecasterArtifact.SeriesEntry(id: $0.id, points: $0.values.count, axis: $0.axis) }
        try output(try ForecasterArtifact(learner: spec, target: valueColumn, series: entries, metrics: metrics, lineage: lineage).files(models))
        return TrainingOutcome(metrics: metrics, cancelled: false, trainingRows: table.rowCount)
    }
}
