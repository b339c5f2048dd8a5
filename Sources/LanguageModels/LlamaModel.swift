import Foundation
import Tensor

/// A Llama-architecture language model read from GGUF (weights in place, quantized): token
/// embedding, RMSNorm, rotary position embeddings (llama.cpp's NORM mode, for which GGUF
/// conversion permutes the query/key weights), grouped-query attention over a KV cache, and a
/// SwiGLU MLP. Inference only.
public final class LlamaModel: @unchecked Sendable {
    public struct Config: Sendable {
        public var vocabulary, hidden, layers, heads, kvHeads, feedForward, contextLength, headDimension, ropeDimension: Int
        public var ropeBase: Float, epsilon: Float
    }

    struct Layer {
        var attentionNorm: [Float], query: QuantizedMatrix, key: QuantizedMatrix, value: QuantizedMatrix, output: QuantizedMatrix
        var feedForwardNorm: [Float], gate: QuantizedMatrix, up: QuantizedMatrix, down: QuantizedMatrix
    }

    public let file: GGUFFile
    public let config: Config
    public let tokenizer: BytePairTokenizer
    public let chatTemplate: String?
    let embedding: QuantizedMatrix, output: QuantizedMatrix
    let outputNorm: [Float]
    let layers: [Layer]
    /// cos/sin of every position × rotary pair, computed once.
    let ropeTable: [Float]
    static let ropeTableLength = 8192

    public init(path: String) throws {
        file = try GGUFFile(path: path)
        let m = file.metadata
        guard let architecture = m["general.architecture"]?.string else { throw LanguageModelError.malformed(path, "lacks general.architecture") }
        guard architecture == "llama" else { throw LanguageModelError.malformed(path, "architecture \(architecture); this build runs llama") }
        func int(_ key: String) throws -> Int {
            guard let value = m["llama." + key]?.int else { throw LanguageModelError.malformed(path, "lacks llama.\(key)") }
            return value
        }
        let hidden = try int("embedding_length"), heads = try int("attention.head_count")
        tokenizer = try BytePairTokenizer(gguf: file)
        config = Config(vocabulary: tokenizer.tokens.count, hidden: hidden, layers: try int("block_count"), heads: heads,
                        kvHeads: m["llama.attention.head_count_kv"]?.int ?? heads, feedForward: try int("feed_forward_length"),
                        contextLength: try int("context_length"), headDimension: hidden / heads,
                        ropeDimension: m["llama.rope.dimension_count"]?.int ?? hidden / heads,
                        ropeBase: Float(m["llama.rope.freq_base"]?.double ?? 10_000),
                        epsilon: Float(m["llama.attention.layer_norm_rms_epsilon"]?.double ?? 1e-5))
        chatTemplate = m["tokenizer.chat_template"]?.string
        let file = self.file
        func matrix(_ name: String) throws -> QuantizedMatrix { try QuantizedMatrix(file, try file.tensor(name)) }
        func vector(_ name: String) throws -> [Float] {
            let q = try matrix(name)
            var out = [Float](repeating: 0, count: q.columns)
            out.withUnsafeMutableBufferPointer { q.dequantizeRow(0, into: $0.baseAddress!) }
            return out
        }
        embedding = try matrix("token_embd.weight")
        output = file.tensors["output.weight"] != nil ? try matrix("output.weight") : embedding  // tied embeddings
        outputNorm = try vector("output_norm.weight")
        layers = try (0..<config.layers).map { l in
            let p = "blk.\(l)."
            return Layer(attentionNorm: try vector(p + "attn_norm.weight"), query: try matrix(p + "attn_q.weight"),
                         key: try matrix(p + "attn_k.weight"), value: try matrix(p + "attn_v.weight"),
                         output: try matrix(p + "attn_output.weight"), feedForwardNorm: try vector(p + "ffn_norm.weight"),
                         gate: try matrix(p + "ffn_gate.weight"), up: try matrix(p + "ffn_up.weight"), down: try matrix(p + "ffn_down.weight"))
        }
        let kvWidth = config.kvHeads * config.headDimension
        guard embedding.columns == hidden, layers.allSatisfy({ $0.query.rows == hidden && $0.key.rows == kvWidth }) else {
            throw LanguageModelError.malformed(path, "tensor shapes do not match the metadata")
        }
        let pairs = config.ropeDimension / 2
        var table = [Float](repeating: 0, count: Self.ropeTableLength * pairs * 2)
        for position in 0..<Self.ropeTableLength {
            for i in 0..<pairs {
                let theta = Double(position) * pow(Double(config.ropeBase), -2 * Double(i) / Double(config.ropeDimension))
                table[(position * pairs + i) * 2] = Float(cos(theta))
                table[(position * pairs + i) * 2 + 1] = Float(sin(theta))
            }
        }
        ropeTable = table
    }

