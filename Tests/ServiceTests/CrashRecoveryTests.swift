import Foundation
import Platform
import SQLiteStore
import Testing

/// What a SIGKILL can leave half-done, and what the next start (or `maas check`) makes of it.
/// tests/crash.sh kills a real server at random moments; these tests put each state in place
/// directly, so every recovery path runs on every test run.
@Suite struct CrashRecoveryTests {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("maas-crash-\(UUID())")

    func open(_ store: SQLiteMetadataStore) async throws -> PlatformServices {
        try await PlatformServices.open(dataDirectory: root, store: store, trainingWorkers: 0)
    }

    func upload(_ services: PlatformServices, _ name: String, _ text: String) async throws -> DatasetRecord {
        try await services.datasets.upload(project: "default", name: name, format: "csv", chunks: [Array(text.utf8)].async, actor: "t").record
    }

    /// A kill after an erasure wrote its tombstone, before it destroyed the key and the row:
    /// the next start finishes it (the row goes, the files go, the key is destroyed).
    @Test func anInterruptedErasureIsFinishedAtStart() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let store = try SQLiteMetadataStore(path: root.appendingPathComponent("metadata.sqlite").path)
        try await store.createProject("default")
        var services = try await open(store)
        let record = try await upload(services, "people", "name,age\nann,31\nbob,45\n")
        let file = services.datasets.path(record)
        let keyID = try #require(try? SealedFormatProbe.keyID(file))
        try await store.insertTombstone(DatasetTombstone(project: "default", name: "people", version: 1, format: "csv", sha256: record.sha256,
                                                         rows: 2, erasedBy: "k", erasedAt: Date(), reason: "deleted"))
        #expect(try await store.dataKey(id: keyID) != nil)

