/// Elementwise functions with a closed-form derivative.
public enum UnaryFunction: Sendable, Equatable {
    case relu, sigmoid, tanh, gelu, exp, log, negate, square, abs
    case leakyRelu(alpha: Float)
    case scale(Float)
}

/// Elementwise binary operations; the right operand may broadcast over the left's leading axes.
public enum BinaryFunction: Sendable, Equatable { case add, subtract, multiply, divide }

/// One optimiser's update of a parameter from its gradient, with the hyperparameters of this step.
public enum UpdateRule: Sendable {
    /// PyTorch's SGD: v = μv + g; p -= lr·(g + μv) with Nesterov, else lr·v.
    case sgd(lr: Float, momentum: Float, nesterov: Bool, weightDecay: Float)
    /// Adam (L2 decay added to the gradient) or AdamW (`decoupled`: decay applied to the weight).
    /// The bias corrections are 1 − β₁ᵗ and 1 − β₂ᵗ for this step.
    case adam(lr: Float, beta1: Float, beta2: Float, epsilon: Float, weightDecay: Float, decoupled: Bool,
              biasCorrection1: Float, biasCorrection2: Float)
    /// Keras' RMSprop: s = ρs + (1 − ρ)g²; p -= lr·g / (√s + ε), with optional momentum.
    case rmsprop(lr: Float, rho: Float, momentum: Float, epsilon: Float, weightDecay: Float)
}

/// Spatial geometry of a 2-D convolution or pooling window over NHWC tensors.
public struct Conv2DGeometry: Sendable, Equatable {
    public var batch, inHeight, inWidth, inChannels: Int
    public var kernelHeight, kernelWidth: Int
    public var strideHeight, strideWidth: Int
    public var padTop, padLeft: Int
    public var outHeight, outWidth: Int

    /// `same` padding keeps ceil(in / stride) outputs (TensorFlow's rule); `valid` uses no padding.
    public init(input shape: [Int], kernel: (Int, Int), stride: (Int, Int), samePadding: Bool) {
        precondition(shape.count == 4, "expected an NHWC input, got shape \(shape)")
        batch = shape[0]; inHeight = shape[1]; inWidth = shape[2]; inChannels = shape[3]
        kernelHeight = kernel.0; kernelWidth = kernel.1
        strideHeight = stride.0; strideWidth = stride.1
        if samePadding {
            outHeight = (inHeight + strideHeight - 1) / strideHeight
            outWidth = (inWidth + strideWidth - 1) / strideWidth
            let padH = max(0, (outHeight - 1) * strideHeight + kernelHeight - inHeight)
            let padW = max(0, (outWidth - 1) * strideWidth + kernelWidth - inWidth)
            padTop = padH / 2; padLeft = padW / 2
        } else {
            outHeight = (inHeight - kernelHeight) / strideHeight + 1
            outWidth = (inWidth - kernelWidth) / strideWidth + 1
            padTop = 0; padLeft = 0
        }
    }

    public var patchSize: Int { kernelHeight * kernelWidth * inChannels }
    public var outputPixels: Int { batch * outHeight * outWidth }
}

/// What a convolution's forward pass keeps for its backward pass.
public enum ConvolutionSaved: Sendable {
    /// The NHWC input (oneDNN computes the weight gradient from it directly).
    case input(Tensor)
    /// The im2col patch matrix [N·OH·OW, KH·KW·C].
    case patches(Tensor)
}

/// Saved forward state of a recurrent layer over a whole sequence, kept for its backward pass.
public struct RecurrentState: Sendable {
    /// Input, time-major [T, B, F].
    public var inputTimeMajor: Tensor
    /// Hidden states, time-major with a leading zero step: [(T + 1) * B, H].
    public var hidden: Tensor
    /// Cell states for LSTM ([(T + 1) * B, H]); recurrent projections of the candidate for GRU.
    public var auxiliary: Tensor?
    /// Activated gates, time-major [T * B, gates * H].
    public var gates: Tensor
}

