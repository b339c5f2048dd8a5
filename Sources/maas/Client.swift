import ArgumentParser
import AsyncHTTPClient
import Datasets
import Foundation
import NeuralNet
import NIOCore
import NIOHTTP1
import NIOSSL
import Platform

/// Talks to a running server: `MAAS_URL` (default http://127.0.0.1:8080) and `MAAS_API_KEY`.
struct APIClient {
    let base: String
    let key: String

    static func fromEnvironment() throws -> APIClient {
        let environment = ProcessInfo.processInfo.environment
        guard let key = environment["MAAS_API_KEY"], !key.isEmpty else {
            throw CommandFailure("MAAS_API_KEY is not set: export the key `maas serve` printed (or one from POST /v1/keys)")
        }
        let base = (environment["MAAS_URL"] ?? "http://127.0.0.1:8080").trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        return APIClient(base: base, key: key)
    }

    /// The HTTP client, trusting `MAAS_CA_CERT` (a PEM bundle, for a server with a private CA)
    /// and presenting `MAAS_CLIENT_CERT`/`MAAS_CLIENT_KEY` when the server asks for client
    /// certificates. A connection that cannot be made (refused, or a server certificate that
    /// does not verify) fails the command at once: async-http-client's default retries the
    /// connection until the request's deadline, an hour here. Lives for the whole process.
    static let http: HTTPClient = {
        let environment = ProcessInfo.processInfo.environment
        let ca = environment["MAAS_CA_CERT"].flatMap { $0.isEmpty ? nil : $0 }
        let certificate = environment["MAAS_CLIENT_CERT"].flatMap { $0.isEmpty ? nil : $0 }
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        guard ca != nil || certificate != nil else {
            return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        }
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.minimumTLSVersion = .tlsv12
        if let ca { tls.trustRoots = .file(ca) }
        if let certificate, let key = environment["MAAS_CLIENT_KEY"],
           let chain = try? NIOSSLCertificate.fromPEMFile(certificate), let privateKey = try? NIOSSLPrivateKey(file: key, format: .pem) {
            tls.certificateChain = chain.map { .certificate($0) }
            tls.privateKey = .privateKey(privateKey)
        }
        configuration.tlsConfiguration = tls
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    /// Sends a request; a non-2xx answer becomes a failure carrying the server's message.
    @discardableResult
    func send(_ method: String, _ path: String, body: Data? = nil, contentType: String = "application/json") async throws -> Data {
        try await send(method, path, body: body.map { .bytes(ByteBuffer(bytes: $0)) }, contentType: contentType)
    }

    private func send(_ method: String, _ path: String, body: HTTPClientRequest.Body?, contentType: String) async throws -> Data {
        let (status, data) = try await exchange(method, path, body: body, contentType: contentType)
        guard (200..<300).contains(status) else {
            let error = (try? JSONSerialization.jsonObject(with: data) as? [String: Any])?["error"] as? [String: Any]
            throw CommandFailure("\(method) \(path): \(status) \(error?["message"] as? String ?? String(decoding: data.prefix(300), as: UTF8.self))")
        }
        return data
    }

    /// The status and body of a request, whatever the status.
    func exchange(_ method: String, _ path: String, body: HTTPClientRequest.Body?, contentType: String = "application/json") async throws -> (Int, Data) {
        guard URL(string: base + path)?.host != nil else { throw CommandFailure("MAAS_URL: '\(base)' is not a URL") }
        var request = HTTPClientRequest(url: base + path)
        request.method = HTTPMethod(rawValue: method)
        request.headers.add(name: "Authorization", value: "Bearer \(key)")
        if let body {
            request.body = body
            request.headers.add(name: "Content-Type", value: contentType)
        }
        let data: Data, status: Int
        do {
            let response = try await Self.http.execute(request, timeout: .hours(1))
            status = Int(response.status.code)
            data = Data(try await response.body.collect(upTo: 1 << 31).readableBytesView)
        } catch {
            throw CommandFailure("cannot reach \(base): \(error) (is `maas serve` running? set MAAS_URL)")
        }
        return (status, data)
    }

    func json(_ method: String, _ path: String, body: Data? = nil, contentType: String = "application/json") async throws -> [String: Any] {
        Self.object(try await send(method, path, body: body, contentType: contentType))
    }

    /// Sends an archive as it is read from disk (a model of any size holds one chunk in memory).
    func json(_ method: String, _ path: String, archive: ArchiveStream) async throws -> [String: Any] {
        try await json(method, path, chunks: archive, length: archive.length, contentType: "application/x-tar")
    }

    /// Sends a file as it is read from disk, in 1 MiB chunks (a dataset of any size holds one
    /// chunk in memory).
    func json(_ method: String, _ path: String, file: URL, contentType: String) async throws -> [String: Any] {
        let chunks = try FileChunks(file)
        return try await json(method, path, chunks: chunks, length: chunks.length, contentType: contentType)
    }

    /// A body of `length` bytes streamed as `chunks` yields them.
    private func json<Chunks: AsyncSequence & Sendable>(_ method: String, _ path: String, chunks: Chunks, length: Int,
                                                        contentType: String) async throws -> [String: Any] where Chunks.Element == [UInt8] {
        let body = HTTPClientRequest.Body.stream(chunks.map { @Sendable in ByteBuffer(bytes: $0) }, length: .known(Int64(length)))
        return Self.object(try await send(method, path, body: body, contentType: contentType))
    }

    private static func object(_ data: Data) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:]
    }

    /// Every item of a paged list route (`member` of each page), following `next_page_token`.
    func all(_ path: String, _ member: String) async throws -> [[String: Any]] {
        var items: [[String: Any]] = [], token: String?
        repeat {
            let page = try await json("GET", path + "?limit=1000" + (token.map { "&page_token=\($0)" } ?? ""))
            items += page[member] as? [[String: Any]] ?? []
            token = page["next_page_token"] as? String
        } while token != nil
        return items
    }

    func json(_ method: String, _ path: String, object: [String: Any]) async throws -> [String: Any] {
        try await json(method, path, body: try JSONSerialization.data(withJSONObject: object))
    }
}

