import Foundation

/// GPT-2-style byte-level BPE from a GGUF vocabulary (`tokenizer.ggml.model = gpt2`): text is
/// split by the family's pre-tokenizer (`tokenizer.ggml.pre`: GPT-2's pattern, SmolLM's digits
/// one by one before it, or Llama 3's and Qwen2's), bytes are mapped to printable characters,
/// and merges are applied by rank. Special tokens (`<|im_start|>` …) are matched whole when asked.
public final class BytePairTokenizer: @unchecked Sendable {
    // Kept compact, as ids and bytes rather than Strings: a served model keeps its tokenizer
    // resident, and string dictionaries of 49k tokens and merges took 5 MiB.
    /// The token id of each byte's one-character token.
    let byteTokens: [Int32]
    /// (left id << 32 | right id) → (rank << 32 | merged id).
    let merges: [UInt64: UInt64]
    /// Token i stands for tokenBytes[tokenOffsets[i] ..< tokenOffsets[i + 1]] (specials: their text).
    let tokenBytes: [UInt8]
    let tokenOffsets: [Int32]
    /// Control and user-defined tokens, longest first, for matching inside text.
    let specials: [(text: [UInt8], id: Int32)]
    let specialFirstBytes: Set<UInt8>
    /// Looked up for every generated token while streaming.
    let specialIDs: Set<Int32>
    public let bos: Int32?, eos: Int32
    /// Whether a prompt starts with BOS (`tokenizer.ggml.add_bos_token`; Llama 3 sets it, SmolLM2 not).
    public let addsBOS: Bool
    let preTokenizer: PreTokenizer

    /// How text is cut into words before merges, as llama.cpp's pre-tokenizer types do it.
    public enum PreTokenizer: Sendable, Equatable {
        /// `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`
        case gpt2
        /// Every digit alone (`\p{N}`), then GPT-2's pattern between them (SmolLM, StarCoder, Command-R).
        case digitsThenGPT2
        /// `(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,n}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`
        /// with runs of up to three digits (Llama 3) or one (Qwen2).
        case llama3(digitRun: Int)

        /// The pattern llama.cpp (src/llama-vocab.cpp) gives a `tokenizer.ggml.pre` name; nil for
        /// names whose patterns this build lacks, and for "default" (what llama.cpp assumes when
        /// the name is missing: punctuation runs split off first, a pattern of its own).
        public init?(ggufName name: String) {
            switch name {
            case "gpt-2", "phi-2", "jina-es", "jina-de", "gigachat", "jina-v2-es", "jina-v2-de", "a.x-4.0", "mellum",
                 "jina-v1-en", "jina-v2-code", "roberta-bpe", "exaone4":
                self = .gpt2
            case "smollm", "starcoder", "refact", "command-r", "codeshell", "exaone", "minerva-7b":
                self = .digitsThenGPT2
            case "llama3", "llama-v3", "llama-bpe", "falcon3", "falcon-h1", "pixtral", "midm-2.0", "lfm2", "smaug-bpe", "dbrx":
                self = .llama3(digitRun: 3)
            case "qwen2", "deepseek-r1-qwen", "kormo", "megrez":
                self = .llama3(digitRun: 1)
            default:
                return nil
            }
        }

        static let supportedNames = "gpt-2, smollm, starcoder, command-r, llama-bpe (Llama 3), falcon3, qwen2, deepseek-r1-qwen and others of these families"
    }
    static let byteEncoder: [Character] = {
        var printable = Array(33...126) + Array(161...172) + Array(174...255)
        var mapped = printable
        var extra = 0
        for byte in 0..<256 where !printable.contains(byte) {
            printable.append(byte)
            mapped.append(256 + extra)
            extra += 1
        }
        var table = [Character](repeating: " ", count: 256)
        for (byte, scalar) in zip(printable, mapped) { table[byte] = Character(Unicode.Scalar(UInt32(scalar))!) }
        return table
    }()
    static let byteDecoder: [Character: UInt8] = Dictionary(uniqueKeysWithValues: byteEncoder.enumerated().map { ($1, UInt8($0)) })
    /// Token ids of recent words (pre-tokenizer pieces), emptied when full.
    private var cache: [String: [Int32]] = [:]
    private let cacheLock = NSLock()
    static let cacheLimit = 10_000

