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

    /// Step count and moment buffers, by parameter index: what a checkpoint must hold so a
    /// resumed run takes the same steps as an uninterrupted one.
    public var state: (stepCount: Int, first: [Tensor], second: [Tensor]) { (stepCount, first, second) }

    public func restore(stepCount: Int, first: [Tensor], second: [Tensor]) {
        self.stepCount = stepCount
        self.first = first
        self.second = second
    }

    /// Updates `parameters` (leaves with gradients) with learning rate `lr`, then clears the gradients.
    public func step(_ parameters: [Variable], lr: Float) {
        if first.isEmpty {
            first = parameters.map { Tensor(zeros: $0.value.shape) }
            second = parameters.map { Tensor(zeros: $0.value.shape) }
        }
        stepCount += 1
        let rule = updateRule(lr: lr)
        let clipScale = globalClipScale(parameters)
        let backend = Tensor.backend
        for (i, parameter) in parameters.enumerated() {
            guard let gradient = parameter.grad else { continue }
            parameter.grad = nil
            backend.applyUpdate(rule, parameter: &parameter.value, gradient: gradient, gradientScale: clipScale,
                                clipValue: spec.clipValue ?? .infinity, first: &first[i], second: &second[i])
        }
    }

    private func updateRule(lr: Float) -> UpdateRule {
        let decay = spec.weightDecay ?? (spec.kind == .adamw ? 0.01 : 0)
        switch spec.kind {
        case .sgd:
            return .sgd(lr: lr, momentum: spec.momentum ?? 0, nesterov: spec.nesterov ?? false, weightDecay: decay)
        case .adam, .adamw:
            let beta1 = spec.beta1 ?? 0.9, beta2 = spec.beta2 ?? 0.999, t = Float(stepCount)
            return .adam(lr: lr, beta1: beta1, beta2: beta2, epsilon: spec.epsilon ?? 1e-7, weightDecay: decay,
                         decoupled: spec.kind == .adamw, biasCorrection1: 1 - powf(beta1, t), biasCorrection2: 1 - powf(beta2, t))
        case .rmsprop:
            return .rmsprop(lr: lr, rho: spec.rho ?? 0.9, momentum: spec.momentum ?? 0, epsilon: spec.epsilon ?? 1e-7, weightDecay: decay)
        }
    }

    /// Factor that brings the global gradient norm down to `clip_norm` (1 when under it).
    private func globalClipScale(_ parameters: [Variable]) -> Float {
        guard let limit = spec.clipNorm else { return 1 }
        let total = parameters.reduce(0.0) { $0 + ($1.grad.map(Tensor.backend.sumOfSquares) ?? 0) }
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
