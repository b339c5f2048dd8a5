import Datasets
import Foundation

/// Holt-Winters exponential smoothing (statsmodels' ExponentialSmoothing recursions): a level,
/// an additive trend (optionally damped by φ, or none) and additive, multiplicative or no
/// seasonality. Smoothing parameters and the initial state are chosen by Nelder–Mead then
/// L-BFGS to minimise the one-step-ahead squared error; forecasts carry standard errors from the
/// ETS state-space variance formula (relative errors for the multiplicative form).
public struct HoltWinters: Sendable {
    public enum Seasonality: String, Sendable, Codable { case additive, multiplicative, none }

    public struct Forecast: Sendable, Equatable {
        public var value: Double
        public var lower: Double
        public var upper: Double
    }

    public let seasonLength: Int
    public let seasonality: Seasonality
    /// An additive trend (false: level only, simple or seasonal exponential smoothing).
    public let trend: Bool
    /// The trend is damped by φ ∈ [0.8, 0.995] per step, so long forecasts level off.
    public let damped: Bool
    public internal(set) var alpha = 0.0, beta = 0.0, gamma = 0.0, phi = 1.0
    public internal(set) var level = 0.0, trendValue = 0.0
    /// Seasonal factors for the next `seasonLength` periods, in order (empty without seasonality).
    public internal(set) var seasonals: [Double] = []
    /// Standard deviation of one-step errors (relative errors for multiplicative seasonality).
    public internal(set) var sigma = 0.0
    public internal(set) var sumOfSquaredErrors = 0.0
    public private(set) var fittedValues: [Double] = []

    public init(seasonLength: Int, seasonality: Seasonality, trend: Bool = true, damped: Bool = false) {
        self.seasonLength = seasonality == .none ? 1 : seasonLength
        self.seasonality = seasonality
        self.trend = trend
        self.damped = trend && damped
    }

    /// The fewest points `fit` accepts.
    public var minimumLength: Int { seasonality == .none ? 4 : 2 * seasonLength + 2 }

