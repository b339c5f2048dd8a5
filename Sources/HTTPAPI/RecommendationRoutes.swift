import Foundation
import Hummingbird
import Platform

extension APIServer {
    /// A recommender endpoint: ranked items for a user seen in training, for a new user from
    /// the items they chose (folded in), or the most popular when asked; and items like an item.
    static func addRecommendationRoutes(_ api: RouterGroup<APIContext>, _ s: PlatformServices, _ catalog: RouteCatalog) {
        api.route(.POST, "/v1/endpoints/{name}/recommend", catalog) { request, context in
            let caller = try context.caller()
            try caller.require(.infer)
            let name = try context.parameters.require("name")
            let target = try await s.endpoints.target(for: caller, endpoint: name)
            let recommender = try recommenderOf(target.model, endpoint: name)
            let body = try await request.json(context).fields(["user", "items", "k", "exclude_seen", "fallback"])
            var query = Recommender.Query()
            if let user = body["user"] {
                guard let text = user.string, !text.isEmpty else { throw PlatformError.invalid(field: "user", message: "must be a user id (a non-empty string)") }
                query.user = text
            }
            if let items = body["items"] { query.items = try parseChosenItems(items) }
            if query.user == nil && query.items == nil {
                throw PlatformError.invalid(field: "user", message: "is required: a user seen in training, or give items (a new user's choices)")
            }
            query.count = try rankCount(body["k"])
            if let exclude = body["exclude_seen"] {
                guard case .bool(let flag) = exclude else { throw PlatformError.invalid(field: "exclude_seen", message: "must be true or false") }
                query.excludeSeen = flag
            }
            if let fallback = body["fallback"] {
                guard let text = fallback.string, ["popular", "none"].contains(text) else {
                    throw PlatformError.invalid(field: "fallback", message: "must be 'popular' (answer unknown users with the most popular items) or 'none'")
                }
                query.popularFallback = text == "popular"
            }
            let ranked = try recommender.recommend(query)
            s.usage.record(project: caller.project, keyID: caller.keyID, rows: 1)
            var text = "{\"endpoint\":\(JSONWriter.quote(name)),\"model\":\(JSONWriter.quote(target.version.name)),\"version\":\(target.version.version),"
            if let user = query.user { text += "\"user\":\(JSONWriter.quote(user)),"}
            return jsonResponse(text + "\"source\":\"\(ranked.source)\",\"items\":\(rankedJSON(ranked.items))}")
        }
        api.route(.POST, "/v1/endpoints/{name}/similar-items", catalog) { request, context in
            let caller = try context.caller()
            try caller.require(.infer)
            let name = try context.parameters.require("name")
            let target = try await s.endpoints.target(for: caller, endpoint: name)
            let recommender = try recommenderOf(target.model, endpoint: name)
            let body = try await request.json(context).fields(["item", "k"])
            let item = try body.requiredString("item")
            let similar = try recommender.similarItems(to: item, count: try rankCount(body["k"]))
            s.usage.record(project: caller.project, keyID: caller.keyID, rows: 1)
            return jsonResponse("{\"endpoint\":\(JSONWriter.quote(name)),\"model\":\(JSONWriter.quote(target.version.name)),\"version\":\(target.version.version),"
                                + "\"item\":\(JSONWriter.quote(item)),\"items\":\(rankedJSON(similar))}")
        }
    }

    static func recommenderOf(_ model: LoadedModel, endpoint: String) throws -> Recommender {
        guard case .recommender(let recommender) = model.body else {
            throw PlatformError.invalid(field: "name", message: "endpoint '\(endpoint)' serves a \(model.kind) model, not a recommender")
        }
        return recommender
    }

    /// `["i3", "i9"]` (each counts 1) or `{"i3": 5, "i9": 4}` (a rating or weight each).
    static func parseChosenItems(_ value: WireJSON) throws -> [(id: String, value: Double)] {
        var items: [(id: String, value: Double)] = []
        if let elements = value.elements {
            for (i, element) in elements.enumerated() {
                guard let id = element.string, !id.isEmpty else { throw PlatformError.invalid(field: "items[\(i)]", message: "must be an item id (a non-empty string)") }
                items.append((id, 1))
            }
        } else if let object = value.object {
            for id in object.keys.sorted() {
                guard let strength = object[id]?.number, strength.isFinite else {
                    throw PlatformError.invalid(field: "items.\(id)", message: "must be a finite number (a rating or a weight)")
                }
                items.append((id, strength))
            }
        } else {
            throw PlatformError.invalid(field: "items", message: "must be an array of item ids or an object of item id to rating")
        }
        guard (1...10_000).contains(items.count) else { throw PlatformError.invalid(field: "items", message: "must hold 1 to 10000 items, got \(items.count)") }
        return items
    }

    static func rankCount(_ value: WireJSON?) throws -> Int {
        guard let value else { return 10 }
        guard let k = value.integer, (1...1000).contains(k) else { throw PlatformError.invalid(field: "k", message: "must be an integer from 1 to 1000") }
        return k
    }

    static func rankedJSON(_ items: [(id: String, score: Double)]) -> String {
        "[" + items.map { "{\"item\":\(JSONWriter.quote($0.id)),\"score\":\(JSONWriter.number($0.score))}" }.joined(separator: ",") + "]"
    }
}
