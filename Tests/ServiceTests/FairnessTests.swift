import Datasets
import Foundation
import Platform
import Testing

/// `POST /v1/evaluations`: a model version's group metrics over a dataset, by each sensitive
/// column and their intersection, the same numbers as `GroupFairness` on the version's own
/// predictions (which agree with fairlearn: DatasetsTests); bad requests name their field.
@Suite struct FairnessEvaluationsOverHTTP {
    /// 400 rows: a score, a group that shifts the label (so a model that sees it treats the
    /// groups differently), and a region that does not.
    static func csv() -> (text: String, truth: [String], group: [String], region: [String]) {
        var text = "score,group,region,approved\n"
        var truth: [String] = [], group: [String] = [], region: [String] = []
        for i in 0..<400 {
            let score = Double((i * 37) % 100) / 10
            let g = i % 3 == 0 ? "b" : "a", r = i % 2 == 0 ? "north" : "south"
            let approved = score + (g == "a" ? 1.5 : -1.5) + Double((i * 13) % 7) / 3 - 1 > 5 ? "yes" : "no"
            text += "\(score),\(g),\(r),\(approved)\n"
            truth.append(approved); group.append(g); region.append(r)
        }
        return (text, truth, group, region)
    }

    /// Foundation's JSON parser on Linux may miss a double's last bits.
    func close(_ got: Any?, _ want: Double?) -> Bool {
        guard let got = got as? Double, let want else { return false }
        return abs(got - want) <= 1e-12
    }

