import Foundation
import Tensor

/// How the next token is chosen, and when generation stops (OpenAI's parameters).
public struct SamplingOptions: Sendable {
    /// 0 picks the most likely token (greedy).
    public var temperature: Float = 1
    public var topP: Float = 1
    /// 0: no limit.
    public var topK: Int = 0
    public var seed: UInt64?
    public var maxTokens: Int = 256
    public var stop: [String] = []

    public init() {}
}

public enum FinishReason: String, Sendable { case stop, length }

/// Picks tokens from logits: greedy, or temperature with top-k and top-p (nucleus) filtering.
public struct Sampler {
    let options: SamplingOptions
    var random: SeededGenerator

    public init(_ options: SamplingOptions) {
        self.options = options
        var system = SystemRandomNumberGenerator()
        random = SeededGenerator(seed: options.seed ?? system.next())
    }

    public mutating func next(_ logits: [Float]) -> Int32 {
        if options.temperature <= 0 || options.topK == 1 {
            var best = 0
            for i in logits.indices where logits[i] > logits[best] { best = i }
            return Int32(best)
        }
        var candidates = logits.indices.map { (id: $0, logit: logits[$0] / options.temperature) }
        candidates.sort { $0.logit > $1.logit }
        if options.topK > 0 && options.topK < candidates.count { candidates.removeLast(candidates.count - options.topK) }
        let maximum = candidates[0].logit
        var probabilities = candidates.map { expf($0.logit - maximum) }
        let total = probabilities.reduce(0, +)
        probabilities = probabilities.map { $0 / total }
        var kept = probabilities.count
        if options.topP < 1 {
            var cumulative: Float = 0
            for (i, p) in probabilities.enumerated() {
                cumulative += p
                if cumulative >= options.topP { kept = i + 1; break }
            }
        }
        let mass = probabilities[0..<kept].reduce(0, +)
        var draw = random.nextUniform() * mass
        for i in 0..<kept {
            draw -= probabilities[i]
            if draw <= 0 { return Int32(candidates[i].id) }
        }
        return Int32(candidates[kept - 1].id)
    }
}

/// Turns generated tokens into text pieces that are safe to send: whole UTF-8 characters only,
/// and nothing that could still turn out to be the start of a stop sequence.
public struct TextStream {
    let tokenizer: BytePairTokenizer
    let stop: [String]
    var pendingBytes: [UInt8] = []
    var heldText = ""
    public private(set) var text = ""

    public init(tokenizer: BytePairTokenizer, stop: [String]) {
        self.tokenizer = tokenizer
        self.stop = stop.filter { !$0.isEmpty }
    }

    /// Adds a token; returns the text that can be emitted now, and whether a stop sequence ended it.
    public mutating func append(_ token: Int32) -> (piece: String, stopped: Bool) {
        pendingBytes += tokenizer.bytes(of: token)
        // Keep an incomplete UTF-8 sequence at the end for the next token.
        var complete = pendingBytes.count
        var back = 0
        while back < min(4, pendingBytes.count) && (pendingBytes[pendingBytes.count - 1 - back] & 0xC0) == 0x80 { back += 1 }
        if back < pendingBytes.count {
            let lead = pendingBytes[pendingBytes.count - 1 - back]
            let needed = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1
            if needed > back + 1 { complete = pendingBytes.count - 1 - back }
        }
        heldText += String(decoding: pendingBytes[0..<complete], as: UTF8.self)
        pendingBytes.removeFirst(complete)
        for sequence in stop {
            if let range = heldText.range(of: sequence) {
                let piece = String(heldText[..<range.lowerBound])
                text += piece
                heldText = ""
                return (piece, true)
            }
        }
        // Hold back the longest suffix that is a prefix of some stop sequence.
        var hold = 0
        for sequence in stop {
            for length in stride(from: min(sequence.count - 1, heldText.count), through: 1, by: -1)
            where heldText.hasSuffix(String(sequence.prefix(length))) {
                hold = max(hold, length)
                break
            }
        }
        let piece = String(heldText.dropLast(hold))
        heldText = String(heldText.suffix(hold))
        text += piece
        return (piece, false)
    }

