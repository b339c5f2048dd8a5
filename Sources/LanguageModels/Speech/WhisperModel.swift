import COpenBLAS
import CQuantKernels
import Foundation
import Tensor

/// Whisper's transformer (encoder over 30 s of log-mel frames, decoder over tokens with a
/// key/value cache and cross-attention), read from a CTranslate2 `WhisperSpec` model.bin and
/// computed in Float32 with OpenBLAS GEMMs (the token embeddings, which are also the output
/// projection, are kept in float16 as the file holds them: see `embeddings`). Layers are pre-norm, GELU feed-forward, learned
/// (decoder) and sinusoidal (encoder) position tables as the file stores them.
public final class WhisperModel: @unchecked Sendable {
    public struct Config: Sendable {
        public var hidden: Int, heads: Int, encoderLayers: Int, decoderLayers: Int
        public var melCount: Int, vocabularySize: Int
        /// Encoder positions (1500: 30 s at 50 per second after the stride-2 convolution).
        public var audioPositions: Int
        /// Decoder positions (448): prompt and generated tokens of one window together.
        public var textPositions: Int
    }

    struct Linear {
        var weight: [Float], bias: [Float], outputs: Int, inputs: Int
        /// The weights again in F16, for the decoder's per-token layers: a step reads all of them
        /// for one row (or a few), so it is bound by their bytes; F16 halves them and widens
        /// exactly, so the products are the Float32 weights' (the file holds them in float16).
        var half: [UInt16] = []
        /// With the int8 compute type, the per-token layers rounded to Q8_0 for integer products.
        var int8: QuantizedMatrix?

        func withHalves() -> Linear {
            var copy = self
            copy.half = [UInt16](repeating: 0, count: weight.count)
            maas_store_half(weight, &copy.half, weight.count)
            return copy
        }

        /// A decoder layer's weights as its steps read them: F16, or Q8_0 with int8.
        func forSteps(_ computeType: ComputeType) -> Linear {
            guard computeType == .int8, inputs % 32 == 0 else { return withHalves() }
            var copy = self
            copy.int8 = weight.withUnsafeBufferPointer { w in
                QuantizedMatrix.q8_0(rows: outputs, columns: inputs) { r, out in out.update(from: w.baseAddress! + r * inputs, count: inputs) }
            }
            return copy
        }
    }

    struct Norm { var scale: [Float], shift: [Float] }

    struct EncoderLayer {
        var attentionNorm: Norm, qkv: Linear, output: Linear
        var feedForwardNorm: Norm, up: Linear, down: Linear
    }

    struct DecoderLayer {
        var selfNorm: Norm, selfQKV: Linear, selfOutput: Linear
        var crossNorm: Norm, crossQuery: Linear, crossKeyValue: Linear, crossOutput: Linear
        var feedForwardNorm: Norm, up: Linear, down: Linear
    }

    public let config: Config
    let conv1: Linear, conv2: Linear
    let encoderPositions: [Float]
    let encoderLayers: [EncoderLayer]
    let encoderNorm: Norm
    /// Token embeddings [vocabulary × hidden] in F16 (bit patterns): the decoder reads all of
    /// them for every step's output projection, so half the bytes is close to half the time; F16
    /// widens to Float32 exactly, so the products equal the Float32 matrix's.
    let embeddings: [UInt16]
    /// The output projection (and token embeddings) rounded to Q8_0, with `computeType` int8:
    /// steps multiply 8-bit rounded activations by it with integer multiply-adds (VNNI where the
    /// processor has it), reading half the bytes of the F16 matrix, as CTranslate2's int8 does.
    let projectionInt8: QuantizedMatrix?
    public let computeType: ComputeType
    let decoderPositions: [Float]
    let decoderLayers: [DecoderLayer]
    let decoderNorm: Norm

    /// How the decoder's steps multiply, as faster-whisper's `compute_type`: float32 is the
    /// exact product of the file's weights (the default; the tests hold it to faster-whisper
    /// float32's tokens); int8 rounds the per-step layers, the output projection and the token
    /// lookups to Q8_0 and the activations to 8 bits, which is faster and can change a close
    /// choice between two tokens. The encoder and the prompt path stay float32 either way.
    public enum ComputeType: String, Sendable, CaseIterable {
        case float32, int8
    }

