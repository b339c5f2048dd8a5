import Foundation

/// One word of a transcript with when it was spoken, from the decoder's cross-attention.
public struct TranscriptWord: Sendable, Equatable {
    /// The word as decoded, with its leading space and any punctuation merged into it.
    public var word: String
    public var start: Double, end: Double
    /// The mean probability the decoder gave the word's tokens.
    public var probability: Double
}

/// Word-level timestamps as faster-whisper (and OpenAI's whisper) compute them: the window's text
/// tokens are fed again after <|notimestamps|>; the cross-attention of the model's alignment
/// heads (config.json's `alignment_heads`) over the audio actually present is softmaxed,
/// standardised over the tokens, median-filtered over time (width 7) and averaged over heads;
/// dynamic time warping through its negation matches every token to a time, and the words'
/// boundaries take the times where the path moves to their first token. Durations are then
/// clipped by the same heuristics (a word at a sentence end or after a pause is at most twice the
/// median word), and punctuation is merged into the neighbouring word.
extension WhisperTranscriber {
    struct TimedWord {
        var word: String, tokens: [Int32], start: Double, end: Double, probability: Double
    }

    static let prependedPunctuation = "\"'“¿([{-", appendedPunctuation = "\"'.。,，!！?？:：”)]}、"
    static let medianFilterWidth = 7, alignmentTokensPerSecond = 50.0

    /// faster-whisper's find_alignment: the words of `textTokens` with times relative to the window.
    func findAlignment(_ textTokens: [Int32], encoded: [Float], startSequence: [Int32], frames: Int) -> [TimedWord] {
        guard !textTokens.isEmpty, !alignmentHeads.isEmpty else { return [] }
        let tokens = startSequence + [tokenizer.noTimestamps] + textTokens + [tokenizer.endOfText]
        let n = tokens.count, audio = model.config.audioPositions, vocabulary = model.config.vocabularySize
        let (scores, logits) = model.alignmentPass(tokens, encoded: encoded, heads: alignmentHeads)
        // The probability of each text token where it was predicted, over the text vocabulary.
        let offset = startSequence.count, textVocabulary = Int(tokenizer.endOfText)
        let probabilities: [Double] = textTokens.indices.map { t in
            let row = (offset + t) * vocabulary
            var maximum = -Float.infinity
            for v in 0..<textVocabulary { maximum = max(maximum, logits[row + v]) }
            var sum = 0.0
            for v in 0..<textVocabulary { sum += Double(exp(logits[row + v] - maximum)) }
            return Double(exp(logits[row + Int(textTokens[t])] - maximum)) / sum
        }
        // Only the frames holding audio (the encoder halves the mel frames).
        let width = min(max(frames / 2, 0), audio)
        guard width > 0 else { return [] }
        var matrix = [Float](repeating: 0, count: n * width)
        for headScores in scores {
            var weights = [Float](repeating: 0, count: n * width)
            for i in 0..<n {
                for j in 0..<width { weights[i * width + j] = headScores[i * audio + j] }
                weights.withUnsafeMutableBufferPointer { softmaxInPlace($0.baseAddress! + i * width, width) }
            }
            // Standardised over the tokens, per frame (a layer norm along that axis, no epsilon).
            for j in 0..<width {
                var mean: Float = 0
                for i in 0..<n { mean += weights[i * width + j] }
                mean /= Float(n)
                var variance: Float = 0
                for i in 0..<n { variance += (weights[i * width + j] - mean) * (weights[i * width + j] - mean) }
                let scale = 1 / (variance / Float(n)).squareRoot()
                for i in 0..<n { weights[i * width + j] = (weights[i * width + j] - mean) * scale }
            }
            let filtered = Self.medianFiltered(weights, rows: n, width: width, filter: Self.medianFilterWidth)
            for k in matrix.indices { matrix[k] += filtered[k] / Float(scores.count) }
        }
        // Rows from <|notimestamps|> (which predicts the first text token) to the last text token.
        let rows = textTokens.count + 1
        let path = Self.negativeDTW(Array(matrix[(offset * width)..<((offset + rows) * width)]), rows: rows, columns: width)
        var jumpTimes: [Double] = []
        for (k, step) in path.enumerated() where k == 0 || step.text != path[k - 1].text {
            jumpTimes.append(Double(step.time) / Self.alignmentTokensPerSecond)
        }
        let (words, wordTokens) = splitToWordTokens(textTokens + [tokenizer.endOfText])
        guard wordTokens.count > 1 else { return [] }
        var boundaries = [0]
        for tokens in wordTokens.dropLast() { boundaries.append(boundaries.last! + tokens.count) }
        return (0..<(boundaries.count - 1)).map { w in
            let (first, last) = (boundaries[w], boundaries[w + 1])
            let probability = last > first ? probabilities[first..<last].reduce(0, +) / Double(last - first) : .nan
            return TimedWord(word: words[w], tokens: wordTokens[w], start: jumpTimes[min(first, jumpTimes.count - 1)],
                             end: jumpTimes[min(last, jumpTimes.count - 1)], probability: probability)
        }
    }

