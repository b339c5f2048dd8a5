import CQuantKernels
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
    /// nil: no log-probabilities; n: each generated token's, with the n most likely alternatives.
    public var logprobs: Int?

    public init() {}
}

/// A generated token's log-probability under the model (log-softmax of its logits, before
/// temperature and filtering, as vLLM reports by default), with the most likely alternatives.
public struct TokenLogprob: Sendable {
    public var token: Int32
    public var logprob: Float
    public var top: [(token: Int32, logprob: Float)]
}

public enum FinishReason: String, Sendable { case stop, length }

/// Picks tokens from logits: greedy, or temperature with top-k and top-p (nucleus) filtering.
///
/// A sampled token costs O(vocabulary): one vector pass of exponentials, then only the tokens
/// that can be in the top k or the nucleus are sorted (a full sort of SmolLM2's 49,152 logits
/// took milliseconds per token, and a decode step samples for every sequence it holds).
public struct Sampler {
    let options: SamplingOptions
    var random: SeededGenerator
    /// exp((logit − max) / temperature) per token, kept between calls.
    private var weights: [Float] = []

    public init(_ options: SamplingOptions) {
        self.options = options
        var system = SystemRandomNumberGenerator()
        random = SeededGenerator(seed: options.seed ?? system.next())
    }

    public mutating func next(_ logits: [Float]) -> Int32 { logits.withUnsafeBufferPointer { next($0) } }

    public mutating func next(_ logits: UnsafeBufferPointer<Float>) -> Int32 {
        let best = maas_argmax(logits.baseAddress!, logits.count)
        if options.temperature <= 0 || options.topK == 1 { return Int32(best) }
        let count = logits.count
        if weights.count != count { weights = [Float](repeating: 0, count: count) }
        let total = weights.withUnsafeMutableBufferPointer { maas_exp_scaled(logits.baseAddress!, logits[best], 1 / options.temperature, $0.baseAddress!, count) }
        let limited = options.topK > 0 && options.topK < count
        if !limited && options.topP >= 1 { return weights.withUnsafeBufferPointer { draw(from: 0..<count, weights: $0, mass: total) } }
        return weights.withUnsafeBufferPointer { weights in
            // Candidates are the tokens whose weight (1 for the most likely) reaches a floor. The
            // floor drops until they hold the top k, or the nucleus: every token left out is
            // less likely than every candidate, so the answer is the full sort's.
            for floor: Float in [1e-6, 1e-15, 0] {
                var candidates: [Int] = []
                for i in 0..<count where weights[i] >= floor { candidates.append(i) }
                candidates.sort { weights[$0] > weights[$1] || (weights[$0] == weights[$1] && $0 < $1) }
                let complete = floor == 0 || candidates.count == count
                var pool = total
                if limited {
                    guard candidates.count >= options.topK || complete else { continue }
                    candidates.removeLast(max(0, candidates.count - options.topK))
                    pool = candidates.reduce(0) { $0 + weights[$1] }
                }
                var kept = candidates.count
                if options.topP < 1 {
                    var cumulative: Float = 0, found = false
                    for (i, id) in candidates.enumerated() {
                        cumulative += weights[id]
                        if cumulative >= options.topP * pool { kept = i + 1; found = true; break }
                    }
                    if !found && !limited && !complete { continue }
                }
                let nucleus = candidates[0..<kept]
                return draw(from: nucleus, weights: weights, mass: nucleus.reduce(0) { $0 + weights[$1] })
            }
            return Int32(best)  // unreachable: the last floor admits every token
        }
    }