    public init(file: CTranslate2File, computeType: ComputeType = .float32) throws {
        guard file.spec == "WhisperSpec" else {
            throw LanguageModelError.malformed(file.path, "a CTranslate2 \(file.spec); speech recognition reads WhisperSpec models")
        }
        let convShape = try file.shape("encoder/conv1/weight")
        guard convShape.count == 3, convShape[2] == 3 else { throw LanguageModelError.malformed(file.path, "encoder/conv1/weight has shape \(convShape)") }
        let hidden = convShape[0], melCount = convShape[1]
        func count(_ prefix: String) -> Int { var n = 0; while file.has("\(prefix)/layer_\(n)/ffn/linear_0/weight") { n += 1 }; return n }
        let embeddingShape = try file.shape("decoder/embeddings/weight")
        config = Config(hidden: hidden, heads: try file.integer("encoder/num_heads"), encoderLayers: count("encoder"), decoderLayers: count("decoder"),
                        melCount: melCount, vocabularySize: embeddingShape[0],
                        audioPositions: try file.shape("encoder/position_encodings/encodings")[0],
                        textPositions: try file.shape("decoder/position_encodings/encodings")[0])
        guard config.heads > 0, hidden % config.heads == 0, config.encoderLayers > 0, config.decoderLayers > 0 else {
            throw LanguageModelError.malformed(file.path, "implausible Whisper dimensions: \(config)")
        }
        if file.has("encoder/activation"), try file.integer("encoder/activation") != 3 {
            throw LanguageModelError.malformed(file.path, "the encoder's activation is not GELU")
        }
        func linear(_ name: String, inputs: Int) throws -> Linear {
            let shape = try file.shape("\(name)/weight")
            guard shape.count >= 2, shape.dropFirst().reduce(1, *) == inputs else {
                throw LanguageModelError.malformed(file.path, "\(name)/weight has shape \(shape); expected \(inputs) inputs")
            }
            let weight = try file.floats("\(name)/weight")
            let bias = file.has("\(name)/bias") ? try file.floats("\(name)/bias", shape: [shape[0]]) : [Float](repeating: 0, count: shape[0])
            return Linear(weight: weight, bias: bias, outputs: shape[0], inputs: inputs)
        }
        func norm(_ name: String) throws -> Norm {
            Norm(scale: try file.floats("\(name)/gamma", shape: [hidden]), shift: try file.floats("\(name)/beta", shape: [hidden]))
        }
        let ffn = 4 * hidden
        conv1 = try linear("encoder/conv1", inputs: melCount * 3)
        conv2 = try linear("encoder/conv2", inputs: hidden * 3)
        encoderPositions = try file.floats("encoder/position_encodings/encodings", shape: [config.audioPositions, hidden])
        encoderLayers = try (0..<config.encoderLayers).map { i in
            let p = "encoder/layer_\(i)"
            return EncoderLayer(attentionNorm: try norm("\(p)/self_attention/layer_norm"), qkv: try linear("\(p)/self_attention/linear_0", inputs: hidden),
                                output: try linear("\(p)/self_attention/linear_1", inputs: hidden), feedForwardNorm: try norm("\(p)/ffn/layer_norm"),
                                up: try linear("\(p)/ffn/linear_0", inputs: hidden), down: try linear("\(p)/ffn/linear_1", inputs: ffn))
        }
        encoderNorm = try norm("encoder/layer_norm")
        let wideEmbeddings = try file.floats("decoder/embeddings/weight", shape: [config.vocabularySize, hidden])
        self.computeType = computeType
        if computeType == .int8 && hidden % 32 == 0 {
            // The Q8_0 matrix serves the token lookups too (as CTranslate2's int8 quantizes its
            // embeddings): no F16 copy beside it.
            projectionInt8 = QuantizedMatrix.q8_0(rows: config.vocabularySize, columns: hidden) { r, out in
                for c in 0..<hidden { out[c] = wideEmbeddings[r * hidden + c] }
            }
            embeddings = []
        } else {
            var halves = [UInt16](repeating: 0, count: wideEmbeddings.count)
            maas_store_half(wideEmbeddings, &halves, wideEmbeddings.count)
            embeddings = halves
            projectionInt8 = nil
        }
        decoderPositions = try file.floats("decoder/position_encodings/encodings", shape: [config.textPositions, hidden])
        decoderLayers = try (0..<config.decoderLayers).map { i in
            let p = "decoder/layer_\(i)"
            // Every per-token layer keeps F16 weights for steps; the cross keys and values are
            // computed once per window, by GEMM, from the Float32 ones.
            return DecoderLayer(selfNorm: try norm("\(p)/self_attention/layer_norm"),
                                selfQKV: try linear("\(p)/self_attention/linear_0", inputs: hidden).forSteps(computeType),
                                selfOutput: try linear("\(p)/self_attention/linear_1", inputs: hidden).forSteps(computeType),
                                crossNorm: try norm("\(p)/attention/layer_norm"),
                                crossQuery: try linear("\(p)/attention/linear_0", inputs: hidden).forSteps(computeType),
                                crossKeyValue: try linear("\(p)/attention/linear_1", inputs: hidden),
                                crossOutput: try linear("\(p)/attention/linear_2", inputs: hidden).forSteps(computeType),
                                feedForwardNorm: try norm("\(p)/ffn/layer_norm"),
                                up: try linear("\(p)/ffn/linear_0", inputs: hidden).forSteps(computeType),
                                down: try linear("\(p)/ffn/linear_1", inputs: ffn).forSteps(computeType))
        }
        decoderNorm = try norm("decoder/layer_norm")
    }

