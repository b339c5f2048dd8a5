import Foundation
import LanguageModels
import Testing

/// all-MiniLM-L6-v2 against fixtures from Hugging Face's tokenizer and sentence-transformers
/// (scripts/make_llm_fixtures.py); the model comes from scripts/fetch_models.sh.
struct MiniLMAgreement {
    static let modelDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../models/all-minilm-l6-v2").standardized.path

    struct Fixture: Decodable {
        var sentences: [String]
        var token_ids: [[Int32]]
        var embeddings: [[Float]]
    }

    static func fixture() throws -> Fixture {
        let url = try #require(Bundle.module.url(forResource: "minilm", withExtension: "json", subdirectory: "Fixtures"))
        return try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }

    @Test func tokenIdsMatchHuggingFace() throws {
        let fixture = try Self.fixture()
        let tokenizer = try WordPieceTokenizer(vocabularyFile: Self.modelDirectory + "/vocab.txt")
        for (sentence, expected) in zip(fixture.sentences, fixture.token_ids) {
            #expect(tokenizer.encode(sentence, maximumLength: 256) == expected, "\(sentence.prefix(60))")
        }
    }

    @Test func embeddingsMatchSentenceTransformers() throws {
        let fixture = try Self.fixture()
        let encoder = try SentenceEncoder(directory: Self.modelDirectory)
        let (embeddings, counts) = encoder.embed(fixture.sentences)
        #expect(counts == fixture.token_ids.map(\.count))
        for (i, (ours, theirs)) in zip(embeddings, fixture.embeddings).enumerated() {
            let cosine = zip(ours, theirs).reduce(Float(0)) { $0 + $1.0 * $1.1 }
            #expect(cosine > 0.9999, "sentence \(i): cosine \(cosine)")
        }
        // Batching does not change a sentence's embedding.
        let alone = encoder.embed([fixture.sentences[3]]).embeddings[0]
        #expect(zip(alone, embeddings[3]).allSatisfy { abs($0 - $1) < 1e-5 })
    }

    @Test func aMissingModelIsReportedWithItsPath() {
        #expect { try SentenceEncoder(directory: "/nonexistent/model") } throws: { "\($0)".contains("/nonexistent/model/config.json") }
    }
}
