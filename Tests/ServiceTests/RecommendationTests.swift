import Foundation
import Platform
import Testing

/// Recommendation as a service: an ALS training job on an interactions dataset with per-user
/// leave-last-out ranking metrics, and a recommender endpoint that ranks for known users, folds
/// in new ones, falls back to popularity when asked, and finds similar items.
@Suite struct RecommendationsOverHTTP {
    /// Three tastes: users u0…u29 choose among items a0…a11, v0…v29 among b0…b11, w0…w29 among
    /// c0…c11; each user has 6 interactions at increasing timestamps (the last is held out).
    static func interactions() -> String {
        var lines = ["user,item,weight,timestamp"]
        var state: UInt64 = 12345
        func next(_ n: Int) -> Int { state = state &* 6364136223846793005 &+ 1442695040888963407; return Int((state >> 33) % UInt64(n)) }
        for (prefix, itemPrefix) in [("u", "a"), ("v", "b"), ("w", "c")] {
            for user in 0..<30 {
                var chosen = Set<Int>()
                while chosen.count < 6 { chosen.insert(next(12)) }
                for (t, item) in chosen.sorted().enumerated() {
                    lines.append("\(prefix)\(user),\(itemPrefix)\(item),\(1 + next(3)),\(1_700_000_000 + user * 100 + t)")
                }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    func items(_ json: [String: Any]) -> [String] { (json["items"] as? [[String: Any]] ?? []).compactMap { $0["item"] as? String } }

    @Test func trainDeployRecommendFoldInAndSimilarItems() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("maas-recommend-\(UUID())")
        defer { try? FileManager.default.removeItem(at: root) }
        let (server, adminKey) = try await RunningServer.start(dataDirectory: root)
        let admin = try #require(adminKey)
        #expect(try await server.request("POST", "/v1/datasets/clicks?format=csv", key: admin, body: Self.interactions()).status == 201)
        let submitted = try await server.request("POST", "/v1/training-jobs", key: admin, body: """
            {"name": "shop", "dataset": "clicks", "target": "weight",
             "spec": {"algorithm": "matrix_factorization", "factors": 8, "implicit": true, "regularization": 0.05, "max_iter": 15, "confidence": 10}}
            """)
        #expect(submitted.status == 201, "\(submitted.json)")
        let id = try #require(submitted.json["id"] as? String)
        _ = try await server.raw("GET", "/v1/training-jobs/\(id)/events", key: admin)
        let job = try await server.request("GET", "/v1/training-jobs/\(id)", key: admin)
        #expect(job.json["state"] as? String == "succeeded", "\(job.json)")
        let metrics = try #require(job.json["metrics"] as? [String: Double])
        // 90 users each hold out their last item: a random ranking of the 30 unseen items finds
        // it in the top 10 a third of the time. (implicit 0.7.3's ALS with the same settings:
        // 0.47; ours 0.42: the held-out item is a random pick within the taste.)
        #expect(metrics["users_evaluated"] == 90)
        #expect((metrics["recall_at_10"] ?? 0) > 0.37, "\(metrics)")
        for name in ["precision_at_10", "ndcg_at_10", "map_at_10"] { #expect((metrics[name] ?? 0) > 0, "\(name): \(metrics)") }
        #expect(metrics["precision_at_10"]! == metrics["recall_at_10"]! / 10)  // one relevant item per user
        #expect(metrics["map_at_10"]! <= metrics["ndcg_at_10"]! + 1e-12)

        #expect(try await server.request("POST", "/v1/deployments", key: admin, body: #"{"name": "shop", "model": "shop@1"}"#).status == 201)
        // A known user: ten items of their taste, none they already have.
        let known = try await server.request("POST", "/v1/endpoints/shop/recommend", key: admin, body: #"{"user": "u3", "k": 10}"#)
        #expect(known.status == 200 && known.json["source"] as? String == "model", "\(known.json)")
        let seen = Set(Self.interactions().split(separator: "\n").filter { $0.hasPrefix("u3,") }.map { String($0.split(separator: ",")[1]) })
        #expect(items(known.json).count == 10 && items(known.json).allSatisfy { !seen.contains($0) }, "\(known.json)")
        #expect(items(known.json).prefix(5).allSatisfy { $0.hasPrefix("a") }, "\(known.json)")
        let withSeen = try await server.request("POST", "/v1/endpoints/shop/recommend", key: admin, body: #"{"user": "u3", "k": 40, "exclude_seen": false}"#)
        #expect(!seen.isDisjoint(with: items(withSeen.json)))
        // A new user folded in from what they chose.
        let folded = try await server.request("POST", "/v1/endpoints/shop/recommend", key: admin, body: #"{"items": ["b1", "b7", "b9"], "k": 5}"#)
        #expect(folded.status == 200 && folded.json["source"] as? String == "fold_in", "\(folded.json)")
        #expect(items(folded.json).count == 5 && items(folded.json).allSatisfy { !["b1", "b7", "b9"].contains($0) })
        #expect(items(folded.json).prefix(3).allSatisfy { $0.hasPrefix("b") }, "\(folded.json)")
        let weighted = try await server.request("POST", "/v1/endpoints/shop/recommend", key: admin, body: #"{"items": {"a2": 3, "a5": 2, "a8": 1, "zz": 1}}"#)
        #expect(weighted.status == 200 && items(weighted.json).prefix(3).allSatisfy { $0.hasPrefix("a") }, "\(weighted.json)")
        #expect(!items(weighted.json).contains("a2"))
        // Unknown users: 404 naming them, or the most popular items when asked.
        let unknown = try await server.request("POST", "/v1/endpoints/shop/recommend", key: admin, body: #"{"user": "nobody"}"#)
        #expect(unknown.status == 404 && "\(unknown.json)".contains("nobody"))
        let popular = try await server.request("POST", "/v1/endpoints/shop/recommend", key: admin, body: #"{"user": "nobody", "fallback": "popular", "k": 3}"#)
        #expect(popular.status == 200 && popular.json["source"] as? String == "popular" && items(popular.json).count == 3)
        // Similar items share the taste.
        let similar = try await server.request("POST", "/v1/endpoints/shop/similar-items", key: admin, body: #"{"item": "a5", "k": 5}"#)
        #expect(similar.status == 200 && items(similar.json).count == 5 && !items(similar.json).contains("a5"))
        #expect(items(similar.json).prefix(2).allSatisfy { $0.hasPrefix("a") }, "\(similar.json)")
        #expect(try await server.request("POST", "/v1/endpoints/shop/similar-items", key: admin, body: #"{"item": "q1"}"#).status == 404)

        // Bad input names the field.
        for (body, field) in [(#"{"user": "u3", "k": 0}"#, "k"), (#"{"items": ["zz"]}"#, "items"), (#"{}"#, "user"), (#"{"user": 5}"#, "user"),
                              (#"{"user": "u3", "fallback": "random"}"#, "fallback"), (#"{"items": {"a1": "x"}}"#, "items.a1")] {
            let answer = try await server.request("POST", "/v1/endpoints/shop/recommend", key: admin, body: body)
            #expect(answer.status == 400 && "\(answer.json)".contains(field), "\(body): \(answer.json)")
        }
        // Prediction routes point to the recommender's own.
        let predicted = try await server.request("POST", "/v1/models/shop:predict", key: admin, body: #"{"instances": [{"user": "u3"}]}"#)
        #expect(predicted.status == 400 && "\(predicted.json)".contains("/recommend"))
        // A table without user and item columns: the job fails saying what it needs.
        _ = try await server.request("POST", "/v1/datasets/plain?format=csv", key: admin, body: "a,b\n1,2\n3,4\n")
        let wrong = try await server.request("POST", "/v1/training-jobs", key: admin, body: #"{"name": "plain", "dataset": "plain", "spec": {"algorithm": "matrix_factorization"}}"#)
        let wrongID = try #require(wrong.json["id"] as? String)
        _ = try await server.raw("GET", "/v1/training-jobs/\(wrongID)/events", key: admin)
        let failed = try await server.request("GET", "/v1/training-jobs/\(wrongID)", key: admin)
        #expect(failed.json["state"] as? String == "failed" && (failed.json["error"] as? String ?? "").contains("'user' and 'item'"), "\(failed.json)")
        await server.stop()
    }
}