    /// Bytes the weights take in memory (Float32, twice a float16 file's, but the F16 embeddings
    /// and the int8 compute type's Q8_0 copies).
    public var weightBytes: Int {
        let linears = [conv1, conv2] + encoderLayers.flatMap { [$0.qkv, $0.output, $0.up, $0.down] }
            + decoderLayers.flatMap { [$0.selfQKV, $0.selfOutput, $0.crossQuery, $0.crossKeyValue, $0.crossOutput, $0.up, $0.down] }
        let quantized = ([projectionInt8] + linears.map(\.int8)).compactMap { $0 }.reduce(0) { $0 + $1.rows * $1.columns / 32 * 34 }
        return 4 * (linears.reduce(0) { $0 + $1.weight.count + $1.bias.count + $1.half.count / 2 } + encoderPositions.count + embeddings.count / 2
                    + decoderPositions.count) + quantized
    }

    /// Log-mel frames per window (3000: 30 s).
    public var windowFrames: Int { 2 * config.audioPositions }

    // MARK: Encoder

    /// [audioPositions × hidden] encoder states of one window of log-mel features
    /// ([melCount × windowFrames], channel-major).
    public func encode(_ mel: [Float]) -> [Float] {
        let h = config.hidden, frames = windowFrames, positions = config.audioPositions, m = config.melCount
        precondition(mel.count == m * frames, "a window holds \(m) × \(frames) features")
        // Convolutions as GEMMs over unfolded inputs (kernel 3, padding 1): rows are output
        // times, columns input channel × tap, as the weights [out, in, 3] are laid out.
        var unfolded = [Float](repeating: 0, count: frames * m * 3)
        for t in 0..<frames {
            for c in 0..<m {
                for j in 0..<3 where t + j - 1 >= 0 && t + j - 1 < frames { unfolded[(t * m + c) * 3 + j] = mel[c * frames + t + j - 1] }
            }
        }
        var x = Self.apply(conv1, unfolded, rows: frames)
        geluInPlace(&x)
        var unfolded2 = [Float](repeating: 0, count: positions * h * 3)
        for t in 0..<positions {
            for j in 0..<3 {
                let source = 2 * t + j - 1
                guard source >= 0 && source < frames else { continue }
                for c in 0..<h { unfolded2[(t * h + c) * 3 + j] = x[source * h + c] }
            }
        }
        x = Self.apply(conv2, unfolded2, rows: positions)
        geluInPlace(&x)
        for i in x.indices { x[i] += encoderPositions[i] }
        for layer in encoderLayers {
            var normed = x
            Self.layerNorm(&normed, width: h, layer.attentionNorm)
            let qkv = Self.apply(layer.qkv, normed, rows: positions)
            let context = selfAttention(qkv, rows: positions)
            let attended = Self.apply(layer.output, context, rows: positions)
            for i in x.indices { x[i] += attended[i] }
            feedForward(&x, rows: positions, norm: layer.feedForwardNorm, up: layer.up, down: layer.down)
        }
        Self.layerNorm(&x, width: h, encoderNorm)
        return x
    }

