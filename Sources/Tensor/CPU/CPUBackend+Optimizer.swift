extension CPUBackend {
    public func applyUpdate(_ rule: UpdateRule, parameter: inout Tensor, gradient: Tensor, gradientScale: Float, clipValue: Float,
                            first: inout Tensor, second: inout Tensor) {
        precondition(parameter.count == gradient.count && first.count == parameter.count && second.count == parameter.count,
                     "optimizer buffers do not match parameter \(parameter.shape)")
        let g = gradient.base
        // Each rule is its own loop, with the hyperparameters hoisted, so the compiler vectorises it.
        parameter.withUnsafeMutableBufferPointer { pb in first.withUnsafeMutableBufferPointer { mb in second.withUnsafeMutableBufferPointer { vb in
            let p = pb.baseAddress!, m = mb.baseAddress!, v = vb.baseAddress!
            parallelFor(pb.count, grain: Self.elementwiseGrain) { range in
                switch rule {
                case let .sgd(lr, momentum, nesterov, decay):
                    for i in range {
                        let grad = min(max(g[i] * gradientScale, -clipValue), clipValue) + decay * p[i]
                        let velocity = momentum * m[i] + grad
                        m[i] = velocity
                        p[i] -= lr * (nesterov ? grad + momentum * velocity : (momentum > 0 ? velocity : grad))
                    }
                case let .adam(lr, beta1, beta2, epsilon, decay, decoupled, correction1, correction2):
                    let l2 = decoupled ? 0 : decay, shrink = decoupled ? 1 - lr * decay : 1
                    let step = lr / correction1, inverseCorrection2 = 1 / correction2
                    for i in range {
                        let grad = min(max(g[i] * gradientScale, -clipValue), clipValue) + l2 * p[i]
                        let mi = beta1 * m[i] + (1 - beta1) * grad
                        let vi = beta2 * v[i] + (1 - beta2) * grad * grad
                        m[i] = mi
                        v[i] = vi
                        p[i] = p[i] * shrink - step * mi / ((vi * inverseCorrection2).squareRoot() + epsilon)
                    }
                case let .rmsprop(lr, rho, momentum, epsilon, decay):
                    for i in range {
                        let grad = min(max(g[i] * gradientScale, -clipValue), clipValue) + decay * p[i]
                        let si = rho * v[i] + (1 - rho) * grad * grad
                        v[i] = si
                        let update = grad / (si.squareRoot() + epsilon)
                        let velocity = momentum * m[i] + update
                        m[i] = velocity
                        p[i] -= lr * (momentum > 0 ? velocity : update)
                    }
                }
            }
        } } }
    }

    public func sumOfSquares(_ x: Tensor) -> Double {
        var total: Double = 0
        var i = 0
        let p = x.base
        while i < x.count {
            let end = min(x.count, i + 4096)
            var block: Float = 0
            for j in i..<end { block += p[j] * p[j] }
            total += Double(block)
            i = end
        }
        return total
    }
}