    /// What is still held back at the end of generation.
    public mutating func finish() -> String {
        let piece = heldText + String(decoding: pendingBytes, as: UTF8.self)
        heldText = ""; pendingBytes = []
        text += piece
        return piece
    }
}

/// One sequence being generated: sampling, stop rules and the text emitted so far. Shared by
/// single-sequence generation and the continuous-batching scheduler.
public struct SequenceState {
    public let promptTokens: Int
    let options: SamplingOptions
    var sampler: Sampler
    var stream: TextStream
    public private(set) var generated: [Int32] = []
    public private(set) var finish: FinishReason?
    let endTokens: Set<Int32>

    public init(model: LlamaModel, promptTokens: Int, options: SamplingOptions) {
        self.promptTokens = promptTokens
        self.options = options
        sampler = Sampler(options)
        stream = TextStream(tokenizer: model.tokenizer, stop: options.stop)
        endTokens = model.endTokens
    }

    /// Samples the next token from `logits` and applies the stop rules; `onPiece` gets the text
    /// to emit and returns false to stop. Returns the token to feed next, or nil when finished.
    public mutating func accept(_ logits: [Float], capacityLeft: Int, onPiece: (String) -> Bool) -> Int32? {
        guard finish == nil else { return nil }
        let token = sampler.next(logits)
        if endTokens.contains(token) { return end(.stop, onPiece) }
        generated.append(token)
        let (piece, stopped) = stream.append(token)
        if !piece.isEmpty && !onPiece(piece) { finish = .stop; return nil }
        if stopped { finish = .stop; return nil }
        if generated.count >= options.maxTokens || capacityLeft <= 0 { return end(.length, onPiece) }
        return token
    }

    private mutating func end(_ reason: FinishReason, _ onPiece: (String) -> Bool) -> Int32? {
        finish = reason
        let rest = stream.finish()
        if !rest.isEmpty { _ = onPiece(rest) }
        return nil
    }

    public var text: String { stream.text }
}

extension LlamaModel {
    /// Feeds `prompt` into `session`, reusing the cached tokens it starts with (a conversation's
    /// history, a shared system prompt); returns the logits after the prompt.
    public func prefill(_ prompt: [Int32], session: Session) throws -> [Float] {
        let shared = min(session.sharedPrefix(with: prompt), prompt.count - 1)
        session.truncate(to: shared)
        return try forward(Array(prompt[shared...]), session: session)
    }

    /// Generates after `prompt` in one session; `onPiece` gets each emittable text piece and
    /// returns false to stop (a client that went away).
    public func generate(prompt: [Int32], options: SamplingOptions, session: Session,
                         onPiece: (String) -> Bool = { _ in true }) throws -> (text: String, tokens: [Int32], finish: FinishReason, promptTokens: Int) {
        var logits = try prefill(prompt, session: session)
        var state = SequenceState(model: self, promptTokens: prompt.count, options: options)
        while let token = state.accept(logits, capacityLeft: session.capacity - session.length - 1, onPiece: onPiece) {
            logits = try forward([token], session: session)
        }
        return (state.text, state.generated, state.finish ?? .length, prompt.count)
    }

    /// The prompt for chat messages: ChatML (`<|im_start|>role\ncontent<|im_end|>\n`), the
    /// format of SmolLM2 and Qwen, with the model's default system message when none is given.
    public func chatPrompt(_ messages: [(role: String, content: String)]) -> String {
        var text = ""
        if messages.first?.role != "system", let template = chatTemplate,
           let range = template.range(of: "<|im_start|>system\n"), let end = template[range.upperBound...].range(of: "<|im_end|>") {
            text += "<|im_start|>system\n" + template[range.upperBound..<end.lowerBound] + "<|im_end|>\n"
        }
        for message in messages { text += "<|im_start|>\(message.role)\n\(message.content)<|im_end|>\n" }
        return text + "<|im_start|>assistant\n"
    }
}