/// Prints a JSON value indented, keys sorted.
func printPretty(_ value: Any) {
    guard let data = try? JSONSerialization.data(withJSONObject: value, options: [.prettyPrinted, .sortedKeys]) else { return }
    print(String(decoding: data, as: UTF8.self))
}

func percentEncoded(_ text: String) -> String {
    text.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/?#@:"))) ?? text
}

// MARK: datasets

struct DatasetCommands: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "datasets", abstract: "Upload, list, show and delete datasets on a server.",
                                                    subcommands: [Upload.self, List.self, Show.self, Delete.self, Policies.self, EraseRecords.self])

    struct Upload: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Upload a CSV, TSV, JSON Lines, IDX or NPY file.")
        @Argument(help: "The file.") var file: String
        @Option(help: "Dataset name (default: the file name without extension).") var name: String?
        @Option(help: "csv, tsv, jsonl, idx or npy (default: from the extension).") var format: String?
        @Option(name: .customLong("policy"), help: "A column policy, COLUMN=drop|mask|hash|generalize[:WIDTH] (repeatable).") var policies: [String] = []

        func run() async throws {
            let url = URL(fileURLWithPath: file)
            var ext = url.pathExtension.lowercased()
            if ext == "gz" || ext == "ubyte" || url.lastPathComponent.contains("-idx") { ext = "idx" }
            if ext == "ndjson" { ext = "jsonl" }
            let format = self.format ?? ext
            let name = self.name ?? url.deletingPathExtension().lastPathComponent
            let client = try APIClient.fromEnvironment()
            var query = "?format=\(format)"
            for policy in policies {
                let parts = policy.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2 else { throw CommandFailure("--policy: expected COLUMN=POLICY, got '\(policy)'") }
                query += "&policy.\(percentEncoded(parts[0]))=\(percentEncoded(parts[1]))"
            }
            let record = try await client.json("POST", "/v1/datasets/\(percentEncoded(name))\(query)", file: url, contentType: "application/octet-stream")
            print("uploaded \(record["name"] ?? name) version \(record["version"] ?? "?"): \(record["rows"] ?? "?") rows, \(record["bytes"] ?? "?") bytes, sha256 \(record["sha256"] ?? "?")")
            if let replaced = record["replaced"] as? [String: Any] { print("erased the previous version \(replaced["version"] ?? "?")") }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List datasets.")
        func run() async throws {
            let datasets = try await APIClient.fromEnvironment().all("/v1/datasets", "datasets")
            for d in datasets { print("\(d["name"] ?? "")\t\(d["format"] ?? "")\t\(d["rows"] ?? "") rows\t\(d["bytes"] ?? "") bytes") }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a dataset's schema, statistics and preview.")
        @Argument var name: String
        func run() async throws { printPretty(try await APIClient.fromEnvironment().json("GET", "/v1/datasets/\(percentEncoded(name))")) }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Erase a dataset: its data key is destroyed (every copy unreadable), a tombstone stays.")
        @Argument var name: String
        @Flag(help: "Erase the model versions trained on it too.") var eraseDerived = false
        @Flag(help: "With --erase-derived: undeploy the endpoints serving them first.") var force = false
        func run() async throws {
            let answer = try await APIClient.fromEnvironment().json("DELETE", "/v1/datasets/\(percentEncoded(name))?erase_derived=\(eraseDerived)&force=\(force)")
            print("erased \(name)")
            func list(_ key: String) -> [String] { (answer[key] as? [[String: Any]] ?? []).map { "\($0["model"] ?? "")@\($0["version"] ?? "")" } }
            if !list("erased_versions").isEmpty { print("erased model versions: \(list("erased_versions").joined(separator: ", "))") }
            else if !list("derived_versions").isEmpty { print("model versions trained on it (flagged trained_on_erased_data): \(list("derived_versions").joined(separator: ", "))") }
            if let undeployed = answer["undeployed"] as? [String], !undeployed.isEmpty { print("undeployed: \(undeployed.joined(separator: ", "))") }
        }
    }

    struct Policies: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "policy", abstract: "Set a dataset's column policies: maas datasets policy customers email=hash notes=drop")
        @Argument var name: String
        @Argument(help: "COLUMN=drop|mask|hash|generalize[:WIDTH]; none clears them.") var policies: [String] = []
        func run() async throws {
            var object: [String: String] = [:]
            for policy in policies {
                let parts = policy.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2 else { throw CommandFailure("expected COLUMN=POLICY, got '\(policy)'") }
                object[parts[0]] = parts[1]
            }
            let record = try await APIClient.fromEnvironment().json("PATCH", "/v1/datasets/\(percentEncoded(name))", object: ["policies": object])
            print("\(name): policies \(record["policies"] ?? [:])")
        }
    }

    struct EraseRecords: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Erase the rows whose column holds one of the values (a new version; the old one is shredded).")
        @Argument var name: String
        @Option(help: "The column to match.") var column: String
        @Argument(help: "Values whose rows to erase.") var values: [String]
        func run() async throws {
            let answer = try await APIClient.fromEnvironment().json("POST", "/v1/datasets/\(percentEncoded(name))/erasures", object: ["column": column, "values": values])
            let dataset = answer["dataset"] as? [String: Any] ?? [:]
            print("erased \(answer["rows_erased"] ?? 0) rows of \(name): now version \(dataset["version"] ?? "?") with \(dataset["rows"] ?? "?") rows")
            let flagged = (answer["trained_on_erased_data"] as? [[String: Any]] ?? []).map { "\($0["model"] ?? "")@\($0["version"] ?? "")" }
            if !flagged.isEmpty { print("trained on erased data, retrain: \(flagged.joined(separator: ", "))") }
        }
    }
}

