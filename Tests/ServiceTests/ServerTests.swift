import Datasets
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import HTTPAPI
import Hummingbird
import Learners
import Logging
import Platform
import SQLiteStore
import ServiceLifecycle
import Testing

/// A file of this repository (data/ and models/ are fetched by `make test`).
func repositoryPath(_ relative: String) -> String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../" + relative).standardized.path
}

/// A real server on a free loopback port over a data directory, stopped with the same graceful
/// shutdown that SIGTERM triggers.
struct RunningServer {
    let port: Int
    let services: PlatformServices
    let group: ServiceGroup
    let task: Task<Void, any Error>

    static func start(dataDirectory: URL, adminKey: String? = nil, maximumUploadBytes: Int = 1 << 30,
                      modelMemoryBudget: Int = 4 << 30, masterKey: MasterKeyConfiguration? = nil, logger custom: Logger? = nil,
                      tls: ServerTLS? = nil, maximumAudioSeconds: Double = 3600) async throws -> (RunningServer, String?) {
        let store = try SQLiteMetadataStore(path: dataDirectory.appendingPathComponent("metadata.sqlite").path)
        var services = try await PlatformServices.open(dataDirectory: dataDirectory, store: store, masterKey: masterKey,
                                                       maximumUploadBytes: maximumUploadBytes, modelMemoryBudget: modelMemoryBudget)
        services.maximumAudioSeconds = maximumAudioSeconds
        let token = try await services.keys.bootstrap(fixed: adminKey)
        let failures = try await services.endpoints.restore(projects: try await store.projectNames())
        guard failures.isEmpty else { throw PlatformError.conflict("deployments not restored: \(failures.map { $0.error })") }
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        var logger = custom ?? Logger(label: "test")
        if custom == nil { logger.logLevel = .warning }
        let app = try APIServer.application(services: services, host: "127.0.0.1", port: 0, logger: logger, tls: tls) { continuation.yield($0) }
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        let task = Task { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw PlatformError.conflict("server did not start") }
        return (RunningServer(port: port, services: services, group: group, task: task), token)
    }

    func request(_ method: String, _ path: String, key: String?, body: String? = nil) async throws -> (status: Int, json: [String: Any], headers: [AnyHashable: Any]) {
        let (status, data, headers) = try await raw(method, path, key: key, body: body.map { Data($0.utf8) })
        return (status, (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:], headers)
    }

    func raw(_ method: String, _ path: String, key: String?, body: Data? = nil, headers: [String: String] = [:],
             timeout: TimeInterval = 300) async throws -> (status: Int, body: Data, headers: [AnyHashable: Any]) {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = method
        request.timeoutInterval = timeout
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        if let key { request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization") }
        request.httpBody = body
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as! HTTPURLResponse
        return (http.statusCode, data, http.allHeaderFields)
    }

    func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }
}

