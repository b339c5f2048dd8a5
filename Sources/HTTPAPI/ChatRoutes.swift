import Foundation
import Hummingbird
import LanguageModels
import Platform

/// OpenAI-compatible text generation: `POST /v1/chat/completions` and `POST /v1/completions`,
/// JSON or Server-Sent Events (`stream: true`, chunks then `data: [DONE]`). A client that
/// disconnects stops its generation.
extension APIServer {
    static let chatFields: Set<String> = ["model", "messages", "temperature", "top_p", "top_k", "max_tokens", "max_completion_tokens", "stop",
                                          "seed", "stream", "stream_options", "n", "user", "presence_penalty", "frequency_penalty", "logprobs", "top_logprobs"]
    static let completionFields: Set<String> = chatFields.subtracting(["messages", "max_completion_tokens", "top_logprobs"]).union(["prompt", "echo"])

    static func addChatRoutes(_ api: RouterGroup<APIContext>, _ s: PlatformServices, _ catalog: RouteCatalog) {
        api.route(.POST, "/v1/chat/completions", catalog) { request, context in
            try await generate(s, request, context, chat: true)
        }
        api.route(.POST, "/v1/completions", catalog) { request, context in
            try await generate(s, request, context, chat: false)
        }
    }

    /// OpenAI's shapes: chat `{"content": [{token, logprob, bytes, top_logprobs}]}`; completions
    /// `{tokens, token_logprobs, top_logprobs: [{token: logprob}], text_offset}`.
    /// `textOffset`: where the first entry's text starts in the completion; advanced past the
    /// entries' text, so streamed chunks continue the count.
    static func logprobsJSON(_ entries: [TokenLogprob], tokenizer: BytePairTokenizer, chat: Bool, textOffset: inout Int) -> String {
        func text(_ token: Int32) -> (json: String, bytes: [UInt8]) {
            let bytes = tokenizer.bytes(of: token)
            return (JSONWriter.quote(String(decoding: bytes, as: UTF8.self)), bytes)
        }
        if chat {
            func item(_ token: Int32, _ logprob: Float) -> String {
                let (json, bytes) = text(token)
                return "\"token\":\(json),\"logprob\":\(JSONWriter.number(logprob)),\"bytes\":[\(bytes.map(String.init).joined(separator: ","))]"
            }
            let content = entries.map { entry in
                "{" + item(entry.token, entry.logprob) + ",\"top_logprobs\":[" + entry.top.map { "{" + item($0.token, $0.logprob) + "}" }.joined(separator: ",") + "]}"
            }
            return "{\"content\":[" + content.joined(separator: ",") + "],\"refusal\":null}"
        }
        var offsets: [String] = []
        for entry in entries {
            offsets.append(String(textOffset))
            textOffset += String(decoding: tokenizer.bytes(of: entry.token), as: UTF8.self).count
        }
        let tops = entries.map { entry in "{" + entry.top.map { "\(text($0.token).json):\(JSONWriter.number($0.logprob))" }.joined(separator: ",") + "}" }
        return "{\"tokens\":[" + entries.map { text($0.token).json }.joined(separator: ",") + "],\"token_logprobs\":["
            + entries.map { JSONWriter.number($0.logprob) }.joined(separator: ",") + "],\"top_logprobs\":[" + tops.joined(separator: ",")
            + "],\"text_offset\":[" + offsets.joined(separator: ",") + "]}"
    }