    /// Each row's median over a window of `filter` frames, reflected at the edges (no edge repeat).
    static func medianFiltered(_ x: [Float], rows: Int, width: Int, filter: Int) -> [Float] {
        let rank = filter / 2
        guard width > rank else { return x }
        var out = x, window = [Float](repeating: 0, count: filter)
        for i in 0..<rows {
            for j in 0..<width {
                for k in -rank...rank {
                    var read = Swift.abs(j + k)
                    if read >= width { read = width - (read - width) - 2 }
                    window[k + rank] = x[i * width + read]
                }
                window.sort()
                out[i * width + j] = window[rank]
            }
        }
        return out
    }

    /// Dynamic time warping through the negated matrix: the (text row, time column) path, ties
    /// resolved as Whisper's dtw does.
    static func negativeDTW(_ x: [Float], rows n: Int, columns m: Int) -> [(text: Int, time: Int)] {
        var cost = [Float](repeating: .infinity, count: (n + 1) * (m + 1))
        var trace = [Int8](repeating: -1, count: (n + 1) * (m + 1))
        cost[0] = 0
        for j in 1...m {
            for i in 1...n {
                let c0 = cost[(i - 1) * (m + 1) + j - 1], c1 = cost[(i - 1) * (m + 1) + j], c2 = cost[i * (m + 1) + j - 1]
                let (c, t): (Float, Int8) = c0 < c1 && c0 < c2 ? (c0, 0) : c1 < c0 && c1 < c2 ? (c1, 1) : (c2, 2)
                cost[i * (m + 1) + j] = -x[(i - 1) * m + j - 1] + c
                trace[i * (m + 1) + j] = t
            }
        }
        for k in 0...m { trace[k] = 2 }
        for k in 0...n { trace[k * (m + 1)] = 1 }
        var (i, j) = (n, m)
        var path: [(text: Int, time: Int)] = []
        while i > 0 || j > 0 {
            path.append((i - 1, j - 1))
            switch trace[i * (m + 1) + j] {
            case 0: i -= 1; j -= 1
            case 1: i -= 1
            default: j -= 1
            }
        }
        return path.reversed()
    }

    /// Tokens grouped into words: pieces that decode to whole characters, joined unless a piece
    /// starts with a space, is punctuation, or is a special token (split_tokens_on_spaces).
    func splitToWordTokens(_ tokens: [Int32]) -> (words: [String], tokens: [[Int32]]) {
        var subwords: [String] = [], subwordTokens: [[Int32]] = []
        var current: [Int32] = [], bytes: [UInt8] = []
        for token in tokens {
            current.append(token)
            if token >= tokenizer.endOfText {
                bytes += Array((tokenizer.tokens[Int(token)]).utf8)
            } else {
                bytes += tokenizer.tokens[Int(token)].compactMap { BytePairTokenizer.byteDecoder[$0] }
            }
            if let text = String(validating: bytes, as: UTF8.self) {
                subwords.append(text)
                subwordTokens.append(current)
                (current, bytes) = ([], [])
            }
        }
        var words: [String] = [], wordTokens: [[Int32]] = []
        for (subword, pieceTokens) in zip(subwords, subwordTokens) {
            let stripped = subword.trimmingCharacters(in: .whitespacesAndNewlines)
            let punctuation = stripped.isEmpty || Self.asciiPunctuation.contains(stripped)
            if pieceTokens[0] >= tokenizer.endOfText || subword.hasPrefix(" ") || punctuation || words.isEmpty {
                words.append(subword)
                wordTokens.append(pieceTokens)
            } else {
                words[words.count - 1] += subword
                wordTokens[wordTokens.count - 1] += pieceTokens
            }
        }
        return (words, wordTokens)
    }

    static let asciiPunctuation = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"

    /// Python's `a in b` for strings: `b` contains `a` as a substring (the empty string is in every string).
    static func isSubstring(_ a: String, of b: String) -> Bool { a.isEmpty || b.contains(a) }

