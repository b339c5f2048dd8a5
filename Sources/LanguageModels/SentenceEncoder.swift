import CQuantKernels
import Foundation
import Tensor

/// A BERT encoder with mean pooling and L2 normalisation: sentence-transformers models such as
/// all-MiniLM-L6-v2, loaded from a directory with `config.json`, `model.safetensors` and
/// `vocab.txt`. Inference only, on raw Float buffers: sequences of a batch are packed without
/// padding, so every per-token product is one GEMM over all tokens and attention runs per
/// sequence and head in parallel.
public final class SentenceEncoder: @unchecked Sendable {
    public struct Config: Sendable {
        public var hidden: Int, layers: Int, heads: Int, intermediate: Int, maxPositions: Int, epsilon: Float
    }

    struct Layer {
        var qkvWeight: [Float], qkvBias: [Float]          // [3H, H] (query, key, value rows), [3H]
        var outputWeight: [Float], outputBias: [Float]    // [H, H], [H]
        var norm1Scale: [Float], norm1Shift: [Float]
        var upWeight: [Float], upBias: [Float]            // [I, H], [I]
        var downWeight: [Float], downBias: [Float]        // [H, I], [H]
        var norm2Scale: [Float], norm2Shift: [Float]
    }

    public let config: Config
    public let tokenizer: WordPieceTokenizer
    public let maximumSequenceLength: Int
    let wordEmbeddings: [Float], positionEmbeddings: [Float], typeEmbedding: [Float]
    let embeddingScale: [Float], embeddingShift: [Float]
    let layers: [Layer]

    public var dimension: Int { config.hidden }

    public convenience init(directory: String) throws {
        try self.init(files: ArtifactFiles(directory: directory))
    }