    @Test func groupMetricsOfAModelVersion() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("maas-fairness-\(UUID())")
        defer { try? FileManager.default.removeItem(at: root) }
        let (server, adminKey) = try await RunningServer.start(dataDirectory: root)
        let admin = try #require(adminKey)
        let data = Self.csv()
        _ = try await server.request("POST", "/v1/datasets/loans?format=csv", key: admin, body: data.text)
        let trained = try await server.request("POST", "/v1/training-jobs", key: admin,
                                               body: #"{"name": "loans", "dataset": "loans", "target": "approved", "spec": {"algorithm": "logistic_regression"}}"#)
        _ = try await server.raw("GET", "/v1/training-jobs/\(try #require(trained.json["id"] as? String))/events", key: admin)
        // The version's own predictions, from a batch job.
        let batch = try await server.request("POST", "/v1/batch-jobs", key: admin, body: #"{"model": "loans@1", "dataset": "loans"}"#)
        let batchID = try #require(batch.json["id"] as? String)
        _ = try await server.raw("GET", "/v1/batch-jobs/\(batchID)/events", key: admin)
        let output = String(decoding: try await server.raw("GET", "/v1/batch-jobs/\(batchID)/output", key: admin).body, as: UTF8.self)
        let lines = output.split(separator: "\n").map { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] ?? [:]
        }
        let predicted = lines.map { $0["label"] as? String ?? "" }
        #expect(predicted.count == 400)

        let evaluated = try await server.request("POST", "/v1/evaluations", key: admin, body: """
            {"model": "loans@1", "dataset": "loans", "target": "approved", "sensitive": ["group", "region"]}
            """)
        #expect(evaluated.status == 201, "\(evaluated.json)")
        // Stored: listed, and read back as it was answered.
        let id = try #require(evaluated.json["id"] as? String)
        let listed = try await server.request("GET", "/v1/evaluations", key: admin)
        let entries = try #require(listed.json["evaluations"] as? [[String: Any]])
        #expect(entries.count == 1 && entries.first?["id"] as? String == id && entries.first?["model"] as? String == "loans@1")
        let stored = try await server.raw("GET", "/v1/evaluations/\(id)", key: admin)
        let storedReport = try JSONSerialization.jsonObject(with: stored.body) as? [String: Any]
        #expect(stored.status == 200 && storedReport?["id"] as? String == id && storedReport?["by"] != nil)
        #expect(try await server.request("GET", "/v1/evaluations/eval_nope", key: admin).status == 404)
        #expect(evaluated.json["task"] as? String == "classification" && evaluated.json["positive_label"] as? String == "yes")
        let views = try #require(evaluated.json["by"] as? [[String: Any]])
        #expect(views.map { $0["sensitive"] as? [String] ?? [] } == [["group"], ["region"], ["group", "region"]])
        for (view, columns) in zip(views, [[data.group], [data.region], [data.group, data.region]]) {
            let expected = GroupFairness.classification(truth: data.truth, predicted: predicted, positive: "yes", sensitive: columns)
            let groups = try #require(view["groups"] as? [[String: Any]])
            #expect(groups.count == expected.groups.count)
            for (got, want) in zip(groups, expected.groups) {
                let metrics = try #require(got["metrics"] as? [String: Any])
                #expect(metrics["count"] as? Int == want.metrics.count)
                #expect(close(metrics["selection_rate"], want.metrics.selectionRate))
                #expect(close(metrics["recall"], want.metrics.recall))
                #expect(close(metrics["false_positive_rate"], want.metrics.falsePositiveRate))
            }
            #expect(close(view["demographic_parity_difference"], expected.demographicParityDifference))
            #expect(close(view["equalized_odds_difference"], expected.equalizedOddsDifference))
        }
        // The model sees the group: selection rates differ by group far more than by region.
        let byGroup = try #require(views[0]["demographic_parity_difference"] as? Double)
        let byRegion = try #require(views[1]["demographic_parity_difference"] as? Double)
        #expect(byGroup > 0.2 && byRegion < byGroup)

        // The version's card cites the evaluation, its data, validation and metrics.
        let card = try await server.request("GET", "/v1/models/loans/versions/1/card", key: admin)
        #expect(card.status == 200 && card.json["validation"] as? String == "held-out rows")
        #expect((card.json["training_data"] as? [String: Any])?["dataset"] as? String == "loans")
        #expect((card.json["fairness"] as? [[String: Any]])?.map { $0["id"] as? String } == [id])
        #expect((card.json["privacy"] as? [String: Any])?["differentially_private"] as? Bool == false)
        let markdown = try await server.raw("GET", "/v1/models/loans/versions/1/card?format=markdown", key: admin)
        let text = String(decoding: markdown.body, as: UTF8.self)
        #expect(markdown.status == 200 && text.hasPrefix("# loans version 1") && text.contains("| group × region |") && text.contains("Evaluation \(id)"))
        #expect(try await server.request("GET", "/v1/models/loans/versions/9/card", key: admin).status == 404)
        #expect(try await server.request("GET", "/v1/models/loans/versions/1/card?format=pdf", key: admin).status == 400)

        // Mitigation: the threshold optimizer fitted on the version's scores for "yes" (labels
        // sort as no, yes), groups the intersections; the same as fitting it here on the batch
        // job's probabilities, and the disparity it targets closes.
        let scores = lines.map { ($0["probabilities"] as? [Double])?.last ?? .nan }
        for constraint in ThresholdOptimizer.Constraint.allCases {
            let mitigated = try await server.request("POST", "/v1/evaluations", key: admin, body: """
                {"model": "loans@1", "dataset": "loans", "target": "approved", "sensitive": ["group", "region"],
                 "mitigate": {"method": "threshold_optimizer", "constraint": "\(constraint.rawValue)"}}
                """)
            #expect(mitigated.status == 201, "\(mitigated.json)")
            let section = try #require(mitigated.json["mitigation"] as? [String: Any])
            let groups = zip(data.group, data.region).map { [$0, $1] }
            let optimizer = try ThresholdOptimizer.fit(scores: scores, labels: data.truth.map { $0 == "yes" }, groups: groups, constraint: constraint)
            #expect(close(section["best_x"], optimizer.bestX))
            #expect((section["rules"] as? [[String: Any]])?.count == 4)
            let after = try #require(section["after"] as? [String: Any]), before = try #require(section["before"] as? [String: Any])
            let expected = GroupFairness.classification(truth: data.truth.map { $0 == "yes" },
                                                        positiveProbability: zip(scores, groups).map { optimizer.positiveProbability(score: $0, group: $1)! },
                                                        sensitive: [data.group, data.region])
            #expect(close(after["demographic_parity_difference"], expected.demographicParityDifference))
            #expect(close(after["equalized_odds_difference"], expected.equalizedOddsDifference))
            #expect(close(before["demographic_parity_difference"], views[2]["demographic_parity_difference"] as? Double))
            let targeted = constraint == .demographicParity ? "demographic_parity_difference" : "equalized_odds_difference"
            let (gapAfter, gapBefore) = (after[targeted] as? Double ?? 1, before[targeted] as? Double ?? 0)
            #expect(gapAfter < 1e-9 && gapBefore > 0.02, "\(targeted): before \(gapBefore), after \(gapAfter)")
        }

        // Reweighing: the same learner trained with the groups reweighed selects more evenly.
        let reweighed = try await server.request("POST", "/v1/training-jobs", key: admin, body: """
            {"name": "loans", "dataset": "loans", "target": "approved", "spec": {"algorithm": "logistic_regression"},
             "preprocessing": {"reweigh": ["group"]}}
            """)
        let events = try await server.raw("GET", "/v1/training-jobs/\(try #require(reweighed.json["id"] as? String))/events", key: admin)
        #expect(String(decoding: events.body, as: UTF8.self).contains("event: metrics"))
        let fairer = try await server.request("POST", "/v1/evaluations", key: admin, body: """
            {"model": "loans@2", "dataset": "loans", "target": "approved", "sensitive": ["group"]}
            """)
        let fairerGap = try #require(((fairer.json["by"] as? [[String: Any]])?.first)?["demographic_parity_difference"] as? Double)
        #expect(fairerGap < byGroup - 0.05, "reweighed \(fairerGap), unweighted \(byGroup)")
        let fairerCard = try await server.request("GET", "/v1/models/loans/versions/2/card", key: admin)
        #expect((fairerCard.json["training_data"] as? [String: Any])?["reweighed_by"] as? [String] == ["group"])
        let refusedJob = try await server.request("POST", "/v1/training-jobs", key: admin, body: """
            {"name": "loans", "dataset": "loans", "target": "approved", "spec": {"algorithm": "logistic_regression"}, "preprocessing": {"reweigh": []}}
            """)
        #expect(refusedJob.status == 400 && (refusedJob.json["error"] as? [String: Any])?["field"] as? String == "preprocessing.reweigh")

        func refused(_ body: String) async throws -> String? {
            let response = try await server.request("POST", "/v1/evaluations", key: admin, body: body)
            return response.status == 400 ? (response.json["error"] as? [String: Any])?["field"] as? String : "status \(response.status)"
        }
        #expect(try await refused(#"{"model": "loans@1", "dataset": "loans", "target": "approved", "sensitive": ["sex"]}"#) == "sensitive[0]")
        #expect(try await refused(#"{"model": "loans@1", "dataset": "loans", "target": "approved", "sensitive": ["group"], "min_group_size": 200}"#) == "sensitive")
        #expect(try await refused(#"{"model": "loans@1", "dataset": "loans", "target": "approved", "sensitive": ["group"], "positive_label": "maybe"}"#) == "positive_label")
        #expect(try await refused(#"{"model": "loans@1", "dataset": "loans", "target": "approved", "sensitive": []}"#) == "sensitive")
        #expect(try await refused(#"{"model": "loans@1", "dataset": "loans", "target": "approved", "sensitive": ["group"], "by": 1}"#) == "by")
        #expect(try await refused(#"{"model": "loans@1", "dataset": "loans", "target": "approved", "sensitive": ["group"], "mitigate": {"method": "threshold_optimizer", "constraint": "parity"}}"#) == "mitigate.constraint")
        #expect(try await refused(#"{"model": "loans@1", "dataset": "loans", "target": "approved", "sensitive": ["group"], "mitigate": {"method": "reweighing"}}"#) == "mitigate.method")
        #expect(try await refused(#"{"model": "loans@1", "dataset": "loans", "target": "approved", "sensitive": ["group"], "mitigate": {"method": "threshold_optimizer", "constraint": "equalized_odds", "grid_size": 3}}"#) == "mitigate.grid_size")
        await server.stop()
    }
}
