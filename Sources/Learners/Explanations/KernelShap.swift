import Datasets
import Tensor
import Foundation

/// Model-agnostic KernelSHAP (Lundberg & Lee 2017) over groups of feature columns — one group
/// per raw input column, so a one-hot block is switched on and off as one feature. A coalition
/// keeps its groups at the explained row's values and takes the others from each background
/// row; the attributions are the weighted least-squares fit of the coalition values under the
/// Shapley kernel, constrained to sum to f(x) − E[f]. The coalition set follows
/// `shap.KernelExplainer`: whole subset sizes are enumerated while the budget covers them
/// (smallest and largest first), the rest is sampled by kernel weight with complements paired.
/// With a budget of 2^M − 2 coalitions or more every coalition is used and the result is the
/// exact Shapley value. Unlike shap's default, no L1 feature selection is applied.
public struct KernelExplainer: Sendable {
    public typealias Model = @Sendable (Matrix) -> Matrix
    let model: Model
    let background: Matrix
    let groups: [Range<Int>]
    public let units: ExplainedOutput
    /// E[f(background)] per output.
    public let base: [Double]

    public init(model: @escaping Model, background: Matrix, groups: [Range<Int>], units: ExplainedOutput) throws {
        guard background.rows > 0 else { throw DataError("background", "KernelSHAP needs at least one background row") }
        self.model = model
        self.background = background
        self.groups = groups
        self.units = units
        let outputs = model(background)
        base = (0..<outputs.columns).map { k in (0..<outputs.rows).reduce(0.0) { $0 + outputs[$1, k] } / Double(outputs.rows) }
    }

    /// The default budget shap uses: 2M + 2048 coalitions.
    public static func defaultSamples(groups: Int) -> Int { 2 * groups + 2048 }

    /// Attributions per group ([output][group]) for one transformed row.
    public func explain(_ row: [Double], samples: Int? = nil, seed: UInt64 = 0) -> FeatureAttribution {
        let outputs = base.count
        let fx = Array(model(Matrix(rows: 1, columns: row.count, values: row)).row(0))
        var values = [[Double]](repeating: [Double](repeating: 0, count: groups.count), count: outputs)
        // Groups equal to every background row cannot change anything: their attribution is 0.
        let varying = groups.indices.filter { g in
            (0..<background.rows).contains { b in groups[g].contains { background[b, $0] != row[$0] } }
        }
        let m = varying.count
        if m == 0 { return FeatureAttribution(base: base, values: values, units: units) }
        if m == 1 {
            for k in 0..<outputs { values[k][varying[0]] = fx[k] - base[k] }
            return FeatureAttribution(base: base, values: values, units: units)
        }
        let (masks, weights) = coalitions(m, budget: samples ?? Self.defaultSamples(groups: m), seed: seed)
        let coalitionValues = evaluate(row, masks: masks, varying: varying, outputs: outputs)
        for k in 0..<outputs {
            let phi = solve(masks: masks, weights: weights, values: coalitionValues.map { $0[k] - base[k] }, total: fx[k] - base[k], m: m)
            for (i, g) in varying.enumerated() { values[k][g] = phi[i] }
        }
        return FeatureAttribution(base: base, values: values, units: units)
    }

    /// Coalitions as membership masks over the m varying groups, with their kernel weights.
    func coalitions(_ m: Int, budget: Int, seed: UInt64) -> ([[Bool]], [Double]) {
        let maxCoalitions = m >= 62 ? Int.max : (1 << m) - 2
        let budget = min(max(budget, 1), maxCoalitions)
        let sizes = (m - 1 + 1) / 2, pairedSizes = (m - 1) / 2
        var kernel = (1...sizes).map { s in Double(m - 1) / Double(s * (m - s)) }
        for s in 0..<pairedSizes { kernel[s] *= 2 }
        let total = kernel.reduce(0, +)
        kernel = kernel.map { $0 / total }
        var masks: [[Bool]] = [], weights: [Double] = []
        var left = Double(budget), remaining = kernel, fullSizes = 0
        for size in 1...sizes {
            var subsets = binomial(m, size)
            if size <= pairedSizes { subsets *= 2 }
            guard left * remaining[size - 1] / subsets >= 1 - 1e-8 else { break }
            fullSizes += 1
            left -= subsets
            if remaining[size - 1] < 1 { let scale = 1 - remaining[size - 1]; remaining = remaining.map { $0 / scale } }
            var w = kernel[size - 1] / binomial(m, size)
            if size <= pairedSizes { w /= 2 }
            forEachCombination(m, size) { members in
                var mask = [Bool](repeating: false, count: m)
                for i in members { mask[i] = true }
                masks.append(mask); weights.append(w)
                if size <= pairedSizes { masks.append(mask.map { !$0 }); weights.append(w) }
            }
        }
        let fixed = masks.count
        var samplesLeft = budget - fixed
        if fullSizes != sizes && samplesLeft > 0 {
            var draw = kernel
            for s in 0..<pairedSizes { draw[s] /= 2 }
            draw = Array(draw[fullSizes...])
            let drawTotal = draw.reduce(0, +)
            var rng = SeededGenerator(seed: seed)
            var seen: [[Bool]: Int] = [:]
            var attempts = 4 * samplesLeft
            while samplesLeft > 0 && attempts > 0 {
                attempts -= 1
                var u = Double(rng.next() >> 11) / Double(1 << 53) * drawTotal, index = 0
                while index < draw.count - 1 && u >= draw[index] { u -= draw[index]; index += 1 }
                let size = index + fullSizes + 1
                var order = Array(0..<m)
                order.shuffle(using: &rng)
                var mask = [Bool](repeating: false, count: m)
                for i in order.prefix(size) { mask[i] = true }
                let paired = size <= pairedSizes
                if let at = seen[mask] {
                    weights[at] += 1
                    if paired { weights[at + 1] += 1 }
                    continue
                }
                seen[mask] = masks.count
                masks.append(mask); weights.append(1); samplesLeft -= 1
                if paired && samplesLeft > 0 { masks.append(mask.map { !$0 }); weights.append(1); samplesLeft -= 1 }
            }
            let sampledTotal = weights[fixed...].reduce(0, +)
            let weightLeft = kernel[fullSizes...].reduce(0, +)
            for i in fixed..<weights.count { weights[i] *= weightLeft / sampledTotal }
        }
        return (masks, weights)
    }

