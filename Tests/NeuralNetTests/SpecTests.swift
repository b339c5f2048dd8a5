import Foundation
import NeuralNet
import Tensor
import Testing

@Suite struct ModelSpecParsing {
    static let cnnJSON = """
    {"input": {"shape": [28, 28, 1]},
     "layers": [{"type": "conv2d", "filters": 32, "kernel": 3, "activation": "relu"},
                {"type": "maxpool2d", "pool_size": 2},
                {"type": "flatten"},
                {"type": "dense", "units": 10, "activation": "softmax"}],
     "loss": "sparse_categorical_crossentropy",
     "optimizer": {"type": "adam", "lr": 0.001}, "epochs": 5, "batch_size": 128}
    """

    @Test func jsonAndYAMLGiveTheSameSpec() throws {
        let yaml = """
        input: {shape: [28, 28, 1]}
        layers:
          - {type: conv2d, filters: 32, kernel: 3, activation: relu}
          - {type: maxpool2d, pool_size: 2}
          - type: flatten
          - {type: dense, units: 10, activation: softmax}
        loss: sparse_categorical_crossentropy
        optimizer: {type: adam, lr: 0.001}
        epochs: 5
        batch_size: 128
        """
        let fromJSON = try ModelSpec.parse(Self.cnnJSON)
        #expect(try ModelSpec.parse(yaml) == fromJSON)
        #expect(fromJSON.layers[0].kernel == SizePair(3, 3))
        #expect(fromJSON.batchSize == 128)
        // The stored form parses back to the same value (what an artifact relies on).
        #expect(try ModelSpec.parse(String(decoding: fromJSON.json(), as: UTF8.self)) == fromJSON)
    }

    @Test(arguments: [
        (#""filters": 32"#, #""filters": 0"#, "layers[0].filters: must be between 1 and 65536, got 0"),
        (#""filters": 32"#, #""filters": 32, "units": 4"#, "layers[0].units: unknown field"),
        (#""type": "flatten""#, #""type": "flattn""#, "layers[2].type: unknown layer type 'flattn'"),
        (#""units": 10, "#, "", "layers[3].units: is required for a dense layer"),
        (#""batch_size": 128"#, #""batch_size": 0"#, "batch_size: must be between 1 and 65536, got 0"),
        (#""lr": 0.001"#, #""lr": -1"#, "optimizer.lr: must be in (0, 10], got -1.0"),
        (#""activation": "relu""#, #""activation": "swish""#, "layers[0].activation: unknown activation 'swish'"),
        (#""loss": "sparse_categorical_crossentropy""#, #""loss": "hinge""#, "loss: unknown loss 'hinge'"),
        (#""epochs": 5"#, #""epochs": "five""#, "epochs: expected an integer"),
    ])
    func errorsNameTheLayerAndField(original: String, replacement: String, expected: String) {
        let text = Self.cnnJSON.replacingOccurrences(of: original, with: replacement)
        #expect(text != Self.cnnJSON)
        do {
            _ = try ModelSpec.parse(text)
            Issue.record("accepted an invalid spec")
        } catch {
            #expect("\(error)".hasPrefix(expected), "got: \(error)")
        }
    }

    @Test func shapeErrorsNameTheLayer() throws {
        var spec = try ModelSpec.parse(Self.cnnJSON)
        spec.layers.insert(LayerSpec(.conv2d, filters: 8, kernel: 3), at: 3)  // after flatten
        #expect(throws: SpecError.self) { try Model(spec: spec) }
        do { _ = try Model(spec: spec) } catch { #expect("\(error)".hasPrefix("layers[3]: a conv2d layer expects")) }

        spec = try ModelSpec.parse(Self.cnnJSON)
        spec.layers[0].kernel = SizePair(40, 40)
        do { _ = try Model(spec: spec); Issue.record("accepted a kernel larger than the image") } catch {
            #expect("\(error)".hasPrefix("layers[0].kernel:"))
        }
    }

    @Test func everyLayerTypeBuildsAndRuns() throws {
        let spec = try ModelSpec.parse("""
        input: {shape: [12]}
        layers:
          - {type: embedding, input_dim: 50, output_dim: 8}
          - {type: transformer_encoder, heads: 2, ff_dim: 16, rate: 0.1}
          - {type: multi_head_attention, heads: 4, causal: true}
          - {type: layernorm}
          - {type: gru, units: 8, return_sequences: true}
          - {type: simple_rnn, units: 8, return_sequences: true}
          - {type: lstm, units: 8, return_sequences: true}
          - {type: global_average_pooling1d}
          - {type: batchnorm}
          - {type: dropout, rate: 0.2}
          - {type: dense, units: 6, activation: gelu}
          - {type: activation, activation: leaky_relu, alpha: 0.1}
          - {type: dense, units: 3, activation: softmax}
        loss: sparse_categorical_crossentropy
        """)
        let model = try Model(spec: spec, seed: 3)
        #expect(model.outputShape == [3])
        let ids = Tensor(shape: [5, 12], scalars: (0..<60).map { Float($0 % 50) })
        let probabilities = try model.predict(ids)
        #expect(probabilities.shape == [5, 3])
        for row in 0..<5 {
            let sum = probabilities.scalars[(row * 3)..<(row * 3 + 3)].reduce(0, +)
            #expect(Swift.abs(sum - 1) < 1e-5)
        }
        #expect(throws: SpecError.self) { try model.predict(Tensor(shape: [1, 12], repeating: 50)) }
        #expect(throws: SpecError.self) { try model.predict(Tensor(shape: [1, 11], repeating: 1)) }
    }

    @Test func imageLayersBuild() throws {
        let spec = try ModelSpec.parse("""
        {"input": {"shape": [9, 9, 2]},
         "layers": [{"type": "conv2d", "filters": 4, "kernel": [3, 2], "strides": 2, "padding": "same"},
                    {"type": "batchnorm"}, {"type": "avgpool2d", "pool_size": 2, "padding": "same"},
                    {"type": "maxpool2d", "pool_size": 2, "strides": 1}, {"type": "flatten"},
                    {"type": "dense", "units": 1, "activation": "sigmoid"}],
         "loss": "binary_crossentropy"}
        """)
        let model = try Model(spec: spec)
        #expect(model.outputShape == [1])
        #expect(model.namedParameters.map(\.name) == ["layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias",
                                                       "layers.5.weight", "layers.5.bias"])
        #expect(model.stateDictionary.keys.contains("layers.1.running_mean"))
    }
}
