//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Versioned migrations of the PostgreSQL store, applied at start under an advisory lock.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightStore
import PostgresNIO

extension PostgresStore {
    /// One schema version: its identifier (kept in `oversight_migration`) and its statements, run in one transaction.
    package struct Migration: Sendable {
        package var identifier: String
        package var statements: [String]
    }

    /// The advisory lock every coordinator takes while it migrates (`pg_advisory_lock`), so coordinators starting
    /// together apply each migration once; the others wait, then find it applied.
    package static let migrationLockKey: Int64 = 0x4F56_5253_4D49_4752  // "OVRSMIGR"

    /// The schema, version by version. Times are seconds since 1970 (`double precision`), as in the SQLite store, so
    /// both backends compare and round the same way.
    package static let migrations: [Migration] = [
        Migration(
            identifier: "v1",
            statements: [
                """
                CREATE TABLE agent (
                    id text PRIMARY KEY,
                    provider text NOT NULL,
                    site text NOT NULL,
                    extra_sites text NOT NULL DEFAULT '',
                    hostname text NOT NULL,
                    signing_key text NOT NULL,
                    certificate_serial text NOT NULL,
                    certificate_not_after double precision NOT NULL,
                    enrolled_at double precision NOT NULL,
                    revoked_at double precision,
                    last_seq bigint NOT NULL DEFAULT 0,
                    last_hash text NOT NULL,
                    last_batch_at double precision,
                    last_heartbeat_at double precision,
                    version text,
                    outbox_depth bigint,
                    outbox_bytes bigint,
                    oldest_unsent_age double precision,
                    outbox_full boolean NOT NULL DEFAULT false,
                    last_source_error text,
                    connected boolean NOT NULL DEFAULT false
                )
                """,
                """
                CREATE TABLE enrollment_token (
                    hash text PRIMARY KEY,
                    provider text NOT NULL,
                    site text NOT NULL,
                    extra_sites text NOT NULL DEFAULT '',
                    created_at double precision NOT NULL,
                    expires_at double precision NOT NULL,
                    used_at double precision,
                    agent_id text
                )
                """,
                """
                CREATE TABLE batch (
                    agent_id text NOT NULL,
                    seq bigint NOT NULL,
                    hash text NOT NULL,
                    prev text NOT NULL,
                    protected text NOT NULL,
                    payload text NOT NULL,
                    signature text NOT NULL,
                    record_count bigint NOT NULL,
                    received_at double precision NOT NULL,
                    PRIMARY KEY (agent_id, seq)
                )
                """,
                """
                CREATE TABLE ticket (
                    provider text NOT NULL,
                    id text NOT NULL,
                    site text NOT NULL,
                    agent_id text NOT NULL,
                    batch_seq bigint NOT NULL,
                    channel text NOT NULL,
                    priority text NOT NULL,
                    status text NOT NULL,
                    created_at double precision NOT NULL,
                    updated_at double precision NOT NULL,
                    first_reply_at double precision,
                    solved_at double precision,
                    closed_at double precision,
                    reopen_count bigint NOT NULL,
                    assignee text,
                    queue text,
                    tags text NOT NULL,
                    csat bigint,
                    contact_count bigint NOT NULL,
                    held_by text,
                    status_changes text NOT NULL,
                    agent_replies text,
                    customer_messages text,
                    PRIMARY KEY (provider, id)
                )
                """,
                "CREATE INDEX ticket_by_site ON ticket (provider, site, status)",
                "CREATE INDEX ticket_first_decided_by_provider ON ticket (provider, COALESCE(first_reply_at, solved_at))",
                """
                CREATE INDEX ticket_resolved_by_provider ON ticket (provider, COALESCE(solved_at, closed_at))
                    WHERE status IN ('solved', 'closed')
                """,
                """
                CREATE TABLE security_event (
                    id bigserial PRIMARY KEY,
                    at double precision NOT NULL,
                    agent_id text,
                    address text,
                    kind text NOT NULL,
                    detail text NOT NULL
                )
                """,
                """
                CREATE TABLE ticket_sla (
                    provider text NOT NULL,
                    id text NOT NULL,
                    state text NOT NULL,
                    first_reply_due double precision,
                    resolution_due double precision,
                    at_risk_at double precision,
                    breached_at double precision,
                    late_data boolean NOT NULL DEFAULT false,
                    provider_seconds double precision NOT NULL DEFAULT 0,
                    client_seconds double precision NOT NULL DEFAULT 0,
                    customer_seconds double precision NOT NULL DEFAULT 0,
                    evaluated_at double precision NOT NULL,
                    PRIMARY KEY (provider, id)
                )
                """,
                """
                CREATE TABLE sla_event (
                    id bigserial PRIMARY KEY,
                    provider text NOT NULL,
                    site text NOT NULL,
                    ticket_id text NOT NULL,
                    clock text NOT NULL,
                    kind text NOT NULL,
                    at double precision NOT NULL,
                    detected_at double precision NOT NULL,
                    late_data boolean NOT NULL,
                    UNIQUE (provider, ticket_id, clock, kind, at)
                )
                """,
                "CREATE INDEX sla_event_breach_by_provider ON sla_event (provider, kind, at)",
                """
                CREATE TABLE interval_metric (
                    provider text NOT NULL,
                    site text NOT NULL,
                    queue text NOT NULL,
                    start double precision NOT NULL,
                    agent_id text NOT NULL,
                    batch_seq bigint NOT NULL,
                    channel text NOT NULL,
                    minutes bigint NOT NULL,
                    threshold_seconds bigint NOT NULL,
                    offered bigint NOT NULL,
                    answered bigint NOT NULL,
                    answered_within_threshold bigint NOT NULL,
                    abandoned bigint NOT NULL,
                    short_abandons bigint NOT NULL,
                    short_abandon_seconds bigint,
                    total_answer_delay_seconds double precision NOT NULL,
                    handled bigint NOT NULL,
                    total_handle_time_seconds double precision NOT NULL,
                    csat_responses bigint NOT NULL,
                    csat_satisfied bigint NOT NULL,
                    csat_score_sum bigint,
                    fcr_responses bigint NOT NULL,
                    fcr_yes bigint NOT NULL,
                    agents_staffed bigint,
                    updated_at double precision NOT NULL,
                    PRIMARY KEY (provider, site, queue, start)
                )
                """,
                "CREATE INDEX interval_metric_by_start ON interval_metric (provider, start)",
                """
                CREATE TABLE aggregate_standing (
                    provider text NOT NULL,
                    target_id text NOT NULL,
                    period_start double precision NOT NULL,
                    period_end double precision NOT NULL,
                    period_kind text NOT NULL,
                    period_label text NOT NULL,
                    figure text NOT NULL,
                    variant text,
                    value double precision,
                    reference_value double precision,
                    reference_variant text,
                    projected double precision,
                    target double precision NOT NULL,
                    comparison text NOT NULL,
                    unit text NOT NULL,
                    state text NOT NULL,
                    summary text NOT NULL,
                    elapsed_share double precision NOT NULL,
                    evaluated_at double precision NOT NULL,
                    PRIMARY KEY (provider, target_id, period_start)
                )
                """,
                "CREATE INDEX aggregate_standing_by_period ON aggregate_standing (provider, period_kind, period_start)",
                """
                CREATE TABLE qa_evaluation (
                    provider text NOT NULL,
                    id text NOT NULL,
                    site text NOT NULL,
                    agent_id text NOT NULL,
                    batch_seq bigint NOT NULL,
                    interaction_ref text NOT NULL,
                    channel text,
                    queue text,
                    agent text,
                    evaluator text NOT NULL,
                    scorecard text NOT NULL,
                    scorecard_version text NOT NULL,
                    evaluated_at double precision NOT NULL,
                    items text NOT NULL,
                    high_impact_errors bigint NOT NULL,
                    low_impact_errors bigint NOT NULL,
                    score double precision NOT NULL,
                    comments text,
                    updated_at double precision NOT NULL,
                    PRIMARY KEY (provider, id)
                )
                """,
                "CREATE INDEX qa_evaluation_by_evaluated_at ON qa_evaluation (provider, evaluated_at)",
            ]
        ),
        PostgresStore.annotationsMigration,
        PostgresStore.figureIndexesMigration,
        PostgresStore.breachDisputesMigration,
        PostgresStore.leaseMigration,
        PostgresStore.agentTrustMigration,
        PostgresStore.sampleRequestsMigration,
        PostgresStore.periodDisputesMigration,
        PostgresStore.invoicesMigration,
        PostgresStore.consoleUsersMigration,
        PostgresStore.headOfficeEvaluationsMigration,
        PostgresStore.seedCommitmentsMigration,
    ]

