import COpenBLAS
import CQuantKernels
import Foundation
import Tensor

/// A weight matrix stored in a GGUF block format (read in place from the mapping): `rows`
/// rows of `columns` values, each row a run of blocks. Products dequantize one block at a time
/// into SIMD registers and never materialise the Float matrix.
public struct QuantizedMatrix: @unchecked Sendable {
    /// How activations meet the weights in products (prompts and decode steps alike).
    public enum ActivationPrecision: Sendable {
        /// Rounded to 8 bits per block of 32, with integer multiply-adds (as llama.cpp does), on
        /// matrices repacked by `interleaved()`: the products cost a fraction of the Float ones
        /// and move logits by a few hundredths.
        case int8
        /// Float32 times the dequantized weights: the exact arithmetic of the stored weights.
        case float32
    }

    public let type: GGUFFile.TensorType
    public let rows: Int, columns: Int
    let data: UnsafeRawPointer
    let rowBytes: Int
    /// Whether `data` holds the rows repacked in groups of eight for the integer products
    /// (`maas_interleave8`, owned by `repacked`) instead of GGUF's rows in the mapping.
    public let isInterleaved: Bool
    private let repacked: OwnedBytes?

    init(_ file: GGUFFile, _ info: GGUFFile.TensorInfo) throws {
        guard info.dimensions.count == 2 || (info.dimensions.count == 1) else {
            throw LanguageModelError.malformed(file.path, "\(info.name) is not a matrix: \(info.dimensions)")
        }
        type = info.type
        columns = info.dimensions[0]
        rows = info.dimensions.count == 2 ? info.dimensions[1] : 1
        guard columns % type.block.elements == 0 else { throw LanguageModelError.malformed(file.path, "\(info.name) rows do not fill whole blocks") }
        guard [.f32, .f16, .q4_0, .q4_1, .q8_0].contains(type) else {
            throw LanguageModelError.malformed(file.path, "\(info.name) is \(type); products support F32, F16, Q4_0, Q4_1 and Q8_0")
        }
        rowBytes = columns / type.block.elements * type.block.bytes
        data = file.data(info)
        isInterleaved = false
        repacked = nil
    }

    /// A matrix of `rows` × `columns` (a multiple of 32) rounded to Q8_0 as llama.cpp's
    /// quantizer does (each block of 32: d = max |w| / 127 as F16, w / d rounded to the nearest
    /// integer), from rows that `row(r, out)` writes as Float; then repacked for the integer
    /// products. For weights that come in another format (Whisper's F16 output projection).
    public static func q8_0(rows: Int, columns: Int, row: (Int, UnsafeMutablePointer<Float>) -> Void) -> QuantizedMatrix {
        // A check that survives -Ounchecked, which drops preconditions.
        guard columns % 32 == 0 else { fatalError("Q8_0 rows are whole blocks of 32; got \(columns) columns") }
        let blocks = columns / 32, rowBytes = blocks * 34
        let bytes = OwnedBytes(count: rows * rowBytes)
        let base = bytes.pointer.assumingMemoryBound(to: UInt8.self)
        parallelFor(rows, grain: 1024) { range in
            var values = [Float](repeating: 0, count: columns)
            values.withUnsafeMutableBufferPointer { v in
                for r in range {
                    row(r, v.baseAddress!)
                    for b in 0..<blocks {
                        let block = base + r * rowBytes + b * 34
                        var peak: Float = 0
                        for j in 0..<32 { peak = max(peak, abs(v[b * 32 + j])) }
                        let d = peak / 127, inverse: Float = d > 0 ? 1 / d : 0
                        var scale = Float16(d).bitPattern.littleEndian
                        withUnsafeBytes(of: &scale) { block.update(from: $0.bindMemory(to: UInt8.self).baseAddress!, count: 2) }
                        for j in 0..<32 { block[2 + j] = UInt8(bitPattern: Int8((v[b * 32 + j] * inverse).rounded())) }
                    }
                }
            }
        }
        return QuantizedMatrix(q8_0: bytes, rows: rows, columns: columns).interleaved()!
    }

    private init(q8_0 bytes: OwnedBytes, rows: Int, columns: Int) {
        (type, self.rows, self.columns, rowBytes) = (.q8_0, rows, columns, columns / 32 * 34)
        data = UnsafeRawPointer(bytes.pointer)
        isInterleaved = false
        repacked = bytes
    }