// MARK: administration

struct AdminCommands: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "admin", abstract: "Operator tasks: master keys.",
                                                    subcommands: [RotateMasterKey.self, NewMasterKey.self])

    struct RotateMasterKey: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Re-wrap every data key under a new master key, without stopping the server.")
        @Option(help: "With MAAS_MASTER_KEY: a file (on the server) holding the new key; set MAAS_MASTER_KEY to it before the next start.")
        var newMasterKeyFile: String?
        func run() async throws {
            let body: [String: Any] = newMasterKeyFile.map { ["new_master_key_file": $0] } ?? [:]
            let answer = try await APIClient.fromEnvironment().json("POST", "/v1/admin/master-key/rotate", object: body)
            print("master key rotated to \(answer["master_key_id"] ?? "?"): \(answer["rewrapped_data_keys"] ?? 0) data keys re-wrapped")
        }
    }

    struct NewMasterKey: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a new random master key (base64), for MAAS_MASTER_KEY or a key file.")
        func run() { print(MasterKey.generate(source: "new").base64) }
    }
}

struct AuditCommands: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "audit", abstract: "The audit trail: list entries, verify the chain.",
                                                    subcommands: [List.self, Verify.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List audit entries (admins: their project's; the operator: every project's).")
        @Option var action: String?
        @Option(help: "A key id.") var actor: String?
        @Option(help: "RFC 3339 time.") var since: String?
        @Option var limit: Int = 100
        func run() async throws {
            var query = "?limit=\(limit)"
            for (key, value) in [("action", action), ("actor", actor), ("since", since)] { if let value { query += "&\(key)=\(percentEncoded(value))" } }
            for e in try await APIClient.fromEnvironment().json("GET", "/v1/audit" + query)["entries"] as? [[String: Any]] ?? [] {
                print("\(e["sequence"] ?? "")\t\(e["at"] ?? "")\t\(e["actor"] ?? "")\t\(e["project"] ?? "")\t\(e["action"] ?? "")\t\(e["resource"] ?? "")\t\(e["outcome"] ?? "")")
            }
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Verify the whole hash chain; names any edited, deleted or forged entry (exit 1).")
        func run() async throws {
            let answer = try await APIClient.fromEnvironment().json("GET", "/v1/audit/verify")
            let problems = answer["problems"] as? [String] ?? []
            if problems.isEmpty {
                print("audit log intact: \(answer["entries"] ?? 0) entries verified")
                return
            }
            for problem in problems { print(problem) }
            throw CommandFailure("audit log verification failed: \(problems.count) problems in \(answer["entries"] ?? 0) entries")
        }
    }
}