    /// Bytes of weights in the file (what serving keeps resident).
    public var weightBytes: Int { file.tensors.values.reduce(0) { $0 + $1.byteCount } }

    /// One sequence's keys and values for every layer, and the tokens they came from.
    public final class Session: @unchecked Sendable {
        public let capacity: Int
        public internal(set) var tokens: [Int32] = []
        var keys: [[Float]], values: [[Float]]
        let width: Int

        public init(model: LlamaModel, capacity: Int) {
            let capacity = min(capacity, model.config.contextLength, LlamaModel.ropeTableLength)
            let width = model.config.kvHeads * model.config.headDimension
            self.capacity = capacity
            self.width = width
            keys = (0..<model.config.layers).map { _ in [Float](repeating: 0, count: capacity * width) }
            values = keys
        }

        public var length: Int { tokens.count }
        /// Forgets everything after the first `count` tokens (a shared prefix is kept).
        public func truncate(to count: Int) { tokens.removeLast(max(0, tokens.count - count)) }
        /// Bytes held by the cache.
        public var bytes: Int { 2 * keys.count * capacity * width * 4 }
    }

    /// Feeds `tokens` after the session's cached ones; returns the logits after the last.
    public func forward(_ tokens: [Int32], session: Session) throws -> [Float] {
        guard !tokens.isEmpty else { throw LanguageModelError.malformed(file.path, "no tokens to run") }
        guard session.length + tokens.count <= session.capacity else {
            throw LanguageModelError.malformed(file.path, "the sequence would be \(session.length + tokens.count) tokens; the context holds \(session.capacity)")
        }
        let c = config, n = tokens.count, h = c.hidden, kvWidth = c.kvHeads * c.headDimension
        let start = session.length
        var x = [Float](repeating: 0, count: n * h)
        x.withUnsafeMutableBufferPointer { x in
            for (i, token) in tokens.enumerated() {
                embedding.dequantizeRow(Int(min(max(token, 0), Int32(c.vocabulary - 1))), into: x.baseAddress! + i * h)
            }
        }
        var normed = [Float](repeating: 0, count: n * h)
        var q = [Float](repeating: 0, count: n * h), k = [Float](repeating: 0, count: n * kvWidth), v = k
        var attended = [Float](repeating: 0, count: n * h), projected = [Float](repeating: 0, count: n * h)
        var gate = [Float](repeating: 0, count: n * c.feedForward), up = gate
        for (l, layer) in layers.enumerated() {
            rmsNorm(x, layer.attentionNorm, into: &normed, rows: n)
            normed.withUnsafeBufferPointer { input in
                q.withUnsafeMutableBufferPointer { layer.query.multiply(input.baseAddress!, count: n, into: $0.baseAddress!) }
                k.withUnsafeMutableBufferPointer { layer.key.multiply(input.baseAddress!, count: n, into: $0.baseAddress!) }
                v.withUnsafeMutableBufferPointer { layer.value.multiply(input.baseAddress!, count: n, into: $0.baseAddress!) }
            }
            for i in 0..<n {
                rotate(&q, row: i, width: h, heads: c.heads, position: start + i)
                rotate(&k, row: i, width: kvWidth, heads: c.kvHeads, position: start + i)
            }
            session.keys[l].withUnsafeMutableBufferPointer { cache in
                k.withUnsafeBufferPointer { cache.baseAddress!.advanced(by: start * kvWidth).update(from: $0.baseAddress!, count: n * kvWidth) }
            }
            session.values[l].withUnsafeMutableBufferPointer { cache in
                v.withUnsafeBufferPointer { cache.baseAddress!.advanced(by: start * kvWidth).update(from: $0.baseAddress!, count: n * kvWidth) }
            }
            attend(q, keys: session.keys[l], values: session.values[l], into: &attended, tokens: n, start: start)
            attended.withUnsafeBufferPointer { a in projected.withUnsafeMutableBufferPointer { layer.output.multiply(a.baseAddress!, count: n, into: $0.baseAddress!) } }
            for i in x.indices { x[i] += projected[i] }
            rmsNorm(x, layer.feedForwardNorm, into: &normed, rows: n)
            normed.withUnsafeBufferPointer { input in
                gate.withUnsafeMutableBufferPointer { layer.gate.multiply(input.baseAddress!, count: n, into: $0.baseAddress!) }
                up.withUnsafeMutableBufferPointer { layer.up.multiply(input.baseAddress!, count: n, into: $0.baseAddress!) }
            }
            for i in gate.indices { let g = gate[i]; gate[i] = g / (1 + fastExp(-g)) * up[i] }
            gate.withUnsafeBufferPointer { a in projected.withUnsafeMutableBufferPointer { layer.down.multiply(a.baseAddress!, count: n, into: $0.baseAddress!) } }
            for i in x.indices { x[i] += projected[i] }
        }
        // Only the last position's logits are needed to continue.
        var last = [Float](repeating: 0, count: h)
        rmsNorm(Array(x[((n - 1) * h)...]), outputNorm, into: &last, rows: 1)
        var logits = [Float](repeating: 0, count: c.vocabulary)
        last.withUnsafeBufferPointer { input in logits.withUnsafeMutableBufferPointer { output.multiply(input.baseAddress!, into: $0.baseAddress!) } }
        session.tokens += tokens
        return logits
    }

