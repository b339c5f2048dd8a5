import Foundation

/// A registered, immutable model version.
public struct ModelVersion: Codable, Sendable, Equatable {
    public var project: String
    public var name: String
    public var version: Int
    /// SHA-256 naming the artifact in the artifact store.
    public var artifact: String
    /// `neural_network`, `classical`, `forecaster` or `recommender`.
    public var kind: String
    public var metrics: [String: Double]
    /// Where the version came from: dataset checksum, spec, seed, job (from the artifact).
    public var lineage: [String: String]
    public var createdAt: Date
    /// Set when a dataset this version was trained on later had records erased (or was
    /// erased): the team should retrain without them.
    public var trainedOnErasedData: Bool
    /// Set when the version itself was erased (its artifact crypto-shredded); erased versions
    /// keep their number but are neither listed nor served.
    public var erasedAt: Date?

    public init(project: String, name: String, version: Int, artifact: String, kind: String, metrics: [String: Double],
                lineage: [String: String] = [:], createdAt: Date, trainedOnErasedData: Bool = false, erasedAt: Date? = nil) {
        self.project = project; self.name = name; self.version = version; self.artifact = artifact
        self.kind = kind; self.metrics = metrics; self.lineage = lineage; self.createdAt = createdAt
        self.trainedOnErasedData = trainedOnErasedData; self.erasedAt = erasedAt
    }

    /// Whether this version's lineage names a dataset version by its checksum.
    public func trained(onDatasetSHA256 sha256: String) -> Bool {
        lineage["dataset_sha256"] == sha256 || lineage["labels_sha256"] == sha256
    }
}

/// An endpoint serving `model@reference` (an alias or a version number), optionally sending
/// a share of its traffic to a canary reference of the same model.
public struct Deployment: Codable, Sendable, Equatable {
    public struct Canary: Codable, Sendable, Equatable {
        /// Alias or version number of the same model.
        public var reference: String
        /// Share of requests, 0–100.
        public var percent: Double
        public init(reference: String, percent: Double) { self.reference = reference; self.percent = percent }
    }

    public var project: String
    public var name: String
    public var model: String
    public var reference: String
    public var canary: Canary?
    public var batching: BatchingPolicy
    public var createdAt: Date

    public init(project: String, name: String, model: String, reference: String, canary: Canary? = nil,
                batching: BatchingPolicy = BatchingPolicy(), createdAt: Date) {
        self.project = project; self.name = name; self.model = model; self.reference = reference
        self.canary = canary; self.batching = batching; self.createdAt = createdAt
    }
}

/// An uploaded data file (its current version), sealed, with its SHA-256 and the column
/// policies applied before its values reach training, previews or outputs.
public struct DatasetRecord: Codable, Sendable, Equatable {
    public var project: String
    public var name: String
    /// csv, tsv, jsonl, idx or npy.
    public var format: String
    public var sha256: String
    public var bytes: Int
    public var rows: Int
    public var createdAt: Date
    /// 1 for the first upload; each replacement or record erasure writes the next.
    public var version: Int
    /// Column name to policy text (`drop`, `mask`, `hash`, `generalize[:width]`).
    public var policies: [String: String]

    public init(project: String, name: String, format: String, sha256: String, bytes: Int, rows: Int, createdAt: Date,
                version: Int = 1, policies: [String: String] = [:]) {
        self.project = project; self.name = name; self.format = format; self.sha256 = sha256
        self.bytes = bytes; self.rows = rows; self.createdAt = createdAt; self.version = version; self.policies = policies
    }
}

/// A stored evaluation of a model version over a dataset (today: fairness), kept so that it
/// can be listed, compared and cited later. `report` is the JSON the evaluation answered.
public struct EvaluationRecord: Sendable, Equatable {
    public var id: String
    public var project: String
    public var kind: String
    /// `name@version` of the evaluated model version.
    public var model: String
    public var dataset: String
    public var datasetVersion: Int
    public var keyID: String
    public var createdAt: Date
    public var report: String

    public init(id: String, project: String, kind: String, model: String, dataset: String, datasetVersion: Int, keyID: String,
                createdAt: Date, report: String) {
        self.id = id; self.project = project; self.kind = kind; self.model = model; self.dataset = dataset
        self.datasetVersion = datasetVersion; self.keyID = keyID; self.createdAt = createdAt; self.report = report
    }
}

