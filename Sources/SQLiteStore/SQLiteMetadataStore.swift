import Foundation
import GRDB
import Platform

/// Platform metadata in SQLite through GRDB: a `DatabasePool` in WAL mode, so readers never
/// wait for the writer and a crash leaves the last committed state.
public final class SQLiteMetadataStore: MetadataStore, Sendable {
    private let pool: DatabasePool

    public init(path: String) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        var configuration = Configuration()
        // Deleted rows are overwritten, not left in free pages: a destroyed data key must not
        // survive in the database file (see destroyDataKey for the WAL).
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA secure_delete = ON") }
        pool = try DatabasePool(path: path, configuration: configuration)
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.create(table: "projects") { t in
                t.primaryKey("name", .text)
                t.column("created_at", .datetime).notNull()
            }
            try db.create(table: "api_keys") { t in
                t.primaryKey("id", .text)
                t.column("project", .text).notNull().references("projects")
                t.column("role", .text).notNull()
                t.column("name", .text).notNull()
                t.column("secret_hash", .text).notNull()
                t.column("created_at", .datetime).notNull()
                t.column("revoked_at", .datetime)
            }
            try db.create(table: "model_versions") { t in
                t.column("project", .text).notNull().references("projects")
                t.column("name", .text).notNull()
                t.column("version", .integer).notNull()
                t.column("artifact", .text).notNull()
                t.column("kind", .text).notNull()
                t.column("metrics", .text).notNull()
                t.column("created_at", .datetime).notNull()
                t.primaryKey(["project", "name", "version"])
            }
            try db.create(table: "aliases") { t in
                t.column("project", .text).notNull()
                t.column("model", .text).notNull()
                t.column("alias", .text).notNull()
                t.column("version", .integer).notNull()
                t.primaryKey(["project", "model", "alias"])
            }
            try db.create(table: "deployments") { t in
                t.column("project", .text).notNull()
                t.column("name", .text).notNull()
                t.column("model", .text).notNull()
                t.column("reference", .text).notNull()
                t.column("created_at", .datetime).notNull()
                t.primaryKey(["project", "name"])
            }
        }
        migrator.registerMigration("v2-datasets") { db in
            try db.create(table: "datasets") { t in
                t.column("project", .text).notNull().references("projects")
                t.column("name", .text).notNull()
                t.column("format", .text).notNull()
                t.column("sha256", .text).notNull()
                t.column("bytes", .integer).notNull()
                t.column("rows", .integer).notNull()
                t.column("created_at", .datetime).notNull()
                t.primaryKey(["project", "name"])
            }
        }
        migrator.registerMigration("v3-jobs") { db in
            try db.create(table: "jobs") { t in
                t.primaryKey("id", .text)
                t.column("project", .text).notNull().references("projects")
                t.column("kind", .text).notNull()
                t.column("state", .text).notNull()
                t.column("request", .text).notNull()
                t.column("created_at", .datetime).notNull()
                t.column("started_at", .datetime)
                t.column("finished_at", .datetime)
                t.column("attempts", .integer).notNull()
                t.column("progress", .text).notNull()
                t.column("metrics", .text).notNull()
                t.column("error", .text)
                t.column("model_name", .text).notNull()
                t.column("key_id", .text).notNull()
                t.column("model_version", .integer)
                t.column("compute_seconds", .double).notNull()
            }
            try db.create(index: "jobs_by_state", on: "jobs", columns: ["state"])
            try db.alter(table: "model_versions") { t in t.add(column: "lineage", .text).notNull().defaults(to: "{}") }
            try db.create(table: "job_events") { t in
                t.column("job_id", .text).notNull().references("jobs", onDelete: .cascade)
                t.column("sequence", .integer).notNull()
                t.column("at", .datetime).notNull()
                t.column("type", .text).notNull()
                t.column("data", .text).notNull()
                t.primaryKey(["job_id", "sequence"])
            }
        }
        migrator.registerMigration("v4-deployment-options") { db in
            try db.alter(table: "deployments") { t in
                t.add(column: "canary_reference", .text)
                t.add(column: "canary_percent", .double)
                t.add(column: "batching", .text)
            }
        }
        migrator.registerMigration("v5-usage") { db in
            try db.create(table: "usage") { t in
                t.column("project", .text).notNull()
                t.column("key_id", .text).notNull()
                t.column("requests", .integer).notNull()
                t.column("rows_predicted", .integer).notNull()
                t.column("training_seconds", .double).notNull()
                t.column("prompt_tokens", .integer).notNull()
                t.column("completion_tokens", .integer).notNull()
                t.primaryKey(["project", "key_id"])
            }
        }
        migrator.registerMigration("v6-key-limits") { db in
            try db.alter(table: "api_keys") { t in
                t.add(column: "requests_per_minute", .integer)
                t.add(column: "tokens_per_minute", .integer)
            }
        }
        migrator.registerMigration("v7-privacy") { db in
            try db.alter(table: "datasets") { t in
                t.add(column: "version", .integer).notNull().defaults(to: 1)
                t.add(column: "policies", .text).notNull().defaults(to: "{}")
            }
            try db.create(table: "dataset_tombstones") { t in
                t.column("project", .text).notNull()
                t.column("name", .text).notNull()
                t.column("version", .integer).notNull()
                t.column("format", .text).notNull()
                t.column("sha256", .text).notNull()
                t.column("rows", .integer).notNull()
                t.column("erased_by", .text).notNull()
                t.column("erased_at", .datetime).notNull()
                t.column("reason", .text).notNull()
                t.column("rows_erased", .integer)
                t.primaryKey(["project", "name", "version"])
            }
            try db.alter(table: "model_versions") { t in
                t.add(column: "trained_on_erased_data", .boolean).notNull().defaults(to: false)
                t.add(column: "erased_at", .datetime)
            }
            try db.alter(table: "api_keys") { t in
                t.add(column: "expires_at", .datetime)
                t.add(column: "endpoints", .text)
            }
            try db.create(table: "data_keys") { t in
                t.primaryKey("id", .text)
                t.column("wrapped", .blob).notNull()
                t.column("master_key_id", .text).notNull()
                t.column("created_at", .datetime).notNull()
            }
            try db.create(index: "data_keys_by_master", on: "data_keys", columns: ["master_key_id"])
            try db.create(table: "settings") { t in
                t.primaryKey("name", .text)
                t.column("value", .text).notNull()
            }
            try db.create(table: "audit_log") { t in
                t.primaryKey("sequence", .integer)
                t.column("at", .datetime).notNull()
                t.column("actor", .text).notNull()
                t.column("project", .text).notNull()
                t.column("action", .text).notNull()
                t.column("resource", .text).notNull()
                t.column("request_id", .text).notNull()
                t.column("outcome", .text).notNull()
                t.column("previous_hash", .text).notNull()
                t.column("hash", .text).notNull()
                t.column("seal", .text).notNull()
            }
        }
        migrator.registerMigration("v8-job-leases") { db in
            try db.alter(table: "jobs") { t in
                t.add(column: "lease_owner", .text)
                t.add(column: "lease_expires_at", .datetime)
            }
        }
        migrator.registerMigration("v9-job-queue") { db in
            try db.alter(table: "jobs") { t in
                t.add(column: "priority", .integer).notNull().defaults(to: 0)
                t.add(column: "cancel_requested", .boolean).notNull().defaults(to: false)
                t.add(column: "parent_id", .text).references("jobs", onDelete: .cascade)
            }
            try db.create(index: "jobs_by_parent", on: "jobs", columns: ["parent_id"])
        }
        migrator.registerMigration("v10-claimable-jobs") { db in
            // The claim walks a project's claimable jobs in claim order; finished jobs are not indexed.
            try db.execute(sql: """
                CREATE INDEX jobs_claimable ON jobs (project, priority DESC, created_at, id) WHERE state IN ('queued', 'running')
                """)
            try db.execute(sql: "CREATE INDEX jobs_by_lease ON jobs (project) WHERE lease_owner IS NOT NULL")
        }
        migrator.registerMigration("v11-evaluations") { db in
            try db.execute(sql: """
                CREATE TABLE evaluations (id TEXT PRIMARY KEY, project TEXT NOT NULL, kind TEXT NOT NULL, model TEXT NOT NULL,
                    dataset TEXT NOT NULL, dataset_version INTEGER NOT NULL, key_id TEXT NOT NULL, created_at TEXT NOT NULL, report TEXT NOT NULL)
                """)
            try db.execute(sql: "CREATE INDEX evaluations_by_project ON evaluations (project, created_at)")
        }
        migrator.registerMigration("v12-documents") { db in
            try db.execute(sql: """
                CREATE TABLE documents (project TEXT NOT NULL, kind TEXT NOT NULL, name TEXT NOT NULL, body TEXT NOT NULL,
                    updated_at TEXT NOT NULL, PRIMARY KEY (project, kind, name))
                """)
        }
        migrator.registerMigration("v13-audio-usage") { db in
            try db.execute(sql: "ALTER TABLE usage ADD COLUMN audio_seconds DOUBLE NOT NULL DEFAULT 0")
        }
        try migrator.migrate(pool)
    }

    public func createProject(_ name: String) async throws {
        try await pool.write { db in
            try db.execute(sql: "INSERT OR IGNORE INTO projects (name, created_at) VALUES (?, ?)", arguments: [name, StoredDate(Date())])
        }
    }

    public func projectExists(_ name: String) async throws -> Bool {
        try await pool.read { db in try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM projects WHERE name = ?)", arguments: [name]) ?? false }
    }

    public func insertKey(_ r: APIKeyRecord) async throws {
        try await pool.write { db in
            let endpoints = try r.endpoints.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
            try db.execute(sql: """
                INSERT INTO api_keys (id, project, role, name, secret_hash, created_at, revoked_at, requests_per_minute, tokens_per_minute,
                                      expires_at, endpoints)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(id) DO UPDATE SET secret_hash = excluded.secret_hash, revoked_at = NULL
                """, arguments: [r.id, r.project, r.role.rawValue, r.name, r.secretHash, StoredDate(r.createdAt), r.revokedAt.map(StoredDate.init),
                                 r.limits.requestsPerMinute, r.limits.tokensPerMinute, r.expiresAt.map(StoredDate.init), endpoints])
        }
    }

    public func keys() async throws -> [APIKeyRecord] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM api_keys").map { row in
                APIKeyRecord(id: row["id"], project: row["project"], role: Role(rawValue: row["role"]) ?? .viewer, name: row["name"],
                             secretHash: row["secret_hash"], createdAt: row.date("created_at"), revokedAt: row.date("revoked_at"),
                             limits: RateLimits(requestsPerMinute: row["requests_per_minute"], tokensPerMinute: row["tokens_per_minute"]),
                             expiresAt: row.date("expires_at"),
                             endpoints: (row["endpoints"] as String?).flatMap { try? JSONDecoder().decode([String].self, from: Data($0.utf8)) })
            }
        }
    }

    public func revokeKey(id: String, at date: Date) async throws {
        try await pool.write { db in try db.execute(sql: "UPDATE api_keys SET revoked_at = ? WHERE id = ?", arguments: [StoredDate(date), id]) }
    }

    public func updateKeyLimits(id: String, limits: RateLimits) async throws {
        try await pool.write { db in
            try db.execute(sql: "UPDATE api_keys SET requests_per_minute = ?, tokens_per_minute = ? WHERE id = ?",
                           arguments: [limits.requestsPerMinute, limits.tokensPerMinute, id])
        }
    }

    public func updateKeyExpiry(id: String, expiresAt: Date?) async throws {
        try await pool.write { db in
            try db.execute(sql: "UPDATE api_keys SET expires_at = ? WHERE id = ?", arguments: [expiresAt.map(StoredDate.init), id])
        }
    }

    public func insertModelVersion(_ v: ModelVersion) async throws {
        let metrics = String(decoding: try JSONEncoder().encode(v.metrics), as: UTF8.self)
        let lineage = String(decoding: try JSONEncoder().encode(v.lineage), as: UTF8.self)
        try await pool.write { db in
            try db.execute(sql: """
                INSERT INTO model_versions (project, name, version, artifact, kind, metrics, lineage, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [v.project, v.name, v.version, v.artifact, v.kind, metrics, lineage, StoredDate(v.createdAt)])
        }
    }

    public func modelVersions(project: String) async throws -> [ModelVersion] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM model_versions WHERE project = ? ORDER BY name, version", arguments: [project]).map { row in
                let metrics = (try? JSONDecoder().decode([String: Double].self, from: Data((row["metrics"] as String).utf8))) ?? [:]
                let lineage = (try? JSONDecoder().decode([String: String].self, from: Data((row["lineage"] as String).utf8))) ?? [:]
                return ModelVersion(project: row["project"], name: row["name"], version: row["version"], artifact: row["artifact"],
                                    kind: row["kind"], metrics: metrics, lineage: lineage, createdAt: row.date("created_at"),
                                    trainedOnErasedData: row["trained_on_erased_data"], erasedAt: row.date("erased_at"))
            }
        }
    }

    public func flagModelVersion(project: String, name: String, version: Int, trainedOnErasedData: Bool) async throws {
        try await pool.write { db in
            try db.execute(sql: "UPDATE model_versions SET trained_on_erased_data = ? WHERE project = ? AND name = ? AND version = ?",
                           arguments: [trainedOnErasedData, project, name, version])
        }
    }

    public func markModelVersionErased(project: String, name: String, version: Int, at date: Date) async throws {
        try await pool.write { db in
            try db.execute(sql: "UPDATE model_versions SET erased_at = ? WHERE project = ? AND name = ? AND version = ?",
                           arguments: [StoredDate(date), project, name, version])
        }
    }

    public func setAlias(project: String, model: String, alias: String, version: Int) async throws {
        try await pool.write { db in
            try db.execute(sql: """
                INSERT INTO aliases (project, model, alias, version) VALUES (?, ?, ?, ?)
                ON CONFLICT(project, model, alias) DO UPDATE SET version = excluded.version
                """, arguments: [project, model, alias, version])
        }
    }

    public func aliases(project: String, model: String) async throws -> [String: Int] {
        try await pool.read { db in
            var result: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT alias, version FROM aliases WHERE project = ? AND model = ?", arguments: [project, model]) {
                result[row["alias"]] = row["version"]
            }
            return result
        }
    }

    public func upsertDeployment(_ d: Deployment) async throws {
        let batching = String(decoding: try JSONEncoder().encode(d.batching), as: UTF8.self)
        try await pool.write { db in
            try db.execute(sql: """
                INSERT INTO deployments (project, name, model, reference, created_at, canary_reference, canary_percent, batching)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(project, name) DO UPDATE SET model = excluded.model, reference = excluded.reference, created_at = excluded.created_at,
                    canary_reference = excluded.canary_reference, canary_percent = excluded.canary_percent, batching = excluded.batching
                """, arguments: [d.project, d.name, d.model, d.reference, StoredDate(d.createdAt), d.canary?.reference, d.canary?.percent, batching])
        }
    }

    public func deployments(project: String) async throws -> [Deployment] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM deployments WHERE project = ? ORDER BY name", arguments: [project]).map { row in
                let canary = (row["canary_reference"] as String?).map { Deployment.Canary(reference: $0, percent: row["canary_percent"] ?? 0) }
                let batching = (row["batching"] as String?).flatMap { try? JSONDecoder().decode(BatchingPolicy.self, from: Data($0.utf8)) }
                return Deployment(project: row["project"], name: row["name"], model: row["model"], reference: row["reference"],
                                  canary: canary, batching: batching ?? BatchingPolicy(), createdAt: row.date("created_at"))
            }
        }
    }

    public func deleteDeployment(project: String, name: String) async throws {
        try await pool.write { db in try db.execute(sql: "DELETE FROM deployments WHERE project = ? AND name = ?", arguments: [project, name]) }
    }

    public func upsertDataset(_ d: DatasetRecord) async throws {
        let policies = String(decoding: try JSONEncoder().encode(d.policies), as: UTF8.self)
        try await pool.write { db in
            try db.execute(sql: """
                INSERT INTO datasets (project, name, format, sha256, bytes, rows, created_at, version, policies) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(project, name) DO UPDATE SET format = excluded.format, sha256 = excluded.sha256, bytes = excluded.bytes,
                    rows = excluded.rows, created_at = excluded.created_at, version = excluded.version, policies = excluded.policies
                """, arguments: [d.project, d.name, d.format, d.sha256, d.bytes, d.rows, StoredDate(d.createdAt), d.version, policies])
        }
    }

    public func datasets(project: String) async throws -> [DatasetRecord] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM datasets WHERE project = ? ORDER BY name", arguments: [project]).map { row in
                DatasetRecord(project: row["project"], name: row["name"], format: row["format"], sha256: row["sha256"],
                              bytes: row["bytes"], rows: row["rows"], createdAt: row.date("created_at"), version: row["version"],
                              policies: (try? JSONDecoder().decode([String: String].self, from: Data((row["policies"] as String).utf8))) ?? [:])
            }
        }
    }

    public func insertTombstone(_ t: DatasetTombstone) async throws {
        try await pool.write { db in
            try db.execute(sql: """
                INSERT OR REPLACE INTO dataset_tombstones (project, name, version, format, sha256, rows, erased_by, erased_at, reason, rows_erased)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [t.project, t.name, t.version, t.format, t.sha256, t.rows, t.erasedBy, StoredDate(t.erasedAt), t.reason, t.rowsErased])
        }
    }

    public func tombstones(project: String) async throws -> [DatasetTombstone] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM dataset_tombstones WHERE project = ? ORDER BY name, version", arguments: [project]).map { row in
                DatasetTombstone(project: row["project"], name: row["name"], version: row["version"], format: row["format"], sha256: row["sha256"],
                                 rows: row["rows"], erasedBy: row["erased_by"], erasedAt: row.date("erased_at"), reason: row["reason"],
                                 rowsErased: row["rows_erased"])
            }
        }
    }

    public func insertEvaluation(_ e: EvaluationRecord) async throws {
        try await pool.write { db in
            try db.execute(sql: """
                INSERT INTO evaluations (id, project, kind, model, dataset, dataset_version, key_id, created_at, report) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [e.id, e.project, e.kind, e.model, e.dataset, e.datasetVersion, e.keyID, StoredDate(e.createdAt), e.report])
        }
    }

    public func evaluations(project: String) async throws -> [EvaluationRecord] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM evaluations WHERE project = ? ORDER BY created_at DESC, id DESC", arguments: [project]).map(Self.evaluation)
        }
    }

    public func evaluation(id: String) async throws -> EvaluationRecord? {
        try await pool.read { db in try Row.fetchOne(db, sql: "SELECT * FROM evaluations WHERE id = ?", arguments: [id]).map(Self.evaluation) }
    }

    static func evaluation(_ row: Row) -> EvaluationRecord {
        EvaluationRecord(id: row["id"], project: row["project"], kind: row["kind"], model: row["model"], dataset: row["dataset"],
                         datasetVersion: row["dataset_version"], keyID: row["key_id"], createdAt: row.date("created_at"), report: row["report"])
    }

    public func putDocument(project: String, kind: String, name: String, body: String) async throws {
        try await pool.write { db in
            try db.execute(sql: """
                INSERT INTO documents (project, kind, name, body, updated_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (project, kind, name) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at
                """, arguments: [project, kind, name, body, StoredDate(Date())])
        }
    }

    public func document(project: String, kind: String, name: String) async throws -> String? {
        try await pool.read { db in
            try String.fetchOne(db, sql: "SELECT body FROM documents WHERE project = ? AND kind = ? AND name = ?", arguments: [project, kind, name])
        }
    }

    public func documents(kind: String) async throws -> [StoredDocument] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM documents WHERE kind = ? ORDER BY project, name", arguments: [kind]).map {
                StoredDocument(project: $0["project"], kind: $0["kind"], name: $0["name"], body: $0["body"])
            }
        }
    }

    public func deleteDocument(project: String, kind: String, name: String) async throws {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM documents WHERE project = ? AND kind = ? AND name = ?", arguments: [project, kind, name])
        }
    }

    public func deleteDataset(project: String, name: String) async throws {
        try await pool.write { db in try db.execute(sql: "DELETE FROM datasets WHERE project = ? AND name = ?", arguments: [project, name]) }
    }

    /// Every project name (to restore deployments at start).
    public func projectNames() async throws -> [String] {
        try await pool.read { db in try String.fetchAll(db, sql: "SELECT name FROM projects ORDER BY name") }
    }

    // MARK: Jobs

    public func upsertJob(_ j: JobRecord, event e: JobEvent?) async throws {
        let metrics = String(decoding: try JSONEncoder().encode(j.metrics), as: UTF8.self)
        try await pool.write { db in
            try db.execute(sql: """
                INSERT INTO jobs (id, project, kind, state, request, created_at, started_at, finished_at, attempts, progress, metrics, error,
                                  model_name, key_id, model_version, compute_seconds, priority, parent_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(id) DO UPDATE SET state = excluded.state, started_at = excluded.started_at, finished_at = excluded.finished_at,
                    attempts = excluded.attempts, progress = excluded.progress, metrics = excluded.metrics, error = excluded.error,
                    model_version = excluded.model_version, compute_seconds = excluded.compute_seconds
                WHERE jobs.state IN ('queued', 'running', 'waiting')
                """, arguments: [j.id, j.project, j.kind, j.state.rawValue, j.request, StoredDate(j.createdAt), j.startedAt.map(StoredDate.init), j.finishedAt.map(StoredDate.init), j.attempts,
                                 j.progress, metrics, j.error, j.modelName, j.keyID, j.modelVersion, j.computeSeconds, j.priority, j.parentID])
            if let e {
                try db.execute(sql: "INSERT INTO job_events (job_id, sequence, at, type, data) VALUES (?, ?, ?, ?, ?)",
                               arguments: [e.jobID, e.sequence, StoredDate(e.at), e.type, e.data])
            }
        }
    }

    static func job(_ row: Row) -> JobRecord {
        var job = JobRecord(id: row["id"], project: row["project"], kind: row["kind"], state: JobRecord.State(rawValue: row["state"]) ?? .failed,
                            request: row["request"], createdAt: row.date("created_at"), modelName: row["model_name"], keyID: row["key_id"])
        job.startedAt = row.date("started_at")
        job.finishedAt = row.date("finished_at")
        job.attempts = row["attempts"]
        job.progress = row["progress"]
        job.metrics = (try? JSONDecoder().decode([String: Double].self, from: Data((row["metrics"] as String).utf8))) ?? [:]
        job.error = row["error"]
        job.modelVersion = row["model_version"]
        job.computeSeconds = row["compute_seconds"]
        job.priority = row["priority"]
        job.worker = row["lease_owner"]
        job.parentID = row["parent_id"]
        return job
    }

    public func jobs(project: String) async throws -> [JobRecord] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM jobs WHERE project = ? AND parent_id IS NULL ORDER BY created_at, id", arguments: [project]).map(Self.job)
        }
    }

    public func tasks(parentID: String) async throws -> [JobRecord] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM jobs WHERE parent_id = ? ORDER BY created_at, id", arguments: [parentID]).map(Self.job)
        }
    }

    public func wakeParent(id: String) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: """
                UPDATE jobs SET state = 'queued' WHERE id = ? AND state = 'waiting'
                  AND NOT EXISTS (SELECT 1 FROM jobs WHERE parent_id = ? AND state NOT IN ('succeeded', 'failed', 'cancelled'))
                """, arguments: [id, id])
            return db.changesCount == 1
        }
    }

    public func unfinishedJobs() async throws -> [JobRecord] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM jobs WHERE state IN ('queued', 'running', 'waiting') ORDER BY created_at, id").map(Self.job)
        }
    }

    public func claimJob(id: String, owner: String, seconds: Double) async throws -> Bool {
        let now = Date()
        return try await pool.write { db in
            // Stored dates are "yyyy-MM-dd HH:mm:ss.SSS" text: they order as the instants do.
            try db.execute(sql: """
                UPDATE jobs SET lease_owner = ?, lease_expires_at = ?
                WHERE id = ? AND (lease_owner IS NULL OR lease_owner = ? OR lease_expires_at < ?)
                """, arguments: [owner, StoredDate(now.addingTimeInterval(seconds)), id, owner, StoredDate(now)])
            return db.changesCount == 1
        }
    }

    public func releaseJob(id: String, owner: String) async throws {
        try await pool.write { db in
            try db.execute(sql: "UPDATE jobs SET lease_owner = NULL, lease_expires_at = NULL WHERE id = ? AND lease_owner = ?", arguments: [id, owner])
        }
    }

    public func job(id: String) async throws -> JobRecord? {
        try await pool.read { db in try Row.fetchOne(db, sql: "SELECT * FROM jobs WHERE id = ?", arguments: [id]).map(Self.job) }
    }

    /// SQLite serialises writers, so one write transaction picks and leases with no race.
    public func claimNextJob(owner: String, seconds: Double, projectLimit: Int?) async throws -> JobRecord? {
        let now = StoredDate(Date()), expires = StoredDate(Date().addingTimeInterval(seconds))
        let limit = projectLimit ?? Int.max
        // The same two steps as the PostgreSQL store (one writer at a time here, so no locks).
        return try await pool.write { db in
            let projects = try String.fetchAll(db, sql: """
                SELECT q.project FROM (SELECT DISTINCT project FROM jobs
                                       WHERE state IN ('queued', 'running') AND (lease_owner IS NULL OR lease_expires_at < ?)) q
                LEFT JOIN (SELECT project, count(*) AS live FROM jobs WHERE lease_owner IS NOT NULL AND lease_expires_at >= ?
                           GROUP BY project) l ON l.project = q.project
                WHERE COALESCE(l.live, 0) < ? ORDER BY COALESCE(l.live, 0), q.project
                """, arguments: [now, now, limit])
            for project in projects {
                guard let id = try String.fetchOne(db, sql: """
                    SELECT id FROM jobs WHERE project = ? AND state IN ('queued', 'running') AND (lease_owner IS NULL OR lease_expires_at < ?)
                    ORDER BY priority DESC, created_at, id LIMIT 1
                    """, arguments: [project, now]) else { continue }
                try db.execute(sql: "UPDATE jobs SET lease_owner = ?, lease_expires_at = ? WHERE id = ?", arguments: [owner, expires, id])
                return try Row.fetchOne(db, sql: "SELECT * FROM jobs WHERE id = ?", arguments: [id]).map(Self.job)
            }
            return nil
        }
    }

    public func releaseLeases(owner: String) async throws {
        try await pool.write { db in
            try db.execute(sql: "UPDATE jobs SET lease_owner = NULL, lease_expires_at = NULL WHERE lease_owner = ?", arguments: [owner])
        }
    }

    public func requestCancel(jobID: String) async throws {
        let now = StoredDate(Date())
        try await pool.write { db in
            let free = "(state = 'waiting' OR (state = 'queued' AND (lease_owner IS NULL OR lease_expires_at < ?)))"
            try db.execute(sql: """
                UPDATE jobs SET cancel_requested = 1, finished_at = CASE WHEN \(free) THEN ? ELSE finished_at END,
                    state = CASE WHEN \(free) THEN 'cancelled' ELSE state END
                WHERE id = ? AND state IN ('queued', 'running', 'waiting')
                """, arguments: [now, now, now, jobID])
        }
    }

    public func cancelRequested(jobID: String) async throws -> Bool {
        try await pool.read { db in try Bool.fetchOne(db, sql: "SELECT cancel_requested FROM jobs WHERE id = ?", arguments: [jobID]) ?? false }
    }

    public func appendJobEvent(_ e: JobEvent) async throws {
        try await pool.write { db in
            try db.execute(sql: "INSERT INTO job_events (job_id, sequence, at, type, data) VALUES (?, ?, ?, ?, ?)",
                           arguments: [e.jobID, e.sequence, StoredDate(e.at), e.type, e.data])
        }
    }

    public func jobEvents(jobID: String, after sequence: Int) async throws -> [JobEvent] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM job_events WHERE job_id = ? AND sequence > ? ORDER BY sequence",
                             arguments: [jobID, sequence]).map { row in
                JobEvent(jobID: row["job_id"], sequence: row["sequence"], at: row.date("at"), type: row["type"], data: row["data"])
            }
        }
    }

    // MARK: Data keys

    public func insertDataKey(_ k: WrappedDataKey) async throws {
        try await pool.write { db in
            try db.execute(sql: "INSERT INTO data_keys (id, wrapped, master_key_id, created_at) VALUES (?, ?, ?, ?)",
                           arguments: [k.id, Data(k.wrapped), k.masterKeyID, StoredDate(k.createdAt)])
        }
    }

    static func dataKey(_ row: Row) -> WrappedDataKey {
        WrappedDataKey(id: row["id"], wrapped: [UInt8](row["wrapped"] as Data), masterKeyID: row["master_key_id"], createdAt: row.date("created_at"))
    }

    public func dataKey(id: String) async throws -> WrappedDataKey? {
        try await pool.read { db in try Row.fetchOne(db, sql: "SELECT * FROM data_keys WHERE id = ?", arguments: [id]).map(Self.dataKey) }
    }

    public func destroyDataKey(id: String) async throws {
        try await pool.write { db in try db.execute(sql: "DELETE FROM data_keys WHERE id = ?", arguments: [id]) }
        // secure_delete zeroes the row in the page written to the WAL; a checkpoint copies that
        // page over the database file's old one and truncates the WAL, whose earlier frames held
        // the key. A reader holding an old snapshot can delay it; then the next one does it.
        try? await pool.writeWithoutTransaction { db in _ = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
    }

    public func dataKeys(notWrappedBy masterKeyID: String, limit: Int) async throws -> [WrappedDataKey] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM data_keys WHERE master_key_id != ? ORDER BY id LIMIT ?", arguments: [masterKeyID, limit]).map(Self.dataKey)
        }
    }

    public func updateDataKeys(_ keys: [WrappedDataKey]) async throws {
        try await pool.write { db in
            for k in keys {
                try db.execute(sql: "UPDATE data_keys SET wrapped = ?, master_key_id = ? WHERE id = ?", arguments: [Data(k.wrapped), k.masterKeyID, k.id])
            }
        }
    }

    public func masterKeyUsage() async throws -> [String: Int] {
        try await pool.read { db in
            var usage: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT master_key_id, COUNT(*) AS n FROM data_keys GROUP BY master_key_id") {
                usage[row["master_key_id"]] = row["n"]
            }
            return usage
        }
    }

    public func setting(_ name: String) async throws -> String? {
        try await pool.read { db in try String.fetchOne(db, sql: "SELECT value FROM settings WHERE name = ?", arguments: [name]) }
    }

    public func setSetting(_ name: String, _ value: String) async throws {
        try await pool.write { db in
            try db.execute(sql: "INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value",
                           arguments: [name, value])
        }
    }

    // MARK: Audit log

    public func appendAuditEntries(_ entries: [AuditEntry], head: String) async throws {
        try await pool.write { db in
            for e in entries {
                try db.execute(sql: """
                    INSERT INTO audit_log (sequence, at, actor, project, action, resource, request_id, outcome, previous_hash, hash, seal)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [e.sequence, StoredDate(e.at), e.actor, e.project, e.action, e.resource, e.requestID, e.outcome,
                                     e.previousHash, e.hash, e.seal])
            }
            try db.execute(sql: "INSERT INTO settings (name, value) VALUES ('audit_head', ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value",
                           arguments: [head])
        }
    }

    public func auditEntries(after sequence: Int, limit: Int) async throws -> [AuditEntry] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM audit_log WHERE sequence > ? ORDER BY sequence LIMIT ?", arguments: [sequence, limit]).map { row in
                AuditEntry(sequence: row["sequence"], at: row.date("at"), actor: row["actor"], project: row["project"], action: row["action"],
                           resource: row["resource"], requestID: row["request_id"], outcome: row["outcome"],
                           previousHash: row["previous_hash"], hash: row["hash"], seal: row["seal"])
            }
        }
    }

    public func auditHead() async throws -> String? { try await setting("audit_head") }

    // MARK: Usage

    public func addUsage(_ d: UsageRecord) async throws {
        try await pool.write { db in
            try db.execute(sql: """
                INSERT INTO usage (project, key_id, requests, rows_predicted, training_seconds, prompt_tokens, completion_tokens, audio_seconds)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(project, key_id) DO UPDATE SET requests = requests + excluded.requests,
                    rows_predicted = rows_predicted + excluded.rows_predicted, training_seconds = training_seconds + excluded.training_seconds,
                    prompt_tokens = prompt_tokens + excluded.prompt_tokens, completion_tokens = completion_tokens + excluded.completion_tokens,
                    audio_seconds = audio_seconds + excluded.audio_seconds
                """, arguments: [d.project, d.keyID, d.requests, d.rowsPredicted, d.trainingSeconds, d.promptTokens, d.completionTokens, d.audioSeconds])
        }
    }

    public func usage(project: String) async throws -> [UsageRecord] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM usage WHERE project = ? ORDER BY key_id", arguments: [project]).map { row in
                UsageRecord(project: row["project"], keyID: row["key_id"], requests: row["requests"],
                            rowsPredicted: row["rows_predicted"], trainingSeconds: row["training_seconds"],
                            promptTokens: row["prompt_tokens"], completionTokens: row["completion_tokens"], audioSeconds: row["audio_seconds"])
            }
        }
    }
}