    /// Applies the migrations not applied yet, each in its own transaction, holding the migration advisory lock on one
    /// connection throughout. Returns the identifiers it applied (empty when the schema was current); with `dryRun`,
    /// those it would apply, changing nothing (not even creating `oversight_migration` in an empty database).
    @discardableResult
    package func migrate(dryRun: Bool = false) async throws -> [String] {
        try await self.client.withConnection { connection in
            try await connection.query("SELECT pg_advisory_lock(\(Self.migrationLockKey))", logger: self.logger)
            do {
                if !dryRun {
                    try await connection.query(
                        """
                        CREATE TABLE IF NOT EXISTS oversight_migration (
                            identifier text PRIMARY KEY,
                            applied_at timestamptz NOT NULL DEFAULT now()
                        )
                        """,
                        logger: self.logger
                    )
                }
                var applied: Set<String> = []
                let exists = try await connection.query("SELECT to_regclass('oversight_migration') IS NOT NULL", logger: self.logger)
                    .collect().first?.decode(Bool.self) ?? false
                if exists {
                    for try await identifier in try await connection.query("SELECT identifier FROM oversight_migration", logger: self.logger)
                        .decode(String.self)
                    {
                        applied.insert(identifier)
                    }
                }
                var done: [String] = []
                for migration in Self.migrations where !applied.contains(migration.identifier) {
                    done.append(migration.identifier)
                    if dryRun { continue }
                    try await connection.query("BEGIN", logger: self.logger)
                    do {
                        for statement in migration.statements {
                            try await connection.query(PostgresQuery(unsafeSQL: statement), logger: self.logger)
                        }
                        try await connection.query(
                            "INSERT INTO oversight_migration (identifier) VALUES (\(migration.identifier))", logger: self.logger
                        )
                        try await connection.query("COMMIT", logger: self.logger)
                    } catch {
                        _ = try? await connection.query("ROLLBACK", logger: self.logger)
                        throw error
                    }
                    self.logger.info("store migrated", metadata: ["oversight.store.migration": "\(migration.identifier)"])
                }
                try await connection.query("SELECT pg_advisory_unlock(\(Self.migrationLockKey))", logger: self.logger)
                return done
            } catch {
                _ = try? await connection.query("SELECT pg_advisory_unlock(\(Self.migrationLockKey))", logger: self.logger)
                throw error
            }
        }
    }

    package func readiness() async throws -> StoreReadiness {
        var applied: Set<String> = []
        let exists = try await self.rows("SELECT to_regclass('oversight_migration') IS NOT NULL")
        if try exists.first?.decode(Bool.self) == true {
            for row in try await self.rows("SELECT identifier FROM oversight_migration") { applied.insert(try row.decode(String.self)) }
        }
        let known = Set(Self.migrations.map(\.identifier))
        return StoreReadiness(
            knownMigrations: known.count, appliedMigrations: applied.intersection(known).count,
            migrationsComplete: known.isSubset(of: applied), supersededByNewerVersion: !applied.isSubset(of: known)
        )
    }
}