    func rmsNorm(_ x: [Float], _ weight: [Float], into out: inout [Float], rows: Int) {
        let h = config.hidden
        for r in 0..<rows {
            var sum: Float = 0
            for c in 0..<h { sum += x[r * h + c] * x[r * h + c] }
            let scale = 1 / (sum / Float(h) + config.epsilon).squareRoot()
            for c in 0..<h { out[r * h + c] = x[r * h + c] * scale * weight[c] }
        }
    }

    /// Rotates consecutive pairs of each head's first `ropeDimension` values by the position's angles.
    func rotate(_ values: inout [Float], row: Int, width: Int, heads: Int, position: Int) {
        let d = config.headDimension, pairs = config.ropeDimension / 2
        for head in 0..<heads {
            let base = row * width + head * d
            for i in 0..<pairs {
                let cosine = ropeTable[(position * pairs + i) * 2], sine = ropeTable[(position * pairs + i) * 2 + 1]
                let a = values[base + 2 * i], b = values[base + 2 * i + 1]
                values[base + 2 * i] = a * cosine - b * sine
                values[base + 2 * i + 1] = a * sine + b * cosine
            }
        }
    }

    /// Causal grouped-query attention of `tokens` new queries over the cache, heads in parallel.
    func attend(_ q: [Float], keys: [Float], values: [Float], into out: inout [Float], tokens n: Int, start: Int) {
        let c = config, d = c.headDimension, kvWidth = c.kvHeads * d, group = c.heads / c.kvHeads
        let scale = 1 / Float(d).squareRoot()
        q.withUnsafeBufferPointer { q in
            keys.withUnsafeBufferPointer { keys in
                values.withUnsafeBufferPointer { values in
                    out.withUnsafeMutableBufferPointer { out in
                        let (qBase, kBase, vBase, oBase) = (q.baseAddress!, keys.baseAddress!, values.baseAddress!, out.baseAddress!)
                        parallelFor(n * c.heads, grain: n * c.heads * (start + n) >= 4096 ? 1 : n * c.heads) { range in
                            var scores = [Float](repeating: 0, count: start + n)
                            for item in range {
                                let i = item / c.heads, head = item % c.heads, kvHead = head / group
                                let visible = start + i + 1
                                let query = qBase + i * c.hidden + head * d
                                for t in 0..<visible {
                                    let key = kBase + t * kvWidth + kvHead * d
                                    var dot: Float = 0
                                    for j in 0..<d { dot += query[j] * key[j] }
                                    scores[t] = dot * scale
                                }
                                scores.withUnsafeMutableBufferPointer { softmaxInPlace($0.baseAddress!, visible) }
                                let result = oBase + i * c.hidden + head * d
                                for j in 0..<d { result[j] = 0 }
                                for t in 0..<visible {
                                    let value = vBase + t * kvWidth + kvHead * d, p = scores[t]
                                    for j in 0..<d { result[j] += p * value[j] }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
