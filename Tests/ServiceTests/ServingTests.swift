import Datasets
import Foundation
import HTTPAPI
import LanguageModels
import Learners
import Platform
import Testing

/// Two versions of an iris classifier registered as `iris` (logistic regression, then kNN).
struct IrisVersions {
    let admin: String
    let rows: [[Double]]

    static func register(on server: RunningServer, admin: String, root: URL) async throws -> IrisVersions {
        let iris = try CSVReader().read(path: repositoryPath("data/sklearn/iris.csv"))
        for (i, spec) in [#"{"algorithm": "logistic_regression"}"#, #"{"algorithm": "knn", "n_neighbors": 3}"#].enumerated() {
            let pipeline = try TrainedPipeline.fit(try LearnerSpec.parse(spec), preprocessing: PreprocessingSpec(), table: iris, target: "target")
            let directory = root.appendingPathComponent("trained-\(i)")
            try PipelineArtifact(pipeline).save(pipeline, to: directory.path)
            let imported = try await server.request("POST", "/v1/models/iris/versions", key: admin, body: "{\"path\": \"\(directory.path)\"}")
            #expect(imported.status == 201)
        }
        return IrisVersions(admin: admin, rows: [[5.1, 3.5, 1.4, 0.2], [6.4, 3.2, 4.5, 1.5], [7.7, 3.0, 6.1, 2.3]])
    }

    var inferBody: String {
        "{\"inputs\": [{\"name\": \"input\", \"shape\": [\(rows.count), 4], \"datatype\": \"FP32\", \"data\": [\(rows.flatMap { $0 }.map { String($0) }.joined(separator: ","))]}]}"
    }
}

@Suite(.serialized) struct Serving {
    func withServer(budget: Int = 4 << 30, _ body: (RunningServer, IrisVersions) async throws -> Void) async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("maas-serving-\(UUID())")
        defer { try? FileManager.default.removeItem(at: root) }
        let (server, adminKey) = try await RunningServer.start(dataDirectory: root.appendingPathComponent("data"), modelMemoryBudget: budget)
        let iris = try await IrisVersions.register(on: server, admin: try #require(adminKey), root: root)
        try await body(server, iris)
        await server.stop()
    }