    /// `preTokenizer` overrides the GGUF's `tokenizer.ggml.pre` (its vocabulary with another
    /// family's splitting: the tests check each pattern against llama.cpp that way).
    public convenience init(gguf file: GGUFFile, preTokenizer: PreTokenizer? = nil) throws {
        guard file.metadata["tokenizer.ggml.model"]?.string == "gpt2" else {
            throw LanguageModelError.malformed(file.path, "tokenizer.ggml.model is \(file.metadata["tokenizer.ggml.model"]?.string ?? "missing"); byte-level BPE (gpt2) is supported, not yet SentencePiece (llama: Llama 2, Mistral)")
        }
        guard let tokens = file.metadata["tokenizer.ggml.tokens"]?.array?.compactMap(\.string), !tokens.isEmpty,
              let mergeTexts = file.metadata["tokenizer.ggml.merges"]?.array?.compactMap(\.string) else {
            throw LanguageModelError.malformed(file.path, "lacks tokenizer.ggml.tokens or merges")
        }
        let types = file.metadata["tokenizer.ggml.token_type"]?.array?.compactMap(\.int) ?? []
        let specialIDs = Set(types.enumerated().filter { $0.element == 3 || $0.element == 4 }.map { Int32($0.offset) })
        let bos = file.metadata["tokenizer.ggml.bos_token_id"]?.int.map(Int32.init)
        let pre = file.metadata["tokenizer.ggml.pre"]?.string ?? "missing"
        guard let chosen = preTokenizer ?? PreTokenizer(ggufName: pre) else {
            throw LanguageModelError.malformed(file.path, "tokenizer.ggml.pre is '\(pre)'; supported pre-tokenizers: \(PreTokenizer.supportedNames)")
        }
        self.init(tokens: tokens, merges: mergeTexts, specialIDs: specialIDs, bos: bos, eos: Int32(file.metadata["tokenizer.ggml.eos_token_id"]?.int ?? 0),
                  addsBOS: bos != nil && file.metadata["tokenizer.ggml.add_bos_token"]?.bool == true, preTokenizer: chosen)
    }

