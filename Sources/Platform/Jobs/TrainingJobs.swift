import Datasets
import Foundation
import NeuralNet
import Tensor
import Tracing

/// Flags a running job's training thread reads before every step.
final class JobControl: @unchecked Sendable {
    private let lock = NSLock()
    private var _cancelled = false, _interrupted = false
    var cancelled: Bool { lock.withLock { _cancelled } }
    var interrupted: Bool { lock.withLock { _interrupted } }
    var shouldStop: Bool { lock.withLock { _cancelled || _interrupted } }
    func cancel() { lock.withLock { _cancelled = true } }
    func interrupt() { lock.withLock { _interrupted = true } }
}

/// The durable job queue and this node's bounded worker pool.
///
/// The queue is the metadata store: a job is persisted as `queued` before `submit` returns, and
/// each worker claims the next one with a lease (`claimNextJob`: fair share by project, then
/// priority, then age), renews the lease while it runs, and gives it up when it stops. Any node
/// sharing the store (an API node with `--training-workers`, or `maas worker`) may take any job,
/// so a job outlives the node that started it: a worker that dies stops renewing, its lease runs
/// out, and another worker resumes the job from its last checkpoint (sealed, and published to
/// the shared files when there are any). A job is finished once, by the lease holder.
///
/// A job trains on a thread of its own (never on the event loops) and writes a checkpoint after
/// every epoch. Events (state changes, epochs, log lines) are stored; followers get them live
/// from the node that runs the job, or from the store within half a second from any other node.
public actor TrainingJobs {
    let store: any MetadataStore
    let datasets: DatasetStore
    let registry: ModelRegistry
    let artifacts: any ArtifactStore
    let storage: SealedStorage
    let workRoot: URL
    /// Checkpoints and batch outputs, shared with other nodes when there is somewhere to share them.
    let work: MirroredFolder
    public let workerCount: Int
    /// Names this node's leases on jobs; stable across restarts (kept in the data folder), so a
    /// restarted node frees what it held at once rather than after the lease runs out.
    public nonisolated let nodeID: String
    public let queue: JobQueueSettings

    /// Jobs this node is running now, by id: their progress is fresher here than in the store.
    private var running: [String: JobRecord] = [:]
    private var idleWorkers: [UUID: CheckedContinuation<Void, Never>] = [:]
    private var controls: [String: JobControl] = [:]
    /// Stored events of the jobs running here, so a follower gets history then live events with no gap.
    private var history: [String: [JobEvent]] = [:]
    private var followers: [String: [UUID: Follower]] = [:]
    private var followerPoll: Task<Void, Never>?
    private var workers: [Task<Void, Never>] = []
    private var stopping = false
    private var lastParentSweep = ContinuousClock.now
    private var lastProgressWrite: [String: Date] = [:]

    /// One follower of a job's events; `sequence` is the last stored event it got.
    struct Follower {
        var continuation: AsyncStream<JobEvent>.Continuation
        var sequence: Int
    }

    /// Called when a job finishes (succeeded, failed or cancelled), for metrics and metering.
    public var onFinish: (@Sendable (JobRecord) -> Void)?

    public init(store: any MetadataStore, datasets: DatasetStore, registry: ModelRegistry, artifacts: any ArtifactStore, storage: SealedStorage,
                workRoot: URL, workers: Int = 1, nodeID: String = "local", shared: (any SharedFiles)? = nil,
                queue: JobQueueSettings = JobQueueSettings()) {
        self.nodeID = nodeID
        self.store = store
        self.datasets = datasets
        self.registry = registry
        self.artifacts = artifacts
        self.storage = storage
        self.workRoot = workRoot
        work = MirroredFolder(root: workRoot, sharedPrefix: "jobs", shared: shared)
        workerCount = max(0, workers)
        self.queue = queue
    }

    // MARK: Sealed logs

    /// Job errors and event data can quote data values (a bad cell, a class name), so what the
    /// store keeps of them is sealed under the project's job-log key; memory holds them plain.
    private func logKey(_ project: String) async throws -> DataKey {
        try await storage.vault.purposeKey("job-logs:" + project)
    }

    /// Stores the job (its error sealed); a job being queued gets its first event in the same
    /// transaction, so a worker that claims it at once finds the event and numbers its own after it.
    private func persist(_ job: JobRecord, queuedEvent: String? = nil) async throws {
        var stored = job
        if let error = job.error { stored.error = try SealedText.seal(error, key: try await logKey(job.project)) }
        var event: JobEvent?
        if let queuedEvent {
            event = JobEvent(jobID: job.id, sequence: 1, at: Date(), type: "state", data: try SealedText.seal(queuedEvent, key: try await logKey(job.project)))
        }
        try await store.upsertJob(stored, event: event)
    }

    private func opened(_ job: JobRecord) async throws -> JobRecord {
        guard let error = job.error else { return job }
        var plain = job
        plain.error = try SealedText.open(error, key: try await logKey(job.project), object: "job \(job.id) error")
        return plain
    }

    /// The traceparent of the request that queued the job (its first event), when tracing was on.
    private func queuedTraceParent(_ job: JobRecord) async -> String? {
        guard let first = try? await store.jobEvents(jobID: job.id, after: 0).first, first.sequence == 1,
              let text = try? SealedText.open(first.data, key: try await logKey(job.project), object: "job \(job.id) event 1"),
              let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else { return nil }
        return object["traceparent"] as? String
    }

    /// A run of `job` as a consumer span (no-op unless tracing is on) in the trace of the request
    /// that queued `origin` (the job, or a task's parent job), as a training run is; a trace of
    /// its own when that request was not traced. For the kinds with no spans of their own.
    private func withRunSpan<T>(_ name: String, _ job: JobRecord, origin: JobRecord,
                                _ body: () async throws -> T) async throws -> T {
        guard !(InstrumentationSystem.tracer is NoOpTracer) else { return try await body() }
        let context = TraceParentCarrier.context(continuing: await queuedTraceParent(origin))
        return try await withSpan(name, context: context, ofKind: .consumer) { span in
            span.attributes["maas.job"] = job.id
            return try await body()
        }
    }

    private func storedEvents(_ job: JobRecord, after sequence: Int) async throws -> [JobEvent] {
        let key = try await logKey(job.project)
        return try await store.jobEvents(jobID: job.id, after: sequence).map { event in
            var plain = event
            plain.data = try SealedText.open(event.data, key: key, object: "job \(job.id) event \(event.sequence)")
            return plain
        }
    }

    public func setOnFinish(_ handler: @escaping @Sendable (JobRecord) -> Void) { onFinish = handler }

    /// Frees the leases this node held before it stopped (nothing runs here yet) and starts the
    /// workers; jobs left `running` by a crash or a shutdown are claimed again like queued ones
    /// and continue from their checkpoints.
    public func start() async throws {
        guard workers.isEmpty else { return }
        stopping = false
        try await store.releaseLeases(owner: nodeID)
        await wakeOrphanedParents()
        for _ in 0..<workerCount {
            workers.append(Task { [weak self] in
                while let self, await self.workOnce() {}
            })
        }
    }

    /// Stops the workers; a running job stops at its next step and stays `running` in the
    /// store with its lease given up, so this node or another resumes it from its checkpoint.
    public func shutdown() async {
        stopping = true
        for control in controls.values { control.interrupt() }
        wake()
        let active = workers
        workers.removeAll()
        for worker in active { await worker.value }
        followerPoll?.cancel()
        followerPoll = nil
        for (_, streams) in followers { for follower in streams.values { follower.continuation.finish() } }
        followers.removeAll()
    }

    /// Claims and runs one job, or waits for work. False once the node is stopping.
    private func workOnce() async -> Bool {
        if stopping { return false }
        do {
            if let job = try await store.claimNextJob(owner: nodeID, seconds: queue.leaseSeconds, projectLimit: queue.projectTaskLimit) {
                await run(job)
                return !stopping
            }
        } catch {
            // The store is unreachable: wait, then try again.
        }
        if ContinuousClock.now - lastParentSweep > .seconds(10) { await wakeOrphanedParents() }
        await idle()
        return !stopping
    }

    /// Queues again the jobs left `waiting` although every task of theirs has ended: the worker
    /// of the last task died between recording its end and waking the parent. At start, and
    /// every 10 s while idle (the node that died may never start again).
    private func wakeOrphanedParents() async {
        lastParentSweep = .now
        guard let unfinished = try? await store.unfinishedJobs() else { return }
        for job in unfinished where job.state == .waiting {
            if (try? await store.wakeParent(id: job.id)) == true { wake() }
        }
    }

    /// Waits until a job is queued (here, or announced by another node) or the poll interval passes.
    private func idle() async {
        let id = UUID()
        let interval = queue.pollInterval
        let timer = Task { [weak self] in
            try? await Task.sleep(for: interval)
            await self?.resumeIdle(id)
        }
        await withCheckedContinuation { idleWorkers[id] = $0 }
        timer.cancel()
    }

    private func resumeIdle(_ id: UUID) { idleWorkers.removeValue(forKey: id)?.resume() }

    /// Idle workers look for work now (a job was queued here or on another node).
    public func wake() {
        let waiting = idleWorkers
        idleWorkers.removeAll()
        for waiter in waiting.values { waiter.resume() }
    }

    // MARK: Client operations

    /// Validates and queues a job; the dataset (and label dataset) must exist in the project.
    public func submit(project: String, keyID: String, request text: String) async throws -> JobRecord {
        let request = try TrainingJobRequest.parse(text)
        let data = try await datasets.record(project: project, name: request.dataset)
        if let labels = request.labels {
            _ = try await datasets.record(project: project, name: labels)
            guard ["idx", "npy"].contains(data.format) else {
                throw PlatformError.invalid(field: "labels", message: "goes with an image dataset (idx or npy); '\(request.dataset)' is \(data.format): use 'target' for tables")
            }
        } else if ["idx", "npy"].contains(data.format) {
            throw PlatformError.invalid(field: "labels", message: "is required: '\(request.dataset)' holds \(data.format) tensors, so give a dataset of labels")
        }
        var job = JobRecord(id: "job_" + APIKeyToken.randomBase62(16), project: project, state: .queued, request: text,
                            createdAt: Date(), modelName: request.modelName, keyID: keyID)
        job.priority = request.priority
        return try await enqueue(job)
    }

    func enqueue(_ job: JobRecord) async throws -> JobRecord {
        // With tracing on, the queued event keeps the submitting request's W3C traceparent: the
        // run, later and maybe on another node, continues that trace (and a client reading the
        // events can find it).
        var carrier: [String: String] = [:]
        if let context = ServiceContext.current { InstrumentationSystem.instrument.inject(context, into: &carrier, using: TraceParentCarrier()) }
        let traceParent = carrier["traceparent"].map { ",\"traceparent\":\(JSONText.quote($0))" } ?? ""
        try await persist(job, queuedEvent: "{\"state\":\"queued\"\(traceParent)}")
        wake()
        return job
    }

    /// The job as the store has it, with this node's fresher progress when it runs here.
    public func job(project: String, id: String) async throws -> JobRecord {
        if let job = running[id], job.project == project { return job }
        guard let stored = try await store.job(id: id), stored.project == project else { throw PlatformError.notFound(kind: "job", name: id) }
        return try await opened(stored)
    }

    public func list(project: String) async throws -> [JobRecord] {
        try await current(try await store.jobs(project: project))
    }

    /// Stored records as they stand now: this node's live record of a job it runs, else the
    /// stored one with its error decrypted.
    private func current(_ stored: [JobRecord]) async throws -> [JobRecord] {
        var jobs: [JobRecord] = []
        for job in stored {
            if let local = running[job.id] { jobs.append(local) } else { jobs.append(try await opened(job)) }
        }
        return jobs
    }

    /// Stops a queued job at once, a running one at its next step (on another node: within a
    /// lease renewal, at most a third of the lease).
    public func cancel(project: String, id: String) async throws -> JobRecord {
        let job = try await job(project: project, id: id)
        guard !job.state.isFinished else { throw PlatformError.conflict("job \(id) already \(job.state.rawValue)") }
        if let control = controls[id] {
            control.cancel()
            try await emit(id, "log", "{\"message\":\"cancellation requested\"}")
            return job
        }
        let after = try await requestCancel(id)
        // A decomposed job's tasks stop too, wherever they run.
        for task in try await store.tasks(parentID: id) where !task.state.isFinished {
            if let control = controls[task.id] { control.cancel() } else { _ = try await requestCancel(task.id) }
        }
        return after
    }

    /// Cancels a job no worker of this node runs: at once when nobody holds it, else by a flag
    /// its worker reads at its next lease renewal.
    private func requestCancel(_ id: String) async throws -> JobRecord {
        try await store.requestCancel(jobID: id)
        guard let stored = try await store.job(id: id) else { throw PlatformError.notFound(kind: "job", name: id) }
        let after = try await opened(stored)
        if after.state == .cancelled {
            let last = try await store.jobEvents(jobID: id, after: 0).last?.sequence ?? 0
            try await appendEvent(after, sequence: last + 1, "state", "{\"state\":\"cancelled\"}")
            onFinish?(after)
            if let parent = after.parentID, try await store.wakeParent(id: parent) { wake() }
        }
        return after
    }

    /// The job's stored events after `sequence`, then later ones until the job finishes: live
    /// from this node when it runs the job, otherwise read from the store as they are written.
    public func follow(project: String, id: String, after sequence: Int = 0) async throws -> AsyncStream<JobEvent> {
        let job = try await job(project: project, id: id)
        let (stream, continuation) = AsyncStream.makeStream(of: JobEvent.self, bufferingPolicy: .bufferingNewest(4096))
        if job.state.isFinished {
            for event in try await storedEvents(job, after: sequence) { continuation.yield(event) }
            continuation.finish()
            return stream
        }
        var follower = Follower(continuation: continuation, sequence: sequence)
        // No suspension between replay and registration: nothing published falls in between.
        for event in history[id] ?? [] where event.sequence > follower.sequence {
            continuation.yield(event)
            follower.sequence = event.sequence
        }
        let key = UUID()
        followers[id, default: [:]][key] = follower
        continuation.onTermination = { [weak self] _ in Task { await self?.unfollow(id, key) } }
        if followerPoll == nil {
            followerPoll = Task { [weak self] in
                while (try? await Task.sleep(for: .milliseconds(500))) != nil, let self { await self.pollFollowers() }
            }
        }
        return stream
    }

    private func unfollow(_ id: String, _ key: UUID) { followers[id]?[key] = nil }

    /// Delivers stored events to followers of jobs that do not run here, and ends their streams
    /// once the job has finished.
    private func pollFollowers() async {
        for (id, group) in followers where running[id] == nil && !group.isEmpty {
            guard let job = try? await store.job(id: id), let first = group.values.map(\.sequence).min(),
                  let events = try? await storedEvents(job, after: first) else { continue }
            for event in events { deliver(event) }
            // Events stored before the state was read are all delivered: a finished job's last is in.
            if job.state.isFinished, running[id] == nil {
                for follower in followers[id, default: [:]].values { follower.continuation.finish() }
                followers[id] = nil
            }
        }
    }

    /// Yields an event to each follower that has not had it (progress is live-only and always new).
    private func deliver(_ event: JobEvent) {
        guard var group = followers[event.jobID] else { return }
        for (key, var follower) in group where event.type == "progress" || event.sequence > follower.sequence {
            follower.continuation.yield(event)
            if event.type != "progress" { follower.sequence = event.sequence }
            group[key] = follower
        }
        followers[event.jobID] = group
    }

    /// Stored events (history, logs) of a job.
    public func events(project: String, id: String, after sequence: Int = 0) async throws -> [JobEvent] {
        try await storedEvents(try await job(project: project, id: id), after: sequence)
    }

    // MARK: Events

    /// Stores one event (sealed) of a job this node does not run (queued, or cancelled while queued).
    private func appendEvent(_ job: JobRecord, sequence: Int, _ type: String, _ data: String) async throws {
        try await store.appendJobEvent(JobEvent(jobID: job.id, sequence: sequence, at: Date(), type: type,
                                                data: try SealedText.seal(data, key: try await logKey(job.project))))
    }

    private func emit(_ id: String, _ type: String, _ data: String) async throws {
        let sequence = (history[id]?.last?.sequence ?? 0) + 1
        let event = JobEvent(jobID: id, sequence: sequence, at: Date(), type: type, data: data)
        history[id, default: []].append(event)
        var stored = event
        if let project = running[id]?.project { stored.data = try SealedText.seal(data, key: try await logKey(project)) }
        try await store.appendJobEvent(stored)
        deliver(event)
    }

    /// Live-only step progress; also kept as the job's latest progress (stored at most once a second).
    private func progress(_ id: String, _ data: String) async {
        guard var job = running[id] else { return }
        job.progress = data
        running[id] = job
        deliver(JobEvent(jobID: id, sequence: history[id]?.last?.sequence ?? 0, at: Date(), type: "progress", data: data))
        if Date().timeIntervalSince(lastProgressWrite[id] ?? .distantPast) >= 1 {
            lastProgressWrite[id] = Date()
            try? await persist(job)
        }
    }

    private func finish(_ job: JobRecord, event: String) async throws {
        running[job.id] = job
        try await persist(job)
        try await emit(job.id, "state", event)
        for follower in followers[job.id, default: [:]].values { follower.continuation.finish() }
        followers[job.id] = nil
        history[job.id] = nil
        lastProgressWrite[job.id] = nil
        onFinish?(job)
        if let parent = job.parentID, (try? await store.wakeParent(id: parent)) == true { wake() }
    }

    // MARK: Running

    /// What the training thread reports, in order, to the actor.
    enum Update: Sendable {
        case progress(String)
        case event(type: String, data: String)
        /// A new checkpoint is on disk: publish it for the node that may resume the job.
        case checkpoint(URL)
    }

    /// Runs a job whose lease this node holds, then gives the lease up (before this worker
    /// claims anything else, so a late release never frees a lease taken since).
    private func run(_ claimed: JobRecord) async {
        await execute(claimed)
        try? await store.releaseJob(id: claimed.id, owner: nodeID)
    }

    private func execute(_ claimed: JobRecord) async {
        let id = claimed.id
        guard !stopping, let opened = try? await opened(claimed), let stored = try? await storedEvents(claimed, after: 0) else {
            return
        }
        var job = opened
        let resumed = job.state == .running
        history[id] = stored
        job.state = .running
        job.startedAt = job.startedAt ?? Date()
        job.attempts += 1
        job.worker = nodeID
        running[id] = job
        let control = JobControl()
        controls[id] = control
        // Renews the lease while the job runs and relays a cancellation asked for on any node;
        // if the lease is lost (this node was cut off from the store long enough for another to
        // take the job), the job stops here.
        let (store, nodeID, leaseSeconds) = (store, nodeID, queue.leaseSeconds)
        let heartbeat = Task.detached {
            repeat {
                if (try? await store.cancelRequested(jobID: id)) == true { control.cancel() }
                if (try? await Task.sleep(for: .seconds(leaseSeconds / 3))) == nil { return }
                if (try? await store.claimJob(id: id, owner: nodeID, seconds: leaseSeconds)) == false { control.interrupt(); return }
            } while true
        }
        defer {
            heartbeat.cancel()
            controls[id] = nil
            running[id] = nil
            history[id] = nil
        }
        let started = Date()
        let directory = workRoot.appendingPathComponent(id)
        var workKey: DataKey?
        do {
            try await persist(job)
            try await emit(id, "state", "{\"state\":\"running\",\"attempt\":\(job.attempts),\"node\":\(JSONText.quote(nodeID))"
                                        + (resumed ? ",\"reason\":\"resumed after its worker stopped\"}" : "}"))
            let (updates, sink) = AsyncStream.makeStream(of: Update.self)
            let relay = Task { for await update in updates { await self.relay(id, update) } }
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            // The job's checkpoints are sealed under one key, kept across restarts and nodes (found
            // from the checkpoint it resumes) and destroyed with them when the job ends.
            let checkpoint = directory.appendingPathComponent(Self.checkpointFile)
            let key = try await work.ensureLocal(checkpoint)
                ? try await storage.key(of: checkpoint, name: "job \(id) checkpoint") : try await storage.newKey()
            workKey = key
            let result: Result<Completion, any Error>
            do { result = .success(try await perform(job, directory: directory, key: key, control: control, sink: sink)) }
            catch { result = .failure(error) }
            sink.finish()
            await relay.value
            let completion = try result.get()

            job = running[id] ?? job
            job.computeSeconds += Date().timeIntervalSince(started)
            if case .waiting(let tasks) = completion {
                // The tasks are queued for any worker; the last to end queues this job again.
                job.state = .waiting
                try await persist(job)
                try await emit(id, "state", "{\"state\":\"waiting\",\"tasks\":\(tasks)}")
                // Tasks may all have ended before this job was waiting: then no task woke it.
                if try await store.wakeParent(id: id) { wake() }
                try? await eraseWork(directory, key: workKey)
                return
            }
            guard case .outcome(let outcome, let request, let files) = completion else { return }
            // Stopped by a shutdown, or the lease is gone: left running for whoever resumes it.
            // The lease is renewed first so that exactly one node records the job's end.
            let stillHeld = (try? await store.claimJob(id: id, owner: nodeID, seconds: leaseSeconds)) == true
            if (control.interrupted && !control.cancelled) || !stillHeld {
                running[id] = job
                try? await persist(job)
                return
            }
            job.finishedAt = Date()
            if outcome.cancelled {
                job.state = .cancelled
                try await finish(job, event: "{\"state\":\"cancelled\"}")
            } else if let request, files != nil, let registered = try await registry.versions(project: job.project)
                        .first(where: { $0.name == request.modelName && $0.lineage["job"] == job.id }) {
                // Killed after registering its version and before recording its end: the resumed
                // run finds the version it registered rather than registering a second one.
                job.state = .succeeded
                job.metrics = outcome.metrics
                job.modelVersion = registered.version
                try await finish(job, event: "{\"state\":\"succeeded\",\"model\":\(JSONText.quote(registered.name)),\"version\":\(registered.version)}")
            } else if let request, let files {
                let staging = try await artifacts.stage()
                do {
                    for (name, data) in files { try staging.write(data, as: name) }
                    if let policies = try? await datasets.record(project: job.project, name: request.dataset).policies, !policies.isEmpty {
                        try staging.write(try JSONEncoder().encode(policies), as: LoadedModel.policiesFile)
                    }
                } catch {
                    await artifacts.discard(staging)
                    throw error
                }
                let version = try await registry.register(project: job.project, name: request.modelName, staging: staging)
                job.state = .succeeded
                job.metrics = outcome.metrics
                job.modelVersion = version.version
                try await finish(job, event: "{\"state\":\"succeeded\",\"model\":\(JSONText.quote(version.name)),\"version\":\(version.version)}")
            } else {
                job.state = .succeeded
                job.metrics = outcome.metrics
                try await finish(job, event: "{\"state\":\"succeeded\",\"rows\":\(outcome.trainingRows)}")
            }
            try? await eraseWork(directory, key: workKey)
        } catch {
            // Only the lease holder records the end: a node that lost the job (its lease ran out
            // while it was cut off or stalled, and another worker runs it now) or cannot reach
            // the store leaves the job to whoever holds it.
            guard (try? await store.claimJob(id: id, owner: nodeID, seconds: queue.leaseSeconds)) == true else { return }
            job = running[id] ?? job
            // A store that answered "unavailable" (the object store's 500 or 503, a database
            // that did not answer) is a passing state, not the job's fault: the job goes back to
            // the queue with its checkpoint, as after a lost lease, after the wait the store
            // asked for; only after `transientRetries` such retries does it fail.
            if case .unavailable(let retryAfter, _) = error as? PlatformError {
                let retries = (history[id] ?? []).filter { $0.type == "log" && $0.data.hasPrefix(Self.retryMarker) }.count
                if retries < Self.transientRetries {
                    job.computeSeconds += Date().timeIntervalSince(started)
                    running[id] = job
                    try? await persist(job)
                    let message = "a store was unavailable; retry \(retries + 1) of \(Self.transientRetries) in \(retryAfter) s: \(error)"
                    try? await emit(id, "log", "{\"message\":\(JSONText.quote(message))}")
                    try? await Task.sleep(for: .seconds(retryAfter))
                    return
                }
            }
            job.state = .failed
            job.finishedAt = Date()
            job.computeSeconds += Date().timeIntervalSince(started)
            job.error = "\(error)"
            try? await finish(job, event: "{\"state\":\"failed\",\"error\":\(JSONText.quote("\(error)"))}")
            try? await eraseWork(directory, key: workKey)
        }
    }

    static let checkpointFile = "checkpoint.sealed"
    /// Retries of a job whose store was unavailable, before it fails with the store's error.
    static let transientRetries = 5
    /// How a retry's log event's data starts (`{"message": "a store was unavailable; retry …"}`).
    static let retryMarker = "{\"message\":\"a store was unavailable;"

    /// How a run ended: with an outcome to record, or with its tasks queued.
    enum Completion {
        case outcome(TrainingOutcome, TrainingJobRequest?, [String: Data]?)
        case waiting(tasks: Int)
    }

    /// A batch prediction job's run: the whole dataset at once, or its shards queued as tasks and,
    /// once they have all ended, their outputs joined in row order.
    private func runBatchPrediction(_ job: JobRecord, control: JobControl, sink: AsyncStream<Update>.Continuation) async throws -> Completion {
        let request = try BatchPredictionRequest.parse(job.request)
        let rows = try await datasets.record(project: job.project, name: request.dataset).rows
        let shards = request.shards(rows: rows)
        guard shards.count > 1 else {
            return .outcome(try await predictBatch(job, rows: nil, output: outputPath(job.id), control: control, sink: sink), nil, nil)
        }
        // Split into shards, one task each on any worker; the job's last run joins their
        // outputs in row order.
        guard let parts = try await tasksEnded(job, count: shards.count, kind: JobRecord.shardTask, request: { index in
            "{\"index\":\(index),\"start\":\(shards[index].lowerBound),\"end\":\(shards[index].upperBound)}"
        }) else { return .waiting(tasks: shards.count) }
        if let failed = parts.first(where: { $0.state == .failed }) {
            let error = try await opened(failed).error ?? "no error recorded"
            throw PlatformError.invalid(field: "dataset", message: "shard \(Self.taskIndex(failed) + 1) of \(shards.count) failed: \(error)")
        }
        if parts.contains(where: { $0.state == .cancelled }) {
            try await erasePartOutputs(job.id, count: parts.count)
            return .outcome(TrainingOutcome(metrics: [:], cancelled: true, trainingRows: 0), nil, nil)
        }
        return .outcome(try await joinShards(job, parts: parts, sink: sink), nil, nil)
    }

    /// One shard of `parent`'s batch prediction, written as a part of its output.
    private func runPredictionShard(_ job: JobRecord, parent: JobRecord, control: JobControl,
                                    sink: AsyncStream<Update>.Continuation) async throws -> Completion {
        let parentID = parent.id
        let (index, rows) = try Self.shard(job)
        let part = partOutputPath(parentID, index: index)
        let outcome = try await predictBatch(parent, rows: rows, output: part, control: control, sink: sink)
        // A job cancelled while this shard ran keeps no part of its output.
        if let now = try await store.job(id: parentID), now.state.isFinished {
            try await storage.erase([part])
            try? await work.remove(part)
        }
        return .outcome(outcome, nil, nil)
    }

    /// The work of one run of a job or task.
    ///
    /// A k-fold training job is decomposed: its first run queues one task per fold and waits;
    /// each fold task (on any worker) trains and scores its fold; once the last has ended, the
    /// job runs again, takes the folds' scores in fold order, and trains and registers the final
    /// model. A run killed at any point is run again from where the stored state says.
    private func perform(_ job: JobRecord, directory: URL, key: DataKey, control: JobControl,
                         sink: AsyncStream<Update>.Continuation) async throws -> Completion {
        switch job.kind {
        case JobRecord.batchPrediction:
            return try await withRunSpan("batch prediction job", job, origin: job) {
                try await runBatchPrediction(job, control: control, sink: sink)
            }
        case JobRecord.explanation:
            return try await withRunSpan("explanation job", job, origin: job) {
                .outcome(try await explainGlobally(job, control: control, sink: sink), nil, nil)
            }
        case JobRecord.shardTask:
            guard let parentID = job.parentID, let parent = try await store.job(id: parentID) else {
                throw PlatformError.notFound(kind: "job", name: job.parentID ?? "(none)")
            }
            return try await withRunSpan("prediction shard", job, origin: parent) {
                try await runPredictionShard(job, parent: parent, control: control, sink: sink)
            }
        case JobRecord.trialTask:
            guard let parentID = job.parentID, let parent = try await store.job(id: parentID) else {
                throw PlatformError.notFound(kind: "job", name: job.parentID ?? "(none)")
            }
            let trial = try Self.trial(job)
            let request = try TrainingJobRequest.parse(try TuningRequest.parse(parent.request).trialText(trial.params, epochs: trial.epochs))
            // A trial is scored, never registered: a k-fold trial fits its folds and no final model.
            let (outcome, _) = try await train(parent, request, directory: directory, key: key, control: control, sink: sink, step: .scores)
            return .outcome(outcome, nil, nil)
        case JobRecord.tuning:
            return try await withRunSpan("tuning job", job, origin: job) {
                try await tune(job, directory: directory, key: key, control: control, sink: sink)
            }
        case JobRecord.foldTask:
            guard let parentID = job.parentID, let parent = try await store.job(id: parentID) else {
                throw PlatformError.notFound(kind: "job", name: job.parentID ?? "(none)")
            }
            let request = try TrainingJobRequest.parse(parent.request)
            let (outcome, _) = try await train(parent, request, directory: directory, key: key, control: control, sink: sink,
                                               step: .fold(Self.taskIndex(job)))
            return .outcome(outcome, nil, nil)
        default:
            let request = try TrainingJobRequest.parse(job.request)
            var step = CrossValidationStep.whole
            if case .kFold(let k) = request.scheme {
                guard let folds = try await tasksEnded(job, count: k, kind: JobRecord.foldTask) else { return .waiting(tasks: k) }
                if let failed = folds.first(where: { $0.state == .failed }) {
                    let error = try await opened(failed).error ?? "no error recorded"
                    throw PlatformError.invalid(field: "validation.kfold", message: "fold \(Self.taskIndex(failed) + 1) of \(k) failed: \(error)")
                }
                if folds.contains(where: { $0.state == .cancelled }) {
                    return .outcome(TrainingOutcome(metrics: [:], cancelled: true, trainingRows: 0), request, nil)
                }
                for fold in folds {
                    let scores = fold.metrics.keys.sorted().map { "\($0) \(String(format: "%.4f", fold.metrics[$0]!))" }.joined(separator: ", ")
                    try await emit(job.id, "log", "{\"message\":\(JSONText.quote("fold \(Self.taskIndex(fold) + 1) of \(k) (task \(fold.id), \(fold.attempts) attempt(s)): \(scores)"))}")
                }
                step = .final(foldScores: folds.map(\.metrics))
            }
            let (outcome, files) = try await train(job, request, directory: directory, key: key, control: control, sink: sink, step: step)
            return .outcome(outcome, request, files)
        }
    }

    /// The job's `count` tasks, in order, once every one has ended; nil after queuing those that
    /// do not exist yet (a run killed halfway through queuing them queues the rest next time).
    private func tasksEnded(_ job: JobRecord, count: Int, kind: String,
                            request: (Int) -> String = { "{\"index\":\($0)}" }) async throws -> [JobRecord]? {
        let existing = try await store.tasks(parentID: job.id)
        if existing.count == count, existing.allSatisfy(\.state.isFinished) {
            return existing.sorted { Self.taskIndex($0) < Self.taskIndex($1) }
        }
        let known = Set(existing.map(\.id))
        for index in 0..<count where !known.contains("\(job.id)-task\(index)") {
            var task = JobRecord(id: "\(job.id)-task\(index)", project: job.project, kind: kind, state: .queued, request: request(index),
                                 createdAt: Date(), modelName: job.modelName, keyID: job.keyID)
            task.priority = job.priority
            task.parentID = job.id
            try await persist(task, queuedEvent: "{\"state\":\"queued\",\"job\":\(JSONText.quote(job.id))}")
        }
        wake()
        return nil
    }

    // MARK: Tuning

    /// Validates and queues a hyperparameter search; the dataset must exist in the project.
    public func submitTuning(project: String, keyID: String, request text: String) async throws -> JobRecord {
        let request = try TuningRequest.parse(text)
        _ = try await datasets.record(project: project, name: request.dataset)
        var job = JobRecord(id: "job_" + APIKeyToken.randomBase62(16), project: project, kind: JobRecord.tuning, state: .queued, request: text,
                            createdAt: Date(), modelName: request.modelName, keyID: keyID)
        job.priority = try TrainingJobRequest.parse(request.baseText).priority
        return try await enqueue(job)
    }

    /// A trial as its task's request records it: `{"index": i, "rung": r, "params": {path: JSON text}, "epochs": e}`.
    static func trial(_ task: JobRecord) throws -> TuningPlan.Trial {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(task.request.utf8))) as? [String: Any],
              let index = object["index"] as? Int, let params = object["params"] as? [String: String] else {
            throw PlatformError.invalid(field: "request", message: "trial \(task.id) does not record its index and parameters")
        }
        return TuningPlan.Trial(index: index, rung: object["rung"] as? Int ?? 0, params: params, epochs: object["epochs"] as? Int,
                                state: task.state, metrics: task.metrics, id: task.id)
    }

    /// One run of a tuning job: queue the next trials (and wait for them), or, once the plan has
    /// none left, train the best configuration and register it with the search in its lineage.
    private func tune(_ job: JobRecord, directory: URL, key: DataKey, control: JobControl,
                      sink: AsyncStream<Update>.Continuation) async throws -> Completion {
        let tuning = try TuningRequest.parse(job.request)
        let tasks = try await store.tasks(parentID: job.id)
        let unfinished = tasks.filter { !$0.state.isFinished }.count
        if unfinished > 0 { return .waiting(tasks: unfinished) }
        let trials = try tasks.map(Self.trial)
        func describe(_ params: [String: String]) -> String { params.keys.sorted().map { "\($0)=\(params[$0]!)" }.joined(separator: ", ") }
        switch TuningPlan(request: tuning).next(trials) {
        case .queue(let proposals):
            for proposal in proposals where !tasks.contains(where: { $0.id == "\(job.id)-trial\(proposal.index)" }) {
                var object: [String: Any] = ["index": proposal.index, "rung": proposal.rung, "params": proposal.params]
                if let epochs = proposal.epochs { object["epochs"] = epochs }
                let text = String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
                var task = JobRecord(id: "\(job.id)-trial\(proposal.index)", project: job.project, kind: JobRecord.trialTask, state: .queued,
                                     request: text, createdAt: Date(), modelName: job.modelName, keyID: job.keyID)
                task.priority = job.priority
                task.parentID = job.id
                try await persist(task, queuedEvent: "{\"state\":\"queued\",\"job\":\(JSONText.quote(job.id))}")
            }
            let scored = trials.filter { tuning.gain($0.metrics) != nil }
            var message = "queued trial(s) \(proposals.map { String($0.index) }.joined(separator: ", ")) (rung \(proposals[0].rung)); \(trials.count) finished"
            if let best = scored.max(by: { tuning.gain($0.metrics)! < tuning.gain($1.metrics)! }) {
                message += String(format: ", best so far %@ = %.4f (trial %d)", tuning.metric, best.metrics[tuning.metric]!, best.index)
            }
            try await emit(job.id, "log", "{\"message\":\(JSONText.quote(message))}")
            wake()
            return .waiting(tasks: proposals.count)
        case .failed(let message):
            throw PlatformError.invalid(field: "objective.metric", message: message)
        case .done(let best, let all):
            for trial in all.sorted(by: { (tuning.gain($0.metrics) ?? -.infinity) > (tuning.gain($1.metrics) ?? -.infinity) }).prefix(10) {
                let score = trial.metrics[tuning.metric].map { String(format: "%.4f", $0) } ?? trial.state.rawValue
                try await emit(job.id, "log", "{\"message\":\(JSONText.quote("trial \(trial.index) (rung \(trial.rung)): \(tuning.metric) \(score); \(describe(trial.params))"))}")
            }
            let search = try all.map { trial -> [String: Any] in
                var entry: [String: Any] = ["trial": trial.index, "rung": trial.rung, "state": trial.state.rawValue,
                                            "params": try trial.params.mapValues { try JSONSerialization.jsonObject(with: Data($0.utf8), options: [.fragmentsAllowed]) }]
                if let value = trial.metrics[tuning.metric], value.isFinite { entry["score"] = value }
                if let epochs = trial.epochs { entry["epochs"] = epochs }
                return entry
            }
            let lineage = ["tuning_job": job.id, "tuning_sampler": tuning.sampler.rawValue,
                           "tuning_objective": "\(tuning.maximize ? "maximize" : "minimize") \(tuning.metric)",
                           "tuning_best_trial": String(best.index), "tuning_best_params": describe(best.params),
                           "tuning_trials": String(decoding: try JSONSerialization.data(withJSONObject: search, options: [.sortedKeys]), as: UTF8.self)]
            try await emit(job.id, "log", "{\"message\":\(JSONText.quote("best: trial \(best.index), \(describe(best.params)); training it for the registry"))}")
            let request = try TrainingJobRequest.parse(try tuning.trialText(best.params, epochs: best.epochs))
            let (trained, files) = try await train(job, request, directory: directory, key: key, control: control, sink: sink, lineage: lineage)
            var outcome = trained
            outcome.metrics["trials"] = Double(all.count)
            outcome.metrics["best_trial"] = Double(best.index)
            return .outcome(outcome, request, files)
        }
    }

    /// A task's place among its job's tasks (its request is `{"index": i}`).
    static func taskIndex(_ task: JobRecord) -> Int {
        ((try? JSONSerialization.jsonObject(with: Data(task.request.utf8))) as? [String: Any])?["index"] as? Int ?? 0
    }

    /// A job's tasks (empty for a job that is not decomposed).
    public func tasks(project: String, id: String) async throws -> [JobRecord] {
        let job = try await job(project: project, id: id)
        return try await current(try await store.tasks(parentID: job.id))
    }

    /// A finished job's checkpoints are crypto-shredded with their key.
    private func eraseWork(_ directory: URL, key: DataKey?) async throws {
        try await storage.eraseFolder(directory)
        try? await work.remove(directory.appendingPathComponent(Self.checkpointFile))
        if let key { try await storage.vault.destroy(id: key.id) }
    }

    /// What the training thread reads: a table (decrypted, column policies applied) or images.
    enum JobData: @unchecked Sendable {
        case table(DatasetStore.PreparedTable)
        case images(data: SealedByteSource, format: String, labels: SealedByteSource?)
    }

    private func train(_ job: JobRecord, _ request: TrainingJobRequest, directory: URL, key: DataKey, control: JobControl,
                       sink: AsyncStream<Update>.Continuation, step: CrossValidationStep = .whole,
                       lineage extra: [String: String] = [:]) async throws -> (TrainingOutcome, [String: Data]?) {
        let dataset = try await datasets.record(project: job.project, name: request.dataset)
        var labels: DatasetRecord?
        if let name = request.labels { labels = try await datasets.record(project: job.project, name: name) }
        let data: JobData
        if let labels {
            data = .images(data: try await datasets.source(dataset), format: dataset.format, labels: try await datasets.source(labels))
        } else {
            data = .table(try await datasets.preparedTable(dataset))
        }
        var lineage = ["job": job.id, "dataset": dataset.name, "dataset_sha256": dataset.sha256, "spec": request.specText,
                       "seed": String(request.seed ?? 0), "dataset_version": String(dataset.version)]
        if let labels { lineage["labels_sha256"] = labels.sha256 }
        // Fairness mitigation in training is part of how the version came to be (its card says so).
        if let reweigh = request.preprocessing.reweigh { lineage["reweighed_by"] = reweigh.joined(separator: ",") }
        if !dataset.policies.isEmpty {
            lineage["column_policies"] = dataset.policies.keys.sorted().map { "\($0)=\(dataset.policies[$0]!)" }.joined(separator: ",")
        }
        lineage.merge(extra) { $1 }
        let jobLineage = lineage
        let checkpoint = directory.appendingPathComponent(Self.checkpointFile)
        let storage = self.storage
        let traceParent = InstrumentationSystem.tracer is NoOpTracer ? nil : await queuedTraceParent(job)
        return try await Self.onTrainingThread {
            try Self.train(request, data: data, checkpoint: checkpoint, key: key, storage: storage, lineage: jobLineage,
                           control: control, sink: sink, step: step, traceParent: traceParent)
        }
    }

    func relay(_ id: String, _ update: Update) async {
        switch update {
        case .progress(let data): await progress(id, data)
        case .event(let type, let data): try? await emit(id, type, data)
        case .checkpoint(let file):
            // Best effort: if the store is unreachable, a worker that takes the job over resumes
            // from the last checkpoint that was published.
            do { try await work.publish(file) } catch {
                try? await emit(id, "log", "{\"message\":\(JSONText.quote("checkpoint not published: \(error)"))}")
            }
        }
    }

    /// Runs blocking work on a thread of its own, away from the cooperative pool and the event loops.
    static func onTrainingThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread { continuation.resume(with: Result { try work() }) }
            thread.stackSize = 16 << 20
            thread.name = "maas-training"
            thread.start()
        }
    }

    /// The whole job on the training thread: read the data, train with sealed checkpoints, and
    /// return the artifact's files (sealed into the store by the caller).
    static func train(_ request: TrainingJobRequest, data source: JobData, checkpoint: URL, key: DataKey, storage: SealedStorage,
                      lineage: [String: String], control: JobControl,
                      sink: AsyncStream<Update>.Continuation, step: CrossValidationStep = .whole,
                      traceParent: String? = nil) throws -> (TrainingOutcome, [String: Data]?) {
        func log(_ message: String) { sink.yield(.event(type: "log", data: "{\"message\":\(JSONText.quote(message))}")) }
        let data: TrainingData
        switch source {
        case .images(var images, let format, let labelSource):
            guard var labels = labelSource else { throw PlatformError.invalid(field: "labels", message: "is required for an image dataset") }
            data = .images(try loadImages(request, format: format, images: &images, labels: &labels), test: nil)
        case .table(var prepared):
            let table = try invalidAsField("dataset") { try prepared.read() }
            data = .table(table, target: request.target ?? "")
        }
        var hooks = TrainingHooks()
        hooks.shouldStop = { control.shouldStop }
        hooks.log = log
        if FileManager.default.fileExists(atPath: checkpoint.path) {
            let bytes = try SealedReader(path: checkpoint.path, key: key, name: "checkpoint").readAll()
            let resumed = try TrainingCheckpoint.decode(Array(bytes), path: "checkpoint")
            hooks.resume = resumed
            log("resuming after epoch \(resumed.completedEpochs) from its checkpoint")
        }
        hooks.onCheckpoint = { state in
            // Sealed and atomic: a crash while writing leaves the previous checkpoint.
            guard let bytes = try? state.encoded(), (try? storage.write(Data(bytes), to: checkpoint, key: key)) != nil else { return }
            sink.yield(.checkpoint(checkpoint))
        }
        var lastProgress: UInt64 = 0
        hooks.onStep = { p in
            let now = DispatchTime.now().uptimeNanoseconds
            guard now - lastProgress > 250_000_000 || p.step == p.stepsPerEpoch else { return }
            lastProgress = now
            sink.yield(.progress("{\"epoch\":\(p.epoch),\"epochs\":\(p.epochs),\"step\":\(p.step),\"steps\":\(p.stepsPerEpoch),"
                                 + "\"loss\":\(jsonNumber(Double(p.loss))),\"samples_per_second\":\(jsonNumber(p.samplesPerSecond)),"
                                 + "\"seconds_remaining\":\(jsonNumber(p.secondsRemaining))}"))
        }
        // A span per training run with a span per epoch (no-ops unless tracing is on), inside the
        // trace of the request that queued the job (a consumer span: it runs later, maybe on
        // another node); a trace of its own when that request was not traced.
        let run = startSpan("training job", context: TraceParentCarrier.context(continuing: traceParent), ofKind: .consumer)
        run.attributes["maas.model"] = request.modelName
        defer { run.end() }
        var epochStart = DefaultTracerClock.now
        hooks.onEpoch = { report in
            let text = (try? JSONEncoder().encode(report)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
            sink.yield(.event(type: "epoch", data: text))
            let epoch = startSpan("epoch", at: epochStart, context: run.context)
            epoch.attributes["maas.epoch"] = report.epoch
            epoch.attributes["maas.loss"] = Double(report.loss)
            if let accuracy = report.validationAccuracy ?? report.accuracy { epoch.attributes["maas.accuracy"] = Double(accuracy) }
            let now = DefaultTracerClock.now
            epoch.end(at: now)
            epochStart = now
        }
        var files: [String: Data]?
        let outcome = try invalidAsField("spec") {
            try ModelTraining.run(request.recipe, data: data, preprocessing: request.preprocessing, scheme: request.scheme,
                                  seed: request.seed, epochs: request.epochs, lineage: lineage, hooks: hooks, step: step,
                                  output: { files = $0 })
        }
        if !outcome.cancelled {
            let metrics = outcome.metrics.keys.sorted().map { "\(JSONText.quote($0)):\(jsonNumber(outcome.metrics[$0]!))" }
            sink.yield(.event(type: "metrics", data: "{" + metrics.joined(separator: ",") + "}"))
        }
        return (outcome, outcome.cancelled ? nil : files)
    }

    /// A tensor dataset's values, decrypted (IDX scaled by `scale`).
    static func readTensor(_ source: inout SealedByteSource, format: String, scale: Float) throws -> Tensor {
        let bytes = try source.readAll()
        do {
            return format == "npy" ? try NPYReader.read(bytes: bytes, name: source.name) : try IDXReader.read(bytes: bytes, name: source.name, scale: scale)
        } catch let error as DatasetError {
            throw PlatformError.invalid(field: "dataset", message: error.description)
        }
    }

    /// Images (IDX scaled to [0, 1], or NPY as stored) reshaped to the network's input, with integer labels.
    static func loadImages(_ request: TrainingJobRequest, format: String, images source: inout SealedByteSource,
                           labels labelSource: inout SealedByteSource) throws -> LabelledData {
        guard case .network(let spec) = request.recipe else {
            throw PlatformError.invalid(field: "spec", message: "image datasets train networks; give a network spec")
        }
        let images = try readTensor(&source, format: format, scale: format == "idx" ? 1 / 255 : 1)
        let labelFormat = labelSource.name.hasSuffix(".npy") ? "npy" : "idx"
        let labelValues = try readTensor(&labelSource, format: labelFormat, scale: 1).scalars
        let n = images.shape.first ?? 0
        guard labelValues.count == n else {
            throw PlatformError.invalid(field: "labels", message: "holds \(labelValues.count) labels for \(n) images")
        }
        let width = spec.input.shape.reduce(1, *)
        guard n > 0, images.count == n * width else {
            throw PlatformError.invalid(field: "spec.input.shape", message: "\(spec.input.shape) holds \(width) values per sample; the images are \(Array(images.shape.dropFirst()))")
        }
        return LabelledData(inputs: images.reshaped([n] + spec.input.shape), targets: .classes(labelValues.map { Int32($0) }))
    }
}