/// The compute kernels every layer is built from. Layers and autodiff call only these, so a
/// GPU backend is a new conformance, not a change to the layers.
public protocol Backend: Sendable {
    /// x [M, K] · w [K, N] (+ bias [N]).
    func linear(_ x: Tensor, _ weight: Tensor, bias: Tensor?) -> Tensor
    /// Gradients of `linear`: (dx when asked, dw, dbias when there is a bias).
    func linearBackward(_ x: Tensor, _ weight: Tensor, hasBias: Bool, gradient: Tensor, needInputGradient: Bool)
        -> (input: Tensor?, weight: Tensor, bias: Tensor?)
    /// Batched a [.., M, K] · b [.., K, N] with optional transposes of the last two axes.
    func matmul(_ a: Tensor, _ b: Tensor, transposeA: Bool, transposeB: Bool) -> Tensor

    func unary(_ function: UnaryFunction, _ x: Tensor) -> Tensor
    /// Gradient of `unary` given its input, its output and the output's gradient.
    func unaryBackward(_ function: UnaryFunction, input: Tensor, output: Tensor, gradient: Tensor) -> Tensor
    func binary(_ function: BinaryFunction, _ a: Tensor, _ b: Tensor) -> Tensor
    /// Sums `gradient` down to `shape` (the inverse of broadcasting over leading axes).
    func reduce(_ gradient: Tensor, toShape shape: [Int]) -> Tensor
    func sum(_ x: Tensor) -> Float
    /// a += b, in place (gradient accumulation).
    func accumulate(_ a: inout Tensor, _ b: Tensor)

    /// Updates `parameter` in place. The gradient is first multiplied by `gradientScale` (global-norm
    /// clipping) and clamped to ±`clipValue`; `first` and `second` are the rule's moment buffers.
    func applyUpdate(_ rule: UpdateRule, parameter: inout Tensor, gradient: Tensor, gradientScale: Float, clipValue: Float,
                     first: inout Tensor, second: inout Tensor)
    /// Σ x², accumulated in double precision.
    func sumOfSquares(_ x: Tensor) -> Double

    func softmax(_ x: Tensor) -> Tensor
    func softmaxBackward(output: Tensor, gradient: Tensor) -> Tensor
    func logSoftmax(_ x: Tensor) -> Tensor
    func logSoftmaxBackward(output: Tensor, gradient: Tensor) -> Tensor

    /// A convolution whose backward pass is `convolutionBackward`: on oneDNN where it loads
    /// (the input is saved), else as `conv2d` (the patch matrix is saved).
    func convolution(_ x: Tensor, _ weight: Tensor, bias: Tensor?, geometry: Conv2DGeometry) -> (output: Tensor, saved: ConvolutionSaved)
    func convolutionBackward(saved: ConvolutionSaved, weight: Tensor, hasBias: Bool, geometry: Conv2DGeometry,
                             gradient: Tensor, needInputGradient: Bool) -> (input: Tensor?, weight: Tensor, bias: Tensor?)
    /// im2col + SGEMM; the patches are what per-example gradients (DP-SGD) are computed from.
    func conv2d(_ x: Tensor, _ weight: Tensor, bias: Tensor?, geometry: Conv2DGeometry) -> (output: Tensor, patches: Tensor)
    func conv2dBackward(patches: Tensor, weight: Tensor, hasBias: Bool, geometry: Conv2DGeometry,
                        gradient: Tensor, needInputGradient: Bool) -> (input: Tensor?, weight: Tensor, bias: Tensor?)
    func maxPool2d(_ x: Tensor, geometry: Conv2DGeometry) -> (output: Tensor, argmax: IndexBuffer)
    func maxPool2dBackward(argmax: IndexBuffer, geometry: Conv2DGeometry, gradient: Tensor) -> Tensor
    func avgPool2d(_ x: Tensor, geometry: Conv2DGeometry) -> Tensor
    func avgPool2dBackward(geometry: Conv2DGeometry, gradient: Tensor) -> Tensor

    /// Normalises each row of [M, D] over D (layer norm), or each column over M (batch norm).
    func normalize(_ x: Tensor, overRows: Bool, epsilon: Float) -> (normalized: Tensor, mean: Tensor, inverseStd: Tensor)
    func normalizeBackward(normalized: Tensor, inverseStd: Tensor, overRows: Bool, gradient: Tensor) -> Tensor

    func embedding(_ ids: [Int32], table: Tensor) -> Tensor
    func embeddingBackward(_ ids: [Int32], vocabularySize: Int, gradient: Tensor) -> Tensor