/// What remains of an erased dataset version: who erased it, when, why, and its checksum
/// (to match lineage), never its data.
public struct DatasetTombstone: Codable, Sendable, Equatable {
    public var project: String
    public var name: String
    public var version: Int
    public var format: String
    public var sha256: String
    public var rows: Int
    /// The key id that erased it.
    public var erasedBy: String
    public var erasedAt: Date
    public var reason: String
    /// Rows removed, for a record erasure.
    public var rowsErased: Int?

    public init(project: String, name: String, version: Int, format: String, sha256: String, rows: Int, erasedBy: String, erasedAt: Date,
                reason: String, rowsErased: Int? = nil) {
        self.project = project; self.name = name; self.version = version; self.format = format; self.sha256 = sha256; self.rows = rows
        self.erasedBy = erasedBy; self.erasedAt = erasedAt; self.reason = reason; self.rowsErased = rowsErased
    }
}

/// One entry of the append-only audit log. `hash` is the SHA-256 of the previous entry's hash
/// and this entry's fields; `seal` is an HMAC of `hash` under a key the master key protects, so
/// an entry cannot be edited, removed or forged without it showing.
public struct AuditEntry: Codable, Sendable, Equatable {
    public var sequence: Int
    public var at: Date
    /// The key id that acted ("anonymous" when no valid key was given).
    public var actor: String
    public var project: String
    /// e.g. `key.create`, `dataset.upload`, `request.denied`, `master_key.rotate`.
    public var action: String
    /// What it acted on: `dataset:wine`, `model:wine@2`, `endpoint:wine`, `key:abc`, or a path.
    public var resource: String
    public var requestID: String
    /// `ok`, or the status of a denied request (`401`, `403`, `404`).
    public var outcome: String
    public var previousHash: String
    public var hash: String
    public var seal: String

    public init(sequence: Int, at: Date, actor: String, project: String, action: String, resource: String, requestID: String,
                outcome: String, previousHash: String = "", hash: String = "", seal: String = "") {
        self.sequence = sequence; self.at = at; self.actor = actor; self.project = project; self.action = action
        self.resource = resource; self.requestID = requestID; self.outcome = outcome
        self.previousHash = previousHash; self.hash = hash; self.seal = seal
    }
}

/// Where audit entries live: appended in order, never updated.
public protocol AuditLogStore: Sendable {
    /// Appends entries (consecutive sequence numbers) and records the new head in the same transaction.
    func appendAuditEntries(_ entries: [AuditEntry], head: String) async throws
    /// Entries with sequence > `after`, in order, at most `limit`.
    func auditEntries(after sequence: Int, limit: Int) async throws -> [AuditEntry]
    /// The recorded head: "sequence:hash:seal" of the last entry.
    func auditHead() async throws -> String?
}

/// A training job: its request, where it stands, and what it produced.
public struct JobRecord: Codable, Sendable, Equatable {
    public enum State: String, Codable, Sendable, CaseIterable {
        /// `waiting`: the job's tasks run (on any worker); it is queued again when the last ends.
        case queued, running, waiting, succeeded, failed, cancelled
        public var isFinished: Bool { self == .succeeded || self == .failed || self == .cancelled }
    }

    public static let training = "training", batchPrediction = "batch_prediction"
    /// Tasks a job is decomposed into: one fold of a k-fold job, one shard of a batch prediction.
    public static let foldTask = "cv_fold", shardTask = "prediction_shard"
    /// A hyperparameter search, and one trial of it (a task).
    public static let tuning = "tuning", trialTask = "trial"
    /// Permutation importance or partial dependence of a version over a dataset.
    public static let explanation = "explanation"

