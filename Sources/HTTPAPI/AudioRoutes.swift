import Foundation
import Hummingbird
import LanguageModels
import MultipartKit
import NIOCore
import Platform

/// OpenAI's audio API over a deployed Whisper model: `POST /v1/audio/transcriptions` and
/// `/v1/audio/translations` (multipart form: file, model, language, prompt, temperature,
/// response_format = json | text | srt | vtt | verbose_json, timestamp_granularities[], stream;
/// and beam_size, 1 to 10, beyond OpenAI's fields: faster-whisper's beam search).
/// `model` names a deployed endpoint; audio seconds count as the request's rows, and as tokens
/// against a key's token quota.
extension APIServer {
    static func addAudioRoutes(_ api: RouterGroup<APIContext>, _ s: PlatformServices, _ catalog: RouteCatalog) {
        api.route(.POST, "/v1/audio/transcriptions", catalog) { request, context in
            try await audio(s, request, context, task: .transcribe)
        }
        api.route(.POST, "/v1/audio/translations", catalog) { request, context in
            try await audio(s, request, context, task: .translate)
        }
    }

    static let audioFields: Set<String> = ["file", "model", "language", "prompt", "temperature", "response_format", "timestamp_granularities[]",
                                           "timestamp_granularities", "stream", "chunking_strategy", "include[]", "beam_size"]

