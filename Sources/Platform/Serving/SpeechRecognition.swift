import Foundation
import LanguageModels
import Tensor

/// A Whisper model in faster-whisper's CTranslate2 layout (model.bin, config.json,
/// vocabulary.txt; tokenizer.json and preprocessor_config.json when present), registered as a
/// `speech_recognizer` artifact.
public enum SpeechRecognizerArtifact {
    public static let kind = "speech_recognizer"
    static let requiredFiles = ["model.bin", "config.json", "vocabulary.txt"]
    static let optionalFiles = ["tokenizer.json", "preprocessor_config.json"]

    /// Whether `directory` holds a CTranslate2 Whisper model.
    public static func recognizes(_ directory: URL) -> Bool {
        guard requiredFiles.allSatisfy({ FileManager.default.fileExists(atPath: directory.appendingPathComponent($0).path) }) else { return false }
        return (try? CTranslate2File(path: directory.appendingPathComponent("model.bin").path).spec) == "WhisperSpec"
    }

    static func descriptor(source: String) -> Data {
        Data("{\"format_version\":1,\"kind\":\"\(kind)\",\"metrics\":{},\"lineage\":{\"source\":\(JSONText.quote(source))}}".utf8)
    }

    public static func stage(_ directory: URL, into staging: ArtifactStaging) throws {
        for name in requiredFiles + optionalFiles {
            let source = directory.appendingPathComponent(name)
            if FileManager.default.fileExists(atPath: source.path) { try staging.copy(source, as: name) }
        }
        try staging.write(descriptor(source: directory.lastPathComponent), as: "model.json")
    }

    /// The compute type served Whisper models load with: `MAAS_WHISPER_COMPUTE_TYPE` (float32,
    /// the default and exact, or int8, as faster-whisper's compute_type).
    static func computeType(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> WhisperModel.ComputeType {
        guard let text = environment["MAAS_WHISPER_COMPUTE_TYPE"] else { return .float32 }
        guard let type = WhisperModel.ComputeType(rawValue: text) else {
            throw PlatformError.invalid(field: "MAAS_WHISPER_COMPUTE_TYPE",
                                        message: "must be one of \(WhisperModel.ComputeType.allCases.map(\.rawValue).joined(separator: ", ")); got '\(text)'")
        }
        return type
    }

    /// The transcriber of a stored artifact's files.
    static func load(_ files: ArtifactFiles) throws -> WhisperTranscriber {
        guard let model = files.data("model.bin"), let vocabulary = files.data("vocabulary.txt") else {
            throw PlatformError.invalid(field: "artifact", message: "\(files.location) lacks model.bin or vocabulary.txt")
        }
        let computeType = try computeType()
        do {
            return try WhisperTranscriber(model: model, vocabulary: vocabulary, config: files.data("config.json"),
                                          tokenizerJSON: files.data("tokenizer.json"), name: files.location, computeType: computeType)
        } catch let error as LanguageModelError {
            throw PlatformError.invalid(field: "model", message: error.description)
        }
    }
}

/// What a transcription request asks, besides its audio.
public struct TranscriptionRequest: Sendable {
    public var audio: Audio
    public var options: TranscriptionOptions
    public init(audio: Audio, options: TranscriptionOptions) {
        self.audio = audio
        self.options = options
    }
}

/// A transcription and what it cost.
public struct TranscriptionResult: Sendable {
    public var transcript: Transcript
    public var queueSeconds: Double
    public var computeSeconds: Double
    /// Compute time over audio time (below 1: faster than real time).
    public var realTimeFactor: Double { transcript.duration > 0 ? computeSeconds / transcript.duration : 0 }
}

/// Transcriptions for one loaded speech model, started in arrival order on up to `concurrency`
/// threads of their own; the decoder steps of those running at once are joined into batched
/// steps (`DecoderStepBatcher`), and the compute threads parallelise each GEMM. Requests beyond
/// `maxQueue` waiting get 429 with a Retry-After from the recent real-time factor.
public final class TranscriptionQueue: @unchecked Sendable {
    struct Pending {
        var request: TranscriptionRequest
        var enqueued: UInt64
        var onSegment: @Sendable (TranscriptSegment) -> Bool
        var continuation: CheckedContinuation<TranscriptionResult, any Error>
    }

    public let transcriber: WhisperTranscriber
    public let maxQueue: Int
    public let concurrency: Int
    public let batcher: DecoderStepBatcher
    private let condition = NSCondition()
    private var pending: [Pending] = []
    private var closed = false
    /// Seconds of compute per second of audio (moving average), for Retry-After.
    private var realTimeFactor = 0.2
    /// Audio seconds waiting, for Retry-After.
    private var queuedAudioSeconds = 0.0

    public init(transcriber: WhisperTranscriber, maxQueue: Int = 16, concurrency: Int = 4) {
        self.transcriber = transcriber
        self.maxQueue = max(1, maxQueue)
        self.concurrency = max(1, concurrency)
        batcher = DecoderStepBatcher(model: transcriber.model)
        for i in 0..<self.concurrency {
            let thread = Thread { [self] in work() }
            thread.stackSize = 8 << 20
            thread.name = "maas-speech-\(i)"
            thread.start()
        }
    }

    public var queueDepth: Int { condition.withLock { pending.count } }

    /// Transcribes `request`; `onSegment` sees each segment as it is decoded and returns false
    /// when the client has gone (the rest is then not decoded).
    public func submit(_ request: TranscriptionRequest, onSegment: @escaping @Sendable (TranscriptSegment) -> Bool = { _ in true }) async throws -> TranscriptionResult {
        try await withCheckedThrowingContinuation { continuation in
            condition.lock()
            defer { condition.unlock() }
            if closed {
                continuation.resume(throwing: PlatformError.unavailable(retryAfter: 1, "the model is being unloaded"))
                return
            }
            guard pending.count < maxQueue else {
                let wait = max(1, Int((queuedAudioSeconds * realTimeFactor / Double(concurrency)).rounded(.up)))
                continuation.resume(throwing: PlatformError.overloaded(retryAfter: wait, "transcription queue is full (\(maxQueue) requests)"))
                return
            }
            queuedAudioSeconds += request.audio.seconds
            pending.append(Pending(request: request, enqueued: DispatchTime.now().uptimeNanoseconds, onSegment: onSegment, continuation: continuation))
            condition.signal()
        }
    }

    public func close() { condition.withLock { closed = true; condition.broadcast() } }

    private func work() {
        while true {
            condition.lock()
            while pending.isEmpty && !closed { condition.wait() }
            if pending.isEmpty { condition.unlock(); return }
            let job = pending.removeFirst()
            queuedAudioSeconds = max(0, queuedAudioSeconds - job.request.audio.seconds)
            condition.unlock()
            let started = DispatchTime.now().uptimeNanoseconds
            let queueSeconds = Double(started - job.enqueued) / 1e9
            do {
                var stopped = false
                var options = job.request.options
                options.batcher = batcher
                let transcript = try transcriber.transcribe(job.request.audio, options: options, onSegment: { segment in
                    if !stopped && !job.onSegment(segment) { stopped = true }
                    return !stopped
                })
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
                if transcript.duration > 1 { condition.withLock { realTimeFactor = 0.8 * realTimeFactor + 0.2 * seconds / transcript.duration } }
                job.continuation.resume(returning: TranscriptionResult(transcript: transcript, queueSeconds: queueSeconds, computeSeconds: seconds))
            } catch let error as AudioError {
                job.continuation.resume(throwing: PlatformError.invalid(field: "file", message: error.message))
            } catch {
                job.continuation.resume(throwing: error)
            }
        }
    }
}