    /// A Hugging Face `tokenizer.json` of a byte-level BPE model (GPT-2's and Whisper's):
    /// model.vocab, model.merges (as "a b" strings or [a, b] pairs) and the added special tokens.
    public convenience init(huggingFaceJSON data: Data, name: String) throws {
        guard let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any], let model = root["model"] as? [String: Any],
              model["type"] as? String == "BPE", let vocabulary = model["vocab"] as? [String: NSNumber], let rawMerges = model["merges"] as? [Any] else {
            throw LanguageModelError.malformed(name, "not a byte-level BPE tokenizer.json (model.type BPE with vocab and merges)")
        }
        var tokens = [String](repeating: "", count: (vocabulary.values.map(\.intValue).max() ?? -1) + 1)
        for (token, id) in vocabulary where id.intValue >= 0 { tokens[id.intValue] = token }
        var specialIDs = Set<Int32>()
        for added in root["added_tokens"] as? [[String: Any]] ?? [] {
            guard let id = (added["id"] as? NSNumber)?.intValue, id >= 0, let content = added["content"] as? String else { continue }
            if id >= tokens.count { tokens += [String](repeating: "", count: id - tokens.count + 1) }
            tokens[id] = content
            if added["special"] as? Bool == true { specialIDs.insert(Int32(id)) }
        }
        let merges = rawMerges.compactMap { merge -> String? in
            if let text = merge as? String { return text }
            if let pair = merge as? [String], pair.count == 2 { return pair[0] + " " + pair[1] }
            return nil
        }
        let endOfText = tokens.firstIndex(of: "<|endoftext|>").map(Int32.init) ?? 0
        self.init(tokens: tokens, merges: merges, specialIDs: specialIDs, bos: nil, eos: endOfText, addsBOS: false, preTokenizer: .gpt2)
    }

    init(tokens: [String], merges mergeTexts: [String], specialIDs: Set<Int32>, bos: Int32?, eos: Int32, addsBOS: Bool, preTokenizer: PreTokenizer) {
        specials = specialIDs.filter { Int($0) < tokens.count }.map { (Array(tokens[Int($0)].utf8), $0) }.filter { !$0.0.isEmpty }
            .sorted { $0.0.count > $1.0.count }
        specialFirstBytes = Set(specials.map { $0.text[0] })
        self.specialIDs = specialIDs
        var ids: [String: Int32] = [:]
        for (i, token) in tokens.enumerated() where ids[token] == nil { ids[token] = Int32(i) }
        // SmolLM2's vocabulary lacks a few control bytes; like the string lookup before, they map to id 0.
        let byteTokens = (0..<256).map { ids[String(Self.byteEncoder[$0])] ?? 0 }
        self.byteTokens = byteTokens
        var merges: [UInt64: UInt64] = [:]
        merges.reserveCapacity(mergeTexts.count)
        for (rank, text) in mergeTexts.enumerated() {
            let parts = text.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, let left = ids[String(parts[0])], let right = ids[String(parts[1])],
                  let merged = ids[String(parts[0]) + String(parts[1])] else { continue }
            let key = UInt64(UInt32(left)) << 32 | UInt64(UInt32(right))
            if merges[key] == nil { merges[key] = UInt64(rank) << 32 | UInt64(UInt32(merged)) }
        }
        self.merges = merges
        var bytes: [UInt8] = [], offsets: [Int32] = [0]
        for (i, token) in tokens.enumerated() {
            bytes += specialIDs.contains(Int32(i)) ? Array(token.utf8) : token.compactMap { Self.byteDecoder[$0] }
            offsets.append(Int32(bytes.count))
        }
        tokenBytes = bytes
        tokenOffsets = offsets
        self.bos = bos
        self.eos = eos
        self.addsBOS = addsBOS
        self.preTokenizer = preTokenizer
    }

    public var vocabularySize: Int { tokenOffsets.count - 1 }

    /// The id of a token given by its text: a special token, or text that is one token.
    public func id(ofToken text: String) -> Int32? {
        if let special = specials.first(where: { $0.text.elementsEqual(text.utf8) }) { return special.id }
        let ids = encode(text, parseSpecial: false)
        return ids.count == 1 ? ids[0] : nil
    }

    /// Token ids of `text`; with `parseSpecial`, special-token strings become their ids.
    public func encode(_ text: String, parseSpecial: Bool = true) -> [Int32] {
        var out: [Int32] = []
        let bytes = Array(text.utf8)
        var start = 0, i = 0
        while i < bytes.count {
            if parseSpecial, specialFirstBytes.contains(bytes[i]),
               let special = specials.first(where: { i + $0.text.count <= bytes.count && bytes[i..<(i + $0.text.count)].elementsEqual($0.text) }) {
                if start < i { out += encodeOrdinary(String(decoding: bytes[start..<i], as: UTF8.self)) }
                out.append(special.id)
                i += special.text.count
                start = i
                continue
            }
            i += 1
        }
        if start < bytes.count { out += encodeOrdinary(String(decoding: bytes[start...], as: UTF8.self)) }
        return out
    }

    func encodeOrdinary(_ text: String) -> [Int32] {
        var out: [Int32] = []
        for piece in preTokenize(Array(text.unicodeScalars)) {
            let word = String(String.UnicodeScalarView(piece))
            if let cached = cacheLock.withLock({ cache[word] }) { out += cached; continue }
            let ids = bytePairs(word.utf8.map { byteTokens[Int($0)] })
            cacheLock.withLock {
                if cache.count >= Self.cacheLimit { cache.removeAll(keepingCapacity: true) }
                cache[word] = ids
            }
            out += ids
        }
        return out
    }

    /// Applies merges by rank (lowest first, leftmost on ties) until none applies.
    func bytePairs(_ start: [Int32]) -> [Int32] {
        var symbols = start
        while symbols.count > 1 {
            var best: (rank: UInt64, index: Int, merged: Int32)?
            for i in 0..<(symbols.count - 1) {
                let key = UInt64(UInt32(symbols[i])) << 32 | UInt64(UInt32(symbols[i + 1]))
                if let merge = merges[key], merge >> 32 < (best?.rank ?? .max) { best = (merge >> 32, i, Int32(truncatingIfNeeded: merge)) }
            }
            guard let best else { break }
            symbols[best.index] = best.merged
            symbols.remove(at: best.index + 1)
        }
        return symbols
    }

    /// The words `text` is cut into before merges (what a Hugging Face tokenizer's
    /// `pre_tokenize_str` shows), special tokens not parsed.
    public func preTokenized(_ text: String) -> [String] {
        preTokenize(Array(text.unicodeScalars)).map { String(String.UnicodeScalarView($0)) }
    }

    /// The words merges run within, by the family's pattern.
    func preTokenize(_ scalars: [Unicode.Scalar]) -> [ArraySlice<Unicode.Scalar>] {
        switch preTokenizer {
        case .gpt2: return gpt2Pieces(scalars[...])
        case .llama3(let digitRun): return llama3Pieces(scalars[...], digitRun: digitRun)
        case .digitsThenGPT2: break
        }
        var pieces: [ArraySlice<Unicode.Scalar>] = []
        var start = 0
        for (i, s) in scalars.enumerated() where Self.isNumber(s) {
            if start < i { pieces += gpt2Pieces(scalars[start..<i]) }
            pieces.append(scalars[i...i])
            start = i + 1
        }
        if start < scalars.count { pieces += gpt2Pieces(scalars[start...]) }
        return pieces
    }

    /// `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`
    func gpt2Pieces(_ s: ArraySlice<Unicode.Scalar>) -> [ArraySlice<Unicode.Scalar>] {
        var pieces: [ArraySlice<Unicode.Scalar>] = []
        var i = s.startIndex
        let end = s.endIndex
        outer: while i < end {
            let c = s[i]
            if let j = Self.contractionEnd(s, at: i, ignoringCase: false) {
                pieces.append(s[i..<j])
                i = j
                continue
            }
            let afterSpace = c == " " && i + 1 < end ? i + 1 : i
            for predicate in [Self.isLetter, Self.isNumber, Self.isOther] where predicate(s[afterSpace]) {
                let j = Self.runEnd(s, from: afterSpace, while: predicate)
                pieces.append(s[i..<j])
                i = j
                continue outer
            }
            if Self.isSpace(c) {
                let j = Self.spacesEnd(s, from: i, runEnd: Self.runEnd(s, from: i, while: Self.isSpace))
                pieces.append(s[i..<j])
                i = j
                continue
            }
            pieces.append(s[i...i])
            i += 1
        }
        return pieces
    }

    /// `(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,digitRun}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`,
    /// the alternatives tried in order at each position, as the regex does.
    func llama3Pieces(_ s: ArraySlice<Unicode.Scalar>, digitRun: Int) -> [ArraySlice<Unicode.Scalar>] {
        var pieces: [ArraySlice<Unicode.Scalar>] = []
        var i = s.startIndex
        let end = s.endIndex
        func isNewline(_ c: Unicode.Scalar) -> Bool { c == "\r" || c == "\n" }
        while i < end {
            let c = s[i]
            let j: Int
            // [^\r\n\p{L}\p{N}]?\p{L}+: a letter run, with one leading character that is no newline, letter or digit.
            let letters = !isNewline(c) && !Self.isNumber(c) && !Self.isLetter(c) && i + 1 < end && Self.isLetter(s[i + 1]) ? i + 1 : i
            let afterSpace = c == " " && i + 1 < end ? i + 1 : i
            if let contraction = Self.contractionEnd(s, at: i, ignoringCase: true) {
                j = contraction
            } else if Self.isLetter(s[letters]) {
                j = Self.runEnd(s, from: letters, while: Self.isLetter)
            } else if Self.isNumber(c) {
                j = Self.runEnd(s, from: i, limit: digitRun, while: Self.isNumber)
            } else if Self.isOther(s[afterSpace]) {  //  ?[^\s\p{L}\p{N}]+[\r\n]*
                j = Self.runEnd(s, from: Self.runEnd(s, from: afterSpace, while: Self.isOther), while: isNewline)
            } else {
                // Whitespace: up to its last newline (\s*[\r\n]+); else as GPT-2 (\s+(?!\S)|\s+).
                let spaces = Self.runEnd(s, from: i, while: Self.isSpace)
                j = (i..<spaces).last(where: { isNewline(s[$0]) }).map { $0 + 1 } ?? Self.spacesEnd(s, from: i, runEnd: max(spaces, i + 1))
            }
            pieces.append(s[i..<j])
            i = j
        }
        return pieces
    }

    /// The end of the contraction ('s 't 're 've 'm 'll 'd) starting at `i`, if one does.
    static func contractionEnd(_ s: ArraySlice<Unicode.Scalar>, at i: Int, ignoringCase: Bool) -> Int? {
        guard s[i] == "'" else { return nil }
        for suffix in ["s", "t", "re", "ve", "m", "ll", "d"] {
            let scalars = Array(suffix.unicodeScalars), end = i + 1 + scalars.count
            if end <= s.endIndex && zip(s[(i + 1)..<end], scalars).allSatisfy({ ignoringCase ? $0.properties.lowercaseMapping == String($1) : $0 == $1 }) {
                return end
            }
        }
        return nil
    }

    /// The end of the run of at most `limit` scalars from `start` that satisfy `predicate`.
    static func runEnd(_ s: ArraySlice<Unicode.Scalar>, from start: Int, limit: Int = .max, while predicate: (Unicode.Scalar) -> Bool) -> Int {
        var j = start
        while j < s.endIndex && j - start < limit && predicate(s[j]) { j += 1 }
        return j
    }

    /// `\s+(?!\S)|\s+` over the whitespace run `start ..< runEnd`: all of it, but the last space
    /// goes with the next word when one follows and the run is longer than one.
    static func spacesEnd(_ s: ArraySlice<Unicode.Scalar>, from start: Int, runEnd: Int) -> Int {
        runEnd < s.endIndex && runEnd - start > 1 ? runEnd - 1 : runEnd
    }

    static func isLetter(_ s: Unicode.Scalar) -> Bool {
        switch s.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
        default: return false
        }
    }
    static func isNumber(_ s: Unicode.Scalar) -> Bool {
        switch s.properties.generalCategory {
        case .decimalNumber, .letterNumber, .otherNumber: return true
        default: return false
        }
    }
    static func isSpace(_ s: Unicode.Scalar) -> Bool { s.properties.isWhitespace }
    static func isOther(_ s: Unicode.Scalar) -> Bool { !isSpace(s) && !isLetter(s) && !isNumber(s) }

    /// The bytes a token stands for (special tokens as their text).
    public func bytes(of token: Int32) -> [UInt8] {
        guard token >= 0 && Int(token) < vocabularySize else { return [] }
        return Array(tokenBytes[Int(tokenOffsets[Int(token)])..<Int(tokenOffsets[Int(token) + 1])])
    }

    public func decode(_ ids: [Int32]) -> String {
        String(decoding: ids.flatMap { bytes(of: $0) }, as: UTF8.self)
    }
}
