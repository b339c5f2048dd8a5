import Datasets
import Foundation
import Platform
import Testing

/// `GET /v1/endpoints/{name}/drift`: low on inputs like the training data, high on shifted
/// ones, with a threshold that raises an audited event and a Prometheus gauge.
@Suite struct DriftOverHTTP {
    func instances(shift: Double, group: String?) -> [String] {
        let data = FairnessEvaluationsOverHTTP.csv()
        let lines = data.text.split(separator: "\n").dropFirst()
        return stride(from: 0, to: 400, by: 50).map { start in
            "[" + lines[(start + 1)..<(start + 51)].map { line in
                let cells = line.split(separator: ",")
                return #"{"score": \#(Double(cells[0])! + shift), "group": "\#(group ?? String(cells[1]))", "region": "\#(cells[2])"}"#
            }.joined(separator: ",") + "]"
        }
    }

    func feature(_ json: [String: Any], _ name: String) -> [String: Any]? {
        (json["features"] as? [[String: Any]])?.first { $0["name"] as? String == name }
    }

    @Test func driftRisesOnShiftedInputsOnly() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("maas-drift-\(UUID())")
        defer { try? FileManager.default.removeItem(at: root) }
        let (server, adminKey) = try await RunningServer.start(dataDirectory: root)
        let admin = try #require(adminKey)
        _ = try await server.request("POST", "/v1/datasets/loans?format=csv", key: admin, body: FairnessEvaluationsOverHTTP.csv().text)
        for name in ["steady", "shifted"] {
            let trained = try await server.request("POST", "/v1/training-jobs", key: admin,
                                                   body: #"{"name": "\#(name)", "dataset": "loans", "target": "approved", "spec": {"algorithm": "random_forest", "n_estimators": 10}}"#)
            _ = try await server.raw("GET", "/v1/training-jobs/\(try #require(trained.json["id"] as? String))/events", key: admin)
            #expect(try await server.request("POST", "/v1/deployments", key: admin, body: #"{"name": "\#(name)", "model": "\#(name)@1"}"#).status == 201)
        }
        // Before any traffic: no verdict.
        let empty = try await server.request("GET", "/v1/endpoints/steady/drift", key: admin)
        #expect(empty.status == 200 && empty.json["profiled"] as? Bool == true && feature(empty.json, "score")?["status"] as? String == "insufficient_data")

        for body in instances(shift: 0, group: nil) {
            #expect(try await server.request("POST", "/v1/models/steady:predict", key: admin, body: #"{"instances": \#(body)}"#).status == 200)
        }
        for body in instances(shift: 4, group: "b") {
            #expect(try await server.request("POST", "/v1/models/shifted:predict", key: admin, body: #"{"instances": \#(body)}"#).status == 200)
        }
        let steady = try await server.request("GET", "/v1/endpoints/steady/drift", key: admin)
        #expect(steady.json["rows_seen"] as? Int == 400 && (steady.json["drifted"] as? [String])?.isEmpty == true, "\(steady.json)")
        for name in ["score", "group", "region"] {
            let f = try #require(feature(steady.json, name))
            #expect(f["status"] as? String == "ok" && (f["psi"] as? Double ?? 1) < 0.1, "\(f)")
        }
        let steadyKS = try #require(feature(steady.json, "score")?["ks"] as? [String: Any])
        #expect((steadyKS["p_value"] as? Double ?? 0) > 0.05 && steadyKS["method"] as? String == "exact")

        let shifted = try await server.request("GET", "/v1/endpoints/shifted/drift", key: admin)
        #expect(Set(shifted.json["drifted"] as? [String] ?? []).isSuperset(of: ["score", "group"]), "\(shifted.json)")
        let score = try #require(feature(shifted.json, "score"))
        #expect((score["psi"] as? Double ?? 0) > 0.25 && ((score["ks"] as? [String: Any])?["p_value"] as? Double ?? 1) < 1e-6)
        #expect(feature(shifted.json, "region")?["status"] as? String == "ok")
        #expect((shifted.json["prediction"] as? [String: Any])?["kind"] as? String == "categorical")

        // Crossing the threshold writes an audit entry and sets the gauges.
        #expect(try await server.request("PUT", "/v1/endpoints/shifted/drift", key: admin, body: #"{"psi_threshold": 0.3}"#).status == 200)
        try await server.services.drift.flush()
        let audit = try await server.request("GET", "/v1/audit", key: admin)
        let actions = (audit.json["entries"] as? [[String: Any]] ?? []).compactMap { $0["action"] as? String }
        #expect(actions.contains("drift_threshold_crossed"), "\(actions)")
        let metrics = String(decoding: try await server.raw("GET", "/metrics", key: admin).body, as: UTF8.self)
        #expect(metrics.contains(#"maas_feature_drift_psi{project="default",endpoint="shifted",feature="score"}"#), "\(metrics.prefix(300))")
        #expect(metrics.contains("maas_drift_alerts_total"))
        #expect(try await server.request("PUT", "/v1/endpoints/shifted/drift", key: admin, body: #"{"psi_threshold": -1}"#).status == 400)
        #expect(try await server.request("GET", "/v1/endpoints/nope/drift", key: admin).status == 404)

        // A missing value is kept as missing; the windows are stored and read back at start.
        #expect(try await server.request("POST", "/v1/models/steady:predict", key: admin,
                                         body: #"{"instances": [{"score": null, "group": "a", "region": "north"}]}"#).status == 200)
        try await server.services.drift.flush()
        await server.stop()
        let (restarted, _) = try await RunningServer.start(dataDirectory: root)
        let after = try await restarted.request("GET", "/v1/endpoints/steady/drift", key: admin)
        #expect(after.json["rows_seen"] as? Int == 401, "\(after.json)")
        let missing = try #require(feature(after.json, "score")?["missing_share"] as? [String: Any])
        #expect(abs((missing["live"] as? Double ?? 0) - 1.0 / 401) < 1e-9, "\(missing)")
        await restarted.stop()
    }
}