    /// Full (unmasked) attention of every row over every row, per head, from fused q|k|v rows.
    func selfAttention(_ qkv: [Float], rows: Int) -> [Float] {
        let h = config.hidden, heads = config.heads, d = h / heads
        var context = [Float](repeating: 0, count: rows * h)
        let scale = 1 / Float(d).squareRoot()
        qkv.withUnsafeBufferPointer { qkv in
            context.withUnsafeMutableBufferPointer { context in
                let q = qkv.baseAddress!, out = context.baseAddress!
                parallelFor(heads, grain: 1) { range in
                    var scores = [Float](repeating: 0, count: rows * rows)
                    scores.withUnsafeMutableBufferPointer { scores in
                        for head in range {
                            sgemm(transposeB: true, m: rows, n: rows, k: d, alpha: scale, a: q + head * d, lda: 3 * h, b: q + h + head * d, ldb: 3 * h,
                                  c: scores.baseAddress!, ldc: rows)
                            for r in 0..<rows { softmaxInPlace(scores.baseAddress! + r * rows, rows) }
                            sgemm(m: rows, n: d, k: rows, a: scores.baseAddress!, lda: rows, b: q + 2 * h + head * d, ldb: 3 * h,
                                  c: out + head * d, ldc: h)
                        }
                    }
                }
            }
        }
        return context
    }

    func feedForward(_ x: inout [Float], rows: Int, norm: Norm, up: Linear, down: Linear) {
        var normed = x
        Self.layerNorm(&normed, width: config.hidden, norm)
        var inner = Self.apply(up, normed, rows: rows)
        geluInPlace(&inner)
        let out = Self.apply(down, inner, rows: rows)
        for i in x.indices { x[i] += out[i] }
    }

    // MARK: Decoder

    /// One window's decoding state: the cross-attention keys and values of its encoder output,
    /// and the self-attention cache of the tokens decoded so far.
    /// Used by one decoding at a time: the step batcher runs it on another thread only while
    /// its owner waits for the step's logits (hence @unchecked).
    public final class DecoderState: @unchecked Sendable {
        var crossKeyValues: [[Float]]
        var keys: [[Float]], values: [[Float]]
        public private(set) var length = 0

        init(crossKeyValues: [[Float]], layers: Int) {
            self.crossKeyValues = crossKeyValues
            keys = Array(repeating: [], count: layers)
            values = Array(repeating: [], count: layers)
        }

        fileprivate func advance() { length += 1 }

        /// An independent copy (a beam that branches): the caches are copied, the encoder's keys
        /// and values shared.
        public func copy() -> DecoderState {
            let clone = DecoderState(crossKeyValues: crossKeyValues, layers: keys.count)
            (clone.keys, clone.values, clone.length) = (keys, values, length)
            return clone
        }
    }

    /// A fresh state for decoding against `encoded` (one window's encoder output).
    public func decoderState(encoded: [Float]) -> DecoderState {
        let positions = config.audioPositions
        return DecoderState(crossKeyValues: decoderLayers.map { Self.apply($0.crossKeyValue, encoded, rows: positions) }, layers: decoderLayers.count)
    }

    /// Feeds `token` at the state's next position and returns the logits for the token after it
    /// (a batch of one).
    public func step(_ token: Int32, state: DecoderState) -> [Float] { step(batch: [(token, state)])[0] }

