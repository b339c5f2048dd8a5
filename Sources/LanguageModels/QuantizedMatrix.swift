import COpenBLAS
import CQuantKernels
import Foundation
import Tensor

/// A weight matrix stored in a GGUF block format (read in place from the mapping): `rows`
/// rows of `columns` values, each row a run of blocks. Products dequantize one block at a time
/// into SIMD registers and never materialise the Float matrix.
public struct QuantizedMatrix: @unchecked Sendable {
    /// How activations meet the weights in products of up to 16 vectors (a decode step).
    public enum ActivationPrecision: Sendable {
        /// Rounded to 8 bits per block of 32, with integer multiply-adds (as llama.cpp does): the
        /// products cost a third of the Float ones and move logits by a few hundredths.
        case int8
        /// Float32 times the dequantized weights: the exact arithmetic of the stored weights.
        case float32
    }

    public let type: GGUFFile.TensorType
    public let rows: Int, columns: Int
    let data: UnsafeRawPointer
    let rowBytes: Int

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
    public func multiply(_ x: UnsafePointer<Float>, count: Int = 1, into y: UnsafeMutablePointer<Float>,
                         activations: ActivationPrecision = .int8) {
        Self.multiply([(self, y)], x, count: count, activations: activations)
    }

    /// Several matrices over the same inputs (query/key/value, gate/up) in one parallel region:
    /// each region costs a hand-off between threads, and a decode step runs ~150 of them.
    ///
    /// With 8-bit activations every vector's products are computed the same way whatever the
    /// count (a prompt, a batch of sequences, one token), so a sequence's logits do not depend on
    /// what it was batched with, and a cached prefix equals a recomputed one. Float32 activations
    /// take SGEMM beyond 16 vectors.
    static func multiply(_ jobs: [(matrix: QuantizedMatrix, output: UnsafeMutablePointer<Float>)], _ x: UnsafePointer<Float>,
                         count: Int, activations: ActivationPrecision) {
        guard let columns = jobs.first?.matrix.columns, jobs.allSatisfy({ $0.matrix.columns == columns }) else {
            for job in jobs { job.matrix.multiply(x, count: count, into: job.output, activations: activations) }
            return
        }
        let blocks = columns / 32
        let integer = activations == .int8 && jobs.allSatisfy { $0.matrix.kernelKind != nil }
        if !integer && count > 16 {
            for job in jobs { job.matrix.multiplyMany(x, count: count, into: job.output) }
            return
        }
        // Integer products take the activations rounded to 8 bits per block; the Float ones take
        // per-block sums of x, so that Q4_1's minimum term costs one multiply per block. Several
        // vectors go through the kernel in chunks of 16, four per register: each chunk's scales
        // are regrouped by block and padded with zero vectors to a multiple of four.
        var quantized = [Int8](repeating: 0, count: integer ? (count + 3) / 4 * 4 * columns : 0)  // zero vectors pad the last four
        var scales = [Float](repeating: 0, count: integer ? 2 * ((count + 15) / 16 * 16) * blocks : 0)
        var sums = [Float](repeating: 0, count: integer ? 0 : blocks * count)
        if integer {
            quantized.withUnsafeMutableBufferPointer { q in
                scales.withUnsafeMutableBufferPointer { d in
                    // Several vectors' scales are written vector by vector here, then regrouped.
                    var byVector = [Float](repeating: 0, count: count > 1 ? 2 * 16 * blocks : 0)
                    for chunk in stride(from: 0, to: count, by: 16) {
                        let n = min(16, count - chunk), target = d.baseAddress! + 2 * chunk * blocks
                        for i in 0..<n {
                            byVector.withUnsafeMutableBufferPointer { v in
                                maas_quantize_q8(x + (chunk + i) * columns, Int32(blocks), q.baseAddress! + (chunk + i) * columns,
                                                 (count == 1 ? target : v.baseAddress!) + 2 * i * blocks)
                            }
                        }
                        if count > 1 { maas_transpose_scales(byVector, Int32(blocks), Int32(n), Int32((n + 3) / 4 * 4), target) }
                    }
                }
            }
        } else {
            for i in 0..<count { for b in 0..<blocks { var s: Float = 0; for j in 0..<32 { s += x[i * columns + b * 32 + j] }; sums[i * blocks + b] = s } }
        }
        let starts = jobs.reduce(into: [0]) { $0.append($0.last! + $1.matrix.rows) }
        let total = starts.last!
        // Small products run inline: a thread hand-off costs more than they do. Otherwise about
        // four items per thread: each thread streams long runs of rows, which the hardware
        // prefetcher follows (32-row items read the weights at 15 GB/s on two cores, 256-row 20).
        let rowsPerItem = total * columns * count >= 1 << 17 ? max(32, (total + 4 * ComputeThreads.count - 1) / (4 * ComputeThreads.count)) : total
        quantized.withUnsafeBufferPointer { q in
            scales.withUnsafeBufferPointer { d in
                sums.withUnsafeBufferPointer { s in
                    let (q, d, s) = (q.baseAddress, d.baseAddress, s.baseAddress)
                    DecodeThreads.run((total + rowsPerItem - 1) / rowsPerItem) { item in
                        let range = item * rowsPerItem..<min(total, (item + 1) * rowsPerItem)
                        // The item's rows, cut at matrix boundaries.
                        for (job, (matrix, output)) in jobs.enumerated() where starts[job] < range.upperBound && range.lowerBound < starts[job + 1] {
                            let rows = max(range.lowerBound, starts[job]) - starts[job]..<min(range.upperBound, starts[job + 1]) - starts[job]
                            if integer {
                                maas_rows_q8(matrix.kernelKind!, matrix.data.assumingMemoryBound(to: UInt8.self), matrix.rowBytes,
                                             Int32(rows.lowerBound), Int32(rows.upperBound), Int32(matrix.rows), q, d, Int32(blocks),
                                             Int32(count), output)
                                continue
                            }
                            for r in rows {
                                if count > 1, let kind = matrix.kernelKind {
                                    withUnsafeTemporaryAllocation(of: Float.self, capacity: 16) { values in
                                        maas_dot_rows_multi(kind, (matrix.data + r * matrix.rowBytes).assumingMemoryBound(to: UInt8.self), x,
                                                            Int32(columns), Int32(blocks), Int32(count), values.baseAddress!)
                                        for i in 0..<count { output[i * matrix.rows + r] = values[i] }
                                    }
                                } else {
                                    for i in 0..<count { output[i * matrix.rows + r] = matrix.dot(row: r, x + i * columns, blockSums: s! + i * blocks) }
                                }
                            }
                        }
                    }
                }
            }
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

@inline(__always)
func half(_ base: UnsafeRawPointer, _ offset: Int) -> Float {
    Float(Float16(bitPattern: UInt16(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt16.self))))
}
