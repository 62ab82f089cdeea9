//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Breach disputes on SQLite: one open per ticket and clock, a decided one frozen, none deleted (triggers).
//
//===----------------------------------------------------------------------===//

import Foundation
import GRDB

extension SQLiteStore {
    /// The `v10-breach-disputes` migration: `breach_dispute`, append-only like `dispute` (v7-annotations).
    static func migrateBreachDisputes(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE breach_dispute (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    provider TEXT NOT NULL,
                    ticket_id TEXT NOT NULL,
                    clock TEXT NOT NULL,
                    breach_at REAL NOT NULL,
                    opened_by TEXT NOT NULL,
                    opened_at REAL NOT NULL,
                    reason TEXT NOT NULL CHECK (reason <> ''),
                    note TEXT NOT NULL CHECK (note <> ''),
                    state TEXT NOT NULL CHECK (state IN ('open', 'accepted', 'rejected')),
                    decided_by TEXT,
                    decided_at REAL,
                    decision_note TEXT CHECK (decision_note IS NULL OR decision_note <> ''),
                    CHECK ((state = 'open') = (decided_by IS NULL AND decided_at IS NULL))
                );
                CREATE INDEX breach_dispute_by_ticket ON breach_dispute (provider, ticket_id, id);
                CREATE INDEX breach_dispute_by_breach ON breach_dispute (provider, breach_at);
                CREATE UNIQUE INDEX breach_dispute_one_open ON breach_dispute (provider, ticket_id, clock) WHERE state = 'open';
                CREATE TRIGGER breach_dispute_decided_once BEFORE UPDATE ON breach_dispute WHEN OLD.state <> 'open'
                    BEGIN SELECT RAISE(ABORT, 'a decided breach dispute does not change'); END;
                CREATE TRIGGER breach_dispute_kept BEFORE DELETE ON breach_dispute
                    BEGIN SELECT RAISE(ABORT, 'breach disputes are evidence and are not deleted'); END;
                """
        )
    }

    /// The `v15-period-disputes` migration: disputes of an aggregate miss in the same table (a target, a period and an
    /// excluded window instead of a ticket and clock), one open per target and period.
    static func migratePeriodDisputes(_ db: Database) throws {
        try db.execute(
            sql: """
                ALTER TABLE breach_dispute ADD COLUMN target_id TEXT CHECK (target_id IS NULL OR target_id <> '');
                ALTER TABLE breach_dispute ADD COLUMN period_label TEXT;
                ALTER TABLE breach_dispute ADD COLUMN period_end REAL;
                ALTER TABLE breach_dispute ADD COLUMN excluded_from REAL;
                ALTER TABLE breach_dispute ADD COLUMN excluded_to REAL;
                DROP INDEX breach_dispute_one_open;
                CREATE UNIQUE INDEX breach_dispute_one_open ON breach_dispute (provider, ticket_id, clock)
                    WHERE state = 'open' AND target_id IS NULL;
                CREATE UNIQUE INDEX period_dispute_one_open ON breach_dispute (provider, target_id, breach_at)
                    WHERE state = 'open' AND target_id IS NOT NULL;
                """
        )
    }

    static func breachDispute(_ row: Row) -> StoredBreachDispute {
        let decidedAt: Double? = row["decided_at"]
        var period: DisputedPeriod?
        if let targetId: String = row["target_id"], let label: String = row["period_label"], let end: Double = row["period_end"],
            let from: Double = row["excluded_from"], let to: Double = row["excluded_to"]
        {
            period = DisputedPeriod(
                targetId: targetId, label: label, start: Date(timeIntervalSince1970: row["breach_at"]), end: Date(timeIntervalSince1970: end),
                excludedFrom: Date(timeIntervalSince1970: from), excludedTo: Date(timeIntervalSince1970: to)
            )
        }
        return StoredBreachDispute(
            id: row["id"], provider: row["provider"], ticketId: row["ticket_id"], clock: row["clock"],
            breachAt: Date(timeIntervalSince1970: row["breach_at"]), openedBy: row["opened_by"],
            openedAt: Date(timeIntervalSince1970: row["opened_at"]), reason: row["reason"], note: row["note"],
            state: BreachDisputeState(rawValue: row["state"]) ?? .open, decidedBy: row["decided_by"],
            decidedAt: decidedAt.map(Date.init(timeIntervalSince1970:)), decisionNote: row["decision_note"], period: period
        )
    }

    package func breachDisputes(provider: String, ticketId: String?, breachFrom: Date?, breachTo: Date?) async throws -> [StoredBreachDispute] {
        var sql = "SELECT * FROM breach_dispute WHERE provider = ?"
        var arguments: StatementArguments = [provider]
        if let ticketId {
            sql += " AND ticket_id = ?"
            arguments += [ticketId]
        }
        if let breachFrom {
            sql += " AND breach_at >= ?"
            arguments += [breachFrom.timeIntervalSince1970]
        }
        if let breachTo {
            sql += " AND breach_at < ?"
            arguments += [breachTo.timeIntervalSince1970]
        }
        sql += " ORDER BY id"
        let statementSQL = sql
        let statementArguments = arguments
        return try await self.writer.read { db in
            try Row.fetchAll(db, sql: statementSQL, arguments: statementArguments).map(Self.breachDispute)
        }
    }

    package func breachDispute(provider: String, id: Int64) async throws -> StoredBreachDispute? {
        try await self.writer.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM breach_dispute WHERE provider = ? AND id = ?", arguments: [provider, id]).map(Self.breachDispute)
        }
    }

    package func openBreachDispute(
        provider: String, ticketId: String, clock: String, by user: String, reason: String, note: String, at: Date
    ) async throws -> StoredBreachDispute {
        let reason = try AnnotationText.validated(reason, "reason")
        let note = try AnnotationText.validated(note, "note")
        return try await self.writer.write { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM ticket WHERE provider = ? AND id = ?", arguments: [provider, ticketId]) != nil
            else { throw AnnotationError.notFound("no such ticket") }
            let breaches = try Row.fetchAll(
                db, sql: "SELECT clock, MIN(at) FROM sla_event WHERE provider = ? AND ticket_id = ? AND kind = 'breach' GROUP BY clock ORDER BY clock",
                arguments: [provider, ticketId]
            )
            guard !breaches.isEmpty else { throw AnnotationError.conflict("this ticket has no breach to dispute") }
            guard let breach = breaches.first(where: { ($0[0] as String) == clock }) else {
                let clocks = breaches.map { $0[0] as String }.joined(separator: ", ")
                throw AnnotationError.conflict("this ticket has no \(clock) breach (breached: \(clocks))")
            }
            let states = try String.fetchAll(
                db, sql: "SELECT state FROM breach_dispute WHERE provider = ? AND ticket_id = ? AND clock = ? AND target_id IS NULL",
                arguments: [provider, ticketId, clock]
            )
            if states.contains("open") { throw AnnotationError.conflict("this breach already has an open dispute") }
            if states.contains("accepted") { throw AnnotationError.conflict("a dispute of this breach was already accepted") }
            let breachAt: Double = breach[1]
            try db.execute(
                sql: """
                    INSERT INTO breach_dispute (provider, ticket_id, clock, breach_at, opened_by, opened_at, reason, note, state)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'open')
                    """,
                arguments: [provider, ticketId, clock, breachAt, user, at.timeIntervalSince1970, reason, note]
            )
            return StoredBreachDispute(
                id: db.lastInsertedRowID, provider: provider, ticketId: ticketId, clock: clock, breachAt: Date(timeIntervalSince1970: breachAt),
                openedBy: user, openedAt: at, reason: reason, note: note, state: .open, decidedBy: nil, decidedAt: nil, decisionNote: nil
            )
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
        return try await self.writer.write { db in
            let states = try String.fetchAll(
                db, sql: "SELECT state FROM breach_dispute WHERE provider = ? AND target_id = ? AND breach_at = ?",
                arguments: [provider, period.targetId, period.start.timeIntervalSince1970]
            )
            if states.contains("open") { throw AnnotationError.conflict("this period already has an open dispute") }
            if states.contains("accepted") { throw AnnotationError.conflict("a dispute of this period was already accepted") }
            try db.execute(
                sql: """
                    INSERT INTO breach_dispute (provider, ticket_id, clock, breach_at, opened_by, opened_at, reason, note, state,
                        target_id, period_label, period_end, excluded_from, excluded_to)
                    VALUES (?, '', '', ?, ?, ?, ?, ?, 'open', ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    provider, period.start.timeIntervalSince1970, user, at.timeIntervalSince1970, reason, note, period.targetId, period.label,
                    period.end.timeIntervalSince1970, period.excludedFrom.timeIntervalSince1970, period.excludedTo.timeIntervalSince1970,
                ]
            )
            return StoredBreachDispute(
                id: db.lastInsertedRowID, provider: provider, ticketId: "", clock: "", breachAt: period.start, openedBy: user, openedAt: at,
                reason: reason, note: note, state: .open, decidedBy: nil, decidedAt: nil, decisionNote: nil, period: period
            )
        }
    }

    package func decideBreachDispute(
        provider: String, id: Int64, decision: BreachDisputeState, by user: String, note: String, at: Date
    ) async throws -> StoredBreachDispute {
        guard decision != .open else { throw AnnotationError.invalid("decision must be accepted or rejected") }
        let note = try AnnotationText.validated(note, "note")
        return try await self.writer.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM breach_dispute WHERE provider = ? AND id = ?", arguments: [provider, id])
            else { throw AnnotationError.notFound("no such breach dispute") }
            var dispute = Self.breachDispute(row)
            guard dispute.state == .open else { throw AnnotationError.conflict("this breach dispute was already \(dispute.state.rawValue)") }
            try db.execute(
                sql: "UPDATE breach_dispute SET state = ?, decided_by = ?, decided_at = ?, decision_note = ? WHERE id = ? AND state = 'open'",
                arguments: [decision.rawValue, user, at.timeIntervalSince1970, note, id]
            )
            dispute.state = decision
            dispute.decidedBy = user
            dispute.decidedAt = at
            dispute.decisionNote = note
            return dispute
        }
    }
}
