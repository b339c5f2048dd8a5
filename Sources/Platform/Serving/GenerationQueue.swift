import Foundation
import LanguageModels
import Tensor

/// What a generation request produced.
public struct GenerationResult: Sendable {
    public var text: String
    public var promptTokens: Int
    public var completionTokens: Int
    public var finish: FinishReason
    /// Per generated token, when the request asked for log-probabilities.
    public var logprobs: [TokenLogprob] = []
}

/// Generation for one loaded language model on a thread of its own, with continuous batching:
/// up to `maxActive` sequences decode together, one token each per step, in one pass over the
/// weights; a new request joins at the next step (after its prompt is processed) and a finished
/// one leaves without waiting for the others. Requests beyond that wait in a bounded queue
/// (429 with Retry-After beyond `maxQueue`). Each sequence streams its text through `onPiece`,
/// which returns false when the client has gone: that sequence stops at once. Sessions (KV
/// caches) are kept between requests, and a new prompt takes the one sharing the longest prefix
/// with it (a conversation's history, a common system prompt), which it does not recompute; a
/// longer prefix held by a sequence still decoding is copied from its cache.
public final class GenerationQueue: @unchecked Sendable {
    struct Pending {
        var prompt: [Int32]
        var options: SamplingOptions
        var onPiece: @Sendable (String) -> Bool
        var onLogprob: @Sendable (TokenLogprob) -> Void
        var continuation: CheckedContinuation<GenerationResult, any Error>
    }

    struct Active {
        var request: Pending
        var session: LlamaModel.Session
        var state: SequenceState
        var next: Int32?
    }

    public let model: LlamaModel
    public let maxQueue: Int
    public let maxActive: Int
    public let contextTokens: Int
    private let condition = NSCondition()
    private var pending: [Pending] = []
    private var closed = false
    /// KV caches not in use, most recently used last.
    private var idleSessions: [LlamaModel.Session] = []
    /// Seconds per decode step (moving average), for Retry-After.
    private var secondsPerStep = 0.05

    public init(model: LlamaModel, maxQueue: Int = 64, maxActive: Int = 8, contextTokens: Int = 2048) {
        self.model = model
        self.maxQueue = maxQueue
        self.maxActive = max(1, maxActive)
        self.contextTokens = min(contextTokens, model.config.contextLength)
        let thread = Thread { [self] in work() }
        thread.stackSize = 8 << 20
        thread.name = "maas-generation"
        thread.start()
    }

    public var queueDepth: Int { condition.withLock { pending.count } }

    /// `onLogprob` gets each generated token's log-probability (when `options.logprobs` asks)
    /// before the piece that holds its text.
    public func submit(prompt: [Int32], options: SamplingOptions, onPiece: @escaping @Sendable (String) -> Bool = { _ in true },
                       onLogprob: @escaping @Sendable (TokenLogprob) -> Void = { _ in }) async throws -> GenerationResult {
        guard !prompt.isEmpty else { throw PlatformError.invalid(field: "messages", message: "the prompt is empty") }
        guard prompt.count + options.maxTokens <= contextTokens else {
            throw PlatformError.invalid(field: "max_tokens", message: "prompt (\(prompt.count) tokens) plus max_tokens (\(options.maxTokens)) exceeds the context of \(contextTokens) tokens")
        }
        return try await withCheckedThrowingContinuation { continuation in
            condition.lock()
            defer { condition.unlock() }
            if closed {
                continuation.resume(throwing: PlatformError.unavailable(retryAfter: 1, "the model is being unloaded"))
                return
            }
            guard pending.count < maxQueue else {
                let wait = max(1, Int((Double(pending.count / maxActive + 1) * 128 * secondsPerStep).rounded(.up)))
                continuation.resume(throwing: PlatformError.overloaded(retryAfter: wait, "generation queue is full (\(maxQueue) requests)"))
                return
            }
            pending.append(Pending(prompt: prompt, options: options, onPiece: onPiece, onLogprob: onLogprob, continuation: continuation))
            condition.signal()
        }
    }

    public func close() { condition.withLock { closed = true; condition.broadcast() } }

