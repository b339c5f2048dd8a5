import Foundation

/// Distances between a training distribution and live data.
public enum DriftStatistics {
    /// Population stability index Σ (a − e)·ln(a / e) over shares, with each share floored at
    /// `epsilon` so that an empty bin counts as rare rather than infinite (the convention of
    /// Evidently and most credit-risk practice). Below 0.1: stable; 0.1–0.25: moderate; above: shifted.
    public static func populationStabilityIndex(expected: [Double], actual: [Double], epsilon: Double = 1e-4) -> Double {
        zip(expected, actual).reduce(0) { total, pair in
            let e = max(pair.0, epsilon), a = max(pair.1, epsilon)
            return total + (a - e) * log(a / e)
        }
    }

    /// Jensen–Shannon distance (the square root of the divergence, natural logarithm), as
    /// `scipy.spatial.distance.jensenshannon`: both inputs are normalised to sum to one.
    public static func jensenShannonDistance(_ p: [Double], _ q: [Double]) -> Double {
        let sp = p.reduce(0, +), sq = q.reduce(0, +)
        guard sp > 0, sq > 0 else { return .nan }
        var divergence = 0.0
        for (a, b) in zip(p, q) {
            let pa = a / sp, qb = b / sq, m = (pa + qb) / 2
            if pa > 0 { divergence += pa * log(pa / m) }
            if qb > 0 { divergence += qb * log(qb / m) }
        }
        return (max(divergence / 2, 0)).squareRoot()
    }

    public struct KolmogorovSmirnov: Sendable, Equatable {
        public var statistic: Double
        public var pValue: Double
        /// `exact` or `asymptotic`.
        public var method: String
    }

    /// Two-sided two-sample Kolmogorov–Smirnov test as `scipy.stats.ks_2samp(method="auto")`
    /// computes it: the exact null distribution (Hodges' lattice-path count in the numerically
    /// stable 1 − p form, or the closed form for equal sizes) when both samples hold at most
    /// 10,000 values; otherwise Kolmogorov's limiting distribution at √(nm/(n+m))·D — scipy
    /// uses the finite-n distribution there, so p-values for such large samples agree only
    /// approximately.
    public static func kolmogorovSmirnov(_ a: [Double], _ b: [Double]) -> KolmogorovSmirnov? {
        let x = a.sorted(), y = b.sorted()
        let n1 = x.count, n2 = y.count
        guard n1 > 0, n2 > 0 else { return nil }
        // D = max |F1 − F2| over every observed value, with ties counted on the right.
        var d = 0.0, i = 0, j = 0
        while i < n1 || j < n2 {
            let v = j >= n2 || (i < n1 && x[i] <= y[j]) ? x[i] : y[j]
            while i < n1 && x[i] <= v { i += 1 }
            while j < n2 && y[j] <= v { j += 1 }
            d = max(d, abs(Double(i) / Double(n1) - Double(j) / Double(n2)))
        }
        let g = gcd(n1, n2)
        if max(n1, n2) <= 10_000, let exact = exactTwoSided(n1, n2, g, d) {
            return KolmogorovSmirnov(statistic: exact.d, pValue: min(max(exact.p, 0), 1), method: "exact")
        }
        let m = Double(max(n1, n2)), n = Double(min(n1, n2))
        let en = m * n / (m + n)
        return KolmogorovSmirnov(statistic: d, pValue: min(max(kolmogorovSurvival(en.squareRoot() * d), 0), 1), method: "asymptotic")
    }

    static func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }

    /// scipy's `_attempt_exact_2kssamp` for the two-sided alternative.
    static func exactTwoSided(_ n1: Int, _ n2: Int, _ g: Int, _ d: Double) -> (d: Double, p: Double)? {
        let lcm = Double((n1 / g) * n2)
        let h = Int((d * lcm).rounded(.toNearestOrEven))
        let rounded = Double(h) / lcm
        if h == 0 { return (rounded, 1) }
        let p = n1 == n2 ? probabilityOutsideSquare(n1, h) : outerProbabilityInside(n1, n2, g, h)
        guard p.isFinite, p >= 0, p <= 1 else { return nil }
        return (rounded, p)
    }

    /// P(D_{n,n} ≥ h/n): 2·Σ ±binom(2n, n − kh)/binom(2n, n), in Horner form.
    static func probabilityOutsideSquare(_ n: Int, _ h: Int) -> Double {
        var p = 0.0
        var k = n / h
        while k >= 0 {
            var p1 = 1.0
            for j in 0..<h { p1 = Double(n - k * h - j) * p1 / Double(n + k * h + j + 1) }
            p = p1 * (1 - p)
            k -= 1
        }
        return 2 * p
    }

    /// The share of lattice paths from (0, 0) to (m, n) that leave the band |x/m − y/n| <
    /// h/lcm, computed directly as 1 − inside (Viehmann 2021), one sliding column at a time.
    static func outerProbabilityInside(_ m0: Int, _ n0: Int, _ g: Int, _ h: Int) -> Double {
        let (m, n) = m0 >= n0 ? (m0, n0) : (n0, m0)
        let mg = m / g, ng = n / g
        var minj = 0, maxj = min(Int((Double(h) / Double(mg)).rounded(.up)), n + 1)
        var curlen = maxj - minj
        let lenA = min(2 * maxj + 2, n + 1)
        var a = [Double](repeating: 1, count: max(lenA, 1))
        for k in minj..<maxj { a[k] = 0 }
        for i in 1...m {
            let lastminj = minj, lastlen = curlen
            minj = max(Int((Double(ng * i - h) / Double(mg)).rounded(.down)) + 1, 0)
            minj = min(minj, n)
            maxj = min(Int((Double(ng * i + h) / Double(mg)).rounded(.up)), n + 1)
            if maxj <= minj { return 1 }
            var value = minj == 0 ? 0.0 : 1.0
            for jj in 0..<(maxj - minj) {
                let j = jj + minj
                value = (a[jj + minj - lastminj] * Double(i) + value * Double(j)) / Double(i + j)
                a[jj] = value
            }
            curlen = maxj - minj
            if lastlen > curlen {
                for k in (maxj - minj)..<min(maxj - minj + (lastlen - curlen), a.count) { a[k] = 1 }
            }
        }
        return a[maxj - minj - 1]
    }

    /// Kolmogorov's limiting survival function Q(z) = 2 Σ (−1)^{k−1} e^{−2k²z²}.
    static func kolmogorovSurvival(_ z: Double) -> Double {
        if z < 0.27 { return 1 }
        var total = 0.0
        for k in 1...100 {
            let term = exp(-2 * Double(k * k) * z * z)
            total += (k % 2 == 1 ? 1 : -1) * term
            if term < 1e-17 { break }
        }
        return 2 * total
    }
}