    /// One step of one or several independent decodings at once (concurrent transcriptions): each
    /// state's token at its own next position. The linear layers and the output projection run
    /// as GEMMs over all the rows, so their weights (80 MB for the projection alone) are read
    /// once per step rather than once per decoding; attention stays per state. Each row's logits
    /// equal `step`'s for that state up to floating-point summation order.
    public func step(batch: [(token: Int32, state: DecoderState)]) -> [[Float]] {
        let b = batch.count
        guard b > 0 else { return [] }
        let h = config.hidden, heads = config.heads, d = h / heads, audio = config.audioPositions
        var x = [Float](repeating: 0, count: b * h)
        for (r, entry) in batch.enumerated() {
            precondition(entry.state.length < config.textPositions, "the decoder holds \(config.textPositions) positions")
            let id = max(0, min(Int(entry.token), config.vocabularySize - 1)), position = entry.state.length
            for c in 0..<h { x[r * h + c] = decoderPositions[position * h + c] }
            x.withUnsafeMutableBufferPointer { addEmbedding(id, to: $0.baseAddress! + r * h) }
        }
        let scale = 1 / Float(d).squareRoot()
        for (l, layer) in decoderLayers.enumerated() {
            var normed = x
            Self.layerNorm(&normed, width: h, layer.selfNorm)
            let qkv = Self.apply(layer.selfQKV, normed, rows: b)
            var context = [Float](repeating: 0, count: b * h)
            var scores = [Float](repeating: 0, count: max(config.textPositions, audio))
            for (r, entry) in batch.enumerated() {
                let state = entry.state, row = r * 3 * h
                state.keys[l] += qkv[(row + h)..<(row + 2 * h)]
                state.values[l] += qkv[(row + 2 * h)..<(row + 3 * h)]
                selfAttention(row: qkv, at: row, state: state, layer: l, scale: scale, scores: &scores, into: &context, at: r * h)
            }
            var attended = Self.apply(layer.selfOutput, context, rows: b)
            for i in x.indices { x[i] += attended[i] }
            normed = x
            Self.layerNorm(&normed, width: h, layer.crossNorm)
            let query = Self.apply(layer.crossQuery, normed, rows: b)
            for (r, entry) in batch.enumerated() {
                let attendedRow = crossAttention(Array(query[(r * h)..<((r + 1) * h)]), entry.state.crossKeyValues[l], scale: scale)
                for c in 0..<h { context[r * h + c] = attendedRow[c] }
            }
            attended = Self.apply(layer.crossOutput, context, rows: b)
            for i in x.indices { x[i] += attended[i] }
            feedForward(&x, rows: b, norm: layer.feedForwardNorm, up: layer.up, down: layer.down)
        }
        for entry in batch { entry.state.advance() }
        Self.layerNorm(&x, width: h, decoderNorm)
        let vocabulary = config.vocabularySize, logits = project(x, rows: b)
        if b == 1 { return [logits] }
        return (0..<b).map { Array(logits[($0 * vocabulary)..<(($0 + 1) * vocabulary)]) }
    }

    /// Token `id`'s embedding, element `c`, widened from F16.
    /// Adds token `id`'s embedding (widened from F16, or from Q8_0 with int8) to `hidden` values at `x`.
    func addEmbedding(_ id: Int, to x: UnsafeMutablePointer<Float>) {
        let h = config.hidden
        if let projectionInt8 {
            withUnsafeTemporaryAllocation(of: Float.self, capacity: h) { row in
                projectionInt8.dequantizeRow(id, into: row.baseAddress!)
                for c in 0..<h { x[c] += row[c] }
            }
            return
        }
        for c in 0..<h { x[c] += Float(Float16(bitPattern: embeddings[id * h + c])) }
    }

    /// The tied output projection of `rows` normalised hidden rows: [rows × vocabulary] logits,
    /// with the vocabulary split over the compute threads, each slice of F16 embeddings read once
    /// for all the rows.
    func project(_ x: [Float], rows: Int) -> [Float] {
        let h = config.hidden, vocabulary = config.vocabularySize
        var logits = [Float](repeating: 0, count: rows * vocabulary)
        if let projectionInt8 {
            x.withUnsafeBufferPointer { x in
                logits.withUnsafeMutableBufferPointer { y in projectionInt8.multiply(x.baseAddress!, count: rows, into: y.baseAddress!) }
            }
            return logits
        }
        x.withUnsafeBufferPointer { x in
            embeddings.withUnsafeBufferPointer { e in
                logits.withUnsafeMutableBufferPointer { y in
                    let (xBase, eBase, yBase) = (x.baseAddress!, e.baseAddress!, y.baseAddress!)
                    let chunk = 8192, chunks = (vocabulary + chunk - 1) / chunk
                    DecodeThreads.run(chunks) { c in
                        maas_gemv_f16(eBase, Int32(h), Int32(c * chunk), Int32(min(vocabulary, (c + 1) * chunk)), xBase, Int32(rows), yBase, vocabulary)
                    }
                }
            }
        }
        return logits
    }

