#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// xoshiro256** seeded through SplitMix64: a fast, reproducible generator so that the same
/// seed gives the same initial weights, shuffles and dropout masks on every machine.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var s: (UInt64, UInt64, UInt64, UInt64)

    public init(seed: UInt64) {
        var x = seed
        func splitMix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s = (splitMix(), splitMix(), splitMix(), splitMix())
    }

    /// The generator's whole state, so a checkpoint can resume the exact same sequence.
    public var state: [UInt64] {
        get { [s.0, s.1, s.2, s.3] }
        set { precondition(newValue.count == 4, "a generator state has 4 words"); s = (newValue[0], newValue[1], newValue[2], newValue[3]) }
    }

    public mutating func next() -> UInt64 {
        let result = ((s.1 &* 5) << 7 | (s.1 &* 5) >> 57) &* 9
        let t = s.1 << 17
        s.2 ^= s.0; s.3 ^= s.1; s.1 ^= s.2; s.0 ^= s.3
        s.2 ^= t
        s.3 = (s.3 << 45) | (s.3 >> 19)
        return result
    }

    /// Uniform in [0, 1).
    public mutating func nextUniform() -> Float { Float(next() >> 40) * (1.0 / Float(1 << 24)) }

    /// Standard normal (Box–Muller).
    public mutating func nextNormal() -> Float {
        let u1 = max(Double(next() >> 11) * (1.0 / Double(1 << 53)), 1e-300)
        let u2 = Double(next() >> 11) * (1.0 / Double(1 << 53))
        return Float((-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2))
    }

    /// A derived, independent generator (per layer, per epoch) so adding one consumer of
    /// randomness does not shift every other one.
    public mutating func split() -> SeededGenerator { SeededGenerator(seed: next()) }
}

extension Tensor {
    public static func uniform(_ shape: [Int], low: Float, high: Float, using rng: inout SeededGenerator) -> Tensor {
        Tensor(shape: shape) { buffer in
            for i in buffer.indices { buffer[i] = low + (high - low) * rng.nextUniform() }
        }
    }

    public static func normal(_ shape: [Int], mean: Float = 0, std: Float = 1, using rng: inout SeededGenerator) -> Tensor {
        Tensor(shape: shape) { buffer in
            for i in buffer.indices { buffer[i] = mean + std * rng.nextNormal() }
        }
    }
}

extension Tensor {
    /// (self + N(0, std²) noise) · scale, elementwise, in place. The noise comes in fixed chunks,
    /// each from its own generator seeded by `seed` and the chunk's place, so the values do not
    /// depend on how many threads draw them (DP-SGD draws one per parameter per step).
    public mutating func addGaussianNoise(std: Float, scale: Float, seed: UInt64) {
        let chunk = 4096, total = count, chunks = (total + chunk - 1) / chunk
        let base = self.base
        parallelFor(chunks, grain: 4) { range in
            for c in range {
                var rng = SeededGenerator(seed: seed ^ (UInt64(c) &* 0x9E37_79B9_7F4A_7C15))
                let start = c * chunk, end = min(total, start + chunk)
                var i = start
                // Box–Muller in pairs: r·cos θ and r·sin θ.
                while i < end {
                    let u1 = max(Float(rng.next() >> 40) * (1 / Float(1 << 24)), 1e-30)
                    let theta = 2 * Float.pi * Float(rng.next() >> 40) * (1 / Float(1 << 24))
                    let r = std * (-2 * logf(u1)).squareRoot()
                    base[i] = (base[i] + r * cosf(theta)) * scale
                    if i + 1 < end { base[i + 1] = (base[i + 1] + r * sinf(theta)) * scale }
                    i += 2
                }
            }
        }
    }
}
