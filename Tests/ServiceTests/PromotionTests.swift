import Datasets
import Foundation
import Platform
import Testing

/// Promotion gates: a policy on an alias; a worse version and a biased one are refused with each
/// failed check's value and limit, a good one is promoted, and every evaluation is stored.
@Suite struct PromotionGatesOverHTTP {
    @Test func worseAndBiasedVersionsAreRefusedAGoodOneIsPromoted() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("maas-gates-\(UUID())")
        defer { try? FileManager.default.removeItem(at: root) }
        let (server, adminKey) = try await RunningServer.start(dataDirectory: root)
        let admin = try #require(adminKey)
        _ = try await server.request("POST", "/v1/datasets/loans?format=csv", key: admin, body: FairnessEvaluationsOverHTTP.csv().text)
        func train(_ preprocessing: String) async throws -> Int {
            let job = try await server.request("POST", "/v1/training-jobs", key: admin, body: """
                {"name": "loans", "dataset": "loans", "target": "approved", "spec": {"algorithm": "logistic_regression"}, "preprocessing": \(preprocessing), "seed": 1}
                """)
            let id = try #require(job.json["id"] as? String, "\(job.json)")
            _ = try await server.raw("GET", "/v1/training-jobs/\(id)/events", key: admin)
            let model = try await server.request("GET", "/v1/models/loans", key: admin)
            return (model.json["versions"] as? [[String: Any]])?.compactMap { $0["version"] as? Int }.max() ?? 0
        }
        // The label depends on the score and on the group; a model that does not see the group
        // selects both groups alike.
        let good = try await train(#"{"drop": ["group"]}"#)
        let worse = try await train(#"{"drop": ["group", "score"]}"#)
        let biased = try await train("{}")
        let goodAgain = try await train(#"{"drop": ["group"]}"#)
        #expect([good, worse, biased, goodAgain] == [Int]([1, 2, 3, 4]))

        let policy = """
            {"checks": [{"metric": "accuracy", "dataset": "holdout", "min": 0.6},
                        {"fairness": "demographic_parity_difference", "sensitive": "group", "dataset": "loans", "max": 0.1},
                        {"latency_p99_ms": {"max": 1000, "batch": 1}},
                        {"beats_current": {"metric": "accuracy", "by": 0.0, "dataset": "loans"}}]}
            """
        #expect(try await server.request("PUT", "/v1/models/loans/policies/production", key: admin, body: policy).status == 200)
        let stored = try await server.request("GET", "/v1/models/loans/policies/production", key: admin)
        #expect((stored.json["checks"] as? [Any])?.count == 4)

        func promote(_ version: Int) async throws -> (status: Int, json: [String: Any]) {
            let r = try await server.request("PUT", "/v1/models/loans/aliases/production", key: admin, body: #"{"version": \#(version)}"#)
            return (r.status, r.json)
        }
        func failed(_ json: [String: Any]) -> [String] {
            ((json["evaluation"] as? [String: Any])?["checks"] as? [[String: Any]] ?? []).filter { $0["passed"] as? Bool == false }
                .compactMap { check in ["metric", "fairness", "latency_p99_ms", "beats_current"].first { (check["check"] as? [String: Any])?[$0] != nil } }
        }
        let first = try await promote(good)
        #expect(first.status == 200 && (first.json["aliases"] as? [String: Int])?["production"] == good, "\(first.json)")

        let refusedWorse = try await promote(worse)
        #expect(refusedWorse.status == 409 && (refusedWorse.json["error"] as? [String: Any])?["code"] as? String == "promotion_refused", "\(refusedWorse.json)")
        #expect(failed(refusedWorse.json).contains("beats_current"), "\(refusedWorse.json)")
        let refusedBiased = try await promote(biased)
        #expect(refusedBiased.status == 409 && failed(refusedBiased.json).contains("fairness"), "\(refusedBiased.json)")
        // Each failed check carries its measured value and its limit.
        let fairnessCheck = ((refusedBiased.json["evaluation"] as? [String: Any])?["checks"] as? [[String: Any]])?.first { ($0["check"] as? [String: Any])?["fairness"] != nil }
        #expect((fairnessCheck?["value"] as? Double ?? 0) > 0.1 && fairnessCheck?["limit"] as? String == "max 0.1", "\(String(describing: fairnessCheck))")
        let afterRefusals = try await server.request("GET", "/v1/models/loans", key: admin)
        #expect((afterRefusals.json["aliases"] as? [String: Int])?["production"] == good)

        let promoted = try await promote(goodAgain)
        #expect(promoted.status == 200 && (promoted.json["aliases"] as? [String: Int])?["production"] == goodAgain, "\(promoted.json)")
        #expect((promoted.json["evaluation"] as? [String: Any])?["passed"] as? Bool == true)

        // Every evaluation is stored and listed.
        let listed = try await server.request("GET", "/v1/evaluations", key: admin)
        let promotions = (listed.json["evaluations"] as? [[String: Any]] ?? []).filter { $0["kind"] as? String == "promotion" }
        #expect(promotions.count == 4)

        // The promoted version's card: the team's intended use, global importance from SHAP,
        // the drift of the endpoint serving it, and its promotion history.
        #expect(try await server.request("PUT", "/v1/models/loans/versions/\(goodAgain)/card", key: admin,
                                         body: #"{"intended_use": "Pre-screening loan applications for human review.", "limitations": "Not for automated denial."}"#).status == 200)
        #expect(try await server.request("PUT", "/v1/models/loans/versions/\(goodAgain)/card", key: admin, body: #"{"purpose": "x"}"#).status == 400)
        #expect(try await server.request("POST", "/v1/deployments", key: admin, body: #"{"name": "loans", "model": "loans@production"}"#).status == 201)
        for _ in 0..<2 {
            _ = try await server.request("POST", "/v1/models/loans:predict", key: admin, body: #"{"instances": \#(ExplanationsOverHTTP.rows)}"#)
        }
        let card = try await server.request("GET", "/v1/models/loans/versions/\(goodAgain)/card", key: admin)
        #expect(card.json["intended_use"] as? String == "Pre-screening loan applications for human review.", "\(card.json)")
        let importance = try #require(card.json["global_feature_importance"] as? [[String: Any]], "\(card.json)")
        #expect(importance.first?["column"] as? String == "score" && importance.count == 2)
        #expect((card.json["promotion_history"] as? [[String: Any]])?.map { $0["passed"] as? Bool } == [true])
        #expect((card.json["drift"] as? [[String: Any]])?.first?["endpoint"] as? String == "loans")
        #expect((card.json["not_yet_recorded"] as? [String])?.isEmpty == true, "\(card.json)")
        let markdown = String(decoding: try await server.raw("GET", "/v1/models/loans/versions/\(goodAgain)/card?format=markdown", key: admin).body, as: UTF8.self)
        #expect(markdown.contains("Pre-screening loan applications") && markdown.contains("| score |") && markdown.contains("production passed"))
        let refusedCard = try await server.request("GET", "/v1/models/loans/versions/\(biased)/card", key: admin)
        #expect((refusedCard.json["promotion_history"] as? [[String: Any]])?.map { $0["passed"] as? Bool } == [false])

        func refusedField(_ body: String) async throws -> String? {
            let r = try await server.request("PUT", "/v1/models/loans/policies/staging", key: admin, body: body)
            return r.status == 400 ? (r.json["error"] as? [String: Any])?["field"] as? String : "status \(r.status)"
        }
        #expect(try await refusedField(#"{"checks": [{"metric": "happiness", "min": 1}]}"#) == "checks[0].metric")
        #expect(try await refusedField(#"{"checks": [{"fairness": "demographic_parity_difference", "max": 0.1}]}"#) == "checks[0].sensitive")
        #expect(try await refusedField(#"{"checks": [{"vibes": true}]}"#) == "checks[0]")
        #expect(try await refusedField(#"{"checks": []}"#) == "checks")
        #expect(try await server.request("PUT", "/v1/models/nope/policies/production", key: admin, body: policy).status == 404)
        #expect(try await server.request("DELETE", "/v1/models/loans/policies/production", key: admin).status == 204)
        #expect(try await promote(worse).status == 200)
        await server.stop()
    }
}