    /// The logits of one final hidden row: the last layer norm, then the tied output projection
    /// with its rows split over the compute threads.
    func outputLogits(_ row: [Float]) -> [Float] {
        let h = config.hidden
        var x = row
        Self.layerNorm(&x, width: h, decoderNorm)
        return project(x, rows: 1)
    }

    /// Feeds several tokens at once (a prompt) with GEMMs over all their rows, causally masked,
    /// and returns the logits after each position in `logitsAt` (indexes into `tokens`).
    public func prefill(_ tokens: [Int32], state: DecoderState, logitsAt: [Int]) -> [[Float]] {
        guard tokens.count > 1 else { return tokens.count == 1 ? [step(tokens[0], state: state)] : [] }
        let h = config.hidden, x = forward(tokens, state: state).hidden
        return logitsAt.map { outputLogits(Array(x[($0 * h)..<(($0 + 1) * h)])) }
    }

    /// What word timing reads from one pass over a whole token sequence: the scaled
    /// cross-attention scores (before the softmax) of each head in `heads`, [tokens × audio
    /// positions] each, and the logits after every token ([tokens × vocabulary], one GEMM).
    public func alignmentPass(_ tokens: [Int32], encoded: [Float], heads: [(layer: Int, head: Int)]) -> (scores: [[Float]], logits: [Float]) {
        let state = decoderState(encoded: encoded)
        let pass = forward(tokens, state: state, capturing: heads)
        let h = config.hidden, n = tokens.count
        var x = pass.hidden
        Self.layerNorm(&x, width: h, decoderNorm)
        return (pass.captured, project(x, rows: n))
    }

