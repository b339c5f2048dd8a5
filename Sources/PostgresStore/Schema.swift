import Foundation
import Logging
import PostgresNIO

/// The PostgreSQL schema, as numbered migrations applied in order, each in its own transaction
/// (PostgreSQL's DDL is transactional: a migration is applied whole or not at all).
///
/// Nodes starting together take a transaction-scoped advisory lock first, so exactly one of
/// them applies a migration and the others find it recorded.
enum Schema {
    /// Never edit a migration that has shipped: add the next one.
    static let migrations: [(version: Int, statements: [PostgresQuery])] = [
        (1, [
            """
            CREATE TABLE projects (name TEXT PRIMARY KEY, created_at TIMESTAMPTZ NOT NULL)
            """,
            """
            CREATE TABLE api_keys (
                id TEXT PRIMARY KEY, project TEXT NOT NULL REFERENCES projects, role TEXT NOT NULL, name TEXT NOT NULL,
                secret_hash TEXT NOT NULL, created_at TIMESTAMPTZ NOT NULL, revoked_at TIMESTAMPTZ,
                requests_per_minute BIGINT, tokens_per_minute BIGINT, expires_at TIMESTAMPTZ, endpoints TEXT)
            """,
            """
            CREATE TABLE model_versions (
                project TEXT NOT NULL REFERENCES projects, name TEXT NOT NULL, version BIGINT NOT NULL, artifact TEXT NOT NULL,
                kind TEXT NOT NULL, metrics TEXT NOT NULL, lineage TEXT NOT NULL DEFAULT '{}', created_at TIMESTAMPTZ NOT NULL,
                trained_on_erased_data BOOLEAN NOT NULL DEFAULT FALSE, erased_at TIMESTAMPTZ,
                PRIMARY KEY (project, name, version))
            """,
            """
            CREATE TABLE aliases (
                project TEXT NOT NULL, model TEXT NOT NULL, alias TEXT NOT NULL, version BIGINT NOT NULL,
                PRIMARY KEY (project, model, alias))
            """,
            """
            CREATE TABLE deployments (
                project TEXT NOT NULL, name TEXT NOT NULL, model TEXT NOT NULL, reference TEXT NOT NULL, created_at TIMESTAMPTZ NOT NULL,
                canary_reference TEXT, canary_percent DOUBLE PRECISION, batching TEXT, PRIMARY KEY (project, name))
            """,
            """
            CREATE TABLE datasets (
                project TEXT NOT NULL REFERENCES projects, name TEXT NOT NULL, format TEXT NOT NULL, sha256 TEXT NOT NULL,
                bytes BIGINT NOT NULL, rows BIGINT NOT NULL, created_at TIMESTAMPTZ NOT NULL, version BIGINT NOT NULL DEFAULT 1,
                policies TEXT NOT NULL DEFAULT '{}', PRIMARY KEY (project, name))
            """,
            """
            CREATE TABLE dataset_tombstones (
                project TEXT NOT NULL, name TEXT NOT NULL, version BIGINT NOT NULL, format TEXT NOT NULL, sha256 TEXT NOT NULL,
                rows BIGINT NOT NULL, erased_by TEXT NOT NULL, erased_at TIMESTAMPTZ NOT NULL, reason TEXT NOT NULL, rows_erased BIGINT,
                PRIMARY KEY (project, name, version))
            """,
            """
            CREATE TABLE jobs (
                id TEXT PRIMARY KEY, project TEXT NOT NULL REFERENCES projects, kind TEXT NOT NULL, state TEXT NOT NULL,
                request TEXT NOT NULL, created_at TIMESTAMPTZ NOT NULL, started_at TIMESTAMPTZ, finished_at TIMESTAMPTZ,
                attempts BIGINT NOT NULL, progress TEXT NOT NULL, metrics TEXT NOT NULL, error TEXT, model_name TEXT NOT NULL,
                key_id TEXT NOT NULL, model_version BIGINT, compute_seconds DOUBLE PRECISION NOT NULL,
                lease_owner TEXT, lease_expires_at TIMESTAMPTZ)
            """,
            "CREATE INDEX jobs_by_state ON jobs (state)",
            """
            CREATE TABLE job_events (
                job_id TEXT NOT NULL REFERENCES jobs ON DELETE CASCADE, sequence BIGINT NOT NULL, at TIMESTAMPTZ NOT NULL,
                type TEXT NOT NULL, data TEXT NOT NULL, PRIMARY KEY (job_id, sequence))
            """,
            """
            CREATE TABLE usage (
                project TEXT NOT NULL, key_id TEXT NOT NULL, requests BIGINT NOT NULL, rows_predicted BIGINT NOT NULL,
                training_seconds DOUBLE PRECISION NOT NULL, prompt_tokens BIGINT NOT NULL, completion_tokens BIGINT NOT NULL,
                PRIMARY KEY (project, key_id))
            """,
            """
            CREATE TABLE data_keys (
                id TEXT PRIMARY KEY, wrapped BYTEA NOT NULL, master_key_id TEXT NOT NULL, created_at TIMESTAMPTZ NOT NULL)
            """,
            "CREATE INDEX data_keys_by_master ON data_keys (master_key_id)",
            "CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
            """
            CREATE TABLE audit_log (
                sequence BIGINT PRIMARY KEY, at TIMESTAMPTZ NOT NULL, actor TEXT NOT NULL, project TEXT NOT NULL, action TEXT NOT NULL,
                resource TEXT NOT NULL, request_id TEXT NOT NULL, outcome TEXT NOT NULL, previous_hash TEXT NOT NULL,
                hash TEXT NOT NULL, seal TEXT NOT NULL)
            """,
        ]),
        (2, [
            // The durable job queue: priorities, cancellation across nodes, and the index the
            // claim query walks.
            "ALTER TABLE jobs ADD COLUMN priority BIGINT NOT NULL DEFAULT 0",
            "ALTER TABLE jobs ADD COLUMN cancel_requested BOOLEAN NOT NULL DEFAULT FALSE",
            "CREATE INDEX jobs_by_lease ON jobs (project, lease_expires_at) WHERE lease_owner IS NOT NULL",
            "ALTER TABLE jobs ADD COLUMN parent_id TEXT REFERENCES jobs ON DELETE CASCADE",
            "CREATE INDEX jobs_by_parent ON jobs (parent_id) WHERE parent_id IS NOT NULL",
        ]),
        (3, [
            // The claim walks a project's claimable jobs in claim order and stops at the first
            // row no other claimer holds; finished jobs (most of the table) are not in the index.
            "CREATE INDEX jobs_claimable ON jobs (project, priority DESC, created_at, id) WHERE state IN ('queued', 'running')",
        ]),
        (4, [
            // Quota use each node admitted, exchanged every second so that a key's quota holds
            // over all nodes; kept two minutes.
            """
            CREATE TABLE quota_use (id BIGSERIAL PRIMARY KEY, node TEXT NOT NULL, key_id TEXT NOT NULL,
                requests BIGINT NOT NULL, tokens BIGINT NOT NULL, at TIMESTAMPTZ NOT NULL DEFAULT now())
            """,
            "CREATE INDEX quota_use_by_time ON quota_use (at)",
        ]),
        (5, [
            """
            CREATE TABLE evaluations (id TEXT PRIMARY KEY, project TEXT NOT NULL, kind TEXT NOT NULL, model TEXT NOT NULL,
                dataset TEXT NOT NULL, dataset_version BIGINT NOT NULL, key_id TEXT NOT NULL, created_at TIMESTAMPTZ NOT NULL, report TEXT NOT NULL)
            """,
            "CREATE INDEX evaluations_by_project ON evaluations (project, created_at)",
        ]),
        (6, [
            // Promotion policies, drift windows and thresholds: small JSON documents by name.
            """
            CREATE TABLE documents (project TEXT NOT NULL, kind TEXT NOT NULL, name TEXT NOT NULL, body TEXT NOT NULL,
                updated_at TIMESTAMPTZ NOT NULL DEFAULT now(), PRIMARY KEY (project, kind, name))
            """,
        ]),
        (7, ["ALTER TABLE usage ADD COLUMN audio_seconds DOUBLE PRECISION NOT NULL DEFAULT 0"]),
    ]

    /// An arbitrary constant naming the migration lock among the database's advisory locks.
    static let migrationLock = 0x6D61_6173_0001

    static func migrate(_ connection: PostgresConnection, logger: Logger) async throws {
        for migration in migrations {
            try await connection.withTransaction(logger: logger) { connection in
                try await connection.query("SELECT pg_advisory_xact_lock(\(migrationLock))", logger: logger).drain()
                try await connection.query("CREATE TABLE IF NOT EXISTS maas_migrations (version BIGINT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL)",
                                           logger: logger).drain()
                var applied = false
                for try await _ in try await connection.query("SELECT 1 FROM maas_migrations WHERE version = \(migration.version)", logger: logger) {
                    applied = true
                }
                guard !applied else { return }
                for statement in migration.statements { try await connection.query(statement, logger: logger).drain() }
                try await connection.query("INSERT INTO maas_migrations (version, applied_at) VALUES (\(migration.version), \(Date()))",
                                           logger: logger).drain()
            }
        }
    }
}
