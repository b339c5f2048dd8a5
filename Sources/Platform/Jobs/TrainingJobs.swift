import Datasets
import Foundation
import NeuralNet
import Tensor

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

/// The durable training-job queue and its bounded worker pool.
///
/// A job is persisted as `queued` before `submit` returns; a worker moves it to `running`,
/// trains on its own thread (never on the event loops), writes a checkpoint after every epoch
/// and registers the result as a new model version. Events (state changes, epochs, log lines)
/// are stored and streamed live; step progress is streamed live and kept as the job's latest
/// progress. A job left `running` by a crash or a shutdown is queued again at the next start
/// and continues from its last checkpoint.
public actor TrainingJobs {
    private let store: any MetadataStore
    let datasets: DatasetStore
    let registry: ModelRegistry
    let artifacts: any ArtifactStore
    let storage: SealedStorage
    let workRoot: URL
    public let workerCount: Int
    /// Names this node's leases on jobs; stable across restarts (kept in the data folder), so a
    /// restarted node takes its interrupted jobs back at once rather than after the lease runs out.
    public let nodeID: String
    /// How long a job's lease lasts without renewal; a running job renews it every third of that.
    static let leaseSeconds = 30.0

    /// Jobs of every project, by id (job records are small; listing reads the store).
    private var records: [String: JobRecord] = [:]
    private var queue: [String] = []
    private var idleWorkers: [CheckedContinuation<String?, Never>] = []
    private var controls: [String: JobControl] = [:]
    /// Stored events of unfinished jobs, so a follower gets history then live events with no gap.
    private var history: [String: [JobEvent]] = [:]
    private var followers: [String: [UUID: AsyncStream<JobEvent>.Continuation]] = [:]
    private var workers: [Task<Void, Never>] = []
    private var stopping = false
    private var lastProgressWrite: [String: Date] = [:]

    /// Called when a job finishes (succeeded, failed or cancelled), for metrics and metering.
    public var onFinish: (@Sendable (JobRecord) -> Void)?

    public init(store: any MetadataStore, datasets: DatasetStore, registry: ModelRegistry, artifacts: any ArtifactStore, storage: SealedStorage,
                workRoot: URL, workers: Int = 1, nodeID: String = "local") {
        self.nodeID = nodeID
        self.store = store
        self.datasets = datasets
        self.registry = registry
        self.artifacts = artifacts
        self.storage = storage
        self.workRoot = workRoot
        workerCount = max(1, workers)
    }

    // MARK: Sealed logs

    /// Job errors and event data can quote data values (a bad cell, a class name), so what the
    /// store keeps of them is sealed under the project's job-log key; memory holds them plain.
    private func logKey(_ project: String) async throws -> DataKey {
        try await storage.vault.purposeKey("job-logs:" + project)
    }

    private func persist(_ job: JobRecord) async throws {
        var stored = job
        if let error = job.error { stored.error = try SealedText.seal(error, key: try await logKey(job.project)) }
        try await store.upsertJob(stored)
    }

    private func opened(_ job: JobRecord) async throws -> JobRecord {
        guard let error = job.error else { return job }
        var plain = job
        plain.error = try SealedText.open(error, key: try await logKey(job.project), object: "job \(job.id) error")
        return plain
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

    /// Loads unfinished jobs (a `running` one was interrupted: it is queued again) and starts the workers.
    public func start() async throws {
        guard workers.isEmpty else { return }
        stopping = false
        for stored in try await store.unfinishedJobs() {
            // A running job whose lease another node holds (and renews) is that node's.
            if stored.state == .running, try await !store.claimJob(id: stored.id, owner: nodeID, seconds: Self.leaseSeconds) { continue }
            var job = try await opened(stored)
            history[job.id] = try await storedEvents(job, after: 0)
            if job.state == .running {
                job.state = .queued
                try await persist(job)
                try await emit(job.id, "state", "{\"state\":\"queued\",\"reason\":\"resumed after a restart\"}")
            }
            records[job.id] = job
            queue.append(job.id)
        }
        for _ in 0..<workerCount {
            workers.append(Task { [weak self] in
                while let self, let id = await self.nextJob() { await self.run(id) }
            })
        }
    }

    /// Stops the workers; a running job stops at its next step and stays `running` in the
    /// store, so the next start resumes it from its checkpoint.
    public func shutdown() async {
        stopping = true
        for control in controls.values { control.interrupt() }
        for waiter in idleWorkers { waiter.resume(returning: nil) }
        idleWorkers.removeAll()
        let running = workers
        workers.removeAll()
        for worker in running { await worker.value }
        for (_, streams) in followers { for stream in streams.values { stream.finish() } }
        followers.removeAll()
    }

    private func nextJob() async -> String? {
        if stopping { return nil }
        if !queue.isEmpty { return queue.removeFirst() }
        return await withCheckedContinuation { idleWorkers.append($0) }
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
        let job = JobRecord(id: "job_" + APIKeyToken.randomBase62(16), project: project, state: .queued, request: text,
                            createdAt: Date(), modelName: request.modelName, keyID: keyID)
        return try await enqueue(job)
    }

    func enqueue(_ job: JobRecord) async throws -> JobRecord {
        try await persist(job)
        records[job.id] = job
        history[job.id] = []
        try await emit(job.id, "state", "{\"state\":\"queued\"}")
        if !idleWorkers.isEmpty { idleWorkers.removeFirst().resume(returning: job.id) } else { queue.append(job.id) }
        return job
    }

    public func job(project: String, id: String) async throws -> JobRecord {
        if records[id] == nil { _ = try await list(project: project) }
        guard let job = records[id], job.project == project else { throw PlatformError.notFound(kind: "job", name: id) }
        return job
    }

    public func list(project: String) async throws -> [JobRecord] {
        var jobs: [JobRecord] = []
        for stored in try await store.jobs(project: project) {
            if let known = records[stored.id] { jobs.append(known); continue }
            let job = try await opened(stored)
            records[job.id] = job
            jobs.append(job)
        }
        return jobs
    }

    /// Stops a queued job at once, a running one at its next step.
    public func cancel(project: String, id: String) async throws -> JobRecord {
        var job = try await job(project: project, id: id)
        switch job.state {
        case .queued:
            queue.removeAll { $0 == id }
            job.state = .cancelled
            job.finishedAt = Date()
            try await finish(job, event: "{\"state\":\"cancelled\"}")
        case .running:
            controls[id]?.cancel()
            try await emit(id, "log", "{\"message\":\"cancellation requested\"}")
        default:
            throw PlatformError.conflict("job \(id) already \(job.state.rawValue)")
        }
        return records[id] ?? job
    }

    /// The job's stored events after `sequence`, then live ones until the job finishes.
    public func follow(project: String, id: String, after sequence: Int = 0) async throws -> AsyncStream<JobEvent> {
        let job = try await job(project: project, id: id)
        let (stream, continuation) = AsyncStream.makeStream(of: JobEvent.self, bufferingPolicy: .bufferingNewest(4096))
        if job.state.isFinished {
            for event in try await storedEvents(job, after: sequence) { continuation.yield(event) }
            continuation.finish()
            return stream
        }
        // No suspension between replay and registration: nothing published falls in between.
        for event in history[id] ?? [] where event.sequence > sequence { continuation.yield(event) }
        let key = UUID()
        followers[id, default: [:]][key] = continuation
        continuation.onTermination = { [weak self] _ in Task { await self?.unfollow(id, key) } }
        return stream
    }

    private func unfollow(_ id: String, _ key: UUID) { followers[id]?[key] = nil }

    /// Stored events (history, logs) of a job.
    public func events(project: String, id: String, after sequence: Int = 0) async throws -> [JobEvent] {
        try await storedEvents(try await job(project: project, id: id), after: sequence)
    }

    // MARK: Events

    private func emit(_ id: String, _ type: String, _ data: String) async throws {
        let sequence = (history[id]?.last?.sequence ?? 0) + 1
        let event = JobEvent(jobID: id, sequence: sequence, at: Date(), type: type, data: data)
        history[id, default: []].append(event)
        var stored = event
        if let project = records[id]?.project { stored.data = try SealedText.seal(data, key: try await logKey(project)) }
        try await store.appendJobEvent(stored)
        for follower in followers[id, default: [:]].values { follower.yield(event) }
    }

    /// Live-only step progress; also kept as the job's latest progress (stored at most once a second).
    private func progress(_ id: String, _ data: String) async {
        guard var job = records[id] else { return }
        job.progress = data
        records[id] = job
        let event = JobEvent(jobID: id, sequence: history[id]?.last?.sequence ?? 0, at: Date(), type: "progress", data: data)
        for follower in followers[id, default: [:]].values { follower.yield(event) }
        if Date().timeIntervalSince(lastProgressWrite[id] ?? .distantPast) >= 1 {
            lastProgressWrite[id] = Date()
            try? await persist(job)
        }
    }

    private func finish(_ job: JobRecord, event: String) async throws {
        records[job.id] = job
        try await persist(job)
        try await emit(job.id, "state", event)
        for follower in followers[job.id, default: [:]].values { follower.finish() }
        followers[job.id] = nil
        history[job.id] = nil
        lastProgressWrite[job.id] = nil
        onFinish?(job)
    }

    // MARK: Running

    /// What the training thread reports, in order, to the actor.
    enum Update: Sendable {
        case progress(String)
        case event(type: String, data: String)
    }

    private func run(_ id: String) async {
        guard var job = records[id], job.state == .queued, !stopping else { return }
        // Another node sharing the store runs it (its lease is live): not this one's to run.
        guard (try? await store.claimJob(id: id, owner: nodeID, seconds: Self.leaseSeconds)) == true else { return }
        job.state = .running
        job.startedAt = job.startedAt ?? Date()
        job.attempts += 1
        records[id] = job
        let control = JobControl()
        controls[id] = control
        // Renews the lease while the job runs; if it is lost (this node was cut off from the
        // store long enough for another to take the job), the job stops here.
        let (store, nodeID) = (store, nodeID)
        let heartbeat = Task.detached {
            while (try? await Task.sleep(for: .seconds(Self.leaseSeconds / 3))) != nil {
                if (try? await store.claimJob(id: id, owner: nodeID, seconds: Self.leaseSeconds)) == false { control.interrupt(); return }
            }
        }
        defer {
            heartbeat.cancel()
            controls[id] = nil
            Task.detached { try? await store.releaseJob(id: id, owner: nodeID) }
        }
        let started = Date()
        let directory = workRoot.appendingPathComponent(id)
        var workKey: DataKey?
        do {
            try await persist(job)
            try await emit(id, "state", "{\"state\":\"running\",\"attempt\":\(job.attempts)}")
            let (updates, sink) = AsyncStream.makeStream(of: Update.self)
            let relay = Task { for await update in updates { await self.relay(id, update) } }
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            // The job's checkpoints are sealed under one key, kept across restarts (found from the
            // checkpoint it resumes) and destroyed with them when the job ends.
            let checkpoint = directory.appendingPathComponent(Self.checkpointFile)
            let key = FileManager.default.fileExists(atPath: checkpoint.path)
                ? try await storage.key(of: checkpoint, name: "job \(id) checkpoint") : try await storage.newKey()
            workKey = key
            let result: Result<(TrainingOutcome, TrainingJobRequest?, [String: Data]?), any Error>
            do {
                if job.kind == JobRecord.batchPrediction {
                    let outcome = try await predictBatch(job, control: control, sink: sink)
                    result = .success((outcome, nil, nil))
                } else {
                    let request = try TrainingJobRequest.parse(job.request)
                    let (outcome, files) = try await train(job, request, directory: directory, key: key, control: control, sink: sink)
                    result = .success((outcome, request, files))
                }
            } catch {
                result = .failure(error)
            }
            sink.finish()
            await relay.value
            let (outcome, request, files) = try result.get()

            job = records[id] ?? job
            job.computeSeconds += Date().timeIntervalSince(started)
            if control.interrupted && !control.cancelled {
                records[id] = job  // left running: resumed from its checkpoint at the next start
                try? await persist(job)
                return
            }
            job.finishedAt = Date()
            if outcome.cancelled {
                job.state = .cancelled
                try await finish(job, event: "{\"state\":\"cancelled\"}")
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
            job = records[id] ?? job
            job.state = .failed
            job.finishedAt = Date()
            job.computeSeconds += Date().timeIntervalSince(started)
            job.error = "\(error)"
            try? await finish(job, event: "{\"state\":\"failed\",\"error\":\(JSONText.quote("\(error)"))}")
            try? await eraseWork(directory, key: workKey)
        }
    }

    static let checkpointFile = "checkpoint.sealed"

    /// A finished job's checkpoints are crypto-shredded with their key.
    private func eraseWork(_ directory: URL, key: DataKey?) async throws {
        try await storage.eraseFolder(directory)
        if let key { try await storage.vault.destroy(id: key.id) }
    }

    /// What the training thread reads: a table (decrypted, column policies applied) or images.
    enum JobData: @unchecked Sendable {
        case table(DatasetStore.PreparedTable)
        case images(data: SealedByteSource, format: String, labels: SealedByteSource?)
    }

    private func train(_ job: JobRecord, _ request: TrainingJobRequest, directory: URL, key: DataKey, control: JobControl,
                       sink: AsyncStream<Update>.Continuation) async throws -> (TrainingOutcome, [String: Data]?) {
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
        if !dataset.policies.isEmpty {
            lineage["column_policies"] = dataset.policies.keys.sorted().map { "\($0)=\(dataset.policies[$0]!)" }.joined(separator: ",")
        }
        let jobLineage = lineage
        let checkpoint = directory.appendingPathComponent(Self.checkpointFile)
        let storage = self.storage
        return try await Self.onTrainingThread {
            try Self.train(request, data: data, checkpoint: checkpoint, key: key, storage: storage, lineage: jobLineage,
                           control: control, sink: sink)
        }
    }

    func relay(_ id: String, _ update: Update) async {
        switch update {
        case .progress(let data): await progress(id, data)
        case .event(let type, let data): try? await emit(id, type, data)
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
                      sink: AsyncStream<Update>.Continuation) throws -> (TrainingOutcome, [String: Data]?) {
        func log(_ message: String) { sink.yield(.event(type: "log", data: "{\"message\":\(JSONText.quote(message))}")) }
        let data: TrainingData
        switch source {
        case .images(var images, let format, let labelSource):
            guard var labels = labelSource else { throw PlatformError.invalid(field: "labels", message: "is required for an image dataset") }
            data = .images(try loadImages(request, format: format, images: &images, labels: &labels), test: nil)
        case .table(var prepared):
            let table = try invalidAsField("dataset") { try prepared.read() }
            data = .table(table, target: request.target!)
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
            guard let bytes = try? state.encoded() else { return }
            try? storage.write(Data(bytes), to: checkpoint, key: key)
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
        hooks.onEpoch = { report in
            let text = (try? JSONEncoder().encode(report)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
            sink.yield(.event(type: "epoch", data: text))
        }
        var files: [String: Data]?
        let outcome = try invalidAsField("spec") {
            try ModelTraining.run(request.recipe, data: data, preprocessing: request.preprocessing, scheme: request.scheme,
                                  seed: request.seed, epochs: request.epochs, lineage: lineage, hooks: hooks,
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
public struct BatchPredictionRequest: Sendable {
    public var model: String
    public var dataset: String

    public static func parse(_ text: String) throws -> BatchPredictionRequest {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] else {
            throw PlatformError.invalid(field: "body", message: "expected a JSON object")
        }
        for key in object.keys where !["model", "dataset"].contains(key) {
            throw PlatformError.invalid(field: key, message: "unknown field; allowed: dataset, model")
        }
        guard let model = object["model"] as? String, !model.isEmpty else {
            throw PlatformError.invalid(field: "model", message: "is required: a model reference such as \"fashion@production\" or \"fashion@3\"")
        }
        guard let dataset = object["dataset"] as? String, !dataset.isEmpty else { throw PlatformError.invalid(field: "dataset", message: "is required (a string)") }
        return BatchPredictionRequest(model: model, dataset: dataset)
    }
}

extension TrainingJobs {
    /// Where a batch job's predictions are kept (sealed JSON Lines, one object per input row).
    nonisolated func outputPath(_ id: String) -> URL { workRoot.appendingPathComponent("outputs").appendingPathComponent("\(id).jsonl") }

    /// A finished batch job's predictions, decrypted as they are read.
    public func output(project: String, id: String) async throws -> SealedReader {
        let job = try await job(project: project, id: id)
        guard job.kind == JobRecord.batchPrediction else { throw PlatformError.notFound(kind: "job", name: id) }
        guard job.state == .succeeded, FileManager.default.fileExists(atPath: outputPath(id).path) else {
            throw PlatformError.conflict("job \(id) is \(job.state.rawValue); its output exists once it has succeeded")
        }
        return try await storage.open(outputPath(id), name: "batch job \(id) output")
    }

    /// Crypto-shreds the outputs of batch jobs that read `dataset` (predictions are derived data).
    func eraseOutputs(project: String, dataset: String) async throws -> [String] {
        var erased: [String] = []
        for job in try await list(project: project) where job.kind == JobRecord.batchPrediction {
            guard (try? BatchPredictionRequest.parse(job.request))?.dataset == dataset,
                  FileManager.default.fileExists(atPath: outputPath(job.id).path) else { continue }
            try await storage.erase([outputPath(job.id)])
            erased.append(job.id)
        }
        return erased
    }

    /// Cancels queued and running jobs that read `dataset`; their checkpoints are erased as they end.
    func cancelJobs(project: String, dataset: String) async throws -> [String] {
        var cancelled: [String] = []
        for job in try await list(project: project) where !job.state.isFinished {
            let reads = job.kind == JobRecord.batchPrediction
                ? (try? BatchPredictionRequest.parse(job.request))?.dataset == dataset
                : (try? TrainingJobRequest.parse(job.request)).map { $0.dataset == dataset || $0.labels == dataset } ?? false
            if reads { _ = try await cancel(project: project, id: job.id); cancelled.append(job.id) }
        }
        return cancelled
    }

    /// Validates and queues a batch prediction job: the model reference must resolve and the dataset exist.
    public func submitBatchPrediction(project: String, keyID: String, request text: String) async throws -> JobRecord {
        let request = try BatchPredictionRequest.parse(text)
        let version = try await registry.resolve(project: project, reference: request.model)
        _ = try await datasets.record(project: project, name: request.dataset)
        let job = JobRecord(id: "job_" + APIKeyToken.randomBase62(16), project: project, kind: JobRecord.batchPrediction, state: .queued,
                            request: text, createdAt: Date(), modelName: version.name, keyID: keyID)
        return try await enqueue(job)
    }

    func predictBatch(_ job: JobRecord, control: JobControl, sink: AsyncStream<Update>.Continuation) async throws -> TrainingOutcome {
        let request = try BatchPredictionRequest.parse(job.request)
        let version = try await registry.resolve(project: job.project, reference: request.model)
        let dataset = try await datasets.record(project: job.project, name: request.dataset)
        let files = try await artifacts.open(version.artifact)
        let pseudonyms = try await datasets.pseudonyms(project: job.project)
        let data: JobData = TableFormat(rawValue: dataset.format) != nil
            ? .table(try await datasets.preparedTable(dataset))
            : .images(data: try await datasets.source(dataset), format: dataset.format, labels: nil)
        let output = outputPath(job.id)
        let key = try await storage.newKey()
        sink.yield(.event(type: "log", data: "{\"message\":\(JSONText.quote("predicting \(dataset.rows) rows of '\(dataset.name)' with \(version.name)@\(version.version)"))}"))
        do {
            return try await Self.onTrainingThread {
                let model = try LoadedModel.load(files: files, pseudonyms: pseudonyms)
                return try Self.predictRows(model: model, data: data, output: output, key: key, control: control, sink: sink)
            }
        } catch {
            try? await storage.vault.destroy(id: key.id)
            throw error
        }
    }

    /// Reads the dataset, predicts 1024 rows at a time into a sealed file, renamed into place at the end.
    static func predictRows(model: LoadedModel, data source: JobData, output: URL, key: DataKey, control: JobControl,
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
        try FileManager.default.createDirectory(at: output.deletingLastPathComponent(), withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let partial = output.appendingPathExtension("partial")
        defer { try? FileManager.default.removeItem(at: partial) }
        let file = try SealedWriter(path: partial.path, key: key)
        var start = 0
        while start < rowCount {
            if control.shouldStop { return TrainingOutcome(metrics: [:], cancelled: true, trainingRows: start) }
            let range = start..<min(rowCount, start + 1024)
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
            sink.yield(.progress("{\"rows_done\":\(start),\"rows\":\(rowCount)}"))
        }
        try file.finish()
        guard rename(partial.path, output.path) == 0 else { throw PlatformError.conflict("cannot move the predictions into \(output.path)") }
        return TrainingOutcome(metrics: ["rows": Double(rowCount)], cancelled: false, trainingRows: rowCount)
    }
}
