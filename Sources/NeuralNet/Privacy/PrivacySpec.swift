import Foundation

/// `"privacy": {"epsilon": 3, "delta": 1e-5, "max_grad_norm": 1}`: train with DP-SGD so the
/// whole run is (ε, δ)-differentially private with respect to one training example. Each
/// example's gradient is clipped to `max_grad_norm`; Gaussian noise with the multiplier the
/// RDP accountant chooses for ε is added to the sum; batches are Poisson samples.
public struct PrivacySpec: Codable, Equatable, Sendable {
    public var epsilon: Double
    public var delta: Double
    public var maxGradNorm: Double

    enum CodingKeys: String, CodingKey, CaseIterable {
        case epsilon, delta, maxGradNorm = "max_grad_norm"
    }

    public init(epsilon: Double, delta: Double = 1e-5, maxGradNorm: Double = 1) {
        self.epsilon = epsilon
        self.delta = delta
        self.maxGradNorm = maxGradNorm
    }

    public init(from decoder: any Decoder) throws {
        try rejectUnknownKeys(decoder, allowed: Set(CodingKeys.allCases.map(\.rawValue)))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        guard let epsilon = try c.decodeIfPresent(Double.self, forKey: .epsilon) else {
            throw SpecError("privacy.epsilon", "is required: the privacy budget, a positive number such as 3")
        }
        self.epsilon = epsilon
        delta = try c.decodeIfPresent(Double.self, forKey: .delta) ?? 1e-5
        maxGradNorm = try c.decodeIfPresent(Double.self, forKey: .maxGradNorm) ?? 1
    }

    /// Layers whose gradients split into per-example parts: those without parameters, and
    /// dense and convolution layers, whose per-example gradients the engine forms.
    static let supportedLayers: Set<LayerType> = [.dense, .conv2d, .maxpool2d, .avgpool2d, .flatten, .dropout, .activation, .globalAveragePooling1D]

    public func validate(layers: [LayerSpec]) throws {
        try require(epsilon.isFinite && epsilon > 0 && epsilon <= 1000, "privacy.epsilon", "must be a number above 0 and at most 1000, got \(epsilon)")
        try require(delta > 0 && delta < 1, "privacy.delta", "must be between 0 and 1 (exclusive), typically below 1/rows; got \(delta)")
        try require(maxGradNorm.isFinite && maxGradNorm > 0, "privacy.max_grad_norm", "must be a positive number, got \(maxGradNorm)")
        for (i, layer) in layers.enumerated() where !Self.supportedLayers.contains(layer.type) {
            let why = layer.type == .batchnorm ? " (batch statistics mix examples, so no example's gradient is its own)" : ""
            throw SpecError("layers[\(i)].type", "\(layer.type.rawValue) cannot train with privacy\(why); DP-SGD here supports "
                            + Self.supportedLayers.map(\.rawValue).sorted().joined(separator: ", "))
        }
    }
}

/// What a private run spent, stored with the model version.
public struct PrivacyReport: Sendable, Equatable {
    public var epsilon: Double
    public var delta: Double
    public var noiseMultiplier: Double
    public var maxGradNorm: Double
    public var sampleRate: Double
    public var steps: Int

    public var metrics: [String: Double] {
        ["privacy_epsilon": epsilon, "privacy_delta": delta, "privacy_noise_multiplier": noiseMultiplier,
         "privacy_max_grad_norm": maxGradNorm, "privacy_sample_rate": sampleRate, "privacy_steps": Double(steps)]
    }
}