/// A date as GRDB stores it ("yyyy-MM-dd HH:mm:ss.SSS", UTC), written and read by hand: GRDB's
/// formatter is a `DateFormatter`, and its parser builds the date with a Gregorian `Calendar` in
/// the en_US_POSIX locale; the first use of either loads ICU's locale, calendar and time-zone
/// data (5.5 MiB resident in every server for writes; about 2 MiB more for reads).
public struct StoredDate: DatabaseValueConvertible, Sendable {
    public let date: Date
    public init(_ date: Date) { self.date = date }

    public var databaseValue: DatabaseValue {
        let seconds = date.timeIntervalSince1970
        var whole = time_t(seconds.rounded(.down))
        var millisecond = Int(((seconds - Double(whole)) * 1000).rounded())
        if millisecond == 1000 { whole += 1; millisecond = 0 }
        var parts = tm()
        gmtime_r(&whole, &parts)
        func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
        let ms = millisecond < 10 ? "00\(millisecond)" : millisecond < 100 ? "0\(millisecond)" : "\(millisecond)"
        let year = String(parts.tm_year + 1900)
        return "\(String(repeating: "0", count: max(0, 4 - year.count)) + year)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday)) \(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)).\(ms)".databaseValue
    }

    /// Our own format, and the shorter ones GRDB writes ("yyyy-MM-dd HH:mm[:ss[.SSS]]", 'T' for
    /// the space); any other form a database might hold (time zones, Julian days, numbers) goes
    /// to GRDB's parser.
    public static func fromDatabaseValue(_ value: DatabaseValue) -> StoredDate? {
        if case .string(let text) = value.storage, let date = parse(text) { return StoredDate(date) }
        return Date.fromDatabaseValue(value).map(StoredDate.init)
    }