    public mutating func fit(_ y: [Double]) throws {
        let m = seasonLength, seasonality = self.seasonality, hasTrend = trend, damped = self.damped
        guard y.count >= minimumLength else {
            throw DataError("series", seasonality == .none ? "needs at least \(minimumLength) points, got \(y.count)"
                                                           : "needs at least two seasons plus two points (\(minimumLength)), got \(y.count)")
        }
        if let bad = y.firstIndex(where: { !$0.isFinite }) { throw DataError("series", "value \(bad) is not a finite number") }
        if seasonality == .multiplicative, let bad = y.firstIndex(where: { $0 <= 0 }) {
            throw DataError("series", "value \(bad) is \(y[bad]); multiplicative seasonality needs positive values")
        }
        let level0: Double, trend0: Double, seasonal0: [Double]
        if seasonality == .none {
            (level0, trend0, seasonal0) = (y[0], hasTrend ? y[1] - y[0] : 0, [])
        } else {
            let first = y[0..<m].reduce(0, +) / Double(m), second = y[m..<(2 * m)].reduce(0, +) / Double(m)
            (level0, trend0) = (first, hasTrend ? (second - first) / Double(m) : 0)
            seasonal0 = (0..<m).map { seasonality == .additive ? y[$0] - first : y[$0] / first }
        }
        let scale = max(Swift.abs(level0), 1)
        func logistic(_ v: Double) -> Double { 1 / (1 + exp(-v)) }
        let seasonal = seasonality != .none
        // Parameters, only those the form has, in this order: logits of α, β/α, γ/(1 − α); the
        // initial level and trend as scaled offsets; the logit of φ within [0.8, 0.995]; then
        // the initial seasonal factors as scaled offsets (all fitted, as statsmodels'
        // "estimated" initialisation does).
        let core = 2 + (hasTrend ? 2 : 0) + (seasonal ? 1 : 0) + (damped ? 1 : 0)
        func unpack(_ p: [Double]) -> Smoothing {
            var i = 0
            func next() -> Double { defer { i += 1 }; return p[i] }
            let a = logistic(next())
            let b = hasTrend ? logistic(next()) * a : 0
            let g = seasonal ? logistic(next()) * (1 - a) : 0
            let l = level0 + next() * scale
            let t = hasTrend ? trend0 + next() * scale / Double(m) : 0
            let f = damped ? 0.8 + 0.195 * logistic(next()) : 1
            let seasonalScale = seasonality == .additive ? scale : 1
            let s = p.count > core ? (0..<m).map { seasonal0[$0] + p[core + $0] * seasonalScale } : seasonal0
            return Smoothing(alpha: a, beta: b, gamma: g, phi: f, level: l, trend: t, seasonals: s)
        }
        let model = self
        let objective: ([Double]) -> Double = { model.run(y, unpack($0)).sse }
        func start(_ a: Double, _ b: Double, _ g: Double) -> [Double] {
            [a] + (hasTrend ? [b] : []) + (seasonal ? [g] : []) + [0] + (hasTrend ? [0] : []) + (damped ? [1] : [])
        }
        var best = start(0, -2, -1), bestValue = objective(best)
        for candidate in [start(-1, -3, -2), start(1, -1, 0), start(2, -4, -3)] {
            let (p, v) = nelderMead(objective, start: candidate, step: 0.5, iterations: 2000)
            if v < bestValue { (best, bestValue) = (p, v) }
        }
        // Polish every parameter, seasonal starts included, with L-BFGS on central differences.
        let full = best + Array(repeating: 0, count: seasonal ? m : 0)
        let gradientObjective: ([Double]) -> (Double, [Double]) = { p in
            let value = objective(p)
            var gradient = [Double](repeating: 0, count: p.count)
            for i in p.indices {
                var up = p, down = p
                let h = 1e-6 * max(1, Swift.abs(p[i]))
                up[i] += h; down[i] -= h
                gradient[i] = (objective(up) - objective(down)) / (2 * h)
            }
            return (value, gradient)
        }
        let polished = minimizeLBFGS(full, gradientObjective, maxIterations: 300, tolerance: 1e-9 * max(bestValue, 1))
        let chosen = unpack(objective(polished) < bestValue ? polished : full)
        (alpha, beta, gamma, phi) = (chosen.alpha, chosen.beta, chosen.gamma, chosen.phi)
        let result = run(y, chosen)
        (level, trendValue, seasonals, sumOfSquaredErrors, fittedValues) = (result.level, result.trend, result.seasonals, result.sse, result.fitted)
        let errors = zip(y, fittedValues).map { seasonality == .multiplicative ? ($0 - $1) / $1 : $0 - $1 }
        sigma = (errors.reduce(0) { $0 + $1 * $1 } / Double(y.count)).squareRoot()
    }

    /// Smoothing parameters and a starting state.
    struct Smoothing {
        var alpha, beta, gamma, phi, level, trend: Double
        var seasonals: [Double]
    }

    /// The smoothing recursions over `y`: final state, one-step forecasts and their SSE.
    private func run(_ y: [Double], _ p: Smoothing) -> (level: Double, trend: Double, seasonals: [Double], sse: Double, fitted: [Double]) {
        var l = p.level, b = p.trend, s = p.seasonals, sse = 0.0
        var fitted = [Double](repeating: 0, count: y.count)
        let m = seasonLength, multiplicative = seasonality == .multiplicative, seasonal = seasonality != .none
        let (alpha, beta, gamma, phi) = (p.alpha, p.beta, p.gamma, p.phi)
        for t in 0..<y.count {
            let season = seasonal ? s[t % m] : 0
            let base = l + phi * b
            let forecast = multiplicative ? base * season : base + season
            fitted[t] = forecast
            sse += (y[t] - forecast) * (y[t] - forecast)
            let newLevel = multiplicative ? alpha * (y[t] / season) + (1 - alpha) * base : alpha * (y[t] - season) + (1 - alpha) * base
            b = beta * (newLevel - l) + (1 - beta) * phi * b
            if seasonal {
                s[t % m] = multiplicative ? gamma * (y[t] / base) + (1 - gamma) * season : gamma * (y[t] - base) + (1 - gamma) * season
            }
            l = newLevel
        }
        guard seasonal else { return (l, b, [], sse, fitted) }
        // Rotate so seasonals[0] belongs to the first forecast period.
        let next = y.count % m
        return (l, b, Array(s[next...] + s[..<next]), sse, fitted)
    }

