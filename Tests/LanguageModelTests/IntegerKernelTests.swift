import CQuantKernels
import LanguageModels
import Tensor
import Testing

/// The integer products (`maas_groups_q8`) on random GGUF blocks: against the arithmetic they
/// promise, computed here in Double, and the AVX-512 VNNI kernels against the AVX2 ones bit for
/// bit. Row counts that are not a multiple of 16 leave a group without a partner, and calls that
/// start at an odd group pair the groups differently.
@Suite(.serialized) struct IntegerKernelsAgree {
    /// A random matrix in GGUF's layout (ggml type 2 = Q4_0, 3 = Q4_1, 8 = Q8_0) and its repacking.
    struct Matrix {
        let type: Int32, rows: Int, blocks: Int
        var raw: [UInt8] = []
        var interleaved: [UInt8] = []

        var blockBytes: Int { type == 8 ? 34 : type == 3 ? 20 : 18 }

        init(type: Int32, rows: Int, blocks: Int, random: inout SeededGenerator) {
            (self.type, self.rows, self.blocks) = (type, rows, blocks)
            for _ in 0..<(rows * blocks) {
                var block = [UInt8](repeating: 0, count: blockBytes)
                for i in block.indices { block[i] = UInt8.random(in: 0...255, using: &random) }
                Self.put(Float.random(in: 0.001...0.05, using: &random), into: &block, at: 0)
                if type == 3 { Self.put(Float.random(in: -0.4...0.1, using: &random), into: &block, at: 2) }
                raw += block
            }
            if type == 8 { raw[2] = 0x80 }  // the most negative weight, −128
            interleaved = [UInt8](repeating: 0, count: maas_interleaved8_bytes(type, Int32(rows), Int32(blocks)))
            maas_interleave8(type, raw, blockBytes * blocks, Int32(rows), Int32(blocks), &interleaved)
        }

        static func put(_ value: Float, into block: inout [UInt8], at offset: Int) {
            let bits = Float16(value).bitPattern
            (block[offset], block[offset + 1]) = (UInt8(bits & 0xFF), UInt8(bits >> 8))
        }

        func half(_ offset: Int) -> Double { Double(Float(Float16(bitPattern: UInt16(raw[offset]) | UInt16(raw[offset + 1]) << 8))) }

        /// Row r's block b: its scale, its minimum (Q4_1's m, Q4_0's −8d) and its integer weights.
        func block(_ r: Int, _ b: Int) -> (d: Double, m: Double, q: [Int]) {
            let base = (r * blocks + b) * blockBytes
            switch type {
            case 8: return (half(base), 0, (0..<32).map { Int(Int8(bitPattern: raw[base + 2 + $0])) })
            default:
                let nibbles = base + (type == 3 ? 4 : 2)
                let q = (0..<32).map { e in Int(e < 16 ? raw[nibbles + e] & 0x0F : raw[nibbles + e - 16] >> 4) }
                return (half(base), type == 3 ? half(base + 2) : -8 * half(base), q)
            }
        }
    }

    /// Activations rounded by `maas_quantize_q8`: bytes and (d, d·Σq) pairs per block.
    struct Activations {
        var q: [Int8], scales: [Float]
        init(count: Int, blocks: Int, random: inout SeededGenerator) {
            let x = (0..<(count * blocks * 32)).map { _ in Float.random(in: -3...3, using: &random) }
            (q, scales) = ([Int8](repeating: 0, count: x.count), [Float](repeating: 0, count: 2 * count * blocks))
            q.withUnsafeMutableBufferPointer { q in
                scales.withUnsafeMutableBufferPointer { scales in
                    for v in 0..<count {
                        maas_quantize_q8(Array(x[(v * blocks * 32)...]), Int32(blocks), q.baseAddress! + v * blocks * 32, scales.baseAddress! + 2 * v * blocks)
                    }
                }
            }
        }
    }

    /// out[v·rows + r], the groups computed in two calls split at `split`.
    static func products(_ m: Matrix, _ x: Activations, count: Int, split: Int) -> [Float] {
        var out = [Float](repeating: .nan, count: count * m.rows)
        let groups = (m.rows + 7) / 8
        for range in [0..<min(split, groups), min(split, groups)..<groups] where !range.isEmpty {
            maas_groups_q8(m.type, m.interleaved, Int32(range.lowerBound), Int32(range.upperBound), Int32(m.rows), x.q, x.scales,
                           Int32(m.blocks), Int32(count), &out)
        }
        return out
    }

    static let shapes: [(rows: Int, blocks: Int)] = [(8, 1), (16, 3), (39, 2), (70, 5)]

    @Test(arguments: [Int32(2), 3, 8])
    func productsAreTheBlockArithmetic(type: Int32) {
        var random = SeededGenerator(seed: UInt64(type))
        let previous = IntegerKernels.current
        defer { IntegerKernels.use(previous) }
        for kernels in [IntegerKernels.avx2] + (IntegerKernels.vnniSupported ? [.avx512VNNI] : []) {
            IntegerKernels.use(kernels)
            for (rows, blocks) in Self.shapes {
                let m = Matrix(type: type, rows: rows, blocks: blocks, random: &random)
                for count in [1, 2, 5, 8, 13] {
                    let x = Activations(count: count, blocks: blocks, random: &random)
                    let out = Self.products(m, x, count: count, split: 1)
                    var worst = 0.0
                    for v in 0..<count {
                        for r in 0..<rows {
                            // Σ_b (Σ q_w·q_x)·d_w·d_x + m_w·(d_x·Σ q_x), and the size of its terms.
                            var exact = 0.0, size = 0.0
                            for b in 0..<blocks {
                                let w = m.block(r, b), at = v * blocks * 32 + b * 32
                                let dot = (0..<32).reduce(0) { $0 + w.q[$1] * Int(x.q[at + $1]) }
                                let (d, sum) = (Double(x.scales[2 * (v * blocks + b)]), Double(x.scales[2 * (v * blocks + b) + 1]))
                                exact += Double(dot) * w.d * d + w.m * sum
                                size += abs(Double(dot) * w.d * d) + abs(w.m * sum)
                            }
                            worst = max(worst, abs(Double(out[v * rows + r]) - exact) / max(size, 1e-6))
                        }
                    }
                    #expect(worst < 1e-5, "\(kernels), type \(type), \(rows)×\(blocks) blocks, \(count) vectors: relative error \(worst)")
                }
            }
        }
    }

    @Test(.enabled(if: IntegerKernels.vnniSupported, "this processor lacks AVX-512 VNNI"), arguments: [Int32(2), 3, 8])
    func vnniKernelsEqualAVX2BitForBit(type: Int32) {
        var random = SeededGenerator(seed: 100 + UInt64(type))
        let previous = IntegerKernels.current
        defer { IntegerKernels.use(previous) }
        for (rows, blocks) in Self.shapes {
            let m = Matrix(type: type, rows: rows, blocks: blocks, random: &random)
            for count in 1...19 {
                let x = Activations(count: count, blocks: blocks, random: &random)
                IntegerKernels.use(.avx2)
                let avx2 = Self.products(m, x, count: count, split: (rows + 7) / 8)
                IntegerKernels.use(.avx512VNNI)
                for split in [0, 1] {
                    let vnni = Self.products(m, x, count: count, split: split)
                    let differing = zip(vnni, avx2).filter { $0.bitPattern != $1.bitPattern }.count
                    #expect(differing == 0, "type \(type), \(rows)×\(blocks) blocks, \(count) vectors, split \(split): \(differing) of \(avx2.count) differ")
                }
            }
        }
    }
}
