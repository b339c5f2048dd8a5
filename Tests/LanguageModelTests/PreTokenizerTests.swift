import Foundation
import LanguageModels
import Testing

/// The pre-tokenizers of other GGUF families (Llama 3, Qwen2, GPT-2) against llama.cpp, on
/// SmolLM2's vocabulary with `tokenizer.ggml.pre` rewritten (scripts/make_pretokenizer_fixtures.py),
/// and their pieces against the `regex` module running llama.cpp's patterns.
@Suite struct PreTokenizersMatchLlamaCpp {
    struct Fixture: Decodable {
        var texts: [String]
        var ids: [String: [[Int32]]]
        var pieces: [String: [[String]]]
    }

    static func fixture() throws -> Fixture {
        let url = try #require(Bundle.module.url(forResource: "pretokenizers", withExtension: "json", subdirectory: "Fixtures"))
        return try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }

    static func tokenizer(_ pre: String) throws -> BytePairTokenizer {
        let file = try GGUFFile(path: SmolLM2AgreesWithLlamaCpp.modelPath)
        return try BytePairTokenizer(gguf: file, preTokenizer: try #require(BytePairTokenizer.PreTokenizer(ggufName: pre)))
    }

    @Test(arguments: ["llama-bpe", "qwen2", "gpt-2"])
    func piecesAndIdsMatch(pre: String) throws {
        let fixture = try Self.fixture()
        let tokenizer = try Self.tokenizer(pre)
        let ids = try #require(fixture.ids[pre]), pieces = try #require(fixture.pieces[pre])
        for (i, text) in fixture.texts.enumerated() {
            #expect(tokenizer.preTokenized(text) == pieces[i], "\(pre): \(text.debugDescription)")
            #expect(tokenizer.encode(text, parseSpecial: false) == ids[i], "\(pre): \(text.debugDescription)")
        }
    }

    /// Names map to llama.cpp's types; a name it does not know is refused with the supported
    /// ones rather than tokenized by a guess.
    @Test func namesMapToLlamaCppTypes() throws {
        #expect(BytePairTokenizer.PreTokenizer(ggufName: "llama-bpe") == .llama3(digitRun: 3))
        #expect(BytePairTokenizer.PreTokenizer(ggufName: "qwen2") == .llama3(digitRun: 1))
        #expect(BytePairTokenizer.PreTokenizer(ggufName: "smollm") == .digitsThenGPT2)
        #expect(BytePairTokenizer.PreTokenizer(ggufName: "gpt-2") == .gpt2)
        #expect(BytePairTokenizer.PreTokenizer(ggufName: "chameleon") == nil)
        #expect(BytePairTokenizer.PreTokenizer(ggufName: "default") == nil)
        // SmolLM2's own name gives the tokenizer the serving path uses.
        let file = try GGUFFile(path: SmolLM2AgreesWithLlamaCpp.modelPath)
        #expect(try BytePairTokenizer(gguf: file).preTokenized("abc 123") == ["abc", " ", "1", "2", "3"])
    }
}