// MARK: jobs

struct JobCommands: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "jobs", abstract: "Submit and follow training jobs on a server.",
                                                    subcommands: [Submit.self, Status.self, Logs.self, Cancel.self])

    struct Submit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Submit a training job and follow it with a progress bar.")
        @Option(help: "Model name the new version registers under.") var name: String
        @Option(help: "Dataset name.") var dataset: String
        @Option(help: "Label dataset, when the dataset holds images (IDX/NPY).") var labels: String?
        @Option(help: "Target column, when the dataset is a table.") var target: String?
        @Option(help: "Network or learner spec: a JSON/YAML file or inline JSON.") var spec: String
        @Option(help: "Preprocessing spec: a JSON file or inline JSON.") var preprocessing: String?
        @Option(help: "holdout:F or kfold:K (default holdout:0.2).") var validation: String?
        @Option var seed: UInt64?
        @Option var epochs: Int?
        @Flag(help: "Return once queued instead of following the job.") var detach = false

        func run() async throws {
            let specText = try jsonArgument(spec)
            var object: [String: Any] = ["name": name, "dataset": dataset]
            if specText.trimmingCharacters(in: .whitespacesAndNewlines).hasPrefix("{") {
                guard let parsed = try? JSONSerialization.jsonObject(with: Data(specText.utf8)) else { throw CommandFailure("--spec: not valid JSON") }
                object["spec"] = parsed
            } else {
                // YAML: the server takes JSON, so convert through the network spec parser.
                do { object["spec"] = try JSONSerialization.jsonObject(with: try ModelSpec.parse(specText).json(pretty: false)) }
                catch { throw CommandFailure("--spec: \(error)") }
            }
            if let labels { object["labels"] = labels }
            if let target { object["target"] = target }
            if let preprocessing { object["preprocessing"] = try JSONSerialization.jsonObject(with: Data(try jsonArgument(preprocessing).utf8)) }
            if let validation {
                let parts = validation.split(separator: ":")
                guard parts.count == 2, let value = Double(parts[1]), ["holdout", "kfold"].contains(parts[0]) else {
                    throw CommandFailure("--validation: expected holdout:F or kfold:K, got '\(validation)'")
                }
                object["validation"] = [String(parts[0]): value]
            }
            if let seed { object["seed"] = seed }
            if let epochs { object["epochs"] = epochs }
            let client = try APIClient.fromEnvironment()
            let job = try await client.json("POST", "/v1/training-jobs", object: object)
            let id = job["id"] as? String ?? ""
            print("submitted \(id)")
            if !detach { try await follow(client, id) }
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a job, or list jobs without an id.")
        @Argument var id: String?
        @Flag(help: "Follow a running job until it ends.") var follow = false
        func run() async throws {
            let client = try APIClient.fromEnvironment()
            guard let id else {
                for job in try await client.all("/v1/training-jobs", "jobs") {
                    print("\(job["id"] ?? "")\t\(job["state"] ?? "")\t\(job["model"] ?? "")\(job["version"].map { "@\($0)" } ?? "")\t\(job["created_at"] ?? "")")
                }
                return
            }
            if follow { return try await JobCommands.follow(client, id) }
            printPretty(try await client.json("GET", "/v1/training-jobs/\(id)"))
        }
    }

    struct Logs: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a job's stored events: states, epochs, log lines.")
        @Argument var id: String
        func run() async throws {
            for event in try await APIClient.fromEnvironment().json("GET", "/v1/training-jobs/\(id)/logs")["events"] as? [[String: Any]] ?? [] {
                print(JobCommands.describe(event))
            }
        }
    }

    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Cancel a job (a running one stops at its next step).")
        @Argument var id: String
        func run() async throws {
            let job = try await APIClient.fromEnvironment().json("POST", "/v1/training-jobs/\(id)/cancel")
            print("\(id): \(job["state"] ?? "?")")
        }
    }

    static func describe(_ event: [String: Any]) -> String {
        let data = event["data"] as? [String: Any] ?? [:]
        switch event["type"] as? String {
        case "log": return "\(event["at"] ?? "") \(data["message"] ?? "")"
        case "epoch":
            var line = "epoch \(data["epoch"] ?? "?"): loss \(format(data["loss"]))"
            for key in ["accuracy", "val_loss", "val_accuracy"] where data[key] != nil { line += " \(key) \(format(data[key]))" }
            return line + String(format: " (%.1fs)", (data["seconds"] as? Double) ?? 0)
        case "metrics": return "metrics: " + data.keys.sorted().map { "\($0) \(format(data[$0]))" }.joined(separator: ", ")
        default: return "\(event["type"] ?? "event"): " + data.keys.sorted().map { "\($0)=\(data[$0]!)" }.joined(separator: " ")
        }
    }

    static func format(_ value: Any?) -> String { (value as? Double).map { String(format: "%.4f", $0) } ?? "\(value ?? "?")" }

    /// Polls the job twice a second: new stored events as lines, step progress as a bar.
    static func follow(_ client: APIClient, _ id: String) async throws {
        var after = 0
        var drewBar = false
        while true {
            let job = try await client.json("GET", "/v1/training-jobs/\(id)")
            for event in try await client.json("GET", "/v1/training-jobs/\(id)/logs?after=\(after)")["events"] as? [[String: Any]] ?? [] {
                after = max(after, event["sequence"] as? Int ?? after)
                if drewBar { FileHandle.standardError.write("\r" + String(repeating: " ", count: 100) + "\r"); drewBar = false }
                print(describe(event))
            }
            let state = job["state"] as? String ?? ""
            if ["succeeded", "failed", "cancelled"].contains(state) {
                if state == "failed" { throw CommandFailure("job \(id) failed: \(job["error"] ?? "")") }
                if let version = job["version"] { print("registered \(job["model"] ?? "")@\(version)") }
                return
            }
            if let p = job["progress"] as? [String: Any], let step = p["step"] as? Int, let steps = p["steps"] as? Int, steps > 0 {
                let width = 30, filled = width * step / steps
                let bar = String(repeating: "=", count: filled) + String(repeating: " ", count: width - filled)
                FileHandle.standardError.write(String(format: "\repoch %d/%d [%@] %d/%d loss %.4f ETA %@ ", p["epoch"] as? Int ?? 0, p["epochs"] as? Int ?? 0,
                                                      bar, step, steps, (p["loss"] as? Double) ?? 0, formatDuration((p["seconds_remaining"] as? Double) ?? .nan)))
                drewBar = true
            }
            try await Task.sleep(for: .milliseconds(500))
        }
    }
}

