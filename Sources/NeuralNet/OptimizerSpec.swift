/// Optimizer, learning-rate schedule and gradient clipping, as written in a model spec.
public struct OptimizerSpec: Codable, Equatable, Sendable {
    public enum Kind: String, Codable, Sendable, CaseIterable { case sgd, adam, adamw, rmsprop }

    public struct Schedule: Codable, Equatable, Sendable {
        public enum Kind: String, Codable, Sendable { case constant, step, cosine }
        public var type: Kind
        /// `step`: epochs between decays.
        public var stepSize: Int?
        /// `step`: multiplier applied every `step_size` epochs.
        public var gamma: Float?
        /// `cosine`: final learning rate.
        public var minLR: Float?
        /// Linear warm-up from 0 over this many optimizer steps.
        public var warmupSteps: Int?

        enum CodingKeys: String, CodingKey {
            case type, gamma, stepSize = "step_size", minLR = "min_lr", warmupSteps = "warmup_steps"
        }

        public init(type: Kind, stepSize: Int? = nil, gamma: Float? = nil, minLR: Float? = nil, warmupSteps: Int? = nil) {
            self.type = type
            self.stepSize = stepSize
            self.gamma = gamma
            self.minLR = minLR
            self.warmupSteps = warmupSteps
        }
    }

    public var kind: Kind
    public var lr: Float
    public var momentum: Float?
    public var nesterov: Bool?
    public var beta1: Float?
    public var beta2: Float?
    public var epsilon: Float?
    public var rho: Float?
    public var weightDecay: Float?
    /// Rescales all gradients together when their global L2 norm exceeds this.
    public var clipNorm: Float?
    /// Clamps every gradient element to [-clip_value, clip_value].
    public var clipValue: Float?
    public var schedule: Schedule?

    enum CodingKeys: String, CodingKey {
        case kind = "type", lr, momentum, nesterov, epsilon, rho, schedule
        case beta1 = "beta_1", beta2 = "beta_2", weightDecay = "weight_decay"
        case clipNorm = "clip_norm", clipValue = "clip_value"
    }

    public init(kind: Kind, lr: Float? = nil) {
        self.kind = kind
        self.lr = lr ?? (kind == .sgd ? 0.01 : 0.001)
    }

    public init(from decoder: any Decoder) throws {
        try rejectUnknownKeys(decoder, allowed: ["type", "lr", "learning_rate", "momentum", "nesterov", "beta_1", "beta_2",
                                                 "epsilon", "rho", "weight_decay", "clip_norm", "clip_value", "schedule"])
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let raw = try c.decode(String.self, forKey: .kind)
        guard let kind = Kind(rawValue: raw.lowercased()) else {
            throw SpecError(codingPathString(decoder.codingPath + [CodingKeys.kind]),
                            "unknown optimizer '\(raw)'; allowed: \(Kind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self.init(kind: kind)
        let alias = try decoder.container(keyedBy: AnyCodingKey.self)
        if let lr = try c.decodeIfPresent(Float.self, forKey: .lr) ?? alias.decodeIfPresent(Float.self, forKey: AnyCodingKey(stringValue: "learning_rate")) {
            self.lr = lr
        }
        momentum = try c.decodeIfPresent(Float.self, forKey: .momentum)
        nesterov = try c.decodeIfPresent(Bool.self, forKey: .nesterov)
        beta1 = try c.decodeIfPresent(Float.self, forKey: .beta1)
        beta2 = try c.decodeIfPresent(Float.self, forKey: .beta2)
        epsilon = try c.decodeIfPresent(Float.self, forKey: .epsilon)
        rho = try c.decodeIfPresent(Float.self, forKey: .rho)
        weightDecay = try c.decodeIfPresent(Float.self, forKey: .weightDecay)
        clipNorm = try c.decodeIfPresent(Float.self, forKey: .clipNorm)
        clipValue = try c.decodeIfPresent(Float.self, forKey: .clipValue)
        schedule = try c.decodeIfPresent(Schedule.self, forKey: .schedule)
    }

    func validate() throws {
        try require(lr > 0 && lr <= 10, "optimizer.lr", "must be in (0, 10], got \(lr)")
        for (name, value) in [("momentum", momentum), ("beta_1", beta1), ("beta_2", beta2), ("rho", rho)] {
            if let value { try require(value >= 0 && value < 1, "optimizer.\(name)", "must be in [0, 1), got \(value)") }
        }
        if let epsilon { try require(epsilon > 0, "optimizer.epsilon", "must be positive, got \(epsilon)") }
        if let weightDecay { try require(weightDecay >= 0, "optimizer.weight_decay", "must be 0 or more, got \(weightDecay)") }
        if let clipNorm { try require(clipNorm > 0, "optimizer.clip_norm", "must be positive, got \(clipNorm)") }
        if let clipValue { try require(clipValue > 0, "optimizer.clip_value", "must be positive, got \(clipValue)") }
        if let s = schedule, s.type == .step {
            try require((s.stepSize ?? 0) >= 1, "optimizer.schedule.step_size", "must be 1 or more for a step schedule")
        }
    }
}