    /// From a Hugging Face directory's files (on disk, or decrypted in memory).
    public init(files: ArtifactFiles) throws {
        let configPath = files.describe("config.json")
        guard let data = files.data("config.json"),
              let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw LanguageModelError.unreadable(configPath, "cannot read the model config")
        }
        func int(_ key: String) throws -> Int {
            guard let value = (json[key] as? NSNumber)?.intValue else { throw LanguageModelError.malformed(configPath, "lacks \(key)") }
            return value
        }
        guard (json["model_type"] as? String) == "bert" else {
            throw LanguageModelError.malformed(configPath, "model_type is \(json["model_type"] ?? "missing"); only BERT encoders are supported")
        }
        config = Config(hidden: try int("hidden_size"), layers: try int("num_hidden_layers"), heads: try int("num_attention_heads"),
                        intermediate: try int("intermediate_size"), maxPositions: try int("max_position_embeddings"),
                        epsilon: Float((json["layer_norm_eps"] as? NSNumber)?.doubleValue ?? 1e-12))
        let sentenceConfig = files.data("sentence_bert_config.json")
            .flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }
        maximumSequenceLength = min(config.maxPositions, (sentenceConfig?["max_seq_length"] as? NSNumber)?.intValue ?? config.maxPositions)
        guard let vocabulary = files.data("vocab.txt") else {
            throw LanguageModelError.unreadable(files.describe("vocab.txt"), "cannot read the WordPiece vocabulary")
        }
        tokenizer = try WordPieceTokenizer(vocabulary: String(decoding: vocabulary, as: UTF8.self), name: files.describe("vocab.txt"))

        let weightsPath = files.describe("model.safetensors")
        let (entries, _) = try Safetensors.readEntries("model.safetensors", in: files)
        func tensor(_ name: String, _ count: Int) throws -> [Float] {
            // Some exports prefix every name with the architecture ("bert.").
            guard let entry = entries[name] ?? entries["bert." + name] else { throw LanguageModelError.malformed(weightsPath, "lacks \(name)") }
            let values = entry.tensor.scalars
            guard values.count == count else { throw LanguageModelError.malformed(weightsPath, "\(name) holds \(values.count) values, expected \(count)") }
            return values
        }
        let h = config.hidden, i = config.intermediate
        wordEmbeddings = try tensor("embeddings.word_embeddings.weight", (entries["embeddings.word_embeddings.weight"]?.shape.first ?? 0) * h)
        positionEmbeddings = try tensor("embeddings.position_embeddings.weight", config.maxPositions * h)
        typeEmbedding = Array(try tensor("embeddings.token_type_embeddings.weight", (entries["embeddings.token_type_embeddings.weight"]?.shape.first ?? 1) * h)[0..<h])
        embeddingScale = try tensor("embeddings.LayerNorm.weight", h)
        embeddingShift = try tensor("embeddings.LayerNorm.bias", h)
        layers = try (0..<config.layers).map { l in
            let p = "encoder.layer.\(l)."
            return Layer(
                qkvWeight: try tensor(p + "attention.self.query.weight", h * h) + tensor(p + "attention.self.key.weight", h * h)
                    + tensor(p + "attention.self.value.weight", h * h),
                qkvBias: try tensor(p + "attention.self.query.bias", h) + tensor(p + "attention.self.key.bias", h) + tensor(p + "attention.self.value.bias", h),
                outputWeight: try tensor(p + "attention.output.dense.weight", h * h), outputBias: try tensor(p + "attention.output.dense.bias", h),
                norm1Scale: try tensor(p + "attention.output.LayerNorm.weight", h), norm1Shift: try tensor(p + "attention.output.LayerNorm.bias", h),
                upWeight: try tensor(p + "intermediate.dense.weight", i * h), upBias: try tensor(p + "intermediate.dense.bias", i),
                downWeight: try tensor(p + "output.dense.weight", h * i), downBias: try tensor(p + "output.dense.bias", h),
                norm2Scale: try tensor(p + "output.LayerNorm.weight", h), norm2Shift: try tensor(p + "output.LayerNorm.bias", h))
        }
    }

    /// Unit-length sentence embeddings, one per text, and the tokens each took.
    public func embed(_ texts: [String]) -> (embeddings: [[Float]], tokenCounts: [Int]) {
        let sequences = texts.map { tokenizer.encode($0, maximumLength: maximumSequenceLength) }
        return (encode(sequences), sequences.map(\.count))
    }

    /// Mean-pooled, L2-normalised final hidden states of token sequences (with [CLS]/[SEP]).
    public func encode(_ sequences: [[Int32]]) -> [[Float]] {
        let h = config.hidden
        let offsets = sequences.reduce(into: [0]) { $0.append($0.last! + $1.count) }
        let rows = offsets.last!
        guard rows > 0 else { return sequences.map { _ in [Float](repeating: 0, count: h) } }
        var x = [Float](repeating: 0, count: rows * h)
        let vocabularySize = wordEmbeddings.count / h
        x.withUnsafeMutableBufferPointer { out in
            for (s, sequence) in sequences.enumerated() {
                for (t, token) in sequence.enumerated() {
                    let row = offsets[s] + t, id = Int(token) < vocabularySize ? Int(token) : Int(tokenizer.unknown)
                    for c in 0..<h { out[row * h + c] = wordEmbeddings[id * h + c] + positionEmbeddings[t * h + c] + typeEmbedding[c] }
                }
            }
        }
        layerNorm(&x, rows: rows, scale: embeddingScale, shift: embeddingShift)
        for layer in layers { x = forward(layer, x, rows: rows, offsets: offsets) }
        return (0..<sequences.count).map { s in
            var pooled = [Float](repeating: 0, count: h)
            let count = offsets[s + 1] - offsets[s]
            for row in offsets[s]..<offsets[s + 1] { for c in 0..<h { pooled[c] += x[row * h + c] } }
            var norm: Float = 0
            for c in 0..<h { pooled[c] /= Float(max(count, 1)); norm += pooled[c] * pooled[c] }
            let inverse = 1 / max(norm.squareRoot(), 1e-12)
            return pooled.map { $0 * inverse }
        }
    }

    func forward(_ layer: Layer, _ x: [Float], rows: Int, offsets: [Int]) -> [Float] {
        let h = config.hidden, heads = config.heads, d = h / heads, i = config.intermediate
        var qkv = linear(x, rows: rows, inputs: h, outputs: 3 * h, weight: layer.qkvWeight, bias: layer.qkvBias)
        var context = [Float](repeating: 0, count: rows * h)
        let scale = 1 / Float(d).squareRoot()
        let sequenceCount = offsets.count - 1
        qkv.withUnsafeMutableBufferPointer { qkv in
            context.withUnsafeMutableBufferPointer { context in
                let qkvBase = qkv.baseAddress!, contextBase = context.baseAddress!
                parallelFor(sequenceCount * heads, grain: 1) { pairs in
                    var scores = [Float](repeating: 0, count: 0)
                    for pair in pairs {
                        let s = pair / heads, head = pair % heads
                        let start = offsets[s], length = offsets[s + 1] - start
                        if scores.count < length * length { scores = [Float](repeating: 0, count: length * length) }
                        scores.withUnsafeMutableBufferPointer { scores in
                            let q = qkvBase + start * 3 * h + head * d, k = q + h, v = q + 2 * h
                            sgemm(transposeB: true, m: length, n: length, k: d, alpha: scale, a: q, lda: 3 * h, b: k, ldb: 3 * h,
                                  c: scores.baseAddress!, ldc: length)
                            for r in 0..<length { softmaxInPlace(scores.baseAddress! + r * length, length) }
                            sgemm(m: length, n: d, k: length, a: scores.baseAddress!, lda: length, b: v, ldb: 3 * h,
                                  c: contextBase + start * h + head * d, ldc: h)
                        }
                    }
                }
            }
        }
        var attended = linear(context, rows: rows, inputs: h, outputs: h, weight: layer.outputWeight, bias: layer.outputBias)
        for index in attended.indices { attended[index] += x[index] }
        layerNorm(&attended, rows: rows, scale: layer.norm1Scale, shift: layer.norm1Shift)
        var up = linear(attended, rows: rows, inputs: h, outputs: i, weight: layer.upWeight, bias: layer.upBias)
        geluInPlace(&up)
        var down = linear(up, rows: rows, inputs: i, outputs: h, weight: layer.downWeight, bias: layer.downBias)
        for index in down.indices { down[index] += attended[index] }
        layerNorm(&down, rows: rows, scale: layer.norm2Scale, shift: layer.norm2Shift)
        return down
    }

    /// x [rows, inputs] · Wᵀ (W is [outputs, inputs], PyTorch's layout) + bias.
    func linear(_ x: [Float], rows: Int, inputs: Int, outputs: Int, weight: [Float], bias: [Float]) -> [Float] {
        var out = [Float](repeating: 0, count: rows * outputs)
        out.withUnsafeMutableBufferPointer { out in
            for r in 0..<rows { for c in 0..<outputs { out[r * outputs + c] = bias[c] } }
            sgemm(transposeB: true, m: rows, n: outputs, k: inputs, a: x, lda: inputs, b: weight, ldb: inputs, beta: 1,
                  c: out.baseAddress!, ldc: outputs)
        }
        return out
    }

    func layerNorm(_ x: inout [Float], rows: Int, scale: [Float], shift: [Float]) {
        layerNormRows(&x, width: config.hidden, scale: scale, shift: shift, epsilon: config.epsilon)
    }
}

