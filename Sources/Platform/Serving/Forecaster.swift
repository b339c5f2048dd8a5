import Datasets
import Foundation
import Learners

/// A loaded forecaster: one fitted model per series, found by series id, with the time axis
/// that labels each forecast step.
public struct Forecaster: Sendable {
    public let artifact: ForecasterArtifact
    let models: [SeriesModel]
    let index: [String: Int]
    /// The longest horizon one request may ask for.
    public static let maximumHorizon = 10_000
    /// The most interval levels one request may ask for.
    public static let maximumLevels = 10

    /// Loads a forecaster artifact folder (`maas predict`).
    public init(directory: String) throws {
        self.init(try ForecasterArtifact.load(from: directory))
    }

    /// The horizon a request gets when it names none: the one validation scored.
    public var defaultHorizon: Int { artifact.learner.horizon ?? artifact.learner.seasonLength ?? 12 }

    init(_ loaded: (artifact: ForecasterArtifact, models: [SeriesModel])) {
        artifact = loaded.artifact
        models = loaded.models
        index = Dictionary(artifact.series.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
    }

    public struct Interval: Sendable {
        public var level: Double
        public var lower: [Double]
        public var upper: [Double]
    }

    public struct Result: Sendable {
        public var series: String
        public var timestamps: [TimeAxis.Timestamp]
        public var values: [Double]
        public var intervals: [Interval]
    }

    /// The next `horizon` points of `series` (which may be left out when the model has one
    /// series) with a prediction interval at each of `levels`.
    public func forecast(series: String?, horizon: Int, levels: [Double]) throws -> Result {
        guard (1...Self.maximumHorizon).contains(horizon) else {
            throw PlatformError.invalid(field: "horizon", message: "must be an integer from 1 to \(Self.maximumHorizon), got \(horizon)")
        }
        guard levels.count <= Self.maximumLevels else {
            throw PlatformError.invalid(field: "intervals", message: "may hold at most \(Self.maximumLevels) levels, got \(levels.count)")
        }
        for (i, level) in levels.enumerated() where !(level > 0 && level < 1) {
            throw PlatformError.invalid(field: "intervals[\(i)]", message: "must be a coverage between 0 and 1 (0.8, 0.95), got \(level)")
        }
        let position: Int
        if let series {
            guard let found = index[series] else {
                throw PlatformError.invalid(field: "series", message: "no series '\(series.prefix(100))' in this model; it forecasts \(describeSeries())")
            }
            position = found
        } else {
            guard models.count == 1 else {
                throw PlatformError.invalid(field: "series", message: "is required: this model forecasts \(describeSeries())")
            }
            position = 0
        }
        let entry = artifact.series[position]
        let path = models[position].forecastPath(horizon)
        let timestamps = entry.axis?.future(horizon) ?? (1...horizon).map { .number(Double(entry.points + $0)) }
        let intervals = levels.map { level in
            let (lower, upper) = path.interval(level)
            return Interval(level: level, lower: lower, upper: upper)
        }
        return Result(series: entry.id, timestamps: timestamps, values: path.values, intervals: intervals)
    }

    private func describeSeries() -> String {
        let ids = artifact.series.prefix(10).map { "'\($0.id)'" }.joined(separator: ", ")
        return "\(artifact.series.count) series (\(ids)\(artifact.series.count > 10 ? ", …" : ""))"
    }
}