    /// Mean softmax cross-entropy of logits [N, C] against class indices; returns the loss and dlogits.
    func softmaxCrossEntropy(logits: Tensor, labels: [Int32]) -> (loss: Float, gradient: Tensor)
    /// Mean softmax cross-entropy against target distributions [N, C].
    func softmaxCrossEntropy(logits: Tensor, targets: Tensor) -> (loss: Float, gradient: Tensor)
    /// Mean sigmoid binary cross-entropy of logits against targets in [0, 1].
    func sigmoidCrossEntropy(logits: Tensor, targets: Tensor) -> (loss: Float, gradient: Tensor)

    func lstmForward(_ x: Tensor, kernel: Tensor, recurrentKernel: Tensor, bias: Tensor) -> RecurrentState
    func lstmBackward(_ state: RecurrentState, kernel: Tensor, recurrentKernel: Tensor, hiddenGradient: Tensor)
        -> (input: Tensor, kernel: Tensor, recurrentKernel: Tensor, bias: Tensor)
    func gruForward(_ x: Tensor, kernel: Tensor, recurrentKernel: Tensor, bias: Tensor, recurrentBias: Tensor) -> RecurrentState
    func gruBackward(_ state: RecurrentState, kernel: Tensor, recurrentKernel: Tensor, hiddenGradient: Tensor)
        -> (input: Tensor, kernel: Tensor, recurrentKernel: Tensor, bias: Tensor, recurrentBias: Tensor)
    func simpleRNNForward(_ x: Tensor, kernel: Tensor, recurrentKernel: Tensor, bias: Tensor) -> RecurrentState
    func simpleRNNBackward(_ state: RecurrentState, kernel: Tensor, recurrentKernel: Tensor, hiddenGradient: Tensor)
        -> (input: Tensor, kernel: Tensor, recurrentKernel: Tensor, bias: Tensor)

    /// Scaled dot-product attention over q, k, v [B, T, E] split into `heads`; returns output and probabilities.
    func attention(q: Tensor, k: Tensor, v: Tensor, heads: Int, causal: Bool) -> (output: Tensor, probabilities: Tensor)
    func attentionBackward(q: Tensor, k: Tensor, v: Tensor, probabilities: Tensor, heads: Int, gradient: Tensor)
        -> (q: Tensor, k: Tensor, v: Tensor)

    // DP-SGD: what each example contributes to a linear map's gradient, rather than the sum.
    /// Per-example gradients of y = a · w (+ b) from inputs a [E·R, K] and output gradients
    /// g [E·R, F] over `examples` E of R rows each, with each example's squared L2 norm.
    func perExampleLinearGradients(inputs: Tensor, gradients: Tensor, examples: Int, hasBias: Bool) -> PerExampleLinearGradients
    /// Σᵢ scalesᵢ · (example i's gradient): the clipped sum DP-SGD adds its noise to.
    func scaledSum(_ gradients: PerExampleLinearGradients, scales: [Float]) -> (weight: Tensor, bias: Tensor?)
    /// The input gradient of a convolution alone (the weight's comes per example).
    func conv2dInputGradient(weight: Tensor, geometry: Conv2DGeometry, gradient: Tensor) -> Tensor
}

/// Per-example gradients of one linear map. With one row per example (a dense layer on
/// vectors) the gradient of example i is the outer product aᵢ gᵢᵀ, so only a and g are kept and
/// ‖aᵢ gᵢᵀ‖² = ‖aᵢ‖² ‖gᵢ‖²; with several rows (a convolution's pixels, a sequence) each example's
/// [K, F] gradient is formed.
public struct PerExampleLinearGradients: @unchecked Sendable {
    public enum Storage {
        case outerProducts(inputs: Tensor, gradients: Tensor)
        case matrices(weights: Tensor, biases: Tensor?)
    }
    public var storage: Storage
    public var squaredNorms: [Double]
    public var weightShape: [Int]
    public var hasBias: Bool

    public init(storage: Storage, squaredNorms: [Double], weightShape: [Int], hasBias: Bool) {
        self.storage = storage
        self.squaredNorms = squaredNorms
        self.weightShape = weightShape
        self.hasBias = hasBias
    }
}

extension Tensor {
    /// The backend every operation runs on. One CPU backend today.
    public static var backend: any Backend { CPUBackend.shared }
}