    static func generate(_ s: PlatformServices, _ request: Request, _ context: APIContext, chat: Bool) async throws -> Response {
        let caller = try context.caller()
        try caller.require(.infer)
        let body = try await request.json(context).fields(chat ? chatFields : completionFields)
        let name = try body.requiredString("model")
        let target = try await s.endpoints.target(for: caller, endpoint: name)
        guard let llm = target.model.language, let queue = target.batcher.generation else {
            throw PlatformError.invalid(field: "model", message: "'\(name)' serves a \(target.model.kind) model, not a language model")
        }
        let prompt: String
        if chat {
            guard let items = body["messages"]?.elements, !items.isEmpty else {
                throw PlatformError.invalid(field: "messages", message: "is required: a non-empty list of {role, content}")
            }
            prompt = llm.chatPrompt(try items.enumerated().map { i, item in
                let fields = try item.fields(["role", "content", "name"], at: "messages[\(i)]")
                guard let role = fields["role"]?.string, ["system", "user", "assistant", "developer"].contains(role) else {
                    throw PlatformError.invalid(field: "messages[\(i)].role", message: "must be system, developer, user or assistant")
                }
                // Content is a string, or a list of {type: "text", text} parts.
                if let text = fields["content"]?.string { return (role == "developer" ? "system" : role, text) }
                if let parts = fields["content"]?.elements {
                    let texts = parts.compactMap { $0["type"]?.string == "text" ? $0["text"]?.string : nil }
                    guard texts.count == parts.count else { throw PlatformError.invalid(field: "messages[\(i)].content", message: "only text parts are supported") }
                    return (role == "developer" ? "system" : role, texts.joined())
                }
                throw PlatformError.invalid(field: "messages[\(i)].content", message: "is required: a string or a list of text parts")
            })
        } else {
            switch body["prompt"] {
            case .string(let text)?: prompt = text
            case let value? where value.elements?.count == 1 && value.elements?[0].string != nil: prompt = value.elements![0].string!
            default: throw PlatformError.invalid(field: "prompt", message: "is required: a string (one prompt per request)")
            }
        }
        var options = SamplingOptions()
        func number(_ key: String, in range: ClosedRange<Double>) throws -> Double? {
            guard let value = body[key], value != .null else { return nil }
            guard let n = value.number, range.contains(n) else {
                throw PlatformError.invalid(field: key, message: "must be a number from \(range.lowerBound) to \(range.upperBound)")
            }
            return n
        }
        options.temperature = Float(try number("temperature", in: 0...2) ?? 1)
        options.topP = Float(try number("top_p", in: 0.000_001...1) ?? 1)
        options.topK = Int(try number("top_k", in: 0...1000) ?? 0)
        options.maxTokens = Int(try number("max_completion_tokens", in: 1...32_768) ?? number("max_tokens", in: 1...32_768) ?? 256)
        if let seed = try number("seed", in: 0...9.0e15) { options.seed = UInt64(seed) }
        if try number("n", in: 1...1) == nil, body["n"] != nil { throw PlatformError.invalid(field: "n", message: "only 1 choice per request") }
        for key in ["presence_penalty", "frequency_penalty"] where (try number(key, in: -2...2) ?? 0) != 0 {
            throw PlatformError.invalid(field: key, message: "penalties are not supported; leave it at 0")
        }
        switch body["stop"] {
        case nil, .null?: break
        case .string(let text)?: options.stop = [text]
        case let value?:
            guard let stops = value.elements?.compactMap(\.string), stops.count == value.elements?.count, stops.count <= 4 else {
                throw PlatformError.invalid(field: "stop", message: "must be a string or a list of up to 4 strings")
            }
            options.stop = stops
        }
        let stream = body["stream"] == .bool(true)
        // Log-probabilities: chat asks with logprobs: true and top_logprobs (0-20 alternatives),
        // completions with logprobs: N (0-5), as OpenAI's API does.
        if chat {
            switch body["logprobs"] {
            case nil, .null?, .bool(false)?: break
            case .bool(true)?: options.logprobs = 0
            default: throw PlatformError.invalid(field: "logprobs", message: "must be true or false")
            }
            if let n = try number("top_logprobs", in: 0...20) {
                guard options.logprobs != nil else { throw PlatformError.invalid(field: "top_logprobs", message: "needs logprobs: true") }
                guard n == n.rounded() else { throw PlatformError.invalid(field: "top_logprobs", message: "must be an integer from 0 to 20") }
                options.logprobs = Int(n)
            }
        } else if let n = try number("logprobs", in: 0...5) {
            guard n == n.rounded() else { throw PlatformError.invalid(field: "logprobs", message: "must be an integer from 0 to 5") }
            options.logprobs = Int(n)
        }
        // Completions' echo: the prompt comes back in front of the generated text.
        let echo = !chat && body["echo"] == .bool(true)
        if echo && options.logprobs != nil {
            throw PlatformError.invalid(field: "echo", message: "is not supported together with logprobs (the prompt's tokens get no log-probabilities)")
        }
        let includeUsage = body["stream_options"]?["include_usage"] == .bool(true)
        let tokens = llm.promptTokens(prompt)
        let id = (chat ? "chatcmpl-" : "cmpl-") + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(24).lowercased()
        let created = Int(Date().timeIntervalSince1970)
        let object = chat ? "chat.completion" : "text_completion"
        @Sendable func usageJSON(_ r: GenerationResult) -> String {
            "{\"prompt_tokens\":\(r.promptTokens),\"completion_tokens\":\(r.completionTokens),\"total_tokens\":\(r.promptTokens + r.completionTokens)}"
        }
        let started = DispatchTime.now().uptimeNanoseconds
        let firstPiece = FirstPieceClock()
        @Sendable func meter(_ r: GenerationResult) {
            s.usage.record(project: caller.project, keyID: caller.keyID, promptTokens: r.promptTokens, completionTokens: r.completionTokens)
            s.rateLimiter.charge(keyID: caller.keyID, limits: caller.limits, tokens: r.promptTokens + r.completionTokens)
            s.metrics.recordGeneration(project: caller.project, endpoint: name, version: target.version.version, promptTokens: r.promptTokens,
                                       completionTokens: r.completionTokens, seconds: Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9,
                                       firstTokenSeconds: firstPiece.seconds(since: started))
        }

        guard stream else {
            let result = try await queue.submit(prompt: tokens, options: options) { _ in firstPiece.mark(); return true }
            meter(result)
            var textOffset = 0
            let logprobs = options.logprobs == nil ? "null" : logprobsJSON(result.logprobs, tokenizer: llm.tokenizer, chat: chat, textOffset: &textOffset)
            let choice = chat
                ? "{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\(JSONWriter.quote(result.text))},\"logprobs\":\(logprobs),\"finish_reason\":\"\(result.finish.rawValue)\"}"
                : "{\"index\":0,\"text\":\(JSONWriter.quote(echo ? prompt + result.text : result.text)),\"logprobs\":\(logprobs),\"finish_reason\":\"\(result.finish.rawValue)\"}"
            return jsonResponse("{\"id\":\"\(id)\",\"object\":\"\(object)\",\"created\":\(created),\"model\":\(JSONWriter.quote(name)),"
                                + "\"choices\":[\(choice)],\"usage\":\(usageJSON(result))}")
        }
        // Streaming: pieces (and log-probabilities, when asked for) flow from the generation thread
        // through an AsyncStream to the socket; a chunk carries the log-probabilities of the
        // tokens generated since the previous one.
        let (events, sink) = AsyncStream.makeStream(of: StreamEvent.self, bufferingPolicy: .unbounded)
        let sampling = options, wantsLogprobs = options.logprobs != nil
        let gone = ClientGone()
        let generation = Task {
            defer { sink.finish() }
            return try await queue.submit(prompt: tokens, options: sampling, onPiece: { piece in
                firstPiece.mark()
                sink.yield(.piece(piece))
                return !gone.flag
            }, onLogprob: { sink.yield(.logprob($0)) })
        }
        let chunkObject = chat ? "chat.completion.chunk" : "text_completion"
        @Sendable func chunk(_ choice: String, usage: String = "null") -> ByteBuffer {
            ByteBuffer(string: "data: {\"id\":\"\(id)\",\"object\":\"\(chunkObject)\",\"created\":\(created),\"model\":\(JSONWriter.quote(name)),"
                       + "\"choices\":[\(choice)]" + (usage == "null" ? "" : ",\"usage\":\(usage)") + "}\n\n")
        }
        let tokenizer = llm.tokenizer
        let responseBody = ResponseBody { writer in
            var pendingLogprobs: [TokenLogprob] = [], textOffset = 0
            /// `,"logprobs":…` for the tokens since the last chunk (chat leaves it out when not asked for).
            func takeLogprobs() -> String {
                guard wantsLogprobs else { return chat ? "" : ",\"logprobs\":null" }
                defer { pendingLogprobs = [] }
                return ",\"logprobs\":" + logprobsJSON(pendingLogprobs, tokenizer: tokenizer, chat: chat, textOffset: &textOffset)
            }
            do {
                if chat { try await writer.write(chunk("{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}")) }
                if echo { try await writer.write(chunk("{\"index\":0,\"text\":\(JSONWriter.quote(prompt)),\"logprobs\":null,\"finish_reason\":null}")) }
                for await event in events {
                    guard case .piece(let piece) = event else {
                        if case .logprob(let entry) = event { pendingLogprobs.append(entry) }
                        continue
                    }
                    let choice = chat ? "{\"index\":0,\"delta\":{\"content\":\(JSONWriter.quote(piece))}\(takeLogprobs()),\"finish_reason\":null}"
                        : "{\"index\":0,\"text\":\(JSONWriter.quote(piece))\(takeLogprobs()),\"finish_reason\":null}"
                    try await writer.write(chunk(choice))
                }
                let result = try await generation.value
                meter(result)
                // Tokens whose text never showed (a stop sequence cut it) keep their log-probabilities here.
                let rest = pendingLogprobs.isEmpty ? (chat ? "" : ",\"logprobs\":null") : takeLogprobs()
                let last = chat ? "{\"index\":0,\"delta\":{}\(rest),\"finish_reason\":\"\(result.finish.rawValue)\"}"
                    : "{\"index\":0,\"text\":\"\"\(rest),\"finish_reason\":\"\(result.finish.rawValue)\"}"
                try await writer.write(chunk(last))
                if includeUsage {
                    try await writer.write(ByteBuffer(string: "data: {\"id\":\"\(id)\",\"object\":\"\(chunkObject)\",\"created\":\(created),"
                                                      + "\"model\":\(JSONWriter.quote(name)),\"choices\":[],\"usage\":\(usageJSON(result))}\n\n"))
                }
                try await writer.write(ByteBuffer(string: "data: [DONE]\n\n"))
                try await writer.finish(nil)
            } catch {
                // The client went away (or the write failed): stop generating for it.
                gone.set()
                throw error
            }
        }
        return Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"], body: responseBody)
    }
}

/// What the generation thread sends a streaming response.
enum StreamEvent: Sendable {
    case piece(String)
    case logprob(TokenLogprob)
}

/// Set when a streaming client disconnects; read by the generation thread before each token.
final class ClientGone: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var flag: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
}

/// When the first piece of text was generated (time to first token).
final class FirstPieceClock: @unchecked Sendable {
    private let lock = NSLock()
    private var at: UInt64?
    func mark() { lock.withLock { if at == nil { at = DispatchTime.now().uptimeNanoseconds } } }
    func seconds(since start: UInt64) -> Double? { lock.withLock { at.map { Double($0 - start) / 1e9 } } }
}