    /// A stored text date, by hand where it is in a form GRDB writes, else by GRDB's parser.
    public init?(text: String) {
        guard let stored = Self.fromDatabaseValue(text.databaseValue) else { return nil }
        self = stored
    }

    /// The hand parser alone: nil for anything but "yyyy-MM-dd[ T]HH:mm[:ss[.SSS]]".
    public static func parse(_ text: String) -> Date? {
        var utf8 = Array(text.utf8)[...]
        func number(_ digits: Int) -> Int32? {
            guard utf8.count >= digits else { return nil }
            var value: Int32 = 0
            for byte in utf8.prefix(digits) {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                value = value * 10 + Int32(byte - UInt8(ascii: "0"))
            }
            utf8 = utf8.dropFirst(digits)
            return value
        }
        func separator(_ allowed: String) -> Bool {
            guard let byte = utf8.first, allowed.utf8.contains(byte) else { return false }
            utf8 = utf8.dropFirst()
            return true
        }
        guard let year = number(4), separator("-"), let month = number(2), separator("-"), let day = number(2),
              separator(" T"), let hour = number(2), separator(":"), let minute = number(2) else { return nil }
        var second: Int32 = 0, millisecond: Int32 = 0
        if separator(":") {
            guard let s = number(2) else { return nil }
            second = s
            if separator(".") {
                guard let ms = number(3) else { return nil }
                millisecond = ms
            }
        }
        guard utf8.isEmpty, (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 60 else { return nil }
        var parts = tm()
        (parts.tm_year, parts.tm_mon, parts.tm_mday) = (year - 1900, month - 1, day)
        (parts.tm_hour, parts.tm_min, parts.tm_sec) = (hour, minute, second)
        let seconds = timegm(&parts)  // libc's UTC conversion: no time zone or calendar data
        return Date(timeIntervalSince1970: Double(seconds) + Double(millisecond) / 1000)
    }
}

extension Row {
    /// A date column written by `StoredDate` (nil when NULL).
    func date(_ column: String) -> Date? { (self[column] as StoredDate?)?.date }
    /// A NOT NULL date column written by `StoredDate`.
    func date(_ column: String) -> Date { (self[column] as StoredDate).date }
}
