/// A node of the reverse-mode autodiff graph: a value, its accumulated gradient, and how to
/// send a gradient back to the nodes it was computed from.
///
/// Every op builds its result with `Variable(_:parents:backward:)`; the backward closure maps the
/// output's gradient to one gradient per parent. Ops on values that need no gradient record
/// nothing, so inference pays only for the forward kernels.
public final class Variable {
    public var value: Tensor
    /// Accumulated gradient; set by `backward()` on leaves (parameters), cleared on intermediates.
    public var grad: Tensor?
    public let requiresGrad: Bool
    let parents: [Variable]
    let backwardFunction: ((Tensor) -> [Tensor?])?

    public var shape: [Int] { value.shape }

    /// A leaf: an input (`requiresGrad: false`) or a trainable parameter.
    public init(_ value: Tensor, requiresGrad: Bool = false) {
        self.value = value
        self.requiresGrad = requiresGrad
        parents = []
        backwardFunction = nil
    }

    /// An op's result. `backward` receives d(loss)/d(self) and returns one gradient (or nil) per parent.
    public init(_ value: Tensor, parents: [Variable], backward: @escaping (Tensor) -> [Tensor?]) {
        self.value = value
        let needed = parents.contains { $0.requiresGrad }
        requiresGrad = needed
        self.parents = needed ? parents : []
        backwardFunction = needed ? backward : nil
    }

    /// Back-propagates from this (scalar) node into every parameter that led to it.
    public func backward(seed: Tensor? = nil) {
        guard requiresGrad else { return }
        let order = topologicalOrder()
        grad = seed ?? Tensor(shape: value.shape, repeating: 1)
        for node in order.reversed() {
            guard let gradient = node.grad, let function = node.backwardFunction else { continue }
            let parentGradients = function(gradient)
            for (parent, parentGradient) in zip(node.parents, parentGradients) {
                guard parent.requiresGrad, let parentGradient else { continue }
                precondition(parentGradient.count == parent.value.count,
                             "gradient \(parentGradient.shape) for a value of shape \(parent.value.shape)")
                if parent.grad == nil {
                    parent.grad = parentGradient.reshaped(parent.value.shape)
                } else {
                    Tensor.backend.accumulate(&parent.grad!, parentGradient)
                }
            }
            // Intermediate gradients are dead once passed on; freeing them bounds peak memory.
            node.grad = nil
        }
    }

    /// Nodes that need a gradient, each after all of its parents.
    private func topologicalOrder() -> [Variable] {
        var order: [Variable] = []
        var visited = Set<ObjectIdentifier>()
        var stack: [(Variable, expanded: Bool)] = [(self, false)]
        while let (node, expanded) = stack.popLast() {
            if expanded { order.append(node); continue }
            guard visited.insert(ObjectIdentifier(node)).inserted else { continue }
            stack.append((node, true))
            for parent in node.parents where parent.requiresGrad && !visited.contains(ObjectIdentifier(parent)) {
                stack.append((parent, false))
            }
        }
        return order
    }
}
