import Foundation
import LanguageModels
import Testing

/// SmolLM2-135M-Instruct (Q4_1 GGUF) against llama.cpp (scripts/make_llama_fixtures.py).
@Suite(.serialized) struct SmolLM2AgreesWithLlamaCpp {
    static let modelPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../models/smollm2-135m-instruct-q4_1.gguf").standardized.path
    nonisolated(unsafe) static let model: LlamaModel? = try? LlamaModel(path: modelPath)

    struct Fixture: Decodable {
        struct Reference: Decodable { var top_ids: [Int]; var top_logits: [Float]; var greedy: [Int32] }
        struct Case: Decodable {
            var prompt: String; var prompt_ids: [Int32]; var top_ids: [Int]; var top_logits: [Float]; var greedy: [Int32]
            /// Transformers running the dequantized weights in Float32: the exact arithmetic.
            var float32: Reference
        }
        var texts: [String]
        var token_ids: [[Int32]]
        var cases: [Case]
    }

    static func fixture() throws -> Fixture {
        let url = try #require(Bundle.module.url(forResource: "smollm2", withExtension: "json", subdirectory: "Fixtures"))
        return try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }

    @Test func tokenIdsMatchLlamaCpp() throws {
        let model = try #require(Self.model)
        let fixture = try Self.fixture()
        for (text, expected) in zip(fixture.texts, fixture.token_ids) {
            #expect(model.tokenizer.encode(text) == expected, "\(text.debugDescription)")
            #expect(model.tokenizer.decode(expected) == text)
        }
        for c in fixture.cases { #expect(model.tokenizer.encode(c.prompt) == c.prompt_ids) }
    }

    /// Next-token logits equal the exact Float32 arithmetic on the GGUF's weights (transformers)
    /// to 0.01 on its 40 largest, and llama.cpp's to 1.0: llama.cpp rounds activations to 8 bits
    /// and keeps its KV cache in F16, which moves its logits by up to 0.76 on these prompts.
    @Test func nextTokenLogitsMatchTheReferences() throws {
        let model = try #require(Self.model)
        for c in try Self.fixture().cases {
            let session = LlamaModel.Session(model: model, capacity: 512)
            let logits = try model.forward(c.prompt_ids, session: session)
            let exact = zip(c.float32.top_ids, c.float32.top_logits).map { abs(logits[$0] - $1) }.max()!
            #expect(exact < 0.01, "largest difference from the Float32 reference: \(exact)")
            #expect(logits.indices.max { logits[$0] < logits[$1] } == c.float32.top_ids[0])
            let llamaCpp = zip(c.top_ids, c.top_logits).map { abs(logits[$0] - $1) }.max()!
            #expect(llamaCpp < 1.0, "largest difference from llama.cpp: \(llamaCpp)")
        }
    }

    /// 32 greedy tokens equal the Float32 reference's; llama.cpp's equal them where its first
    /// token agrees (its rounding flips the first token of the first prompt, a near tie).
    @Test func greedyGenerationMatchesTheReferences() throws {
        let model = try #require(Self.model)
        for c in try Self.fixture().cases {
            var options = SamplingOptions()
            options.temperature = 0
            options.maxTokens = 32
            let session = LlamaModel.Session(model: model, capacity: 512)
            let result = try model.generate(prompt: c.prompt_ids, options: options, session: session)
            let stop = Set([model.tokenizer.eos] + model.tokenizer.encode("<|im_end|>"))
            let exact = Array(c.float32.greedy.prefix { !stop.contains($0) })
            #expect(result.tokens == exact, "\(model.tokenizer.decode(result.tokens)) vs \(model.tokenizer.decode(exact))")
            if c.greedy.first == exact.first {
                let llamaCpp = Array(c.greedy.prefix { !stop.contains($0) })
                let agreeing = zip(result.tokens, llamaCpp).prefix { $0 == $1 }.count
                #expect(agreeing >= 16, "first \(agreeing) tokens agree with llama.cpp")
            }
        }
    }
}
