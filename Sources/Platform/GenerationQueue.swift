import Foundation
import LanguageModels
import Tensor

/// What a generation request produced.
public struct GenerationResult: Sendable {
    public var text: String
    public var promptTokens: Int
    public var completionTokens: Int
    public var finish: FinishReason
}

/// Generation for one loaded language model on a thread of its own: requests wait in a bounded
/// queue (429 with Retry-After beyond it) and run one at a time, each streaming its text
/// through `onPiece`, which returns false when the client has gone (generation then stops).
/// The KV cache of the previous request stays, so a prompt that starts with the same tokens
/// (a conversation's history, a shared system prompt) skips recomputing them.
public final class GenerationQueue: @unchecked Sendable {
    struct Pending {
        var prompt: [Int32]
        var options: SamplingOptions
        var onPiece: @Sendable (String) -> Bool
        var continuation: CheckedContinuation<GenerationResult, any Error>
    }

    public let model: LlamaModel
    public let maxQueue: Int
    public let contextTokens: Int
    private let condition = NSCondition()
    private var pending: [Pending] = []
    private var closed = false
    private let session: LlamaModel.Session
    /// Seconds per generated token (moving average), for Retry-After.
    private var secondsPerToken = 0.05

    public init(model: LlamaModel, maxQueue: Int = 64, contextTokens: Int = 4096) {
        self.model = model
        self.maxQueue = maxQueue
        self.contextTokens = min(contextTokens, model.config.contextLength)
        session = LlamaModel.Session(model: model, capacity: self.contextTokens)
        let thread = Thread { [self] in work() }
        thread.stackSize = 8 << 20
        thread.name = "maas-generation"
        thread.start()
    }

    public var queueDepth: Int { condition.withLock { pending.count } }

    public func submit(prompt: [Int32], options: SamplingOptions, onPiece: @escaping @Sendable (String) -> Bool = { _ in true }) async throws -> GenerationResult {
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
                let wait = max(1, Int((Double(pending.count * 128) * secondsPerToken).rounded(.up)))
                continuation.resume(throwing: PlatformError.overloaded(retryAfter: wait, "generation queue is full (\(maxQueue) requests)"))
                return
            }
            pending.append(Pending(prompt: prompt, options: options, onPiece: onPiece, continuation: continuation))
            condition.signal()
        }
    }

    public func close() { condition.withLock { closed = true; condition.broadcast() } }

    private func work() {
        while true {
            condition.lock()
            while pending.isEmpty && !closed { condition.wait() }
            if pending.isEmpty { condition.unlock(); return }
            let request = pending.removeFirst()
            condition.unlock()
            let started = DispatchTime.now().uptimeNanoseconds
            do {
                let result = try model.generate(prompt: request.prompt, options: request.options, session: session, onPiece: request.onPiece)
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
                condition.withLock { secondsPerToken = 0.8 * secondsPerToken + 0.2 * seconds / Double(max(result.tokens.count, 1)) }
                request.continuation.resume(returning: GenerationResult(text: result.text, promptTokens: result.promptTokens,
                                                                        completionTokens: result.tokens.count, finish: result.finish))
            } catch {
                session.truncate(to: 0)
                request.continuation.resume(throwing: PlatformError.invalid(field: "messages", message: "\(error)"))
            }
        }
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

    /// The GGUF file (linked, not copied, when the file system allows) with a model.json.
    public static func stage(_ gguf: URL, into staging: URL) throws {
        try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
        let target = staging.appendingPathComponent(fileName)
        do { try FileManager.default.linkItem(at: gguf, to: target) } catch { try FileManager.default.copyItem(at: gguf, to: target) }
        // Validate before registering: a broken file is refused here, not at serving time.
        let model = try LlamaModel(path: target.path)
        let descriptor = "{\"format_version\":1,\"kind\":\"\(kind)\",\"metrics\":{},\"lineage\":{\"source\":\(JSONText.quote(gguf.lastPathComponent)),"
            + "\"architecture\":\"llama\",\"parameters_bytes\":\"\(model.weightBytes)\"}}"
        try Data(descriptor.utf8).write(to: staging.appendingPathComponent("model.json"))
    }
}