    /// The decoder over several tokens at once with GEMMs over all their rows, causally masked:
    /// the final hidden rows (before the last layer norm), and the raw cross-attention scores of
    /// the `capturing` heads.
    func forward(_ tokens: [Int32], state: DecoderState, capturing: [(layer: Int, head: Int)] = []) -> (hidden: [Float], captured: [[Float]]) {
        let n = tokens.count, h = config.hidden, heads = config.heads, d = h / heads, start = state.length
        var captured = [[Float]](repeating: [], count: capturing.count)
        precondition(start + n <= config.textPositions, "the decoder holds \(config.textPositions) positions")
        var x = [Float](repeating: 0, count: n * h)
        for (i, token) in tokens.enumerated() {
            let id = max(0, min(Int(token), config.vocabularySize - 1))
            for c in 0..<h { x[i * h + c] = decoderPositions[(start + i) * h + c] }
            x.withUnsafeMutableBufferPointer { addEmbedding(id, to: $0.baseAddress! + i * h) }
        }
        let scale = 1 / Float(d).squareRoot(), audio = config.audioPositions, length = start + n
        for (l, layer) in decoderLayers.enumerated() {
            var normed = x
            Self.layerNorm(&normed, width: h, layer.selfNorm)
            let qkv = Self.apply(layer.selfQKV, normed, rows: n)
            for i in 0..<n {
                let row: Int = i * 3 * h
                state.keys[l] += qkv[(row + h)..<(row + 2 * h)]
                state.values[l] += qkv[(row + 2 * h)..<(row + 3 * h)]
            }
            var context = [Float](repeating: 0, count: n * h)
            var scores = [Float](repeating: 0, count: n * max(length, audio))
            qkv.withUnsafeBufferPointer { q in
                state.keys[l].withUnsafeBufferPointer { k in
                    state.values[l].withUnsafeBufferPointer { v in
                        scores.withUnsafeMutableBufferPointer { s in
                            context.withUnsafeMutableBufferPointer { out in
                                for head in 0..<heads {
                                    let offset = head * d
                                    sgemm(transposeB: true, m: n, n: length, k: d, alpha: scale, a: q.baseAddress! + offset, lda: 3 * h,
                                          b: k.baseAddress! + offset, ldb: h, c: s.baseAddress!, ldc: length)
                                    for i in 0..<n {
                                        let row = s.baseAddress! + i * length
                                        // Row i sees the cache and the prompt up to itself.
                                        for t in (start + i + 1)..<length { row[t] = -.infinity }
                                        softmaxInPlace(row, length)
                                    }
                                    sgemm(m: n, n: d, k: length, a: s.baseAddress!, lda: length, b: v.baseAddress! + offset, ldb: h,
                                          c: out.baseAddress! + offset, ldc: h)
                                }
                            }
                        }
                    }
                }
            }
            var attended = Self.apply(layer.selfOutput, context, rows: n)
            for i in x.indices { x[i] += attended[i] }
            normed = x
            Self.layerNorm(&normed, width: h, layer.crossNorm)
            let query = Self.apply(layer.crossQuery, normed, rows: n)
            context = [Float](repeating: 0, count: n * h)
            query.withUnsafeBufferPointer { q in
                state.crossKeyValues[l].withUnsafeBufferPointer { kv in
                    scores.withUnsafeMutableBufferPointer { s in
                        context.withUnsafeMutableBufferPointer { out in
                            for head in 0..<heads {
                                let offset = head * d
                                sgemm(transposeB: true, m: n, n: audio, k: d, alpha: scale, a: q.baseAddress! + offset, lda: h,
                                      b: kv.baseAddress! + offset, ldb: 2 * h, c: s.baseAddress!, ldc: audio)
                                for (c, wanted) in capturing.enumerated() where wanted.layer == l && wanted.head == head {
                                    captured[c] = Array(UnsafeBufferPointer(start: s.baseAddress!, count: n * audio))
                                }
                                for i in 0..<n { softmaxInPlace(s.baseAddress! + i * audio, audio) }
                                sgemm(m: n, n: d, k: audio, a: s.baseAddress!, lda: audio, b: kv.baseAddress! + h + offset, ldb: 2 * h,
                                      c: out.baseAddress! + offset, ldc: h)
                            }
                        }
                    }
                }
            }
            attended = Self.apply(layer.crossOutput, context, rows: n)
            for i in x.indices { x[i] += attended[i] }
            feedForward(&x, rows: n, norm: layer.feedForwardNorm, up: layer.up, down: layer.down)
        }
        for _ in 0..<n { state.advance() }
        return (x, captured)
    }

    /// One query row against the encoder's keys and values (fused k|v rows), per head: the
    /// AVX2 attention kernel the language models use (OpenBLAS's matrix-vector product over
    /// these strided rows was several times slower). The heads are split over the compute
    /// threads, each with its own scores: a step reads 1500 positions' keys and values per head
    /// (4.6 MB a layer for tiny), which one thread alone left at 15% of a long transcription.
    /// Every parallel region of a step runs on the decode pool (`DecodeThreads`), as the
    /// integer products do: its workers spin between regions, and a Dispatch region among them
    /// had the spinning worker compete with Dispatch's thread for the second core.
    func crossAttention(_ query: [Float], _ keyValues: [Float], scale: Float) -> [Float] {
        let h = config.hidden, heads = config.heads, d = h / heads, rows = config.audioPositions
        var context = [Float](repeating: 0, count: h)
        keyValues.withUnsafeBufferPointer { kv in
            query.withUnsafeBufferPointer { q in
                context.withUnsafeMutableBufferPointer { out in
                    let (kvBase, qBase, outBase) = (kv.baseAddress!, q.baseAddress!, out.baseAddress!)
                    DecodeThreads.run(heads) { head in
                        withUnsafeTemporaryAllocation(of: Float.self, capacity: rows) { s in
                            let offset = head * d
                            maas_attend_group(qBase + offset, 1, kvBase + offset, kvBase + h + offset, 0, Int32(2 * h),
                                              Int32(rows), Int32(d), scale, s.baseAddress!, outBase + offset)
                        }
                    }
                }
            }
        }
        return context
    }

