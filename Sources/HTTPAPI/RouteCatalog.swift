import Hummingbird

/// HTTP methods the API uses.
enum Verb: String { case GET, POST, PUT, PATCH, DELETE }

/// The routes a router was given, recorded as they are registered so a test can compare them
/// with the OpenAPI document. Filled once while the router is built, before it serves.
final class RouteCatalog: @unchecked Sendable {
    private(set) var routes: [String] = []
    func add(_ verb: Verb, _ path: String) { routes.append("\(verb.rawValue) \(path)") }
}

extension RouterMethods where Context == APIContext {
    /// Registers a handler and records the route.
    @discardableResult
    func route(_ verb: Verb, _ path: String, _ catalog: RouteCatalog,
               use handler: @escaping @Sendable (Request, APIContext) async throws -> Response) -> Self {
        catalog.add(verb, path)
        switch verb {
        case .GET: return get("\(path)", use: handler)
        case .POST: return post("\(path)", use: handler)
        case .PUT: return put("\(path)", use: handler)
        case .PATCH: return patch("\(path)", use: handler)
        case .DELETE: return delete("\(path)", use: handler)
        }
    }
}