        services = try await open(store)
        #expect(services.erasuresFinished == 1)
        #expect(try await store.datasets(project: "default").isEmpty)
        #expect(!FileManager.default.fileExists(atPath: file.path))
        #expect(try await store.dataKey(id: keyID) == nil)
        #expect(try await store.tombstones(project: "default").count == 1)
        #expect(try await services.checkIntegrity().intact)
    }

    /// An upload killed between moving its file into place and recording it was never
    /// acknowledged: the file is shredded at the next start. A replacement killed before it
    /// erased the version it replaced: that erasure is finished, with a tombstone.
    @Test func unrecordedVersionsAreShreddedAtStart() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let store = try SQLiteMetadataStore(path: root.appendingPathComponent("metadata.sqlite").path)
        try await store.createProject("default")
        var services = try await open(store)
        let first = try await upload(services, "scores", "a,b\n1,2\n")
        // Version 2 as a killed replacement leaves it: recorded, with version 1's files and key
        // still there and no tombstone for it. (Its files are made by uploading them under
        // another name and moving them.)
        func move(_ record: DatasetRecord, toVersion version: Int) async throws -> DatasetRecord {
            var moved = record
            moved.name = "scores"
            moved.version = version
            try FileManager.default.moveItem(at: services.datasets.path(record), to: services.datasets.path(moved))
            try FileManager.default.moveItem(at: URL(fileURLWithPath: services.datasets.path(record).path + ".schema"),
                                             to: URL(fileURLWithPath: services.datasets.path(moved).path + ".schema"))
            try await store.deleteDataset(project: "default", name: record.name)
            return moved
        }
        let second = try await move(try await upload(services, "second", "a,b\n3,4\n"), toVersion: 2)
        try await store.upsertDataset(second)
        // Version 3 as a killed upload leaves it: in place, never recorded.
        let orphan = try await move(try await upload(services, "third", "a,b\n5,6\n"), toVersion: 3)
        // And a half-written upload beside them.
        let partial = services.datasets.path(second).deletingLastPathComponent().appendingPathComponent(".upload-\(UUID())")
        try Data("half".utf8).write(to: partial)

        services = try await open(store)
        #expect(services.partialFilesRemoved == 1)
        #expect(services.erasuresFinished == 2)
        #expect(!FileManager.default.fileExists(atPath: services.datasets.path(first).path))
        #expect(!FileManager.default.fileExists(atPath: services.datasets.path(orphan).path))
        #expect(!FileManager.default.fileExists(atPath: partial.path))
        #expect(try await services.datasets.record(project: "default", name: "scores").version == 2)
        let tombstone = try #require(try await store.tombstones(project: "default").first { $0.name == "scores" && $0.version == 1 })
        #expect(tombstone.sha256 == first.sha256 && tombstone.reason.contains("interrupted"))
        #expect(try await services.checkIntegrity().intact)
    }

    /// The last task of a split job ended, and its worker was killed before it queued the parent
    /// again: the next start queues it.
    @Test func aParentLeftWaitingIsQueuedAtStart() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let store = try SQLiteMetadataStore(path: root.appendingPathComponent("metadata.sqlite").path)
        try await store.createProject("default")
        let services = try await open(store)
        let parent = JobRecord(id: "job_parent", project: "default", kind: JobRecord.batchPrediction, state: .waiting, request: "{}",
                               createdAt: Date(), modelName: "m", keyID: "k")
        try await store.upsertJob(parent)
        var task = JobRecord(id: "job_parent-task0", project: "default", kind: JobRecord.shardTask, state: .succeeded,
                             request: "{\"index\":0,\"start\":0,\"end\":1}", createdAt: Date(), modelName: "m", keyID: "k")
        task.parentID = parent.id
        try await store.upsertJob(task)
        try await services.jobs.start()
        #expect(try await store.job(id: parent.id)?.state == .queued)
        await services.jobs.shutdown()
    }

    /// `maas check` reads every object back: a flipped byte in a dataset, a truncated artifact
    /// file and a missing one are each reported, naming the object.
    @Test func theIntegrityCheckFindsChangedAndMissingObjects() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let store = try SQLiteMetadataStore(path: root.appendingPathComponent("metadata.sqlite").path)
        try await store.createProject("default")
        let services = try await open(store)
        let record = try await upload(services, "table", "a,b\n" + (0..<5000).map { "\($0),\($0 * 2)" }.joined(separator: "\n") + "\n")
        let staging = try await services.artifacts.stage()
        try staging.write(Data("{\"format\": \"test\"}".utf8), as: "model.json")
        try staging.write(Data(repeating: 7, count: 100_000), as: "weights.bin")
        let digest = try await services.artifacts.commit(staging)
        try await store.insertModelVersion(ModelVersion(project: "default", name: "m", version: 1, artifact: digest, kind: "classical",
                                                        metrics: [:], createdAt: Date()))
        var report = try await services.checkIntegrity()
        #expect(report.intact && report.datasets == 1 && report.artifacts == 1 && report.artifactFiles == 2)
        #expect(report.datasetBytes == record.bytes)

        let file = services.datasets.path(record)
        var bytes = try Data(contentsOf: file)
        bytes[bytes.count / 2] ^= 1
        try bytes.write(to: file)
        let weights = root.appendingPathComponent("artifacts/\(digest)/weights.bin")
        let sealed = try Data(contentsOf: weights)
        try sealed.prefix(sealed.count - 100).write(to: weights)
        report = try await services.checkIntegrity()
        #expect(!report.intact)
        #expect(report.corrupt.count == 2)
        #expect(report.corrupt.contains { $0.contains("dataset default/table v1") && $0.contains("authentication") })
        #expect(report.corrupt.contains { $0.contains("artifact \(digest)") })

        try FileManager.default.removeItem(at: file)
        report = try await services.checkIntegrity()
        #expect(report.missing.contains { $0.contains("dataset default/table v1") })
    }
}

/// The data key id a sealed file's header names, as the store spells it.
enum SealedFormatProbe {
    static func keyID(_ url: URL) throws -> String {
        Digest.hex(try SealedFormat.keyID(ofFileAt: url.path))
    }
}