    private init(_ other: QuantizedMatrix, interleavedInto bytes: OwnedBytes) {
        (type, rows, columns, rowBytes) = (other.type, other.rows, other.columns, other.rowBytes)
        data = UnsafeRawPointer(bytes.pointer)
        isInterleaved = true
        repacked = bytes
    }

    /// The matrix repacked for products with 8-bit activations (a copy the size of the original,
    /// so the mapped pages can be released); nil for types without integer kernels.
    public func interleaved() -> QuantizedMatrix? {
        guard let kind = kernelKind, !isInterleaved else { return nil }
        let blocks = Int32(columns / 32)
        let bytes = OwnedBytes(count: maas_interleaved8_bytes(kind, Int32(rows), blocks))
        maas_interleave8(kind, data.assumingMemoryBound(to: UInt8.self), rowBytes, Int32(rows), blocks, bytes.pointer.assumingMemoryBound(to: UInt8.self))
        return QuantizedMatrix(self, interleavedInto: bytes)
    }

    /// The ggml type id the C kernels take (integer and multi-vector products), for the types they handle.
    var kernelKind: Int32? {
        switch type {
        case .q4_0: return 2
        case .q4_1: return 3
        case .q8_0: return 8
        default: return nil
        }
    }

    /// Values of one row as Float.
    public func dequantizeRow(_ row: Int, into out: UnsafeMutablePointer<Float>) {
        if isInterleaved {
            maas_dequantize_interleaved8(kernelKind!, data.assumingMemoryBound(to: UInt8.self), Int32(columns / 32), Int32(row), out)
            return
        }
        let base = data + row * rowBytes
        switch type {
        case .f32: out.update(from: base.assumingMemoryBound(to: Float.self), count: columns)
        case .f16: for i in 0..<columns { out[i] = half(base, i * 2) }
        case .q4_1: maas_dequantize_q4_1(base.assumingMemoryBound(to: UInt8.self), out, Int32(columns / 32))
        case .q4_0: maas_dequantize_q4_0(base.assumingMemoryBound(to: UInt8.self), out, Int32(columns / 32))
        case .q8_0: maas_dequantize_q8_0(base.assumingMemoryBound(to: UInt8.self), out, Int32(columns / 32))
        default: break
        }
    }

    /// y[i·rows + r] = W[r] · x[i·columns …] for `count` input vectors, rows split across threads.
    /// `prepare(i)`, when given, first finishes input vector i in place (an activation function):
    /// with several vectors it runs in parallel, with their rounding to 8 bits.
    public func multiply(_ x: UnsafePointer<Float>, count: Int = 1, into y: UnsafeMutablePointer<Float>,
                         activations: ActivationPrecision = .int8, prepare: ((Int) -> Void)? = nil) {
        Self.multiply([(self, y)], x, count: count, activations: activations, prepare: prepare)
    }

    /// Several matrices over the same inputs (query/key/value, gate/up) in one parallel region:
    /// each region costs a hand-off between threads, and a decode step runs ~150 of them.
    ///
    /// With 8-bit activations (on interleaved matrices) every vector's products are computed the
    /// same way whatever the count (a prompt, a batch of sequences, one token), so a sequence's
    /// logits do not depend on what it was batched with, and a cached prefix equals a recomputed
    /// one. Float32 activations take SGEMM beyond 16 vectors.
    static func multiply(_ jobs: [(matrix: QuantizedMatrix, output: UnsafeMutablePointer<Float>)], _ x: UnsafePointer<Float>,
                         count: Int, activations: ActivationPrecision, prepare: ((Int) -> Void)? = nil) {
        if activations == .int8, let columns = jobs.first?.matrix.columns,
           jobs.allSatisfy({ $0.matrix.columns == columns && $0.matrix.isInterleaved }) {
            multiplyInterleaved(jobs, x, count: count, prepare: prepare)
            return
        }
        if let prepare { for i in 0..<count { prepare(i) } }
        guard let columns = jobs.first?.matrix.columns, jobs.allSatisfy({ $0.matrix.columns == columns }) else {
            for job in jobs { job.matrix.multiply(x, count: count, into: job.output, activations: activations) }
            return
        }
        if count > 16 {
            for job in jobs { job.matrix.multiplyMany(x, count: count, into: job.output) }
            return
        }
        precondition(!jobs.contains { $0.matrix.isInterleaved }, "Float32 products read GGUF's row layout; interleaved matrices take 8-bit activations")
        let blocks = columns / 32
        // Q4_1's minimum term takes per-block sums of x: one multiply per block.
        var sums = [Float](repeating: 0, count: blocks * count)
        for i in 0..<count { for b in 0..<blocks { var s: Float = 0; for j in 0..<32 { s += x[i * columns + b * 32 + j] }; sums[i * blocks + b] = s } }
        let starts = jobs.reduce(into: [0]) { $0.append($0.last! + $1.matrix.rows) }
        let total = starts.last!
        let rowsPerItem = itemSize(total, columns: columns, count: count, unit: 1)
        sums.withUnsafeBufferPointer { s in
            let s = s.baseAddress!
            DecodeThreads.run((total + rowsPerItem - 1) / rowsPerItem) { item in
                forEachJobRange(jobs, starts: starts, item * rowsPerItem..<min(total, (item + 1) * rowsPerItem)) { matrix, output, rows in
                    for r in rows {
                        if count > 1, let kind = matrix.kernelKind {
                            withUnsafeTemporaryAllocation(of: Float.self, capacity: 16) { values in
                                maas_dot_rows_multi(kind, (matrix.data + r * matrix.rowBytes).assumingMemoryBound(to: UInt8.self), x,
                                                    Int32(columns), Int32(blocks), Int32(count), values.baseAddress!)
                                for i in 0..<count { output[i * matrix.rows + r] = values[i] }
                            }
                        } else {
                            for i in 0..<count { output[i * matrix.rows + r] = matrix.dot(row: r, x + i * columns, blockSums: s + i * blocks) }
                        }
                    }
                }
            }
        }
    }

