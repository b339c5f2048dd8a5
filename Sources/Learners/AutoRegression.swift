import Datasets
import Foundation

/// An autoregressive model fitted by ordinary least squares (statsmodels' AutoReg):
/// y_t = c [+ δ·t] + Σ a_k·y_{t−k} over the chosen lags — the recent ones (1…p) and seasonal
/// ones (m, 2m, …). Forecasts are recursive; their standard errors come from the model's
/// moving-average weights ψ: se_h = σ·√(ψ₀² + … + ψ_{h−1}²), σ² the mean squared residual.
public struct AutoRegression: Sendable {
    /// The lags used, ascending and distinct.
    public let lags: [Int]
    /// A linear time trend besides the constant (statsmodels' trend="ct"; else "c").
    public let timeTrend: Bool
    public internal(set) var intercept = 0.0
    public internal(set) var slope = 0.0
    /// One coefficient per lag, in `lags` order.
    public internal(set) var coefficients: [Double] = []
    public internal(set) var sigma = 0.0
    /// The last `lags.last` values of the fitted series: what the first forecasts read.
    public internal(set) var history: [Double] = []
    /// How many points the model was fitted on: the time index the forecasts continue from.
    public internal(set) var observations = 0

    /// Lags 1…`recent` and `season`, 2·`season`, … `seasonal`·`season`.
    public init(recent: Int, seasonal: Int = 0, season: Int = 1, timeTrend: Bool = false) {
        let seasonalLags = season > 1 ? (1...max(seasonal, 1)).prefix(seasonal).map { $0 * season } : []
        self.init(lags: Array((1...max(recent, 1)).prefix(recent)) + seasonalLags, timeTrend: timeTrend)
    }

    public init(lags: [Int], timeTrend: Bool = false) {
        self.lags = Array(Set(lags.filter { $0 > 0 })).sorted()
        self.timeTrend = timeTrend
    }

    /// The fewest points `fit` accepts: the longest lag plus enough rows to fit every
    /// coefficient with some left over for σ.
    public var minimumLength: Int { (lags.last ?? 0) + lags.count + (timeTrend ? 2 : 1) + 2 }

    public mutating func fit(_ y: [Double]) throws {
        guard !lags.isEmpty else { throw DataError("lags", "an autoregression needs at least one lag") }
        guard y.count >= minimumLength else {
            throw DataError("series", "needs at least \(minimumLength) points for lags up to \(lags.last!), got \(y.count)")
        }
        if let bad = y.firstIndex(where: { !$0.isFinite }) { throw DataError("series", "value \(bad) is not a finite number") }
        let start = lags.last!, rows = y.count - start
        let columns = lags.count + (timeTrend ? 1 : 0)
        var x = Matrix(rows: rows, columns: columns)
        for r in 0..<rows {
            let t = start + r
            for (j, lag) in lags.enumerated() { x[r, j] = y[t - lag] }
            // statsmodels counts time from 1 at the first observation.
            if timeTrend { x[r, lags.count] = Double(t + 1) }
        }
        let target = Array(y[start...])
        var regression = LinearRegression(penalty: .none)
        do { try regression.fit(x, target) } catch {
            throw DataError("lags", "the lagged values are collinear (a constant stretch of the series?); use fewer lags")
        }
        intercept = regression.intercept
        coefficients = Array(regression.coefficients.prefix(lags.count))
        slope = timeTrend ? regression.coefficients[lags.count] : 0
        let residuals = zip(target, regression.predict(x)).map { $0 - $1 }
        sigma = (residuals.reduce(0) { $0 + $1 * $1 } / Double(rows)).squareRoot()
        history = Array(y.suffix(start))
        observations = y.count
    }

    /// Recursive point forecasts `steps` ahead and their standard errors.
    public func forecastPath(_ steps: Int) -> SeriesForecast {
        var extended = history, values: [Double] = []
        for h in 0..<steps {
            var value = intercept + (timeTrend ? slope * Double(observations + h + 1) : 0)
            for (j, lag) in lags.enumerated() { value += coefficients[j] * extended[extended.count - lag] }
            extended.append(value)
            values.append(value)
        }
        // ψ₀ = 1, ψ_j = Σ_k a_k·ψ_{j−k}.
        var psi = [Double](repeating: 0, count: max(steps, 1))
        psi[0] = 1
        for j in psi.indices.dropFirst() {
            for (k, lag) in lags.enumerated() where lag <= j { psi[j] += coefficients[k] * psi[j - lag] }
        }
        var cumulative = 0.0
        let errors = (0..<steps).map { h -> Double in
            cumulative += psi[h] * psi[h]
            return sigma * cumulative.squareRoot()
        }
        return SeriesForecast(values: values, standardErrors: errors)
    }
}
