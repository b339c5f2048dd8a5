import Foundation

/// BERT's tokenizer: basic tokenization (clean control characters, split CJK characters,
/// lowercase and strip accents, split on whitespace and punctuation) then greedy
/// longest-match-first WordPiece over `vocab.txt`, with `[CLS] … [SEP]` around it. Matches
/// Hugging Face's `BertTokenizer(do_lower_case=True)` token for token.
public struct WordPieceTokenizer: Sendable {
    public let vocabulary: [String: Int32]
    public let lowercase: Bool
    public let unknown: Int32, classification: Int32, separator: Int32, padding: Int32
    static let maximumCharactersPerWord = 100

    public init(vocabularyFile path: String, lowercase: Bool = true) throws {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw LanguageModelError.unreadable(path, "cannot read the WordPiece vocabulary")
        }
        try self.init(vocabulary: text, name: path, lowercase: lowercase)
    }

    /// From `vocab.txt`'s text (one token per line); `name` is what errors call it.
    public init(vocabulary text: String, name path: String, lowercase: Bool = true) throws {
        var vocabulary: [String: Int32] = [:]
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let token = line.hasSuffix("\r") ? String(line.dropLast()) : String(line)
            if !token.isEmpty && vocabulary[token] == nil { vocabulary[token] = Int32(index) }
        }
        func id(_ token: String) throws -> Int32 {
            guard let id = vocabulary[token] else { throw LanguageModelError.malformed(path, "the vocabulary lacks \(token)") }
            return id
        }
        self.vocabulary = vocabulary
        self.lowercase = lowercase
        unknown = try id("[UNK]"); classification = try id("[CLS]"); separator = try id("[SEP]"); padding = try id("[PAD]")
    }

    /// Token ids with `[CLS]` and `[SEP]`, truncated to `maximumLength` in all.
    public func encode(_ text: String, maximumLength: Int = 256) -> [Int32] {
        var ids: [Int32] = [classification]
        for word in basicTokens(text) {
            ids += wordPieces(word)
            if ids.count >= maximumLength - 1 { break }
        }
        if ids.count > maximumLength - 1 { ids.removeLast(ids.count - (maximumLength - 1)) }
        return ids + [separator]
    }

    /// Words and punctuation marks, cleaned, lowercased and without accents.
    func basicTokens(_ text: String) -> [[Unicode.Scalar]] {
        var spaced: [Unicode.Scalar] = []
        for scalar in text.unicodeScalars {
            let value = scalar.value
            if value == 0 || value == 0xFFFD || Self.isControl(scalar) { continue }
            if Self.isWhitespace(scalar) { spaced.append(" "); continue }
            if Self.isCJK(value) { spaced += [" ", scalar, " "]; continue }
            spaced.append(scalar)
        }
        var tokens: [[Unicode.Scalar]] = []
        for word in spaced.split(separator: " ") {
            var normalized = Array(word)
            if lowercase {
                let lowered = String(String.UnicodeScalarView(normalized)).lowercased().decomposedStringWithCanonicalMapping
                normalized = lowered.unicodeScalars.filter { $0.properties.generalCategory != .nonspacingMark }
            }
            var current: [Unicode.Scalar] = []
            for scalar in normalized {
                if Self.isPunctuation(scalar) {
                    if !current.isEmpty { tokens.append(current); current = [] }
                    tokens.append([scalar])
                } else {
                    current.append(scalar)
                }
            }
            if !current.isEmpty { tokens.append(current) }
        }
        return tokens
    }

    func wordPieces(_ word: [Unicode.Scalar]) -> [Int32] {
        if word.count > Self.maximumCharactersPerWord { return [unknown] }
        var pieces: [Int32] = []
        var start = 0
        while start < word.count {
            var end = word.count
            var found: Int32?
            while start < end {
                var piece = String(String.UnicodeScalarView(word[start..<end]))
                if start > 0 { piece = "##" + piece }
                if let id = vocabulary[piece] { found = id; break }
                end -= 1
            }
            guard let found else { return [unknown] }
            pieces.append(found)
            start = end
        }
        return pieces
    }

    static func isWhitespace(_ s: Unicode.Scalar) -> Bool {
        s == " " || s == "\t" || s == "\n" || s == "\r" || s.properties.generalCategory == .spaceSeparator
    }

    static func isControl(_ s: Unicode.Scalar) -> Bool {
        if s == "\t" || s == "\n" || s == "\r" { return false }
        switch s.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned: return true
        default: return false
        }
    }

    static func isPunctuation(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if (33...47).contains(v) || (58...64).contains(v) || (91...96).contains(v) || (123...126).contains(v) { return true }
        switch s.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation: return true
        default: return false
        }
    }

    static func isCJK(_ v: UInt32) -> Bool {
        (0x4E00...0x9FFF).contains(v) || (0x3400...0x4DBF).contains(v) || (0x20000...0x2A6DF).contains(v)
            || (0x2A700...0x2B73F).contains(v) || (0x2B740...0x2B81F).contains(v) || (0x2B820...0x2CEAF).contains(v)
            || (0xF900...0xFAFF).contains(v) || (0x2F800...0x2FA1F).contains(v)
    }
}

/// Failures loading language models, naming the file.
public enum LanguageModelError: Error, CustomStringConvertible, Equatable, Sendable {
    case unreadable(String, String)
    case malformed(String, String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason), .malformed(let path, let reason): return "\(path): \(reason)"
        }
    }
}
