import Foundation
import Hummingbird
import Logging
import Platform

extension APIServer {
    static func addOperationsRoutes(_ api: RouterGroup<APIContext>, _ s: PlatformServices, _ catalog: RouteCatalog) {
        // Server-wide Prometheus metrics: every project's endpoints, so operators only.
        api.route(.GET, "/metrics", catalog) { _, context in
            try context.caller().require(.operate)
            await s.endpoints.publishQueueDepths()
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                            body: .init(byteBuffer: ByteBuffer(bytes: s.metrics.exposition())))
        }
        // Usage of the caller's project, per key: requests, rows predicted, training seconds,
        // language-model tokens, audio seconds.
        api.route(.GET, "/v1/usage", catalog) { _, context in
            let caller = try context.caller()
            try caller.require(.read)
            let records = try await s.usage.usage(project: caller.project)
            let keys = records.map {
                "{\"key_id\":\(JSONWriter.quote($0.keyID)),\"requests\":\($0.requests),\"rows_predicted\":\($0.rowsPredicted),"
                    + "\"training_seconds\":\(JSONWriter.number($0.trainingSeconds)),\"prompt_tokens\":\($0.promptTokens),\"completion_tokens\":\($0.completionTokens),"
                    + "\"audio_seconds\":\(JSONWriter.number($0.audioSeconds))}"
            }
            let total = "{\"requests\":\(records.reduce(0) { $0 + $1.requests }),\"rows_predicted\":\(records.reduce(0) { $0 + $1.rowsPredicted }),"
                + "\"training_seconds\":\(JSONWriter.number(records.reduce(0) { $0 + $1.trainingSeconds })),"
                + "\"prompt_tokens\":\(records.reduce(0) { $0 + $1.promptTokens }),\"completion_tokens\":\(records.reduce(0) { $0 + $1.completionTokens }),"
                + "\"audio_seconds\":\(JSONWriter.number(records.reduce(0) { $0 + $1.audioSeconds }))}"
            return jsonResponse("{\"project\":\(JSONWriter.quote(caller.project)),\"total\":\(total),\"keys\":[\(keys.joined(separator: ","))]}")
        }
        // Projects (tenants): created by operators, each with a first admin key shown once.
        api.route(.POST, "/v1/projects", catalog) { request, context in
            try context.caller().require(.operate)
            let body = try await request.json(context).fields(["name"])
            let name = try body.requiredString("name")
            try ModelRegistry.checkName(name, field: "name")
            guard !(try await s.store.projectExists(name)) else { throw PlatformError.conflict("project '\(name)' already exists") }
            try await s.store.createProject(name)
            let (record, token) = try await s.keys.create(project: name, role: .admin, name: "\(name) admin")
            return jsonResponse("{\"name\":\(JSONWriter.quote(name)),\"admin_key\":" + String(keyJSON(record).dropLast())
                                + ",\"key\":\(JSONWriter.quote(token))}}", status: .created)
        }
        api.route(.GET, "/v1/projects", catalog) { request, context in
            try context.caller().require(.operate)
            let page = try PageRequest(request).page(try await s.store.projectNames()) { $0 }
            return jsonResponse("{" + PageRequest.members("projects", page.items.map { "{\"name\":\(JSONWriter.quote($0))}" }, next: page.nextToken) + "}")
        }
    }
}

/// One structured log line per request with its id, and HTTP metrics.
struct RequestLog: RouterMiddleware {
    let metrics: PlatformMetrics

    func handle(_ request: Request, context: APIContext, next: (Request, APIContext) async throws -> Response) async throws -> Response {
        let start = DispatchTime.now().uptimeNanoseconds
        let response = try await next(request, context)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        metrics.recordHTTP(method: request.method.rawValue, route: context.endpointPath ?? "unmatched", status: response.status.code, seconds: seconds)
        if context.logger.logLevel <= .info {
            context.logger.info("request", metadata: ["method": "\(request.method.rawValue)", "path": "\(request.uri.path)",
                                                      "status": "\(response.status.code)", "duration_us": "\(Int(seconds * 1e6))"])
        }
        return response
    }
}
