import Foundation
import Tensor

/// Applies one optimisation step to a model's parameters from their accumulated gradients.
/// Moment buffers are allocated on the first step and updated in place afterwards.
public final class Optimizer {
    public let spec: OptimizerSpec
    public private(set) var stepCount = 0
    private var first: [Tensor] = []
    private var second: [Tensor] = []

    public init(_ spec: OptimizerSpec) { self.spec = spec }

    /// Updates `parameters` (leaves with gradients) with learning rate `lr`, then clears the gradients.
    public func step(_ parameters: [Variable], lr: Float) {
        if first.isEmpty {
            first = parameters.map { Tensor(zeros: $0.value.shape) }
            second = parameters.map { Tensor(zeros: $0.value.shape) }
        }
        stepCount += 1
        let clipScale = globalClipScale(parameters)
        let t = Float(stepCount)
        let momentum = spec.momentum ?? 0, nesterov = spec.nesterov ?? false
        let beta1 = spec.beta1 ?? 0.9, beta2 = spec.beta2 ?? 0.999
        let epsilon = spec.epsilon ?? 1e-7, rho = spec.rho ?? 0.9
        let decay = spec.weightDecay ?? (spec.kind == .adamw ? 0.01 : 0)
        let clipValue = spec.clipValue ?? .infinity
        let biasCorrection1 = 1 - powf(beta1, t), biasCorrection2 = 1 - powf(beta2, t)
        for (i, parameter) in parameters.enumerated() {
            guard let gradient = parameter.grad else { continue }
            parameter.grad = nil
            gradient.withUnsafeBufferPointer { gBuffer in
                first[i].withUnsafeMutableBufferPointer { mBuffer in
                    second[i].withUnsafeMutableBufferPointer { vBuffer in
                        parameter.value.withUnsafeMutableBufferPointer { pBuffer in
                            let g = gBuffer.baseAddress!, m = mBuffer.baseAddress!, v = vBuffer.baseAddress!, p = pBuffer.baseAddress!
                            for j in 0..<pBuffer.count {
                                var grad = min(max(g[j] * clipScale, -clipValue), clipValue)
                                switch spec.kind {
                                case .sgd:
                                    grad += decay * p[j]
                                    if momentum > 0 {
                                        m[j] = momentum * m[j] + grad
                                        p[j] -= lr * (nesterov ? grad + momentum * m[j] : m[j])
                                    } else {
                                        p[j] -= lr * grad
                                    }
                                case .adam, .adamw:
                                    if spec.kind == .adam { grad += decay * p[j] } else { p[j] -= lr * decay * p[j] }
                                    m[j] = beta1 * m[j] + (1 - beta1) * grad
                                    v[j] = beta2 * v[j] + (1 - beta2) * grad * grad
                                    let mHat = m[j] / biasCorrection1, vHat = v[j] / biasCorrection2
                                    p[j] -= lr * mHat / (vHat.squareRoot() + epsilon)
                                case .rmsprop:
                                    grad += decay * p[j]
                                    v[j] = rho * v[j] + (1 - rho) * grad * grad
                                    let update = grad / (v[j].squareRoot() + epsilon)
                                    if momentum > 0 { m[j] = momentum * m[j] + update; p[j] -= lr * m[j] } else { p[j] -= lr * update }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Factor that brings the global gradient norm down to `clip_norm` (1 when under it).
    private func globalClipScale(_ parameters: [Variable]) -> Float {
        guard let limit = spec.clipNorm else { return 1 }
        var total: Double = 0
        for parameter in parameters {
            parameter.grad?.withUnsafeBufferPointer { g in for x in g { total += Double(x * x) } }
        }
        let norm = Float(total.squareRoot())
        return norm > limit ? limit / (norm + 1e-6) : 1
    }

    /// Learning rate for a step, from the base rate, warm-up and schedule.
    public func learningRate(step: Int, epoch: Int, totalSteps: Int) -> Float {
        var lr = spec.lr
        if let schedule = spec.schedule {
            switch schedule.type {
            case .constant: break
            case .step:
                lr *= powf(schedule.gamma ?? 0.1, Float(epoch / max(schedule.stepSize ?? 1, 1)))
            case .cosine:
                let minimum = schedule.minLR ?? 0
                let progress = Float(step) / Float(max(totalSteps, 1))
                lr = minimum + 0.5 * (lr - minimum) * (1 + cosf(Float.pi * min(progress, 1)))
            }
            if let warmup = schedule.warmupSteps, warmup > 0, step < warmup {
                lr *= Float(step + 1) / Float(warmup)
            }
        }
        return lr
    }
}
