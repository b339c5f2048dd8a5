import Hummingbird
import NIOConcurrencyHelpers
import NIOCore
import Platform

/// Request context carrying the authenticated principal (set by `Authentication`).
public struct APIContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var principal: Principal?
    /// The connection, so a refused oversized or trickled body can end it (see ErrorResponses).
    let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }

    /// Uploads and tensor payloads; larger bodies get 413 with the limit.
    public var maxUploadSize: Int { APIServer.maximumBodyBytes }

    func caller() throws -> Principal {
        guard let principal else { throw PlatformError.unauthenticated("missing API key") }
        return principal
    }
}

/// Every route except the health checks needs a live API key, and counts against the key's
/// quota. Keys with limits get OpenAI's `x-ratelimit-*` headers on every response.
struct Authentication: RouterMiddleware {
    let keys: KeyRing
    let limiter: RateLimiter
    let audit: AuditLog

    func handle(_ request: Request, context: APIContext, next: (Request, APIContext) async throws -> Response) async throws -> Response {
        var context = context
        let principal: Principal
        do {
            principal = try await keys.authenticate(authorization: request.headers[.authorization])
        } catch {
            // Who was refused: the key id a token names (never the secret), else anonymous.
            try? await audit.record(actor: KeyRing.claimedKeyID(authorization: request.headers[.authorization]) ?? "anonymous", project: "",
                                    action: "request.denied", resource: "\(request.method.rawValue) \(request.uri.path)",
                                    requestID: context.id, outcome: "401")
            throw error
        }
        context.principal = principal
        RequestTracing.tag(project: principal.project)
        let remaining = try limiter.admit(keyID: principal.keyID, limits: principal.limits)
        var response = try await next(request, context)
        if let limit = remaining.limits.requestsPerMinute, let left = remaining.requests {
            response.headers[.init("x-ratelimit-limit-requests")!] = String(limit)
            response.headers[.init("x-ratelimit-remaining-requests")!] = String(left)
        }
        if let limit = remaining.limits.tokensPerMinute, let left = remaining.tokens {
            response.headers[.init("x-ratelimit-limit-tokens")!] = String(limit)
            response.headers[.init("x-ratelimit-remaining-tokens")!] = String(left)
        }
        return response
    }
}

/// Denied requests of authenticated callers (403, and 404 on resources outside the caller's
/// project, which look the same as missing ones) go to the audit trail.
struct AuditDenials: RouterMiddleware {
    let audit: AuditLog

    func handle(_ request: Request, context: APIContext, next: (Request, APIContext) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let (status, _, _) = ErrorResponses.describe(error)
            if status == .forbidden || status == .notFound, let caller = context.principal {
                try? await audit.record(actor: caller.keyID, project: caller.project, action: "request.denied",
                                        resource: "\(request.method.rawValue) \(request.uri.path)", requestID: context.id, outcome: String(status.code))
            }
            throw error
        }
    }
}

extension APIContext {
    /// Records a security-relevant action of this request's caller.
    func audit(_ s: PlatformServices, _ action: String, _ resource: String) async throws {
        let caller = try caller()
        try await s.audit.record(actor: caller.keyID, project: caller.project, action: action, resource: resource, requestID: id)
    }
}

extension InferenceEndpoints {
    /// The model serving `endpoint` for this caller: its project's, and within its key's scope.
    func target(for caller: Principal, endpoint: String, version: Int? = nil) async throws -> Target {
        try caller.requireEndpoint(endpoint)
        return try await target(project: caller.project, endpoint: endpoint, version: version)
    }
}

/// The one place where errors become HTTP responses: a status and a JSON body naming the
/// field and the limit. Every response carries the request id that the log line shows.
struct ErrorResponses: RouterMiddleware {
    func handle(_ request: Request, context: APIContext, next: (Request, APIContext) async throws -> Response) async throws -> Response {
        let requestID = context.id
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            let (status, code, message) = Self.describe(error)
            if status == .internalServerError {
                // Our own errors name objects and fields, never values; anything else is logged by
                // type only, since its text could quote a request body or data.
                let text = error is SealedError || error is PlatformError ? "\(error)" : String(describing: type(of: error))
                context.logger.error("request failed", metadata: ["error": "\(code): \(text)", "path": "\(request.uri.path)"])
            }
            var body = "{\"error\":{\"code\":\(JSONWriter.quote(code)),\"message\":\(JSONWriter.quote(message))"
            if case PlatformError.invalid(let field, _) = error { body += ",\"field\":\(JSONWriter.quote(field))" }
            body += "},\"request_id\":\(JSONWriter.quote(requestID))}"
            response = jsonResponse(body, status: status)
            if status == .unauthorized { response.headers[.wwwAuthenticate] = "Bearer" }
            // The unread rest of a refused body is not worth draining (a client could declare
            // 100 MB and send nothing): the connection ends once the answer is out.
            if status == .contentTooLarge || status == .requestTimeout {
                response.headers[.connection] = "close"
                let channel = context.channel
                channel.eventLoop.scheduleTask(in: .milliseconds(250)) { channel.close(promise: nil) }
            }
            if let seconds = (error as? PlatformError)?.retryAfter { response.headers[.retryAfter] = String(seconds) }
            if let http = error as? HTTPError { for field in http.headers { response.headers.append(field) } }
        }
        response.headers[.init("x-request-id")!] = requestID
        return response
    }

    static func describe(_ error: any Error) -> (HTTPResponse.Status, String, String) {
        switch error {
        case let e as PlatformError:
            switch e {
            case .unauthenticated: return (.unauthorized, "unauthenticated", e.description)
            case .forbidden: return (.forbidden, "forbidden", e.description)
            case .notFound: return (.notFound, "not_found", e.description)
            case .invalid: return (.badRequest, "invalid", e.description)
            case .conflict: return (.conflict, "conflict", e.description)
            case .payloadTooLarge: return (.contentTooLarge, "too_large", e.description)
            case .overloaded: return (.tooManyRequests, "overloaded", e.description)
            case .rateLimited: return (.tooManyRequests, "rate_limit_exceeded", e.description)
            case .unavailable: return (.serviceUnavailable, "unavailable", e.description)
            case .deadlineExceeded: return (.gatewayTimeout, "deadline_exceeded", e.description)
            }
        case let e as WireJSONError: return (.badRequest, "invalid_json", e.description)
        case let e as SealedError:
            // Stored data that fails authentication is reported by name, never read; an erased
            // object is gone for good.
            if case .erased = e { return (.gone, "erased", e.description) }
            return (.internalServerError, "integrity_error", e.description)
        case let e as HTTPError:
            return (e.status, e.status == .notFound ? "not_found" : "http_error", e.body ?? e.status.reasonPhrase)
        default: return (.internalServerError, "internal", "internal error; see the server log for this request id")
        }
    }
}