    public var id: String
    public var project: String
    /// `training` or `batch_prediction`.
    public var kind: String
    public var state: State
    /// The submitted request (JSON), kept verbatim so a restarted server runs the same job.
    public var request: String
    public var createdAt: Date
    public var startedAt: Date?
    public var finishedAt: Date?
    /// Times a worker has started the job (more than one after a restart).
    public var attempts: Int
    /// Latest progress as a JSON object (epoch, step, loss, validation metrics).
    public var progress: String
    public var metrics: [String: Double]
    public var error: String?
    public var modelName: String
    /// The API key that submitted the job (usage is metered to it).
    public var keyID: String
    public var modelVersion: Int?
    /// CPU time spent training, for usage metering.
    public var computeSeconds: Double
    /// Higher runs first among one project's queued jobs (0 by default; -10 to 10).
    public var priority: Int = 0
    /// The node holding the job's lease (running it now, or until its lease runs out); read
    /// from the store, never written by `upsertJob`.
    public var worker: String?
    /// The job this one is a task of (nil for a job a user submitted).
    public var parentID: String?

    public init(id: String, project: String, kind: String = JobRecord.training, state: State, request: String, createdAt: Date,
                modelName: String, keyID: String) {
        self.id = id; self.project = project; self.kind = kind; self.state = state; self.request = request; self.createdAt = createdAt
        self.modelName = modelName; self.keyID = keyID; attempts = 0; progress = "{}"; metrics = [:]; computeSeconds = 0
    }
}

/// One entry of a job's history: a state change, an epoch's report, a log line.
public struct JobEvent: Codable, Sendable, Equatable {
    public var jobID: String
    public var sequence: Int
    public var at: Date
    /// `state`, `epoch`, `log`, `progress` (live only, not stored) or `metrics`.
    public var type: String
    /// A JSON object.
    public var data: String

    public init(jobID: String, sequence: Int, at: Date, type: String, data: String) {
        self.jobID = jobID; self.sequence = sequence; self.at = at; self.type = type; self.data = data
    }
}

/// Durable metadata: projects, keys, model versions, aliases, deployments, wrapped data keys and
/// the audit log. Platform owns this protocol; SQLite (default) and PostgreSQL adapters implement it.
public protocol MetadataStore: DataKeyStore, AuditLogStore {
    func createProject(_ name: String) async throws
    func projectExists(_ name: String) async throws -> Bool
    func projectNames() async throws -> [String]
    func insertKey(_ record: APIKeyRecord) async throws
    func keys() async throws -> [APIKeyRecord]
    func revokeKey(id: String, at date: Date) async throws
    func updateKeyLimits(id: String, limits: RateLimits) async throws
    func updateKeyExpiry(id: String, expiresAt: Date?) async throws
    func insertModelVersion(_ version: ModelVersion) async throws
    /// Every version of the project, erased ones included (callers filter).
    func modelVersions(project: String) async throws -> [ModelVersion]
    func flagModelVersion(project: String, name: String, version: Int, trainedOnErasedData: Bool) async throws
    func markModelVersionErased(project: String, name: String, version: Int, at date: Date) async throws
    func setAlias(project: String, model: String, alias: String, version: Int) async throws
    func aliases(project: String, model: String) async throws -> [String: Int]
    func upsertDeployment(_ deployment: Deployment) async throws
    func deployments(project: String) async throws -> [Deployment]
    func deleteDeployment(project: String, name: String) async throws
    func upsertDataset(_ dataset: DatasetRecord) async throws
    func datasets(project: String) async throws -> [DatasetRecord]
    func deleteDataset(project: String, name: String) async throws
    func insertTombstone(_ tombstone: DatasetTombstone) async throws
    func tombstones(project: String) async throws -> [DatasetTombstone]
    func insertEvaluation(_ evaluation: EvaluationRecord) async throws
    /// The project's evaluations, newest first.
    func evaluations(project: String) async throws -> [EvaluationRecord]
    func evaluation(id: String) async throws -> EvaluationRecord?
    /// Small JSON documents by (project, kind, name): promotion policies, drift windows and
    /// thresholds. `putDocument` replaces the body.
    func putDocument(project: String, kind: String, name: String, body: String) async throws
    func document(project: String, kind: String, name: String) async throws -> String?
    func documents(kind: String) async throws -> [StoredDocument]
    func deleteDocument(project: String, kind: String, name: String) async throws
    /// Inserts or updates a job; with `event`, stores it in the same transaction (a job queued
    /// with its first event: no worker can claim the job before the event exists and take its
    /// sequence number).
    func upsertJob(_ job: JobRecord, event: JobEvent?) async throws
    /// The project's jobs, without their tasks.
    func jobs(project: String) async throws -> [JobRecord]
    /// A job's tasks, oldest first.
    func tasks(parentID: String) async throws -> [JobRecord]
    /// Queues a `waiting` job again once none of its tasks is unfinished. Every task calls it as
    /// it ends; exactly one call (the one after the last task's end) wakes the job. True then.
    func wakeParent(id: String) async throws -> Bool
    /// Jobs queued or running in any project: the work a starting server picks up again.
    func unfinishedJobs() async throws -> [JobRecord]
    /// Takes (or renews) the job's lease for `owner` for `seconds`, unless another owner's lease
    /// is still live. A node runs a job only while it holds the lease, so nodes sharing a store
    /// never run one job at once; a node that dies stops renewing, and its lease runs out.
    /// True when `owner` holds the lease now.
    func claimJob(id: String, owner: String, seconds: Double) async throws -> Bool
    /// Gives the lease up, if `owner` holds it.
    func releaseJob(id: String, owner: String) async throws
    /// One job of any project, or nil.
    func job(id: String) async throws -> JobRecord?
    /// The durable queue's dequeue: leases to `owner` the next unfinished job whose lease is free
    /// or has run out, and returns it (nil when none may run now). Several workers claim at once
    /// without waiting on each other (PostgreSQL: `FOR UPDATE SKIP LOCKED`). Fair share: the job
    /// comes from the project with the fewest leased jobs, then by priority, then oldest first;
    /// a project holding `projectLimit` live leases gets nothing more until one ends.
    func claimNextJob(owner: String, seconds: Double, projectLimit: Int?) async throws -> JobRecord?
    /// Drops every lease `owner` holds: a node starting up runs nothing yet, so what it held
    /// before a crash is free at once for it or any other node.
    func releaseLeases(owner: String) async throws
    /// Asks whichever node runs the job to stop it (it checks with every lease renewal).
    func requestCancel(jobID: String) async throws
    func cancelRequested(jobID: String) async throws -> Bool
    func appendJobEvent(_ event: JobEvent) async throws
    func jobEvents(jobID: String, after sequence: Int) async throws -> [JobEvent]
    /// Adds the counts in `delta` to the key's stored usage.
    func addUsage(_ delta: UsageRecord) async throws
    func usage(project: String) async throws -> [UsageRecord]
}