/// A JSON number, with non-finite values as null.
func jsonNumber(_ value: Double) -> String { value.isFinite ? "\(value)" : "null" }

// MARK: Batch prediction

/// A batch prediction job: every row of a dataset through a registered model version, into a
/// JSON Lines file of predictions. `{"model": "fashion@production", "dataset": "new-images"}`
///
/// A dataset of more than `shard_rows` rows (default 100,000) is split into shards of that many
/// rows, each a task that any worker may take; the outputs are joined in row order.
public struct BatchPredictionRequest: Sendable {
    public var model: String
    public var dataset: String
    public var priority = 0
    public var shardRows = 100_000
    public static let maximumShards = 1000

    /// The row ranges of the shards (one range when the job is not split).
    public func shards(rows: Int) -> [Range<Int>] {
        stride(from: 0, to: max(rows, 1), by: shardRows).map { $0..<min(rows, $0 + shardRows) }
    }

    public static func parse(_ text: String) throws -> BatchPredictionRequest {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] else {
            throw PlatformError.invalid(field: "body", message: "expected a JSON object")
        }
        for key in object.keys where !["model", "dataset", "priority", "shard_rows"].contains(key) {
            throw PlatformError.invalid(field: key, message: "unknown field; allowed: dataset, model, priority, shard_rows")
        }
        guard let model = object["model"] as? String, !model.isEmpty else {
            throw PlatformError.invalid(field: "model", message: "is required: a model reference such as \"fashion@production\" or \"fashion@3\"")
        }
        guard let dataset = object["dataset"] as? String, !dataset.isEmpty else { throw PlatformError.invalid(field: "dataset", message: "is required (a string)") }
        var request = BatchPredictionRequest(model: model, dataset: dataset)
        request.priority = try JobPriority.parse(object["priority"])
        if let value = object["shard_rows"] {
            guard let rows = jsonInteger(value), rows >= 1 else {
                throw PlatformError.invalid(field: "shard_rows", message: "must be a whole number of rows, at least 1")
            }
            request.shardRows = rows
        }
        return request
    }
}

