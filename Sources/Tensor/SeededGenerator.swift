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

/// Standard normal draws by the ziggurat method (Marsaglia and Tsang 2000), exact up to float
/// rounding: 128 layers of equal area under the density; 98.8% of draws are one 64-bit random,
/// a comparison and a multiply, the rest fall back to the wedge or tail tests. As Doornik (2005)
/// advises, the layer index and the value come from different bits of the random word (the
/// original shares them, which correlates a draw's layer with its low digits).
///
/// DP-SGD draws one normal per parameter per step (a 535k-parameter MLP: 250 M an epoch); with
/// Box–Muller's log, sin and cos those draws cost more than the training step itself.
public enum Ziggurat {
    static let tailStart = 3.442619855899
    /// Per layer: the acceptance bound on |hz| (kn), the scale from hz to x (wn), the density at
    /// the layer's edge (fn).
    static let tables: (kn: [UInt32], wn: [Float], fn: [Float]) = {
        var kn = [UInt32](repeating: 0, count: 128), wn = [Float](repeating: 0, count: 128), fn = [Float](repeating: 0, count: 128)
        let m1 = 2147483648.0, volume = 9.91256303526217e-3
        var dn = tailStart, tn = dn
        let q = volume / exp(-0.5 * dn * dn)
        kn[0] = UInt32(dn / q * m1)
        kn[1] = 0
        wn[0] = Float(q / m1)
        wn[127] = Float(dn / m1)
        fn[0] = 1
        fn[127] = Float(exp(-0.5 * dn * dn))
        for i in stride(from: 126, through: 1, by: -1) {
            dn = (-2 * log(volume / dn + exp(-0.5 * dn * dn))).squareRoot()
            kn[i + 1] = UInt32(dn / tn * m1)
            tn = dn
            fn[i] = Float(exp(-0.5 * dn * dn))
            wn[i] = Float(dn / m1)
        }
        return (kn, wn, fn)
    }()

    /// One standard normal draw.
    @inline(__always)
    public static func next(_ rng: inout SeededGenerator, _ kn: UnsafePointer<UInt32>, _ wn: UnsafePointer<Float>, _ fn: UnsafePointer<Float>) -> Float {
        var word = rng.next()
        var iz = Int(word & 127)
        var hz = Int32(truncatingIfNeeded: word >> 32)
        if hz.magnitude < kn[iz] { return Float(hz) * wn[iz] }
        while true {
            let x = Float(hz) * wn[iz]
            if iz == 0 {
                // The tail beyond r: Marsaglia's exponential rejection.
                var tx: Double, ty: Double
                repeat {
                    tx = -log(rng.nextOpenUniform()) / tailStart
                    ty = -log(rng.nextOpenUniform())
                } while ty + ty < tx * tx
                return Float(hz > 0 ? tailStart + tx : -tailStart - tx)
            }
            // The wedge between the layer's rectangle and the curve.
            if fn[iz] + Float(rng.nextOpenUniform()) * (fn[iz - 1] - fn[iz]) < expf(-0.5 * x * x) { return x }
            word = rng.next()
            iz = Int(word & 127)
            hz = Int32(truncatingIfNeeded: word >> 32)
            if hz.magnitude < kn[iz] { return Float(hz) * wn[iz] }
        }
    }
}

extension SeededGenerator {
    /// Uniform in (0, 1): never 0, so its logarithm is finite.
    mutating func nextOpenUniform() -> Double { (Double(next() >> 11) + 0.5) * (1.0 / Double(1 << 53)) }
}

extension Tensor {
    /// (self + N(0, std²) noise) · scale, elementwise, in place. The noise comes in fixed chunks,
    /// each from its own generator seeded by `seed` and the chunk's place, so the values do not
    /// depend on how many threads draw them (DP-SGD draws one per parameter per step).
    public mutating func addGaussianNoise(std: Float, scale: Float, seed: UInt64) {
        let chunk = 4096, total = count, chunks = (total + chunk - 1) / chunk
        let (kn, wn, fn) = Ziggurat.tables
        // Through the copy-on-write accessor: a tensor sharing this storage keeps its values.
        withUnsafeMutableBufferPointer { buffer in kn.withUnsafeBufferPointer { kn in wn.withUnsafeBufferPointer { wn in fn.withUnsafeBufferPointer { fn in
            let (base, kn, wn, fn) = (buffer.baseAddress!, kn.baseAddress!, wn.baseAddress!, fn.baseAddress!)
            parallelFor(chunks, grain: 4) { range in
                for c in range {
                    var rng = SeededGenerator(seed: seed ^ (UInt64(c) &* 0x9E37_79B9_7F4A_7C15))
                    for i in (c * chunk)..<min(total, c * chunk + chunk) {
                        base[i] = (base[i] + std * Ziggurat.next(&rng, kn, wn, fn)) * scale
                    }
                }
            }
        } } } }
    }
}
