//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Breach disputes on PostgreSQL: the same rules as SQLiteStore+BreachDisputes.swift, append-only by triggers (rows and
// TRUNCATE), one open per ticket and clock by a unique index.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightStore
import PostgresNIO

extension PostgresStore {
    /// The `v4-breach-disputes` migration: `breach_dispute` as in SQLite's `v10-breach-disputes`, with the triggers of
    /// `v2-annotations` (its `oversight_refuse_change` function).
    static let breachDisputesMigration = Migration(
        identifier: "v4-breach-disputes",
        statements: [
            """
            CREATE TABLE breach_dispute (
                id bigserial PRIMARY KEY,
                provider text NOT NULL,
                ticket_id text NOT NULL,
                clock text NOT NULL,
                breach_at double precision NOT NULL,
                opened_by text NOT NULL,
                opened_at double precision NOT NULL,
                reason text NOT NULL CHECK (reason <> ''),
                note text NOT NULL CHECK (note <> ''),
                state text NOT NULL CHECK (state IN ('open', 'accepted', 'rejected')),
                decided_by text,
                decided_at double precision,
                decision_note text CHECK (decision_note IS NULL OR decision_note <> ''),
                CHECK ((state = 'open') = (decided_by IS NULL AND decided_at IS NULL))
            )
            """,
            "CREATE INDEX breach_dispute_by_ticket ON breach_dispute (provider, ticket_id, id)",
            "CREATE INDEX breach_dispute_by_breach ON breach_dispute (provider, breach_at)",
            "CREATE UNIQUE INDEX breach_dispute_one_open ON breach_dispute (provider, ticket_id, clock) WHERE state = 'open'",
            """
            CREATE TRIGGER breach_dispute_decided_once BEFORE UPDATE ON breach_dispute FOR EACH ROW WHEN (OLD.state <> 'open')
                EXECUTE FUNCTION oversight_refuse_change('a decided breach dispute does not change')
            """,
            """
            CREATE TRIGGER breach_dispute_kept BEFORE DELETE ON breach_dispute FOR EACH ROW
                EXECUTE FUNCTION oversight_refuse_change('breach disputes are evidence and are not deleted')
            """,
            """
            CREATE TRIGGER breach_dispute_kept_truncate BEFORE TRUNCATE ON breach_dispute FOR EACH STATEMENT
                EXECUTE FUNCTION oversight_refuse_change('breach disputes are evidence and are not deleted')
            """,
        ]
    )

    /// The `v9-period-disputes` migration: disputes of an aggregate miss in the same table, as SQLite's `v15-period-disputes`.
    static let periodDisputesMigration = Migration(
        identifier: "v9-period-disputes",
        statements: [
            "ALTER TABLE breach_dispute ADD COLUMN target_id text CHECK (target_id IS NULL OR target_id <> '')",
            "ALTER TABLE breach_dispute ADD COLUMN period_label text",
            "ALTER TABLE breach_dispute ADD COLUMN period_end double precision",
            "ALTER TABLE breach_dispute ADD COLUMN excluded_from double precision",
            "ALTER TABLE breach_dispute ADD COLUMN excluded_to double precision",
            "DROP INDEX breach_dispute_one_open",
            "CREATE UNIQUE INDEX breach_dispute_one_open ON breach_dispute (provider, ticket_id, clock) WHERE state = 'open' AND target_id IS NULL",
            """
            CREATE UNIQUE INDEX period_dispute_one_open ON breach_dispute (provider, target_id, breach_at)
                WHERE state = 'open' AND target_id IS NOT NULL
            """,
        ]
    )

    private static let breachDisputeColumns =
        "id, provider, ticket_id, clock, breach_at, opened_by, opened_at, reason, note, state, decided_by, decided_at, decision_note, "
        + "target_id, period_label, period_end, excluded_from, excluded_to"

