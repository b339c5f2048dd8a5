import CQuantKernels
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
    /// The prompt format recognised from `chatTemplate`; ChatML when the file has none or one
    /// this build cannot render (`chatTemplateRecognised` tells which).
    public let chatFormat: ChatTemplate
    public let chatTemplateRecognised: Bool
    /// Tokens that end generation: end of text, and the chat formats' end of turn.
    public let endTokens: Set<Int32>
    let embedding: QuantizedMatrix, output: QuantizedMatrix
    let outputNorm: [Float]
    let layers: [Layer]
    /// The rotary frequencies θ_i = base^(−2i/d), per pair.
    let ropeFrequencies: [Double]

    /// How every product (prompts and decode steps) multiplies activations with the quantized
    /// weights. `.int8` repacks the matrices at load; `.float32` reads them in place.
    public let activations: QuantizedMatrix.ActivationPrecision

    public convenience init(path: String, activations: QuantizedMatrix.ActivationPrecision = .int8) throws {
        try self.init(file: try GGUFFile(path: path), activations: activations)
    }

    public init(file: GGUFFile, activations: QuantizedMatrix.ActivationPrecision = .int8) throws {
        self.activations = activations
        self.file = file
        let path = file.path
        let m = file.metadata
        guard let architecture = m["general.architecture"]?.string else { throw LanguageModelError.malformed(path, "lacks general.architecture") }
        guard architecture == "llama" else { throw LanguageModelError.malformed(path, "architecture \(architecture); this build runs llama") }
        func int(_ key: String) throws -> Int {
            guard let value = m["llama." + key]?.int else { throw LanguageModelError.malformed(path, "lacks llama.\(key)") }
            return value
        }
        let hidden = try int("embedding_length"), heads = try int("attention.head_count")
        tokenizer = try BytePairTokenizer(gguf: file)
        file.dropMetadata(["tokenizer.ggml.tokens", "tokenizer.ggml.merges", "tokenizer.ggml.token_type", "tokenizer.ggml.scores"])
        config = Config(vocabulary: tokenizer.vocabularySize, hidden: hidden, layers: try int("block_count"), heads: heads,
                        kvHeads: m["llama.attention.head_count_kv"]?.int ?? heads, feedForward: try int("feed_forward_length"),
                        contextLength: try int("context_length"), headDimension: hidden / heads,
                        ropeDimension: m["llama.rope.dimension_count"]?.int ?? hidden / heads,
                        ropeBase: Float(m["llama.rope.freq_base"]?.double ?? 10_000),
                        epsilon: Float(m["llama.attention.layer_norm_rms_epsilon"]?.double ?? 1e-5))
        chatTemplate = m["tokenizer.chat_template"]?.string
        let recognised = chatTemplate.flatMap(ChatTemplate.init(jinja:))
        chatFormat = recognised ?? .chatml
        chatTemplateRecognised = recognised != nil
        let tokenizer = self.tokenizer
        // End of text, and each format's end-of-turn marker where the vocabulary has it.
        let endOfTurn = ["<|im_end|>", "<|eot_id|>", "<|end|>", "<end_of_turn>", "<|END_OF_TURN_TOKEN|>", "<|end_of_turn|>", "<|EOT|>", "<|end_of_text|>"]
        endTokens = Set([tokenizer.eos] + ((m["tokenizer.ggml.eot_token_id"]?.int).map { [Int32($0)] } ?? [])
                        + endOfTurn.compactMap { tokenizer.id(ofToken: $0) })
        let file = self.file
        // With 8-bit activations the matrices are repacked for the integer kernels and their
        // mapped pages released: the weights stay resident once, in the repacked copy.
        func matrix(_ name: String) throws -> QuantizedMatrix {
            let info = try file.tensor(name)
            let matrix = try QuantizedMatrix(file, info)
            guard activations == .int8, let repacked = matrix.interleaved() else { return matrix }
            file.releasePages(of: info)
            return repacked
        }
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
        let (ropeBase, ropeDimension) = (Double(config.ropeBase), Double(config.ropeDimension))
        ropeFrequencies = (0..<config.ropeDimension / 2).map { pow(ropeBase, -2 * Double($0) / ropeDimension) }
        // The vocabulary's mapped pages and the parser's temporaries are not needed again, nor,
        // once every matrix is repacked, any of the mapping (the pages at tensor edges and the
        // norm vectors, copied at load, held 1 MiB).
        if activations == .int8 { file.releaseAllPages() } else { file.releaseHeaderPages() }
        ProcessMemory.returnFreePages()
    }

    /// Bytes of weights in the file (what serving keeps resident).
    public var weightBytes: Int { file.tensors.values.reduce(0) { $0 + $1.byteCount } }

    /// One sequence's keys and values for every layer, and the tokens they came from. The cache
    /// is allocated once and only the pages a sequence reaches become resident. Each key/value
    /// head's rows are contiguous (head-major), so attention streams one run of memory per head.
    /// Rows are F16 for models with 8-bit activations (llama.cpp's default cache: half the bytes
    /// that each decode step streams through attention) and F32 for the Float32 reference.
    public final class Session: @unchecked Sendable {
        public let capacity: Int
        public internal(set) var tokens: [Int32] = []
        let keys: [UnsafeMutableRawPointer], values: [UnsafeMutableRawPointer]
        let heads: Int, headDimension: Int
        let isHalf: Bool

        public init(model: LlamaModel, capacity: Int) {
            let capacity = min(capacity, model.config.contextLength)
            self.capacity = capacity
            (heads, headDimension) = (model.config.kvHeads, model.config.headDimension)
            isHalf = model.activations == .int8
            let bytes = capacity * heads * headDimension * (isHalf ? 2 : 4)
            keys = (0..<model.config.layers).map { _ in UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64) }
            values = (0..<model.config.layers).map { _ in UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64) }
        }

        deinit { for pointer in keys + values { pointer.deallocate() } }

        /// Bytes of one head's cached row (one layer's keys or values for one token and head).
        var headBytes: Int { headDimension * (isHalf ? 2 : 4) }

        /// Where a head's rows start in a layer's keys or values.
        func headOffset(_ head: Int) -> Int { head * capacity * headBytes }

        /// Caches one token's keys and values for a layer (all heads, `heads · headDimension` floats each).
        func store(layer: Int, position: Int, keys key: UnsafePointer<Float>, values value: UnsafePointer<Float>) {
            for head in 0..<heads {
                let offset = headOffset(head) + position * headBytes
                let (k, v) = (key + head * headDimension, value + head * headDimension)
                if isHalf {
                    maas_store_half(k, (keys[layer] + offset).assumingMemoryBound(to: UInt16.self), headDimension)
                    maas_store_half(v, (values[layer] + offset).assumingMemoryBound(to: UInt16.self), headDimension)
                } else {
                    (keys[layer] + offset).copyMemory(from: k, byteCount: headBytes)
                    (values[layer] + offset).copyMemory(from: v, byteCount: headBytes)
                }
            }
        }

        public var length: Int { tokens.count }
        /// Forgets everything after the first `count` tokens (a shared prefix is kept).
        public func truncate(to count: Int) { tokens.removeLast(max(0, tokens.count - count)) }
        /// Takes the first `count` cached tokens of `other` (keys, values and tokens), replacing
        /// this session's: a prompt that shares a prefix with a sequence another request is
        /// decoding starts from a copy of that prefix instead of recomputing it.
        public func copyPrefix(from other: Session, count: Int) {
            precondition(heads == other.heads && headDimension == other.headDimension && keys.count == other.keys.count && isHalf == other.isHalf,
                         "sessions of different models")
            let count = min(count, other.length, capacity)
            for layer in keys.indices {
                for head in 0..<heads {
                    (keys[layer] + headOffset(head)).copyMemory(from: other.keys[layer] + other.headOffset(head), byteCount: count * headBytes)
                    (values[layer] + headOffset(head)).copyMemory(from: other.values[layer] + other.headOffset(head), byteCount: count * headBytes)
                }
            }
            tokens = Array(other.tokens.prefix(count))
        }

        /// How many leading tokens of `prompt` this session holds already.
        public func sharedPrefix(with prompt: [Int32]) -> Int {
            var shared = 0
            while shared < min(tokens.count, prompt.count) && tokens[shared] == prompt[shared] { shared += 1 }
            return shared
        }

        /// Bytes the cache can hold.
        public var bytes: Int { 2 * keys.count * capacity * heads * headBytes }
    }

    /// Feeds `tokens` after the session's cached ones; returns the logits after the last.
    public func forward(_ tokens: [Int32], session: Session) throws -> [Float] {
        guard !tokens.isEmpty else { throw LanguageModelError.malformed(file.path, "no tokens to run") }
        guard session.length + tokens.count <= session.capacity else {
            throw LanguageModelError.malformed(file.path, "the sequence would be \(session.length + tokens.count) tokens; the context holds \(session.capacity)")
        }
        // Long prompts go in chunks: the activations of a 128-token pass took 3 MiB, and with
        // 8-bit activations a chunk's rows compute exactly what one pass would (Float32
        // activations keep one pass, where SGEMM gains from more rows).
        let chunk = activations == .int8 ? Self.promptChunk : tokens.count
        var first = 0
        while tokens.count - first > chunk {
            let start = session.length
            var none: [Float] = []
            run(tokens[first..<(first + chunk)].enumerated().map { (token: $1, session: session, position: start + $0) }, logitsFor: [], into: &none)
            first += chunk
        }
        let start = session.length
        var logits: [Float] = []
        run(tokens[first...].enumerated().map { (token: $1, session: session, position: start + $0) }, logitsFor: [tokens.count - first - 1], into: &logits)
        return logits
    }

    /// Prompt tokens per pass (a multiple of the four vectors the integer kernels take at once).
    static let promptChunk = 32

    /// One decode step of several sequences at once (continuous batching): token i continues
    /// sessions[i]. The weight products run over all rows together, so each weight is read once
    /// per step instead of once per sequence. Returns each sequence's next-token logits.
    public func step(_ tokens: [Int32], sessions: [Session]) throws -> [[Float]] {
        var logits: [Float] = []
        try step(tokens, sessions: sessions, logits: &logits)
        let v = config.vocabulary
        return tokens.indices.map { Array(logits[($0 * v)..<(($0 + 1) * v)]) }
    }

    /// `step` into a caller's buffer (sequence i's logits at i · vocabulary): a server keeps one
    /// between steps instead of faulting in fresh pages for every step's megabytes of logits.
    public func step(_ tokens: [Int32], sessions: [Session], logits: inout [Float]) throws {
        precondition(tokens.count == sessions.count, "one token per session")
        guard Set(sessions.map { ObjectIdentifier($0) }).count == sessions.count else {
            throw LanguageModelError.malformed(file.path, "a step takes one token per sequence")
        }
        for session in sessions where session.length + 1 > session.capacity {
            throw LanguageModelError.malformed(file.path, "a sequence reached its context of \(session.capacity) tokens")
        }
        run(zip(tokens, sessions).map { (token: $0, session: $1, position: $1.length) }, logitsFor: Array(tokens.indices), into: &logits)
    }

    /// The transformer over rows that each carry a token, its sequence and its position; the
    /// selected rows' logits go to `logits` (row after row, resized if it does not fit).
    func run(_ rows: [(token: Int32, session: Session, position: Int)], logitsFor selected: [Int], into logits: inout [Float]) {
        let c = config, n = rows.count, h = c.hidden, kvWidth = c.kvHeads * c.headDimension
        var x = [Float](repeating: 0, count: n * h)
        x.withUnsafeMutableBufferPointer { x in
            for (i, row) in rows.enumerated() {
                embedding.dequantizeRow(Int(min(max(row.token, 0), Int32(c.vocabulary - 1))), into: x.baseAddress! + i * h)
            }
        }
        // cos/sin of each row's position × rotary pair (in Double, then rounded), shared by the layers.
        let pairs = c.ropeDimension / 2
        var rotations = [Float](repeating: 0, count: n * pairs * 2)
        for (i, row) in rows.enumerated() {
            for p in 0..<pairs {
                let theta = Double(row.position) * ropeFrequencies[p]
                rotations[(i * pairs + p) * 2] = Float(cos(theta))
                rotations[(i * pairs + p) * 2 + 1] = Float(sin(theta))
            }
        }
        var normed = [Float](repeating: 0, count: n * h)
        var q = [Float](repeating: 0, count: n * h), k = [Float](repeating: 0, count: n * kvWidth), v = k
        var attended = [Float](repeating: 0, count: n * h), projected = [Float](repeating: 0, count: n * h)
        var gate = [Float](repeating: 0, count: n * c.feedForward), up = gate
        for (l, layer) in layers.enumerated() {
            // The previous layer's feed-forward output joins the residual stream here.
            rmsNorm(&x, adding: l > 0 ? projected : nil, layer.attentionNorm, into: &normed, rows: n)
            normed.withUnsafeBufferPointer { input in
                q.withUnsafeMutableBufferPointer { q in
                    k.withUnsafeMutableBufferPointer { k in
                        v.withUnsafeMutableBufferPointer { v in
                            QuantizedMatrix.multiply([(layer.query, q.baseAddress!), (layer.key, k.baseAddress!), (layer.value, v.baseAddress!)],
                                                     input.baseAddress!, count: n, activations: activations)
                        }
                    }
                }
            }
            for (i, row) in rows.enumerated() {
                rotate(&q, row: i, width: h, heads: c.heads, by: rotations)
                rotate(&k, row: i, width: kvWidth, heads: c.kvHeads, by: rotations)
                k.withUnsafeBufferPointer { k in
                    v.withUnsafeBufferPointer { v in
                        row.session.store(layer: l, position: row.position, keys: k.baseAddress! + i * kvWidth, values: v.baseAddress! + i * kvWidth)
                    }
                }
            }
            attend(q, rows: rows, layer: l, into: &attended)
            attended.withUnsafeBufferPointer { a in projected.withUnsafeMutableBufferPointer { layer.output.multiply(a.baseAddress!, count: n, into: $0.baseAddress!, activations: activations) } }
            rmsNorm(&x, adding: projected, layer.feedForwardNorm, into: &normed, rows: n)
            normed.withUnsafeBufferPointer { input in
                gate.withUnsafeMutableBufferPointer { g in
                    up.withUnsafeMutableBufferPointer { u in
                        QuantizedMatrix.multiply([(layer.gate, g.baseAddress!), (layer.up, u.baseAddress!)], input.baseAddress!, count: n, activations: activations)
                    }
                }
            }
            gate.withUnsafeMutableBufferPointer { g in
                up.withUnsafeBufferPointer { u in
                    projected.withUnsafeMutableBufferPointer { out in
                        let (g, u, f) = (g.baseAddress!, u.baseAddress!, c.feedForward)
                        layer.down.multiply(g, count: n, into: out.baseAddress!, activations: activations) { i in maas_swiglu(g + i * f, u + i * f, f) }
                    }
                }
            }
        }
        for row in rows { row.session.tokens.append(row.token) }
        // Only the selected rows' logits are needed (the last prompt token, or every sequence of a step).
        guard !selected.isEmpty else { return }
        x.withUnsafeMutableBufferPointer { x in projected.withUnsafeBufferPointer { maas_add(x.baseAddress!, $0.baseAddress!, x.count) } }  // the last layer's output
        var last = [Float](repeating: 0, count: selected.count * h)
        var chosen = selected.flatMap { x[($0 * h)..<(($0 + 1) * h)] }
        rmsNorm(&chosen, adding: nil, outputNorm, into: &last, rows: selected.count)
        if logits.count != selected.count * c.vocabulary { logits = [Float](repeating: 0, count: selected.count * c.vocabulary) }
        last.withUnsafeBufferPointer { input in
            logits.withUnsafeMutableBufferPointer { output.multiply(input.baseAddress!, count: selected.count, into: $0.baseAddress!, activations: activations) }
        }
    }

    /// x += delta (a residual), then out = RMSNorm(x) · weight, row by row.
    func rmsNorm(_ x: inout [Float], adding delta: [Float]?, _ weight: [Float], into out: inout [Float], rows: Int) {
        x.withUnsafeMutableBufferPointer { x in
            out.withUnsafeMutableBufferPointer { out in
                weight.withUnsafeBufferPointer { weight in
                    if let delta {
                        delta.withUnsafeBufferPointer {
                            maas_add_rmsnorm(x.baseAddress!, $0.baseAddress!, weight.baseAddress!, out.baseAddress!, Int32(rows), Int32(config.hidden), config.epsilon)
                        }
                    } else {
                        maas_add_rmsnorm(x.baseAddress!, nil, weight.baseAddress!, out.baseAddress!, Int32(rows), Int32(config.hidden), config.epsilon)
                    }
                }
            }
        }
    }

    /// Rotates consecutive pairs of each head's first `ropeDimension` values by the position's angles.
    func rotate(_ values: inout [Float], row: Int, width: Int, heads: Int, by rotations: [Float]) {
        let d = config.headDimension, pairs = config.ropeDimension / 2
        for head in 0..<heads {
            let base = row * width + head * d
            for i in 0..<pairs {
                let cosine = rotations[(row * pairs + i) * 2], sine = rotations[(row * pairs + i) * 2 + 1]
                let a = values[base + 2 * i], b = values[base + 2 * i + 1]
                values[base + 2 * i] = a * cosine - b * sine
                values[base + 2 * i + 1] = a * sine + b * cosine
            }
        }
    }

    /// Causal grouped-query attention: each row's query over its own sequence's cache up to its
    /// position, rows and heads in parallel.
    func attend(_ q: [Float], rows: [(token: Int32, session: Session, position: Int)], layer l: Int, into out: inout [Float]) {
        let c = config, d = c.headDimension, group = c.heads / c.kvHeads, n = rows.count
        let scale = 1 / Float(d).squareRoot()
        let longest = rows.map(\.position).max()! + 1
        let caches = rows.map { (session: $0.session, visible: $0.position + 1) }
        q.withUnsafeBufferPointer { q in
            out.withUnsafeMutableBufferPointer { out in
                let (qBase, oBase) = (q.baseAddress!, out.baseAddress!)
                // One item per sequence and key/value head: its query heads read the cache once.
                let items = n * c.kvHeads, inline = items * longest < 256  // very short contexts: a hand-off costs more
                DecodeThreads.run(inline ? 1 : items) { part in
                    withUnsafeTemporaryAllocation(of: Float.self, capacity: group * longest) { scores in
                        for item in inline ? 0..<items : part..<part + 1 {
                            let i = item / c.kvHeads, kvHead = item % c.kvHeads, firstHead = kvHead * group
                            let (session, visible) = caches[i]
                            let offset = session.headOffset(kvHead)
                            maas_attend_group(qBase + i * c.hidden + firstHead * d, Int32(group), session.keys[l] + offset,
                                              session.values[l] + offset, session.isHalf ? 1 : 0, Int32(d), Int32(visible), Int32(d), scale,
                                              scores.baseAddress!, oBase + i * c.hidden + firstHead * d)
                        }
                    }
                }
            }
        }
    }
}
