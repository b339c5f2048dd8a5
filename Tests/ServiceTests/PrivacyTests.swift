import Datasets
import Foundation
import GRDB
import Logging
import Platform
import SQLiteStore
import Testing

/// Log lines kept in memory, so a test can search everything the server logged.
final class CapturedLog: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ line: String) { lock.withLock { lines.append(line) } }
    var text: String { lock.withLock { lines.joined(separator: "\n") } }

    /// A logger at trace level writing here.
    func logger() -> Logger {
        var logger = Logger(label: "privacy-test") { label in Handler(log: self, label: label) }
        logger.logLevel = .trace
        return logger
    }

    struct Handler: LogHandler {
        let log: CapturedLog
        let label: String
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(level: Logger.Level, message: Logger.Message, metadata explicit: Logger.Metadata?, source: String, file: String,
                 function: String, line: UInt) {
            let all = metadata.merging(explicit ?? [:]) { $1 }
            log.append("\(level) \(label) \(message) \(all.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: " "))")
        }
    }
}

/// Every file under a folder, with its bytes.
func filesUnder(_ folder: URL) -> [(url: URL, bytes: Data)] {
    let all = (FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey])?.allObjects as? [URL]) ?? []
    return all.compactMap { url in
        guard (try? url.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true, let bytes = try? Data(contentsOf: url) else { return nil }
        return (url, bytes)
    }
}

/// A customer table whose values are distinctive enough to find anywhere they leak to.
enum Customers {
    static func csv(rows: Int = 300) -> String {
        var text = "customer_id,email,card,phone,notes,age,income,score,label\n"
        let cards = ["4111111111111111", "5555555555554444", "378282246310005", "6011111111111117"]
        for i in 0..<rows {
            let age = 20 + (i * 7) % 50, income = 30_000 + (i * 7919) % 90_000
            let label = (Double(age) * 1.5 + Double(income) / 2000 + Double(i % 5)) > 80 ? "yes" : "no"
            text += "cust-\(String(format: "%05d", i)),zq\(i)x.sentinel@leakcheck.example,\(cards[i % 4]),+44 20 7946 \(String(format: "%04d", i)),"
                + "\"blueberry-\(i)-xyzzy note\",\(age),\(income),\(Double(i % 97) / 7),\(label)\n"
        }
        return text
    }

    static let networkSpec = """
        {"input": {"shape": [3]}, "layers": [{"type": "dense", "units": 16, "activation": "relu"}, {"type": "dense", "units": 2, "activation": "softmax"}],
         "loss": "sparse_categorical_crossentropy", "optimizer": {"type": "adam", "lr": 0.01}, "epochs": 20000, "batch_size": 16, "seed": 1}
        """
}

@Suite(.serialized) struct PrivacyAtRest {
    /// The issue's check: after a whole workflow (upload with distinctive values, training with
    /// checkpoints, a batch job, an export) nothing under the data folder holds an uploaded value,
    /// a plain safetensors file or an API key, and nothing the server logged does either.
    @Test func nothingPlainUnderTheDataFolderOrInTheLogs() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("maas-sealed-\(UUID())")
        defer { try? FileManager.default.removeItem(at: root) }
        let log = CapturedLog()
        let (server, adminKey) = try await RunningServer.start(dataDirectory: root, logger: log.logger())
        let admin = try #require(adminKey)
        let csv = Customers.csv()
        let upload = try await server.request("POST", "/v1/datasets/customers?format=csv&policy.customer_id=drop&policy.email=drop&policy.card=drop&policy.phone=drop&policy.notes=drop",
                                              key: admin, body: csv)
        #expect(upload.status == 201, "\(upload.json)")
        let developer = try #require(try await server.request("POST", "/v1/keys", key: admin, body: #"{"role": "developer", "name": "dev"}"#).json["key"] as? String)

        // A network job: its checkpoints are on disk while it runs.
        let job = try await server.request("POST", "/v1/training-jobs", key: developer, body: """
            {"name": "churn", "dataset": "customers", "target": "label", "spec": \(Customers.networkSpec), "seed": 3}
            """)
        let jobID = try #require(job.json["id"] as? String, "\(job.json)")
        let checkpoint = root.appendingPathComponent("jobs/\(jobID)/checkpoint.sealed")
        for _ in 0..<400 where !FileManager.default.fileExists(atPath: checkpoint.path) { try await Task.sleep(for: .milliseconds(25)) }
        #expect(FileManager.default.fileExists(atPath: checkpoint.path))
        let whileTraining = filesUnder(root)
        _ = try await server.request("POST", "/v1/training-jobs/\(jobID)/cancel", key: developer)