    private func work() {
        var active: [Active] = []
        var logits: [Float] = []  // every step's, reused: fresh megabytes each step cost page faults
        while true {
            condition.lock()
            while pending.isEmpty && active.isEmpty && !closed { condition.wait() }
            if pending.isEmpty && active.isEmpty { condition.unlock(); return }
            var admitted: [Pending] = []
            while active.count + admitted.count < maxActive && !pending.isEmpty { admitted.append(pending.removeFirst()) }
            condition.unlock()

            var prefilled: [LlamaModel.Session] = []
            for request in admitted {
                let session = takeSession(for: request.prompt)
                // A sequence decoding now, or one admitted just before this one, may hold a longer
                // prefix (a common system prompt): copying its cache rows costs a memcpy.
                let donors = (active.map(\.session) + prefilled).map { (session: $0, shared: $0.sharedPrefix(with: request.prompt)) }
                if let donor = donors.max(by: { $0.shared < $1.shared }), donor.shared > session.sharedPrefix(with: request.prompt) {
                    session.copyPrefix(from: donor.session, count: donor.shared)
                }
                do {
                    let logits = try model.prefill(request.prompt, session: session)
                    var entry = Active(request: request, session: session,
                                       state: SequenceState(model: model, promptTokens: request.prompt.count, options: request.options), next: nil)
                    entry.next = entry.state.accept(logits, capacityLeft: session.capacity - session.length - 1,
                                                    onPiece: request.onPiece, onLogprob: request.onLogprob)
                    active.append(entry)
                    prefilled.append(session)
                } catch {
                    session.truncate(to: 0)
                    release(session)
                    request.continuation.resume(throwing: PlatformError.invalid(field: "messages", message: "\(error)"))
                }
            }
            // Finished sequences leave; the rest take one step together.
            active.removeAll { entry in
                guard entry.next == nil else { return false }
                finish(entry)
                return true
            }
            guard !active.isEmpty else { continue }
            let started = DispatchTime.now().uptimeNanoseconds
            do {
                try model.step(active.map { $0.next! }, sessions: active.map(\.session), logits: &logits)
                let vocabulary = model.config.vocabulary
                logits.withUnsafeBufferPointer { logits in
                    for i in active.indices {
                        let row = UnsafeBufferPointer(rebasing: logits[(i * vocabulary)..<((i + 1) * vocabulary)])
                        active[i].next = active[i].state.accept(row, capacityLeft: active[i].session.capacity - active[i].session.length - 1,
                                                                onPiece: active[i].request.onPiece, onLogprob: active[i].request.onLogprob)
                    }
                }
            } catch {
                for entry in active {
                    entry.session.truncate(to: 0)
                    release(entry.session)
                    entry.request.continuation.resume(throwing: PlatformError.invalid(field: "messages", message: "\(error)"))
                }
                active.removeAll()
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
            condition.withLock { secondsPerStep = 0.9 * secondsPerStep + 0.1 * seconds }
        }
    }

    private func finish(_ entry: Active) {
        release(entry.session)
        entry.request.continuation.resume(returning: GenerationResult(text: entry.state.text, promptTokens: entry.state.promptTokens,
                                                                      completionTokens: entry.state.generated.count,
                                                                      finish: entry.state.finish ?? .length, logprobs: entry.state.logprobs))
    }

    /// The idle session sharing the longest prefix with `prompt`, or a new one.
    private func takeSession(for prompt: [Int32]) -> LlamaModel.Session {
        var best: (index: Int, shared: Int)?
        for (index, session) in idleSessions.enumerated() {
            let shared = session.sharedPrefix(with: prompt)
            if shared >= (best?.shared ?? 0) { best = (index, shared) }
        }
        if let best, best.shared > 0 || idleSessions.count >= maxActive { return idleSessions.remove(at: best.index) }
        return LlamaModel.Session(model: model, capacity: contextTokens)
    }

    private func release(_ session: LlamaModel.Session) {
        idleSessions.append(session)
        if idleSessions.count > maxActive { idleSessions.removeFirst() }
    }
}

/// A GGUF language model stored as `model.gguf` plus a model.json naming its kind.
public enum LanguageModelArtifact {
    public static let kind = "language_model"
    public static let fileName = "model.gguf"

    /// The GGUF file a directory (or a path) holds, if any.
    public static func ggufFile(in location: URL) -> URL? {
        if location.pathExtension.lowercased() == "gguf" { return location }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: location.path)) ?? []
        return names.first { $0.lowercased().hasSuffix(".gguf") }.map { location.appendingPathComponent($0) }
    }

    /// The GGUF file sealed into a staging area, with a model.json naming its chat format.
    public static func stage(_ gguf: URL, into staging: ArtifactStaging) throws {
        // Validated before it is sealed: a broken file is refused here, not at serving time.
        let model = try LlamaModel(path: gguf.path)
        try staging.copy(gguf, as: fileName)
        try staging.write(descriptor(model, source: gguf.lastPathComponent), as: "model.json")
    }

    /// A staged GGUF file (an uploaded archive's) given its place and a model.json.
    static func describe(staged name: String, in staging: ArtifactStaging) throws {
        if name != fileName { try staging.rename(name, to: fileName) }
        let files = try staging.files()
        let model = try LlamaModel(file: try GGUFFile(buffer: files.buffer(fileName)!, name: files.describe(fileName)))
        try staging.write(descriptor(model, source: name), as: "model.json")
    }

    static func descriptor(_ model: LlamaModel, source: String) -> Data {
        let descriptor = "{\"format_version\":1,\"kind\":\"\(kind)\",\"metrics\":{},\"lineage\":{\"source\":\(JSONText.quote(source)),"
            + "\"architecture\":\"llama\",\"parameters_bytes\":\"\(model.weightBytes)\","
            // Which prompt format chat requests get; "chatml (template not recognised)" warns that
            // the file's own template is one this build does not render.
            + "\"chat_format\":\"\(model.chatFormat.rawValue)\(model.chatTemplateRecognised || model.chatTemplate == nil ? "" : " (template not recognised)")\"}}"
        return Data(descriptor.utf8)
    }
}
