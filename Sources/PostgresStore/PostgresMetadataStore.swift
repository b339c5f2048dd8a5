import Foundation
import Logging
import NIOCore
import Platform
import PostgresNIO

/// Platform metadata in PostgreSQL through PostgresNIO: the store several API nodes and workers
/// share. Same protocol, same behaviour as `SQLiteMetadataStore` (one store test suite runs both).
///
/// A lost server is a `PlatformError.unavailable` (503 with Retry-After) rather than a hang:
/// every call has a deadline, and the pool reconnects by itself once the server is back.
public final class PostgresMetadataStore: SharedMetadataStore, Sendable {
    let client: PostgresClient
    private let runner: Task<Void, Never>
    private let logger: Logger
    public let url: DatabaseURL
    /// How long one call may wait for a connection and its answer before it is a 503.
    let deadline: Duration

    /// Connects, creates or upgrades the schema (one node at a time, under an advisory lock),
    /// and starts the connection pool. A wrong URL, an unreachable server or rejected
    /// credentials fail here, with a message naming `setting`.
    /// `logger` gets PostgresNIO's own events; by default only errors (a lost server is
    /// reported through the errors callers get, not once per reconnection attempt).
    public static func connect(_ url: DatabaseURL, setting: String = "--database", deadline: Duration = .seconds(5),
                               logger: Logger = quietLogger) async throws -> PostgresMetadataStore {
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(configuration: try url.connectionConfiguration(), id: 0, logger: logger)
        } catch {
            throw DatabaseSettingError("\(setting): cannot connect to \(url): \(Self.reason(error))")
        }
        do {
            try await Schema.migrate(connection, logger: logger)
            try? await connection.close()
        } catch {
            try? await connection.close()
            throw DatabaseSettingError("\(setting): \(url) refused the schema migration: \(Self.reason(error))")
        }
        return PostgresMetadataStore(client: PostgresClient(configuration: url.clientConfiguration(), backgroundLogger: logger),
                                     url: url, deadline: deadline, logger: logger)
    }

    private init(client: PostgresClient, url: DatabaseURL, deadline: Duration, logger: Logger) {
        self.client = client
        self.url = url
        self.deadline = deadline
        self.logger = logger
        runner = Task { await client.run() }
    }

    public static let quietLogger: Logger = {
        var logger = Logger(label: "maas.postgres")
        logger.logLevel = .error
        return logger
    }()

    deinit { runner.cancel() }

    /// Closes every pooled connection.
    public func close() { runner.cancel() }

    /// What the server or the network said, without PostgresNIO's query dump.
    static func reason(_ error: any Error) -> String {
        if let transaction = error as? PostgresTransactionError,
           let inner = transaction.beginError ?? transaction.closureError ?? transaction.commitError { return reason(inner) }
        guard let error = error as? PSQLError else { return "\(error)" }
        if let message = error.serverInfo?[.message] {
            let state = error.serverInfo?[.sqlState].map { " (SQLSTATE \($0))" } ?? ""
            return message + state
        }
        if let underlying = error.underlying { return "\(underlying)" }
        return "\(error.code)"
    }

    /// Whether an error means the server is gone for now (connection lost, refused, shutting
    /// down, too many clients) rather than that the statement was wrong.
    static func isUnavailable(_ error: any Error) -> Bool {
        if let transaction = error as? PostgresTransactionError,
           let inner = transaction.beginError ?? transaction.closureError ?? transaction.commitError { return isUnavailable(inner) }
        guard let error = error as? PSQLError else { return false }
        switch error.code {
        case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown, .poolClosed, .sslUnsupported:
            return true
        case .server:
            let state = error.serverInfo?[.sqlState] ?? ""
            // 08: connection exception; 57P01-57P03: shutdown/crash/starting; 53300: too many connections.
            return state.hasPrefix("08") || state.hasPrefix("57P") || state == "53300"
        default:
            return false
        }
    }

    // MARK: Running statements

    /// Runs `body` with the deadline; a lost server or a passed deadline is a 503 naming the store.
    /// A transaction whose connection turns out dead at BEGIN (a pooled connection the server
    /// dropped while it restarted) ran nothing, so it runs once more, on another connection.
    func guarded<Result: Sendable>(_ body: @escaping @Sendable () async throws -> Result) async throws -> Result {
        let deadline = deadline, url = url
        func attempt() async throws -> Result {
            try await withThrowingTaskGroup(of: Result?.self) { group in
                group.addTask { try await body() }
                group.addTask { try await Task.sleep(for: deadline); return nil }
                defer { group.cancelAll() }
                guard let first = try await group.next(), let result = first else {
                    throw PlatformError.unavailable(retryAfter: 1, "the metadata database \(url) did not answer within \(deadline)")
                }
                return result
            }
        }
        do {
            do {
                return try await attempt()
            } catch let error as PostgresTransactionError where error.beginError.map(Self.isUnavailable) == true {
                return try await attempt()
            }
        } catch let error as PlatformError {
            throw error
        } catch where Self.isUnavailable(error) {
            throw PlatformError.unavailable(retryAfter: 1, "the metadata database \(url) is unreachable: \(Self.reason(error))")
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            // PostgresNIO's own description hides the server's words; the operator needs them.
            throw StatementError(reason: Self.reason(error))
        }
    }

    /// A statement the database refused (not a lost connection), in the server's words.
    public struct StatementError: Error, CustomStringConvertible {
        public var reason: String
        public var description: String { "the metadata database refused a statement: \(reason)" }
    }

    /// Every row of a query, each readable by column name.
    func rows(_ query: PostgresQuery) async throws -> [PostgresRandomAccessRow] {
        let (client, logger) = (client, logger)
        return try await guarded {
            var rows: [PostgresRandomAccessRow] = []
            for try await row in try await client.query(query, logger: logger) { rows.append(row.makeRandomAccess()) }
            return rows
        }
    }

    func execute(_ query: PostgresQuery) async throws {
        _ = try await rows(query)
    }

    /// Runs the statements in one transaction.
    func transaction(_ queries: [PostgresQuery]) async throws {
        let (client, logger) = (client, logger)
        try await guarded {
            try await client.withTransaction(logger: logger) { connection in
                for query in queries { try await connection.query(query, logger: logger).drain() }
            }
        }
    }

    static func json<T: Encodable>(_ value: T) throws -> String { String(decoding: try JSONEncoder().encode(value), as: UTF8.self) }
    static func decodeJSON<T: Decodable>(_ type: T.Type, _ text: String?) -> T? {
        text.flatMap { try? JSONDecoder().decode(T.self, from: Data($0.utf8)) }
    }

    // MARK: Projects and keys

    public func createProject(_ name: String) async throws {
        try await execute("INSERT INTO projects (name, created_at) VALUES (\(name), \(Date())) ON CONFLICT (name) DO NOTHING")
    }

    public func projectExists(_ name: String) async throws -> Bool {
        try await !rows("SELECT 1 FROM projects WHERE name = \(name)").isEmpty
    }

    public func projectNames() async throws -> [String] {
        try await rows("SELECT name FROM projects ORDER BY name").map { try $0["name"].decode(String.self) }
    }

    public func insertKey(_ r: APIKeyRecord) async throws {
        let endpoints = try r.endpoints.map(Self.json)
        try await execute("""
            INSERT INTO api_keys (id, project, role, name, secret_hash, created_at, revoked_at, requests_per_minute, tokens_per_minute,
                                  expires_at, endpoints)
            VALUES (\(r.id), \(r.project), \(r.role.rawValue), \(r.name), \(r.secretHash), \(r.createdAt), \(r.revokedAt),
                    \(r.limits.requestsPerMinute), \(r.limits.tokensPerMinute), \(r.expiresAt), \(endpoints))
            ON CONFLICT (id) DO UPDATE SET secret_hash = excluded.secret_hash, revoked_at = NULL
            """)
        try await announce(.keys)
    }

    public func keys() async throws -> [APIKeyRecord] {
        try await rows("SELECT * FROM api_keys ORDER BY created_at, id").map { row in
            APIKeyRecord(id: try row["id"].decode(String.self), project: try row["project"].decode(String.self),
                         role: Role(rawValue: try row["role"].decode(String.self)) ?? .viewer, name: try row["name"].decode(String.self),
                         secretHash: try row["secret_hash"].decode(String.self), createdAt: try row["created_at"].decode(Date.self),
                         revokedAt: try row["revoked_at"].decode(Date?.self),
                         limits: RateLimits(requestsPerMinute: try row["requests_per_minute"].decode(Int?.self),
                                            tokensPerMinute: try row["tokens_per_minute"].decode(Int?.self)),
                         expiresAt: try row["expires_at"].decode(Date?.self),
                         endpoints: Self.decodeJSON([String].self, try row["endpoints"].decode(String?.self)))
        }
    }

    public func revokeKey(id: String, at date: Date) async throws {
        try await execute("UPDATE api_keys SET revoked_at = \(date) WHERE id = \(id)")
        try await announce(.keys)
    }

    public func updateKeyLimits(id: String, limits: RateLimits) async throws {
        try await execute("""
            UPDATE api_keys SET requests_per_minute = \(limits.requestsPerMinute), tokens_per_minute = \(limits.tokensPerMinute) WHERE id = \(id)
            """)
        try await announce(.keys)
    }

    public func updateKeyExpiry(id: String, expiresAt: Date?) async throws {
        try await execute("UPDATE api_keys SET expires_at = \(expiresAt) WHERE id = \(id)")
        try await announce(.keys)
    }

    // MARK: Model versions, aliases, deployments

    public func insertModelVersion(_ v: ModelVersion) async throws {
        try await execute("""
            INSERT INTO model_versions (project, name, version, artifact, kind, metrics, lineage, created_at, trained_on_erased_data, erased_at)
            VALUES (\(v.project), \(v.name), \(v.version), \(v.artifact), \(v.kind), \(try Self.json(v.metrics)), \(try Self.json(v.lineage)),
                    \(v.createdAt), \(v.trainedOnErasedData), \(v.erasedAt))
            """)
    }

    public func modelVersions(project: String) async throws -> [ModelVersion] {
        try await rows("SELECT * FROM model_versions WHERE project = \(project) ORDER BY name, version").map { row in
            ModelVersion(project: try row["project"].decode(String.self), name: try row["name"].decode(String.self),
                         version: try row["version"].decode(Int.self), artifact: try row["artifact"].decode(String.self),
                         kind: try row["kind"].decode(String.self),
                         metrics: Self.decodeJSON([String: Double].self, try row["metrics"].decode(String.self)) ?? [:],
                         lineage: Self.decodeJSON([String: String].self, try row["lineage"].decode(String.self)) ?? [:],
                         createdAt: try row["created_at"].decode(Date.self),
                         trainedOnErasedData: try row["trained_on_erased_data"].decode(Bool.self), erasedAt: try row["erased_at"].decode(Date?.self))
        }
    }

    public func flagModelVersion(project: String, name: String, version: Int, trainedOnErasedData: Bool) async throws {
        try await execute("""
            UPDATE model_versions SET trained_on_erased_data = \(trainedOnErasedData)
            WHERE project = \(project) AND name = \(name) AND version = \(version)
            """)
    }

    public func markModelVersionErased(project: String, name: String, version: Int, at date: Date) async throws {
        try await execute("UPDATE model_versions SET erased_at = \(date) WHERE project = \(project) AND name = \(name) AND version = \(version)")
        try await announce(.deployments)
    }

    public func setAlias(project: String, model: String, alias: String, version: Int) async throws {
        try await execute("""
            INSERT INTO aliases (project, model, alias, version) VALUES (\(project), \(model), \(alias), \(version))
            ON CONFLICT (project, model, alias) DO UPDATE SET version = excluded.version
            """)
        try await announce(.deployments)
    }

    public func aliases(project: String, model: String) async throws -> [String: Int] {
        var result: [String: Int] = [:]
        for row in try await rows("SELECT alias, version FROM aliases WHERE project = \(project) AND model = \(model)") {
            result[try row["alias"].decode(String.self)] = try row["version"].decode(Int.self)
        }
        return result
    }

    public func upsertDeployment(_ d: Deployment) async throws {
        try await execute("""
            INSERT INTO deployments (project, name, model, reference, created_at, canary_reference, canary_percent, batching)
            VALUES (\(d.project), \(d.name), \(d.model), \(d.reference), \(d.createdAt), \(d.canary?.reference), \(d.canary?.percent),
                    \(try Self.json(d.batching)))
            ON CONFLICT (project, name) DO UPDATE SET model = excluded.model, reference = excluded.reference, created_at = excluded.created_at,
                canary_reference = excluded.canary_reference, canary_percent = excluded.canary_percent, batching = excluded.batching
            """)
        try await announce(.deployments)
    }

    public func deployments(project: String) async throws -> [Deployment] {
        try await rows("SELECT * FROM deployments WHERE project = \(project) ORDER BY name").map { row in
            let canary = try row["canary_reference"].decode(String?.self).map {
                Deployment.Canary(reference: $0, percent: try row["canary_percent"].decode(Double?.self) ?? 0)
            }
            return Deployment(project: try row["project"].decode(String.self), name: try row["name"].decode(String.self),
                              model: try row["model"].decode(String.self), reference: try row["reference"].decode(String.self), canary: canary,
                              batching: Self.decodeJSON(BatchingPolicy.self, try row["batching"].decode(String?.self)) ?? BatchingPolicy(),
                              createdAt: try row["created_at"].decode(Date.self))
        }
    }

    public func deleteDeployment(project: String, name: String) async throws {
        try await execute("DELETE FROM deployments WHERE project = \(project) AND name = \(name)")
        try await announce(.deployments)
    }

    // MARK: Datasets

    public func upsertDataset(_ d: DatasetRecord) async throws {
        try await execute("""
            INSERT INTO datasets (project, name, format, sha256, bytes, rows, created_at, version, policies)
            VALUES (\(d.project), \(d.name), \(d.format), \(d.sha256), \(d.bytes), \(d.rows), \(d.createdAt), \(d.version), \(try Self.json(d.policies)))
            ON CONFLICT (project, name) DO UPDATE SET format = excluded.format, sha256 = excluded.sha256, bytes = excluded.bytes,
                rows = excluded.rows, created_at = excluded.created_at, version = excluded.version, policies = excluded.policies
            """)
    }

    public func datasets(project: String) async throws -> [DatasetRecord] {
        try await rows("SELECT * FROM datasets WHERE project = \(project) ORDER BY name").map { row in
            DatasetRecord(project: try row["project"].decode(String.self), name: try row["name"].decode(String.self),
                          format: try row["format"].decode(String.self), sha256: try row["sha256"].decode(String.self),
                          bytes: try row["bytes"].decode(Int.self), rows: try row["rows"].decode(Int.self),
                          createdAt: try row["created_at"].decode(Date.self), version: try row["version"].decode(Int.self),
                          policies: Self.decodeJSON([String: String].self, try row["policies"].decode(String.self)) ?? [:])
        }
    }

    public func deleteDataset(project: String, name: String) async throws {
        try await execute("DELETE FROM datasets WHERE project = \(project) AND name = \(name)")
    }

    public func insertTombstone(_ t: DatasetTombstone) async throws {
        try await execute("""
            INSERT INTO dataset_tombstones (project, name, version, format, sha256, rows, erased_by, erased_at, reason, rows_erased)
            VALUES (\(t.project), \(t.name), \(t.version), \(t.format), \(t.sha256), \(t.rows), \(t.erasedBy), \(t.erasedAt), \(t.reason), \(t.rowsErased))
            ON CONFLICT (project, name, version) DO UPDATE SET format = excluded.format, sha256 = excluded.sha256, rows = excluded.rows,
                erased_by = excluded.erased_by, erased_at = excluded.erased_at, reason = excluded.reason, rows_erased = excluded.rows_erased
            """)
    }

    public func tombstones(project: String) async throws -> [DatasetTombstone] {
        try await rows("SELECT * FROM dataset_tombstones WHERE project = \(project) ORDER BY name, version").map { row in
            DatasetTombstone(project: try row["project"].decode(String.self), name: try row["name"].decode(String.self),
                             version: try row["version"].decode(Int.self), format: try row["format"].decode(String.self),
                             sha256: try row["sha256"].decode(String.self), rows: try row["rows"].decode(Int.self),
                             erasedBy: try row["erased_by"].decode(String.self), erasedAt: try row["erased_at"].decode(Date.self),
                             reason: try row["reason"].decode(String.self), rowsErased: try row["rows_erased"].decode(Int?.self))
        }
    }

    public func insertEvaluation(_ e: EvaluationRecord) async throws {
        try await execute("""
            INSERT INTO evaluations (id, project, kind, model, dataset, dataset_version, key_id, created_at, report)
            VALUES (\(e.id), \(e.project), \(e.kind), \(e.model), \(e.dataset), \(e.datasetVersion), \(e.keyID), \(e.createdAt), \(e.report))
            """)
    }

    public func putDocument(project: String, kind: String, name: String, body: String) async throws {
        try await execute("""
            INSERT INTO documents (project, kind, name, body, updated_at) VALUES (\(project), \(kind), \(name), \(body), now())
            ON CONFLICT (project, kind, name) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at
            """)
    }

    public func document(project: String, kind: String, name: String) async throws -> String? {
        try await rows("SELECT body FROM documents WHERE project = \(project) AND kind = \(kind) AND name = \(name)").first
            .map { try $0["body"].decode(String.self) }
    }

    public func documents(kind: String) async throws -> [StoredDocument] {
        try await rows("SELECT project, kind, name, body FROM documents WHERE kind = \(kind) ORDER BY project, name").map {
            StoredDocument(project: try $0["project"].decode(String.self), kind: try $0["kind"].decode(String.self),
                           name: try $0["name"].decode(String.self), body: try $0["body"].decode(String.self))
        }
    }

    public func deleteDocument(project: String, kind: String, name: String) async throws {
        try await execute("DELETE FROM documents WHERE project = \(project) AND kind = \(kind) AND name = \(name)")
    }

    public func evaluations(project: String) async throws -> [EvaluationRecord] {
        try await rows("SELECT * FROM evaluations WHERE project = \(project) ORDER BY created_at DESC, id DESC").map(Self.evaluation)
    }

    public func evaluation(id: String) async throws -> EvaluationRecord? {
        try await rows("SELECT * FROM evaluations WHERE id = \(id)").first.map(Self.evaluation)
    }

    static func evaluation(_ row: PostgresRandomAccessRow) throws -> EvaluationRecord {
        EvaluationRecord(id: try row["id"].decode(String.self), project: try row["project"].decode(String.self), kind: try row["kind"].decode(String.self),
                         model: try row["model"].decode(String.self), dataset: try row["dataset"].decode(String.self),
                         datasetVersion: try row["dataset_version"].decode(Int.self), keyID: try row["key_id"].decode(String.self),
                         createdAt: try row["created_at"].decode(Date.self), report: try row["report"].decode(String.self))
    }

    // MARK: Jobs

    /// A finished job stays finished: a late write from a node that lost the job changes nothing.
    public func upsertJob(_ j: JobRecord, event e: JobEvent?) async throws {
        var queries: [PostgresQuery] = ["""
            INSERT INTO jobs (id, project, kind, state, request, created_at, started_at, finished_at, attempts, progress, metrics, error,
                              model_name, key_id, model_version, compute_seconds, priority, parent_id)
            VALUES (\(j.id), \(j.project), \(j.kind), \(j.state.rawValue), \(j.request), \(j.createdAt), \(j.startedAt), \(j.finishedAt),
                    \(j.attempts), \(j.progress), \(try Self.json(j.metrics)), \(j.error), \(j.modelName), \(j.keyID), \(j.modelVersion),
                    \(j.computeSeconds), \(j.priority), \(j.parentID))
            ON CONFLICT (id) DO UPDATE SET state = excluded.state, started_at = excluded.started_at, finished_at = excluded.finished_at,
                attempts = excluded.attempts, progress = excluded.progress, metrics = excluded.metrics, error = excluded.error,
                model_version = excluded.model_version, compute_seconds = excluded.compute_seconds
            WHERE jobs.state IN ('queued', 'running', 'waiting')
            """]
        if let e { queries.append("INSERT INTO job_events (job_id, sequence, at, type, data) VALUES (\(e.jobID), \(e.sequence), \(e.at), \(e.type), \(e.data))") }
        try await transaction(queries)
        if j.state == .queued { try await announce(.jobs) }
    }

    static func job(_ row: PostgresRandomAccessRow) throws -> JobRecord {
        var job = JobRecord(id: try row["id"].decode(String.self), project: try row["project"].decode(String.self),
                            kind: try row["kind"].decode(String.self),
                            state: JobRecord.State(rawValue: try row["state"].decode(String.self)) ?? .failed,
                            request: try row["request"].decode(String.self), createdAt: try row["created_at"].decode(Date.self),
                            modelName: try row["model_name"].decode(String.self), keyID: try row["key_id"].decode(String.self))
        job.startedAt = try row["started_at"].decode(Date?.self)
        job.finishedAt = try row["finished_at"].decode(Date?.self)
        job.attempts = try row["attempts"].decode(Int.self)
        job.progress = try row["progress"].decode(String.self)
        job.metrics = decodeJSON([String: Double].self, try row["metrics"].decode(String.self)) ?? [:]
        job.error = try row["error"].decode(String?.self)
        job.modelVersion = try row["model_version"].decode(Int?.self)
        job.computeSeconds = try row["compute_seconds"].decode(Double.self)
        job.priority = try row["priority"].decode(Int.self)
        job.worker = try row["lease_owner"].decode(String?.self)
        job.parentID = try row["parent_id"].decode(String?.self)
        return job
    }

    public func jobs(project: String) async throws -> [JobRecord] {
        try await rows("SELECT * FROM jobs WHERE project = \(project) AND parent_id IS NULL ORDER BY created_at, id").map(Self.job)
    }

    public func tasks(parentID: String) async throws -> [JobRecord] {
        try await rows("SELECT * FROM jobs WHERE parent_id = \(parentID) ORDER BY created_at, id").map(Self.job)
    }

    /// One statement, run after the task's own end is committed: of two tasks ending together,
    /// the later statement sees both ends, so the job is never left waiting.
    public func wakeParent(id: String) async throws -> Bool {
        let woken = try await !rows("""
            UPDATE jobs SET state = 'queued' WHERE id = \(id) AND state = 'waiting'
              AND NOT EXISTS (SELECT 1 FROM jobs WHERE parent_id = \(id) AND state NOT IN ('succeeded', 'failed', 'cancelled'))
            RETURNING id
            """).isEmpty
        if woken { try await announce(.jobs) }
        return woken
    }

    public func unfinishedJobs() async throws -> [JobRecord] {
        try await rows("SELECT * FROM jobs WHERE state IN ('queued', 'running', 'waiting') ORDER BY created_at, id").map(Self.job)
    }

    /// The lease runs on the database's clock, so nodes whose clocks differ agree on it.
    public func claimJob(id: String, owner: String, seconds: Double) async throws -> Bool {
        try await !rows("""
            UPDATE jobs SET lease_owner = \(owner), lease_expires_at = now() + make_interval(secs => \(seconds))
            WHERE id = \(id) AND (lease_owner IS NULL OR lease_owner = \(owner) OR lease_expires_at < now())
            RETURNING id
            """).isEmpty
    }

    public func releaseJob(id: String, owner: String) async throws {
        try await execute("UPDATE jobs SET lease_owner = NULL, lease_expires_at = NULL WHERE id = \(id) AND lease_owner = \(owner)")
    }

    public func job(id: String) async throws -> JobRecord? {
        try await rows("SELECT * FROM jobs WHERE id = \(id)").first.map(Self.job)
    }

    /// Picks a candidate with `FOR UPDATE SKIP LOCKED` (a row another worker is claiming is
    /// passed over, not waited for), then, under a transaction-scoped advisory lock on its
    /// project, counts the project's live leases again: two workers cannot both take a
    /// project's last free slot. The lease runs on the database's clock.
    /// Fair share in two steps, each cheap however long the queue: the projects with claimable
    /// jobs, fewest live leases first (one grouped pass over the leases, not a count per queued
    /// row); then, project by project, that project's first job by priority and age, taken with
    /// `FOR UPDATE SKIP LOCKED` from the claimable-jobs index (usually the first project answers).
    /// With a per-project limit, a per-project advisory lock and a recount make the limit exact
    /// when claimers race for a project's last slot.
    public func claimNextJob(owner: String, seconds: Double, projectLimit: Int?) async throws -> JobRecord? {
        let (client, logger) = (client, logger)
        return try await guarded {
            try await client.withTransaction(logger: logger) { connection in
                var projects: [String] = []
                for try await project in try await connection.query("""
                    SELECT q.project FROM (SELECT DISTINCT project FROM jobs
                                           WHERE state IN ('queued', 'running') AND (lease_owner IS NULL OR lease_expires_at < now())) q
                    LEFT JOIN (SELECT project, count(*) AS live FROM jobs WHERE lease_owner IS NOT NULL AND lease_expires_at >= now()
                               GROUP BY project) l ON l.project = q.project
                    WHERE COALESCE(l.live, 0) < \(projectLimit ?? Int.max)
                    ORDER BY COALESCE(l.live, 0), q.project
                    """, logger: logger).decode(String.self) { projects.append(project) }
                for project in projects {
                    var candidate: String?
                    for try await id in try await connection.query("""
                        SELECT id FROM jobs
                        WHERE project = \(project) AND state IN ('queued', 'running') AND (lease_owner IS NULL OR lease_expires_at < now())
                        ORDER BY priority DESC, created_at, id LIMIT 1 FOR UPDATE SKIP LOCKED
                        """, logger: logger).decode(String.self) { candidate = id }
                    guard let candidate else { continue }
                    if let projectLimit {
                        try await connection.query("SELECT pg_advisory_xact_lock(\(Self.projectLockSpace), hashtext(\(project)))", logger: logger).drain()
                        var live = 0
                        for try await count in try await connection.query("""
                            SELECT count(*) FROM jobs WHERE project = \(project) AND lease_owner IS NOT NULL AND lease_expires_at >= now()
                            """, logger: logger).decode(Int.self) { live = count }
                        guard live < projectLimit else { continue }
                    }
                    var claimed: JobRecord?
                    for try await row in try await connection.query("""
                        UPDATE jobs SET lease_owner = \(owner), lease_expires_at = now() + make_interval(secs => \(seconds))
                        WHERE id = \(candidate) RETURNING *
                        """, logger: logger) { claimed = try Self.job(row.makeRandomAccess()) }
                    return claimed
                }
                return nil
            }
        }
    }

    /// The advisory-lock key space of per-project claim locks (beside the migration lock).
    static let projectLockSpace: Int32 = 0x6D61_6173 & 0x7FFF_FFFF

    public func releaseLeases(owner: String) async throws {
        try await execute("UPDATE jobs SET lease_owner = NULL, lease_expires_at = NULL WHERE lease_owner = \(owner)")
    }

    /// A queued job nobody holds ends here and now; a leased one is stopped by its node.
    public func requestCancel(jobID: String) async throws {
        try await execute("""
            UPDATE jobs SET cancel_requested = TRUE,
                state = CASE WHEN state = 'waiting' OR (state = 'queued' AND (lease_owner IS NULL OR lease_expires_at < now())) THEN 'cancelled' ELSE state END,
                finished_at = CASE WHEN state = 'waiting' OR (state = 'queued' AND (lease_owner IS NULL OR lease_expires_at < now())) THEN now() ELSE finished_at END
            WHERE id = \(jobID) AND state IN ('queued', 'running', 'waiting')
            """)
    }

    public func cancelRequested(jobID: String) async throws -> Bool {
        try await rows("SELECT cancel_requested FROM jobs WHERE id = \(jobID)").first.map { try $0["cancel_requested"].decode(Bool.self) } ?? false
    }

    public func appendJobEvent(_ e: JobEvent) async throws {
        try await execute("INSERT INTO job_events (job_id, sequence, at, type, data) VALUES (\(e.jobID), \(e.sequence), \(e.at), \(e.type), \(e.data))")
    }

    public func jobEvents(jobID: String, after sequence: Int) async throws -> [JobEvent] {
        try await rows("SELECT * FROM job_events WHERE job_id = \(jobID) AND sequence > \(sequence) ORDER BY sequence").map { row in
            JobEvent(jobID: try row["job_id"].decode(String.self), sequence: try row["sequence"].decode(Int.self),
                     at: try row["at"].decode(Date.self), type: try row["type"].decode(String.self), data: try row["data"].decode(String.self))
        }
    }

    // MARK: Data keys and settings

    public func insertDataKey(_ k: WrappedDataKey) async throws {
        try await execute("""
            INSERT INTO data_keys (id, wrapped, master_key_id, created_at) VALUES (\(k.id), \(ByteBuffer(bytes: k.wrapped)), \(k.masterKeyID), \(k.createdAt))
            """)
    }

    static func dataKey(_ row: PostgresRandomAccessRow) throws -> WrappedDataKey {
        WrappedDataKey(id: try row["id"].decode(String.self), wrapped: Array(try row["wrapped"].decode(ByteBuffer.self).readableBytesView),
                       masterKeyID: try row["master_key_id"].decode(String.self), createdAt: try row["created_at"].decode(Date.self))
    }

    public func dataKey(id: String) async throws -> WrappedDataKey? {
        try await rows("SELECT * FROM data_keys WHERE id = \(id)").first.map(Self.dataKey)
    }

    /// Deletes the row. PostgreSQL keeps a dead tuple until VACUUM reclaims it, so the vacuum runs
    /// at once: after it, the wrapped key is gone from the table's pages (the WAL segments that
    /// saw it are recycled by the server's own checkpoints; archive them nowhere for erasure to hold).
    public func destroyDataKey(id: String) async throws {
        try await execute("DELETE FROM data_keys WHERE id = \(id)")
        try? await execute("VACUUM data_keys")
    }

    public func dataKeys(notWrappedBy masterKeyID: String, limit: Int) async throws -> [WrappedDataKey] {
        try await rows("SELECT * FROM data_keys WHERE master_key_id <> \(masterKeyID) ORDER BY id LIMIT \(limit)").map(Self.dataKey)
    }

    public func updateDataKeys(_ keys: [WrappedDataKey]) async throws {
        try await transaction(keys.map { k in
            "UPDATE data_keys SET wrapped = \(ByteBuffer(bytes: k.wrapped)), master_key_id = \(k.masterKeyID) WHERE id = \(k.id)"
        })
    }

    public func masterKeyUsage() async throws -> [String: Int] {
        var usage: [String: Int] = [:]
        for row in try await rows("SELECT master_key_id, COUNT(*) AS n FROM data_keys GROUP BY master_key_id") {
            usage[try row["master_key_id"].decode(String.self)] = try row["n"].decode(Int.self)
        }
        return usage
    }

    public func setting(_ name: String) async throws -> String? {
        try await rows("SELECT value FROM settings WHERE name = \(name)").first.map { try $0["value"].decode(String.self) }
    }

    public func setSetting(_ name: String, _ value: String) async throws {
        try await execute("INSERT INTO settings (name, value) VALUES (\(name), \(value)) ON CONFLICT (name) DO UPDATE SET value = excluded.value")
    }

    // MARK: Audit log

    public func appendAuditEntries(_ entries: [AuditEntry], head: String) async throws {
        var queries: [PostgresQuery] = entries.map { e in
            """
            INSERT INTO audit_log (sequence, at, actor, project, action, resource, request_id, outcome, previous_hash, hash, seal)
            VALUES (\(e.sequence), \(e.at), \(e.actor), \(e.project), \(e.action), \(e.resource), \(e.requestID), \(e.outcome),
                    \(e.previousHash), \(e.hash), \(e.seal))
            """
        }
        queries.append("INSERT INTO settings (name, value) VALUES ('audit_head', \(head)) ON CONFLICT (name) DO UPDATE SET value = excluded.value")
        try await transaction(queries)
    }

    public func auditEntries(after sequence: Int, limit: Int) async throws -> [AuditEntry] {
        try await rows("SELECT * FROM audit_log WHERE sequence > \(sequence) ORDER BY sequence LIMIT \(limit)").map { row in
            AuditEntry(sequence: try row["sequence"].decode(Int.self), at: try row["at"].decode(Date.self),
                       actor: try row["actor"].decode(String.self), project: try row["project"].decode(String.self),
                       action: try row["action"].decode(String.self), resource: try row["resource"].decode(String.self),
                       requestID: try row["request_id"].decode(String.self), outcome: try row["outcome"].decode(String.self),
                       previousHash: try row["previous_hash"].decode(String.self), hash: try row["hash"].decode(String.self),
                       seal: try row["seal"].decode(String.self))
        }
    }

    public func auditHead() async throws -> String? { try await setting("audit_head") }

    // MARK: Usage

    public func addUsage(_ d: UsageRecord) async throws {
        try await execute("""
            INSERT INTO usage (project, key_id, requests, rows_predicted, training_seconds, prompt_tokens, completion_tokens, audio_seconds)
            VALUES (\(d.project), \(d.keyID), \(d.requests), \(d.rowsPredicted), \(d.trainingSeconds), \(d.promptTokens), \(d.completionTokens),
                    \(d.audioSeconds))
            ON CONFLICT (project, key_id) DO UPDATE SET requests = usage.requests + excluded.requests,
                rows_predicted = usage.rows_predicted + excluded.rows_predicted,
                training_seconds = usage.training_seconds + excluded.training_seconds,
                prompt_tokens = usage.prompt_tokens + excluded.prompt_tokens, completion_tokens = usage.completion_tokens + excluded.completion_tokens,
                audio_seconds = usage.audio_seconds + excluded.audio_seconds
            """)
    }

    public func usage(project: String) async throws -> [UsageRecord] {
        try await rows("SELECT * FROM usage WHERE project = \(project) ORDER BY key_id").map { row in
            UsageRecord(project: try row["project"].decode(String.self), keyID: try row["key_id"].decode(String.self),
                        requests: try row["requests"].decode(Int.self), rowsPredicted: try row["rows_predicted"].decode(Int.self),
                        trainingSeconds: try row["training_seconds"].decode(Double.self), promptTokens: try row["prompt_tokens"].decode(Int.self),
                        completionTokens: try row["completion_tokens"].decode(Int.self), audioSeconds: try row["audio_seconds"].decode(Double.self))
        }
    }
}