    /// E_b[f(x_S, b_rest)] for every coalition S, evaluated in chunks so memory stays bounded.
    private func evaluate(_ row: [Double], masks: [[Bool]], varying: [Int], outputs: Int) -> [[Double]] {
        let b = background.rows, p = background.columns
        let chunk = max(1, 200_000 / max(b * p, 1))
        var result: [[Double]] = []
        result.reserveCapacity(masks.count)
        var start = 0
        while start < masks.count {
            let end = min(masks.count, start + chunk)
            var values = [Double]()
            values.reserveCapacity((end - start) * b * p)
            for mask in masks[start..<end] {
                var columns = [Bool](repeating: false, count: p)
                for (i, g) in varying.enumerated() where mask[i] { for c in groups[g] { columns[c] = true } }
                for r in 0..<b {
                    let bg = background.row(r)
                    for c in 0..<p { values.append(columns[c] ? row[c] : bg[bg.startIndex + c]) }
                }
            }
            let out = model(Matrix(rows: (end - start) * b, columns: p, values: values))
            for s in 0..<(end - start) {
                var mean = [Double](repeating: 0, count: outputs)
                for r in 0..<b { for k in 0..<outputs { mean[k] += out[s * b + r, k] } }
                result.append(mean.map { $0 / Double(b) })
            }
            start = end
        }
        return result
    }

    /// The constrained weighted least squares: the last group's attribution is eliminated with
    /// Σφ = total, and the normal equations for the rest are solved directly.
    private func solve(masks: [[Bool]], weights: [Double], values: [Double], total: Double, m: Int) -> [Double] {
        let n = m - 1
        var normal = [Double](repeating: 0, count: n * n), rhs = [Double](repeating: 0, count: n)
        var x = [Double](repeating: 0, count: n)
        for (s, mask) in masks.enumerated() {
            let last = mask[m - 1] ? 1.0 : 0.0
            let y = values[s] - last * total
            for j in 0..<n { x[j] = (mask[j] ? 1 : 0) - last }
            let w = weights[s]
            for i in 0..<n where x[i] != 0 {
                rhs[i] += w * x[i] * y
                for j in 0..<n where x[j] != 0 { normal[i * n + j] += w * x[i] * x[j] }
            }
        }
        var phi = solveLinearSystem(normal, rhs, n)
        phi.append(total - phi.reduce(0, +))
        return phi
    }
}

/// Gaussian elimination with partial pivoting for a small dense system (row-major a).
func solveLinearSystem(_ a: [Double], _ b: [Double], _ n: Int) -> [Double] {
    var a = a, b = b
    for col in 0..<n {
        var pivot = col
        for r in (col + 1)..<max(n, col + 1) where abs(a[r * n + col]) > abs(a[pivot * n + col]) { pivot = r }
        if pivot != col {
            for c in 0..<n { a.swapAt(col * n + c, pivot * n + c) }
            b.swapAt(col, pivot)
        }
        let d = a[col * n + col]
        guard abs(d) > 1e-300 else { continue }
        for r in (col + 1)..<max(n, col + 1) {
            let f = a[r * n + col] / d
            if f == 0 { continue }
            for c in col..<n { a[r * n + c] -= f * a[col * n + c] }
            b[r] -= f * b[col]
        }
    }
    var x = [Double](repeating: 0, count: n)
    for r in stride(from: n - 1, through: 0, by: -1) {
        var s = b[r]
        for c in (r + 1)..<max(n, r + 1) { s -= a[r * n + c] * x[c] }
        let d = a[r * n + r]
        x[r] = abs(d) > 1e-300 ? s / d : 0
    }
    return x
}

func binomial(_ n: Int, _ k: Int) -> Double {
    var result = 1.0
    for i in 0..<k { result = result * Double(n - i) / Double(i + 1) }
    return result.rounded()
}

/// Calls `body` with each k-subset of 0..<n in lexicographic order.
func forEachCombination(_ n: Int, _ k: Int, _ body: ([Int]) -> Void) {
    guard k <= n else { return }
    var index = Array(0..<k)
    while true {
        body(index)
        var i = k - 1
        while i >= 0 && index[i] == n - k + i { i -= 1 }
        if i < 0 { return }
        index[i] += 1
        for j in (i + 1)..<k { index[j] = index[j - 1] + 1 }
    }
}
