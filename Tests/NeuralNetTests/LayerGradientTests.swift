import NeuralNet
import Tensor
import Testing

/// Finite-difference checks of every parameterised layer as the model builds it (activations,
/// affine parts, residuals, projections included), in training mode with a fixed dropout stream.
@Suite struct LayerGradients {
    static let cases: [(String, [Int])] = [
        (#"{"type": "dense", "units": 3, "activation": "tanh"}"#, [4]),
        (#"{"type": "dense", "units": 3, "activation": "gelu"}"#, [2, 4]),
        (#"{"type": "conv2d", "filters": 3, "kernel": 3, "strides": 2, "padding": "same", "activation": "sigmoid"}"#, [5, 5, 2]),
        (#"{"type": "batchnorm"}"#, [4]),
        (#"{"type": "batchnorm"}"#, [3, 3, 2]),
        (#"{"type": "layernorm"}"#, [3, 4]),
        (#"{"type": "embedding", "input_dim": 7, "output_dim": 3}"#, [5]),
        (#"{"type": "simple_rnn", "units": 3, "return_sequences": true}"#, [4, 2]),
        (#"{"type": "lstm", "units": 3}"#, [4, 2]),
        (#"{"type": "gru", "units": 3, "return_sequences": true}"#, [4, 2]),
        (#"{"type": "multi_head_attention", "heads": 2}"#, [3, 4]),
        (#"{"type": "transformer_encoder", "heads": 2, "ff_dim": 5, "rate": 0.1}"#, [3, 4]),
        (#"{"type": "transformer_encoder", "heads": 2, "ff_dim": 5, "rate": 0.1}, {"type": "global_average_pooling1d"}, {"type": "dense", "units": 2}"#, [3, 4]),
    ]

    @Test(arguments: cases)
    func parametersMatchFiniteDifferences(layer: String, inputShape: [Int]) throws {
        let spec = try ModelSpec.parse("""
        {"input": {"shape": \(inputShape)}, "layers": [\(layer)], "loss": "mse"}
        """)
        let model = try Model(spec: spec, seed: 4)
        var rng = SeededGenerator(seed: 8)
        let isEmbedding = spec.layers[0].type == .embedding
        let x = isEmbedding
            ? Tensor(shape: [3] + inputShape, scalars: (0..<(3 * inputShape.reduce(1, *))).map { Float(($0 * 5) % 7) })
            : Tensor.normal([3] + inputShape, using: &rng)
        let weights = Tensor.normal([3] + model.outputShape, using: &rng).scalars

        func output() -> Variable {
            var context = ForwardContext(training: true, rng: SeededGenerator(seed: 21))
            return model.forward(x, context: &context)
        }
        func objective() -> Double {
            zip(output().value.scalars, weights).reduce(0) { $0 + Double($1.0) * Double($1.1) }
        }

        let out = output()
        (out * Variable(Tensor(shape: out.shape, scalars: weights))).sum().backward()
        let epsilon: Float = 3e-3
        for (name, parameter) in model.namedParameters {
            let analytic = try #require(parameter.grad, "\(name) received no gradient").scalars
            parameter.grad = nil
            var pick = SeededGenerator(seed: UInt64(name.utf8.count))
            for _ in 0..<min(8, parameter.value.count) {
                let i = Int(pick.next() % UInt64(parameter.value.count))
                let original = parameter.value.scalars[i]
                parameter.value.withUnsafeMutableBufferPointer { $0[i] = original + epsilon }
                let plus = objective()
                parameter.value.withUnsafeMutableBufferPointer { $0[i] = original - epsilon }
                let minus = objective()
                parameter.value.withUnsafeMutableBufferPointer { $0[i] = original }
                let numeric = Float((plus - minus) / Double(2 * epsilon))
                let scale = max(1, Swift.abs(numeric), Swift.abs(analytic[i]))
                #expect(Swift.abs(numeric - analytic[i]) <= 2e-2 * scale, "\(name)[\(i)]: analytic \(analytic[i]) vs numeric \(numeric)")
            }
        }
    }
}