    /// The integer products: activations rounded to 8 bits per block, then each item's groups of
    /// eight rows against every vector.
    private static func multiplyInterleaved(_ jobs: [(matrix: QuantizedMatrix, output: UnsafeMutablePointer<Float>)],
                                            _ x: UnsafePointer<Float>, count: Int, prepare: ((Int) -> Void)?) {
        let columns = jobs[0].matrix.columns, blocks = columns / 32
        var quantized = [Int8](repeating: 0, count: count * columns)
        var scales = [Float](repeating: 0, count: 2 * count * blocks)
        quantized.withUnsafeMutableBufferPointer { q in
            scales.withUnsafeMutableBufferPointer { d in
                let (q, d) = (q.baseAddress!, d.baseAddress!)
                let prepareAndRound = { (i: Int) in
                    prepare?(i)
                    maas_quantize_q8(x + i * columns, Int32(blocks), q + i * columns, d + 2 * i * blocks)
                }
                // Several vectors (a batched step, a prompt) are prepared and rounded in parallel:
                // serial, they left the other thread idle for a tenth of a step.
                if count >= 4 { DecodeThreads.run(count, prepareAndRound) } else { for i in 0..<count { prepareAndRound(i) } }
            }
        }
        let starts = jobs.reduce(into: [0]) { $0.append($0.last! + ($1.matrix.rows + 7) / 8) }  // in groups of eight rows
        let total = starts.last!
        // Items of whole pairs of groups: the AVX-512 kernels take two groups at a time, and a
        // group left without its partner at an item's edge goes through the AVX2 kernel.
        let groupsPerItem = itemSize(total * 8, columns: columns, count: count, unit: 16) / 8
        quantized.withUnsafeBufferPointer { q in
            scales.withUnsafeBufferPointer { d in
                let (q, d) = (q.baseAddress!, d.baseAddress!)
                DecodeThreads.run((total + groupsPerItem - 1) / groupsPerItem) { item in
                    forEachJobRange(jobs, starts: starts, item * groupsPerItem..<min(total, (item + 1) * groupsPerItem)) { matrix, output, groups in
                        maas_groups_q8(matrix.kernelKind!, matrix.data.assumingMemoryBound(to: UInt8.self), Int32(groups.lowerBound),
                                       Int32(groups.upperBound), Int32(matrix.rows), q, d, Int32(blocks), Int32(count), output)
                    }
                }
            }
        }
    }

    /// Rows (a multiple of `unit`) per parallel item. Small products run inline: a thread hand-off
    /// costs more than they do. Otherwise about four items per thread: each thread streams long
    /// runs of rows, which the hardware prefetcher follows (32-row items read the weights at
    /// 15 GB/s on two cores, 256-row 20).
    private static func itemSize(_ rows: Int, columns: Int, count: Int, unit: Int) -> Int {
        guard rows * columns * count >= 1 << 17 else { return rows }
        let quarter = (rows + 4 * ComputeThreads.count - 1) / (4 * ComputeThreads.count)
        return (max(32, quarter) + unit - 1) / unit * unit
    }