    private static func breachDispute(_ row: PostgresRow) throws -> StoredBreachDispute {
        let columns = row.makeRandomAccess()
        let (id, provider, ticketId, clock, breachAt, openedBy, openedAt, reason, note, state, decidedBy, decidedAt, decisionNote) = (
            try columns[0].decode(Int64.self), try columns[1].decode(String.self), try columns[2].decode(String.self),
            try columns[3].decode(String.self), try columns[4].decode(Double.self), try columns[5].decode(String.self),
            try columns[6].decode(Double.self), try columns[7].decode(String.self), try columns[8].decode(String.self),
            try columns[9].decode(String.self), try columns[10].decode(String?.self), try columns[11].decode(Double?.self),
            try columns[12].decode(String?.self)
        )
        var period: DisputedPeriod?
        if let targetId = try columns[13].decode(String?.self), let label = try columns[14].decode(String?.self),
            let end = try columns[15].decode(Double?.self), let from = try columns[16].decode(Double?.self),
            let to = try columns[17].decode(Double?.self)
        {
            period = DisputedPeriod(
                targetId: targetId, label: label, start: Date(timeIntervalSince1970: breachAt), end: Date(timeIntervalSince1970: end),
                excludedFrom: Date(timeIntervalSince1970: from), excludedTo: Date(timeIntervalSince1970: to)
            )
        }
        return StoredBreachDispute(
            id: id, provider: provider, ticketId: ticketId, clock: clock, breachAt: Date(timeIntervalSince1970: breachAt), openedBy: openedBy,
            openedAt: Date(timeIntervalSince1970: openedAt), reason: reason, note: note, state: BreachDisputeState(rawValue: state) ?? .open,
            decidedBy: decidedBy, decidedAt: Self.date(decidedAt), decisionNote: decisionNote, period: period
        )
    }

    package func breachDisputes(provider: String, ticketId: String?, breachFrom: Date?, breachTo: Date?) async throws -> [StoredBreachDispute] {
        var q = QueryBuilder()
        q.sql = "SELECT \(Self.breachDisputeColumns) FROM breach_dispute WHERE provider = \(try q.bind(provider))"
        if let ticketId { q.sql += " AND ticket_id = \(try q.bind(ticketId))" }
        if let breachFrom { q.sql += " AND breach_at >= \(try q.bind(breachFrom.timeIntervalSince1970))" }
        if let breachTo { q.sql += " AND breach_at < \(try q.bind(breachTo.timeIntervalSince1970))" }
        q.sql += " ORDER BY id"
        return try await self.rows(q.query).map(Self.breachDispute)
    }

    package func breachDispute(provider: String, id: Int64) async throws -> StoredBreachDispute? {
        try await self.rows(
            "SELECT \(unescaped: Self.breachDisputeColumns) FROM breach_dispute WHERE provider = \(provider) AND id = \(id)"
        ).first.map(Self.breachDispute)
    }

    package func openBreachDispute(
        provider: String, ticketId: String, clock: String, by user: String, reason: String, note: String, at: Date
    ) async throws -> StoredBreachDispute {
        let reason = try AnnotationText.validated(reason, "reason")
        let note = try AnnotationText.validated(note, "note")
        do {
            return try await self.transaction { connection in
                guard
                    try await !connection.query("SELECT 1 FROM ticket WHERE provider = \(provider) AND id = \(ticketId)", logger: self.logger)
                        .collect().isEmpty
                else { throw AnnotationError.notFound("no such ticket") }
                var breaches: [(String, Double)] = []
                for try await breach in try await connection.query(
                    """
                    SELECT clock, MIN(at) FROM sla_event WHERE provider = \(provider) AND ticket_id = \(ticketId) AND kind = 'breach'
                    GROUP BY clock ORDER BY clock COLLATE "C"
                    """,
                    logger: self.logger
                ).decode((String, Double).self) {
                    breaches.append(breach)
                }
                guard !breaches.isEmpty else { throw AnnotationError.conflict("this ticket has no breach to dispute") }
                guard let breach = breaches.first(where: { $0.0 == clock }) else {
                    throw AnnotationError.conflict("this ticket has no \(clock) breach (breached: \(breaches.map(\.0).joined(separator: ", ")))")
                }
                var states: [String] = []
                for try await state in try await connection.query(
                    "SELECT state FROM breach_dispute WHERE provider = \(provider) AND ticket_id = \(ticketId) AND clock = \(clock) AND target_id IS NULL",
                    logger: self.logger
                ).decode(String.self) {
                    states.append(state)
                }
                if states.contains("open") { throw AnnotationError.conflict("this breach already has an open dispute") }
                if states.contains("accepted") { throw AnnotationError.conflict("a dispute of this breach was already accepted") }
                guard
                    let row = try await connection.query(
                        """
                        INSERT INTO breach_dispute (provider, ticket_id, clock, breach_at, opened_by, opened_at, reason, note, state)
                        VALUES (\(provider), \(ticketId), \(clock), \(breach.1), \(user), \(at.timeIntervalSince1970), \(reason), \(note), 'open')
                        RETURNING \(unescaped: Self.breachDisputeColumns)
                        """,
                        logger: self.logger
                    ).collect().first
                else { throw PostgresStoreError.unexpectedRow("breach_dispute") }
                return try Self.breachDispute(row)
            }
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
            throw AnnotationError.conflict("this breach already has an open dispute")
        }
    }

