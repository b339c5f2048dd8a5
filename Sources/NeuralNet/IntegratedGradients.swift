import Foundation
import Tensor

/// Integrated gradients (Sundararajan, Taly & Yan 2017) as Captum computes them by default:
/// the path integral of ∂f_target/∂x from a baseline to the input, by Gauss–Legendre
/// quadrature on [0, 1], times (x − baseline). Completeness: the attributions sum to
/// f(x) − f(baseline) up to the quadrature error.
public enum IntegratedGradients {
    /// Gauss–Legendre nodes and weights mapped to [0, 1] (numpy's `leggauss`, as Captum uses).
    public static func gaussLegendre(_ n: Int) -> (alphas: [Double], weights: [Double]) {
        var nodes = [Double](repeating: 0, count: n), weights = [Double](repeating: 0, count: n)
        for i in 0..<n {
            // Newton's method on P_n from the Chebyshev-like first guess.
            var x = cos(Double.pi * (Double(i) + 0.75) / (Double(n) + 0.5))
            var derivative = 0.0
            for _ in 0..<100 {
                var p0 = 1.0, p1 = x
                for k in 2...max(n, 2) where k <= n {
                    let p2 = ((2 * Double(k) - 1) * x * p1 - (Double(k) - 1) * p0) / Double(k)
                    p0 = p1; p1 = p2
                }
                let pn = n == 1 ? x : p1, pn1 = n == 1 ? 1 : p0
                derivative = Double(n) * (x * pn - pn1) / (x * x - 1)
                let step = pn / derivative
                x -= step
                if abs(step) < 1e-15 { break }
            }
            nodes[i] = x
            weights[i] = 2 / ((1 - x * x) * derivative * derivative)
        }
        return (nodes.map { 0.5 * ($0 + 1) }.reversed(), weights.map { 0.5 * $0 }.reversed())
    }

    /// Attributions of output `target` for one sample (flattened, in the model's input shape).
    /// Returns them with f_target(x) and f_target(baseline). The model's parameters collect
    /// gradients on the way: the caller must not run this concurrently on one model.
    public static func attribute(model: Model, x: [Float], baseline: [Float], target: Int, steps: Int) throws
        -> (attributions: [Double], output: Double, baselineOutput: Double) {
        let (alphas, weights) = gaussLegendre(steps)
        let width = x.count
        let shape = model.spec.input.shape
        var scaled = [Float](repeating: 0, count: (steps + 2) * width)
        for (s, alpha) in alphas.enumerated() {
            for j in 0..<width { scaled[s * width + j] = baseline[j] + Float(alpha) * (x[j] - baseline[j]) }
        }
        // The last two rows are the input and the baseline themselves, for completeness.
        for j in 0..<width { scaled[steps * width + j] = x[j]; scaled[(steps + 1) * width + j] = baseline[j] }
        let batch = Tensor(shape: [steps + 2] + shape, scalars: scaled)
        try model.checkInput(batch)
        let input = Variable(batch, requiresGrad: true)
        var context = ForwardContext(training: false)
        let output = model.forward(input: input, context: &context)
        let k = output.value.count / (steps + 2)
        guard target >= 0 && target < k else { throw SpecError("target", "must be an output index in 0..<\(k), got \(target)") }
        var seed = [Float](repeating: 0, count: output.value.count)
        for s in 0..<steps { seed[s * k + target] = Float(weights[s]) }
        output.backward(seed: Tensor(shape: output.value.shape, scalars: seed))
        defer { for parameter in model.parameters { parameter.grad = nil } }
        let gradients = input.grad?.scalars ?? [Float](repeating: 0, count: batch.count)
        var attributions = [Double](repeating: 0, count: width)
        for s in 0..<steps { for j in 0..<width { attributions[j] += Double(gradients[s * width + j]) } }
        for j in 0..<width { attributions[j] *= Double(x[j] - baseline[j]) }
        let values = output.value.scalars
        return (attributions, Double(values[steps * k + target]), Double(values[(steps + 1) * k + target]))
    }
}
