import Foundation
import Tensor

/// The DP-SGD step of Abadi et al. (2016) as Opacus takes it: Poisson-sampled batches, each
/// example's gradient clipped to C (factor min(1, C / (‖g‖ + 10⁻⁶))), N(0, σ²C²) noise added to
/// the sum, divided by the expected batch size. σ is the smallest the RDP accountant allows for
/// the planned steps within ε.
struct PrivateSteps {
    let spec: PrivacySpec
    let sampleRate: Double
    let noiseMultiplier: Double
    let examples: Int
    let expectedBatchSize: Int

    init(_ spec: PrivacySpec, examples: Int, stepsPerEpoch: Int, epochs: Int) throws {
        self.spec = spec
        self.examples = examples
        // As Opacus' DPDataLoader: q = 1 / batches per epoch, as many steps as batches.
        sampleRate = 1 / Double(stepsPerEpoch)
        expectedBatchSize = max(1, Int(Double(examples) * sampleRate))
        let steps = stepsPerEpoch * epochs
        do {
            noiseMultiplier = try RDPAccountant.noiseMultiplier(targetEpsilon: spec.epsilon, delta: spec.delta, sampleRate: sampleRate, steps: steps)
        } catch {
            throw SpecError("privacy.epsilon", "\(spec.epsilon) is too small a budget for \(steps) steps at sampling rate \(sampleRate) (the noise would exceed \(Int(RDPAccountant.maximumNoiseMultiplier)) times the clipping norm); raise epsilon or train fewer epochs")
        }
    }

    /// Each example independently with probability q.
    func sample(using rng: inout SeededGenerator) -> [Int] {
        var picked: [Int] = []
        picked.reserveCapacity(expectedBatchSize * 2)
        let threshold = UInt64(sampleRate * 0x1p53)
        for i in 0..<examples where rng.next() >> 11 < threshold { picked.append(i) }
        return picked
    }

    /// Replaces each parameter's gradient with the sum of the clipped per-example gradients.
    func clip(_ tape: PerExampleTape, parameters: [Variable]) throws {
        let recorded = Set(tape.parameters.map(ObjectIdentifier.init))
        if parameters.contains(where: { !recorded.contains(ObjectIdentifier($0)) }) {
            throw SpecError("privacy", "a layer of this network trains parameters whose per-example gradients are unknown")
        }
        tape.clip(maxNorm: spec.maxGradNorm)
    }

    /// grad ← (grad + N(0, σ²C²)) / expected batch size.
    func addNoise(_ parameters: [Variable], using rng: inout SeededGenerator) {
        let std = Float(noiseMultiplier * spec.maxGradNorm), scale = 1 / Float(expectedBatchSize)
        for p in parameters {
            if p.grad == nil { p.grad = Tensor(zeros: p.shape) }
            p.grad!.addGaussianNoise(std: std, scale: scale, seed: rng.next())
        }
    }

    func report(steps: Int) -> PrivacyReport {
        PrivacyReport(epsilon: steps == 0 ? 0 : RDPAccountant.epsilon(sampleRate: sampleRate, noiseMultiplier: noiseMultiplier, steps: steps, delta: spec.delta),
                      delta: spec.delta, noiseMultiplier: noiseMultiplier, maxGradNorm: spec.maxGradNorm, sampleRate: sampleRate, steps: steps)
    }
}