    /// Punctuation joined to the word it belongs to: opening marks to the word after them,
    /// closing marks to the word before (merge_punctuations).
    static func mergePunctuations(_ words: inout [TimedWord]) {
        var i = words.count - 2, j = words.count - 1
        while i >= 0 {
            if words[i].word.hasPrefix(" ") && isSubstring(words[i].word.trimmingCharacters(in: .whitespaces), of: prependedPunctuation) {
                words[j].word = words[i].word + words[j].word
                words[j].tokens = words[i].tokens + words[j].tokens
                words[i].word = ""
                words[i].tokens = []
            } else {
                j = i
            }
            i -= 1
        }
        (i, j) = (0, 1)
        while j < words.count {
            if !words[i].word.hasSuffix(" ") && isSubstring(words[j].word, of: appendedPunctuation) {
                words[i].word += words[j].word
                words[i].tokens += words[j].tokens
                words[j].word = ""
                words[j].tokens = []
            } else {
                i = j
            }
            j += 1
        }
    }

    /// faster-whisper's add_word_timestamps for one window: aligns all its pieces' text at once,
    /// gives each piece its words (absolute times, rounded to 10 ms), and moves the pieces'
    /// bounds to their first and last words. `lastSpeech` is when speech last ended before the
    /// window (the pause rule's reference).
    func addWordTimestamps(_ pieces: inout [Piece], encoded: [Float], startSequence: [Int32], frames: Int, seek: Int, lastSpeech: Double) {
        guard !pieces.isEmpty else { return }
        let textPerPiece = pieces.map { $0.tokens.filter { $0 < tokenizer.endOfText } }
        var alignment = findAlignment(textPerPiece.flatMap { $0 }, encoded: encoded, startSequence: startSequence, frames: frames)
        let durations = alignment.map { $0.end - $0.start }.filter { $0 != 0 }.sorted()
        var median = 0.0
        if !durations.isEmpty {
            let middle = durations.count / 2
            median = durations.count % 2 == 1 ? durations[middle] : (durations[middle - 1] + durations[middle]) / 2
        }
        median = min(0.7, median)
        let maximum = median * 2
        if !durations.isEmpty {
            let sentenceEnds = ".。!！?？"
            for i in alignment.indices.dropFirst() where alignment[i].end - alignment[i].start > maximum {
                if isSubstringOrEmpty(alignment[i].word, sentenceEnds) {
                    alignment[i].end = alignment[i].start + maximum
                } else if isSubstringOrEmpty(alignment[i - 1].word, sentenceEnds) {
                    alignment[i].start = alignment[i].end - maximum
                }
            }
        }
        Self.mergePunctuations(&alignment)
        func rounded(_ t: Double) -> Double { (t * 100).rounded(.toNearestOrEven) / 100 }
        let timeOffset = Double(seek) * Self.timePerFrame
        var lastSpeech = lastSpeech, index = 0
        for p in pieces.indices {
            var saved = 0
            var words: [TranscriptWord] = []
            while index < alignment.count && saved < textPerPiece[p].count {
                let timing = alignment[index]
                if !timing.word.isEmpty {
                    words.append(TranscriptWord(word: timing.word, start: rounded(timeOffset + timing.start), end: rounded(timeOffset + timing.end),
                                                probability: timing.probability))
                }
                saved += timing.tokens.count
                index += 1
            }
            if !words.isEmpty {
                // After a pause, the first (and second) word is at most twice the median word.
                if words[0].end - lastSpeech > median * 4
                    && (words[0].end - words[0].start > maximum || (words.count > 1 && words[1].end - words[0].start > maximum * 2)) {
                    if words.count > 1 && words[1].end - words[1].start > maximum {
                        let boundary = max(words[1].end / 2, words[1].end - maximum)
                        words[0].end = boundary
                        words[1].start = boundary
                    }
                    words[0].start = max(0, words[0].end - maximum)
                }
                // The piece's own timestamps win over a first or last word that runs too long.
                if pieces[p].start < words[0].end && pieces[p].start - 0.5 > words[0].start {
                    words[0].start = max(0, min(words[0].end - median, pieces[p].start))
                } else {
                    pieces[p].start = words[0].start
                }
                if pieces[p].end > words[words.count - 1].start && pieces[p].end + 0.5 < words[words.count - 1].end {
                    words[words.count - 1].end = max(words[words.count - 1].start + median, pieces[p].end)
                } else {
                    pieces[p].end = words[words.count - 1].end
                }
                lastSpeech = pieces[p].end
            }
            pieces[p].words = words
        }
    }

    /// `word in marks` in faster-whisper's truncation (substring semantics, as Python's `in`).
    private func isSubstringOrEmpty(_ word: String, _ marks: String) -> Bool { Self.isSubstring(word, of: marks) }
}
