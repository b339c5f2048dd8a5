import Tensor

/// Per-call state of a forward pass: whether it trains (dropout, batch statistics) and the
/// random stream dropout draws from.
public struct ForwardContext {
    public var training: Bool
    public var rng: SeededGenerator
    /// Differentially private training: dense and convolution layers record each example's
    /// weight gradient here instead of the batch sum.
    public var perExample: PerExampleTape?

    public init(training: Bool, rng: SeededGenerator = SeededGenerator(seed: 0), perExample: PerExampleTape? = nil) {
        self.training = training
        self.rng = rng
        self.perExample = perExample
    }
}

/// A building block of a model: named parameters (trainable), named buffers (saved but not
/// trained, like running statistics) and a forward pass over a batch.
///
/// Names are local (`weight`, `query.bias`); the model prefixes them with the layer's place
/// (`layers.3.query.bias`), which is also the safetensors key.
public protocol Layer: AnyObject {
    var parameters: [(name: String, variable: Variable)] { get }
    var buffers: [(name: String, tensor: Tensor)] { get }
    func setBuffer(_ name: String, _ value: Tensor)
    func forward(_ x: Variable, context: inout ForwardContext) -> Variable
}

extension Layer {
    public var buffers: [(name: String, tensor: Tensor)] { [] }
    public func setBuffer(_ name: String, _ value: Tensor) {}
}

/// Keras' default initialisers.
enum Initializer {
    /// Glorot/Xavier uniform: U(±√(6 / (fanIn + fanOut))).
    static func glorotUniform(_ shape: [Int], fanIn: Int, fanOut: Int, rng: inout SeededGenerator) -> Tensor {
        let limit = (6 / Float(fanIn + fanOut)).squareRoot()
        return Tensor.uniform(shape, low: -limit, high: limit, using: &rng)
    }

    /// A [rows, columns] matrix with orthonormal rows or columns (Keras' recurrent default),
    /// by Gram–Schmidt on a Gaussian matrix.
    static func orthogonal(rows: Int, columns: Int, rng: inout SeededGenerator) -> Tensor {
        let (long, short) = (max(rows, columns), min(rows, columns))
        // `short` orthonormal vectors of length `long`.
        var vectors = (0..<short).map { _ in (0..<long).map { _ in Double(rng.nextNormal()) } }
        for i in 0..<short {
            for j in 0..<i {
                let dot = zip(vectors[i], vectors[j]).reduce(0) { $0 + $1.0 * $1.1 }
                for k in 0..<long { vectors[i][k] -= dot * vectors[j][k] }
            }
            let norm = vectors[i].reduce(0) { $0 + $1 * $1 }.squareRoot()
            for k in 0..<long { vectors[i][k] /= max(norm, 1e-12) }
        }
        return Tensor(shape: [rows, columns]) { out in
            for r in 0..<rows { for c in 0..<columns {
                out[r * columns + c] = Float(rows >= columns ? vectors[c][r] : vectors[r][c])
            } }
        }
    }
}

func applyActivation(_ activation: Activation, alpha: Float?, to x: Variable) -> Variable {
    switch activation {
    case .linear: return x
    case .relu: return x.relu()
    case .leakyRelu: return x.leakyRelu(alpha: alpha ?? 0.3)
    case .gelu: return x.gelu()
    case .sigmoid: return x.sigmoid()
    case .tanh: return x.tanh()
    case .softmax: return x.softmax()
    }
}

/// Applies `body` to a [.., features] input as a [rows, features] matrix and restores the leading axes.
func overRows(_ x: Variable, _ body: (Variable) -> Variable) -> Variable {
    guard x.shape.count > 2 else { return body(x) }
    let leading = Array(x.shape.dropLast())
    let y = body(x.reshaped([-1, x.shape.last!]))
    return y.reshaped(leading + [y.shape.last!])
}
