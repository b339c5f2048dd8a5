import Foundation
import Platform
import SQLiteStore
import Tensor
import Testing

/// An artifact store that answers "unavailable" to its first `failures` commits, as an object
/// store answering 503 SlowDown does, then works.
final class FlakyArtifactStore: ArtifactStore, @unchecked Sendable {
    let inner: any ArtifactStore
    private let lock = NSLock()
    private var failuresLeft: Int

    init(_ inner: any ArtifactStore, failures: Int) {
        self.inner = inner
        failuresLeft = failures
    }

    func stage() async throws -> ArtifactStaging { try await inner.stage() }
    func commit(_ staging: ArtifactStaging) async throws -> String {
        let fail = lock.withLock { () -> Bool in
            guard failuresLeft > 0 else { return false }
            failuresLeft -= 1
            return true
        }
        if fail {
            await inner.discard(staging)
            throw PlatformError.unavailable(retryAfter: 0, "the artifact store answered 503 SlowDown")
        }
        return try await inner.commit(staging)
    }
    func discard(_ staging: ArtifactStaging) async { await inner.discard(staging) }
    func open(_ digest: String) async throws -> ArtifactFiles { try await inner.open(digest) }
    func listing(_ digest: String) async throws -> [(name: String, size: Int)] { try await inner.listing(digest) }
    func reader(_ digest: String, file: String) async throws -> SealedReader { try await inner.reader(digest, file: file) }
    func erase(_ digest: String) async throws { try await inner.erase(digest) }
}

/// A training job whose store is briefly unavailable goes back to the queue and succeeds; one
/// whose store stays unavailable fails after its retries, with the store's message.
@Suite struct TransientStoreFailures {
    func train(failures: Int) async throws -> (job: JobRecord, events: [JobEvent]) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("maas-transient-\(UUID())")
        defer { try? FileManager.default.removeItem(at: root) }
        let store = try SQLiteMetadataStore(path: root.appendingPathComponent("metadata.sqlite").path)
        try await store.createProject("default")
        let services = try await PlatformServices.open(
            dataDirectory: root, store: store,
            artifactStore: { storage in FlakyArtifactStore(try FileArtifactStore(root: root.appendingPathComponent("artifacts"), storage: storage), failures: failures) },
            queue: JobQueueSettings(pollInterval: .milliseconds(50)))
        let csv = "x,y\n" + (0..<40).map { "\($0),\($0 % 2 == 0 ? "a" : "b")" }.joined(separator: "\n") + "\n"
        _ = try await services.datasets.upload(project: "default", name: "t", format: "csv", chunks: [Array(csv.utf8)].async, actor: "k")
        try await services.jobs.start()
        let submitted = try await services.jobs.submit(project: "default", keyID: "k", request: #"""
            {"name": "m", "dataset": "t", "target": "y", "spec": {"algorithm": "logistic_regression"}}
            """#)
        var job = submitted
        for _ in 0..<600 where ![.succeeded, .failed, .cancelled].contains(job.state) {
            try await Task.sleep(for: .milliseconds(100))
            job = try await services.jobs.job(project: "default", id: submitted.id)
        }
        let events = try await services.jobs.events(project: "default", id: submitted.id)
        await services.jobs.shutdown()
        return (job, events)
    }

    func retries(_ events: [JobEvent]) -> Int {
        events.filter { $0.type == "log" && $0.data.contains("a store was unavailable; retry") }.count
    }

    @Test func aJobRetriesWhileItsStoreIsUnavailable() async throws {
        let (job, events) = try await train(failures: 2)
        #expect(job.state == .succeeded, "\(job.state): \(job.error ?? "")")
        #expect(job.modelVersion == 1 && job.attempts == 3)
        #expect(retries(events) == 2)
    }

    @Test func aJobFailsWhenItsStoreStaysUnavailable() async throws {
        let (job, events) = try await train(failures: 1000)
        #expect(job.state == .failed)
        #expect(job.error?.contains("503 SlowDown") == true, "\(job.error ?? "no error")")
        #expect(retries(events) == 5 && job.attempts == 6)
    }
}
