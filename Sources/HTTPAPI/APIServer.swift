import Datasets
import Foundation
import Hummingbird
import HummingbirdCore
import LanguageModels
import Logging
import Platform
import ServiceLifecycle

/// Builds the HTTP application over platform services. Routes only translate wire formats
/// into Platform calls and back.
public enum APIServer {
    /// Largest accepted request body.
    public static let maximumBodyBytes = 64 << 20
    /// Seconds a keep-alive connection may wait between requests before the server closes it
    /// (idle connections would otherwise hold file descriptors forever).
    public static let idleTimeoutSeconds = Int64(ProcessInfo.processInfo.environment["MAAS_IDLE_TIMEOUT_SECONDS"] ?? "").flatMap { $0 > 0 ? $0 : nil } ?? 60
    /// Seconds a client has to deliver a JSON request body, and the longest a streamed upload may
    /// stall between chunks; past it the connection is closed.
    public static let bodyTimeoutSeconds = Double(ProcessInfo.processInfo.environment["MAAS_BODY_TIMEOUT_SECONDS"] ?? "")
        .flatMap { $0 > 0 && $0 <= 86_400 ? $0 : nil } ?? 30

    /// The server's version (ServerMetadata over gRPC).
    public static let version = "0.1.0"

    /// The server over `services`; with `tls`, HTTPS only (TLS 1.2 or later, client
    /// certificates when the configuration asks for them). With `grpcPort`, the KServe v2 /
    /// Triton gRPC inference protocol on that port as well (TLS with the same files);
    /// `alongside` runs with the server (the trace exporter).
    public static func application(services: PlatformServices, host: String, port: Int, logger: Logger, tls: ServerTLS? = nil,
                                   grpcPort: Int? = nil, alongside: [any Service] = [], onRunning: @escaping @Sendable (Int) async -> Void = { _ in },
                                   onGRPCRunning: @escaping @Sendable (Int) async -> Void = { _ in }) throws -> some ApplicationProtocol {
        let router = makeRouter(services, RouteCatalog())
        let http1 = HTTP1Channel.Configuration(idleTimeout: .seconds(idleTimeoutSeconds))
        var background: [any Service] = [BackgroundWork(services: services)] + alongside
        if let grpcPort {
            background.append(GRPCInferenceServer(services: services, host: host, port: grpcPort, tls: tls, onListening: onGRPCRunning))
        }
        return Application(router: router, server: try tls.map { try .tls(.http1(configuration: http1), tlsConfiguration: $0.configuration) } ?? .http1(configuration: http1),
                           configuration: .init(address: .hostname(host, port: port), serverName: "SwiftMaaS"),
                           services: background, onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) }, logger: logger)
    }

    /// Work beside the request handlers, started and stopped with the server: the training
    /// worker pool (on graceful shutdown a running job stays resumable from its checkpoint),
    /// writing usage counts to the store every few seconds and at shutdown, and, on a store
    /// several nodes share, following the keys and deployments other nodes change.
    struct BackgroundWork: Service {
        let services: PlatformServices
        func run() async throws {
            try await services.jobs.start()
            let usage = services.usage
            let follower = Task { [services] in await services.followSharedChanges() }
            defer { follower.cancel() }
            try? await cancelWhenGracefulShutdown {
                while !Task.isCancelled {
                    try await Task.sleep(for: .seconds(5))
                    try? await usage.flush()
                    try? await services.drift.flush()
                }
            }
            await services.jobs.shutdown()
            try? await services.usage.flush()
            try? await services.drift.flush()
        }
    }

    /// Every route the server registers, as "METHOD /path" (the OpenAPI document must list each).
    public static func registeredRoutes(services: PlatformServices) -> [String] {
        let catalog = RouteCatalog()
        _ = makeRouter(services, catalog)
        return catalog.routes
    }

    /// The OpenAPI 3.1 document of this API (Sources/HTTPAPI/openapi.json).
    public static let openAPIDocument: String = {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "json"),
              let text = try? String(contentsOf: url, encoding: .utf8) else { return "{}" }
        return text
    }()

    static func makeRouter(_ services: PlatformServices, _ catalog: RouteCatalog) -> Router<APIContext> {
        let router = Router(context: APIContext.self, options: .autoGenerateHeadEndpoints)
        if RequestTracing.enabled {
            router.add(middleware: TracingMiddleware())
            router.add(middleware: TraceparentResponse())
        }
        router.add(middleware: RequestLog(metrics: services.metrics))
        router.add(middleware: ErrorResponses())
        router.add(middleware: MethodNotAllowed(catalog: catalog))
        router.route(.GET, "/v2/health/live", catalog) { _, _ in jsonResponse("{\"live\":true}") }
        router.route(.GET, "/v2/health/ready", catalog) { _, _ in jsonResponse("{\"ready\":true}") }
        addConsoleRoutes(router)

        let api = router.group().add(middleware: Authentication(keys: services.keys, limiter: services.rateLimiter, audit: services.audit))
            .add(middleware: AuditDenials(audit: services.audit))
        api.route(.GET, "/openapi.json", catalog) { _, context in
            _ = try context.caller()
            return jsonResponse(openAPIDocument)
        }
        addKeyRoutes(api, services, catalog)
        addModelRoutes(api, services, catalog)
        addDatasetRoutes(api, services, catalog)
        addInferenceRoutes(api, services, catalog)
        addExplainRoute(api, services, catalog)
        addRecommendationRoutes(api, services, catalog)
        addForecastRoutes(api, services, catalog)
        addAudioRoutes(api, services, catalog)
        addDriftRoutes(api, services, catalog)
        addShadowRoutes(api, services, catalog)
        addJobRoutes(api, services, catalog)
        addOperationsRoutes(api, services, catalog)
        addOpenAIRoutes(api, services, catalog)
        addChatRoutes(api, services, catalog)
        addTrustRoutes(api, services, catalog)
        return router
    }

    // MARK: Keys

    static func keyJSON(_ r: APIKeyRecord) -> String {
        "{\"id\":\(JSONWriter.quote(r.id)),\"project\":\(JSONWriter.quote(r.project)),\"role\":\(JSONWriter.quote(r.role.rawValue)),"
            + "\"name\":\(JSONWriter.quote(r.name)),\"created_at\":\(JSONWriter.quote(r.createdAt.formatted(.iso8601))),"
            + "\"revoked\":\(r.revokedAt != nil),\"limits\":\(limitsJSON(r.limits)),"
            + "\"expires_at\":\(r.expiresAt.map { JSONWriter.quote($0.formatted(.iso8601)) } ?? "null"),"
            + "\"endpoints\":\(r.endpoints.map { "[" + $0.map(JSONWriter.quote).joined(separator: ",") + "]" } ?? "null")}"
    }

    /// An RFC 3339 time (`2027-01-31T12:00:00Z`, fractional seconds and offsets allowed).
    static func parseTime(_ value: WireJSON?, field: String) throws -> Date? {
        guard let value, value != .null else { return nil }
        guard let text = value.string, let date = parseRFC3339(text) else {
            throw PlatformError.invalid(field: field, message: "must be an RFC 3339 time such as \"2027-01-31T12:00:00Z\"")
        }
        return date
    }

    /// RFC 3339 §5.6 `date-time`, parsed by hand: Foundation's ISO 8601 style refuses valid
    /// offsets such as -21:07 and lowercase `t`/`z`. Leap seconds (:60) count as :59.
    public static func parseRFC3339(_ text: String) -> Date? {
        let b = Array(text.utf8)
        func digits(_ at: Int, _ count: Int) -> Int? {
            guard at + count <= b.count else { return nil }
            var value = 0
            for i in at..<(at + count) { guard (48...57).contains(b[i]) else { return nil }; value = value * 10 + Int(b[i] - 48) }
            return value
        }
        guard b.count >= 20, let year = digits(0, 4), b[4] == 45, let month = digits(5, 2), b[7] == 45, let day = digits(8, 2),
              b[10] == 84 || b[10] == 116, let hour = digits(11, 2), b[13] == 58, let minute = digits(14, 2), b[16] == 58,
              let second = digits(17, 2), (1...12).contains(month), hour < 24, minute < 60, second <= 60 else { return nil }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        guard (1...days).contains(day) else { return nil }
        var i = 19, fraction = 0.0
        if i < b.count, b[i] == 46 {
            i += 1
            var scale = 0.1, any = false
            while i < b.count, (48...57).contains(b[i]) { fraction += Double(b[i] - 48) * scale; scale /= 10; i += 1; any = true }
            guard any else { return nil }
        }
        guard i < b.count else { return nil }
        var offset = 0
        if b[i] == 90 || b[i] == 122 {
            i += 1
        } else if b[i] == 43 || b[i] == 45, let h = digits(i + 1, 2), i + 3 < b.count, b[i + 3] == 58, let m = digits(i + 4, 2), h < 24, m < 60 {
            offset = (b[i] == 45 ? -1 : 1) * (h * 3600 + m * 60)
            i += 6
        } else {
            return nil
        }
        guard i == b.count else { return nil }
        // Days from 1970-01-01 (Howard Hinnant's days_from_civil).
        let y = month <= 2 ? year - 1 : year, era = (y >= 0 ? y : y - 399) / 400, yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1, doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let epochDays = era * 146_097 + doe - 719_468
        let seconds = Double(epochDays * 86_400 + hour * 3600 + minute * 60 + min(second, 59) - offset) + fraction
        return Date(timeIntervalSince1970: seconds)
    }

    /// `["fashion", "wine"]`: the endpoints a key may call.
    static func parseEndpoints(_ value: WireJSON?) throws -> [String]? {
        guard let value, value != .null else { return nil }
        guard let items = value.elements, items.allSatisfy({ $0.string != nil }) else {
            throw PlatformError.invalid(field: "endpoints", message: "must be an array of endpoint names")
        }
        return items.compactMap(\.string)
    }

    static func limitsJSON(_ l: RateLimits) -> String {
        "{\"requests_per_minute\":\(l.requestsPerMinute.map(String.init) ?? "null"),\"tokens_per_minute\":\(l.tokensPerMinute.map(String.init) ?? "null")}"
    }

    /// `{"requests_per_minute": N|null, "tokens_per_minute": N|null}` over `base`: a missing
    /// field keeps the base's value, null removes that limit. Whole numbers only here; the range
    /// is `RateLimits.validated`'s, which the key ring applies.
    static func parseLimits(_ value: WireJSON?, over base: RateLimits) throws -> RateLimits {
        guard let value, value != .null else { return base }
        let fields = try value.fields(["requests_per_minute", "tokens_per_minute"], at: "limits")
        var limits = base
        func limit(_ key: String) throws -> Int?? {
            guard let field = fields[key] else { return .none }
            if field == .null { return .some(nil) }
            guard let n = field.number.flatMap({ Int(exactly: $0) }) else {
                throw PlatformError.invalid(field: "limits.\(key)", message: "must be an integer from 1 to \(RateLimits.maximum) (or null for no limit)")
            }
            return .some(n)
        }
        if let rpm = try limit("requests_per_minute") { limits.requestsPerMinute = rpm }
        if let tpm = try limit("tokens_per_minute") { limits.tokensPerMinute = tpm }
        return limits
    }

    static func addKeyRoutes(_ api: RouterGroup<APIContext>, _ s: PlatformServices, _ catalog: RouteCatalog) {
        api.route(.POST, "/v1/keys", catalog) { request, context in
            let caller = try context.caller()
            try caller.require(.manageKeys)
            let body = try await request.json(context).fields(["role", "name", "limits", "expires_at", "endpoints"])
            let roleName = try body.requiredString("role")
            guard let role = Role(rawValue: roleName) else {
                throw PlatformError.invalid(field: "role", message: "must be one of \(Role.allCases.map(\.rawValue).joined(separator: ", ")); got '\(roleName)'")
            }
            let (record, token) = try await s.keys.create(project: caller.project, role: role, name: try body.requiredString("name"),
                                                          limits: try parseLimits(body["limits"], over: .unlimited),
                                                          expiresAt: try parseTime(body["expires_at"], field: "expires_at"),
                                                          endpoints: try parseEndpoints(body["endpoints"]))
            try await context.audit(s, "key.create", "key:\(record.id)")
            return jsonResponse(String(keyJSON(record).dropLast()) + ",\"key\":\(JSONWriter.quote(token))}", status: .created)
        }
        api.route(.GET, "/v1/keys", catalog) { request, context in
            let caller = try context.caller()
            try caller.require(.manageKeys)
            let page = try PageRequest(request).page(await s.keys.list(project: caller.project)) { PageRequest.timeKey($0.createdAt, $0.id) }
            return jsonResponse("{" + PageRequest.members("keys", page.items.map(keyJSON), next: page.nextToken) + "}")
        }
        // Changes a key's quota: {"limits": {"requests_per_minute": 60, "tokens_per_minute": null}}.
        api.route(.PATCH, "/v1/keys/{id}", catalog) { request, context in
            let caller = try context.caller()
            try caller.require(.manageKeys)
            let id = try context.parameters.require("id")
            let body = try await request.json(context).fields(["limits"])
            guard body["limits"] != nil else { throw PlatformError.invalid(field: "limits", message: "is required: {requests_per_minute, tokens_per_minute}") }
            guard let current = await s.keys.list(project: caller.project).first(where: { $0.id == id }) else {
                throw PlatformError.notFound(kind: "key", name: id)
            }
            let record = try await s.keys.setLimits(id: id, project: caller.project, limits: try parseLimits(body["limits"], over: current.limits))
            s.rateLimiter.reset(keyID: id)
            try await context.audit(s, "key.update", "key:\(id)")
            return jsonResponse(keyJSON(record))
        }
        api.route(.DELETE, "/v1/keys/{id}", catalog) { _, context in
            let caller = try context.caller()
            try caller.require(.manageKeys)
            let id = try context.parameters.require("id")
            try await s.keys.revoke(id: id, project: caller.project)
            try await context.audit(s, "key.revoke", "key:\(id)")
            return Response(status: .noContent)
        }
        api.route(.POST, "/v1/keys/{id}/rotate", catalog) { _, context in
            let caller = try context.caller()
            try caller.require(.manageKeys)
            let id = try context.parameters.require("id")
            let (record, token) = try await s.keys.rotate(id: id, project: caller.project)
            try await context.audit(s, "key.rotate", "key:\(id) -> key:\(record.id)")
            return jsonResponse(String(keyJSON(record).dropLast()) + ",\"key\":\(JSONWriter.quote(token))}", status: .created)
        }
    }

    // MARK: Models and deployments

    static func versionJSON(_ v: ModelVersion) -> String {
        let metrics = v.metrics.keys.sorted().map { "\(JSONWriter.quote($0)):\(JSONWriter.number(v.metrics[$0]!))" }.joined(separator: ",")
        let lineage = v.lineage.keys.sorted().map { "\(JSONWriter.quote($0)):\(JSONWriter.quote(v.lineage[$0]!))" }.joined(separator: ",")
        return "{\"name\":\(JSONWriter.quote(v.name)),\"version\":\(v.version),\"artifact\":\(JSONWriter.quote(v.artifact)),"
            + "\"kind\":\(JSONWriter.quote(v.kind)),\"metrics\":{\(metrics)},\"lineage\":{\(lineage)},"
            + "\"trained_on_erased_data\":\(v.trainedOnErasedData),"
            + "\"created_at\":\(JSONWriter.quote(v.createdAt.formatted(.iso8601)))}"
    }

    static func modelJSON(_ name: String, _ versions: [ModelVersion], _ aliases: [String: Int]) -> String {
        let aliasText = aliases.keys.sorted().map { "\(JSONWriter.quote($0)):\(aliases[$0]!)" }.joined(separator: ",")
        return "{\"name\":\(JSONWriter.quote(name)),\"versions\":[" + versions.map(versionJSON).joined(separator: ",") + "],\"aliases\":{\(aliasText)}}"
    }

    static func addModelRoutes(_ api: RouterGroup<APIContext>, _ s: PlatformServices, _ catalog: RouteCatalog) {
        // Registers an artifact (model.json + weights.safetensors): uploaded as a tar archive
        // (Content-Type application/x-tar, as downloaded from …/artifact), or a directory the
        // server can read ({"path": …}).
        api.route(.POST, "/v1/models/{name}/versions", catalog) { request, context in
            let caller = try context.caller()
            try caller.require(.write)
            let name = try context.parameters.require("name")
            if request.headers[.contentType]?.hasPrefix("application/x-tar") == true {
                // Archives hold weights: capped like dataset uploads (--max-upload-mib), not like JSON
                // bodies, and unpacked as they arrive, each file sealed into a staging area (the
                // upload is never on disk in plain text, nor whole in memory).
                try ModelRegistry.checkName(name, field: "name")
                let staging = try await s.artifacts.stage()
                do {
                    var unpacker = ArchiveUnpacker(into: staging)
                    var bytes = 0
                    for try await buffer in request.streamedBody(context) {
                        bytes += buffer.readableBytes
                        if bytes > s.datasets.maximumBytes { throw PlatformError.payloadTooLarge(limit: s.datasets.maximumBytes) }
                        try unpacker.consume(buffer.readableBytesView)
                    }
                    guard bytes > 0 else { throw PlatformError.invalid(field: "body", message: "the archive is empty") }
                    try unpacker.finish()
                } catch {
                    await s.artifacts.discard(staging)
                    throw error
                }
                let version = try await s.registry.register(project: caller.project, name: name, staging: staging)
                // The upload's network buffers (a model's size) were freed into the event loops'
                // arenas, where they stayed resident: 95 MiB after importing SmolLM2.
                ProcessMemory.returnFreePages()
                try await context.audit(s, "model.import", "model:\(name)@\(version.version)")
                return jsonResponse(versionJSON(version), status: .created)
            }
            let body = try await request.json(context).fields(["path"])
            let version = try await s.registry.importArtifact(project: caller.project, name: name,
                                                              directory: URL(fileURLWithPath: try body.requiredString("path")))
            try await context.audit(s, "model.import", "model:\(name)@\(version.version)")
            return jsonResponse(versionJSON(version), status: .created)
        }
        // A version's model card: JSON, or Markdown with ?format=markdown.
        api.route(.GET, "/v1/models/{name}/versions/{version}/card", catalog) { request, context in
            let caller = try context.caller()
            try caller.require(.read)
            let name = try context.parameters.require("name"), number = try context.parameters.require("version")
            guard let version = Int(number) else { throw PlatformError.invalid(field: "version", message: "must be a version number; got '\(number)'") }
            let card = try await s.modelCard(project: caller.project, name: name, version: version)
            switch request.uri.queryParameters.get("format") ?? "json" {
            case "json": return jsonResponse(card.json)
            case "markdown", "md":
                return Response(status: .ok, headers: [.contentType: "text/markdown; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: card.markdown)))
            case let other: throw PlatformError.invalid(field: "format", message: "'\(other)' is not a card format; use json or markdown")
            }
        }
        // The team's statement of what a version is for, shown on its card.
        api.route(.PUT, "/v1/models/{name}/versions/{version}/card", catalog) { request, context in
            let caller = try context.caller()
            try caller.require(.write)
            let name = try context.parameters.require("name"), number = try context.parameters.require("version")
            guard let version = Int(number) else { throw PlatformError.invalid(field: "version", message: "must be a version number; got '\(number)'") }
            let buffer = try await request.collectBody(context)
            _ = try buffer.withUnsafeReadableBytes { raw in try WireJSONParser.parse(raw.bindMemory(to: UInt8.self)) }
            let body = try await ModelCard.setIntendedUse(project: caller.project, name: name, version: version, text: String(buffer: buffer),
                                                          registry: s.registry, store: s.store)
            try await context.audit(s, "card.intended_use", "model:\(name)@\(version)")
            return jsonResponse(body)
        }
        // A version's artifact as a tar archive; the digest header names it.
        api.route(.GET, "/v1/models/{name}/versions/{version}/artifact", catalog) { _, context in
            let caller = try context.caller()
            try caller.require(.read)
            let name = try context.parameters.require("name"), number = try context.parameters.require("version")
            guard let version = try await s.registry.versions(project: caller.project, name: name).first(where: { String($0.version) == number }) else {
                throw PlatformError.notFound(kind: "version", name: "\(name)@\(number)")
            }
            // Decrypted as it is streamed from the artifact's sealed files: a language model's
            // gigabytes never sit in memory.
            let archive = try await ArchiveStream.artifact(version.artifact, in: s.artifacts)
            try await context.audit(s, "model.export", "model:\(name)@\(version.version)")
            return Response(status: .ok, headers: [.contentType: "application/x-tar", .init("x-artifact-sha256")!: version.artifact,
                                                   .contentLength: String(archive.length),
                                                   .contentDisposition: "attachment; filename=\"\(name)-\(version.version).tar\""],
                            body: ResponseBody { writer in
                                for try await chunk in archive { try await writer.write(ByteBuffer(bytes: chunk)) }
                                try await writer.finish(nil)
                            })
        }
        api.route(.GET, "/v1/models", catalog) { request, context in
            let caller = try context.caller()
            try caller.require(.read)
            let pageRequest = try PageRequest(request)
            let all = Dictionary(grouping: try await s.registry.versions(project: caller.project), by: \.name)
            let page = pageRequest.page(Array(all.keys)) { $0 }
            var models: [String] = []
            for name in page.items {
                models.append(modelJSON(name, all[name] ?? [], try await s.registry.aliases(project: caller.project, model: name)))
            }
            // Registered models for this API (paged), plus OpenAI's `object`/`data` listing of
            // servable endpoints, so OpenAI clients' `models.list()` works on the same route.
            return jsonResponse("{" + PageRequest.members("models", models, next: page.nextToken) + "," + (await openAIModelList(s, project: caller.project)) + "}")
        }
        api.route(.GET, "/v1/models/{name}", catalog) { _, context in
            let caller = try context.caller()
            try caller.require(.read)
            let name = try context.parameters.require("name")
            let versions = try await s.registry.versions(project: caller.project, name: name)
            return jsonResponse(modelJSON(name, versions, try await s.registry.aliases(project: caller.project, model: name)))
        }
        api.route(.PUT, "/v1/models/{name}/aliases/{alias}", catalog) { request, context in
            let caller = try context.caller()
            try caller.require(.write)
            let body = try await request.json(context).fields(["version"])
            guard let number = body["version"]?.integer, number >= 1 else {
                throw PlatformError.invalid(field: "version", message: "is required: a version number of 1 or more")
            }
            let name = try context.parameters.require("name")
            let alias = try context.parameters.require("alias")
            let outcome: PromotionGates.Outcome?
            do {
                outcome = try await s.promote(project: caller.project, keyID: caller.keyID, model: name, alias: alias, version: number)
            } catch let refused as PromotionRefused {
                // 409 with every check's measured value and limit, and the stored evaluation.
                try await context.audit(s, "alias.refused", "model:\(name)@\(alias) -> \(number) evaluation:\(refused.outcome.evaluation.id)")
                let failed = refused.outcome.results.filter { !$0.passed }
                let message = "version \(number) failed \(failed.count) of \(refused.outcome.results.count) checks of the '\(alias)' policy"
                return jsonResponse("{\"error\":{\"code\":\"promotion_refused\",\"message\":\(JSONWriter.quote(message)),\"field\":\"version\"},"
                                    + "\"evaluation\":\(refused.outcome.evaluation.report),\"request_id\":\(JSONWriter.quote(context.id))}", status: .conflict)
            }
            try await context.audit(s, "alias.move", "model:\(name)@\(alias) -> \(number)" + (outcome.map { " evaluation:\($0.evaluation.id)" } ?? ""))
            var text = modelJSON(name, try await s.registry.versions(project: caller.project, name: name),
                                 try await s.registry.aliases(project: caller.project, model: name))
            if let outcome { text = String(text.dropLast()) + ",\"evaluation\":" + outcome.evaluation.report + "}" }
            return jsonResponse(text)
        }
        // Promotion policies: the checks a version must pass before the alias may point at it.
        api.route(.PUT, "/v1/models/{name}/policies/{alias}", catalog) { request, context in
            let caller = try context.caller()
            try caller.require(.write)
            let name = try context.parameters.require("name"), alias = try context.parameters.require("alias")
            let buffer = try await request.collectBody(context)
            _ = try buffer.withUnsafeReadableBytes { raw in try WireJSONParser.parse(raw.bindMemory(to: UInt8.self)) }
            let policy = try await s.gates.setPolicy(project: caller.project, model: name, alias: alias, text: String(buffer: buffer))
            try await context.audit(s, "policy.set", "model:\(name)@\(alias) checks:\(policy.checks.count)")
            return jsonResponse("{\"model\":\(JSONWriter.quote(name)),\"alias\":\(JSONWriter.quote(alias)),\"checks\":[" + policy.raw.joined(separator: ",") + "]}")
        }
        api.route(.GET, "/v1/models/{name}/policies/{alias}", catalog) { _, context in
            let caller = try context.caller()
            try caller.require(.read)
            let name = try context.parameters.require("name"), alias = try context.parameters.require("alias")
            guard let text = try await s.gates.policy(project: caller.project, model: name, alias: alias) else {
                throw PlatformError.notFound(kind: "policy", name: "\(name)/\(alias)")
            }
            let policy = try PromotionPolicy.parse(text)
            return jsonResponse("{\"model\":\(JSONWriter.quote(name)),\"alias\":\(JSONWriter.quote(alias)),\"checks\":[" + policy.raw.joined(separator: ",") + "]}")
        }
        api.route(.DELETE, "/v1/models/{name}/policies/{alias}", catalog) { _, context in
            let caller = try context.caller()
            try caller.require(.write)
            let name = try context.parameters.require("name"), alias = try context.parameters.require("alias")
            guard try await s.gates.policy(project: caller.project, model: name, alias: alias) != nil else {
                throw PlatformError.notFound(kind: "policy", name: "\(name)/\(alias)")
            }
            try await s.gates.deletePolicy(project: caller.project, model: name, alias: alias)
            try await context.audit(s, "policy.delete", "model:\(name)@\(alias)")
            return Response(status: .noContent)
        }
        api.route(.POST, "/v1/deployments", catalog) { request, context in
            let caller = try context.caller()
            try caller.require(.write)
            let body = try await request.json(context).fields(["name", "model", "canary", "batching"])
            let objective = try parseCanaryObjective(body["canary"])
            let (deployment, version) = try await s.endpoints.deploy(project: caller.project, name: try body.requiredString("name"),
                                                                     reference: try body.requiredString("model"),
                                                                     canary: try parseCanary(body["canary"]), batching: try parseBatching(body["batching"]))
            // The canary's service-level objective: breached, the canary is withdrawn.
            try await s.canaries.set(project: caller.project, endpoint: deployment.name, objective: deployment.canary == nil ? nil : objective)
            let canary = await s.endpoints.list(project: caller.project).first { $0.deployment.name == deployment.name }?.canary
            try await context.audit(s, "deploy", "endpoint:\(deployment.name) -> model:\(version.name)@\(version.version)")
            return jsonResponse(deploymentJSON(deployment, version, canary), status: .created)
        }
        api.route(.GET, "/v1/deployments", catalog) { request, context in
            let caller = try context.caller()
            try caller.require(.read)
            let page = try PageRequest(request).page(await s.endpoints.list(project: caller.project)) { $0.deployment.name }
            return jsonResponse("{" + PageRequest.members("deployments", page.items.map { deploymentJSON($0.deployment, $0.version, $0.canary) }, next: page.nextToken) + "}")
        }
        api.route(.DELETE, "/v1/deployments/{name}", catalog) { _, context in
            let caller = try context.caller()
            try caller.require(.write)
            let name = try context.parameters.require("name")
            try await s.endpoints.undeploy(project: caller.project, name: name)
            try await context.audit(s, "undeploy", "endpoint:\(name)")
            return Response(status: .noContent)
        }
    }

    /// `{"model": "fashion@2", "percent": 10}`: a share of requests for another version of the model.
    static func parseCanary(_ value: WireJSON?) throws -> Deployment.Canary? {
        guard let value, value != .null else { return nil }
        let fields = try value.fields(["model", "percent", "slo"], at: "canary")
        guard let reference = fields["model"]?.string, !reference.isEmpty else {
            throw PlatformError.invalid(field: "canary.model", message: "is required: an alias or version of the deployed model, e.g. \"2\" or \"staging\"")
        }
        guard let percent = fields["percent"]?.number, (0...100).contains(percent) else {
            throw PlatformError.invalid(field: "canary.percent", message: "is required: a share of requests from 0 to 100")
        }
        // "model@ref" or just "ref": the canary is always a version of the deployed model.
        return Deployment.Canary(reference: String(reference.split(separator: "@").last ?? Substring(reference)), percent: percent)
    }

    /// `canary.slo`: {"max_error_rate": 0.05, "max_p99_ms": 50, "window_seconds": 60, "min_requests": 20}.
    static func parseCanaryObjective(_ canary: WireJSON?) throws -> CanaryGuard.Objective? {
        guard let canary, canary != .null, let value = canary["slo"], value != .null else { return nil }
        let fields = try value.fields(["max_error_rate", "max_p99_ms", "window_seconds", "min_requests"], at: "canary.slo")
        func number(_ key: String) throws -> Double? {
            guard let field = fields[key] else { return nil }
            guard let n = field.number else { throw PlatformError.invalid(field: "canary.slo.\(key)", message: "must be a number") }
            return n
        }
        func minimumRequests() throws -> Int {
            guard let field = fields["min_requests"] else { return 20 }
            guard let n = field.integer, (1...100_000).contains(n) else {
                throw PlatformError.invalid(field: "canary.slo.min_requests", message: "must be an integer from 1 to 100000")
            }
            return n
        }
        return try CanaryGuard.Objective(maxErrorRate: try number("max_error_rate"), maxP99Milliseconds: try number("max_p99_ms"),
                                         windowSeconds: try number("window_seconds") ?? 60, minRequests: try minimumRequests())
    }

    static func parseBatching(_ value: WireJSON?) throws -> BatchingPolicy {
        var policy = BatchingPolicy()
        guard let value, value != .null else { return policy }
        let fields = try value.fields(["max_batch_size", "max_delay_us", "max_queue"], at: "batching")
        func integer(_ key: String) throws -> Int? {
            guard let field = fields[key] else { return nil }
            guard let n = field.number, n == n.rounded(), abs(n) < 1e12 else { throw PlatformError.invalid(field: "batching.\(key)", message: "must be an integer") }
            return Int(n)
        }
        if let n = try integer("max_batch_size") { policy.maxBatchSize = n }
        if let n = try integer("max_delay_us") { policy.maxDelayMicroseconds = n }
        if let n = try integer("max_queue") { policy.maxQueue = n }
        try policy.validate()
        return policy
    }

    static func deploymentJSON(_ d: Deployment, _ v: ModelVersion, _ canary: ModelVersion? = nil) -> String {
        var text = "{\"name\":\(JSONWriter.quote(d.name)),\"model\":\(JSONWriter.quote(d.model)),\"reference\":\(JSONWriter.quote(d.reference)),"
            + "\"version\":\(v.version),\"artifact\":\(JSONWriter.quote(v.artifact)),"
            + "\"batching\":{\"max_batch_size\":\(d.batching.maxBatchSize),\"max_delay_us\":\(d.batching.maxDelayMicroseconds),\"max_queue\":\(d.batching.maxQueue)}"
        if let split = d.canary, let canary {
            text += ",\"canary\":{\"reference\":\(JSONWriter.quote(split.reference)),\"percent\":\(JSONWriter.number(split.percent)),\"version\":\(canary.version)}"
        }
        return text + "}"
    }
}
