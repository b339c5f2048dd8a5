import Datasets
import Foundation
import NeuralNet
import Tensor
import Testing

/// DP-SGD against Opacus 1.6 (fixtures from scripts/make_privacy_fixtures.py): the RDP
/// accountant's ε and noise multipliers, and the clipped per-example gradient sum of a small CNN.
@Suite struct DifferentialPrivacy {
    struct AccountantFixture: Decodable {
        struct Spent: Decodable { let sample_rate: Double, noise_multiplier: Double, steps: Int, delta: Double, epsilon: Double }
        struct Multiplier: Decodable { let target_epsilon: Double, delta: Double, sample_rate: Double, steps: Int, noise_multiplier: Double }
        let epsilon: [Spent]
        let noise_multiplier: [Multiplier]
    }

    static func accountantFixture() throws -> AccountantFixture {
        let url = try #require(Bundle.module.url(forResource: "opacus_accountant", withExtension: "json", subdirectory: "Fixtures"))
        return try JSONDecoder().decode(AccountantFixture.self, from: Data(contentsOf: url))
    }

    @Test func epsilonMatchesOpacus() throws {
        let fixture = try Self.accountantFixture()
        #expect(fixture.epsilon.count >= 6)
        for case_ in fixture.epsilon {
            let eps = RDPAccountant.epsilon(sampleRate: case_.sample_rate, noiseMultiplier: case_.noise_multiplier, steps: case_.steps, delta: case_.delta)
            #expect(abs(eps - case_.epsilon) <= 1e-3, "q \(case_.sample_rate) σ \(case_.noise_multiplier) \(case_.steps) steps: ε \(eps), Opacus \(case_.epsilon)")
        }
    }

    @Test func noiseMultiplierMatchesOpacus() throws {
        let fixture = try Self.accountantFixture()
        for case_ in fixture.noise_multiplier {
            let sigma = try RDPAccountant.noiseMultiplier(targetEpsilon: case_.target_epsilon, delta: case_.delta,
                                                          sampleRate: case_.sample_rate, steps: case_.steps)
            #expect(abs(sigma - case_.noise_multiplier) <= 1e-3, "ε \(case_.target_epsilon): σ \(sigma), Opacus \(case_.noise_multiplier)")
            let spent = RDPAccountant.epsilon(sampleRate: case_.sample_rate, noiseMultiplier: sigma, steps: case_.steps, delta: case_.delta)
            #expect(spent <= case_.target_epsilon && spent > case_.target_epsilon - 0.02)
        }
    }

