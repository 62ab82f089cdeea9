//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The embedded store: SQLite through GRDB, WAL, one writer.
//
//===----------------------------------------------------------------------===//

import Foundation
import GRDB
import OversightModel

/// The coordinator's SQLite store (WAL). Readers in other processes (the `status` command) see committed data
/// while the coordinator serves.
package final class SQLiteStore: CoordinatorStore {
    /// How hard each commit is made durable.
    package struct Synchronous: Sendable, Hashable {
        let pragma: String
        /// Every commit survives power loss (fsync of the WAL per commit).
        package static let full = Synchronous(pragma: "FULL")
        /// Commits survive a process crash; the last ones may be lost on power loss.
        package static let normal = Synchronous(pragma: "NORMAL")
    }

    package let writer: any DatabaseWriter

    /// Opens (creating if needed) the store at `path` and migrates it.
    package init(path: String, synchronous: Synchronous = .full) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = \(synchronous.pragma)")
        }
        self.writer = try DatabasePool(path: path, configuration: configuration)
        try Self.migrator.migrate(self.writer)
    }

    /// An in-memory store, for tests.
    package init() throws {
        self.writer = try DatabaseQueue()
        try Self.migrator.migrate(self.writer)
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE agent (
                        id TEXT PRIMARY KEY NOT NULL,
                        provider TEXT NOT NULL,
                        site TEXT NOT NULL,
                        hostname TEXT NOT NULL,
                        signing_key TEXT NOT NULL,
                        certificate_serial TEXT NOT NULL,
                        certificate_not_after REAL NOT NULL,
                        enrolled_at REAL NOT NULL,
                        revoked_at REAL,
                        last_seq INTEGER NOT NULL DEFAULT 0,
                        last_hash TEXT NOT NULL,
                        last_batch_at REAL,
                        last_heartbeat_at REAL,
                        version TEXT,
                        outbox_depth INTEGER,
                        outbox_bytes INTEGER,
                        oldest_unsent_age REAL,
                        outbox_full INTEGER NOT NULL DEFAULT 0,
                        last_source_error TEXT,
                        connected INTEGER NOT NULL DEFAULT 0
                    );
                    CREATE TABLE enrollment_token (
                        hash TEXT PRIMARY KEY NOT NULL,
                        provider TEXT NOT NULL,
                        site TEXT NOT NULL,
                        created_at REAL NOT NULL,
                        expires_at REAL NOT NULL,
                        used_at REAL,
                        agent_id TEXT
                    );
                    CREATE TABLE batch (
                        agent_id TEXT NOT NULL,
                        seq INTEGER NOT NULL,
                        hash TEXT NOT NULL,
                        prev TEXT NOT NULL,
                        protected TEXT NOT NULL,
                        payload TEXT NOT NULL,
                        signature TEXT NOT NULL,
                        record_count INTEGER NOT NULL,
                        received_at REAL NOT NULL,
                        PRIMARY KEY (agent_id, seq)
                    ) WITHOUT ROWID;
                    CREATE TABLE ticket (
                        provider TEXT NOT NULL,
                        id TEXT NOT NULL,
                        site TEXT NOT NULL,
                        agent_id TEXT NOT NULL,
                        batch_seq INTEGER NOT NULL,
                        channel TEXT NOT NULL,
                        priority TEXT NOT NULL,
                        status TEXT NOT NULL,
                        created_at REAL NOT NULL,
                        updated_at REAL NOT NULL,
                        first_reply_at REAL,
                        solved_at REAL,
                        closed_at REAL,
                        reopen_count INTEGER NOT NULL,
                        assignee TEXT,
                        queue TEXT,
                        tags TEXT NOT NULL,
                        csat INTEGER,
                        contact_count INTEGER NOT NULL,
                        held_by TEXT,
                        status_changes TEXT NOT NULL,
                        PRIMARY KEY (provider, id)
                    );
                    CREATE INDEX ticket_by_site ON ticket (provider, site, status);
                    CREATE TABLE security_event (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        at REAL NOT NULL,
                        agent_id TEXT,
                        address TEXT,
                        kind TEXT NOT NULL,
                        detail TEXT NOT NULL
                    );
                    """
            )
        }
        migrator.registerMigration("v2-sla") { db in
            try db.execute(
                sql: """
                    CREATE TABLE ticket_sla (
                        provider TEXT NOT NULL,
                        id TEXT NOT NULL,
                        state TEXT NOT NULL,
                        first_reply_due REAL,
                        resolution_due REAL,
                        at_risk_at REAL,
                        breached_at REAL,
                        late_data INTEGER NOT NULL DEFAULT 0,
                        provider_seconds REAL NOT NULL DEFAULT 0,
                        client_seconds REAL NOT NULL DEFAULT 0,
                        customer_seconds REAL NOT NULL DEFAULT 0,
                        evaluated_at REAL NOT NULL,
                        PRIMARY KEY (provider, id)
                    );
                    CREATE TABLE sla_event (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        provider TEXT NOT NULL,
                        site TEXT NOT NULL,
                        ticket_id TEXT NOT NULL,
                        clock TEXT NOT NULL,
                        kind TEXT NOT NULL,
                        at REAL NOT NULL,
                        detected_at REAL NOT NULL,
                        late_data INTEGER NOT NULL,
                        UNIQUE (provider, ticket_id, clock, kind, at)
                    );
                    """
            )
        }
        migrator.registerMigration("v3-interval-metric", migrate: Self.migrateIntervals)
        migrator.registerMigration("v4-aggregate-standing", migrate: Self.migrateAggregates)
        migrator.registerMigration("v5-ticket-messages") { db in
            try db.execute(
                sql: """
                    ALTER TABLE ticket ADD COLUMN agent_replies TEXT;
                    ALTER TABLE ticket ADD COLUMN customer_messages TEXT;
                    """
            )
        }
        migrator.registerMigration("v5-qa-evaluation", migrate: Self.migrateEvaluations)
        migrator.registerMigration("v6-figure-indexes", migrate: Self.migrateFigures)
        migrator.registerMigration("v7-annotations", migrate: Self.migrateAnnotations)
        migrator.registerMigration("v8-period-indexes", migrate: Self.migratePeriodIndexes)
        migrator.registerMigration("v9-agent-sites") { db in
            // Sites beyond its own that head office enrolled an agent for (comma-separated; site names hold no comma).
            try db.execute(sql: "ALTER TABLE enrollment_token ADD COLUMN extra_sites TEXT NOT NULL DEFAULT ''")
            try db.execute(sql: "ALTER TABLE agent ADD COLUMN extra_sites TEXT NOT NULL DEFAULT ''")
        }
        migrator.registerMigration("v10-breach-disputes", migrate: Self.migrateBreachDisputes)
        migrator.registerMigration("v11-leader-lease", migrate: Self.migrateLease)
        migrator.registerMigration("v13-agent-trust", migrate: Self.migrateAgentTrust)
        migrator.registerMigration("v14-sample-requests", migrate: Self.migrateSampleRequests)
        migrator.registerMigration("v15-period-disputes", migrate: Self.migratePeriodDisputes)
        migrator.registerMigration("v16-invoices", migrate: Self.migrateInvoices)
        migrator.registerMigration("v17-head-office-evaluations", migrate: Self.migrateHeadOfficeEvaluations)
        migrator.registerMigration("v19-seed-commitments", migrate: Self.migrateSeedCommitments)
        return migrator
    }

    // MARK: SLA

    package func updateSLA(_ states: [TicketSLAState]) async throws {
        guard !states.isEmpty else { return }
        try await self.writer.write { db in
            let statement = try db.cachedStatement(
                sql: """
                    INSERT INTO ticket_sla (provider, id, state, first_reply_due, resolution_due, at_risk_at, breached_at, late_data,
                        provider_seconds, client_seconds, customer_seconds, evaluated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (provider, id) DO UPDATE SET state = excluded.state, first_reply_due = excluded.first_reply_due,
                        resolution_due = excluded.resolution_due, at_risk_at = excluded.at_risk_at, breached_at = excluded.breached_at,
                        late_data = excluded.late_data, provider_seconds = excluded.provider_seconds,
                        client_seconds = excluded.client_seconds, customer_seconds = excluded.customer_seconds,
                        evaluated_at = excluded.evaluated_at
                    """
            )
            for state in states {
                try statement.execute(arguments: [
                    state.provider, state.ticketId, state.state, state.firstReplyDue?.timeIntervalSince1970,
                    state.resolutionDue?.timeIntervalSince1970, state.atRiskAt?.timeIntervalSince1970, state.breachedAt?.timeIntervalSince1970,
                    state.lateData, state.providerSeconds, state.clientSeconds, state.customerSeconds, state.evaluatedAt.timeIntervalSince1970,
                ])
            }
        }
    }

    package func recordSLAEvent(_ event: SLAEventRow) async throws -> Bool {
        try await self.writer.write { db in
            try db.execute(
                sql: """
                    INSERT OR IGNORE INTO sla_event (provider, site, ticket_id, clock, kind, at, detected_at, late_data)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    event.provider, event.site, event.ticketId, event.clock, event.kind, event.at.timeIntervalSince1970,
                    event.detectedAt.timeIntervalSince1970, event.lateData,
                ]
            )
            return db.changesCount > 0
        }
    }

    package func slaEvents(limit: Int) async throws -> [SLAEventRow] {
        try await self.writer.read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT provider, site, ticket_id, clock, kind, at, detected_at, late_data FROM sla_event ORDER BY id DESC LIMIT ?",
                arguments: [limit]
            ).map {
                SLAEventRow(
                    provider: $0[0], site: $0[1], ticketId: $0[2], clock: $0[3], kind: $0[4], at: Date(timeIntervalSince1970: $0[5]),
                    detectedAt: Date(timeIntervalSince1970: $0[6]), lateData: $0[7]
                )
            }
        }
    }

    package func slaEventPage(provider: String?, site: String?, providers: [String]?, before: Int64?, limit: Int) async throws
        -> [NumberedSLAEvent]
    {
        var conditions: [String] = []
        var arguments = StatementArguments()
        if let provider {
            conditions.append("provider = ?")
            arguments += [provider]
        }
        if let site {
            conditions.append("site = ?")
            arguments += [site]
        }
        if let before {
            conditions.append("id < ?")
            arguments += [before]
        }
        if let providers {
            guard !providers.isEmpty else { return [] }
            conditions.append("provider IN (\(providers.map { _ in "?" }.joined(separator: ",")))")
            arguments += StatementArguments(providers)
        }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let sql = """
            SELECT id, provider, site, ticket_id, clock, kind, at, detected_at, late_data FROM sla_event
            \(whereClause) ORDER BY id DESC LIMIT ?
            """
        arguments += [max(0, limit)]
        let statementArguments = arguments
        return try await self.writer.read { db in
            try Row.fetchAll(db, sql: sql, arguments: statementArguments).map { row in
                NumberedSLAEvent(
                    id: row["id"],
                    event: SLAEventRow(
                        provider: row["provider"], site: row["site"], ticketId: row["ticket_id"], clock: row["clock"], kind: row["kind"],
                        at: Date(timeIntervalSince1970: row["at"]), detectedAt: Date(timeIntervalSince1970: row["detected_at"]),
                        lateData: row["late_data"]
                    )
                )
            }
        }
    }

    package func ticketSLA(provider: String, id: String) async throws -> TicketSLAState? {
        try await self.writer.read { db in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT state, first_reply_due, resolution_due, at_risk_at, breached_at, late_data, provider_seconds,
                            client_seconds, customer_seconds, evaluated_at
                        FROM ticket_sla WHERE provider = ? AND id = ?
                        """,
                    arguments: [provider, id]
                )
            else { return nil }
            func date(_ index: Int) -> Date? { (row[index] as Double?).map(Date.init(timeIntervalSince1970:)) }
            return TicketSLAState(
                provider: provider, ticketId: id, state: row[0], firstReplyDue: date(1), resolutionDue: date(2), atRiskAt: date(3),
                breachedAt: date(4), lateData: row[5], providerSeconds: row[6], clientSeconds: row[7], customerSeconds: row[8],
                evaluatedAt: Date(timeIntervalSince1970: row[9])
            )
        }
    }

    // MARK: Tokens and agents

    package func createToken(
        hash: String, provider: String, site: String, extraSites: [String], createdAt: Date, expiresAt: Date
    ) async throws {
        try await self.writer.write { db in
            try db.execute(
                sql: "INSERT INTO enrollment_token (hash, provider, site, extra_sites, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [
                    hash, provider, site, extraSites.joined(separator: ","), createdAt.timeIntervalSince1970, expiresAt.timeIntervalSince1970,
                ]
            )
        }
    }

    package func token(hash: String) async throws -> TokenRow? {
        try await self.writer.read { db in try Self.token(db, hash: hash) }
    }

    private static func token(_ db: Database, hash: String) throws -> TokenRow? {
        guard
            let row = try Row.fetchOne(
                db, sql: "SELECT provider, site, expires_at, used_at, extra_sites FROM enrollment_token WHERE hash = ?",
                arguments: [hash]
            )
        else { return nil }
        return TokenRow(
            provider: row[0], site: row[1], expiresAt: Date(timeIntervalSince1970: row[2]),
            usedAt: (row[3] as Double?).map(Date.init(timeIntervalSince1970:)), extraSites: Self.sites(row[4])
        )
    }

    package func consumeToken(hash: String, agent: NewAgent, now: Date) async throws(TokenProblem) -> TokenRow {
        let result: Result<TokenRow, TokenProblem>
        do {
            result = try await self.writer.write { db -> Result<TokenRow, TokenProblem> in
                guard let token = try Self.token(db, hash: hash) else { return .failure(.unknown) }
                if token.usedAt != nil { return .failure(.used) }
                if token.expiresAt <= now { return .failure(.expired) }
                try db.execute(
                    sql: "UPDATE enrollment_token SET used_at = ?, agent_id = ? WHERE hash = ?",
                    arguments: [now.timeIntervalSince1970, agent.id, hash]
                )
                try db.execute(
                    sql: """
                        INSERT INTO agent (id, provider, site, extra_sites, hostname, signing_key, certificate_serial,
                            certificate_not_after, enrolled_at, last_hash)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        agent.id, token.provider, token.site, token.extraSites.joined(separator: ","), agent.hostname,
                        agent.signingKey, agent.certificateSerial,
                        agent.certificateNotAfter.timeIntervalSince1970, now.timeIntervalSince1970, genesisBatchHash,
                    ]
                )
                return .success(token)
            }
        } catch {
            throw .unknown
        }
        return try result.get()
    }

    private static let agentColumns = """
        id, provider, site, hostname, signing_key, certificate_serial, certificate_not_after, enrolled_at, revoked_at,
        last_seq, last_hash, last_batch_at, last_heartbeat_at, version, outbox_depth, outbox_bytes, oldest_unsent_age,
        outbox_full, last_source_error, connected, extra_sites
        """

    /// The `extra_sites` column's list.
    package static func sites(_ text: String) -> [String] {
        text.split(separator: ",").map(String.init)
    }

    private static func agent(from row: Row) -> AgentRow {
        func date(_ index: Int) -> Date? { (row[index] as Double?).map(Date.init(timeIntervalSince1970:)) }
        return AgentRow(
            id: row[0], provider: row[1], site: row[2], hostname: row[3], signingKey: row[4], certificateSerial: row[5],
            certificateNotAfter: Date(timeIntervalSince1970: row[6]), enrolledAt: Date(timeIntervalSince1970: row[7]),
            revokedAt: date(8), lastSeq: row[9], lastHash: row[10], lastBatchAt: date(11), lastHeartbeatAt: date(12),
            version: row[13], outboxDepth: row[14], outboxBytes: row[15], oldestUnsentAgeSeconds: row[16],
            outboxFull: row[17], lastSourceError: row[18], connected: row[19], extraSites: Self.sites(row[20])
        )
    }

    package func agent(id: String) async throws -> AgentRow? {
        try await self.writer.read { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.agentColumns) FROM agent WHERE id = ?", arguments: [id]).map(Self.agent(from:))
        }
    }

    package func agents() async throws -> [AgentRow] {
        try await self.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT \(Self.agentColumns) FROM agent ORDER BY provider, site, id").map(Self.agent(from:))
        }
    }

    package func revokedAgentIds() async throws -> Set<String> {
        try await self.writer.read { db in
            Set(try String.fetchAll(db, sql: "SELECT id FROM agent WHERE revoked_at IS NOT NULL"))
        }
    }

    package func revoke(agentId: String, now: Date) async throws -> Bool {
        try await self.writer.write { db in
            try db.execute(
                sql: "UPDATE agent SET revoked_at = COALESCE(revoked_at, ?), connected = 0 WHERE id = ?",
                arguments: [now.timeIntervalSince1970, agentId]
            )
            return db.changesCount > 0
        }
    }

    package func recordHeartbeat(agentId: String, info: HeartbeatInfo, now: Date) async throws {
        try await self.writer.write { db in
            try db.execute(
                sql: """
                    UPDATE agent SET last_heartbeat_at = ?, version = ?, outbox_depth = ?, outbox_bytes = ?,
                        oldest_unsent_age = ?, outbox_full = ?, last_source_error = ?, connected = 1
                    WHERE id = ?
                    """,
                arguments: [
                    now.timeIntervalSince1970, info.version, info.outboxDepth, info.outboxBytes, info.oldestUnsentAgeSeconds,
                    info.outboxFull, info.lastSourceError, agentId,
                ]
            )
        }
    }

    package func setConnected(agentId: String, connected: Bool, now: Date) async throws {
        try await self.writer.write { db in
            if connected {
                try db.execute(
                    sql: "UPDATE agent SET connected = 1, last_heartbeat_at = ? WHERE id = ?",
                    arguments: [now.timeIntervalSince1970, agentId]
                )
            } else {
                try db.execute(sql: "UPDATE agent SET connected = 0 WHERE id = ?", arguments: [agentId])
            }
        }
    }

    package func updateCertificate(agentId: String, serial: String, notAfter: Date) async throws {
        try await self.writer.write { db in
            try db.execute(
                sql: "UPDATE agent SET certificate_serial = ?, certificate_not_after = ? WHERE id = ?",
                arguments: [serial, notAfter.timeIntervalSince1970, agentId]
            )
        }
    }

    // MARK: Batches

    package func commit(_ batch: IncomingBatch) async throws -> CommitOutcome {
        try await self.commitReportingChanges(batch).outcome
    }

    package func commitReportingChanges(_ batch: IncomingBatch) async throws -> CommitResult {
        do {
            return try await self.writer.write { db -> CommitResult in
                var applied: [TicketRecord] = []
                let outcome = try Self.commit(batch, db: db, applied: &applied)
                return CommitResult(outcome: outcome, appliedTickets: applied)
            }
        } catch let conflict as SiteConflict {
            // Thrown inside the transaction, so nothing of the batch was stored.
            return CommitResult(outcome: .wrongSite(kind: conflict.kind, key: conflict.key, storedSite: conflict.storedSite), appliedTickets: [])
        }
    }

    /// A record would replace a stored one of another site: the whole batch is refused (rolled back).
    struct SiteConflict: Error {
        var kind: String
        var key: String
        var storedSite: String
    }

    /// After an upsert changed nothing: throws ``SiteConflict`` when the stored row belongs to another site than the
    /// record (the upsert never moves a row between sites), else the record was simply stale.
    static func checkSameSite(kind: String, table: String, provider: String, id: String, site: String, db: Database) throws {
        let statement = try db.cachedStatement(sql: "SELECT site FROM \(table) WHERE provider = ? AND id = ?")
        if let stored = try String.fetchOne(statement, arguments: [provider, id]), stored != site {
            throw SiteConflict(kind: kind, key: id, storedSite: stored)
        }
    }

    private static func commit(_ batch: IncomingBatch, db: Database, applied appliedTickets: inout [TicketRecord]) throws -> CommitOutcome {
        do {
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT provider, last_seq, last_hash, revoked_at FROM agent WHERE id = ?", arguments: [batch.agentId]
                )
            else { return .unknownAgent }
            if (row[3] as Double?) != nil { return .revoked }
            let provider: String = row[0]
            let lastSeq: Int64 = row[1]
            let lastHash: String = row[2]
            if batch.seq <= lastSeq {
                let stored = try String.fetchOne(
                    db, sql: "SELECT hash FROM batch WHERE agent_id = ? AND seq = ?", arguments: [batch.agentId, batch.seq]
                )
                return stored == batch.hash ? .duplicate : .chainMismatch(expectedPrev: stored ?? "")
            }
            if batch.seq > lastSeq + 1 { return .gap(expected: lastSeq + 1, lastHash: lastHash) }
            guard batch.prev == lastHash else { return .chainMismatch(expectedPrev: lastHash) }

            var applied = 0
            let upsert = try db.cachedStatement(sql: Self.upsertTicketSQL)
            for ticket in batch.tickets {
                let tags = Self.jsonArray(ticket.tags)
                let changes = Self.jsonStatusChanges(ticket.statusChanges)
                try upsert.execute(arguments: [
                    provider, ticket.id, ticket.site, batch.agentId, batch.seq, ticket.channel.rawValue,
                    ticket.priority.rawValue, ticket.status.rawValue, ticket.createdAt.timeIntervalSince1970,
                    ticket.updatedAt.timeIntervalSince1970, ticket.firstReplyAt?.timeIntervalSince1970,
                    ticket.solvedAt?.timeIntervalSince1970, ticket.closedAt?.timeIntervalSince1970, ticket.reopenCount,
                    ticket.assignee, ticket.queue, tags, ticket.csat, ticket.contactCount, ticket.heldBy, changes,
                    ticket.agentReplies.map(Self.jsonTimes), ticket.customerMessages.map(Self.jsonTimes),
                ])
                if db.changesCount > 0 {
                    applied += 1
                    appliedTickets.append(ticket)
                } else {
                    try Self.checkSameSite(kind: "ticket", table: "ticket", provider: provider, id: ticket.id, site: ticket.site, db: db)
                }
            }
            applied += try Self.upsertIntervals(batch, provider: provider, db: db)
            applied += try Self.upsertEvaluations(batch, provider: provider, db: db)
            applied += try Self.upsertInteractions(batch, provider: provider, db: db)
            try db.execute(
                sql: """
                    INSERT INTO batch (agent_id, seq, hash, prev, protected, payload, signature, record_count, received_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    batch.agentId, batch.seq, batch.hash, batch.prev, batch.jws.protected, batch.jws.payload,
                    batch.jws.signature, batch.recordCount, batch.receivedAt.timeIntervalSince1970,
                ]
            )
            try db.execute(
                sql: "UPDATE agent SET last_seq = ?, last_hash = ?, last_batch_at = ? WHERE id = ?",
                arguments: [batch.seq, batch.hash, batch.receivedAt.timeIntervalSince1970, batch.agentId]
            )
            return .committed(applied: applied, stale: batch.recordCount - applied)
        }
    }

    /// The ticket upsert: a row changes only when the incoming `updated_at` is newer and the site is the stored one (a
    /// ticket stays with the site that first stored it; the benchmark measures this statement as the raw storage limit).
    package static let upsertTicketSQL = """
        INSERT INTO ticket (provider, id, site, agent_id, batch_seq, channel, priority, status, created_at,
            updated_at, first_reply_at, solved_at, closed_at, reopen_count, assignee, queue, tags, csat,
            contact_count, held_by, status_changes, agent_replies, customer_messages)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (provider, id) DO UPDATE SET
            site = excluded.site, agent_id = excluded.agent_id, batch_seq = excluded.batch_seq,
            channel = excluded.channel, priority = excluded.priority, status = excluded.status,
            created_at = excluded.created_at, updated_at = excluded.updated_at,
            first_reply_at = excluded.first_reply_at, solved_at = excluded.solved_at,
            closed_at = excluded.closed_at, reopen_count = excluded.reopen_count,
            assignee = excluded.assignee, queue = excluded.queue, tags = excluded.tags, csat = excluded.csat,
            contact_count = excluded.contact_count, held_by = excluded.held_by,
            status_changes = excluded.status_changes, agent_replies = excluded.agent_replies,
            customer_messages = excluded.customer_messages
        WHERE excluded.updated_at > ticket.updated_at AND excluded.site = ticket.site
        """

    /// `["a","b"]` — written by hand: a JSONEncoder per ticket cost more than the SQLite upsert itself.
    package static func jsonArray(_ strings: [String]) -> String {
        var text = "["
        for (index, string) in strings.enumerated() {
            if index > 0 { text += "," }
            Self.appendJSONString(string, to: &text)
        }
        return text + "]"
    }

    /// `["2026-11-25T09:00:00.000Z",…]` in the wire form.
    package static func jsonTimes(_ times: [Date]) -> String {
        "[" + times.map { "\"" + Self.wireTimestamp($0) + "\"" }.joined(separator: ",") + "]"
    }

    /// Reads a ``jsonTimes(_:)`` column; `nil` stays `nil` (the source had no such history).
    package static func times(_ text: String?, decoder: JSONDecoder) -> [Date]? {
        text.flatMap { try? decoder.decode([Date].self, from: Data($0.utf8)) }
    }

    /// `[{"at":"…","status":"…"}]` in the wire form.
    package static func jsonStatusChanges(_ changes: [TicketRecord.StatusChange]) -> String {
        var text = "["
        for (index, change) in changes.enumerated() {
            if index > 0 { text += "," }
            text += #"{"at":""# + Self.wireTimestamp(change.at) + #"","status":""# + change.status.rawValue + #""}"#
        }
        return text + "]"
    }

    /// `WireJSON.format(date)` without a Foundation formatter (which was 5 % of the coordinator's CPU at full ingest):
    /// the same rounding to the millisecond, digits written directly for years 1583–9999, where Foundation's
    /// Gregorian calendar and the proleptic one agree; other dates go to `WireJSON.format` itself.
    static func wireTimestamp(_ date: Date) -> String {
        let milliseconds = (date.timeIntervalSince1970 * 1000).rounded()
        let seconds = (milliseconds / 1000).rounded(.down)
        // 1583-01-01T00:00:00Z ..< 10000-01-01T00:00:00Z
        guard seconds >= -12_212_553_600, seconds < 253_402_300_800 else { return WireJSON.format(date) }
        let fraction = Int(milliseconds - seconds * 1000)
        let whole = Int(seconds)
        let days = whole >= 0 ? whole / 86_400 : (whole - 86_399) / 86_400
        let secondOfDay = whole - days * 86_400
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        return String(unsafeUninitializedCapacity: 24) { buffer in
            func put(_ value: Int, _ at: Int, _ width: Int) {
                var value = value
                for index in stride(from: at + width - 1, through: at, by: -1) {
                    buffer[index] = UInt8(48 + value % 10)
                    value /= 10
                }
            }
            put(year, 0, 4)
            buffer[4] = UInt8(ascii: "-")
            put(month, 5, 2)
            buffer[7] = UInt8(ascii: "-")
            put(day, 8, 2)
            buffer[10] = UInt8(ascii: "T")
            put(secondOfDay / 3600, 11, 2)
            buffer[13] = UInt8(ascii: ":")
            put(secondOfDay / 60 % 60, 14, 2)
            buffer[16] = UInt8(ascii: ":")
            put(secondOfDay % 60, 17, 2)
            buffer[19] = UInt8(ascii: ".")
            put(fraction, 20, 3)
            buffer[23] = UInt8(ascii: "Z")
            return 24
        }
    }

    static func appendJSONString(_ string: String, to text: inout String) {
        text.append("\"")
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": text.append("\\\"")
            case "\\": text.append("\\\\")
            case "\n": text.append("\\n")
            case "\r": text.append("\\r")
            case "\t": text.append("\\t")
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    text.append("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
                } else {
                    text.unicodeScalars.append(scalar)
                }
            }
        }
        text.append("\"")
    }

    package func batch(agentId: String, seq: Int64) async throws -> StoredBatch? {
        try await self.writer.read { db in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT hash, prev, protected, payload, signature, record_count, received_at
                        FROM batch WHERE agent_id = ? AND seq = ?
                        """,
                    arguments: [agentId, seq]
                )
            else { return nil }
            return StoredBatch(
                agentId: agentId, seq: seq, hash: row[0], prev: row[1],
                jws: FlattenedJWS(protected: row[2], payload: row[3], signature: row[4]), recordCount: row[5],
                receivedAt: Date(timeIntervalSince1970: row[6])
            )
        }
    }

    // MARK: Security events

    package func recordSecurityEvent(_ event: SecurityEvent) async throws {
        try await self.writer.write { db in
            try db.execute(
                sql: "INSERT INTO security_event (at, agent_id, address, kind, detail) VALUES (?, ?, ?, ?, ?)",
                arguments: [event.at.timeIntervalSince1970, event.agentId, event.address, event.kind, event.detail]
            )
        }
    }

    package func securityEvents(limit: Int) async throws -> [SecurityEvent] {
        try await self.writer.read { db in
            try Row.fetchAll(
                db, sql: "SELECT at, agent_id, address, kind, detail FROM security_event ORDER BY id DESC LIMIT ?",
                arguments: [limit]
            ).map {
                SecurityEvent(at: Date(timeIntervalSince1970: $0[0]), agentId: $0[1], address: $0[2], kind: $0[3], detail: $0[4])
            }
        }
    }

    package func securityEventCounts(since: Date) async throws -> [String: Int] {
        try await self.writer.read { db in
            var counts: [String: Int] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT kind, COUNT(*) FROM security_event WHERE at >= ? GROUP BY kind", arguments: [since.timeIntervalSince1970]
            ) {
                counts[row[0]] = row[1]
            }
            return counts
        }
    }

    // MARK: Reading

    package func status(now: Date, offlineAfter: Duration) async throws -> StatusReport {
        let agents = try await self.agents()
        struct Key: Hashable {
            var provider: String
            var site: String
        }
        struct Counts: Sendable {
            var provider: String
            var site: String
            var tickets: Int
            var open: Int
            var newest: Double?
        }
        let rows = try await self.writer.read { db -> [Counts] in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT provider, site, COUNT(*), SUM(status NOT IN ('solved', 'closed')), MAX(updated_at)
                    FROM ticket GROUP BY provider, site
                    """
            ).map { Counts(provider: $0[0], site: $0[1], tickets: $0[2], open: $0[3], newest: $0[4]) }
        }
        struct SLACounts: Sendable {
            var provider: String
            var site: String
            var atRisk: Int
            var breached: Int
        }
        let sla = try await self.writer.read { db -> [SLACounts] in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT t.provider, t.site, SUM(s.state = 'at_risk'), SUM(s.state = 'breached')
                    FROM ticket_sla s JOIN ticket t ON t.provider = s.provider AND t.id = s.id
                    WHERE t.status NOT IN ('solved', 'closed') GROUP BY t.provider, t.site
                    """
            ).map { SLACounts(provider: $0[0], site: $0[1], atRisk: $0[2], breached: $0[3]) }
        }
        var sites: [Key: StatusReport.Site] = [:]
        for agent in agents where agent.revokedAt == nil {
            let key = Key(provider: agent.provider, site: agent.site)
            var site = sites[key] ?? StatusReport.Site(site: agent.site, agentsOnline: 0, agentsTotal: 0, tickets: 0, openTickets: 0)
            site.agentsTotal += 1
            if agent.isOnline(now: now, offlineAfter: offlineAfter) { site.agentsOnline += 1 }
            sites[key] = site
        }
        for row in rows {
            let key = Key(provider: row.provider, site: row.site)
            var site = sites[key] ?? StatusReport.Site(site: key.site, agentsOnline: 0, agentsTotal: 0, tickets: 0, openTickets: 0)
            site.tickets = row.tickets
            site.openTickets = row.open
            site.newestRecordAt = row.newest.map(Date.init(timeIntervalSince1970:))
            sites[key] = site
        }
        for row in sla {
            let key = Key(provider: row.provider, site: row.site)
            guard var site = sites[key] else { continue }
            site.atRisk = row.atRisk
            site.breached = row.breached
            sites[key] = site
        }
        var providers: [String: StatusReport.Provider] = [:]
        for (key, site) in sites {
            var provider =
                providers[key.provider]
                ?? StatusReport.Provider(
                    provider: key.provider, agentsOnline: 0, agentsTotal: 0, tickets: 0, openTickets: 0, sites: []
                )
            provider.agentsOnline += site.agentsOnline
            provider.agentsTotal += site.agentsTotal
            provider.tickets += site.tickets
            provider.openTickets += site.openTickets
            provider.atRisk += site.atRisk
            provider.breached += site.breached
            if let newest = site.newestRecordAt, newest > (provider.newestRecordAt ?? .distantPast) {
                provider.newestRecordAt = newest
            }
            provider.sites.append(site)
            providers[key.provider] = provider
        }
        let sorted = providers.values.sorted { $0.provider < $1.provider }.map { provider in
            var provider = provider
            provider.sites.sort { $0.site < $1.site }
            return provider
        }
        return StatusReport(generatedAt: now, providers: sorted)
    }

    package func ticket(provider: String, id: String) async throws -> StoredTicket? {
        try await self.writer.read { db in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT site, agent_id, batch_seq, channel, priority, status, created_at, updated_at, first_reply_at,
                            solved_at, closed_at, reopen_count, assignee, queue, tags, csat, contact_count, held_by, status_changes,
                            agent_replies, customer_messages
                        FROM ticket WHERE provider = ? AND id = ?
                        """,
                    arguments: [provider, id]
                )
            else { return nil }
            func date(_ index: Int) -> Date? { (row[index] as Double?).map(Date.init(timeIntervalSince1970:)) }
            let decoder = WireJSON.decoder()
            let record = TicketRecord(
                provider: provider, site: row[0], id: id, channel: ContactChannel(rawValue: row[3]) ?? .email,
                priority: Priority(rawValue: row[4]) ?? .normal, status: TicketStatus(rawValue: row[5]) ?? .open,
                createdAt: Date(timeIntervalSince1970: row[6]), updatedAt: Date(timeIntervalSince1970: row[7]),
                firstReplyAt: date(8), solvedAt: date(9), closedAt: date(10), reopenCount: row[11], assignee: row[12],
                queue: row[13], tags: (try? decoder.decode([String].self, from: Data((row[14] as String).utf8))) ?? [],
                csat: row[15], contactCount: row[16], heldBy: row[17],
                statusChanges: (try? decoder.decode([TicketRecord.StatusChange].self, from: Data((row[18] as String).utf8))) ?? [],
                agentReplies: Self.times(row[19], decoder: decoder), customerMessages: Self.times(row[20], decoder: decoder)
            )
            return StoredTicket(record: record, agentId: row[1], batchSeq: row[2])
        }
    }

    package func openTickets() async throws -> [TicketRecord] {
        try await self.writer.read { db in
            let decoder = WireJSON.decoder()
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT provider, id, site, channel, priority, status, created_at, updated_at, first_reply_at, solved_at,
                        closed_at, reopen_count, assignee, queue, tags, csat, contact_count, held_by, status_changes,
                        agent_replies, customer_messages
                    FROM ticket WHERE status NOT IN ('solved', 'closed')
                    """
            )
            var tickets: [TicketRecord] = []
            while let row = try rows.next() {
                func date(_ index: Int) -> Date? { (row[index] as Double?).map(Date.init(timeIntervalSince1970:)) }
                tickets.append(
                    TicketRecord(
                        provider: row[0], site: row[2], id: row[1], channel: ContactChannel(rawValue: row[3]) ?? .email,
                        priority: Priority(rawValue: row[4]) ?? .normal, status: TicketStatus(rawValue: row[5]) ?? .open,
                        createdAt: Date(timeIntervalSince1970: row[6]), updatedAt: Date(timeIntervalSince1970: row[7]),
                        firstReplyAt: date(8), solvedAt: date(9), closedAt: date(10), reopenCount: row[11], assignee: row[12],
                        queue: row[13], tags: (try? decoder.decode([String].self, from: Data((row[14] as String).utf8))) ?? [],
                        csat: row[15], contactCount: row[16], heldBy: row[17],
                        statusChanges: (try? decoder.decode([TicketRecord.StatusChange].self, from: Data((row[18] as String).utf8))) ?? [],
                        agentReplies: Self.times(row[19], decoder: decoder), customerMessages: Self.times(row[20], decoder: decoder)
                    )
                )
            }
            return tickets
        }
    }

    package func ticketCount() async throws -> Int {
        try await self.writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM ticket") ?? 0 }
    }
}
