import Foundation
import LanguageModels
import Testing

/// SmolLM2-135M-Instruct (Q4_1 GGUF) against llama.cpp (scripts/make_llama_fixtures.py).
@Suite(.serialized) struct SmolLM2AgreesWithLlamaCpp {
    static let modelPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../models/smollm2-135m-instruct-q4_1.gguf").standardized.path
    /// The serving configuration: activations rounded to 8 bits in decode, as llama.cpp does.
    nonisolated(unsafe) static let model: LlamaModel? = try? LlamaModel(path: modelPath)
    /// Float32 activations throughout: the exact arithmetic of the stored weights.
    nonisolated(unsafe) static let exactModel: LlamaModel? = try? LlamaModel(path: modelPath, activations: .float32)

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

    /// With Float32 activations, next-token logits equal the exact arithmetic on the GGUF's weights
    /// (transformers in Float32) to 0.01 on its 40 largest, and 32 greedy tokens equal its own.
    @Test func float32ActivationsMatchTheExactReference() throws {
        let model = try #require(Self.exactModel)
        for c in try Self.fixture().cases {
            let logits = try model.forward(c.prompt_ids, session: LlamaModel.Session(model: model, capacity: 512))
            let exact = zip(c.float32.top_ids, c.float32.top_logits).map { abs(logits[$0] - $1) }.max()!
            #expect(exact < 0.01, "largest difference from the Float32 reference: \(exact)")
            #expect(logits.indices.max { logits[$0] < logits[$1] } == c.float32.top_ids[0])
            let generated = try Self.greedy(model, c.prompt_ids)
            let expected = Array(c.float32.greedy.prefix { !Self.stop(model).contains($0) })
            #expect(generated == expected, "\(model.tokenizer.decode(generated)) vs \(model.tokenizer.decode(expected))")
        }
    }

    /// The serving path rounds activations to 8 bits, as llama.cpp does. Logits stay near both
    /// references (measured: 0.67/0.32/0.26 from Float32, 0.19/0.36/0.55 from llama.cpp, which
    /// itself is 0.76/0.44/0.37 from Float32), and greedy decoding follows llama.cpp's tokens
    /// until a near tie: where they part, our top two logits are within the logit tolerance.
    @Test func int8ActivationsStayNearBothReferences() throws {
        let model = try #require(Self.model)
        let tolerance: Float = 1.5
        for c in try Self.fixture().cases {
            let session = LlamaModel.Session(model: model, capacity: 512)
            var logits = try model.forward(c.prompt_ids, session: session)
            let exact = zip(c.float32.top_ids, c.float32.top_logits).map { abs(logits[$0] - $1) }.max()!
            let llamaCpp = zip(c.top_ids, c.top_logits).map { abs(logits[$0] - $1) }.max()!
            #expect(exact < 2 * tolerance, "largest difference from the Float32 reference: \(exact)")
            #expect(llamaCpp < tolerance, "largest difference from llama.cpp: \(llamaCpp)")
            for (step, expected) in c.greedy.prefix(while: { !Self.stop(model).contains($0) }).enumerated() {
                let ranked = logits.indices.sorted { logits[$0] > logits[$1] }.prefix(2)
                let (best, runnerUp) = (ranked.first!, ranked.last!)
                if best != Int(expected) {
                    #expect(logits[best] - logits[runnerUp] < tolerance, "step \(step): \(best) beats llama.cpp's \(expected) by a clear margin")
                    break
                }
                logits = try model.forward([expected], session: session)
            }
        }
    }

    /// A decode step over several sequences gives each exactly (bit for bit) the logits it gets
    /// alone, and a prompt run in one call equals the same prompt fed token by token: the 8-bit
    /// products compute every vector the same way whatever it is batched with.
    @Test func productsDoNotDependOnTheBatch() throws {
        let model = try #require(Self.model)
        let prompts = try Self.fixture().texts.prefix(5).map { Array(model.tokenizer.encode($0).prefix(12)) }.filter { !$0.isEmpty }
        let alone = try prompts.map { prompt in
            let session = LlamaModel.Session(model: model, capacity: 64)
            _ = try model.forward(prompt, session: session)
            return try model.forward([42], session: session)
        }
        let sessions = prompts.map { _ in LlamaModel.Session(model: model, capacity: 64) }
        for (prompt, session) in zip(prompts, sessions) { for token in prompt { _ = try model.forward([token], session: session) } }
        let together = try model.step(Array(repeating: 42, count: sessions.count), sessions: sessions)
        #expect(together == alone)
    }

    /// Prompts and a batched step give bit for bit the same logits on the AVX-512 VNNI kernels as
    /// on AVX2 (every 4-bit matrix and the 8-bit output head, 3 to 12 vectors at a time).
    @Test(.enabled(if: IntegerKernels.vnniSupported, "this processor lacks AVX-512 VNNI"))
    func vnniAndAVX2GiveTheSameLogits() throws {
        let model = try #require(Self.model)
        let prompts = try Self.fixture().texts.prefix(3).map { Array(model.tokenizer.encode($0).prefix(12)) }.filter { !$0.isEmpty }
        func logits(on kernels: IntegerKernels) throws -> [[Float]] {
            #expect(IntegerKernels.use(kernels) == kernels)
            let sessions = prompts.map { _ in LlamaModel.Session(model: model, capacity: 64) }
            let prompted = try zip(prompts, sessions).map { try model.forward($0, session: $1) }
            return try prompted + model.step(Array(repeating: 42, count: sessions.count), sessions: sessions)
        }
        let previous = IntegerKernels.current
        defer { IntegerKernels.use(previous) }
        let (vnni, avx2) = (try logits(on: .avx512VNNI).joined(), try logits(on: .avx2).joined())
        let differing = zip(vnni, avx2).filter { $0.bitPattern != $1.bitPattern }.count
        #expect(vnni.count == avx2.count && differing == 0, "\(differing) of \(avx2.count) logits differ")
    }

    static func greedy(_ model: LlamaModel, _ prompt: [Int32]) throws -> [Int32] {
        var options = SamplingOptions()
        options.temperature = 0
        options.maxTokens = 32
        return try model.generate(prompt: prompt, options: options, session: LlamaModel.Session(model: model, capacity: 512)).tokens
    }

    static func stop(_ model: LlamaModel) -> Set<Int32> { Set([model.tokenizer.eos] + model.tokenizer.encode("<|im_end|>")) }
}