extension TrainingJobs {
    /// Where a batch job's predictions are kept (sealed JSON Lines, one object per input row).
    nonisolated func outputPath(_ id: String) -> URL { workRoot.appendingPathComponent("outputs").appendingPathComponent("\(id).jsonl") }

    /// Where shard `index` of a split batch job keeps its predictions until they are joined.
    nonisolated func partOutputPath(_ id: String, index: Int) -> URL {
        workRoot.appendingPathComponent("outputs").appendingPathComponent("\(id).part\(index).jsonl")
    }

    /// A shard task's place and rows (its request is `{"index": i, "start": s, "end": e}`).
    static func shard(_ task: JobRecord) throws -> (index: Int, rows: Range<Int>) {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(task.request.utf8))) as? [String: Any],
              let index = object["index"] as? Int, let start = object["start"] as? Int, let end = object["end"] as? Int, start <= end else {
            throw PlatformError.invalid(field: "request", message: "shard \(task.id) does not record its index and rows")
        }
        return (index, start..<end)
    }

    /// Joins the shards' outputs, in order, into the job's output, publishes it, then erases the
    /// parts. A run killed after the join finds the output in place: it publishes it again
    /// (harmless if it was) and erases what is left of the parts.
    func joinShards(_ job: JobRecord, parts: [JobRecord], sink: AsyncStream<Update>.Continuation) async throws -> TrainingOutcome {
        let output = outputPath(job.id)
        let rows = parts.reduce(0) { $0 + Int($1.metrics["rows"] ?? 0) }
        if try await !work.ensureLocal(output) {
            var readers: [SealedReader] = []
            for part in parts {
                let (index, _) = try Self.shard(part)
                let url = partOutputPath(job.id, index: index)
                guard try await work.ensureLocal(url) else {
                    throw PlatformError.conflict("the output of shard \(index + 1) of \(parts.count) (task \(part.id)) is missing")
                }
                readers.append(try await storage.open(url, name: "batch job \(job.id) shard \(index + 1)"))
            }
            let key = try await storage.newKey()
            let sources = readers
            do {
                try await Self.onTrainingThread {
                    try Self.writeSealed(output, key: key) { file in
                        for reader in sources { while let chunk = try reader.next() { try file.write(chunk) } }
                    }
                }
            } catch {
                try? await storage.vault.destroy(id: key.id)
                throw error
            }
            sink.yield(.event(type: "log", data: "{\"message\":\(JSONText.quote("joined \(parts.count) shards, \(rows) rows"))}"))
        }
        try await work.publish(output)
        try await erasePartOutputs(job.id, count: parts.count)
        return TrainingOutcome(metrics: ["rows": Double(rows), "shards": Double(parts.count)], cancelled: false, trainingRows: rows)
    }

    /// Crypto-shreds a split job's shard outputs, here and in the shared files.
    func erasePartOutputs(_ id: String, count: Int) async throws {
        for index in 0..<count {
            let url = partOutputPath(id, index: index)
            guard try await work.ensureLocal(url) else { continue }
            try await storage.erase([url])
            try await work.remove(url)
        }
    }

    /// A sealed file written through a partial file and renamed into place only once complete.
    static func writeSealed(_ output: URL, key: DataKey, _ body: (SealedWriter) throws -> Void) throws {
        try FileManager.default.createDirectory(at: output.deletingLastPathComponent(), withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let partial = output.appendingPathExtension("partial")
        defer { try? FileManager.default.removeItem(at: partial) }
        let file = try SealedWriter(path: partial.path, key: key)
        try body(file)
        try file.finish()
        guard rename(partial.path, output.path) == 0 else { throw PlatformError.conflict("cannot move the predictions into \(output.path)") }
    }

    /// A finished batch job's predictions, decrypted as they are read.
    public func output(project: String, id: String) async throws -> SealedReader {
        let job = try await job(project: project, id: id)
        guard job.kind == JobRecord.batchPrediction else { throw PlatformError.notFound(kind: "job", name: id) }
        guard job.state == .succeeded, try await work.ensureLocal(outputPath(id)) else {
            throw PlatformError.conflict("job \(id) is \(job.state.rawValue); its output exists once it has succeeded")
        }
        return try await storage.open(outputPath(id), name: "batch job \(id) output")
    }

    /// Crypto-shreds the outputs of batch jobs that read `dataset` (predictions are derived data).
    func eraseOutputs(project: String, dataset: String) async throws -> [String] {
        var erased: [String] = []
        for job in try await list(project: project) where job.kind == JobRecord.batchPrediction {
            guard (try? BatchPredictionRequest.parse(job.request))?.dataset == dataset else { continue }
            try await erasePartOutputs(job.id, count: try await store.tasks(parentID: job.id).count)
            guard (try? await work.ensureLocal(outputPath(job.id))) == true else { continue }
            try await storage.erase([outputPath(job.id)])
            try? await work.remove(outputPath(job.id))
            erased.append(job.id)
        }
        return erased
    }

    /// Cancels queued and running jobs that read `dataset`; their checkpoints are erased as they end.
    func cancelJobs(project: String, dataset: String) async throws -> [String] {
        var cancelled: [String] = []
        for job in try await list(project: project) where !job.state.isFinished {
            let reads: Bool
            switch job.kind {
            case JobRecord.batchPrediction: reads = (try? BatchPredictionRequest.parse(job.request))?.dataset == dataset
            case JobRecord.tuning:
                reads = (try? TuningRequest.parse(job.request)).flatMap { try? TrainingJobRequest.parse($0.baseText) }
                    .map { $0.dataset == dataset || $0.labels == dataset } ?? false
            default: reads = (try? TrainingJobRequest.parse(job.request)).map { $0.dataset == dataset || $0.labels == dataset } ?? false
            }
            if reads { _ = try await cancel(project: project, id: job.id); cancelled.append(job.id) }
        }
        return cancelled
    }

    /// Validates and queues a batch prediction job: the model reference must resolve and the dataset exist.
    public func submitBatchPrediction(project: String, keyID: String, request text: String) async throws -> JobRecord {
        let request = try BatchPredictionRequest.parse(text)
        let version = try await registry.resolve(project: project, reference: request.model)
        let dataset = try await datasets.record(project: project, name: request.dataset)
        let shards = request.shards(rows: dataset.rows).count
        guard shards <= BatchPredictionRequest.maximumShards else {
            throw PlatformError.invalid(field: "shard_rows", message: "\(request.shardRows) splits \(dataset.rows) rows into \(shards) shards; at most \(BatchPredictionRequest.maximumShards)")
        }
        var job = JobRecord(id: "job_" + APIKeyToken.randomBase62(16), project: project, kind: JobRecord.batchPrediction, state: .queued,
                            request: text, createdAt: Date(), modelName: version.name, keyID: keyID)
        job.priority = request.priority
        return try await enqueue(job)
    }

    /// Predicts the dataset's `rows` (all of them when nil) into the sealed file `output`.
    func predictBatch(_ job: JobRecord, rows: Range<Int>?, output: URL, control: JobControl,
                      sink: AsyncStream<Update>.Continuation) async throws -> TrainingOutcome {
        let request = try BatchPredictionRequest.parse(job.request)
        let version = try await registry.resolve(project: job.project, reference: request.model)
        let dataset = try await datasets.record(project: job.project, name: request.dataset)
        let files = try await artifacts.open(version.artifact)
        let pseudonyms = try await datasets.pseudonyms(project: job.project)
        let data: JobData = TableFormat(rawValue: dataset.format) != nil
            ? .table(try await datasets.preparedTable(dataset))
            : .images(data: try await datasets.source(dataset), format: dataset.format, labels: nil)
        let key = try await storage.newKey()
        let described = rows.map { "rows \($0.lowerBound)..<\($0.upperBound)" } ?? "\(dataset.rows) rows"
        sink.yield(.event(type: "log", data: "{\"message\":\(JSONText.quote("predicting \(described) of '\(dataset.name)' with \(version.name)@\(version.version)"))}"))
        do {
            let outcome = try await Self.onTrainingThread {
                let model = try LoadedModel.load(files: files, pseudonyms: pseudonyms)
                return try Self.predictRows(model: model, data: data, rows: rows, output: output, key: key, control: control, sink: sink)
            }
            if outcome.cancelled { try? await storage.vault.destroy(id: key.id) } else { try await work.publish(output) }
            return outcome
        } catch {
            try? await storage.vault.destroy(id: key.id)
            throw error
        }
    }

    /// Reads the dataset and predicts `rows` of it (all when nil) 1024 at a time into a sealed
    /// file, renamed into place at the end. Each line names its row's place in the whole dataset.
    static func predictRows(model: LoadedModel, data source: JobData, rows: Range<Int>?, output: URL, key: DataKey, control: JobControl,
                            sink: AsyncStream<Update>.Continuation) throws -> TrainingOutcome {
        let rowCount: Int
        let chunk: (Range<Int>) throws -> PredictionInput
        switch source {
        case .images(var images, let format, _):
            let tensor = try readTensor(&images, format: format, scale: 1 / 255)
            rowCount = tensor.shape.first ?? 0
            let width = tensor.count / max(rowCount, 1), values = tensor.scalars
            chunk = { range in .rows(values: Array(values[(range.lowerBound * width)..<(range.upperBound * width)]), rowCount: range.count) }
        case .table(var prepared):
            let table = try invalidAsField("dataset") { try prepared.read() }
            rowCount = table.rowCount
            chunk = { range in .table(table.rows(Array(range))) }
        }
        let wanted = rows ?? 0..<rowCount
        guard wanted.upperBound <= rowCount else {
            throw PlatformError.conflict("the dataset holds \(rowCount) rows, fewer than the job was split for (\(wanted.upperBound)); it changed while the job ran")
        }
        struct Stopped: Error {}
        var start = wanted.lowerBound
        do {
            try writeSealed(output, key: key) { file in
                while start < wanted.upperBound {
                    if control.shouldStop { throw Stopped() }
                    let range = start..<min(wanted.upperBound, start + 1024)
                    let predictions = try model.predict(chunk(range))
                    var text = ""
                    for (offset, p) in predictions.enumerated() {
                        text += "{\"row\":\(range.lowerBound + offset)"
                        if let label = p.label { text += ",\"label\":\(JSONText.quote(label))" }
                        if let probabilities = p.probabilities { text += ",\"probabilities\":[" + probabilities.map { jsonNumber($0) }.joined(separator: ",") + "]" }
                        if p.label == nil { text += ",\"values\":[" + p.values.map { jsonNumber($0) }.joined(separator: ",") + "]" }
                        text += "}\n"
                    }
                    try file.write(Data(text.utf8))
                    start = range.upperBound
                    sink.yield(.progress("{\"rows_done\":\(start - wanted.lowerBound),\"rows\":\(wanted.count)}"))
                }
            }
        } catch is Stopped {
            return TrainingOutcome(metrics: [:], cancelled: true, trainingRows: start - wanted.lowerBound)
        }
        return TrainingOutcome(metrics: ["rows": Double(wanted.count)], cancelled: false, trainingRows: wanted.count)
    }
}