    /// Concurrent requests are grouped into one forward pass and each gets its own rows back.
    @Test func dynamicBatchingGroupsConcurrentRequests() async throws {
        try await withServer { server, iris in
            #expect(try await server.request("POST", "/v1/deployments", key: iris.admin, body: """
                {"name": "iris", "model": "iris@1", "batching": {"max_batch_size": 64, "max_delay_us": 200000}}
                """).status == 201)
            let single = try await server.request("POST", "/v2/models/iris/infer", key: iris.admin, body: iris.inferBody)
            let expected = try #require((single.json["outputs"] as? [[String: Any]])?.first?["data"] as? [String])
            let answers = try await withThrowingTaskGroup(of: [String]?.self) { group in
                for _ in 0..<12 {
                    group.addTask {
                        let response = try await server.request("POST", "/v2/models/iris/infer", key: iris.admin, body: iris.inferBody)
                        return (response.json["outputs"] as? [[String: Any]])?.first?["data"] as? [String]
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(answers.allSatisfy { $0 == expected })
            let metrics = String(decoding: try await server.raw("GET", "/metrics", key: iris.admin).body, as: UTF8.self)
            let batches = try #require(metricValue(metrics, "maas_inference_batch_rows_count"))
            let rows = try #require(metricValue(metrics, "maas_inference_batch_rows_sum"))
            #expect(rows == 39 && batches < 13, "13 requests of 3 rows ran in \(batches) batches")
            #expect(metricValue(metrics, "maas_inference_requests_total") == 13)
            #expect(metrics.contains("maas_inference_queue_seconds_bucket") && metrics.contains("maas_inference_compute_seconds_bucket"))
        }
    }

    /// A full queue answers 429 with Retry-After at once; a passed deadline answers 504; nothing hangs.
    @Test func overloadAndDeadlines() async throws {
        try await withServer { server, iris in
            #expect(try await server.request("POST", "/v1/deployments", key: iris.admin, body: """
                {"name": "slow", "model": "iris", "batching": {"max_batch_size": 1000, "max_delay_us": 300000, "max_queue": 1}}
                """).status == 201)
            let statuses = try await withThrowingTaskGroup(of: (Int, String?).self) { group in
                for _ in 0..<6 {
                    group.addTask {
                        let r = try await server.raw("POST", "/v2/models/slow/infer", key: iris.admin, body: Data(iris.inferBody.utf8))
                        return (r.status, r.headers["Retry-After"] as? String)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.filter { $0.0 == 200 }.count >= 1)
            #expect(statuses.filter { $0.0 == 429 }.count >= 1 && statuses.filter { $0.0 == 429 }.allSatisfy { $0.1 != nil })
            #expect(statuses.allSatisfy { $0.0 == 200 || $0.0 == 429 })
            let late = try await server.raw("POST", "/v2/models/slow/infer", key: iris.admin, body: Data(iris.inferBody.utf8), headers: ["timeout": "0.05"])
            #expect(late.status == 504)
            let badTimeout = try await server.request("POST", "/v2/models/slow/infer?timeout=-1", key: iris.admin, body: iris.inferBody)
            #expect(badTimeout.status == 400 && (badTimeout.json["error"] as? [String: Any])?["field"] as? String == "timeout")
            let badPolicy = try await server.request("POST", "/v1/deployments", key: iris.admin,
                                                     body: #"{"name": "x", "model": "iris", "batching": {"max_queue": 0}}"#)
            #expect(badPolicy.status == 400 && (badPolicy.json["error"] as? [String: Any])?["field"] as? String == "batching.max_queue")
        }
    }

    /// Moving the alias behind an endpoint swaps versions while requests keep flowing: none fails.
    /// A canary split sends its share to the other version; a named version is reachable directly.
    @Test func aliasSwapUnderLoadAndCanary() async throws {
        try await withServer { server, iris in
            #expect(try await server.request("PUT", "/v1/models/iris/aliases/production", key: iris.admin, body: #"{"version": 1}"#).status == 200)
            #expect(try await server.request("POST", "/v1/deployments", key: iris.admin, body: #"{"name": "iris", "model": "iris@production"}"#).status == 201)
            let load = Task {
                var seen: [String] = []
                for _ in 0..<150 {
                    let r = try await server.request("POST", "/v2/models/iris/infer", key: iris.admin, body: iris.inferBody)
                    seen.append(r.status == 200 ? (r.json["model_version"] as? String ?? "?") : "status \(r.status)")
                }
                return seen
            }
            try await Task.sleep(for: .milliseconds(30))
            #expect(try await server.request("PUT", "/v1/models/iris/aliases/production", key: iris.admin, body: #"{"version": 2}"#).status == 200)
            let seen = try await load.value
            #expect(seen.allSatisfy { $0 == "1" || $0 == "2" }, "\(Set(seen))")
            #expect(seen.last == "2")
            #expect(try await server.request("POST", "/v2/models/iris/versions/1/infer", key: iris.admin, body: iris.inferBody).json["model_version"] as? String == "1")
            #expect(try await server.request("GET", "/v2/models/iris/versions/9", key: iris.admin).status == 404)

            let deployed = try await server.request("POST", "/v1/deployments", key: iris.admin,
                                                    body: #"{"name": "iris", "model": "iris@1", "canary": {"model": "2", "percent": 30}}"#)
            #expect((deployed.json["canary"] as? [String: Any])?["version"] as? Int == 2)
            var versions: [String: Int] = [:]
            for _ in 0..<300 {
                let r = try await server.request("POST", "/v2/models/iris/infer", key: iris.admin, body: iris.inferBody)
                versions[r.json["model_version"] as? String ?? "?", default: 0] += 1
            }
            #expect((versions["2"] ?? 0) > 45 && (versions["2"] ?? 0) < 135 && (versions["1"] ?? 0) + (versions["2"] ?? 0) == 300, "\(versions)")
        }
    }

    /// Under a memory budget only the most recently used model stays loaded; an unloaded one
    /// loads again on its next request.
    @Test func leastRecentlyUsedModelsAreUnloaded() async throws {
        try await withServer(budget: 1) { server, iris in
            for (name, model) in [("a", "iris@1"), ("b", "iris@2")] {
                #expect(try await server.request("POST", "/v1/deployments", key: iris.admin, body: "{\"name\": \"\(name)\", \"model\": \"\(model)\"}").status == 201)
            }
            #expect(await server.services.endpoints.loadedArtifacts.count == 1)
            for name in ["a", "b", "a", "a", "b"] {
                let r = try await server.request("POST", "/v2/models/\(name)/infer", key: iris.admin, body: iris.inferBody)
                #expect(r.status == 200 && r.json["model_version"] as? String == (name == "a" ? "1" : "2"))
                #expect(await server.services.endpoints.loadedArtifacts.count == 1)
            }
        }
    }

    /// The binary tensor extension: JSON header, then raw little-endian FP32 data.
    @Test func binaryTensorData() async throws {
        try await withServer { server, iris in
            _ = try await server.request("POST", "/v1/deployments", key: iris.admin, body: #"{"name": "iris", "model": "iris@1"}"#)
            let json = try await server.request("POST", "/v2/models/iris/infer", key: iris.admin, body: iris.inferBody)
            let header = Data("{\"inputs\": [{\"name\": \"input\", \"shape\": [3, 4], \"datatype\": \"FP32\", \"parameters\": {\"binary_data_size\": 48}}]}".utf8)
            var body = header
            for value in iris.rows.flatMap({ $0 }) { withUnsafeBytes(of: Float(value).bitPattern.littleEndian) { body.append(contentsOf: $0) } }
            let binary = try await server.raw("POST", "/v2/models/iris/infer", key: iris.admin, body: body,
                                              headers: ["Inference-Header-Content-Length": String(header.count), "Content-Type": "application/octet-stream"])
            let outputs = (try JSONSerialization.jsonObject(with: binary.body) as? [String: Any])?["outputs"] as? [[String: Any]]
            #expect(binary.status == 200 && outputs?.first?["data"] as? [String] == (json.json["outputs"] as? [[String: Any]])?.first?["data"] as? [String])
            let short = try await server.raw("POST", "/v2/models/iris/infer", key: iris.admin, body: body.dropLast(4),
                                             headers: ["Inference-Header-Content-Length": String(header.count)])
            #expect(short.status == 400)
        }
    }

    /// Usage per key; projects created by operators; server metrics only for operators.
    @Test func usageProjectsAndMetricsAccess() async throws {
        try await withServer { server, iris in
            _ = try await server.request("POST", "/v1/deployments", key: iris.admin, body: #"{"name": "iris", "model": "iris@1"}"#)
            for _ in 0..<4 { _ = try await server.request("POST", "/v2/models/iris/infer", key: iris.admin, body: iris.inferBody) }
            let usage = try await server.request("GET", "/v1/usage", key: iris.admin).json
            #expect((usage["total"] as? [String: Any])?["rows_predicted"] as? Int == 12)
            #expect(((usage["total"] as? [String: Any])?["requests"] as? Int ?? 0) >= 4)

            let created = try await server.request("POST", "/v1/projects", key: iris.admin, body: #"{"name": "team"}"#)
            let teamKey = try #require((created.json["admin_key"] as? [String: Any])?["key"] as? String)
            #expect(try await server.request("POST", "/v1/projects", key: iris.admin, body: #"{"name": "team"}"#).status == 409)
            #expect(try await server.request("GET", "/metrics", key: teamKey).status == 403)
            #expect(try await server.request("POST", "/v1/projects", key: teamKey, body: #"{"name": "other"}"#).status == 403)
            #expect(try await server.request("GET", "/v2/models/iris", key: teamKey).status == 404)
            #expect((try await server.request("GET", "/v1/usage", key: teamKey).json["keys"] as? [Any])?.isEmpty == true)
            #expect((try await server.request("GET", "/v1/projects", key: iris.admin).json["projects"] as? [[String: Any]])?.count == 2)
        }
    }
}

/// The sum over every sample of a Prometheus metric (all label sets).
func metricValue(_ exposition: String, _ name: String) -> Double? {
    let values = exposition.split(separator: "\n").filter { $0.hasPrefix(name + " ") || $0.hasPrefix(name + "{") }
        .compactMap { $0.split(separator: " ").last.flatMap { Double($0) } }
    return values.isEmpty ? nil : values.reduce(0, +)
}

@Suite struct BadInputOnEveryRoute {
    /// Every route, with unknown ids and malformed bodies (empty, truncated, wrong type, unknown
    /// field, hostile nesting, NaN), answers a 4xx with a JSON error, never a 500 or a hang.
    @Test func malformedRequestsGetA4xxWithAMessage() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("maas-fuzz-\(UUID())")
        defer { try? FileManager.default.removeItem(at: root) }
        let (server, adminKey) = try await RunningServer.start(dataDirectory: root.appendingPathComponent("data"))
        let admin = try #require(adminKey)
        _ = try await IrisVersions.register(on: server, admin: admin, root: root)
        _ = try await server.request("POST", "/v1/deployments", key: admin, body: #"{"name": "iris", "model": "iris@1"}"#)
        let bodies = ["", "{", "[]", "42", #"{"surprise": 1}"#, #"{"name": 7, "model": []}"#,
                      String(repeating: "[", count: 5000), #"{"inputs": [{"name": "x", "shape": [1, 4], "datatype": "FP32", "data": [NaN, 1, 2, 3]}]}"#,
                      // A column named twice trapped building the row (a crash of the whole server), and a
                      // column holding two values per row was read as its first values only.
                      #"{"inputs": [{"name": "x0", "shape": [1], "datatype": "FP32", "data": [1]}, {"name": "x0", "shape": [1], "datatype": "FP32", "data": [2]}]}"#,
                      #"{"inputs": [{"name": "x0", "shape": [1, 2], "datatype": "FP32", "data": [1, 2]}, {"name": "x1", "shape": [1], "datatype": "FP32", "data": [2]}]}"#]
        var checked = 0
        for route in APIServer.registeredRoutes(services: server.services) {
            let parts = route.split(separator: " ", maxSplits: 1)
            let method = String(parts[0])
            guard method != "GET" || route.contains("{") else { continue }
            // Known endpoint and model names where the route takes one, unknown ids elsewhere.
            let path = String(parts[1]).replacingOccurrences(of: "{name}", with: "iris").replacingOccurrences(of: "{version}", with: "1")
                .replacingOccurrences(of: "{alias}", with: "staging").replacingOccurrences(of: "{id}", with: "no-such-id")
            for body in (method == "GET" || method == "DELETE") ? [""] : bodies {
                let response = try await server.raw(method, path, key: admin, body: Data(body.utf8), timeout: 30)
                checked += 1
                if (200..<300).contains(response.status) { continue }  // e.g. GET /v2/models/iris exists
                let error = (try? JSONSerialization.jsonObject(with: response.body) as? [String: Any])?["error"] as? [String: Any]
                #expect((400..<500).contains(response.status) && !(error?["message"] as? String ?? "").isEmpty,
                        "\(method) \(path) with \(body.prefix(40)) → \(response.status) \(String(decoding: response.body.prefix(200), as: UTF8.self))")
            }
        }
        #expect(checked >= 120)

        await server.stop()
    }
}

@Suite struct EmbeddingsEndpoint {
    /// A sentence-transformers directory registers and serves `/v1/embeddings`; bad requests name the field.
    @Test func embeddingsAndTheirErrors() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("maas-embeddings-\(UUID())")
        defer { try? FileManager.default.removeItem(at: root) }
        let (server, adminKey) = try await RunningServer.start(dataDirectory: root.appendingPathComponent("data"))
        let admin = try #require(adminKey)
        let model = repositoryPath("models/all-minilm-l6-v2")
        let imported = try await server.request("POST", "/v1/models/minilm/versions", key: admin, body: "{\"path\": \"\(model)\"}")
        #expect(imported.status == 201 && imported.json["kind"] as? String == "sentence_encoder")
        _ = try await IrisVersions.register(on: server, admin: admin, root: root)
        for (name, reference) in [("minilm", "minilm"), ("iris", "iris@1")] {
            #expect(try await server.request("POST", "/v1/deployments", key: admin, body: "{\"name\": \"\(name)\", \"model\": \"\(reference)\"}").status == 201)
        }
        let ok = try await server.request("POST", "/v1/embeddings", key: admin, body: #"{"model": "minilm", "input": ["hello world", "good morning"]}"#)
        let data = try #require(ok.json["data"] as? [[String: Any]])
        let first = try #require(data.first?["embedding"] as? [Double])
        #expect(data.count == 2 && first.count == 384 && abs(first.reduce(0) { $0 + $1 * $1 } - 1) < 1e-4)
        #expect((ok.json["usage"] as? [String: Any])?["prompt_tokens"] as? Int == 8)
        // The same model answers the Open Inference Protocol with a BYTES tensor.
        let oip = try await server.request("POST", "/v2/models/minilm/infer", key: admin,
                                           body: #"{"inputs": [{"name": "text", "shape": [1], "datatype": "BYTES", "data": ["hello world"]}]}"#)
        let values = try #require((oip.json["outputs"] as? [[String: Any]])?.first?["data"] as? [Double])
        #expect(zip(values, first).allSatisfy { abs($0 - $1) < 1e-5 })
        for (body, field) in [(#"{"model": "minilm"}"#, "input"), (#"{"model": "minilm", "input": [1, 2]}"#, "input"),
                              (#"{"model": "minilm", "input": ["ok", ""]}"#, "input[1]"), (#"{"model": "iris", "input": "x"}"#, "model"),
                              (#"{"model": "minilm", "input": "x", "encoding_format": "hex"}"#, "encoding_format"),
                              (#"{"model": "minilm", "input": "x", "dimensions": 12}"#, "dimensions")] {
            let bad = try await server.request("POST", "/v1/embeddings", key: admin, body: body)
            #expect(bad.status == 400 && (bad.json["error"] as? [String: Any])?["field"] as? String == field, "\(body) → \(bad.json)")
        }
        #expect(try await server.request("POST", "/v1/embeddings", key: admin, body: #"{"model": "nope", "input": "x"}"#).status == 404)
        await server.stop()
    }
}

@Suite struct ContinuousBatching {
    static let modelPath = repositoryPath("models/smollm2-135m-instruct-q4_1.gguf")

    /// Sequences decoded together get exactly the tokens each gets alone; a client that goes
    /// away stops its own sequence only; a prompt extending a cached one reuses its prefix.
    @Test func batchedSequencesMatchSoloRuns() async throws {
        let llm = try LlamaModel(path: Self.modelPath)
        var options = SamplingOptions()
        options.temperature = 0
        options.maxTokens = 24
        let prompts = ["What is the capital of France?", "Name three colors.", "Write a haiku about the sea.", "Count from 1 to 5.",
                       "Who wrote Hamlet?", "What is 2 + 2?", "Describe a cat.", "Say hello in Spanish."]
            .map { llm.tokenizer.encode(llm.chatPrompt([("user", $0)])) }
        let solo = try prompts.map { prompt in
            try llm.generate(prompt: prompt, options: options, session: LlamaModel.Session(model: llm, capacity: 256)).text
        }
        let queue = GenerationQueue(model: llm, maxQueue: 8, maxActive: 8, contextTokens: 256)
        let shared = options
        let together = try await withThrowingTaskGroup(of: (Int, String).self) { group in
            for (i, prompt) in prompts.enumerated() {
                group.addTask { (i, try await queue.submit(prompt: prompt, options: shared).text) }
            }
            return try await group.reduce(into: [Int: String]()) { $0[$1.0] = $1.1 }
        }
        #expect(prompts.indices.map { together[$0] } == solo.map { Optional($0) })

        let counter = PieceCounter()
        let abandoned = try await queue.submit(prompt: prompts[2], options: shared) { _ in counter.increment() < 3 }
        #expect(abandoned.completionTokens < 24 && abandoned.finish == .stop)

        // A follow-up turn starts with the previous prompt: the cached prefix gives the same answer.
        let followUp = llm.tokenizer.encode(llm.chatPrompt([("user", "What is the capital of France?"), ("assistant", solo[0]), ("user", "And of Italy?")]))
        let reused = try await queue.submit(prompt: followUp, options: shared).text
        let fresh = try llm.generate(prompt: followUp, options: options, session: LlamaModel.Session(model: llm, capacity: 256)).text
        #expect(reused == fresh)
        queue.close()
    }
}

final class PieceCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() -> Int { lock.withLock { count += 1; return count } }
}