    @Test func aBudgetTooSmallIsRefused() {
        #expect(throws: RDPAccountant.Failure.budgetTooLow) {
            try RDPAccountant.noiseMultiplier(targetEpsilon: 1e-9, delta: 1e-5, sampleRate: 0.5, steps: 100000)
        }
    }

    /// conv → relu → max-pool → flatten → dense on 6 images: each example's gradient norm and
    /// the clipped sum equal PyTorch's per-example backward passes with Opacus' clip factor.
    @Test func clippedPerExampleGradientsMatchPyTorch() throws {
        let f = try TorchFixtures.fixture("dp_clipped_gradients")
        let convWeight = Variable(f["conv.weight"]!, requiresGrad: true), convBias = Variable(f["conv.bias"]!, requiresGrad: true)
        let denseWeight = Variable(f["dense.weight"]!, requiresGrad: true), denseBias = Variable(f["dense.bias"]!, requiresGrad: true)
        let labels = f["labels"]!.scalars.map { Int32($0) }
        let tape = PerExampleTape(examples: 6)
        let hidden = Variable(f["input"]!).conv2d(convWeight, bias: convBias, perExample: tape).relu()
            .maxPool2d(size: (2, 2), stride: (2, 2))
        let logits = hidden.reshaped([6, 16]).linear(denseWeight, bias: denseBias, perExample: tape)
        let loss = logits.softmaxCrossEntropy(labels: labels)
        loss.backward(seed: Tensor(shape: loss.value.shape, repeating: 6))
        #expect(convWeight.grad == nil && denseWeight.grad == nil, "the batch gradient is not formed")
        let norms = tape.clip(maxNorm: Double(f["max_grad_norm"]!.scalars[0]))
        TorchFixtures.expectClose(Tensor(shape: [6], scalars: norms.map(Float.init)), f["norms"], "per-example gradient norms")
        #expect(norms.contains { $0 > 2.3 } && norms.contains { $0 < 2.3 }, "the fixture clips some examples and not others")
        TorchFixtures.expectClose(try #require(convWeight.grad), f["clipped.conv.weight"], "clipped conv weight gradient")
        TorchFixtures.expectClose(try #require(convBias.grad), f["clipped.conv.bias"], "clipped conv bias gradient")
        TorchFixtures.expectClose(try #require(denseWeight.grad), f["clipped.dense.weight"], "clipped dense weight gradient")
        TorchFixtures.expectClose(try #require(denseBias.grad), f["clipped.dense.bias"], "clipped dense bias gradient")
    }

    static let spec = """
    {"input": {"shape": [28, 28, 1]},
     "layers": [{"type": "flatten"}, {"type": "dense", "units": 64, "activation": "relu"}, {"type": "dense", "units": 10}],
     "loss": "sparse_categorical_crossentropy", "optimizer": {"type": "sgd", "lr": 0.5, "momentum": 0.9},
     "epochs": 3, "batch_size": 100, "seed": 3, "privacy": {"epsilon": 3, "delta": 1e-5, "max_grad_norm": 1}}
    """

    @Test func theSpecNamesWhatIsWrong() {
        func error(_ privacy: String, layer: String = "{\"type\": \"dense\", \"units\": 2}") -> String {
            do {
                _ = try ModelSpec.parse("{\"input\": {\"shape\": [4]}, \"layers\": [\(layer)], \"loss\": \"mse\", \"privacy\": \(privacy)}")
                return "accepted"
            } catch { return "\(error)" }
        }
        #expect(error("{\"epsilon\": 0}").hasPrefix("privacy.epsilon: must be a number above 0"))
        #expect(error("{\"epsilon\": -1}").hasPrefix("privacy.epsilon"))
        #expect(error("{\"delta\": 1e-5}").hasPrefix("privacy.epsilon: is required"))
        #expect(error("{\"epsilon\": 3, \"delta\": 1}").hasPrefix("privacy.delta"))
        #expect(error("{\"epsilon\": 3, \"max_grad_norm\": 0}").hasPrefix("privacy.max_grad_norm"))
        #expect(error("{\"epsilon\": 3, \"sigma\": 1}").contains("sigma"))
        #expect(error("{\"epsilon\": 3}", layer: "{\"type\": \"batchnorm\"}").hasPrefix("layers[0].type: batchnorm cannot train with privacy"))
        #expect(error("{\"epsilon\": 3}") == "accepted")
    }

    /// A private MLP on 3,000 Fashion-MNIST images learns, spends at most its budget, and stores
    /// what it spent; the same run without privacy differs (noise and clipping act).
    @Test(.timeLimit(.minutes(5)))
    func privateTrainingLearnsWithinItsBudget() throws {
        let folder = ProcessInfo.processInfo.environment["FASHION_MNIST_DIR"] ?? "/usr/share/datasets/fashion-mnist"
        let all = try LabelledImages.loadIDXFolder(folder, split: "train")
        let data = LabelledData(inputs: all.images, targets: .classes(all.labels)).batch(0..<3000)
        let test = LabelledData(inputs: all.images, targets: .classes(all.labels)).batch(3000..<4000)
        let spec = try ModelSpec.parse(Self.spec)
        let trainer = Trainer(model: try Model(spec: spec))
        let reports = try trainer.fit(data)
        #expect(reports.count == 3)
        let spent = try #require(trainer.privacy)
        #expect(spent.steps == 90 && abs(spent.sampleRate - 1.0 / 30) < 1e-12)
        #expect(spent.epsilon <= 3 && spent.epsilon > 2.9, "ε spent \(spent.epsilon)")
        #expect(spent.noiseMultiplier > 0.5 && spent.noiseMultiplier < 5)
        #expect(spent.metrics["privacy_epsilon"] == spent.epsilon)
        let (_, accuracy) = trainer.evaluate(test)
        #expect(try #require(accuracy) > 0.55, "private test accuracy \(accuracy ?? 0)")
        var open = spec
        open.privacy = nil
        let plain = Trainer(model: try Model(spec: open))
        _ = try plain.fit(data)
        #expect(plain.privacy == nil)
        #expect(plain.model.stateDictionary["layers.1.weight"]!.scalars != trainer.model.stateDictionary["layers.1.weight"]!.scalars)
    }
}
