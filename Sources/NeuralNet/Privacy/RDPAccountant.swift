import Foundation

/// The Rényi-DP accountant of the sampled Gaussian mechanism (Mironov, Talwar and Zhang 2019),
/// as Opacus computes it (`opacus/accountants/analysis/rdp.py`, `accountants/utils.py`):
/// the same orders, the same series for fractional orders, the same RDP → (ε, δ) conversion
/// (Balle et al. 2020) and the same binary search for a noise multiplier.
public enum RDPAccountant {
    /// Opacus' DEFAULT_ALPHAS: 1.1, 1.2, …, 10.9, then 12, 13, …, 63.
    public static let defaultOrders: [Double] = (1..<100).map { 1 + Double($0) / 10 } + (12..<64).map(Double.init)

    /// RDP of `steps` compositions of the Gaussian mechanism with `noiseMultiplier` on a
    /// Poisson sample with rate `sampleRate`, at each order.
    public static func rdp(sampleRate q: Double, noiseMultiplier sigma: Double, steps: Int, orders: [Double] = defaultOrders) -> [Double] {
        orders.map { rdp(q: q, sigma: sigma, alpha: $0) * Double(steps) }
    }

    /// (ε, the best order) for `rdp` at `delta`.
    public static func epsilon(rdp: [Double], orders: [Double] = defaultOrders, delta: Double) -> (epsilon: Double, order: Double) {
        var best = (epsilon: Double.infinity, order: Double.nan)
        for (alpha, r) in zip(orders, rdp) {
            let eps = r - (log(delta) + log(alpha)) / (alpha - 1) + log((alpha - 1) / alpha)
            if !eps.isNaN && eps < best.epsilon { best = (eps, alpha) }
        }
        return best
    }

    /// ε spent by `steps` noisy steps.
    public static func epsilon(sampleRate: Double, noiseMultiplier: Double, steps: Int, delta: Double) -> Double {
        epsilon(rdp: rdp(sampleRate: sampleRate, noiseMultiplier: noiseMultiplier, steps: steps), delta: delta).epsilon
    }

    public enum Failure: Error, Equatable { case budgetTooLow }

    /// The largest noise multiplier searched. Opacus searches up to 10⁶, but the series for
    /// fractional orders takes ~σ² terms, so such a search runs for minutes; noise 256 times the
    /// clipping norm already drowns any gradient.
    public static let maximumNoiseMultiplier = 256.0

    /// The smallest noise multiplier (within Opacus' tolerance) whose run of `steps` spends at
    /// most `targetEpsilon`: Opacus' `get_noise_multiplier`, doubling then bisecting.
    public static func noiseMultiplier(targetEpsilon: Double, delta: Double, sampleRate: Double, steps: Int,
                                       epsilonTolerance: Double = 0.01) throws -> Double {
        var low = 0.0, high = 10.0, epsHigh = Double.infinity
        while epsHigh > targetEpsilon {
            high *= 2
            if high > maximumNoiseMultiplier { throw Failure.budgetTooLow }
            epsHigh = epsilon(sampleRate: sampleRate, noiseMultiplier: high, steps: steps, delta: delta)
        }
        while targetEpsilon - epsHigh > epsilonTolerance {
            let sigma = (low + high) / 2
            let eps = epsilon(sampleRate: sampleRate, noiseMultiplier: sigma, steps: steps, delta: delta)
            if eps < targetEpsilon { high = sigma; epsHigh = eps } else { low = sigma }
        }
        return high
    }

    // MARK: The sampled Gaussian mechanism

    static func rdp(q: Double, sigma: Double, alpha: Double) -> Double {
        if q == 0 { return 0 }
        if sigma == 0 { return .infinity }
        if q == 1 { return alpha / (2 * sigma * sigma) }
        if alpha.isInfinite { return .infinity }
        return logA(q: q, sigma: sigma, alpha: alpha) / (alpha - 1)
    }

    static func logA(q: Double, sigma: Double, alpha: Double) -> Double {
        if alpha == alpha.rounded() { return logAIntegerOrder(q: q, sigma: sigma, alpha: Int(alpha)) }
        return logAFractionalOrder(q: q, sigma: sigma, alpha: alpha)
    }

    static func logAIntegerOrder(q: Double, sigma: Double, alpha: Int) -> Double {
        var logA = -Double.infinity
        for i in 0...alpha {
            let logCoefficient = logBinomial(Double(alpha), i) + Double(i) * log(q) + Double(alpha - i) * log(1 - q)
            logA = logAdd(logA, logCoefficient + Double(i * i - i) / (2 * sigma * sigma))
        }
        return logA
    }

    static func logAFractionalOrder(q: Double, sigma: Double, alpha: Double) -> Double {
        var logA0 = -Double.infinity, logA1 = -Double.infinity
        let z0 = sigma * sigma * log(1 / q - 1) + 0.5
        var i = 0
        while true {
            let coefficient = binomial(alpha, i)
            let logCoefficient = log(abs(coefficient))
            let j = alpha - Double(i), di = Double(i)
            let logT0 = logCoefficient + di * log(q) + j * log(1 - q)
            let logT1 = logCoefficient + j * log(q) + di * log(1 - q)
            let logE0 = log(0.5) + logErfc((di - z0) / (2.0.squareRoot() * sigma))
            let logE1 = log(0.5) + logErfc((z0 - j) / (2.0.squareRoot() * sigma))
            let logS0 = logT0 + (di * di - di) / (2 * sigma * sigma) + logE0
            let logS1 = logT1 + (j * j - j) / (2 * sigma * sigma) + logE1
            if coefficient > 0 {
                logA0 = logAdd(logA0, logS0)
                logA1 = logAdd(logA1, logS1)
            } else {
                logA0 = logSubtract(logA0, logS0)
                logA1 = logSubtract(logA1, logS1)
            }
            i += 1
            if max(logS0, logS1) < -30 { break }
        }
        return logAdd(logA0, logA1)
    }

    static func logAdd(_ x: Double, _ y: Double) -> Double {
        let (a, b) = (min(x, y), max(x, y))
        if a == -.infinity { return b }
        return log1p(exp(a - b)) + b
    }

    /// log(eˣ − eʸ); Opacus raises for x < y, which its series never reaches.
    static func logSubtract(_ x: Double, _ y: Double) -> Double {
        if y == -.infinity { return x }
        if x <= y { return -.infinity }
        let d = expm1(x - y)
        return d.isInfinite ? x : log(d) + y
    }

    /// log(erfc(x)), also where erfc underflows (the asymptotic series).
    static func logErfc(_ x: Double) -> Double {
        if x < 25 { return log(erfc(x)) }
        let inverse = 1 / (x * x)
        let series = 1 - inverse / 2 + 3 * inverse * inverse / 4 - 15 * inverse * inverse * inverse / 8 + 105 * pow(inverse, 4) / 16
        return -x * x - log(x) - 0.5 * log(Double.pi) + log(series)
    }

    /// C(n, k) for real n and whole k (the product form, signed for fractional n).
    static func binomial(_ n: Double, _ k: Int) -> Double {
        var value = 1.0
        for m in 0..<k { value *= (n - Double(m)) / Double(m + 1) }
        return value
    }

    static func logBinomial(_ n: Double, _ k: Int) -> Double {
        lgamma(n + 1) - lgamma(Double(k) + 1) - lgamma(n - Double(k) + 1)
    }
}
