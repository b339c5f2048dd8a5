import Foundation
import Learners

/// A loaded recommender: the factors, the ids in factor order and their indexes, and item
/// popularity (interactions per item) for users the model cannot rank.
public struct Recommender: Sendable {
    public let artifact: RecommenderArtifact
    let model: MatrixFactorization
    let userIndex: [String: Int]
    let itemIndex: [String: Int]
    /// Items by how many users interacted with them, most first (ties: first seen first).
    let popular: [(item: Int, users: Int)]
    /// The item factors' Gram matrix, computed once: every implicit fold-in starts from it.
    let itemGram: [Double]?

    init(_ loaded: (artifact: RecommenderArtifact, model: MatrixFactorization)) {
        artifact = loaded.artifact
        model = loaded.model
        itemGram = model.itemGram()
        userIndex = Dictionary(artifact.users.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        itemIndex = Dictionary(artifact.items.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        var counts = [Int](repeating: 0, count: artifact.items.count)
        for items in model.seen.values { for item in items where item < counts.count { counts[item] += 1 } }
        popular = counts.enumerated().map { (item: $0.offset, users: $0.element) }.sorted { $0.users != $1.users ? $0.users > $1.users : $0.item < $1.item }
    }

    /// What a recommendation request asks.
    public struct Query: Sendable {
        /// A user seen in training.
        public var user: String?
        /// Items a user not seen in training chose (with a strength each: a rating, a weight, or 1).
        public var items: [(id: String, value: Double)]?
        public var count = 10
        public var excludeSeen = true
        /// Answer an unknown user with the most popular items instead of 404.
        public var popularFallback = false
        public init() {}
    }

    public struct Ranked: Sendable {
        public var items: [(id: String, score: Double)]
        /// How the list was made: `model` (a known user), `fold_in` (from the given items) or `popular`.
        public var source: String
    }

    public func recommend(_ query: Query) throws -> Ranked {
        if let id = query.user {
            if let user = userIndex[id] {
                let exclude = query.excludeSeen ? model.seen[user] ?? [] : []
                return Ranked(items: named(model.recommend(factors: Array(model.userFactors.row(user)), count: query.count, exclude: exclude)), source: "model")
            }
            if query.items == nil {
                if query.popularFallback { return popularItems(count: query.count, exclude: []) }
                throw PlatformError.notFound(kind: "user", name: id)
            }
        }
        guard let given = query.items else {
            throw PlatformError.invalid(field: "user", message: "give a user seen in training, or items (a new user's choices) to fold in")
        }
        var observed: [(item: Int, value: Double)] = []
        var unknown: [String] = []
        for (id, value) in given {
            if let item = itemIndex[id] { observed.append((item, value)) } else { unknown.append(id) }
        }
        if observed.isEmpty {
            if query.popularFallback { return popularItems(count: query.count, exclude: []) }
            throw PlatformError.invalid(field: "items", message: "none of the given items was seen in training (unknown: \(unknown.prefix(10).joined(separator: ", ")))")
        }
        let exclude = query.excludeSeen ? Set(observed.map(\.item)) : []
        return Ranked(items: named(model.recommend(factors: model.foldIn(observed, itemGram: itemGram), count: query.count, exclude: exclude)), source: "fold_in")
    }

    public func similarItems(to id: String, count: Int) throws -> [(id: String, score: Double)] {
        guard let item = itemIndex[id] else { throw PlatformError.notFound(kind: "item", name: id) }
        return named(model.similarItems(to: item, count: count))
    }

    private func popularItems(count: Int, exclude: Set<Int>) -> Ranked {
        let total = Double(max(model.seen.count, 1))
        let items = popular.lazy.filter { !exclude.contains($0.item) }.prefix(count).map { (id: artifact.items[$0.item], score: Double($0.users) / total) }
        return Ranked(items: Array(items), source: "popular")
    }

    private func named(_ ranked: [(item: Int, score: Double)]) -> [(id: String, score: Double)] {
        ranked.map { (id: artifact.items[$0.item], score: $0.score) }
    }
}
