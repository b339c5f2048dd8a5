import Foundation

/// Whisper's vocabulary (GPT-2 byte-level BPE plus special tokens), read from CTranslate2's
/// `vocabulary.txt` (one token per line, in id order): token ids to text, and the special
/// tokens' ids found by name so English-only and multilingual vocabularies both work.
public struct WhisperTokenizer: Sendable {
    let tokens: [String]
    let ids: [String: Int32]
    public let endOfText: Int32, startOfTranscript: Int32, translate: Int32, transcribe: Int32
    public let startOfPrevious: Int32, noSpeech: Int32, noTimestamps: Int32, timestampBegin: Int32
    /// Language tokens (`<|en|>`, `<|de|>`, …) by code; empty for English-only models.
    public let languages: [String: Int32]

    public init(tokens: [String], name: String) throws {
        self.tokens = tokens
        var ids: [String: Int32] = [:]
        for (i, token) in tokens.enumerated() where ids[token] == nil { ids[token] = Int32(i) }
        self.ids = ids
        func special(_ token: String) throws -> Int32 {
            guard let id = ids[token] else { throw LanguageModelError.malformed(name, "the vocabulary has no \(token); not a Whisper vocabulary") }
            return id
        }
        endOfText = try special("<|endoftext|>")
        startOfTranscript = try special("<|startoftranscript|>")
        translate = try special("<|translate|>")
        transcribe = try special("<|transcribe|>")
        startOfPrevious = try special("<|startofprev|>")
        noSpeech = try ids["<|nospeech|>"] ?? special("<|nocaptions|>")
        noTimestamps = try special("<|notimestamps|>")
        timestampBegin = try special("<|0.00|>")
        // English-only vocabularies (51,864 tokens) keep the language tokens but never use them;
        // multilingual ones have 51,865 or more (as CTranslate2 tells them apart).
        var languages: [String: Int32] = [:]
        for id in (startOfTranscript + 1)..<translate where tokens.count >= 51_865 {
            let token = tokens[Int(id)]
            if token.hasPrefix("<|") && token.hasSuffix("|>") { languages[String(token.dropFirst(2).dropLast(2))] = id }
        }
        self.languages = languages
    }

    public var vocabularySize: Int { tokens.count }

    /// The id of a token by its vocabulary text (`<|startoflm|>`).
    public func id(_ token: String) -> Int32? { ids[token] }
    public var isMultilingual: Bool { !languages.isEmpty }

    /// The text of text tokens (special and timestamp tokens are left out).
    public func decode(_ ids: [Int32]) -> String {
        var bytes: [UInt8] = []
        for id in ids where id >= 0 && id < endOfText {
            bytes += tokens[Int(id)].compactMap { BytePairTokenizer.byteDecoder[$0] }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
