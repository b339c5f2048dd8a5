import CQuantKernels
import CZlib
import Foundation

/// How a transcription decodes, with faster-whisper's defaults.
public struct TranscriptionOptions: Sendable {
    public enum Task: String, Sendable { case transcribe, translate }
    /// A language code (`en`, `de`) for multilingual models; nil detects it from the first window.
    public var language: String?
    public var task = Task.transcribe
    /// Tried in order until a window's decoding is neither too repetitive nor too improbable.
    public var temperatures: [Double] = [0, 0.2, 0.4, 0.6, 0.8, 1.0]
    public var compressionRatioThreshold: Double? = 2.4
    public var logProbThreshold: Double? = -1
    public var noSpeechThreshold: Double? = 0.6
    public var conditionOnPreviousText = true
    /// Windows decoded at a temperature above this do not prompt the next one.
    public var promptResetOnTemperature = 0.5
    /// Tokens of an initial prompt (the previous text or vocabulary to prefer).
    public var promptTokens: [Int32] = []
    public var withoutTimestamps = false
    public var maxInitialTimestamp = 1.0
    /// Beams searched at temperature 0 (1: greedy); sampling at higher temperatures draws one.
    public var beamSize = 1
    /// Beam search stops once beamSize × patience hypotheses have ended.
    public var patience = 1.0
    public var seed: UInt64 = 0
    /// Times for every word (from the alignment heads' cross-attention), as faster-whisper's
    /// word_timestamps; seeking then follows the last word's end.
    public var wordTimestamps = false
    /// Joins this transcription's decoder steps with those of others running at the same time
    /// (the server's queue sets it); nil steps alone.
    public var batcher: DecoderStepBatcher?

    public init() {}
}

/// One stretch of speech: its time span and text, with the decoding's confidence figures.
public struct TranscriptSegment: Sendable {
    public var id: Int
    /// The window (in 10 ms frames) it was decoded from.
    public var seek: Int
    public var start: Double, end: Double
    public var text: String
    public var tokens: [Int32]
    public var temperature: Double
    public var averageLogProbability: Double
    public var compressionRatio: Double
    public var noSpeechProbability: Double
    /// The words and their times, when word timestamps were asked for.
    public var words: [TranscriptWord]?
}

public struct Transcript: Sendable {
    public var language: String
    public var duration: Double
    public var segments: [TranscriptSegment]
    public var text: String { segments.map(\.text).joined().trimmingCharacters(in: .whitespaces) }
}

/// Whisper speech recognition as faster-whisper runs it: 30-second windows of log-mel features
/// seeked by the timestamps the model predicts, greedy decoding (or sampling, on fallback) with
/// Whisper's suppression and timestamp rules, the temperature fallback on a too-high
/// compression ratio or too-low average log-probability, and silence skipped by the no-speech
/// probability.
public final class WhisperTranscriber: @unchecked Sendable {
    public let model: WhisperModel
    public let tokenizer: WhisperTokenizer
    public let frontEnd: LogMelSpectrogram
    /// The BPE encoder (from tokenizer.json) that turns a text prompt into tokens; nil without one.
    public let promptEncoder: BytePairTokenizer?
    /// Never generated (non-speech symbols and task tokens: config.json's suppress_ids).
    let suppressed: [Int32]
    /// Not generated as the first token (a blank and end-of-text).
    let suppressedAtBegin: [Int32]
    /// The cross-attention heads whose weights follow word timing (config.json's alignment_heads).
    public let alignmentHeads: [(layer: Int, head: Int)]
    static let timePerFrame = 0.01, timePrecision = 0.02, inputStride = 2

    public init(model: WhisperModel, tokenizer: WhisperTokenizer, suppressed: [Int32], suppressedAtBegin: [Int32], promptEncoder: BytePairTokenizer? = nil,
                alignmentHeads: [(layer: Int, head: Int)] = []) {
        self.model = model
        self.alignmentHeads = alignmentHeads.filter { $0.layer >= 0 && $0.layer < model.config.decoderLayers && $0.head >= 0 && $0.head < model.config.heads }
        self.promptEncoder = promptEncoder
        self.tokenizer = tokenizer
        self.suppressed = suppressed
        self.suppressedAtBegin = suppressedAtBegin
        frontEnd = LogMelSpectrogram(melCount: model.config.melCount)
    }