@Suite(.serialized) struct ServerEndToEnd {
    /// Trains a small pipeline, serves it over both inference protocols, checks keys, roles,
    /// project isolation and bad input, then restarts and checks the model is still served.
    @Test func importDeployPredictRestart() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("maas-server-\(UUID())")
        defer { try? FileManager.default.removeItem(at: root) }
        let iris = try CSVReader().read(path: repositoryPath("data/sklearn/iris.csv"))
        let pipeline = try TrainedPipeline.fit(try LearnerSpec.parse(#"{"algorithm": "logistic_regression"}"#),
                                               preprocessing: PreprocessingSpec(), table: iris, target: "target")
        let artifactDirectory = root.appendingPathComponent("trained")
        try PipelineArtifact(pipeline).save(pipeline, to: artifactDirectory.path)
        let rows = [[5.1, 3.5, 1.4, 0.2], [6.4, 3.2, 4.5, 1.5], [7.7, 3.0, 6.1, 2.3]]
        let local = pipeline.learner.predict(try pipeline.preprocessor.transform(records: rows.map { row in
            Dictionary(uniqueKeysWithValues: row.enumerated().map { ("x\($0)", CellValue.number($1)) })
        })).map { pipeline.labels!.classes[Int($0)] }

        var (server, adminKey) = try await RunningServer.start(dataDirectory: root.appendingPathComponent("data"))
        let admin = try #require(adminKey)

        // Health is open; everything else needs a key, and every response names its request.
        #expect(try await server.request("GET", "/v2/health/live", key: nil).status == 200)
        let anonymous = try await server.request("GET", "/v1/models", key: nil)
        #expect(anonymous.status == 401 && (anonymous.json["error"] as? [String: Any])?["code"] as? String == "unauthenticated")
        #expect(anonymous.headers["x-request-id"] != nil)
        #expect(try await server.request("GET", "/v1/models", key: "maas_forged_secret").status == 401)

        // Register, alias, deploy.
        let imported = try await server.request("POST", "/v1/models/iris/versions", key: admin, body: "{\"path\": \"\(artifactDirectory.path)\"}")
        #expect(imported.status == 201 && imported.json["version"] as? Int == 1 && imported.json["kind"] as? String == "classical")
        #expect(try await server.request("PUT", "/v1/models/iris/aliases/production", key: admin, body: #"{"version": 1}"#).status == 200)
        #expect(try await server.request("POST", "/v1/deployments", key: admin, body: #"{"name": "iris", "model": "iris@production"}"#).status == 201)

        // Open Inference Protocol: raw column values as one FP32 tensor.
        let data = rows.flatMap { $0 }.map { String($0) }.joined(separator: ",")
        let oip = try await server.request("POST", "/v2/models/iris/infer", key: admin,
                                           body: "{\"inputs\": [{\"name\": \"input\", \"shape\": [3, 4], \"datatype\": \"FP32\", \"data\": [\(data)]}]}")
        let outputs = try #require(oip.json["outputs"] as? [[String: Any]])
        #expect(outputs[0]["data"] as? [String] == local)
        #expect((outputs[1]["shape"] as? [Int]) == [3, 3])
        // TF-Serving: named raw values per instance.
        let instances = rows.map { row in "{" + row.enumerated().map { "\"x\($0)\": \($1)" }.joined(separator: ", ") + "}" }.joined(separator: ", ")
        let tf = try await server.request("POST", "/v1/models/iris:predict", key: admin, body: "{\"instances\": [\(instances)]}")
        #expect((tf.json["predictions"] as? [[String: Any]])?.map { $0["label"] as? String } == local.map { Optional($0) })

        // Bad input: a 4xx that names the field, never a 500.
        for (body, field) in [(#"{"inputs": [{"name": "input", "shape": [1, 3], "datatype": "FP32", "data": [1, 2, 3]}]}"#, "inputs"),
                              (#"{"inputs": [{"name": "input", "shape": [1, 4], "datatype": "FP99", "data": [1, 2, 3, 4]}]}"#, "inputs[0].datatype"),
                              (#"{"inputs": [], "bogus": true}"#, "bogus")] {
            let bad = try await server.request("POST", "/v2/models/iris/infer", key: admin, body: body)
            #expect(bad.status == 400 && (bad.json["error"] as? [String: Any])?["field"] as? String == field, "\(body) → \(bad.json)")
        }
        #expect(try await server.request("POST", "/v2/models/iris/infer", key: admin, body: "{\"inputs\": [1, 2,").status == 400)
        // NaN is not JSON; a hostile nesting depth is refused, not followed down the stack.
        let nan = try await server.request("POST", "/v2/models/iris/infer", key: admin,
                                           body: #"{"inputs": [{"name": "input", "shape": [1, 4], "datatype": "FP32", "data": [1, NaN, 3, 4]}]}"#)
        #expect(nan.status == 400 && (nan.json["error"] as? [String: Any])?["code"] as? String == "invalid_json")
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(try await server.request("POST", "/v2/models/iris/infer", key: admin, body: "{\"inputs\": \(deep)}").status == 400)
        #expect(try await server.request("POST", "/v1/models/iris:predict", key: admin, body: #"{"instances": [{"x0": "tall"}]}"#).status == 400)

        // Roles: an inference-only key may predict but not register models or manage keys.
        let created = try await server.request("POST", "/v1/keys", key: admin, body: #"{"role": "inference", "name": "app"}"#)
        let inferenceKey = try #require(created.json["key"] as? String)
        #expect(try await server.request("POST", "/v1/models/iris:predict", key: inferenceKey, body: "{\"instances\": [\(instances)]}").status == 200)
        #expect(try await server.request("POST", "/v1/models/other/versions", key: inferenceKey, body: "{\"path\": \"\(artifactDirectory.path)\"}").status == 403)
        #expect(try await server.request("GET", "/v1/keys", key: inferenceKey).status == 403)

        // Another project neither sees nor can call this project's model.
        try await server.services.store.createProject("other")
        let outsider = try await server.services.keys.create(project: "other", role: .admin, name: "outsider").token
        #expect(try await server.request("POST", "/v2/models/iris/infer", key: outsider, body: #"{"inputs": []}"#).status == 404)
        #expect(try await server.request("GET", "/v1/models/iris", key: outsider).status == 404)
        #expect((try await server.request("GET", "/v1/models", key: outsider).json["models"] as? [Any])?.isEmpty == true)

        // Revocation takes effect at once; rotation gives a working replacement.
        let keyID = try #require(created.json["id"] as? String)
        let rotated = try await server.request("POST", "/v1/keys/\(keyID)/rotate", key: admin)
        #expect(try await server.request("POST", "/v1/models/iris:predict", key: inferenceKey, body: "{\"instances\": [\(instances)]}").status == 401)
        let replacement = try #require(rotated.json["key"] as? String)
        #expect(try await server.request("POST", "/v1/models/iris:predict", key: replacement, body: "{\"instances\": [\(instances)]}").status == 200)

        // Restart over the same data: keys, versions and the deployment survive.
        await server.stop()
        (server, adminKey) = try await RunningServer.start(dataDirectory: root.appendingPathComponent("data"))
        #expect(adminKey == nil)
        let again = try await server.request("POST", "/v1/models/iris:predict", key: admin, body: "{\"instances\": [\(instances)]}")
        #expect((again.json["predictions"] as? [[String: Any]])?.map { $0["label"] as? String } == local.map { Optional($0) })
        #expect(((try await server.request("GET", "/v1/models/iris", key: admin).json["versions"]) as? [Any])?.count == 1)
        await server.stop()
    }

    /// Uploads stream to disk with a size cap and a checksum; malformed files are refused with
    /// the line that is wrong; one project's datasets are invisible to another.
    @Test func datasetUploadListShowDelete() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("maas-datasets-\(UUID())")
        defer { try? FileManager.default.removeItem(at: root) }
        let (server, adminKey) = try await RunningServer.start(dataDirectory: root, maximumUploadBytes: 64 << 10)
        let admin = try #require(adminKey)
        let csv = "price,city,label\n1.5,Oslo,a\n2.5,Rome,b\n,Oslo,a\n"
        let uploaded = try await server.request("POST", "/v1/datasets/homes?format=csv", key: admin, body: csv)
        #expect(uploaded.status == 201 && uploaded.json["rows"] as? Int == 3 && uploaded.json["bytes"] as? Int == csv.utf8.count)
        #expect(uploaded.json["sha256"] as? String == APIKeyToken.hash(csv))
        let shown = try await server.request("GET", "/v1/datasets/homes", key: admin)
        let columns = try #require((shown.json["schema"] as? [String: Any])?["columns"] as? [[String: Any]])
        #expect(columns.map { $0["kind"] as? String } == ["numeric", "categorical", "categorical"])
        #expect(columns[0]["missing"] as? Int == 1 && (shown.json["preview"] as? [[Any]])?.count == 3)
        #expect((try await server.request("GET", "/v1/datasets", key: admin).json["datasets"] as? [Any])?.count == 1)

        let malformed = try await server.request("POST", "/v1/datasets/bad?format=csv", key: admin, body: "a,b\n1,2\n3\n")
        #expect(malformed.status == 400 && ((malformed.json["error"] as? [String: Any])?["message"] as? String ?? "").contains("line 3"))
        let big = String(repeating: "1,2\n", count: 20_000)
        #expect(try await server.request("POST", "/v1/datasets/big?format=csv", key: admin, body: "a,b\n" + big).status == 413)
        #expect(try await server.request("POST", "/v1/datasets/x?format=xlsx", key: admin, body: csv).status == 400)

        try await server.services.store.createProject("other")
        let outsider = try await server.services.keys.create(project: "other", role: .admin, name: "o").token
        #expect(try await server.request("GET", "/v1/datasets/homes", key: outsider).status == 404)
        #expect(try await server.request("DELETE", "/v1/datasets/homes", key: outsider).status == 404)

        let erased = try await server.request("DELETE", "/v1/datasets/homes", key: admin)
        #expect(erased.status == 200 && (erased.json["tombstone"] as? [String: Any])?["sha256"] as? String == APIKeyToken.hash(csv))
        #expect(try await server.request("GET", "/v1/datasets/homes", key: admin).status == 404)
        await server.stop()
    }

    /// Every route the server registers is in the OpenAPI document, and every documented
    /// operation is served; the document itself is served at /openapi.json.
    @Test func openAPIDocumentMatchesTheRoutes() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("maas-openapi-\(UUID())")
        defer { try? FileManager.default.removeItem(at: root) }
        let (server, adminKey) = try await RunningServer.start(dataDirectory: root)
        let routes = Set(APIServer.registeredRoutes(services: server.services))
        let document = try #require(try JSONSerialization.jsonObject(with: Data(APIServer.openAPIDocument.utf8)) as? [String: Any])
        #expect(document["openapi"] as? String == "3.1.0")
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        var documented = Set<String>()
        for (path, operations) in paths {
            for (method, operation) in operations where ["get", "post", "put", "delete", "patch"].contains(method) {
                documented.insert("\(method.uppercased()) \(path)")
                // Every route behind a key can answer 401, and 429 once the key's limits run out.
                let responses = ((operation as? [String: Any])?["responses"] as? [String: Any]) ?? [:]
                if !path.hasPrefix("/v2/health/") {
                    #expect(responses["401"] != nil && responses["429"] != nil, "\(method.uppercased()) \(path) documents no 401 or no 429")
                }
            }
        }
        #expect(routes.count >= 20)
        #expect(routes == documented, "undocumented: \(routes.subtracting(documented).sorted()); documented but not served: \(documented.subtracting(routes).sorted())")
        let served = try await server.request("GET", "/openapi.json", key: try #require(adminKey))
        #expect(served.status == 200 && served.json["openapi"] as? String == "3.1.0")
        #expect(try await server.request("GET", "/openapi.json", key: nil).status == 401)
        await server.stop()
    }

    /// Dates are stored in GRDB's text format and read back by hand (GRDB's parser loads ICU's
    /// calendar data): every form GRDB writes parses to the same instant, and other forms still
    /// reach GRDB's parser.
    @Test func storedDatesRoundTripWithoutGRDBsParser() async throws {
        #expect(StoredDate.parse("2026-11-23 03:04:05.678") == Date(timeIntervalSince1970: 1_795_403_045.678))
        #expect(StoredDate.parse("2026-11-23T03:04:05") == Date(timeIntervalSince1970: 1_795_403_045))
        #expect(StoredDate.parse("1999-12-31 23:59") == Date(timeIntervalSince1970: 946_684_740))
        #expect(StoredDate.parse("2024-02-29 12:00:00.000") == Date(timeIntervalSince1970: 1_709_208_000))
        for malformed in ["2026-11-23", "2026-13-01 00:00", "2026-11-23 03:04:05.6", "2026-11-23 03:04:05.678Z", "x026-11-23 03:04"] {
            #expect(StoredDate.parse(malformed) == nil, "\(malformed)")
        }
        // A time zone is outside the hand parser; GRDB's still reads it.
        #expect(StoredDate(text: "2026-11-23 03:04:05.678")?.date == Date(timeIntervalSince1970: 1_795_403_045.678))
        #expect(StoredDate(text: "2026-11-23 04:04:05.678+01:00")?.date == Date(timeIntervalSince1970: 1_795_403_045.678))

        let root = FileManager.default.temporaryDirectory.appendingPathComponent("maas-dates-\(UUID())")
        defer { try? FileManager.default.removeItem(at: root) }
        let store = try SQLiteMetadataStore(path: root.appendingPathComponent("m.sqlite").path)
        try await store.createProject("p")
        let instants = [1_795_403_045.678, 0, 946_684_799.999, -86_400.5, 4_102_444_800.001]
        for (i, seconds) in instants.enumerated() {
            try await store.insertModelVersion(ModelVersion(project: "p", name: "m", version: i + 1, artifact: "a", kind: "k", metrics: [:],
                                                            createdAt: Date(timeIntervalSince1970: seconds)))
        }
        let read = try await store.modelVersions(project: "p").sorted { $0.version < $1.version }.map(\.createdAt.timeIntervalSince1970)
        #expect(read.count == instants.count)
        for (stored, expected) in zip(read, instants) { #expect(abs(stored - expected) < 0.0005, "\(stored) vs \(expected)") }
    }

    @Test func apiKeysAreStoredOnlyAsHashes() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("maas-keys-\(UUID())")
        defer { try? FileManager.default.removeItem(at: root) }
        let store = try SQLiteMetadataStore(path: root.appendingPathComponent("m.sqlite").path)
        let keys = try await KeyRing(store: store)
        let token = try #require(try await keys.bootstrap(fixed: nil))
        let secret = try #require(APIKeyToken.parse(token)).secret
        let bytes = try Data(contentsOf: root.appendingPathComponent("m.sqlite"))
            + ((try? Data(contentsOf: root.appendingPathComponent("m.sqlite-wal"))) ?? Data())
        #expect(bytes.range(of: Data(secret.utf8)) == nil)
        #expect(try await store.keys().first?.secretHash == APIKeyToken.hash(secret))
        #expect(try await keys.authenticate(authorization: "Bearer \(token)").role == .admin)
        await #expect(throws: PlatformError.self) { try await keys.authenticate(authorization: "Bearer \(token)x") }
    }
}