    /// A step's self-attention for one state: the query in `qkv` at `row` against the state's
    /// cached keys and values of layer `layer` (which already hold this position), per head,
    /// written to `context` at `offset`.
    func selfAttention(row qkv: [Float], at row: Int, state: DecoderState, layer l: Int, scale: Float, scores: inout [Float],
                       into context: inout [Float], at offset: Int) {
        let h = config.hidden, heads = config.heads, d = h / heads, length = state.length + 1
        qkv.withUnsafeBufferPointer { q in
            state.keys[l].withUnsafeBufferPointer { k in
                state.values[l].withUnsafeBufferPointer { v in
                    scores.withUnsafeMutableBufferPointer { s in
                        context.withUnsafeMutableBufferPointer { out in
                            for head in 0..<heads {
                                maas_attend_group(q.baseAddress! + row + head * d, 1, k.baseAddress! + head * d, v.baseAddress! + head * d, 0, Int32(h),
                                                  Int32(length), Int32(d), scale, s.baseAddress!, out.baseAddress! + offset + head * d)
                            }
                        }
                    }
                }
            }
        }
    }

    // MARK: Pieces

    /// x [rows × inputs] · Wᵀ + b (one row: a matrix-vector product; a few rows against F16
    /// weights where the layer has them).
    static func apply(_ layer: Linear, _ x: [Float], rows: Int) -> [Float] {
        if let int8 = layer.int8, rows <= 8 {
            var out = [Float](repeating: 0, count: rows * layer.outputs)
            x.withUnsafeBufferPointer { x in
                out.withUnsafeMutableBufferPointer { y in int8.multiply(x.baseAddress!, count: rows, into: y.baseAddress!) }
            }
            for r in 0..<rows { for c in 0..<layer.outputs { out[r * layer.outputs + c] += layer.bias[c] } }
            return out
        }
        if !layer.half.isEmpty && rows <= 8 {
            var out = [Float](repeating: 0, count: rows * layer.outputs)
            x.withUnsafeBufferPointer { x in
                layer.half.withUnsafeBufferPointer { w in
                    out.withUnsafeMutableBufferPointer { y in
                        let (xBase, wBase, yBase) = (x.baseAddress!, w.baseAddress!, y.baseAddress!)
                        let chunk = 512, chunks = (layer.outputs + chunk - 1) / chunk
                        DecodeThreads.run(chunks) { c in
                            maas_gemv_f16(wBase, Int32(layer.inputs), Int32(c * chunk), Int32(min(layer.outputs, (c + 1) * chunk)), xBase, Int32(rows), yBase,
                                          layer.outputs)
                        }
                    }
                }
            }
            for r in 0..<rows { for c in 0..<layer.outputs { out[r * layer.outputs + c] += layer.bias[c] } }
            return out
        }
        if rows == 1 {
            var out = layer.bias
            x.withUnsafeBufferPointer { x in
                layer.weight.withUnsafeBufferPointer { w in
                    out.withUnsafeMutableBufferPointer { y in
                        cblas_sgemv(CblasRowMajor, CblasNoTrans, Int32(layer.outputs), Int32(layer.inputs), 1, w.baseAddress!, Int32(layer.inputs),
                                    x.baseAddress!, 1, 1, y.baseAddress!, 1)
                    }
                }
            }
            return out
        }
        var out = [Float](repeating: 0, count: rows * layer.outputs)
        out.withUnsafeMutableBufferPointer { out in
            for r in 0..<rows { for c in 0..<layer.outputs { out[r * layer.outputs + c] = layer.bias[c] } }
            x.withUnsafeBufferPointer { a in
                layer.weight.withUnsafeBufferPointer { b in
                    sgemm(transposeB: true, m: rows, n: layer.outputs, k: layer.inputs, a: a.baseAddress!, lda: layer.inputs, b: b.baseAddress!,
                          ldb: layer.inputs, beta: 1, c: out.baseAddress!, ldc: layer.outputs)
                }
            }
        }
        return out
    }

    static func layerNorm(_ x: inout [Float], width: Int, _ norm: Norm) {
        layerNormRows(&x, width: width, scale: norm.scale, shift: norm.shift, epsilon: 1e-5)
    }
}
