import Datasets
import Foundation
import Tensor

/// A forecaster of one series, as a learner spec names it: Holt-Winters or an autoregression.
public enum SeriesModel: Sendable {
    case holtWinters(HoltWinters)
    case autoregressive(AutoRegression)

    /// An unfitted model with the spec's hyperparameters.
    public init(_ spec: LearnerSpec) throws {
        let season = spec.seasonLength ?? 12
        switch spec.algorithm {
        case .holtWinters:
            let seasonality = HoltWinters.Seasonality(rawValue: spec.seasonal ?? "additive") ?? .additive
            self = .holtWinters(HoltWinters(seasonLength: season, seasonality: seasonality, trend: spec.trend != "none",
                                            damped: spec.damped ?? false))
        case .autoregressive:
            // Without a season length, no seasonal lags unless asked for.
            let seasonalLags = spec.seasonalLags ?? (spec.seasonLength == nil ? 0 : 1)
            self = .autoregressive(AutoRegression(recent: spec.lags ?? 2, seasonal: seasonalLags, season: season,
                                                  timeTrend: spec.trend == "linear"))
        default:
            throw DataError("algorithm", "\(spec.algorithm.rawValue) is not a forecaster; use holt_winters or autoregressive")
        }
    }

    /// The period of the seasonal naive forecast that scales MASE: the season, or 1 for a
    /// model without one.
    public static func naivePeriod(_ spec: LearnerSpec) -> Int {
        switch spec.algorithm {
        case .holtWinters: return spec.seasonal == "none" ? 1 : spec.seasonLength ?? 12
        default: return spec.seasonLength ?? 1
        }
    }

    public var minimumLength: Int {
        switch self {
        case .holtWinters(let model): return model.minimumLength
        case .autoregressive(let model): return model.minimumLength
        }
    }

    public mutating func fit(_ y: [Double]) throws {
        switch self {
        case .holtWinters(var model): try model.fit(y); self = .holtWinters(model)
        case .autoregressive(var model): try model.fit(y); self = .autoregressive(model)
        }
    }

    public func forecastPath(_ steps: Int) -> SeriesForecast {
        switch self {
        case .holtWinters(let model): return model.forecastPath(steps)
        case .autoregressive(let model): return model.forecastPath(steps)
        }
    }

    /// The fitted parameters under `prefix` (one series of a many-series artifact).
    public func state(prefix: String) -> LearnerState {
        switch self {
        case .holtWinters(let m):
            return ["\(prefix)parameters": .init(doubles: [m.alpha, m.beta, m.gamma, m.phi, m.level, m.trendValue, m.sigma, m.sumOfSquaredErrors]),
                    "\(prefix)seasonals": .init(doubles: m.seasonals)]
        case .autoregressive(let m):
            return ["\(prefix)parameters": .init(doubles: [m.intercept, m.slope, m.sigma, Double(m.observations)]),
                    "\(prefix)coefficients": .init(doubles: m.coefficients), "\(prefix)history": .init(doubles: m.history)]
        }
    }

    /// This (unfitted) model with the parameters `state` saved under `prefix`.
    public func restored(_ state: LearnerState, prefix: String) throws -> SeriesModel {
        let p = try state.values("\(prefix)parameters")
        switch self {
        case .holtWinters(var m):
            guard p.count == 8 else { throw DataError("\(prefix)parameters", "expected 8 values, got \(p.count)") }
            (m.alpha, m.beta, m.gamma, m.phi, m.level, m.trendValue, m.sigma, m.sumOfSquaredErrors) = (p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7])
            m.seasonals = try state.values("\(prefix)seasonals")
            guard m.seasonality == .none || m.seasonals.count == m.seasonLength else {
                throw DataError("\(prefix)seasonals", "expected \(m.seasonLength) seasonal factors, got \(m.seasonals.count)")
            }
            return .holtWinters(m)
        case .autoregressive(var m):
            guard p.count == 4 else { throw DataError("\(prefix)parameters", "expected 4 values, got \(p.count)") }
            (m.intercept, m.slope, m.sigma, m.observations) = (p[0], p[1], p[2], Int(p[3]))
            m.coefficients = try state.values("\(prefix)coefficients")
            m.history = try state.values("\(prefix)history")
            guard m.coefficients.count == m.lags.count, m.history.count == m.lags.last ?? 0 else {
                throw DataError("\(prefix)coefficients", "expected \(m.lags.count) coefficients and \(m.lags.last ?? 0) past values")
            }
            return .autoregressive(m)
        }
    }
}

/// Rolling-origin evaluation (time-series cross-validation): the model is fitted on the series
/// up to each of `origins` cut-offs, `horizon` apart with the last leaving exactly `horizon`
/// points, and forecasts the `horizon` points after it. Each window is scored with MASE (scaled
/// by the seasonal naive forecast's in-sample error on that window's history), sMAPE, MAPE and
/// MAE; the scores are the means over windows.
public enum RollingOrigin {
    public struct Scores: Sendable {
        public var mase = 0.0, smape = 0.0, mape = 0.0, mae = 0.0
        /// How many windows were scored; MASE leaves out those whose history never changes
        /// (the naive forecast's error, its scale, is 0).
        public var windows = 0, maseWindows = 0

        public init() {}

        init(mase: Double, smape: Double, mape: Double, mae: Double, windows: Int, maseWindows: Int) {
            (self.mase, self.smape, self.mape, self.mae, self.windows, self.maseWindows) = (mase, smape, mape, mae, windows, maseWindows)
        }

        public mutating func add(_ other: Scores) {
            mase += other.mase; smape += other.smape; mape += other.mape; mae += other.mae
            windows += other.windows; maseWindows += other.maseWindows
        }

        /// The sums divided by the window counts.
        public var means: Scores {
            let n = Double(max(windows, 1))
            return Scores(mase: mase / Double(max(maseWindows, 1)), smape: smape / n, mape: mape / n, mae: mae / n,
                          windows: windows, maseWindows: maseWindows)
        }
    }

    /// How many windows a series of `length` points allows (0: too short for even one).
    public static func windows(length: Int, horizon: Int, origins: Int, minimumLength: Int) -> Int {
        max(0, min(origins, (length - minimumLength) / horizon))
    }

    /// The sums of the scores over the windows `windows(…)` allows.
    public static func evaluate(_ model: SeriesModel, _ y: [Double], horizon: Int, origins: Int, naivePeriod: Int) throws -> Scores {
        let count = windows(length: y.count, horizon: horizon, origins: origins, minimumLength: model.minimumLength)
        var sums = Scores()
        for window in 0..<count {
            let cut = y.count - horizon * (count - window)
            let history = Array(y[..<cut]), truth = Array(y[cut..<(cut + horizon)])
            var fitted = model
            try fitted.fit(history)
            let predicted = fitted.forecastPath(horizon).values
            let mase = Metrics.meanAbsoluteScaledError(truth, predicted, training: history, seasonality: naivePeriod)
            sums.add(Scores(mase: mase.isFinite ? mase : 0, smape: Metrics.symmetricMAPE(truth, predicted),
                            mape: Metrics.meanAbsolutePercentageError(truth, predicted), mae: Metrics.meanAbsoluteError(truth, predicted),
                            windows: 1, maseWindows: mase.isFinite ? 1 : 0))
        }
        return sums
    }
}