// MARK: models and deployments

struct ModelCommands: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "models", abstract: "List and show registered models; move aliases.",
                                                    subcommands: [List.self, Show.self, Alias.self, Promote.self, Import.self])

    /// Moves an alias through its promotion policy: prints each check, and exits non-zero when
    /// the server refuses (a CI pipeline's gate).
    struct Promote: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Promote a version to an alias if it passes the alias's policy: maas models promote churn 4 --alias production")
        @Argument var name: String
        @Argument var version: Int
        @Option(help: "The alias to move.") var alias = "production"
        func run() async throws {
            let body = try JSONSerialization.data(withJSONObject: ["version": version])
            let (status, data) = try await APIClient.fromEnvironment().exchange("PUT", "/v1/models/\(percentEncoded(name))/aliases/\(percentEncoded(alias))",
                                                                               body: .bytes(ByteBuffer(bytes: body)))
            let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
            let evaluation = object["evaluation"] as? [String: Any]
            for check in evaluation?["checks"] as? [[String: Any]] ?? [] {
                let passed = check["passed"] as? Bool ?? false
                let checkText = (check["check"]).flatMap { try? JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys]) }.map { String(decoding: $0, as: UTF8.self) } ?? "?"
                print("\(passed ? "pass" : "FAIL")  \(checkText)  value \(check["value"].map { "\($0)" } ?? "none")  limit \(check["limit"] ?? "")")
            }
            if status == 409 {
                throw CommandFailure("refused: \((object["error"] as? [String: Any])?["message"] as? String ?? "the policy's checks failed") (evaluation \(evaluation?["id"] ?? "?"))")
            }
            guard (200..<300).contains(status) else {
                throw CommandFailure("PUT alias: \(status) \((object["error"] as? [String: Any])?["message"] as? String ?? String(decoding: data.prefix(300), as: UTF8.self))")
            }
            print("\(name)@\(alias) → \(version)" + (evaluation.map { " (evaluation \($0["id"] ?? "?"))" } ?? " (no policy)"))
        }
    }

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register a version: an artifact directory (model.json + weights), a sentence-transformers directory, or a GGUF file.")
        @Argument(help: "The directory or .gguf file.") var path: String
        @Option(help: "Model name.") var name: String
        func run() async throws {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { throw CommandFailure("no such file or directory: \(path)") }
            let url = URL(fileURLWithPath: path)
            let archive = try ArchiveStream(files: isDirectory.boolValue ? try ArtifactArchive.files(in: url) : [url])
            let version = try await APIClient.fromEnvironment().json("POST", "/v1/models/\(percentEncoded(name))/versions", archive: archive)
            print("registered \(name)@\(version["version"] ?? "?") (\(version["kind"] ?? "?"), artifact \(version["artifact"] ?? "?"))")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List models with their versions and aliases.")
        func run() async throws {
            for model in try await APIClient.fromEnvironment().all("/v1/models", "models") {
                let versions = (model["versions"] as? [[String: Any]] ?? []).compactMap { $0["version"] as? Int }
                let aliases = (model["aliases"] as? [String: Any] ?? [:]).map { "\($0.key)→\($0.value)" }.sorted()
                print("\(model["name"] ?? "")\tversions \(versions.map(String.init).joined(separator: ","))\t\(aliases.joined(separator: " "))")
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a model's versions: metrics, lineage, aliases.")
        @Argument var name: String
        func run() async throws { printPretty(try await APIClient.fromEnvironment().json("GET", "/v1/models/\(percentEncoded(name))")) }
    }

    struct Alias: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Point an alias at a version: maas models alias fashion production 3")
        @Argument var name: String
        @Argument var alias: String
        @Argument var version: Int
        func run() async throws {
            _ = try await APIClient.fromEnvironment().json("PUT", "/v1/models/\(percentEncoded(name))/aliases/\(percentEncoded(alias))", object: ["version": version])
            print("\(name)@\(alias) → \(version)")
        }
    }
}