    /// Calls `body` with each job whose units (rows or groups, numbered across the jobs from
    /// `starts`) meet `range`, and the part of its own units that does: an item cut at matrix boundaries.
    private static func forEachJobRange(_ jobs: [(matrix: QuantizedMatrix, output: UnsafeMutablePointer<Float>)], starts: [Int], _ range: Range<Int>,
                                        _ body: (QuantizedMatrix, UnsafeMutablePointer<Float>, Range<Int>) -> Void) {
        for (job, (matrix, output)) in jobs.enumerated() where starts[job] < range.upperBound && range.lowerBound < starts[job + 1] {
            body(matrix, output, max(range.lowerBound, starts[job]) - starts[job]..<min(range.upperBound, starts[job + 1]) - starts[job])
        }
    }

    /// Many vectors (a prompt): each thread dequantizes a band of rows once into Float and
    /// multiplies it with all vectors in one SGEMM, instead of re-reading the row per vector.
    func multiplyMany(_ x: UnsafePointer<Float>, count: Int, into y: UnsafeMutablePointer<Float>) {
        ComputeThreads.prepareBLAS()  // single-threaded OpenBLAS: the bands are already split across threads
        let band = 64
        let bands = (rows + band - 1) / band
        parallelFor(bands, grain: 1) { range in
            var weights = [Float](repeating: 0, count: band * columns)
            weights.withUnsafeMutableBufferPointer { w in
                for b in range {
                    let first = b * band, height = min(band, rows - first)
                    for r in 0..<height { dequantizeRow(first + r, into: w.baseAddress! + r * columns) }
                    // y[i, first ..< first + height] = x[i, :] · w[0 ..< height, :]ᵀ
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(count), Int32(height), Int32(columns), 1,
                                x, Int32(columns), w.baseAddress!, Int32(columns), 0, y + first, Int32(rows))
                }
            }
        }
    }

    @inline(__always)
    func dot(row: Int, _ x: UnsafePointer<Float>, blockSums: UnsafePointer<Float>?) -> Float {
        let base = data + row * rowBytes
        switch type {
        case .q4_1:
            return maas_dot_q4_1_f32(base.assumingMemoryBound(to: UInt8.self), x, blockSums!, Int32(columns / 32))
        case .q4_0:
            return maas_dot_q4_0_f32(base.assumingMemoryBound(to: UInt8.self), x, Int32(columns / 32))
        case .q8_0:
            return maas_dot_q8_0_f32(base.assumingMemoryBound(to: UInt8.self), x, Int32(columns / 32))
        case .f32:
            let w = base.assumingMemoryBound(to: Float.self)
            var total: Float = 0
            for i in 0..<columns { total += w[i] * x[i] }
            return total
        default:
            var total: Float = 0
            for i in 0..<columns { total += half(base, i * 2) * x[i] }
            return total
        }
    }
}

/// The instruction set the integer products run on. AVX-512 VNNI, where the processor has it,
/// multiplies two groups of eight rows per instruction (1.5x the aggregate tokens/s of eight
/// decoding sequences, 1.5x prompt tokens/s on Zen 5; one sequence is bound by memory and
/// keeps AVX2); results are bit-for-bit the same on either. `MAAS_KERNELS=avx2` keeps AVX2.
public enum IntegerKernels: Int32, Sendable, CustomStringConvertible {
    case avx2 = 0
    case avx512VNNI = 1

    /// The kernels in use.
    public static var current: IntegerKernels { IntegerKernels(rawValue: maas_kernel_level()) ?? .avx2 }

    /// Switches kernels (tests compare them); returns those in effect, AVX2 where the processor
    /// lacks the requested ones.
    @discardableResult
    public static func use(_ kernels: IntegerKernels) -> IntegerKernels {
        IntegerKernels(rawValue: maas_set_kernel_level(kernels.rawValue)) ?? .avx2
    }

    /// Whether this processor runs the AVX-512 VNNI kernels.
    public static var vnniSupported: Bool { maas_vnni_supported() != 0 }

    public var description: String { self == .avx2 ? "avx2" : "avx512-vnni" }
}

@inline(__always)
func half(_ base: UnsafeRawPointer, _ offset: Int) -> Float {
    Float(Float16(bitPattern: UInt16(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt16.self))))
}

/// Bytes a repacked matrix owns (the mapping's pages it came from are released).
final class OwnedBytes: @unchecked Sendable {
    let pointer: UnsafeMutableRawPointer
    init(count: Int) { pointer = .allocate(byteCount: count, alignment: 64) }
    deinit { pointer.deallocate() }
}
