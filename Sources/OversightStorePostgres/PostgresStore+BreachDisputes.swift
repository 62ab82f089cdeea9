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

    private static let breachDisputeColumns =
        "id, provider, ticket_id, clock, breach_at, opened_by, opened_at, reason, note, state, decided_by, decided_at, decision_note"

    private static func breachDispute(_ row: PostgresRow) throws -> StoredBreachDispute {
        let (id, provider, ticketId, clock, breachAt, openedBy, openedAt, reason, note, state, decidedBy, decidedAt, decisionNote) =
            try row.decode((Int64, String, String, String, Double, String, Double, String, String, String, String?, Double?, String?).self)
        return StoredBreachDispute(
            id: id, provider: provider, ticketId: ticketId, clock: clock, breachAt: Date(timeIntervalSince1970: breachAt), openedBy: openedBy,
            openedAt: Date(timeIntervalSince1970: openedAt), reason: reason, note: note, state: BreachDisputeState(rawValue: state) ?? .open,
            decidedBy: decidedBy, decidedAt: Self.date(decidedAt), decisionNote: decisionNote
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
                    "SELECT state FROM breach_dispute WHERE provider = \(provider) AND ticket_id = \(ticketId) AND clock = \(clock)",
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