    package func openPeriodDispute(
        provider: String, period: DisputedPeriod, by user: String, reason: String, note: String, at: Date
    ) async throws -> StoredBreachDispute {
        let reason = try AnnotationText.validated(reason, "reason")
        let note = try AnnotationText.validated(note, "note")
        guard !period.targetId.isEmpty, period.start < period.end, period.excludedFrom < period.excludedTo,
            period.start <= period.excludedFrom, period.excludedTo <= period.end
        else { throw AnnotationError.invalid("the excluded window must lie inside the period and not be empty") }
        let start = period.start.timeIntervalSince1970
        do {
            return try await self.transaction { connection in
                // Serialise the check and the insert with other openings of this target's period.
                try await connection.query(
                    "SELECT pg_advisory_xact_lock(hashtextextended(\(provider + "|" + period.targetId + "|" + String(start)), 0))", logger: self.logger
                ).collect()
                var states: [String] = []
                for try await state in try await connection.query(
                    "SELECT state FROM breach_dispute WHERE provider = \(provider) AND target_id = \(period.targetId) AND breach_at = \(start)",
                    logger: self.logger
                ).decode(String.self) {
                    states.append(state)
                }
                if states.contains("open") { throw AnnotationError.conflict("this period already has an open dispute") }
                if states.contains("accepted") { throw AnnotationError.conflict("a dispute of this period was already accepted") }
                guard
                    let row = try await connection.query(
                        """
                        INSERT INTO breach_dispute (provider, ticket_id, clock, breach_at, opened_by, opened_at, reason, note, state,
                            target_id, period_label, period_end, excluded_from, excluded_to)
                        VALUES (\(provider), '', '', \(start), \(user), \(at.timeIntervalSince1970), \(reason), \(note), 'open',
                            \(period.targetId), \(period.label), \(period.end.timeIntervalSince1970), \(period.excludedFrom.timeIntervalSince1970),
                            \(period.excludedTo.timeIntervalSince1970))
                        RETURNING \(unescaped: Self.breachDisputeColumns)
                        """,
                        logger: self.logger
                    ).collect().first
                else { throw PostgresStoreError.unexpectedRow("breach_dispute") }
                return try Self.breachDispute(row)
            }
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
            throw AnnotationError.conflict("this period already has an open dispute")
        }
    }

    package func decideBreachDispute(
        provider: String, id: Int64, decision: BreachDisputeState, by user: String, note: String, at: Date
    ) async throws -> StoredBreachDispute {
        guard decision != .open else { throw AnnotationError.invalid("decision must be accepted or rejected") }
        let note = try AnnotationText.validated(note, "note")
        return try await self.transaction { connection in
            guard
                let current = try await connection.query(
                    "SELECT state FROM breach_dispute WHERE provider = \(provider) AND id = \(id) FOR UPDATE", logger: self.logger
                ).collect().first
            else { throw AnnotationError.notFound("no such breach dispute") }
            let state = try current.decode(String.self)
            guard state == "open" else { throw AnnotationError.conflict("this breach dispute was already \(state)") }
            guard
                let row = try await connection.query(
                    """
                    UPDATE breach_dispute SET state = \(decision.rawValue), decided_by = \(user), decided_at = \(at.timeIntervalSince1970),
                        decision_note = \(note)
                    WHERE id = \(id) AND state = 'open' RETURNING \(unescaped: Self.breachDisputeColumns)
                    """,
                    logger: self.logger
                ).collect().first
            else { throw AnnotationError.conflict("this breach dispute was already decided") }
            return try Self.breachDispute(row)
        }
    }
}
