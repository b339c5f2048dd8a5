import Datasets
import Foundation
import NeuralNet
import Platform
import Testing

/// `POST /v1/endpoints/{name}/explain`: attributions in raw columns that add up to the
/// endpoint's own predictions, for every method; bad requests name their field.
@Suite struct ExplanationsOverHTTP {
    static let rows = #"[{"score": 7.5, "group": "a", "region": "north"}, {"score": 2.0, "group": "b", "region": "south"}, {"score": 5.1, "group": "b", "region": "north"}]"#

    func train(_ server: RunningServer, _ admin: String, name: String, spec: String) async throws {
        let trained = try await server.request("POST", "/v1/training-jobs", key: admin,
                                               body: #"{"name": "\#(name)", "dataset": "loans", "target": "approved", "spec": \#(spec)}"#)
        _ = try await server.raw("GET", "/v1/training-jobs/\(try #require(trained.json["id"] as? String))/events", key: admin)
        #expect(try await server.request("POST", "/v1/deployments", key: admin, body: #"{"name": "\#(name)", "model": "\#(name)@1"}"#).status == 201)
    }

    func explain(_ server: RunningServer, _ admin: String, _ endpoint: String, _ options: String = "") async throws -> (status: Int, json: [String: Any]) {
        let r = try await server.request("POST", "/v1/endpoints/\(endpoint)/explain", key: admin, body: #"{"instances": \#(Self.rows)\#(options)}"#)
        return (r.status, r.json)
    }

    /// Each output's base + Σ attributions, its stated value, and the probability the endpoint
    /// predicted for that class.
    func checkAdditive(_ json: [String: Any], units: String, tolerance: Double = 1e-6) throws {
        #expect(json["units"] as? String == units)
        let explanations = try #require(json["explanations"] as? [[String: Any]])
        #expect(explanations.count == 3)
        for e in explanations {
            let prediction = try #require(e["prediction"] as? [String: Any])
            let probabilities = try #require(prediction["probabilities"] as? [Double])
            for o in try #require(e["outputs"] as? [[String: Any]]) {
                let attributions = try #require(o["attributions"] as? [String: Double])
                #expect(Set(attributions.keys) == ["score", "group", "region"])
                let base = try #require(o["base_value"] as? Double), value = try #require(o["value"] as? Double)
                #expect(abs(base + attributions.values.reduce(0, +) - value) < tolerance)
                let classIndex = o["output"] as? String == "yes" ? 1 : 0
                let p = probabilities[classIndex]
                // Probabilities as served are Float32.
                let expected = units == "log_odds" ? log(p / (1 - p)) : p
                #expect(abs(value - expected) < 1e-4, "\(o) vs \(probabilities)")
            }
        }
    }

    @Test func treeLinearAndKernelExplanations() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("maas-explain-\(UUID())")
        defer { try? FileManager.default.removeItem(at: root) }
        let (server, adminKey) = try await RunningServer.start(dataDirectory: root)
        let admin = try #require(adminKey)
        _ = try await server.request("POST", "/v1/datasets/loans?format=csv", key: admin, body: FairnessEvaluationsOverHTTP.csv().text)
        try await train(server, admin, name: "forest", spec: #"{"algorithm": "random_forest", "n_estimators": 20, "max_depth": 6}"#)
        try await train(server, admin, name: "logistic", spec: #"{"algorithm": "logistic_regression"}"#)

        let tree = try await explain(server, admin, "forest")
        #expect(tree.status == 200 && tree.json["method"] as? String == "tree", "\(tree.json)")
        try checkAdditive(tree.json, units: "probability")
        // The label depends on score and group, never on region.
        let first = try #require((tree.json["explanations"] as? [[String: Any]])?.first?["outputs"] as? [[String: Any]])
        let yes = try #require(first.first { $0["output"] as? String == "yes" }?["attributions"] as? [String: Double])
        #expect(abs(yes["score"]!) + abs(yes["group"]!) > 3 * abs(yes["region"]!))

        let kernel = try await explain(server, admin, "forest", #", "method": "kernel", "samples": 6, "seed": 1"#)
        #expect(kernel.status == 200 && kernel.json["samples"] as? Int == 6, "\(kernel.json)")
        try checkAdditive(kernel.json, units: "probability")

        let linear = try await explain(server, admin, "logistic")
        #expect(linear.status == 200 && linear.json["method"] as? String == "linear", "\(linear.json)")
        try checkAdditive(linear.json, units: "log_odds")
        let kernelOnLogistic = try await explain(server, admin, "logistic", #", "method": "kernel""#)
        try checkAdditive(kernelOnLogistic.json, units: "probability")

        // Global: permutation importance and partial dependence as jobs, stored as evaluations.
        for body in [#"{"kind": "permutation_importance", "model": "forest@1", "dataset": "loans", "target": "approved", "n_repeats": 3, "seed": 2}"#,
                     #"{"kind": "partial_dependence", "model": "forest@1", "dataset": "loans", "features": ["score", "group"], "grid_resolution": 5}"#] {
            let job = try await server.request("POST", "/v1/explanation-jobs", key: admin, body: body)
            let id = try #require(job.json["id"] as? String, "\(job.json)")
            let events = String(decoding: try await server.raw("GET", "/v1/explanation-jobs/\(id)/events", key: admin).body, as: UTF8.self)
            #expect(events.contains("succeeded"), "\(events)")
            let evaluation = try await server.request("GET", "/v1/evaluations/eval_\(id.dropFirst(4))", key: admin)
            #expect(evaluation.status == 200, "\(evaluation.json)")
            if body.contains("permutation") {
                let features = try #require(evaluation.json["features"] as? [[String: Any]])
                #expect(features.count == 3 && (features.first?["importances"] as? [Double])?.count == 3)
                let importance = Dictionary(uniqueKeysWithValues: features.map { ($0["column"] as! String, $0["importance_mean"] as! Double) })
                #expect(importance["score"]! > 0.05 && importance["region"]! < importance["score"]!, "\(importance)")
                #expect(evaluation.json["metric"] as? String == "accuracy")
            } else {
                let sections = try #require(evaluation.json["partial_dependence"] as? [[String: Any]])
                #expect(sections.map { $0["feature"] as? String } == ["score", "group"])
                let yes = try #require((sections[0]["average"] as? [String: [Double]])?["yes"])
                // Approval rises with the score.
                #expect(yes.count == 5 && yes.last! > yes.first!)
                #expect((sections[1]["grid"] as? [String]) == ["a", "b"])
            }
        }
        let badJob = try await server.request("POST", "/v1/explanation-jobs", key: admin, body: #"{"kind": "partial_dependence", "model": "forest@1", "dataset": "loans"}"#)
        #expect(badJob.status == 400 && (badJob.json["error"] as? [String: Any])?["field"] as? String == "features")
        // A long job can be cancelled: it ends cancelled and stores no evaluation.
        let long = try await server.request("POST", "/v1/explanation-jobs", key: admin,
                                            body: #"{"kind": "permutation_importance", "model": "forest@1", "dataset": "loans", "target": "approved", "n_repeats": 100}"#)
        let longID = try #require(long.json["id"] as? String, "\(long.json)")
        #expect(try await server.request("POST", "/v1/explanation-jobs/\(longID)/cancel", key: admin).status == 200)
        _ = try await server.raw("GET", "/v1/explanation-jobs/\(longID)/events", key: admin)
        #expect(try await server.request("GET", "/v1/explanation-jobs/\(longID)", key: admin).json["state"] as? String == "cancelled")
        #expect(try await server.request("GET", "/v1/evaluations/eval_\(longID.dropFirst(4))", key: admin).status == 404)

        func refused(_ endpoint: String, _ options: String) async throws -> String? {
            let r = try await explain(server, admin, endpoint, options)
            return r.status == 400 ? (r.json["error"] as? [String: Any])?["field"] as? String : "status \(r.status)"
        }
        #expect(try await refused("forest", #", "method": "magic""#) == "method")
        #expect(try await refused("forest", #", "method": "linear""#) == "method")
        #expect(try await refused("logistic", #", "method": "tree""#) == "method")
        #expect(try await refused("forest", #", "method": "integrated_gradients""#) == "method")
        #expect(try await refused("forest", #", "method": "kernel", "samples": 1"#) == "samples")
        #expect(try await refused("forest", #", "colour": "red""#) == "colour")
        #expect(try await server.request("POST", "/v1/endpoints/nope/explain", key: admin, body: #"{"instances": \#(Self.rows)}"#).status == 404)
        await server.stop()
    }

    @Test func integratedGradientsOnATabularNetwork() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("maas-explain-ig-\(UUID())")
        defer { try? FileManager.default.removeItem(at: root) }
        let (server, adminKey) = try await RunningServer.start(dataDirectory: root)
        let admin = try #require(adminKey)
        _ = try await server.request("POST", "/v1/datasets/loans?format=csv", key: admin, body: FairnessEvaluationsOverHTTP.csv().text)
        // score (1) + group one-hot (2) + region one-hot (2) = 5 inputs.
        try await train(server, admin, name: "net", spec: """
            {"input": {"shape": [5]}, "layers": [{"type": "dense", "units": 16, "activation": "tanh"}, {"type": "dense", "units": 2, "activation": "softmax"}],
             "loss": "sparse_categorical_crossentropy", "optimizer": {"type": "adam", "lr": 0.01}, "epochs": 20, "batch_size": 32, "seed": 1}
            """)
        for baseline in ["zeros", "mean"] {
            let r = try await explain(server, admin, "net", #", "baseline": "\#(baseline)""#)
            #expect(r.status == 200 && r.json["method"] as? String == "integrated_gradients" && r.json["steps"] as? Int == 64, "\(r.json)")
            for e in try #require(r.json["explanations"] as? [[String: Any]]) {
                let o = try #require((e["outputs"] as? [[String: Any]])?.first)
                let attributions = try #require(o["attributions"] as? [String: Double])
                #expect(Set(attributions.keys) == ["score", "group", "region"])
                let base = try #require(o["base_value"] as? Double), value = try #require(o["value"] as? Double)
                // Completeness, as Captum states it: within 1% of f(x) − f(baseline).
                let gap = value - base, total = attributions.values.reduce(0, +)
                #expect(abs(total - gap) <= 0.01 * abs(gap) + 1e-5, "Σ = \(total), f(x) − f(b) = \(gap)")
            }
        }
        let wrongTarget = try await explain(server, admin, "net", #", "target": "maybe""#)
        #expect(wrongTarget.status == 400 && (wrongTarget.json["error"] as? [String: Any])?["field"] as? String == "target")
        #expect(try await explain(server, admin, "net", #", "steps": 1"#).status == 400)
        #expect(try await explain(server, admin, "net", #", "method": "tree""#).status == 400)
        await server.stop()
    }
}

/// Integrated gradients on an image network: completeness and a PNG heat map.
@Suite struct ImageAttributions {
    @Test func convolutionalNetworkGetsAHeatMap() throws {
        let spec = try JSONDecoder().decode(ModelSpec.self, from: Data("""
            {"input": {"shape": [12, 12, 1]},
             "layers": [{"type": "conv2d", "filters": 4, "kernel": 3, "activation": "tanh"}, {"type": "flatten"},
                        {"type": "dense", "units": 3, "activation": "softmax"}],
             "loss": "sparse_categorical_crossentropy", "seed": 3}
            """.utf8))
        let model = try Model(spec: spec)
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("maas-ig-\(UUID())")
        defer { try? FileManager.default.removeItem(at: root) }
        try ModelArtifact(spec: spec, labels: ["a", "b", "c"]).save(model: model, to: root.path)
        let loaded = try LoadedModel.load(directory: root)
        let image = (0..<144).map { Float(($0 * 37) % 17) / 17 }
        var options = ExplainOptions()
        options.target = "b"
        let report = try loaded.explain(.rows(values: image, rowCount: 1), options: options)
        let row = try #require(report.rows.first)
        let output = try #require(row.outputs.first)
        #expect(output.output == "b")
        let total = output.attributions.reduce(0) { $0 + $1.value }
        #expect(abs(total - (output.value - output.base)) <= 0.01 * abs(output.value - output.base) + 1e-6)
        let picture = try #require(row.image)
        #expect(picture.shape == [12, 12, 1] && picture.values.count == 144)
        #expect(picture.png.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        // 8-byte signature, then IHDR: length 13, "IHDR", width 12, height 12.
        #expect(Array(picture.png[16..<24]) == [0, 0, 0, 12, 0, 0, 0, 12])
    }

    @Test func gaussLegendreMatchesNumpy() {
        // numpy.polynomial.legendre.leggauss(3): nodes ±√(3/5), 0; weights 5/9, 8/9, 5/9 on [−1, 1].
        let (alphas, weights) = IntegratedGradients.gaussLegendre(3)
        let expected = [0.5 * (1 - (0.6).squareRoot()), 0.5, 0.5 * (1 + (0.6).squareRoot())]
        for i in 0..<3 { #expect(abs(alphas[i] - expected[i]) < 1e-14) }
        for (w, want) in zip(weights, [5.0 / 18, 8.0 / 18, 5.0 / 18]) { #expect(abs(w - want) < 1e-14) }
        #expect(abs(IntegratedGradients.gaussLegendre(64).weights.reduce(0, +) - 1) < 1e-12)
    }
}
