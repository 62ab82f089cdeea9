//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// What people add to the evidence: a provider's disputes of QA audit findings (with the auditor's decision) and notes
// on SLA breaches. Both are scoped by provider; breach notes are append-only, a decided dispute never changes again.
//
//===----------------------------------------------------------------------===//

import Foundation
import GRDB
import OversightModel

/// Why an annotation was refused; the console turns each case into its status code.
package enum AnnotationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The evaluation, ticket or breach does not exist for that provider.
    case notFound(String)
    /// The request conflicts with the current state (an open dispute already, none to decide, no breach to annotate).
    case conflict(String)
    /// A text is blank or too long.
    case invalid(String)

    package var description: String {
        switch self {
        case .notFound(let message), .conflict(let message), .invalid(let message): message
        }
    }
}

/// The state of a dispute: opened by the provider, then upheld or rejected once by an auditor.
package enum DisputeState: String, Sendable, Hashable, Codable, CaseIterable {
    /// Waiting for an auditor's decision; at most one per evaluation.
    case open
    /// The auditor agreed with the provider.
    case upheld
    /// The auditor kept the finding.
    case rejected
}

/// A provider's dispute of a QA evaluation's findings, with its decision once made.
package struct StoredDispute: Sendable, Hashable, Codable {
    package var id: Int64
    package var provider: String
    package var evaluationId: String
    /// The console user who opened it.
    package var openedBy: String
    package var openedAt: Date
    package var reason: String
    package var state: DisputeState
    package var decidedBy: String?
    package var decidedAt: Date?
    package var decisionNote: String?
    /// What is disputed: a provider's evaluation (`evaluation`) or a head-office evaluation (`head_office_evaluation`).
    package var subject: DisputeSubject

    /// Creates a dispute (for other store backends).
    package init(
        id: Int64, provider: String, evaluationId: String, openedBy: String, openedAt: Date, reason: String, state: DisputeState,
        decidedBy: String?, decidedAt: Date?, decisionNote: String?, subject: DisputeSubject = .evaluation
    ) {
        self.subject = subject
        self.id = id
        self.provider = provider
        self.evaluationId = evaluationId
        self.openedBy = openedBy
        self.openedAt = openedAt
        self.reason = reason
        self.state = state
        self.decidedBy = decidedBy
        self.decidedAt = decidedAt
        self.decisionNote = decisionNote
    }
}

/// A note on a ticket's SLA breach ("customer was unreachable — call log ref 123"). Evidence: never edited or deleted.
package struct StoredBreachNote: Sendable, Hashable, Codable {
    package var id: Int64
    package var provider: String
    package var ticketId: String
    /// The breached clock the note is about (`first_reply`, `resolution`, …).
    package var clock: String
    /// The console user who wrote it, and their role then.
    package var author: String
    package var role: String
    package var at: Date
    package var text: String

    /// Creates a note (for other store backends).
    package init(id: Int64, provider: String, ticketId: String, clock: String, author: String, role: String, at: Date, text: String) {
        self.id = id
        self.provider = provider
        self.ticketId = ticketId
        self.clock = clock
        self.author = author
        self.role = role
        self.at = at
        self.text = text
    }
}

/// A QA evaluation with the state of its latest dispute, for the audits list.
package struct AuditRow: Sendable, Hashable {
    package var evaluation: StoredEvaluation
    /// The latest dispute's state; `nil` when it was never disputed.
    package var dispute: DisputeState?

    /// Creates a row (for other store backends).
    package init(evaluation: StoredEvaluation, dispute: DisputeState?) {
        self.evaluation = evaluation
        self.dispute = dispute
    }
}

/// Which evaluations of one provider a listing reads: all of them, or those completed in `from ..< to`.
package struct AuditWindow: Sendable, Hashable {
    package var provider: String
    package var from: Date?
    package var to: Date?

    /// A window over `provider`'s evaluations, optionally limited to `from ..< to`.
    package init(provider: String, from: Date? = nil, to: Date? = nil) {
        self.provider = provider
        self.from = from
        self.to = to
    }
}