extension PostgresMetadataStore {
    /// The channel every node listens on; the payload is a `MetadataChange`.
    static let channel = "maas_changes"

    /// Tells every listening node (this one too) to re-read what `change` names. Sent after the
    /// change committed; a node that misses it re-reads everything at its next periodic pass.
    func announce(_ change: MetadataChange) async throws {
        try await execute("SELECT pg_notify(\(Self.channel), \(change.rawValue))")
    }

    /// One transaction: this node's use goes in as rows, the other nodes' rows of the last
    /// minute past each node's cursor come out, and rows older than two minutes are dropped. A
    /// node's rows are numbered in the order it commits them (one exchange at a time), so a
    /// cursor per node never skips a row committed late.
    public func exchangeQuotaUse(node: String, use: [QuotaUse], after cursors: [String: Int64]) async throws -> (use: [QuotaUse], cursors: [String: Int64]) {
        let (client, logger) = (client, logger)
        return try await guarded {
            try await client.withTransaction(logger: logger) { connection in
                for item in use {
                    try await connection.query("""
                        INSERT INTO quota_use (node, key_id, requests, tokens) VALUES (\(node), \(item.keyID), \(item.requests), \(item.tokens))
                        """, logger: logger).drain()
                }
                var sums: [String: QuotaUse] = [:]
                var next = cursors
                for try await (id, other, keyID, requests, tokens) in try await connection.query("""
                    SELECT id, node, key_id, requests, tokens FROM quota_use WHERE node <> \(node) AND at > now() - interval '1 minute'
                    """, logger: logger).decode((Int64, String, String, Int, Int).self) {
                    guard id > cursors[other] ?? 0 else { continue }
                    sums[keyID, default: QuotaUse(keyID: keyID)].requests += requests
                    sums[keyID, default: QuotaUse(keyID: keyID)].tokens += tokens
                    next[other] = max(next[other] ?? 0, id)
                }
                try await connection.query("DELETE FROM quota_use WHERE at < now() - interval '2 minutes'", logger: logger).drain()
                return (Array(sums.values), next)
            }
        }
    }

