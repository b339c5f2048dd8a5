import Foundation
import GRDB
import Platform

/// Platform metadata in SQLite through GRDB: a `DatabasePool` in WAL mode, so readers never
/// wait for the writer and a crash leaves the last committed state.
public final class SQLiteMetadataStore: MetadataStore, Sendable {
    private let pool: DatabasePool

    public init(path: String) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        pool = try DatabasePool(path: path)
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
            try db.execute(sql: """
                INSERT INTO api_keys (id, project, role, name, secret_hash, created_at, revoked_at, requests_per_minute, tokens_per_minute)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(id) DO UPDATE SET secret_hash = excluded.secret_hash, revoked_at = NULL
                """, arguments: [r.id, r.project, r.role.rawValue, r.name, r.secretHash, StoredDate(r.createdAt), r.revokedAt.map(StoredDate.init),
                                 r.limits.requestsPerMinute, r.limits.tokensPerMinute])
        }
    }

    public func keys() async throws -> [APIKeyRecord] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM api_keys").map { row in
                APIKeyRecord(id: row["id"], project: row["project"], role: Role(rawValue: row["role"]) ?? .viewer, name: row["name"],
                             secretHash: row["secret_hash"], createdAt: row.date("created_at"), revokedAt: row.date("revoked_at"),
                             limits: RateLimits(requestsPerMinute: row["requests_per_minute"], tokensPerMinute: row["tokens_per_minute"]))
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
                                    kind: row["kind"], metrics: metrics, lineage: lineage, createdAt: row.date("created_at"))
            }
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
        try await pool.write { db in
            try db.execute(sql: """
                INSERT INTO datasets (project, name, format, sha256, bytes, rows, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(project, name) DO UPDATE SET format = excluded.format, sha256 = excluded.sha256, bytes = excluded.bytes,
                    rows = excluded.rows, created_at = excluded.created_at
                """, arguments: [d.project, d.name, d.format, d.sha256, d.bytes, d.rows, StoredDate(d.createdAt)])
        }
    }

    public func datasets(project: String) async throws -> [DatasetRecord] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM datasets WHERE project = ? ORDER BY name", arguments: [project]).map { row in
                DatasetRecord(project: row["project"], name: row["name"], format: row["format"], sha256: row["sha256"],
                              bytes: row["bytes"], rows: row["rows"], createdAt: row.date("created_at"))
            }
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

    public func upsertJob(_ j: JobRecord) async throws {
        let metrics = String(decoding: try JSONEncoder().encode(j.metrics), as: UTF8.self)
        try await pool.write { db in
            try db.execute(sql: """
                INSERT INTO jobs (id, project, kind, state, request, created_at, started_at, finished_at, attempts, progress, metrics, error,
                                  model_name, key_id, model_version, compute_seconds) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(id) DO UPDATE SET state = excluded.state, started_at = excluded.started_at, finished_at = excluded.finished_at,
                    attempts = excluded.attempts, progress = excluded.progress, metrics = excluded.metrics, error = excluded.error,
                    model_version = excluded.model_version, compute_seconds = excluded.compute_seconds
                """, arguments: [j.id, j.project, j.kind, j.state.rawValue, j.request, StoredDate(j.createdAt), j.startedAt.map(StoredDate.init), j.finishedAt.map(StoredDate.init), j.attempts,
                                 j.progress, metrics, j.error, j.modelName, j.keyID, j.modelVersion, j.computeSeconds])
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
        return job
    }

    public func jobs(project: String) async throws -> [JobRecord] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM jobs WHERE project = ? ORDER BY created_at, id", arguments: [project]).map(Self.job)
        }
    }

    public func unfinishedJobs() async throws -> [JobRecord] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM jobs WHERE state IN ('queued', 'running') ORDER BY created_at, id").map(Self.job)
        }
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

    // MARK: Usage

    public func addUsage(_ d: UsageRecord) async throws {
        try await pool.write { db in
            try db.execute(sql: """
                INSERT INTO usage (project, key_id, requests, rows_predicted, training_seconds, prompt_tokens, completion_tokens)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(project, key_id) DO UPDATE SET requests = requests + excluded.requests,
                    rows_predicted = rows_predicted + excluded.rows_predicted, training_seconds = training_seconds + excluded.training_seconds,
                    prompt_tokens = prompt_tokens + excluded.prompt_tokens, completion_tokens = completion_tokens + excluded.completion_tokens
                """, arguments: [d.project, d.keyID, d.requests, d.rowsPredicted, d.trainingSeconds, d.promptTokens, d.completionTokens])
        }
    }

    public func usage(project: String) async throws -> [UsageRecord] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM usage WHERE project = ? ORDER BY key_id", arguments: [project]).map { row in
                UsageRecord(project: row["project"], keyID: row["key_id"], requests: row["requests"],
                            rowsPredicted: row["rows_predicted"], trainingSeconds: row["training_seconds"],
                            promptTokens: row["prompt_tokens"], completionTokens: row["completion_tokens"])
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