extension SQLiteStore {
    /// The `v7-annotations` migration: disputes (one open per evaluation, a decided one frozen) and append-only breach notes.
    static func migrateAnnotations(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE dispute (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    provider TEXT NOT NULL,
                    evaluation_id TEXT NOT NULL,
                    opened_by TEXT NOT NULL,
                    opened_at REAL NOT NULL,
                    reason TEXT NOT NULL CHECK (reason <> ''),
                    state TEXT NOT NULL CHECK (state IN ('open', 'upheld', 'rejected')),
                    decided_by TEXT,
                    decided_at REAL,
                    decision_note TEXT CHECK (decision_note IS NULL OR decision_note <> ''),
                    CHECK ((state = 'open') = (decided_by IS NULL AND decided_at IS NULL))
                );
                CREATE INDEX dispute_by_evaluation ON dispute (provider, evaluation_id, id);
                CREATE UNIQUE INDEX dispute_one_open ON dispute (provider, evaluation_id) WHERE state = 'open';
                CREATE TRIGGER dispute_decided_once BEFORE UPDATE ON dispute WHEN OLD.state <> 'open'
                    BEGIN SELECT RAISE(ABORT, 'a decided dispute does not change'); END;
                CREATE TRIGGER dispute_kept BEFORE DELETE ON dispute
                    BEGIN SELECT RAISE(ABORT, 'disputes are evidence and are not deleted'); END;
                CREATE TABLE breach_note (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    provider TEXT NOT NULL,
                    ticket_id TEXT NOT NULL,
                    clock TEXT NOT NULL,
                    author TEXT NOT NULL,
                    role TEXT NOT NULL,
                    at REAL NOT NULL,
                    text TEXT NOT NULL CHECK (text <> '')
                );
                CREATE INDEX breach_note_by_ticket ON breach_note (provider, ticket_id, id);
                CREATE TRIGGER breach_note_append_only_update BEFORE UPDATE ON breach_note
                    BEGIN SELECT RAISE(ABORT, 'breach notes are append-only'); END;
                CREATE TRIGGER breach_note_append_only_delete BEFORE DELETE ON breach_note
                    BEGIN SELECT RAISE(ABORT, 'breach notes are append-only'); END;
                """
        )
    }

    static let evaluationColumns = """
        e.id, e.site, e.agent_id, e.batch_seq, e.interaction_ref, e.channel, e.queue, e.agent, e.evaluator, e.scorecard, e.scorecard_version,
        e.evaluated_at, e.items, e.high_impact_errors, e.low_impact_errors, e.score, e.comments, e.updated_at, e.provider,
        (SELECT d.state FROM dispute d WHERE d.provider = e.provider AND d.evaluation_id = e.id AND d.subject = 'evaluation' ORDER BY d.id DESC LIMIT 1)
        """

    static func auditRow(_ row: Row, decoder: JSONDecoder) -> AuditRow {
        let items = (try? decoder.decode([EvaluationItem].self, from: Data((row[12] as String).utf8))) ?? []
        let channel: String? = row[5]
        let record = EvaluationRecord(
            provider: row[18], site: row[1], id: row[0], interactionRef: row[4], channel: channel.flatMap(ContactChannel.init(rawValue:)),
            queue: row[6], agent: row[7], evaluator: row[8], scorecard: row[9], scorecardVersion: row[10],
            evaluatedAt: Date(timeIntervalSince1970: row[11]), items: items, highImpactErrors: row[13], lowImpactErrors: row[14],
            score: row[15], comments: row[16], updatedAt: Date(timeIntervalSince1970: row[17])
        )
        let state: String? = row[19]
        return AuditRow(
            evaluation: StoredEvaluation(record: record, agentId: row[2], batchSeq: row[3]), dispute: state.flatMap(DisputeState.init(rawValue:))
        )
    }

    /// Evaluations in `windows` (nothing when empty), optionally of one site, newest first (by completion, then provider and
    /// id), skipping `offset` and returning at most `limit`, each with its latest dispute's state.
    package func auditRows(windows: [AuditWindow], site: String?, limit: Int, offset: Int = 0) async throws -> [AuditRow] {
        guard !windows.isEmpty else { return [] }
        var arguments = StatementArguments()
        var scopes: [String] = []
        for window in windows {
            var condition = "e.provider = ?"
            arguments += [window.provider]
            if let from = window.from {
                condition += " AND e.evaluated_at >= ?"
                arguments += [from.timeIntervalSince1970]
            }
            if let to = window.to {
                condition += " AND e.evaluated_at < ?"
                arguments += [to.timeIntervalSince1970]
            }
            scopes.append("(\(condition))")
        }
        var sql = "SELECT \(Self.evaluationColumns) FROM qa_evaluation e WHERE (\(scopes.joined(separator: " OR ")))"
        if let site {
            sql += " AND e.site = ?"
            arguments += [site]
        }
        sql += " ORDER BY e.evaluated_at DESC, e.provider, e.id LIMIT ? OFFSET ?"
        arguments += [max(0, min(limit, 100_000)), max(0, offset)]
        let statementSQL = sql
        let statementArguments = arguments
        return try await self.writer.read { db in
            let decoder = WireJSON.decoder()
            return try Row.fetchAll(db, sql: statementSQL, arguments: statementArguments).map { Self.auditRow($0, decoder: decoder) }
        }
    }

    /// One evaluation of `provider` with its latest dispute's state, or `nil`.
    package func auditRow(provider: String, id: String) async throws -> AuditRow? {
        try await self.writer.read { db in
            try Row.fetchOne(
                db, sql: "SELECT \(Self.evaluationColumns) FROM qa_evaluation e WHERE e.provider = ? AND e.id = ?", arguments: [provider, id]
            ).map { Self.auditRow($0, decoder: WireJSON.decoder()) }
        }
    }

    /// Providers that have stored evaluations.
    package func evaluationProviders() async throws -> [String] {
        try await self.writer.read { db in try String.fetchAll(db, sql: "SELECT DISTINCT provider FROM qa_evaluation ORDER BY provider") }
    }

    static func dispute(_ row: Row) -> StoredDispute {
        let decidedAt: Double? = row["decided_at"]
        return StoredDispute(
            id: row["id"], provider: row["provider"], evaluationId: row["evaluation_id"], openedBy: row["opened_by"],
            openedAt: Date(timeIntervalSince1970: row["opened_at"]), reason: row["reason"],
            state: DisputeState(rawValue: row["state"]) ?? .open, decidedBy: row["decided_by"],
            decidedAt: decidedAt.map(Date.init(timeIntervalSince1970:)), decisionNote: row["decision_note"],
            subject: DisputeSubject(rawValue: row["subject"]) ?? .evaluation
        )
    }

    /// The disputes of one evaluation of `provider`, oldest first (the thread).
    package func disputes(provider: String, evaluationId: String) async throws -> [StoredDispute] {
        try await self.disputes(provider: provider, evaluationId: evaluationId, subject: .evaluation)
    }

    /// The disputes of one provider or head-office evaluation of `provider`, oldest first (the thread).
    package func disputes(provider: String, evaluationId: String, subject: DisputeSubject) async throws -> [StoredDispute] {
        try await self.writer.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM dispute WHERE provider = ? AND evaluation_id = ? AND subject = ? ORDER BY id",
                arguments: [provider, evaluationId, subject.rawValue]
            ).map(Self.dispute)
        }
    }

    /// Opens a dispute of `provider`'s evaluation `evaluationId`: the evaluation must exist and have no open dispute.
    /// - Throws: ``AnnotationError``: `notFound` (no such evaluation), `conflict` (one is open), `invalid` (reason).
    package func openDispute(provider: String, evaluationId: String, by user: String, reason: String, at: Date) async throws -> StoredDispute {
        try await self.openDispute(provider: provider, evaluationId: evaluationId, subject: .evaluation, by: user, reason: reason, at: at)
    }

    /// Opens a dispute of a provider (`subject` `.evaluation`) or head-office evaluation of `provider`.
    package func openDispute(
        provider: String, evaluationId: String, subject: DisputeSubject, by user: String, reason: String, at: Date
    ) async throws -> StoredDispute {
        let reason = try AnnotationText.validated(reason, "reason")
        return try await self.writer.write { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM \(subject.table) WHERE provider = ? AND id = ?", arguments: [provider, evaluationId]) != nil
            else { throw AnnotationError.notFound("no such evaluation") }
            guard
                try Bool.fetchOne(
                    db, sql: "SELECT 1 FROM dispute WHERE provider = ? AND evaluation_id = ? AND subject = ? AND state = 'open'",
                    arguments: [provider, evaluationId, subject.rawValue]
                ) == nil
            else { throw AnnotationError.conflict("this evaluation already has an open dispute") }
            try db.execute(
                sql: "INSERT INTO dispute (provider, evaluation_id, subject, opened_by, opened_at, reason, state) VALUES (?, ?, ?, ?, ?, ?, 'open')",
                arguments: [provider, evaluationId, subject.rawValue, user, at.timeIntervalSince1970, reason]
            )
            let id = db.lastInsertedRowID
            return try Self.dispute(try Row.fetchOne(db, sql: "SELECT * FROM dispute WHERE id = ?", arguments: [id])!)
        }
    }

    /// Decides the open dispute of `provider`'s evaluation `evaluationId`: `upheld` or `rejected`, with a note.
    /// - Throws: ``AnnotationError``: `notFound` (no such evaluation), `conflict` (no open dispute), `invalid` (note or decision).
    package func decideDispute(
        provider: String, evaluationId: String, decision: DisputeState, by user: String, note: String, at: Date
    ) async throws -> StoredDispute {
        try await self.decideDispute(provider: provider, evaluationId: evaluationId, subject: .evaluation, decision: decision, by: user, note: note, at: at)
    }

    /// Decides the open dispute of a provider (`subject` `.evaluation`) or head-office evaluation of `provider`.
    package func decideDispute(
        provider: String, evaluationId: String, subject: DisputeSubject, decision: DisputeState, by user: String, note: String, at: Date
    ) async throws -> StoredDispute {
        guard decision != .open else { throw AnnotationError.invalid("decision must be upheld or rejected") }
        let note = try AnnotationText.validated(note, "note")
        return try await self.writer.write { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM \(subject.table) WHERE provider = ? AND id = ?", arguments: [provider, evaluationId]) != nil
            else { throw AnnotationError.notFound("no such evaluation") }
            guard
                let id = try Int64.fetchOne(
                    db, sql: "SELECT id FROM dispute WHERE provider = ? AND evaluation_id = ? AND subject = ? AND state = 'open'",
                    arguments: [provider, evaluationId, subject.rawValue]
                )
            else { throw AnnotationError.conflict("this evaluation has no open dispute to decide") }
            try db.execute(
                sql: "UPDATE dispute SET state = ?, decided_by = ?, decided_at = ?, decision_note = ? WHERE id = ? AND state = 'open'",
                arguments: [decision.rawValue, user, at.timeIntervalSince1970, note, id]
            )
            return try Self.dispute(try Row.fetchOne(db, sql: "SELECT * FROM dispute WHERE id = ?", arguments: [id])!)
        }
    }

    /// The breach events of one ticket of `provider`, oldest first.
    package func ticketBreaches(provider: String, ticketId: String) async throws -> [SLAEventRow] {
        try await self.writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT provider, site, ticket_id, clock, kind, at, detected_at, late_data FROM sla_event
                    WHERE provider = ? AND ticket_id = ? AND kind = 'breach' ORDER BY at, id
                    """,
                arguments: [provider, ticketId]
            ).map { row in
                SLAEventRow(
                    provider: row[0], site: row[1], ticketId: row[2], clock: row[3], kind: row[4], at: Date(timeIntervalSince1970: row[5]),
                    detectedAt: Date(timeIntervalSince1970: row[6]), lateData: row[7]
                )
            }
        }
    }

    /// The notes on one ticket's breaches, oldest first.
    package func breachNotes(provider: String, ticketId: String) async throws -> [StoredBreachNote] {
        try await self.writer.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM breach_note WHERE provider = ? AND ticket_id = ? ORDER BY id", arguments: [provider, ticketId]
            ).map { row in
                StoredBreachNote(
                    id: row["id"], provider: row["provider"], ticketId: row["ticket_id"], clock: row["clock"], author: row["author"],
                    role: row["role"], at: Date(timeIntervalSince1970: row["at"]), text: row["text"]
                )
            }
        }
    }

    /// How many notes each of `ticketIds` of `provider` has (tickets without notes are left out).
    package func breachNoteCounts(provider: String, ticketIds: [String]) async throws -> [String: Int] {
        guard !ticketIds.isEmpty else { return [:] }
        let unique = Array(Set(ticketIds))
        return try await self.writer.read { db in
            var counts: [String: Int] = [:]
            for chunk in stride(from: 0, to: unique.count, by: 500).map({ unique[$0..<min($0 + 500, unique.count)] }) {
                let marks = chunk.map { _ in "?" }.joined(separator: ",")
                let sql = "SELECT ticket_id, COUNT(*) FROM breach_note WHERE provider = ? AND ticket_id IN (\(marks)) GROUP BY ticket_id"
                for row in try Row.fetchAll(db, sql: sql, arguments: StatementArguments([provider] + Array(chunk))) { counts[row[0]] = row[1] }
            }
            return counts
        }
    }

    /// Appends a note to the breach of `clock` on `provider`'s ticket (the latest breach's clock when `nil`).
    /// - Throws: ``AnnotationError``: `notFound` (no such ticket), `conflict` (the ticket has no breach, or none of that
    ///   clock), `invalid` (the text).
    package func addBreachNote(
        provider: String, ticketId: String, clock: String?, author: String, role: String, text: String, at: Date
    ) async throws -> StoredBreachNote {
        let text = try AnnotationText.validated(text, "text")
        return try await self.writer.write { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM ticket WHERE provider = ? AND id = ?", arguments: [provider, ticketId]) != nil
            else { throw AnnotationError.notFound("no such ticket") }
            let clocks = try String.fetchAll(
                db, sql: "SELECT clock FROM sla_event WHERE provider = ? AND ticket_id = ? AND kind = 'breach' ORDER BY at DESC, id DESC",
                arguments: [provider, ticketId]
            )
            guard let latest = clocks.first else { throw AnnotationError.conflict("this ticket has no breach to annotate") }
            let chosen = clock ?? latest
            guard clocks.contains(chosen) else {
                throw AnnotationError.conflict("this ticket has no \(chosen) breach (breached: \(Set(clocks).sorted().joined(separator: ", ")))")
            }
            try db.execute(
                sql: "INSERT INTO breach_note (provider, ticket_id, clock, author, role, at, text) VALUES (?, ?, ?, ?, ?, ?, ?)",
                arguments: [provider, ticketId, chosen, author, role, at.timeIntervalSince1970, text]
            )
            return StoredBreachNote(
                id: db.lastInsertedRowID, provider: provider, ticketId: ticketId, clock: chosen, author: author, role: role, at: at, text: text
            )
        }
    }
}