/// What one node changed that other nodes cache in memory.
public enum MetadataChange: String, Sendable, CaseIterable {
    /// API keys: created, revoked, limits or expiry changed.
    case keys
    /// Deployments and aliases: what each endpoint serves.
    case deployments
    /// A job was queued: idle workers look for work at once rather than at their next poll.
    case jobs
}

/// A metadata store that several nodes share (PostgreSQL). Per-request lookups stay in each
/// node's memory; the store announces changes so every node re-reads what changed.
public protocol SharedMetadataStore: MetadataStore {
    /// Changes committed by any node, this one included, as they are announced. After a lost
    /// connection it yields every kind once, since announcements made meanwhile are gone.
    func changes() -> AsyncStream<MetadataChange>
    /// Records the quota use `node` admitted since its last exchange and returns, summed by key,
    /// what the other nodes recorded after `cursors` (per node, the last record taken; empty at
    /// first: the last minute's use), with the cursors to pass next time.
    func exchangeQuotaUse(node: String, use: [QuotaUse], after cursors: [String: Int64]) async throws -> (use: [QuotaUse], cursors: [String: Int64])
}

/// Requests admitted and tokens charged to one key on one node, between two exchanges.
public struct QuotaUse: Sendable, Equatable {
    public var keyID: String
    public var requests = 0
    public var tokens = 0

    public init(keyID: String, requests: Int = 0, tokens: Int = 0) {
        self.keyID = keyID; self.requests = requests; self.tokens = tokens
    }
}

extension MetadataStore {
    public func upsertJob(_ job: JobRecord) async throws { try await upsertJob(job, event: nil) }
}

/// A small JSON document kept by the metadata store.
public struct StoredDocument: Sendable, Equatable {
    public var project: String
    public var kind: String
    public var name: String
    public var body: String
    public init(project: String, kind: String, name: String, body: String) {
        self.project = project; self.kind = kind; self.name = name; self.body = body
    }
}
