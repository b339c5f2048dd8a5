import Foundation
import NeuralNet
import Tensor
import Testing

/// Forward outputs, gradients and one Adam step against PyTorch (fixtures from
/// scripts/make_torch_fixtures.py), to 1e-4.
@Suite struct TorchFixtures {
    static func fixture(_ name: String) throws -> [String: Tensor] {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: "safetensors", subdirectory: "Fixtures"))
        return try Safetensors.read(path: url.path).tensors
    }

    static func expectClose(_ actual: Tensor, _ expected: Tensor?, _ what: String, tolerance: Float = 1e-4,
                            sourceLocation: SourceLocation = #_sourceLocation) {
        guard let expected else { Issue.record("fixture lacks \(what)", sourceLocation: sourceLocation); return }
        #expect(actual.count == expected.count, "\(what): \(actual.shape) vs \(expected.shape)", sourceLocation: sourceLocation)
        let worst = zip(actual.scalars, expected.scalars).map { Swift.abs($0 - $1) / max(1, Swift.abs($1)) }.max() ?? 0
        #expect(worst <= tolerance, "\(what) differs from PyTorch by \(worst)", sourceLocation: sourceLocation)
    }

    /// Runs `forward` on the fixture's parameters, back-propagates sum(output · seed), takes one
    /// Adam step, and compares every stage.
    static func check(_ name: String, parameters names: [String], forward: (Variable, [String: Variable]) -> Variable) throws {
        let f = try fixture(name)
        let input = Variable(f["input"]!, requiresGrad: true)
        var parameters: [String: Variable] = [:]
        for n in names { parameters[n] = Variable(f["p.\(n)"]!, requiresGrad: true) }
        let output = forward(input, parameters)
        expectClose(output.value, f["output"], "\(name) output")
        (output * Variable(f["seed"]!.reshaped(output.shape))).sum().backward()
        expectClose(input.grad!, f["g.input"], "\(name) input gradient")
        for n in names { expectClose(parameters[n]!.grad!, f["g.\(n)"], "\(name) \(n) gradient") }
        var spec = OptimizerSpec(kind: .adam, lr: 0.01)
        spec.epsilon = 1e-8
        Optimizer(spec).step(names.map { parameters[$0]! }, lr: 0.01)
        for n in names { expectClose(parameters[n]!.value, f["a.\(n)"], "\(name) \(n) after one Adam step") }
    }

    @Test func dense() throws {
        try Self.check("torch_dense", parameters: ["weight", "bias"]) { x, p in x.linear(p["weight"]!, bias: p["bias"]) }
    }

    @Test func conv2dValidStride2() throws {
        try Self.check("torch_conv2d_valid_stride2", parameters: ["weight", "bias"]) { x, p in
            x.conv2d(p["weight"]!, bias: p["bias"], stride: (2, 2))
        }
    }

    @Test func conv2dSame() throws {
        try Self.check("torch_conv2d_same", parameters: ["weight", "bias"]) { x, p in
            x.conv2d(p["weight"]!, bias: p["bias"], samePadding: true)
        }
    }

    @Test func lstm() throws {
        try Self.check("torch_lstm", parameters: ["kernel", "recurrent_kernel", "bias"]) { x, p in
            x.recurrent(.lstm, kernel: p["kernel"]!, recurrentKernel: p["recurrent_kernel"]!, bias: p["bias"]!, returnSequences: true)
        }
    }

    @Test func gru() throws {
        try Self.check("torch_gru", parameters: ["kernel", "recurrent_kernel", "bias", "recurrent_bias"]) { x, p in
            x.recurrent(.gru, kernel: p["kernel"]!, recurrentKernel: p["recurrent_kernel"]!, bias: p["bias"]!,
                        recurrentBias: p["recurrent_bias"], returnSequences: true)
        }
    }
}

@Suite struct SafetensorsFormat {
    @Test func writesTheSameBytesAsPythonSafetensors() throws {
        let url = try #require(Bundle.module.url(forResource: "python_written", withExtension: "safetensors", subdirectory: "Fixtures"))
        let pythonBytes = try [UInt8](Data(contentsOf: url))
        let (tensors, metadata) = try Safetensors.decode(pythonBytes)
        #expect(metadata == ["format": "pt"])
        #expect(tensors["layers.10.running_var"]?.shape == [2, 2, 2])
        #expect(Safetensors.encode(tensors, metadata: metadata) == pythonBytes)
    }

    @Test func roundTripsAndRejectsDamagedFiles() throws {
        let tensors = ["a": Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6]), "b.c": Tensor(scalar: -1)]
        let bytes = Safetensors.encode(tensors)
        let back = try Safetensors.decode(bytes).tensors
        #expect(back["a"] == tensors["a"] && back["b.c"]?.scalars == [-1])
        #expect(throws: SafetensorsError.self) { try Safetensors.decode(Array(bytes.prefix(bytes.count - 4))) }
        #expect(throws: SafetensorsError.self) { try Safetensors.decode([1, 2, 3]) }
        var badHeader = bytes
        badHeader[8] = UInt8(ascii: "[")
        #expect(throws: SafetensorsError.self) { try Safetensors.decode(badHeader) }
    }
}