    /// A faster-whisper model folder: model.bin, vocabulary.txt and config.json.
    public convenience init(directory: String, computeType: WhisperModel.ComputeType = .float32) throws {
        guard let vocabulary = FileManager.default.contents(atPath: directory + "/vocabulary.txt") else {
            throw LanguageModelError.unreadable(directory + "/vocabulary.txt", "cannot read the vocabulary")
        }
        let model = try Data(contentsOf: URL(fileURLWithPath: directory + "/model.bin"), options: .alwaysMapped)
        try self.init(model: model, vocabulary: vocabulary, config: FileManager.default.contents(atPath: directory + "/config.json"),
                      tokenizerJSON: FileManager.default.contents(atPath: directory + "/tokenizer.json"), name: directory, computeType: computeType)
    }

    /// A model from its files' bytes: model.bin, vocabulary.txt, config.json (its suppress_ids;
    /// without it, nothing but the task tokens is suppressed) and tokenizer.json (for prompts).
    public convenience init(model: Data, vocabulary: Data, config: Data?, tokenizerJSON: Data?, name: String,
                            computeType: WhisperModel.ComputeType = .float32) throws {
        let model = try WhisperModel(file: try CTranslate2File(data: model, name: name + "/model.bin"), computeType: computeType)
        var lines = String(decoding: vocabulary, as: UTF8.self).components(separatedBy: "\n")
        if lines.last == "" { lines.removeLast() }
        let tokenizer = try WhisperTokenizer(tokens: lines, name: name + "/vocabulary.txt")
        guard tokenizer.vocabularySize == model.config.vocabularySize else {
            throw LanguageModelError.malformed(name, "vocabulary.txt has \(tokenizer.vocabularySize) tokens; the model \(model.config.vocabularySize)")
        }
        var suppressed: [Int32] = [], atBegin: [Int32] = [220, tokenizer.endOfText]
        var alignmentHeads: [(layer: Int, head: Int)] = []
        if let data = config, let config = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
            suppressed = (config["suppress_ids"] as? [NSNumber] ?? []).map { $0.int32Value }
            atBegin = (config["suppress_ids_begin"] as? [NSNumber]).map { $0.map(\.int32Value) } ?? atBegin
            alignmentHeads = (config["alignment_heads"] as? [[NSNumber]] ?? []).filter { $0.count == 2 }.map { ($0[0].intValue, $0[1].intValue) }
        }
        // As faster-whisper's get_suppressed_tokens adds them.
        suppressed += [tokenizer.transcribe, tokenizer.translate, tokenizer.startOfTranscript, tokenizer.startOfPrevious, tokenizer.noSpeech]
            + (tokenizer.id("<|startoflm|>").map { [$0] } ?? [])
        suppressed = Array(Set(suppressed.filter { $0 >= 0 && Int($0) < model.config.vocabularySize })).sorted()
        let promptEncoder = try tokenizerJSON.map { try BytePairTokenizer(huggingFaceJSON: $0, name: name + "/tokenizer.json") }
        self.init(model: model, tokenizer: tokenizer, suppressed: suppressed, suppressedAtBegin: atBegin, promptEncoder: promptEncoder,
                  alignmentHeads: alignmentHeads)
    }

    /// A text prompt (earlier words, names, spelling to prefer) as the tokens that precede the
    /// first window, as faster-whisper encodes an initial prompt: a leading space, then BPE.
    public func promptTokens(_ text: String) throws -> [Int32] {
        guard let promptEncoder else {
            throw AudioError("this model has no tokenizer.json, which text prompts need")
        }
        let tokens = promptEncoder.encode(" " + text.trimmingCharacters(in: .whitespacesAndNewlines), parseSpecial: false)
        return Array(tokens.suffix(model.config.textPositions / 2 - 1))
    }

    /// Transcribes (or translates) audio at any rate; `onSegment` sees each segment as it is
    /// decoded and returns false to stop there (a client that went away).
    public func transcribe(_ audio: Audio, options: TranscriptionOptions = TranscriptionOptions(),
                           onSegment: (TranscriptSegment) -> Bool = { _ in true }) throws -> Transcript {
        let samples = audio.sampleRate == LogMelSpectrogram.sampleRate ? audio : audio.resampled(to: LogMelSpectrogram.sampleRate)
        let (mel, frames) = frontEnd.features(samples.samples)
        let windowFrames = model.windowFrames
        let contentFrames = frames - 1
        var language = "en", languageToken: Int32?
        var firstEncoded: [Float]?
        if tokenizer.isMultilingual {
            if let code = options.language {
                guard let token = tokenizer.languages[code] else {
                    throw AudioError("language '\(code)' is not one this model knows (\(tokenizer.languages.keys.sorted().prefix(20).joined(separator: ", ")), …)")
                }
                (language, languageToken) = (code, token)
            } else if contentFrames > 0 {
                // The first window's encoding serves the detection and then its own decoding.
                firstEncoded = model.encode(window(mel, frames: frames, from: 0, count: min(windowFrames, contentFrames)))
                let detected = detectLanguage(encoded: firstEncoded!)
                (language, languageToken) = (detected.code, detected.token)
            }
        } else if let code = options.language, code != "en" {
            throw AudioError("this model is English-only; language '\(code)' needs a multilingual model")
        }
        var startSequence = [tokenizer.startOfTranscript]
        if let languageToken { startSequence += [languageToken, options.task == .translate ? tokenizer.translate : tokenizer.transcribe] }
        var segments: [TranscriptSegment] = []
        var allTokens = options.promptTokens, promptResetSince = 0
        var seek = 0, lastSpeech = 0.0
        var rng = options.seed == 0 ? 0x9E37_79B9_7F4A_7C15 : options.seed
        while seek < contentFrames {
            let timeOffset = Double(seek) * Self.timePerFrame
            let segmentSize = min(windowFrames, contentFrames - seek)
            let segmentDuration = Double(segmentSize) * Self.timePerFrame
            let encoded = (seek == 0 ? firstEncoded : nil) ?? model.encode(window(mel, frames: frames, from: seek, count: segmentSize))
            let previous = Array(allTokens[promptResetSince...])
            var prompt: [Int32] = []
            if !previous.isEmpty { prompt = [tokenizer.startOfPrevious] + previous.suffix(model.config.textPositions / 2 - 1) }
            prompt += startSequence
            if options.withoutTimestamps { prompt.append(tokenizer.noTimestamps) }
            options.batcher?.beginDecoding()
            let result = decodeWithFallback(encoded, prompt: prompt, options: options, rng: &rng)
            options.batcher?.endDecoding()
            if let threshold = options.noSpeechThreshold, result.noSpeechProbability > threshold,
               !(options.logProbThreshold.map { result.averageLogProbability > $0 } ?? false) {
                seek += segmentSize
                continue
            }
            var split = splitByTimestamps(result.tokens, timeOffset: timeOffset, segmentSize: segmentSize, segmentDuration: segmentDuration, seek: seek)
            if options.wordTimestamps {
                addWordTimestamps(&split.segments, encoded: encoded, startSequence: startSequence, frames: segmentSize, seek: seek, lastSpeech: lastSpeech)
                // The next window starts where the last word ended (faster-whisper's get_end).
                let lastEnd = split.segments.reversed().lazy.compactMap { $0.words?.last?.end }.first ?? split.segments.last?.end
                if !split.singleTimestampEnding, let lastEnd, lastEnd > timeOffset { split.seek = Int((lastEnd / Self.timePerFrame).rounded(.toNearestOrEven)) }
                if let lastEnd { lastSpeech = lastEnd }
            }
            for piece in split.segments {
                let text = tokenizer.decode(piece.tokens)
                if piece.start == piece.end || text.trimmingCharacters(in: .whitespaces).isEmpty { continue }
                allTokens += piece.tokens
                let segment = TranscriptSegment(id: segments.count, seek: seek, start: piece.start, end: piece.end, text: text, tokens: piece.tokens,
                                                temperature: result.temperature, averageLogProbability: result.averageLogProbability,
                                                compressionRatio: result.compressionRatio, noSpeechProbability: result.noSpeechProbability,
                                                words: piece.words)
                segments.append(segment)
                if !onSegment(segment) { return Transcript(language: language, duration: samples.seconds, segments: segments) }
            }
            if !options.conditionOnPreviousText || result.temperature > options.promptResetOnTemperature { promptResetSince = allTokens.count }
            seek = max(split.seek, seek + 1)
        }
        return Transcript(language: language, duration: samples.seconds, segments: segments)
    }

    /// [melCount × windowFrames] features from frame `start`, `count` of them, zero-padded.
    func window(_ mel: [Float], frames: Int, from start: Int, count: Int) -> [Float] {
        let melCount = model.config.melCount, width = model.windowFrames
        var out = [Float](repeating: 0, count: melCount * width)
        let available = max(0, min(count, frames - start, width))
        for c in 0..<melCount where available > 0 {
            for t in 0..<available { out[c * width + t] = mel[c * frames + start + t] }
        }
        return out
    }

    // MARK: Decoding one window

    struct WindowResult {
        var tokens: [Int32]
        var averageLogProbability: Double
        var temperature: Double
        var compressionRatio: Double
        var noSpeechProbability: Double
    }

    func decodeWithFallback(_ encoded: [Float], prompt: [Int32], options: TranscriptionOptions, rng: inout UInt64) -> WindowResult {
        var all: [WindowResult] = [], belowThreshold: [WindowResult] = []
        // The encoder's keys and values, computed once for every temperature tried.
        let start = model.decoderState(encoded: encoded)
        for temperature in options.temperatures.isEmpty ? [0] : options.temperatures {
            let (tokens, sumLogProbability, noSpeech) = decode(start.copy(), prompt: prompt, temperature: temperature, options: options, rng: &rng)
            let average = sumLogProbability / Double(tokens.count + 1)
            let ratio = Self.compressionRatio(tokenizer.decode(tokens).trimmingCharacters(in: .whitespaces))
            let result = WindowResult(tokens: tokens, averageLogProbability: average, temperature: temperature, compressionRatio: ratio, noSpeechProbability: noSpeech)
            all.append(result)
            var needsFallback = false
            if let threshold = options.compressionRatioThreshold {
                if ratio > threshold { needsFallback = true } else { belowThreshold.append(result) }
            }
            if let threshold = options.logProbThreshold, average < threshold { needsFallback = true }
            if let threshold = options.noSpeechThreshold, noSpeech > threshold, let logThreshold = options.logProbThreshold, average < logThreshold {
                needsFallback = false  // silence
            }
            if !needsFallback { return result }
        }
        var best = (belowThreshold.isEmpty ? all : belowThreshold).max { $0.averageLogProbability < $1.averageLogProbability }!
        best.temperature = all.last!.temperature
        return best
    }

    /// One decoding of a window after `prompt`, from a fresh `state`: the sampled tokens (without end-of-text), the
    /// sum of their log-probabilities (end-of-text's included) and the no-speech probability.
    func decode(_ state: WhisperModel.DecoderState, prompt: [Int32], temperature: Double, options: TranscriptionOptions, rng: inout UInt64)
        -> (tokens: [Int32], sumLogProbability: Double, noSpeechProbability: Double) {
        let vocabulary = model.config.vocabularySize
        // The whole prompt in one pass; the no-speech probability is read where <|startoftranscript|> sits.
        let sot = prompt.lastIndex(of: tokenizer.startOfTranscript) ?? 0
        let prefilled = model.prefill(prompt, state: state, logitsAt: sot == prompt.count - 1 ? [sot] : [sot, prompt.count - 1])
        var logits = prefilled.last!
        let probabilities = Self.logSoftmax(prefilled[0])
        let noSpeech = Int(tokenizer.noSpeech) < vocabulary ? exp(Double(probabilities[Int(tokenizer.noSpeech)])) : 0
        if temperature <= 0 && options.beamSize > 1 {
            let best = beamSearch(state: state, logits: logits, promptCount: prompt.count, options: options)
            return (best.tokens, best.sumLogProbability, noSpeech)
        }
        let endOfText = Int(tokenizer.endOfText)
        var sampled: [Int32] = [], sum = 0.0
        while prompt.count + sampled.count < model.config.textPositions {
            filter(&logits, sampled: sampled, options: options)
            let next: Int
            if temperature <= 0 {
                next = logits.indices.max { logits[$0] < logits[$1] }!
            } else {
                next = Self.sample(logits, temperature: temperature, rng: &rng)
            }
            sum += Double(logits[next] - Self.logSumExp(logits))
            if next == endOfText { break }
            sampled.append(Int32(next))
            if prompt.count + sampled.count >= model.config.textPositions { break }
            logits = options.batcher?.step(Int32(next), state: state) ?? model.step(Int32(next), state: state)
        }
        return (sampled, sum, noSpeech)
    }

    /// Suppressed tokens, the blank at the start, and the timestamp rules, applied to one step's logits.
    func filter(_ logits: inout [Float], sampled: [Int32], options: TranscriptionOptions) {
        let vocabulary = logits.count
        for token in suppressed { logits[Int(token)] = -.infinity }
        if sampled.isEmpty { for token in suppressedAtBegin where Int(token) < vocabulary { logits[Int(token)] = -.infinity } }
        if !options.withoutTimestamps {
            applyTimestampRules(&logits, sampled: sampled, maxInitialTimestamp: Int((options.maxInitialTimestamp / Self.timePrecision).rounded()))
        } else {
            logits[Int(tokenizer.noTimestamps)] = -.infinity
        }
    }

    /// Beam search as Whisper runs it: each beam's best beamSize + 1 continuations are ranked by
    /// total log-probability; ended ones are kept (up to beamSize × patience), the best beamSize
    /// others go on. The winner has the highest log-probability per token.
    func beamSearch(state: WhisperModel.DecoderState, logits: [Float], promptCount: Int, options: TranscriptionOptions)
        -> (tokens: [Int32], sumLogProbability: Double) {
        struct Beam { var tokens: [Int32]; var sum: Double; var state: WhisperModel.DecoderState; var logits: [Float] }
        let width = options.beamSize, endOfText = tokenizer.endOfText
        let maxFinished = max(1, Int((Double(width) * options.patience).rounded()))
        var beams = [Beam(tokens: [], sum: 0, state: state, logits: logits)]
        var finished: [(tokens: [Int32], sum: Double)] = []
        while !beams.isEmpty && promptCount + beams[0].tokens.count < model.config.textPositions {
            var candidates: [(beam: Int, token: Int32, sum: Double)] = []
            for (b, beam) in beams.enumerated() {
                var filtered = beam.logits
                filter(&filtered, sampled: beam.tokens, options: options)
                let logProbabilities = Self.logSoftmax(filtered)
                // The best width + 1 tokens of this beam.
                var top: [(token: Int, value: Float)] = []
                for (i, v) in logProbabilities.enumerated() where v > -.infinity {
                    if top.count <= width { top.append((i, v)); top.sort { $0.value > $1.value } }
                    else if v > top[width].value { top[width] = (i, v); top.sort { $0.value > $1.value } }
                }
                for (token, value) in top { candidates.append((b, Int32(token), beam.sum + Double(value))) }
            }
            candidates.sort { $0.sum > $1.sum }
            var next: [(parent: Int, token: Int32, sum: Double)] = []
            for candidate in candidates {
                if candidate.token == endOfText {
                    if finished.count < maxFinished { finished.append((beams[candidate.beam].tokens, candidate.sum)) }
                } else if next.count < width {
                    next.append((candidate.beam, candidate.token, candidate.sum))
                }
                if next.count == width && finished.count >= maxFinished { break }
            }
            if finished.count >= maxFinished || next.isEmpty { break }
            // Children of one parent each take a copy of its caches (the last child takes it over).
            var used = [Int](repeating: 0, count: beams.count)
            for child in next { used[child.parent] += 1 }
            beams = next.map { child in
                let parent = beams[child.parent]
                used[child.parent] -= 1
                let state = used[child.parent] == 0 ? parent.state : parent.state.copy()
                let tokens = parent.tokens + [child.token]
                let logits = promptCount + tokens.count < model.config.textPositions ? (options.batcher?.step(child.token, state: state) ?? model.step(child.token, state: state)) : []
                return Beam(tokens: tokens, sum: child.sum, state: state, logits: logits)
            }
            if beams.contains(where: { $0.logits.isEmpty }) { break }
        }
        if finished.isEmpty { finished = beams.map { ($0.tokens, $0.sum) } }
        let best = finished.max { $0.sum / Double(max($0.tokens.count, 1)) < $1.sum / Double(max($1.tokens.count, 1)) }!
        return (best.tokens, best.sum)
    }

    /// Whisper's timestamp rules: no <|notimestamps|>; a timestamp first (within the initial
    /// limit); timestamps in pairs except before end-of-text; never decreasing; and a timestamp
    /// whenever the timestamps together are likelier than any single text token.
    func applyTimestampRules(_ logits: inout [Float], sampled: [Int32], maxInitialTimestamp: Int) {
        let begin = Int(tokenizer.timestampBegin), endOfText = Int(tokenizer.endOfText), vocabulary = logits.count
        logits[Int(tokenizer.noTimestamps)] = -.infinity
        if sampled.isEmpty {
            for i in 0..<begin { logits[i] = -.infinity }
            for i in min(vocabulary, begin + maxInitialTimestamp + 1)..<vocabulary { logits[i] = -.infinity }
        } else {
            let lastWasTimestamp = Int(sampled.last!) >= begin
            let penultimateWasTimestamp = sampled.count < 2 || Int(sampled[sampled.count - 2]) >= begin
            if lastWasTimestamp {
                if penultimateWasTimestamp {
                    for i in begin..<vocabulary { logits[i] = -.infinity }
                } else {
                    for i in 0..<endOfText { logits[i] = -.infinity }
                }
            }
            if let last = sampled.last(where: { Int($0) >= begin }) {
                // Forbid earlier timestamps; after text, the closing one must also be later.
                let limit = lastWasTimestamp && !penultimateWasTimestamp ? Int(last) : Int(last) + 1
                for i in begin..<min(limit, vocabulary) { logits[i] = -.infinity }
            }
        }
        // Timestamps' total probability against the likeliest text token: both sides of the
        // comparison would subtract the same log-normaliser, so the logits compare directly.
        var timestampMass = -Float.infinity, bestText = -Float.infinity
        for i in begin..<vocabulary where logits[i] > -.infinity {
            let v = logits[i]
            timestampMass = timestampMass == -.infinity ? v : max(timestampMass, v) + log1p(exp(-Swift.abs(timestampMass - v)))
        }
        for i in 0..<begin { bestText = max(bestText, logits[i]) }
        if timestampMass > bestText { for i in 0..<begin { logits[i] = -.infinity } }
    }

    // MARK: Segments

    struct Piece { var start: Double, end: Double, tokens: [Int32], words: [TranscriptWord]? = nil }

    /// faster-whisper's _split_segments_by_timestamps: segments between consecutive timestamp
    /// pairs, and where the next window starts.
    func splitByTimestamps(_ tokens: [Int32], timeOffset: Double, segmentSize: Int, segmentDuration: Double, seek: Int)
        -> (segments: [Piece], seek: Int, singleTimestampEnding: Bool) {
        let begin = tokenizer.timestampBegin
        let singleTimestampEnding = tokens.count >= 2 && tokens[tokens.count - 2] < begin && begin <= tokens.last!
        let consecutive = tokens.indices.filter { $0 > 0 && tokens[$0] >= begin && tokens[$0 - 1] >= begin }
        var pieces: [Piece] = [], next = seek
        if !consecutive.isEmpty {
            var slices = consecutive
            if singleTimestampEnding { slices.append(tokens.count) }
            var last = 0
            for current in slices {
                let sliced = Array(tokens[last..<current])
                let start = timeOffset + Double(sliced.first! - begin) * Self.timePrecision
                let end = timeOffset + Double(sliced.last! - begin) * Self.timePrecision
                pieces.append(Piece(start: start, end: end, tokens: sliced))
                last = current
            }
            if singleTimestampEnding {
                next += segmentSize
            } else {
                next += Int(tokens[last - 1] - begin) * Self.inputStride
            }
        } else {
            var duration = segmentDuration
            let timestamps = tokens.filter { $0 >= begin }
            if let lastTimestamp = timestamps.last, lastTimestamp != begin { duration = Double(lastTimestamp - begin) * Self.timePrecision }
            pieces.append(Piece(start: timeOffset, end: timeOffset + duration, tokens: tokens))
            next += segmentSize
        }
        return (pieces, next, singleTimestampEnding)
    }

    // MARK: Language

    /// The most probable language token after <|startoftranscript|> for a window's encoder output.
    public func detectLanguage(encoded: [Float]) -> (code: String, token: Int32, probability: Double) {
        let state = model.decoderState(encoded: encoded)
        let logits = model.step(tokenizer.startOfTranscript, state: state)
        let candidates = tokenizer.languages.map { ($0.key, $0.value) }
        let maximum = candidates.map { logits[Int($0.1)] }.max() ?? 0
        let total = candidates.reduce(0.0) { $0 + exp(Double(logits[Int($1.1)] - maximum)) }
        let best = candidates.max { logits[Int($0.1)] < logits[Int($1.1)] }!
        return (best.0, best.1, exp(Double(logits[Int(best.1)] - maximum)) / total)
    }

    // MARK: Pieces

    /// log Σ exp(logits) in one vectorised pass (a greedy step needs only the chosen token's
    /// log-probability, not the whole log-softmax).
    static func logSumExp(_ logits: [Float]) -> Float {
        let maximum = logits.max() ?? 0
        guard maximum > -.infinity else { return maximum }
        var scratch = [Float](repeating: 0, count: logits.count)
        let sum = logits.withUnsafeBufferPointer { x in
            scratch.withUnsafeMutableBufferPointer { maas_exp_scaled(x.baseAddress!, maximum, 1, $0.baseAddress!, x.count) }
        }
        return log(sum) + maximum
    }

    static func logSoftmax(_ logits: [Float]) -> [Float] {
        let maximum = logits.max() ?? 0
        var sum: Double = 0
        for v in logits where v > -.infinity { sum += exp(Double(v - maximum)) }
        let logSum = Float(log(sum)) + maximum
        return logits.map { $0 - logSum }
    }

    static func sample(_ logits: [Float], temperature: Double, rng: inout UInt64) -> Int {
        let maximum = logits.max() ?? 0
        var weights = logits.map { $0 > -.infinity ? exp(Double($0 - maximum) / temperature) : 0 }
        let total = weights.reduce(0, +)
        rng = rng &* 6364136223846793005 &+ 1442695040888963407
        var target = Double(rng >> 11) / Double(1 << 53) * total
        for i in weights.indices {
            target -= weights[i]
            if target <= 0 && weights[i] > 0 { return i }
        }
        weights.removeAll()
        return logits.indices.max { logits[$0] < logits[$1] }!
    }

    /// gzip's view of repetition: UTF-8 bytes over their zlib-compressed size (as Whisper computes it).
    static func compressionRatio(_ text: String) -> Double {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { return 0 }
        var size = compressBound(uLong(bytes.count))
        var out = [UInt8](repeating: 0, count: Int(size))
        guard compress2(&out, &size, bytes, uLong(bytes.count), Z_DEFAULT_COMPRESSION) == Z_OK, size > 0 else { return 0 }
        return Double(bytes.count) / Double(size)
    }
}