struct Deploy: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Deploy model@alias or model@version as an endpoint (a redeploy swaps warm).")
    @Argument(help: "model, model@alias or model@version") var model: String
    @Option(help: "Endpoint name (default: the model name).") var name: String?
    @Option(help: "Canary: VERSION_OR_ALIAS:PERCENT, e.g. 4:10.") var canary: String?
    @Option(help: "Rows per forward pass at most.") var maxBatchSize: Int?
    @Option(help: "Microseconds a batch may wait to fill (0: greedy).") var maxDelayUs: Int?
    @Option(help: "Requests queued at most before 429.") var maxQueue: Int?

    func run() async throws {
        var object: [String: Any] = ["name": name ?? String(model.split(separator: "@")[0]), "model": model]
        if let canary {
            let parts = canary.split(separator: ":")
            guard parts.count == 2, let percent = Double(parts[1]) else { throw CommandFailure("--canary: expected VERSION:PERCENT, got '\(canary)'") }
            object["canary"] = ["model": String(parts[0]), "percent": percent]
        }
        var batching: [String: Any] = [:]
        if let maxBatchSize { batching["max_batch_size"] = maxBatchSize }
        if let maxDelayUs { batching["max_delay_us"] = maxDelayUs }
        if let maxQueue { batching["max_queue"] = maxQueue }
        if !batching.isEmpty { object["batching"] = batching }
        let deployment = try await APIClient.fromEnvironment().json("POST", "/v1/deployments", object: object)
        print("deployed \(deployment["name"] ?? "") → \(deployment["model"] ?? "")@\(deployment["version"] ?? "")")
    }
}

