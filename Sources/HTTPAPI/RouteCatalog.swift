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

extension RouteCatalog {
    /// The methods registered for paths that `path` matches (`{param}` matches one segment,
    /// and a segment like `{name}:predict` its suffix).
    func methods(matching path: String) -> [String] {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        var methods: Set<String> = [], specificity = -1
        for route in routes {
            guard let space = route.firstIndex(of: " ") else { continue }
            let pattern = route[route.index(after: space)...].split(separator: "/", omittingEmptySubsequences: false)
            guard pattern.count == segments.count else { continue }
            let matches = zip(pattern, segments).allSatisfy { p, s in
                guard let open = p.firstIndex(of: "{"), let close = p.firstIndex(of: "}") else { return p == s }
                let prefix = p[..<open], suffix = p[p.index(after: close)...]
                return s.count > prefix.count + suffix.count && s.hasPrefix(prefix) && s.hasSuffix(suffix)
            }
            // `/v1/models/{name}:predict` outranks `/v1/models/{name}` for `/v1/models/m:predict`:
            // model names never hold a colon, so only the more literal pattern is meant.
            guard matches else { continue }
            var literal = 0, inParameter = false
            for c in route[route.index(after: space)...] {
                if c == "{" { inParameter = true } else if c == "}" { inParameter = false } else if !inParameter { literal += 1 }
            }
            if literal > specificity { (methods, specificity) = ([], literal) }
            if literal == specificity { methods.insert(String(route[..<space])) }
        }
        // The router answers HEAD wherever it answers GET (autoGenerateHeadEndpoints).
        if methods.contains("GET") { methods.insert("HEAD") }
        return methods.sorted()
    }
}

/// A known path asked with a method it does not take answers 405 with `Allow` (RFC 9110
/// §15.5.6), not 404: clients and conformance checkers learn what the path does take.
struct MethodNotAllowed: RouterMiddleware {
    let catalog: RouteCatalog

    func handle(_ request: Request, context: APIContext, next: (Request, APIContext) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            let allowed = catalog.methods(matching: request.uri.path)
            guard !allowed.isEmpty else { throw error }
            throw HTTPError(.methodNotAllowed, headers: [.allow: allowed.joined(separator: ", ")],
                            message: "\(request.method.rawValue) is not a method of \(request.uri.path); allowed: \(allowed.joined(separator: ", "))")
        }
    }
}
