import Datasets
import Foundation

/// Holt-Winters exponential smoothing with an additive trend and additive or multiplicative
/// seasonality (statsmodels' ExponentialSmoothing recursions). Smoothing parameters and the
/// initial level and trend are chosen by Nelder–Mead to minimise the one-step-ahead squared
/// error; forecasts carry prediction intervals from the ETS(A,A,A) variance formula (relative
/// errors for the multiplicative form).
public struct HoltWinters: Sendable, Codable {
    public enum Seasonality: String, Sendable, Codable { case additive, multiplicative }

    public struct Forecast: Sendable, Equatable {
        public var value: Double
        public var lower: Double
        public var upper: Double
    }

    public let seasonLength: Int
    public let seasonality: Seasonality
    public internal(set) var alpha = 0.0, beta = 0.0, gamma = 0.0
    public internal(set) var level = 0.0, trend = 0.0
    /// Seasonal factors for the next `seasonLength` periods, in order.
    public internal(set) var seasonals: [Double] = []
    /// Standard deviation of one-step errors (relative errors for multiplicative seasonality).
    public internal(set) var sigma = 0.0
    public internal(set) var sumOfSquaredErrors = 0.0
    public private(set) var fittedValues: [Double] = []

    public init(seasonLength: Int, seasonality: Seasonality) {
        self.seasonLength = seasonLength
        self.seasonality = seasonality
    }

    public mutating func fit(_ y: [Double]) throws {
        let m = seasonLength, seasonality = self.seasonality
        guard y.count >= 2 * m + 2 else {
            throw DataError("series", "needs at least two seasons plus two points (\(2 * m + 2)), got \(y.count)")
        }
        if let bad = y.firstIndex(where: { !$0.isFinite }) { throw DataError("series", "value \(bad) is not a finite number") }
        if seasonality == .multiplicative, let bad = y.firstIndex(where: { $0 <= 0 }) {
            throw DataError("series", "value \(bad) is \(y[bad]); multiplicative seasonality needs positive values")
        }
        let first = y[0..<m].reduce(0, +) / Double(m), second = y[m..<(2 * m)].reduce(0, +) / Double(m)
        let level0 = first, trend0 = (second - first) / Double(m)
        let seasonal0 = (0..<m).map { seasonality == .additive ? y[$0] - first : y[$0] / first }
        let scale = max(Swift.abs(level0), 1)
        func logistic(_ v: Double) -> Double { 1 / (1 + exp(-v)) }
        let model = self
        // Parameters: logits of α, β/α, γ/(1 − α); initial level and trend as scaled offsets;
        // then the initial seasonal factors as scaled offsets (all fitted, as statsmodels'
        // "estimated" initialisation does).
        func unpack(_ p: [Double]) -> (alpha: Double, beta: Double, gamma: Double, level: Double, trend: Double, seasonals: [Double]) {
            let a = logistic(p[0])
            let seasonalScale = seasonality == .additive ? scale : 1
            let seasonals = p.count > 5 ? (0..<m).map { seasonal0[$0] + p[5 + $0] * seasonalScale } : seasonal0
            return (a, logistic(p[1]) * a, logistic(p[2]) * (1 - a), level0 + p[3] * scale, trend0 + p[4] * scale / Double(m), seasonals)
        }
        let objective: ([Double]) -> Double = { p in
            let u = unpack(p)
            return model.run(y, alpha: u.alpha, beta: u.beta, gamma: u.gamma, level: u.level, trend: u.trend, seasonals: u.seasonals).sse
        }
        var best = [0.0, -2.0, -1.0, 0.0, 0.0], bestValue = objective(best)
        for start in [[-1.0, -3.0, -2.0, 0, 0], [1.0, -1.0, 0.0, 0, 0], [2.0, -4.0, -3.0, 0, 0]] {
            let (p, v) = nelderMead(objective, start: start, step: 0.5, iterations: 2000)
            if v < bestValue { (best, bestValue) = (p, v) }
        }
        // Polish every parameter, seasonal starts included, with L-BFGS on central differences.
        let full = best + Array(repeating: 0, count: m)
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
        let chosen = objective(polished) < bestValue ? polished : full
        let u = unpack(chosen)
        (alpha, beta, gamma) = (u.alpha, u.beta, u.gamma)
        let result = run(y, alpha: alpha, beta: beta, gamma: gamma, level: u.level, trend: u.trend, seasonals: u.seasonals)
        (level, trend, seasonals, sumOfSquaredErrors, fittedValues) = (result.level, result.trend, result.seasonals, result.sse, result.fitted)
        let errors = zip(y, fittedValues).map { seasonality == .additive ? $0 - $1 : ($0 - $1) / $1 }
        sigma = (errors.reduce(0) { $0 + $1 * $1 } / Double(y.count)).squareRoot()
    }

    /// The smoothing recursions over `y`: final state, one-step forecasts and their SSE.
    private func run(_ y: [Double], alpha: Double, beta: Double, gamma: Double, level l0: Double, trend b0: Double, seasonals s0: [Double])
        -> (level: Double, trend: Double, seasonals: [Double], sse: Double, fitted: [Double]) {
        var l = l0, b = b0, s = s0, sse = 0.0
        var fitted = [Double](repeating: 0, count: y.count)
        let m = seasonLength
        for t in 0..<y.count {
            let season = s[t % m]
            let base = l + b
            let forecast = seasonality == .additive ? base + season : base * season
            fitted[t] = forecast
            sse += (y[t] - forecast) * (y[t] - forecast)
            let newLevel = seasonality == .additive ? alpha * (y[t] - season) + (1 - alpha) * base
                                                    : alpha * (y[t] / season) + (1 - alpha) * base
            b = beta * (newLevel - l) + (1 - beta) * b
            s[t % m] = seasonality == .additive ? gamma * (y[t] - base) + (1 - gamma) * season
                                                : gamma * (y[t] / base) + (1 - gamma) * season
            l = newLevel
        }
        // Rotate so seasonals[0] belongs to the first forecast period.
        let next = y.count % m
        return (l, b, Array(s[next...] + s[..<next]), sse, fitted)
    }

    /// Point forecasts `steps` ahead with `confidence` prediction intervals.
    public func forecast(_ steps: Int, confidence: Double = 0.95) -> [Forecast] {
        let z = normalQuantile(0.5 + confidence / 2)
        var cumulative = 0.0
        return (1...max(steps, 1)).prefix(steps).map { h in
            let season = seasonals[(h - 1) % seasonLength]
            let base = level + Double(h) * trend
            let value = seasonality == .additive ? base + season : base * season
            if h > 1 {
                let j = Double(h - 1)
                let c = alpha * (1 + j * beta / max(alpha, 1e-12)) + ((h - 1) % seasonLength == 0 ? gamma : 0)
                cumulative += c * c
            }
            let spread = z * sigma * (1 + cumulative).squareRoot() * (seasonality == .additive ? 1 : Swift.abs(value))
            return Forecast(value: value, lower: value - spread, upper: value + spread)
        }
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