/// How the job queue behaves on this node; every node sharing a store should agree.
public struct JobQueueSettings: Sendable {
    /// Jobs one project may run at once over every node (nil: no limit).
    public var projectTaskLimit: Int?
    /// How long a job's lease lasts without renewal; a running job renews it every third of
    /// that, and a job whose worker died is taken over once it runs out.
    public var leaseSeconds: Double
    /// How often an idle worker looks for work it was not told about (a node that cannot
    /// announce, or a job whose lease ran out).
    public var pollInterval: Duration

    public init(projectTaskLimit: Int? = nil, leaseSeconds: Double = 30, pollInterval: Duration = .seconds(1)) {
        self.projectTaskLimit = projectTaskLimit
        self.leaseSeconds = leaseSeconds
        self.pollInterval = pollInterval
    }
}

/// A job's `priority`: an integer from -10 to 10 (default 0); within a project, higher runs first.
enum JobPriority {
    static let range = -10...10

    static func parse(_ value: Any?) throws -> Int {
        guard let value else { return 0 }
        guard let number = value as? NSNumber,
              let integer = Int(exactly: number.doubleValue), range.contains(integer) else {
            throw PlatformError.invalid(field: "priority", message: "must be an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return integer
    }
}

/// A W3C `traceparent` carried in a job's queued event, read and written by the tracer's propagator.
struct TraceParentCarrier: Injector, Extractor {
    func inject(_ value: String, forKey key: String, into carrier: inout [String: String]) { carrier[key] = value }
    func extract(key: String, from carrier: [String: String]) -> String? { carrier[key] }

    /// The context a job's run starts from: inside the trace of `traceParent` (the request that
    /// queued the job), or a trace of its own without one.
    static func context(continuing traceParent: String?) -> ServiceContext {
        var context = ServiceContext.topLevel
        if let traceParent { InstrumentationSystem.instrument.extract(["traceparent": traceParent], into: &context, using: TraceParentCarrier()) }
        return context
    }
}