/// Each `width`-wide row normalised to zero mean and unit variance, then scaled and shifted.
func layerNormRows(_ x: inout [Float], width: Int, scale: [Float], shift: [Float], epsilon: Float) {
    let rows = x.count / width
    x.withUnsafeMutableBufferPointer { x in
        for r in 0..<rows {
            let row = x.baseAddress! + r * width
            var mean: Float = 0
            for c in 0..<width { mean += row[c] }
            mean /= Float(width)
            var variance: Float = 0
            for c in 0..<width { let d = row[c] - mean; variance += d * d }
            let inverse = 1 / (variance / Float(width) + epsilon).squareRoot()
            for c in 0..<width { row[c] = (row[c] - mean) * inverse * scale[c] + shift[c] }
        }
    }
}

/// GELU (erf form, Abramowitz & Stegun 7.1.26, |error| < 1.5e-7) in place, in AVX2 on the
/// compute threads.
func geluInPlace(_ x: inout [Float]) {
    x.withUnsafeMutableBufferPointer { values in
        let base = values.baseAddress!
        parallelFor(values.count, grain: 1 << 14) { range in maas_gelu(base + range.lowerBound, range.count) }
    }
}

/// Softmax of `count` values in place, max-subtracted (AVX2: the Whisper encoder runs 54 million
/// exponentials per window through it).
@inline(__always)
func softmaxInPlace(_ values: UnsafeMutablePointer<Float>, _ count: Int) {
    maas_softmax(values, count)
}