extension Predict {
    /// Rows of a table (named values) or an IDX file (pixel arrays) sent to an endpoint 256 at a time.
    func predictRemotely(_ endpoint: String) async throws {
        guard let input else { throw CommandFailure("--input is required with --endpoint") }
        let client = try APIClient.fromEnvironment()
        var instances: [Any] = []
        if let idx = try? IDXReader.read(path: input, scale: 1 / 255), idx.rank >= 2 {
            let n = idx.shape[0], width = idx.count / max(n, 1), values = idx.scalars
            instances = (0..<min(n, limit)).map { Array(values[($0 * width)..<(($0 + 1) * width)]).map(Double.init) }
        } else {
            let table = try readTable(input)
            instances = (0..<min(table.rowCount, limit)).map { r in
                Dictionary(uniqueKeysWithValues: table.columns.map { column -> (String, Any) in
                    switch column.data {
                    case .numeric(let v): return (column.name, v[r].isNaN ? NSNull() : v[r])
                    case .text(let v): return (column.name, v[r] ?? NSNull())
                    }
                })
            }
        }
        var row = 0
        for start in stride(from: 0, to: instances.count, by: 256) {
            let chunk = Array(instances[start..<min(instances.count, start + 256)])
            let answer = try await client.json("POST", "/v1/models/\(percentEncoded(endpoint)):predict", object: ["instances": chunk])
            for prediction in answer["predictions"] as? [Any] ?? [] {
                if let p = prediction as? [String: Any], let label = p["label"] {
                    let best = (p["probabilities"] as? [Double])?.max().map { String(format: "\t%.4f", $0) } ?? ""
                    print("\(row)\t\(label)\(best)")
                } else {
                    print("\(row)\t\(prediction)")
                }
                row += 1
            }
        }
    }
}

/// A file's bytes in chunks, read as they are consumed.
struct FileChunks: AsyncSequence, Sendable {
    typealias Element = [UInt8]
    let file: URL
    let length: Int
    let chunkSize: Int

    init(_ file: URL, chunkSize: Int = 1 << 20) throws {
        guard let size = (try? FileManager.default.attributesOfItem(atPath: file.path))?[.size] as? Int,
              FileManager.default.isReadableFile(atPath: file.path) else {
            throw CommandFailure("cannot read \(file.path)")
        }
        (self.file, length, self.chunkSize) = (file, size, chunkSize)
    }

    func makeAsyncIterator() -> Iterator { Iterator(chunks: self) }

    struct Iterator: AsyncIteratorProtocol {
        let chunks: FileChunks
        var handle: FileHandle?
        var left: Int

        init(chunks: FileChunks) { (self.chunks, left) = (chunks, chunks.length) }

        mutating func next() async throws -> [UInt8]? {
            guard left > 0 else {
                try handle?.close()
                handle = nil
                return nil
            }
            if handle == nil { handle = try FileHandle(forReadingFrom: chunks.file) }
            let chunk = try handle!.read(upToCount: Swift.min(left, chunks.chunkSize)) ?? Data()
            // The length was promised in Content-Length: a file that changes size fails loudly.
            guard !chunk.isEmpty else { throw CommandFailure("\(chunks.file.path) shrank while it was being sent") }
            left -= chunk.count
            return [UInt8](chunk)
        }
    }
}