func jsonResponse(_ body: String, status: HTTPResponse.Status = .ok) -> Response {
    Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: body)))
}

extension Request {
    /// The whole body, bounded by the context's upload limit; an empty body is an error.
    func collectBody(_ context: APIContext, limit: Int? = nil) async throws -> ByteBuffer {
        let limit = limit ?? context.maxUploadSize
        // A declared length over the limit is refused before a byte of the body is read.
        if let declared = headers[.contentLength].flatMap({ Int($0) }), declared > limit { throw PlatformError.payloadTooLarge(limit: limit) }
        // A client trickling its body (slowloris) is cut off at the body timeout.
        let seconds = APIServer.bodyTimeoutSeconds
        let deadline = ConnectionDeadline(channel: context.channel, seconds: seconds)
        defer { deadline.cancel() }
        let collected = try? await body.collect(upTo: limit)
        if deadline.passed {
            throw HTTPError(.requestTimeout, headers: [.connection: "close"], message: "the request body did not arrive within \(Int(seconds)) s")
        }
        guard let buffer = collected else { throw PlatformError.payloadTooLarge(limit: limit) }
        guard buffer.readableBytes > 0 else { throw PlatformError.invalid(field: "body", message: "a JSON body is required") }
        return buffer
    }

    /// The body parsed as JSON, bounded by the context's upload limit.
    func json(_ context: APIContext) async throws -> WireJSON {
        let buffer = try await collectBody(context)
        return try buffer.withUnsafeReadableBytes { raw in try WireJSONParser.parse(raw.bindMemory(to: UInt8.self)) }
    }
}

extension WireJSON {
    /// The object's fields, refusing any not in `allowed` (so typos are errors, not silence).
    func fields(_ allowed: Set<String>, at path: String = "body") throws -> [String: WireJSON] {
        guard let object else { throw PlatformError.invalid(field: path, message: "expected a JSON object") }
        for key in object.keys where !allowed.contains(key) {
            throw PlatformError.invalid(field: path == "body" ? key : "\(path).\(key)", message: "unknown field; allowed: \(allowed.sorted().joined(separator: ", "))")
        }
        return object
    }
}

extension Dictionary where Key == String, Value == WireJSON {
    func requiredString(_ key: String) throws -> String {
        guard let value = self[key]?.string, !value.isEmpty else { throw PlatformError.invalid(field: key, message: "is required (a string)") }
        return value
    }
}

/// Closes a connection unless cancelled within `seconds`: an event-loop timer, which costs
/// nothing once cancelled. (Not a sleeping Task per request: a cancelled Task.sleep keeps its
/// memory until its deadline, which at thousands of requests a second held hundreds of MB.)
struct ConnectionDeadline {
    private let timer: Scheduled<Void>
    private let fired: NIOLockedValueBox<Bool>

    init(channel: any Channel, seconds: Double) {
        let fired = NIOLockedValueBox(false)
        timer = channel.eventLoop.scheduleTask(in: .nanoseconds(Int64(seconds * 1e9))) {
            fired.withLockedValue { $0 = true }
            channel.close(promise: nil)
        }
        self.fired = fired
    }

    /// Whether the deadline passed and the connection was closed.
    var passed: Bool { fired.withLockedValue { $0 } }

    func cancel() { timer.cancel() }
}

/// A streamed request body (dataset and archive uploads) that closes the connection when no
/// byte arrives for the body timeout: a stalled upload cannot hold a handler forever. The
/// timer lives on the connection's event loop and is cancelled as each chunk arrives.
struct StallGuardedBody<Base: AsyncSequence>: AsyncSequence where Base.Element == ByteBuffer {
    typealias Element = ByteBuffer
    let base: Base
    let channel: any Channel
    let seconds: Double

    struct AsyncIterator: AsyncIteratorProtocol {
        var base: Base.AsyncIterator
        let channel: any Channel
        let seconds: Double

        mutating func next() async throws -> ByteBuffer? {
            let deadline = ConnectionDeadline(channel: channel, seconds: seconds)
            defer { deadline.cancel() }
            do {
                return try await base.next()
            } catch where deadline.passed {
                // Said as what it is (the log would otherwise show the parser's complaint as a 500).
                throw HTTPError(.requestTimeout, message: "the upload stalled for \(Int(seconds)) s")
            }
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(base: base.makeAsyncIterator(), channel: channel, seconds: seconds) }
}

extension Request {
    /// The body chunk by chunk, cut off when it stalls for the body timeout (see StallGuardedBody).
    func streamedBody(_ context: APIContext) -> StallGuardedBody<RequestBody> {
        StallGuardedBody(base: body, channel: context.channel, seconds: APIServer.bodyTimeoutSeconds)
    }
}