    /// Point forecasts `steps` ahead and their standard errors.
    public func forecastPath(_ steps: Int) -> SeriesForecast {
        var values: [Double] = [], errors: [Double] = []
        var cumulative = 0.0, damping = 0.0, power = 1.0
        for h in 1...max(steps, 1) where h <= steps {
            power *= phi
            damping += power  // φ + φ² + … + φ^h (h without damping)
            let season = seasonality == .none ? 0 : seasonals[(h - 1) % seasonLength]
            let base = level + damping * trendValue
            let value = seasonality == .multiplicative ? base * season : base + season
            if h > 1 {
                // c_j = α + β·(φ + … + φ^j) + γ·[j a multiple of m], with j = h − 1 (β here is α·β*).
                let j = h - 1
                let c = alpha + beta * (damping - power) + (seasonality != .none && j % seasonLength == 0 ? gamma : 0)
                cumulative += c * c
            }
            values.append(value)
            errors.append(sigma * (1 + cumulative).squareRoot() * (seasonality == .multiplicative ? Swift.abs(value) : 1))
        }
        return SeriesForecast(values: values, standardErrors: errors)
    }

    /// Point forecasts `steps` ahead with `confidence` prediction intervals.
    public func forecast(_ steps: Int, confidence: Double = 0.95) -> [Forecast] {
        let path = forecastPath(steps), interval = path.interval(confidence)
        return path.values.indices.map { Forecast(value: path.values[$0], lower: interval.lower[$0], upper: interval.upper[$0]) }
    }
}

/// Point forecasts and the standard error of each, from which intervals at any level follow.
public struct SeriesForecast: Sendable, Equatable {
    public var values: [Double]
    public var standardErrors: [Double]

    public init(values: [Double], standardErrors: [Double]) {
        self.values = values
        self.standardErrors = standardErrors
    }

    /// The central `confidence` prediction interval (normal errors).
    public func interval(_ confidence: Double) -> (lower: [Double], upper: [Double]) {
        let z = normalQuantile(0.5 + confidence / 2)
        return (zip(values, standardErrors).map { $0 - z * $1 }, zip(values, standardErrors).map { $0 + z * $1 })
    }
}

/// Inverse of the standard normal CDF (Acklam's rational approximation, |error| < 1.2e-9).
func normalQuantile(_ p: Double) -> Double {
    let a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00]
    let b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01]
    let c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00]
    let d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00]
    if p < 0.02425 {
        let q = (-2 * log(p)).squareRoot()
        return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
    }
    if p > 1 - 0.02425 { return -normalQuantile(1 - p) }
    let q = p - 0.5, r = q * q
    return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
}

/// Nelder–Mead simplex minimisation; returns the best point and its value.
func nelderMead(_ f: ([Double]) -> Double, start: [Double], step: Double, iterations: Int) -> ([Double], Double) {
    let n = start.count
    var simplex = [start] + (0..<n).map { i in var p = start; p[i] += step; return p }
    var values = simplex.map(f)
    for _ in 0..<iterations {
        let order = values.indices.sorted { values[$0] < values[$1] }
        simplex = order.map { simplex[$0] }; values = order.map { values[$0] }
        if Swift.abs(values[n] - values[0]) <= 1e-12 * max(Swift.abs(values[0]), 1e-300) { break }
        let centroid = (0..<n).map { j in simplex[0..<n].reduce(0) { $0 + $1[j] } / Double(n) }
        func along(_ t: Double) -> [Double] { (0..<n).map { centroid[$0] + t * (simplex[n][$0] - centroid[$0]) } }
        let reflected = along(-1), fr = f(reflected)
        if fr < values[0] {
            let expanded = along(-2), fe = f(expanded)
            if fe < fr { simplex[n] = expanded; values[n] = fe } else { simplex[n] = reflected; values[n] = fr }
        } else if fr < values[n - 1] {
            simplex[n] = reflected; values[n] = fr
        } else {
            let contracted = fr < values[n] ? along(-0.5) : along(0.5), fc = f(contracted)
            if fc < min(fr, values[n]) {
                simplex[n] = contracted; values[n] = fc
            } else {
                for i in 1...n {
                    simplex[i] = (0..<n).map { simplex[0][$0] + 0.5 * (simplex[i][$0] - simplex[0][$0]) }
                    values[i] = f(simplex[i])
                }
            }
        }
    }
    let best = values.indices.min { values[$0] < values[$1] }!
    return (simplex[best], values[best])
}
