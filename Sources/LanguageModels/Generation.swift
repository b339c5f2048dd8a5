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

extension LlamaModel {
    /// Generates after `prompt`, reusing the session's cached prefix; `onPiece` gets each
    /// emittable text piece and returns false to stop (a client that went away).
    public func generate(prompt: [Int32], options: SamplingOptions, session: Session,
                         onPiece: (String) -> Bool = { _ in true }) throws -> (text: String, tokens: [Int32], finish: FinishReason, promptTokens: Int) {
        // Prefix reuse: keep the cached tokens the new prompt starts with.
        var shared = 0
        while shared < min(session.length, prompt.count - 1) && session.tokens[shared] == prompt[shared] { shared += 1 }
        session.truncate(to: shared)
        var logits = try forward(Array(prompt[shared...]), session: session)
        var sampler = Sampler(options)
        var stream = TextStream(tokenizer: tokenizer, stop: options.stop)
        var generated: [Int32] = []
        var finish = FinishReason.length
        while generated.count < options.maxTokens {
            let token = sampler.next(logits)
            if token == tokenizer.eos || isEndOfTurn(token) { finish = .stop; break }
            generated.append(token)
            let (piece, stopped) = stream.append(token)
            if !piece.isEmpty && !onPiece(piece) { finish = .stop; break }
            if stopped { finish = .stop; break }
            if session.length + 1 > session.capacity { break }
            logits = try forward([token], session: session)
        }
        let rest = stream.finish()
        if !rest.isEmpty && finish == .length { _ = onPiece(rest) }
        return (stream.text, generated, finish, prompt.count)
    }

    /// Tokens that end an assistant turn in chat models (ChatML's `<|im_end|>`, `<|eot_id|>`).
    func isEndOfTurn(_ token: Int32) -> Bool {
        let text = tokenizer.tokens[Int(token)]
        return text == "<|im_end|>" || text == "<|eot_id|>" || text == "<|end|>"
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