        // A learner job, a batch job over the same data, and an export.
        let learner = try await server.request("POST", "/v1/training-jobs", key: developer, body: """
            {"name": "churn-rf", "dataset": "customers", "target": "label", "spec": {"algorithm": "random_forest", "n_estimators": 10}, "seed": 1}
            """)
        let learnerID = try #require(learner.json["id"] as? String)
        try await waitForJob(server, "/v1/training-jobs/\(learnerID)", key: developer)
        let batch = try await server.request("POST", "/v1/batch-jobs", key: developer, body: #"{"model": "churn-rf@1", "dataset": "customers"}"#)
        let batchID = try #require(batch.json["id"] as? String)
        try await waitForJob(server, "/v1/batch-jobs/\(batchID)", key: developer)
        let output = try await server.raw("GET", "/v1/batch-jobs/\(batchID)/output", key: developer)
        #expect(output.status == 200 && String(decoding: output.body, as: UTF8.self).split(separator: "\n").count == 300)
        let export = try await server.raw("GET", "/v1/models/churn-rf/versions/1/artifact", key: developer)
        #expect(export.status == 200 && export.body.range(of: Data("\"dtype\"".utf8)) != nil)  // the download itself is plain
        let shown = try await server.request("GET", "/v1/datasets/customers", key: developer)
        #expect((shown.json["personal_data"] as? [[String: Any]])?.isEmpty == false)
        await server.stop()

        let secrets = [admin, developer].compactMap { APIKeyToken.parse($0)?.secret } + [admin]
        let values = ["sentinel@leakcheck.example", "blueberry-17-xyzzy", "cust-00042", "4111111111111111", "7946 0042", "5555555555554444"]
        for (url, bytes) in whileTraining + filesUnder(root) {
            for value in values + secrets {
                #expect(bytes.range(of: Data(value.utf8)) == nil, "\(url.path) holds '\(value.prefix(12))…' in plain text")
            }
            // A plain safetensors file: its JSON header names dtypes and offsets.
            #expect(bytes.range(of: Data("\"data_offsets\"".utf8)) == nil, "\(url.path) holds plain safetensors")
            #expect(bytes.range(of: Data("\"format_version\"".utf8)) == nil, "\(url.path) holds a plain model.json")
        }
        let logged = log.text
        #expect(logged.contains("/v1/datasets/customers"))  // the log is real
        for value in values + secrets { #expect(!logged.contains(value), "the log holds '\(value.prefix(12))…'") }
    }

    /// A flipped byte anywhere in any stored object is an integrity error naming it, never data.
    @Test func aFlippedByteIsAnIntegrityErrorNamingTheObject() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("maas-flip-\(UUID())")
        defer { try? FileManager.default.removeItem(at: root) }
        let (server, adminKey) = try await RunningServer.start(dataDirectory: root)
        let admin = try #require(adminKey)
        #expect(try await server.request("POST", "/v1/datasets/customers?format=csv", key: admin, body: Customers.csv(rows: 2000)).status == 201)
        let job = try await server.request("POST", "/v1/training-jobs", key: admin, body: """
            {"name": "m", "dataset": "customers", "target": "label", "spec": {"algorithm": "logistic_regression"}, "preprocessing": {}}
            """)
        try await waitForJob(server, "/v1/training-jobs/\(try #require(job.json["id"] as? String))", key: admin)
        let sealed = filesUnder(root).filter { $0.bytes.starts(with: Data("MAASENC1".utf8)) }
        #expect(sealed.count >= 4)  // the dataset, its schema, the artifact's two files
        var generator = SystemRandomNumberGenerator()
        for (url, original) in sealed {
            for _ in 0..<3 {
                var damaged = original
                let offset = Int.random(in: 0..<damaged.count, using: &generator)
                damaged[offset] ^= UInt8.random(in: 1...255, using: &generator)
                try damaged.write(to: url)
                await #expect { _ = try await server.services.storage.read(url, name: "object \(url.lastPathComponent)") } throws: { error in
                    guard let sealed = error as? SealedError else { return false }
                    switch sealed {
                    case .integrity(let name, _): return name == "object \(url.lastPathComponent)"
                    case .erased(let name): return offset < 24 && name == "object \(url.lastPathComponent)"  // the key id itself was changed
                    default: return false
                    }
                }
            }
            // Truncated to a segment boundary, or cut anywhere: also refused.
            try original.prefix(original.count - 16).write(to: url)
            await #expect(throws: SealedError.self) { _ = try await server.services.storage.read(url, name: "x") }
            try original.write(to: url)
            _ = try await server.services.storage.read(url, name: "x")
        }
        // Over HTTP: a named 500 with code integrity_error, not a stack or a silent read.
        let schema = try #require(sealed.first { $0.url.lastPathComponent.hasSuffix(".schema") })
        var damaged = schema.bytes
        damaged[damaged.count / 2] ^= 0x40
        try damaged.write(to: schema.url)
        let shown = try await server.request("GET", "/v1/datasets/customers", key: admin)
        let error = try #require(shown.json["error"] as? [String: Any])
        #expect(shown.status == 500 && error["code"] as? String == "integrity_error")
        #expect((error["message"] as? String ?? "").contains("dataset 'customers' version 1 schema"))
        await server.stop()
    }

    /// The streamed format's promises beyond a flipped byte: segments swapped, a file cut at a
    /// segment boundary (every remaining segment authentic, the last not sealed as last) and a
    /// segment appended from another file of the same key are all refused, naming the object.
    @Test func reorderedTruncatedOrExtendedSegmentsAreRefused() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("maas-segments-\(UUID())")
        defer { try? FileManager.default.removeItem(at: root) }
        let (server, _) = try await RunningServer.start(dataDirectory: root)
        let key = try await server.services.storage.newKey()
        let segment = SealedFormat.segmentSize, sealedSegment = segment + 16
        var generator = SystemRandomNumberGenerator()
        let plain = (0..<(3 * segment + 100)).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let url = root.appendingPathComponent("object.sealed"), other = root.appendingPathComponent("other.sealed")
        try server.services.storage.write(Data(plain), to: url, key: key)
        try server.services.storage.write(Data(plain), to: other, key: key)
        let original = try Data(contentsOf: url)
        #expect(original.count == SealedFormat.sealedSize(plaintext: plain.count))
        #expect(try await server.services.storage.read(url, name: "object") == Data(plain))
        func refused(_ bytes: Data) async throws -> Bool {
            try bytes.write(to: url)
            do { _ = try await server.services.storage.read(url, name: "object"); return false }
            catch let SealedError.integrity(name, _) { return name == "object" }
        }
        let header = SealedFormat.headerSize
        var swapped = original
        swapped.replaceSubrange(header..<(header + sealedSegment), with: original[(header + sealedSegment)..<(header + 2 * sealedSegment)])
        swapped.replaceSubrange((header + sealedSegment)..<(header + 2 * sealedSegment), with: original[header..<(header + sealedSegment)])
        #expect(try await refused(swapped))
        #expect(try await refused(original.prefix(header + 2 * sealedSegment)))
        let otherBytes = try Data(contentsOf: other)
        #expect(try await refused(original.prefix(header + 3 * sealedSegment) + otherBytes[(header + 3 * sealedSegment)...]))
        #expect(try await refused(original + otherBytes.suffix(116)))
        await server.stop()
    }

    /// An erased version must stop answering everywhere, also where a request reached it by
    /// number (`/v2/models/{endpoint}/versions/{n}`) and its model is loaded for that.
    @Test func anErasedVersionReachedByNumberStopsAnswering() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("maas-erase-named-\(UUID())")
        defer { try? FileManager.default.removeItem(at: root) }
        let (server, adminKey) = try await RunningServer.start(dataDirectory: root)
        let admin = try #require(adminKey)
        for (dataset, rows) in [("customers", 300), ("prospects", 200)] {
            #expect(try await server.request("POST", "/v1/datasets/\(dataset)?format=csv&policy.customer_id=drop&policy.email=drop&policy.card=drop&policy.phone=drop&policy.notes=drop",
                                             key: admin, body: Customers.csv(rows: rows)).status == 201)
            let job = try await server.request("POST", "/v1/training-jobs", key: admin, body: """
                {"name": "churn", "dataset": "\(dataset)", "target": "label", "spec": {"algorithm": "random_forest", "n_estimators": 5}}
                """)
            try await waitForJob(server, "/v1/training-jobs/\(try #require(job.json["id"] as? String))", key: admin)
        }
        // The endpoint serves version 2 (trained on prospects); version 1 (customers) is reached by number.
        #expect(try await server.request("POST", "/v1/deployments", key: admin, body: #"{"name": "churn", "model": "churn@2"}"#).status == 201)
        let endpoints = server.services.endpoints
        let first = try await endpoints.target(project: "default", endpoint: "churn", version: 1)
        #expect(first.version.version == 1)
        #expect(await endpoints.loadedArtifacts.contains(first.version.artifact))

        let erased = try await server.request("DELETE", "/v1/datasets/customers?erase_derived=true", key: admin)
        #expect(erased.status == 200, "\(erased.json)")
        await #expect { _ = try await endpoints.target(project: "default", endpoint: "churn", version: 1) } throws: { error in
            (error as? PlatformError) == .notFound(kind: "version", name: "churn/versions/1")
        }
        #expect(await !endpoints.loadedArtifacts.contains(first.version.artifact))
        #expect(try await endpoints.target(project: "default", endpoint: "churn").version.version == 2)
        await server.stop()
    }

    /// Erasing a dataset destroys its data key first: a copy of its file taken before can never
    /// be read again. The response names the model versions trained on it; `erase_derived`
    /// erases them, refusing a deployed one unless `force`.
    @Test func erasureShredsEveryCopyAndItsDerivedModels() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("maas-erase-\(UUID())")
        defer { try? FileManager.default.removeItem(at: root) }
        let (server, adminKey) = try await RunningServer.start(dataDirectory: root)
        let admin = try #require(adminKey)
        #expect(try await server.request("POST", "/v1/datasets/customers?format=csv&policy.customer_id=drop&policy.email=hash&policy.card=drop&policy.phone=drop&policy.notes=drop",
                                         key: admin, body: Customers.csv()).status == 201)
        let job = try await server.request("POST", "/v1/training-jobs", key: admin, body: """
            {"name": "churn", "dataset": "customers", "target": "label", "spec": {"algorithm": "random_forest", "n_estimators": 5}}
            """)
        try await waitForJob(server, "/v1/training-jobs/\(try #require(job.json["id"] as? String))", key: admin)
        #expect(try await server.request("POST", "/v1/deployments", key: admin, body: #"{"name": "churn", "model": "churn@1"}"#).status == 201)
        let file = root.appendingPathComponent("datasets/default/customers/v1.csv")
        let copy = root.appendingPathComponent("backup-of-v1.csv")
        try FileManager.default.copyItem(at: file, to: copy)
        _ = try await server.services.storage.read(copy, name: "copy")  // readable before

        let refused = try await server.request("DELETE", "/v1/datasets/customers?erase_derived=true", key: admin)
        #expect(refused.status == 409 && ((refused.json["error"] as? [String: Any])?["message"] as? String ?? "").contains("endpoint 'churn'"))
        #expect(try await server.request("GET", "/v1/datasets/customers", key: admin).status == 200)  // refused means untouched

        let erased = try await server.request("DELETE", "/v1/datasets/customers?erase_derived=true&force=true", key: admin)
        #expect(erased.status == 200, "\(erased.json)")
        #expect((erased.json["derived_versions"] as? [[String: Any]])?.first?["model"] as? String == "churn")
        #expect(erased.json["undeployed"] as? [String] == ["churn"])
        let tombstone = try #require(erased.json["tombstone"] as? [String: Any])
        #expect(tombstone["sha256"] as? String == APIKeyToken.hash(Customers.csv()) && tombstone["erased_by"] as? String != nil)
        await #expect { _ = try await server.services.storage.read(copy, name: "copy") } throws: { error in
            if case SealedError.erased = error { return true }
            return false
        }
        #expect(!FileManager.default.fileExists(atPath: file.path))
        #expect(try await server.request("GET", "/v1/datasets/customers", key: admin).status == 404)
        #expect(try await server.request("GET", "/v1/models/churn", key: admin).status == 404)
        #expect((try await server.request("GET", "/v1/datasets/customers/tombstones", key: admin).json["tombstones"] as? [Any])?.count == 1)
        // The erased artifact's key is gone too: only the purpose keys (pseudonyms, job logs, audit) remain.
        #expect(try await server.services.store.masterKeyUsage().values.reduce(0, +) == 3)
        // The destroyed key is not left in the database's files.
        await server.stop()
        let erasedKeyID = try SealedFormat.keyID(ofFileAt: copy.path)
        for (url, bytes) in filesUnder(root) where url.lastPathComponent.hasPrefix("metadata") {
            #expect(bytes.range(of: Data(Digest.hex(erasedKeyID).utf8)) == nil, "\(url.lastPathComponent) still holds the erased key's row")
        }
    }

    /// Record erasure writes a new version without exactly the named rows (byte for byte the
    /// others), shreds the old one, and flags the versions trained on it.
    @Test func recordErasureRemovesExactlyTheNamedRows() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("maas-records-\(UUID())")
        defer { try? FileManager.default.removeItem(at: root) }
        let (server, adminKey) = try await RunningServer.start(dataDirectory: root)
        let admin = try #require(adminKey)
        let csv = Customers.csv(rows: 120)
        #expect(try await server.request("POST", "/v1/datasets/customers?format=csv", key: admin, body: csv).status == 201)
        let job = try await server.request("POST", "/v1/training-jobs", key: admin, body: """
            {"name": "churn", "dataset": "customers", "target": "label", "spec": {"algorithm": "logistic_regression"}}
            """)
        try await waitForJob(server, "/v1/training-jobs/\(try #require(job.json["id"] as? String))", key: admin)

        let erased = try await server.request("POST", "/v1/datasets/customers/erasures", key: admin,
                                              body: #"{"column": "customer_id", "values": ["cust-00003", "cust-00077", "cust-99999"]}"#)
        #expect(erased.status == 201, "\(erased.json)")
        #expect(erased.json["rows_erased"] as? Int == 2)
        #expect((erased.json["dataset"] as? [String: Any])?["version"] as? Int == 2)
        let lines = csv.split(separator: "\n", omittingEmptySubsequences: false)
        let expected = lines.filter { !$0.hasPrefix("cust-00003,") && !$0.hasPrefix("cust-00077,") }.joined(separator: "\n")
        let downloaded = try await server.raw("GET", "/v1/datasets/customers/file", key: admin)
        #expect(String(decoding: downloaded.body, as: UTF8.self) == expected)
        let model = try await server.request("GET", "/v1/models/churn", key: admin)
        #expect((model.json["versions"] as? [[String: Any]])?.first?["trained_on_erased_data"] as? Bool == true)
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("datasets/default/customers/v1.csv").path))
        // A number matches numerically; a missing column or no values is a 400 naming the field.
        let numeric = try await server.request("POST", "/v1/datasets/customers/erasures", key: admin, body: #"{"column": "age", "values": [27]}"#)
        #expect(numeric.status == 201 && (numeric.json["rows_erased"] as? Int ?? 0) > 0)
        let badColumn = try await server.request("POST", "/v1/datasets/customers/erasures", key: admin, body: #"{"column": "nope", "values": ["x"]}"#)
        #expect(badColumn.status == 400 && (badColumn.json["error"] as? [String: Any])?["field"] as? String == "column")
        let noValues = try await server.request("POST", "/v1/datasets/customers/erasures", key: admin, body: #"{"column": "age", "values": []}"#)
        #expect(noValues.status == 400 && (noValues.json["error"] as? [String: Any])?["field"] as? String == "values")

        // JSON Lines too.
        let jsonl = (0..<20).map { "{\"id\": \"u\($0)\", \"v\": \($0)}" }.joined(separator: "\n") + "\n"
        #expect(try await server.request("POST", "/v1/datasets/events?format=jsonl", key: admin, body: jsonl).status == 201)
        let fromJSONL = try await server.request("POST", "/v1/datasets/events/erasures", key: admin, body: #"{"column": "id", "values": ["u4", "u5"]}"#)
        #expect(fromJSONL.json["rows_erased"] as? Int == 2)
        let left = String(decoding: try await server.raw("GET", "/v1/datasets/events/file", key: admin).body, as: UTF8.self)
        #expect(left == (0..<20).filter { $0 != 4 && $0 != 5 }.map { "{\"id\": \"u\($0)\", \"v\": \($0)}" }.joined(separator: "\n") + "\n")
        await server.stop()
    }

    /// Policies apply before values reach training or previews; viewers see masked previews,
    /// developers the policy-applied values; a hashed value has the same pseudonym everywhere in
    /// the project, and a served model gets raw inputs the same treatment.
    @Test func policiesMaskingAndPseudonyms() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("maas-policies-\(UUID())")
        defer { try? FileManager.default.removeItem(at: root) }
        let (server, adminKey) = try await RunningServer.start(dataDirectory: root)
        let admin = try #require(adminKey)
        let csv = Customers.csv(rows: 200)
        #expect(try await server.request("POST", "/v1/datasets/customers?format=csv&policy.email=hash&policy.notes=drop&policy.age=generalize:10",
                                         key: admin, body: csv).status == 201)
        let viewer = try #require(try await server.request("POST", "/v1/keys", key: admin, body: #"{"role": "viewer", "name": "v"}"#).json["key"] as? String)
        let developer = try #require(try await server.request("POST", "/v1/keys", key: admin, body: #"{"role": "developer", "name": "d"}"#).json["key"] as? String)

        let asDeveloper = try await server.request("GET", "/v1/datasets/customers", key: developer)
        let columns = try #require((asDeveloper.json["schema"] as? [String: Any])?["columns"] as? [[String: Any]]).map { $0["name"] as? String }
        #expect(!columns.contains("notes") && columns.contains("email"))
        let preview = try #require(asDeveloper.json["preview"] as? [[Any]])
        let emailIndex = try #require(columns.firstIndex(of: "email")), ageIndex = try #require(columns.firstIndex(of: "age"))
        let pseudonym = try #require(preview[0][emailIndex] as? String)
        #expect(pseudonym.hasPrefix("h_") && !pseudonym.contains("sentinel"))
        #expect(preview[0][ageIndex] as? String == "20")  // 20 bucketed to 20, 27 to 20, …
        #expect(preview[1][ageIndex] as? String == "20")
        #expect(preview[0][0] as? String == "cust-00000")  // developers see unprotected columns raw
        let personal = try #require(asDeveloper.json["personal_data"] as? [[String: Any]])
        func found(_ column: String) -> [String: Int] { personal.first { $0["column"] as? String == column }?["found"] as? [String: Int] ?? [:] }
        #expect(found("email")["email"] == 200 && found("card")["payment_card"] == 200 && found("phone")["phone"] == 200)
        #expect(found("customer_id").isEmpty && found("age").isEmpty)

        let asViewer = try await server.request("GET", "/v1/datasets/customers", key: viewer)
        #expect(asViewer.json["preview_masked"] as? Bool == true)
        let masked = try #require(asViewer.json["preview"] as? [[Any]])
        #expect(masked[0][0] as? String == "xxxx-99999")
        #expect(!"\(asViewer.json)".contains("cust-0000") && !"\(asViewer.json)".contains("4111111111111111"))
        let viewerColumns = try #require((asViewer.json["schema"] as? [String: Any])?["columns"] as? [[String: Any]])
        #expect(viewerColumns.allSatisfy { $0["min"] == nil && $0["max"] == nil })
        #expect(try await server.request("GET", "/v1/datasets/customers/file", key: viewer).status == 403)

        // The same value gets the same pseudonym in another dataset of the project.
        #expect(try await server.request("POST", "/v1/datasets/other?format=csv&policy.email=hash", key: admin,
                                         body: "email,n\nzq0x.sentinel@leakcheck.example,1\n").status == 201)
        let other = try await server.request("GET", "/v1/datasets/other", key: developer)
        #expect(((other.json["preview"] as? [[Any]])?[0][0] as? String) == pseudonym)

        // A model trained on policy-applied data never sees a dropped column, and serves raw
        // inputs under the same policies.
        let job = try await server.request("POST", "/v1/training-jobs", key: developer, body: """
            {"name": "m", "dataset": "customers", "target": "label", "spec": {"algorithm": "random_forest", "n_estimators": 5},
             "preprocessing": {}}
            """)
        try await waitForJob(server, "/v1/training-jobs/\(try #require(job.json["id"] as? String))", key: developer)
        #expect(try await server.request("POST", "/v1/deployments", key: developer, body: #"{"name": "m", "model": "m"}"#).status == 201)
        let metadata = try await server.request("GET", "/v2/models/m", key: developer)
        let inputs = (metadata.json["inputs"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        #expect(!inputs.isEmpty && !inputs.contains("notes"), "\(metadata.json)")
        let predicted = try await server.request("POST", "/v1/models/m:predict", key: developer, body: """
            {"instances": [{"customer_id": "cust-00001", "email": "zq1x.sentinel@leakcheck.example", "card": "4111111111111111",
                            "phone": "+44 20 7946 0001", "notes": "x", "age": 27, "income": 37919, "score": 0.14}]}
            """)
        #expect(predicted.status == 200, "\(predicted.json)")

        // Bad policies: unknown names and columns are 400s naming the field.
        let unknown = try await server.request("PATCH", "/v1/datasets/customers", key: admin, body: #"{"policies": {"email": "scramble"}}"#)
        #expect(unknown.status == 400 && (unknown.json["error"] as? [String: Any])?["field"] as? String == "policies.email")
        let missing = try await server.request("PATCH", "/v1/datasets/customers", key: admin, body: #"{"policies": {"nope": "drop"}}"#)
        #expect(missing.status == 400 && (missing.json["error"] as? [String: Any])?["field"] as? String == "policies.nope")
        let text = try await server.request("PATCH", "/v1/datasets/customers", key: admin, body: #"{"policies": {"notes": "generalize"}}"#)
        #expect(text.status == 400 && (text.json["error"] as? [String: Any])?["field"] as? String == "policies.notes")
        let set = try await server.request("PATCH", "/v1/datasets/customers", key: admin, body: #"{"policies": {"card": "mask"}}"#)
        #expect(set.status == 200 && (set.json["policies"] as? [String: String]) == ["card": "mask"])
        await server.stop()
    }

    /// Every security-relevant action is in the audit log, chained and sealed; verification
    /// names an edited entry and a removed one.
    @Test func auditTrailVerifiesAndFindsTampering() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("maas-audit-\(UUID())")
        defer { try? FileManager.default.removeItem(at: root) }
        let (server, adminKey) = try await RunningServer.start(dataDirectory: root)
        let admin = try #require(adminKey)
        let created = try await server.request("POST", "/v1/keys", key: admin, body: #"{"role": "viewer", "name": "v"}"#)
        let viewer = try #require(created.json["key"] as? String), viewerID = try #require(created.json["id"] as? String)
        #expect(try await server.request("POST", "/v1/datasets/d?format=csv", key: admin, body: "a,b\n1,2\n").status == 201)
        #expect(try await server.request("POST", "/v1/datasets/d?format=csv", key: viewer, body: "a,b\n1,2\n").status == 403)
        #expect(try await server.request("GET", "/v1/datasets", key: "maas_nosuchkey_secret").status == 401)
        #expect(try await server.request("GET", "/v1/datasets/d/file", key: admin).status == 200)
        #expect(try await server.request("POST", "/v1/keys/\(viewerID)/rotate", key: admin).status == 201)
        #expect(try await server.request("DELETE", "/v1/datasets/d", key: admin).status == 200)
        try await server.services.store.createProject("other")
        let outsider = try await server.services.keys.create(project: "other", role: .admin, name: "o").token
        #expect(try await server.request("GET", "/v1/audit", key: outsider).json["entries"] as? [Any] != nil)

        let entries = try #require(try await server.request("GET", "/v1/audit", key: admin).json["entries"] as? [[String: Any]])
        let actions = entries.map { "\($0["action"] as? String ?? "") \($0["outcome"] as? String ?? "")" }
        for expected in ["key.create ok", "dataset.upload ok", "request.denied 403", "request.denied 401", "dataset.download ok", "key.rotate ok", "dataset.erase ok"] {
            #expect(actions.contains(expected), "\(expected) missing from \(actions)")
        }
        #expect(entries.allSatisfy { ($0["request_id"] as? String)?.isEmpty == false && $0["at"] != nil })
        #expect(entries.first { $0["outcome"] as? String == "401" }?["actor"] as? String == "nosuchkey")
        let filtered = try #require(try await server.request("GET", "/v1/audit?action=dataset.upload", key: admin).json["entries"] as? [[String: Any]])
        #expect(filtered.count == 1 && filtered[0]["resource"] as? String == "dataset:d@1")
        // Another project's admin sees only its own project's entries.
        let theirs = try #require(try await server.request("GET", "/v1/audit", key: outsider).json["entries"] as? [[String: Any]])
        #expect(theirs.allSatisfy { $0["project"] as? String == "other" })
        #expect(try await server.request("GET", "/v1/audit", key: viewer).status == 401)  // rotated away
        #expect(try await server.request("GET", "/v1/audit/verify", key: admin).json["intact"] as? Bool == true)

        let database = try DatabaseQueue(path: root.appendingPathComponent("metadata.sqlite").path)
        try await database.write { db in try db.execute(sql: "UPDATE audit_log SET resource = 'dataset:elsewhere' WHERE sequence = 2") }
        var verified = try await server.request("GET", "/v1/audit/verify", key: admin)
        #expect(verified.json["intact"] as? Bool == false)
        #expect((verified.json["problems"] as? [String])?.contains { $0.hasPrefix("entry 2 ") && $0.contains("edited") } == true, "\(verified.json)")
        let original = entries[1]["resource"] as? String ?? ""
        try await database.write { db in
            try db.execute(sql: "UPDATE audit_log SET resource = ? WHERE sequence = 2", arguments: [original])
            try db.execute(sql: "DELETE FROM audit_log WHERE sequence = 3")
        }
        verified = try await server.request("GET", "/v1/audit/verify", key: admin)
        #expect((verified.json["problems"] as? [String]) == ["entry 3 is missing (deleted)"], "\(verified.json)")
        // Re-hashing an edited entry (anyone with the database can) does not pass: the seal needs the audit key.
        try await database.write { db in try db.execute(sql: "DELETE FROM audit_log WHERE sequence = (SELECT MAX(sequence) FROM audit_log)") }
        verified = try await server.request("GET", "/v1/audit/verify", key: admin)
        #expect((verified.json["problems"] as? [String])?.contains { $0.contains("missing from the end") } == true, "\(verified.json)")
        await server.stop()
    }

    /// Keys may expire and may be limited to named endpoints; both are checked in memory.
    @Test func keyExpiryAndEndpointScopes() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("maas-scopes-\(UUID())")
        defer { try? FileManager.default.removeItem(at: root) }
        let (server, adminKey) = try await RunningServer.start(dataDirectory: root)
        let admin = try #require(adminKey)
        #expect(try await server.request("POST", "/v1/datasets/iris?format=csv", key: admin,
                                         body: try String(contentsOfFile: repositoryPath("data/sklearn/iris.csv"), encoding: .utf8)).status == 201)
        let job = try await server.request("POST", "/v1/training-jobs", key: admin, body: #"{"name": "iris", "dataset": "iris", "target": "target", "spec": {"algorithm": "knn"}}"#)
        try await waitForJob(server, "/v1/training-jobs/\(try #require(job.json["id"] as? String))", key: admin)
        for name in ["a", "b"] {
            #expect(try await server.request("POST", "/v1/deployments", key: admin, body: "{\"name\": \"\(name)\", \"model\": \"iris\"}").status == 201)
        }
        let instances = #"{"instances": [{"x0": 5.1, "x1": 3.5, "x2": 1.4, "x3": 0.2}]}"#
        let scoped = try await server.request("POST", "/v1/keys", key: admin, body: #"{"role": "inference", "name": "a only", "endpoints": ["a"]}"#)
        #expect((scoped.json["endpoints"] as? [String]) == ["a"])
        let scopedKey = try #require(scoped.json["key"] as? String)
        #expect(try await server.request("POST", "/v1/models/a:predict", key: scopedKey, body: instances).status == 200)
        let outside = try await server.request("POST", "/v1/models/b:predict", key: scopedKey, body: instances)
        #expect(outside.status == 403 && ((outside.json["error"] as? [String: Any])?["message"] as? String ?? "").contains("'b'"))
        #expect(try await server.request("POST", "/v2/models/b/infer", key: scopedKey,
                                         body: #"{"inputs": [{"name": "x", "shape": [1, 4], "datatype": "FP32", "data": [5.1, 3.5, 1.4, 0.2]}]}"#).status == 403)

        let soon = Date().addingTimeInterval(1.5).formatted(.iso8601)
        let expiring = try await server.request("POST", "/v1/keys", key: admin, body: "{\"role\": \"inference\", \"name\": \"brief\", \"expires_at\": \"\(soon)\"}")
        let expiringKey = try #require(expiring.json["key"] as? String)
        #expect(try await server.request("POST", "/v1/models/b:predict", key: expiringKey, body: instances).status == 200)
        try await Task.sleep(for: .milliseconds(2100))
        let expired = try await server.request("POST", "/v1/models/b:predict", key: expiringKey, body: instances)
        #expect(expired.status == 401 && ((expired.json["error"] as? [String: Any])?["message"] as? String ?? "").contains("expired"))
        let past = try await server.request("POST", "/v1/keys", key: admin, body: #"{"role": "viewer", "name": "old", "expires_at": "2020-01-01T00:00:00Z"}"#)
        #expect(past.status == 400 && (past.json["error"] as? [String: Any])?["field"] as? String == "expires_at")
        let garbled = try await server.request("POST", "/v1/keys", key: admin, body: #"{"role": "viewer", "name": "old", "expires_at": "next week"}"#)
        #expect(garbled.status == 400 && (garbled.json["error"] as? [String: Any])?["field"] as? String == "expires_at")
        let noScope = try await server.request("POST", "/v1/keys", key: admin, body: #"{"role": "inference", "name": "x", "endpoints": []}"#)
        #expect(noScope.status == 400 && (noScope.json["error"] as? [String: Any])?["field"] as? String == "endpoints")
        await server.stop()
    }
}

/// Polls a job until it ends; fails the test if it failed.
func waitForJob(_ server: RunningServer, _ path: String, key: String, seconds: Int = 120) async throws {
    for _ in 0..<(seconds * 20) {
        let job = try await server.request("GET", path, key: key)
        let state = job.json["state"] as? String ?? ""
        if state == "succeeded" { return }
        if ["failed", "cancelled"].contains(state) { Issue.record("\(path) \(state): \(job.json["error"] ?? "")"); return }
        try await Task.sleep(for: .milliseconds(50))
    }
    Issue.record("\(path) did not finish in \(seconds) s")
}

@Suite struct MasterKeys {
    /// A wrong or missing master key stops the start with a message naming the key's source,
    /// and changes nothing; the generated default key file is private to the server's user.
    @Test func wrongOrMissingKeysRefuseToStart() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("maas-master-\(UUID())")
        defer { try? FileManager.default.removeItem(at: root) }
        let store = try SQLiteMetadataStore(path: root.appendingPathComponent("metadata.sqlite").path)
        try await store.createProject("default")
        let services = try await PlatformServices.open(dataDirectory: root, store: store)
        let keyFile = root.appendingPathComponent("master.key")
        let mode = try #require(try FileManager.default.attributesOfItem(atPath: keyFile.path)[.posixPermissions] as? Int)
        #expect(mode == 0o600)
        _ = try await services.datasets.upload(project: "default", name: "d", format: "csv", chunks: [Array("a,b\n1,2\n".utf8)].async, actor: "t")
        let before = try Data(contentsOf: root.appendingPathComponent("datasets/default/d/v1.csv"))

        let other = MasterKey.generate(source: "test")
        await #expect { _ = try await PlatformServices.open(dataDirectory: root, store: store, masterKey: MasterKeyConfiguration(source: .environment(other.base64))) } throws: {
            "\($0)".contains("MAAS_MASTER_KEY holds key \(other.id)") && "\($0)".contains("nothing was changed")
        }
        let saved = try Data(contentsOf: keyFile)
        try FileManager.default.removeItem(at: keyFile)
        await #expect { _ = try await PlatformServices.open(dataDirectory: root, store: store) } throws: {
            "\($0)".contains("master key file \(keyFile.path) is missing")
        }
        #expect(!FileManager.default.fileExists(atPath: keyFile.path))  // not regenerated over the data
        await #expect { _ = try await PlatformServices.open(dataDirectory: root, store: store, masterKey: MasterKeyConfiguration(source: .environment("not base64!"))) } throws: {
            "\($0)".contains("MAAS_MASTER_KEY") && "\($0)".contains("base64")
        }
        try saved.write(to: keyFile)
        let reopened = try await PlatformServices.open(dataDirectory: root, store: store)
        #expect(try Data(contentsOf: root.appendingPathComponent("datasets/default/d/v1.csv")) == before)
        #expect(try await reopened.datasets.describe(try await reopened.datasets.record(project: "default", name: "d"))?.schema.rowCount == 1)
    }

    /// Rotation re-wraps every data key under a new key (written over the key file), leaves
    /// every object readable, and the old key can no longer open the store. A rotation stopped
    /// half-way (the new key beside the old, some data keys re-wrapped) finishes at the next start.
    @Test func rotationRewrapsAndAnInterruptedOneFinishesAtStart() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("maas-rotate-\(UUID())")
        defer { try? FileManager.default.removeItem(at: root) }
        let store = try SQLiteMetadataStore(path: root.appendingPathComponent("metadata.sqlite").path)
        try await store.createProject("default")
        var services = try await PlatformServices.open(dataDirectory: root, store: store)
        for i in 0..<150 {
            _ = try await services.datasets.upload(project: "default", name: "d\(i)", format: "csv", chunks: [Array("a,b\n\(i),2\n".utf8)].async, actor: "t")
        }
        let oldKey = try MasterKey(file: root.appendingPathComponent("master.key"))
        let (newID, count) = try await services.vault.rotate()
        #expect(count >= 150 && newID != oldKey.id)
        #expect(try await store.masterKeyUsage().keys.sorted() == [newID])
        #expect(try MasterKey(file: root.appendingPathComponent("master.key")).id == newID)
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("master.key.next").path))
        for i in [0, 77, 149] {
            #expect(try await services.datasets.describe(try await services.datasets.record(project: "default", name: "d\(i)"))?.preview[0][0] == "\(i)")
        }
        await #expect { _ = try await PlatformServices.open(dataDirectory: root, store: store, masterKey: MasterKeyConfiguration(source: .environment(oldKey.base64))) } throws: {
            "\($0)".contains("wrapped by master key \(newID)")
        }

        // Half a rotation, as a kill would leave it: the next key written, one batch re-wrapped.
        let third = MasterKey.generate(source: "test")
        try third.write(to: root.appendingPathComponent("master.key.next"))
        let current = try MasterKey(file: root.appendingPathComponent("master.key"))
        let batch = try await store.dataKeys(notWrappedBy: third.id, limit: 40).map { try KeyVault.rewrapped($0, from: current, to: third) }
        try await store.updateDataKeys(batch)
        #expect(Set(try await store.masterKeyUsage().keys) == [current.id, third.id])
        var notices: [String] = []
        services = try await PlatformServices.open(dataDirectory: root, store: store, log: { notices.append($0) })
        #expect(notices.contains { $0.contains("finished a master key rotation") })
        #expect(try await store.masterKeyUsage().keys.sorted() == [third.id])
        #expect(try MasterKey(file: root.appendingPathComponent("master.key")).id == third.id)
        #expect(try await services.datasets.describe(try await services.datasets.record(project: "default", name: "d5"))?.preview[0][0] == "5")
    }
}
