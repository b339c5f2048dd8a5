import Datasets
import Foundation
import Hummingbird
import Logging
import Platform
import ServiceLifecycle

/// Builds the HTTP application over platform services. Routes only translate wire formats
/// into Platform calls and back.
public enum APIServer {
    /// Largest accepted request body.
    public static let maximumBodyBytes = 64 << 20

    public static func application(services: PlatformServices, host: String, port: Int, logger: Logger,
                                   onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        let router = makeRouter(services, RouteCatalog())
        return Application(router: router, configuration: .init(address: .hostname(host, port: port), serverName: "SwiftMaaS"),
                           services: [TrainingWorkers(jobs: services.jobs)], onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) }, logger: logger)
    }

    /// The training worker pool as a service of the application: started with the server,
    /// stopped on graceful shutdown (a running job stays resumable from its checkpoint).
    struct TrainingWorkers: Service {
        let jobs: TrainingJobs
        func run() async throws {
            try await jobs.start()
            try? await gracefulShutdown()
            await jobs.shutdown()
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
        let router = Router(context: APIContext.self)
        router.add(middleware: ErrorResponses())
        router.route(.GET, "/v2/health/live", catalog) { _, _ in jsonResponse("{\"live\":true}") }
        router.route(.GET, "/v2/health/ready", catalog) { _, _ in jsonResponse("{\"ready\":true}") }

        let api = router.group().add(middleware: Authentication(keys: services.keys))
        api.route(.GET, "/openapi.json", catalog) { _, context in
            _ = try context.caller()
            return jsonResponse(openAPIDocument)
        }
        addKeyRoutes(api, services, catalog)
        addModelRoutes(api, services, catalog)
        addDatasetRoutes(api, services, catalog)
        addInferenceRoutes(api, services, catalog)
        addJobRoutes(api, services, catalog)
        return router
    }

    // MARK: Keys

    static func keyJSON(_ r: APIKeyRecord) -> String {
        "{\"id\":\(JSONWriter.quote(r.id)),\"project\":\(JSONWriter.quote(r.project)),\"role\":\(JSONWriter.quote(r.role.rawValue)),"
            + "\"name\":\(JSONWriter.quote(r.name)),\"created_at\":\(JSONWriter.quote(ISO8601DateFormatter().string(from: r.createdAt))),"
            + "\"revoked\":\(r.revokedAt != nil)}"
    }

    static func addKeyRoutes(_ api: RouterGroup<APIContext>, _ s: PlatformServices, _ catalog: RouteCatalog) {
        api.route(.POST, "/v1/keys", catalog) { request, context in
            let caller = try context.caller()
            try caller.require(.manageKeys)
            let body = try await request.json(context).fields(["role", "name"])
            let roleName = try body.requiredString("role")
            guard let role = Role(rawValue: roleName) else {
                throw PlatformError.invalid(field: "role", message: "must be one of \(Role.allCases.map(\.rawValue).joined(separator: ", ")); got '\(roleName)'")
            }
            let (record, token) = try await s.keys.create(project: caller.project, role: role, name: try body.requiredString("name"))
            return jsonResponse(String(keyJSON(record).dropLast()) + ",\"key\":\(JSONWriter.quote(token))}", status: .created)
        }
        api.route(.GET, "/v1/keys", catalog) { _, context in
            let caller = try context.caller()
            try caller.require(.manageKeys)
            return jsonResponse("{\"keys\":[" + (await s.keys.list(project: caller.project)).map(keyJSON).joined(separator: ",") + "]}")
        }
        api.route(.DELETE, "/v1/keys/{id}", catalog) { _, context in
            let caller = try context.caller()
            try caller.require(.manageKeys)
            try await s.keys.revoke(id: try context.parameters.require("id"), project: caller.project)
            return Response(status: .noContent)
        }
        api.route(.POST, "/v1/keys/{id}/rotate", catalog) { _, context in
            let caller = try context.caller()
            try caller.require(.manageKeys)
            let (record, token) = try await s.keys.rotate(id: try context.parameters.require("id"), project: caller.project)
            return jsonResponse(String(keyJSON(record).dropLast()) + ",\"key\":\(JSONWriter.quote(token))}", status: .created)
        }
    }

    // MARK: Models and deployments

    static func versionJSON(_ v: ModelVersion) -> String {
        let metrics = v.metrics.keys.sorted().map { "\(JSONWriter.quote($0)):\(JSONWriter.number(v.metrics[$0]!))" }.joined(separator: ",")
        let lineage = v.lineage.keys.sorted().map { "\(JSONWriter.quote($0)):\(JSONWriter.quote(v.lineage[$0]!))" }.joined(separator: ",")
        return "{\"name\":\(JSONWriter.quote(v.name)),\"version\":\(v.version),\"artifact\":\(JSONWriter.quote(v.artifact)),"
            + "\"kind\":\(JSONWriter.quote(v.kind)),\"metrics\":{\(metrics)},\"lineage\":{\(lineage)},"
            + "\"created_at\":\(JSONWriter.quote(ISO8601DateFormatter().string(from: v.createdAt)))}"
    }

    static func modelJSON(_ name: String, _ versions: [ModelVersion], _ aliases: [String: Int]) -> String {
        let aliasText = aliases.keys.sorted().map { "\(JSONWriter.quote($0)):\(aliases[$0]!)" }.joined(separator: ",")
        return "{\"name\":\(JSONWriter.quote(name)),\"versions\":[" + versions.map(versionJSON).joined(separator: ",") + "],\"aliases\":{\(aliasText)}}"
    }

    static func addModelRoutes(_ api: RouterGroup<APIContext>, _ s: PlatformServices, _ catalog: RouteCatalog) {
        // Registers an artifact directory readable by the server (model.json + weights.safetensors).
        api.route(.POST, "/v1/models/{name}/versions", catalog) { request, context in
            let caller = try context.caller()
            try caller.require(.write)
            let body = try await request.json(context).fields(["path"])
            let version = try await s.registry.importArtifact(project: caller.project, name: try context.parameters.require("name"),
                                                              directory: URL(fileURLWithPath: try body.requiredString("path")))
            return jsonResponse(versionJSON(version), status: .created)
        }
        api.route(.GET, "/v1/models", catalog) { _, context in
            let caller = try context.caller()
            try caller.require(.read)
            let all = try await s.registry.versions(project: caller.project)
            var models: [String] = []
            for name in Set(all.map(\.name)).sorted() {
                models.append(modelJSON(name, all.filter { $0.name == name }, try await s.registry.aliases(project: caller.project, model: name)))
            }
            return jsonResponse("{\"models\":[" + models.joined(separator: ",") + "]}")
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
            guard let number = body["version"]?.number, number == number.rounded(), number >= 1 else {
                throw PlatformError.invalid(field: "version", message: "is required: a version number of 1 or more")
            }
            let name = try context.parameters.require("name")
            try await s.registry.setAlias(project: caller.project, model: name, alias: try context.parameters.require("alias"), version: Int(number))
            return jsonResponse(modelJSON(name, try await s.registry.versions(project: caller.project, name: name),
                                          try await s.registry.aliases(project: caller.project, model: name)))
        }
        api.route(.POST, "/v1/deployments", catalog) { request, context in
            let caller = try context.caller()
            try caller.require(.write)
            let body = try await request.json(context).fields(["name", "model"])
            let (deployment, version) = try await s.endpoints.deploy(project: caller.project, name: try body.requiredString("name"),
                                                                     reference: try body.requiredString("model"))
            return jsonResponse(deploymentJSON(deployment, version), status: .created)
        }
        api.route(.GET, "/v1/deployments", catalog) { _, context in
            let caller = try context.caller()
            try caller.require(.read)
            return jsonResponse("{\"deployments\":[" + (await s.endpoints.list(project: caller.project)).map { deploymentJSON($0.deployment, $0.version) }.joined(separator: ",") + "]}")
        }
        api.route(.DELETE, "/v1/deployments/{name}", catalog) { _, context in
            let caller = try context.caller()
            try caller.require(.write)
            try await s.endpoints.undeploy(project: caller.project, name: try context.parameters.require("name"))
            return Response(status: .noContent)
        }
    }

    static func deploymentJSON(_ d: Deployment, _ v: ModelVersion) -> String {
        "{\"name\":\(JSONWriter.quote(d.name)),\"model\":\(JSONWriter.quote(d.model)),\"reference\":\(JSONWriter.quote(d.reference)),"
            + "\"version\":\(v.version),\"artifact\":\(JSONWriter.quote(v.artifact))}"
    }
}