    static func audio(_ s: PlatformServices, _ request: Request, _ context: APIContext, task: TranscriptionOptions.Task) async throws -> Response {
        let caller = try context.caller()
        try caller.require(.infer)
        let form = try await FormData.read(request, context)
        for name in form.fields.keys where !audioFields.contains(name) {
            throw PlatformError.invalid(field: name, message: "is not a field of this request; fields: file, model, language, prompt, temperature, response_format, timestamp_granularities[], stream, beam_size")
        }
        guard let file = form.fields["file"]?.first else { throw PlatformError.invalid(field: "file", message: "is required: the audio (WAV)") }
        guard let name = form.text("model"), !name.isEmpty else { throw PlatformError.invalid(field: "model", message: "is required: a deployed speech endpoint") }
        let format = form.text("response_format") ?? "json"
        guard ["json", "text", "srt", "vtt", "verbose_json"].contains(format) else {
            throw PlatformError.invalid(field: "response_format", message: "must be json, text, srt, vtt or verbose_json, got '\(format.prefix(40))'")
        }
        var options = TranscriptionOptions()
        for granularity in (form.fields["timestamp_granularities[]"] ?? []) + (form.fields["timestamp_granularities"] ?? []) {
            let value = String(decoding: granularity.bytes, as: UTF8.self)
            guard value == "segment" || value == "word" else {
                throw PlatformError.invalid(field: "timestamp_granularities[]", message: "must be segment or word, got '\(value.prefix(40))'")
            }
            guard format == "verbose_json" else { throw PlatformError.invalid(field: "timestamp_granularities[]", message: "needs response_format verbose_json") }
            if value == "word" { options.wordTimestamps = true }
        }
        options.task = task
        if let temperature = form.text("temperature") {
            guard let t = Double(temperature), (0...1).contains(t) else { throw PlatformError.invalid(field: "temperature", message: "must be a number from 0 to 1") }
            // 0: Whisper's fallback through higher temperatures when decoding fails; above 0: that temperature only.
            if t > 0 { options.temperatures = [t] }
        }
        let stream: Bool
        switch form.text("stream") ?? "false" {
        case "true": stream = true
        case "false": stream = false
        default: throw PlatformError.invalid(field: "stream", message: "must be true or false")
        }
        let target = try await s.endpoints.target(for: caller, endpoint: name)
        guard let transcriber = target.model.speech, let queue = target.batcher.transcription else {
            throw PlatformError.invalid(field: "model", message: "'\(name)' serves a \(target.model.kind) model, not speech recognition")
        }
        if let language = form.text("language"), !language.isEmpty {
            guard language.count <= 8, language.allSatisfy({ $0.isLetter || $0 == "-" }) else { throw PlatformError.invalid(field: "language", message: "must be a language code such as en or de") }
            if transcriber.tokenizer.isMultilingual {
                guard transcriber.tokenizer.languages[language] != nil else {
                    throw PlatformError.invalid(field: "language", message: "'\(language)' is not a language this model knows")
                }
            } else if language != "en" {
                throw PlatformError.invalid(field: "language", message: "this model is English-only; '\(language)' needs a multilingual model")
            }
            options.language = language
        }
        if let beams = form.text("beam_size") {
            guard let width = Int(beams), (1...10).contains(width) else { throw PlatformError.invalid(field: "beam_size", message: "must be an integer from 1 (greedy) to 10") }
            options.beamSize = width
        }
        if let prompt = form.text("prompt"), !prompt.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            guard prompt.utf8.count <= 4096 else { throw PlatformError.invalid(field: "prompt", message: "may hold at most 4096 bytes") }
            do { options.promptTokens = try transcriber.promptTokens(prompt) } catch let error as AudioError {
                throw PlatformError.invalid(field: "prompt", message: error.message)
            }
        }
        if task == .translate && !transcriber.tokenizer.isMultilingual {
            throw PlatformError.invalid(field: "model", message: "'\(name)' is English-only: translation into English needs a multilingual model")
        }
        // Decoded on a dispatch thread: an hour of MP3 takes seconds of CPU, which would hold
        // one of the few threads Swift's concurrency pool runs every request on.
        let bytes = file.bytes, limit = s.maximumAudioSeconds
        let decoded: Result<Audio, any Error> = await withCheckedContinuation { done in
            DispatchQueue.global().async { done.resume(returning: Result { try Audio.decode(bytes, maxSeconds: limit) }) }
        }
        let audio: Audio
        do { audio = try decoded.get() } catch let error as AudioError { throw PlatformError.invalid(field: "file", message: error.message) }
        guard audio.seconds <= s.maximumAudioSeconds else {
            throw PlatformError.invalid(field: "file", message: String(format: "the audio lasts %.1f s; this server takes at most %.0f s per request", audio.seconds, s.maximumAudioSeconds))
        }
        guard audio.seconds >= 0.1 else { throw PlatformError.invalid(field: "file", message: String(format: "the audio lasts %.3f s; send at least 0.1 s", audio.seconds)) }
        let seconds = Int(audio.seconds.rounded(.up))
        @Sendable func meter(_ result: TranscriptionResult) {
            s.metrics.recordTranscription(project: caller.project, endpoint: name, version: target.version.version, result: result)
            s.usage.record(project: caller.project, keyID: caller.keyID, rows: seconds, audioSeconds: audio.seconds)
            s.rateLimiter.charge(keyID: caller.keyID, limits: caller.limits, tokens: seconds)
        }
        let language = options.language
        let usage = "{\"type\":\"duration\",\"seconds\":\(seconds)}"
        guard stream else {
            let result: TranscriptionResult
            do { result = try await queue.submit(TranscriptionRequest(audio: audio, options: options)) }
            catch { s.metrics.recordInferenceFailure(project: caller.project, endpoint: name, version: target.version.version); throw error }
            meter(result)
            return transcriptionResponse(result.transcript, format: format, task: task, usage: usage, requestedLanguage: language, words: options.wordTimestamps)
        }
        // Streaming: OpenAI's transcript.text.delta events, one per decoded segment, then
        // transcript.text.done with the whole text and the usage.
        let (events, sink) = AsyncStream.makeStream(of: TranscriptSegment.self, bufferingPolicy: .unbounded)
        let gone = ClientGone()
        let transcription = Task {
            defer { sink.finish() }
            return try await queue.submit(TranscriptionRequest(audio: audio, options: options)) { segment in
                sink.yield(segment)
                return !gone.flag
            }
        }
        let body = ResponseBody { writer in
            do {
                for await segment in events {
                    try await writer.write(ByteBuffer(string: "data: {\"type\":\"transcript.text.delta\",\"delta\":\(JSONWriter.quote(segment.text)),"
                                                      + "\"segment\":{\"id\":\(segment.id),\"start\":\(JSONWriter.number(segment.start)),\"end\":\(JSONWriter.number(segment.end))}}\n\n"))
                }
                let result = try await transcription.value
                meter(result)
                try await writer.write(ByteBuffer(string: "data: {\"type\":\"transcript.text.done\",\"text\":\(JSONWriter.quote(result.transcript.text)),\"usage\":\(usage)}\n\n"))
                try await writer.write(ByteBuffer(string: "data: [DONE]\n\n"))
                try await writer.finish(nil)
            } catch {
                gone.set()
                throw error
            }
        }
        return Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"], body: body)
    }

    static func transcriptionResponse(_ transcript: Transcript, format: String, task: TranscriptionOptions.Task, usage: String, requestedLanguage: String?,
                                      words: Bool = false) -> Response {
        func plain(_ text: String, _ type: String) -> Response {
            Response(status: .ok, headers: [.contentType: type], body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        switch format {
        case "text": return plain(transcript.text + "\n", "text/plain; charset=utf-8")
        case "srt":
            let cues = transcript.segments.enumerated().map { i, segment in
                "\(i + 1)\n\(subtitleTime(segment.start, comma: true)) --> \(subtitleTime(segment.end, comma: true))\n\(segment.text.trimmingCharacters(in: .whitespaces))\n"
            }
            return plain(cues.joined(separator: "\n"), "application/x-subrip; charset=utf-8")
        case "vtt":
            let cues = transcript.segments.map { segment in
                "\(subtitleTime(segment.start, comma: false)) --> \(subtitleTime(segment.end, comma: false))\n\(segment.text.trimmingCharacters(in: .whitespaces))\n"
            }
            return plain("WEBVTT\n\n" + cues.joined(separator: "\n"), "text/vtt; charset=utf-8")
        case "verbose_json":
            let segments = transcript.segments.map { segment in
                "{\"id\":\(segment.id),\"seek\":\(segment.seek),\"start\":\(JSONWriter.number(segment.start)),\"end\":\(JSONWriter.number(segment.end)),"
                    + "\"text\":\(JSONWriter.quote(segment.text)),\"tokens\":[\(segment.tokens.map(String.init).joined(separator: ","))],"
                    + "\"temperature\":\(JSONWriter.number(segment.temperature)),\"avg_logprob\":\(JSONWriter.number(segment.averageLogProbability)),"
                    + "\"compression_ratio\":\(JSONWriter.number(segment.compressionRatio)),\"no_speech_prob\":\(JSONWriter.number(segment.noSpeechProbability))}"
            }
            let language = Locale(identifier: "en_US").localizedString(forLanguageCode: transcript.language)?.lowercased() ?? transcript.language
            // OpenAI's words: trimmed text and times; the decoder's probability beside them.
            let timedWords = !words ? "" : ",\"words\":[" + transcript.segments.flatMap { $0.words ?? [] }.map { word in
                "{\"word\":\(JSONWriter.quote(word.word.trimmingCharacters(in: .whitespaces))),\"start\":\(JSONWriter.number(word.start)),"
                    + "\"end\":\(JSONWriter.number(word.end)),\"probability\":\(JSONWriter.number(word.probability.isFinite ? word.probability : 0))}"
            }.joined(separator: ",") + "]"
            return jsonResponse("{\"task\":\"\(task.rawValue)\",\"language\":\(JSONWriter.quote(language)),\"duration\":\(JSONWriter.number(transcript.duration)),"
                                + "\"text\":\(JSONWriter.quote(transcript.text)),\"segments\":[\(segments.joined(separator: ","))]\(timedWords),\"usage\":\(usage)}")
        default:
            return jsonResponse("{\"text\":\(JSONWriter.quote(transcript.text)),\"usage\":\(usage)}")
        }
    }

    /// `00:01:02,345` (SubRip) or `00:01:02.345` (WebVTT).
    static func subtitleTime(_ seconds: Double, comma: Bool) -> String {
        let milliseconds = Int((seconds * 1000).rounded())
        let (h, m, s, ms) = (milliseconds / 3_600_000, milliseconds / 60_000 % 60, milliseconds / 1000 % 60, milliseconds % 1000)
        return String(format: "%02d:%02d:%02d%@%03d", h, m, s, comma ? "," : ".", ms)
    }
}

/// A multipart/form-data body: each field's parts (a file keeps its bytes), read whole within
/// the upload limit.
struct FormData {
    struct Part { var bytes: [UInt8]; var filename: String? }
    var fields: [String: [Part]] = [:]

    func text(_ name: String) -> String? { fields[name]?.first.map { String(decoding: $0.bytes, as: UTF8.self) } }

    static func read(_ request: Request, _ context: APIContext) async throws -> FormData {
        let type = request.headers[.contentType] ?? ""
        guard type.lowercased().hasPrefix("multipart/form-data"),
              let boundary = type.split(separator: ";").map({ $0.trimmingCharacters(in: .whitespaces) }).first(where: { $0.lowercased().hasPrefix("boundary=") })
                .map({ String($0.dropFirst("boundary=".count)).trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }),
              !boundary.isEmpty, boundary.count <= 200 else {
            throw PlatformError.invalid(field: "body", message: "must be multipart/form-data with a boundary (a file field and the request's fields)")
        }
        let buffer = try await request.collectBody(context)
        var form = FormData()
        let parser = MultipartParser(boundary: boundary)
        var name: String?, filename: String?, body: [UInt8] = []
        var failure: PlatformError?
        parser.onHeader = { header, value in
            guard header.lowercased() == "content-disposition" else { return }
            for item in value.split(separator: ";").map({ $0.trimmingCharacters(in: .whitespaces) }) {
                if item.hasPrefix("name=") { name = String(item.dropFirst(5)).trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
                if item.hasPrefix("filename=") { filename = String(item.dropFirst(9)).trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
            }
        }
        parser.onBody = { chunk in body += chunk.readBytes(length: chunk.readableBytes) ?? [] }
        parser.onPartComplete = {
            if let name {
                if form.fields.count >= 32 || (form.fields[name]?.count ?? 0) >= 16 { failure = .invalid(field: "body", message: "too many form fields") }
                form.fields[name, default: []].append(Part(bytes: body, filename: filename))
            } else {
                failure = .invalid(field: "body", message: "a form part has no name (Content-Disposition: form-data; name=…)")
            }
            (name, filename, body) = (nil, nil, [])
        }
        do { try parser.execute(buffer) } catch {
            throw PlatformError.invalid(field: "body", message: "is not well-formed multipart/form-data")
        }
        if let failure { throw failure }
        guard !form.fields.isEmpty else { throw PlatformError.invalid(field: "body", message: "holds no form fields (is the boundary right?)") }
        return form
    }
}
