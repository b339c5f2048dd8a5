import ArgumentParser
import Foundation
import Platform
import PostgresStore
import SQLiteStore

/// The job queue's own cost: workers (each with a connection pool of its own, as separate
/// processes have) claim, start, finish and release no-op jobs as fast as they can.
struct BenchQueue: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue",
        abstract: "Claims per second and the database work per task of the job queue, with N concurrent workers.")

    @Option(help: "postgres://… (default: SQLite in a temporary folder).") var database: String?
    @Option(help: "Concurrent workers.") var workers = 8
    @Option(help: "Jobs queued before the workers start.") var jobs = 2000
    @Option(help: "Milliseconds each task works (sleeps) between starting and ending: time-scaled tasks show how the makespan scales with more workers than cores.")
    var taskMs = 0

    func run() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("maas-bench-queue-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        var stores: [any MetadataStore] = []
        for _ in 0..<workers {
            if let database {
                stores.append(try await PostgresMetadataStore.connect(try DatabaseURL(database)))
            } else {
                if stores.isEmpty { stores.append(try SQLiteMetadataStore(path: folder.appendingPathComponent("queue.sqlite").path)) }
                else { stores.append(stores[0]) }
            }
        }
        let project = "bench-" + UUID().uuidString.prefix(8).lowercased()
        try await stores[0].createProject(project)
        for i in 0..<jobs {
            try await stores[0].upsertJob(JobRecord(id: "\(project)-\(i)", project: project, state: .queued, request: "{}",
                                                    createdAt: Date(), modelName: "m", keyID: "k"))
        }
        let start = DispatchTime.now().uptimeNanoseconds
        // Per task, what a worker does around the work itself: claim, mark running (and its event),
        // mark succeeded (and its event), give the lease up.
        let latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
            for (w, store) in stores.enumerated() {
                group.addTask {
                    var mine: [Double] = []
                    while true {
                        let t0 = DispatchTime.now().uptimeNanoseconds
                        guard var job = try await store.claimNextJob(owner: "bench-\(w)", seconds: 30, projectLimit: nil) else { break }
                        job.state = .running
                        try await store.upsertJob(job)
                        try await store.appendJobEvent(JobEvent(jobID: job.id, sequence: 1, at: Date(), type: "state", data: "{}"))
                        if taskMs > 0 { try await Task.sleep(for: .milliseconds(taskMs)) }
                        job.state = .succeeded
                        try await store.upsertJob(job)
                        try await store.appendJobEvent(JobEvent(jobID: job.id, sequence: 2, at: Date(), type: "state", data: "{}"))
                        try await store.releaseJob(id: job.id, owner: "bench-\(w)")
                        mine.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
                    }
                    return mine
                }
            }
            return try await group.reduce(into: [Double]()) { $0 += $1 }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let sorted = latencies.sorted()
        func percentile(_ p: Double) -> Double { sorted.isEmpty ? .nan : sorted[min(sorted.count - 1, Int(p * Double(sorted.count)))] }
        printJSON(["store": database == nil ? "sqlite" : "postgresql", "workers": workers, "jobs": jobs, "completed": latencies.count,
                   "seconds": seconds, "tasks_per_s": Double(latencies.count) / seconds, "task_ms": taskMs,
                   "ideal_seconds": Double(jobs) * Double(taskMs) / 1000 / Double(workers),
                   "per_task_ms_p50": percentile(0.5), "per_task_ms_p99": percentile(0.99),
                   "overhead_ms_p50": percentile(0.5) - Double(taskMs)])
        for store in stores { (store as? PostgresMetadataStore)?.close() }
    }
}