    /// Listens on a connection of its own (LISTEN holds a session, so not a pooled one),
    /// reconnecting with backoff after it is lost.
    public func changes() -> AsyncStream<MetadataChange> {
        let (stream, continuation) = AsyncStream.makeStream(of: MetadataChange.self, bufferingPolicy: .bufferingNewest(16))
        let (url, logger) = (url, logger)
        let listener = Task {
            var backoff = Duration.milliseconds(100)
            while !Task.isCancelled {
                do {
                    let connection = try await PostgresConnection.connect(configuration: try url.connectionConfiguration(), id: 1, logger: logger)
                    backoff = .milliseconds(100)
                    try await withTaskCancellationHandler {
                        try await connection.listen(on: Self.channel) { notifications in
                            // Listening now: whatever changed before (or while disconnected) is re-read once.
                            for change in MetadataChange.allCases { continuation.yield(change) }
                            for try await notification in notifications {
                                if let change = MetadataChange(rawValue: notification.payload) { continuation.yield(change) }
                            }
                        }
                    } onCancel: {
                        let closing: EventLoopFuture<Void> = connection.close()
                        _ = closing
                    }
                    try? await connection.close()
                    try? await Task.sleep(for: backoff)
                } catch {
                    logger.debug("listening for changes failed; retrying", metadata: ["error": "\(Self.reason(error))"])
                    try? await Task.sleep(for: backoff)
                    backoff = min(backoff * 2, .seconds(5))
                }
            }
            continuation.finish()
        }
        continuation.onTermination = { _ in listener.cancel() }
        return stream
    }
}

extension PostgresRowSequence {
    /// Reads and drops every row (a statement's rows must be consumed before the connection is reused).
    func drain() async throws { for try await _ in self {} }
}