    /// `token`'s log-probability in `logits` and the `alternatives` most likely tokens'
    /// (ties: lower id first). One pass of exponentials and one of selection over the vocabulary.
    public mutating func logprob(of token: Int32, in logits: UnsafeBufferPointer<Float>, alternatives: Int) -> TokenLogprob {
        let count = logits.count
        if weights.count != count { weights = [Float](repeating: 0, count: count) }
        let best = maas_argmax(logits.baseAddress!, count)
        let total = weights.withUnsafeMutableBufferPointer { maas_exp_scaled(logits.baseAddress!, logits[best], 1, $0.baseAddress!, count) }
        let logTotal = logits[best] + log(total)
        var top: [(token: Int32, logprob: Float)] = []
        if alternatives > 0 {
            top.reserveCapacity(alternatives + 1)
            for i in 0..<count where top.count < alternatives || logits[i] > top[top.count - 1].logprob {
                var at = top.count
                while at > 0 && top[at - 1].logprob < logits[i] { at -= 1 }
                top.insert((Int32(i), logits[i]), at: at)
                if top.count > alternatives { top.removeLast() }
            }
            for i in top.indices { top[i].logprob -= logTotal }
        }
        return TokenLogprob(token: token, logprob: logits[Int(token)] - logTotal, top: top)
    }

    /// One token from `tokens` with probability weight / mass.
    private mutating func draw<Tokens: Collection<Int>>(from tokens: Tokens, weights: UnsafeBufferPointer<Float>, mass: Float) -> Int32 {
        var remaining = random.nextUniform() * mass
        var last = tokens.first!
        for id in tokens where weights[id] > 0 {
            remaining -= weights[id]
            if remaining < 0 { return Int32(id) }
            last = id
        }
        return Int32(last)  // rounding left a little of the draw over
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
    /// Per generated token, when the options ask for log-probabilities.
    public private(set) var logprobs: [TokenLogprob] = []
    let endTokens: Set<Int32>

    public init(model: LlamaModel, promptTokens: Int, options: SamplingOptions) {
        self.promptTokens = promptTokens
        self.options = options
        sampler = Sampler(options)
        stream = TextStream(tokenizer: model.tokenizer, stop: options.stop)
        endTokens = model.endTokens
    }

    /// Samples the next token from `logits` and applies the stop rules; `onPiece` gets the text
    /// to emit and returns false to stop; `onLogprob` gets each token's log-probability, before
    /// the piece holding its text, when the options ask for them. Returns the token to feed
    /// next, or nil when finished.
    public mutating func accept(_ logits: [Float], capacityLeft: Int, onPiece: (String) -> Bool,
                                onLogprob: (TokenLogprob) -> Void = { _ in }) -> Int32? {
        logits.withUnsafeBufferPointer { accept($0, capacityLeft: capacityLeft, onPiece: onPiece, onLogprob: onLogprob) }
    }

    public mutating func accept(_ logits: UnsafeBufferPointer<Float>, capacityLeft: Int, onPiece: (String) -> Bool,
                                onLogprob: (TokenLogprob) -> Void = { _ in }) -> Int32? {
        guard finish == nil else { return nil }
        let token = sampler.next(logits)
        if endTokens.contains(token) { return end(.stop, onPiece) }
        generated.append(token)
        if let alternatives = options.logprobs {
            let entry = sampler.logprob(of: token, in: logits, alternatives: alternatives)
            logprobs.append(entry)
            onLogprob(entry)
        }
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

    /// The prompt for chat messages in the model's format (`chatFormat`). A ChatML template's
    /// default system message (SmolLM2's Jinja inserts one when the conversation has none) is
    /// kept, as rendering the Jinja would.
    public func chatPrompt(_ messages: [(role: String, content: String)]) -> String {
        var messages = messages
        if chatFormat == .chatml, messages.first?.role != "system", let template = chatTemplate,
           let range = template.range(of: "<|im_start|>system\n"), let end = template[range.upperBound...].range(of: "<|im_end|>") {
            messages.insert(("system", String(template[range.upperBound..<end.lowerBound])), at: 0)
        }
        return chatFormat.render(messages)
    }

    /// Token ids of a prompt: BOS first where the model's tokenizer asks for it.
    public func promptTokens(_ text: String) -> [Int32] {
        (tokenizer.addsBOS ? [tokenizer.bos!] : []) + tokenizer.encode(text)
    }
}
