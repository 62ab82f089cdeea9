//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// What people add to the evidence, on PostgreSQL: disputes of QA findings (one open per evaluation, a decided one
// frozen) and append-only breach notes, with the audit listings. Same rules as SQLiteStore+Annotations.swift; the
// append-only rules are triggers, so no coordinator (or person with SQL access) can rewrite them either.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightModel
import OversightStore
import PostgresNIO

extension PostgresStore {
    /// The `v2-annotations` migration: `dispute` and `breach_note` as in SQLite's `v7-annotations`, with triggers that
    /// refuse to change a decided dispute, to delete a dispute and to update or delete a breach note (row by row and by
    /// `TRUNCATE`).
    static let annotationsMigration = Migration(
        identifier: "v2-annotations",
        statements: [
            """
            CREATE FUNCTION oversight_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $body$
            BEGIN
                RAISE EXCEPTION '%', TG_ARGV[0] USING ERRCODE = 'integrity_constraint_violation';
            END
            $body$
            """,
            """
            CREATE TABLE dispute (
                id bigserial PRIMARY KEY,
                provider text NOT NULL,
                evaluation_id text NOT NULL,
                opened_by text NOT NULL,
                opened_at double precision NOT NULL,
                reason text NOT NULL CHECK (reason <> ''),
                state text NOT NULL CHECK (state IN ('open', 'upheld', 'rejected')),
                decided_by text,
                decided_at double precision,
                decision_note text CHECK (decision_note IS NULL OR decision_note <> ''),
                CHECK ((state = 'open') = (decided_by IS NULL AND decided_at IS NULL))
            )
            """,
            "CREATE INDEX dispute_by_evaluation ON dispute (provider, evaluation_id, id)",
            "CREATE UNIQUE INDEX dispute_one_open ON dispute (provider, evaluation_id) WHERE state = 'open'",
            """
            CREATE TRIGGER dispute_decided_once BEFORE UPDATE ON dispute FOR EACH ROW WHEN (OLD.state <> 'open')
                EXECUTE FUNCTION oversight_refuse_change('a decided dispute does not change')
            """,
            """
            CREATE TRIGGER dispute_kept BEFORE DELETE ON dispute FOR EACH ROW
                EXECUTE FUNCTION oversight_refuse_change('disputes are evidence and are not deleted')
            """,
            """
            CREATE TRIGGER dispute_kept_truncate BEFORE TRUNCATE ON dispute FOR EACH STATEMENT
                EXECUTE FUNCTION oversight_refuse_change('disputes are evidence and are not deleted')
            """,
            """
            CREATE TABLE breach_note (
                id bigserial PRIMARY KEY,
                provider text NOT NULL,
                ticket_id text NOT NULL,
                clock text NOT NULL,
                author text NOT NULL,
                role text NOT NULL,
                at double precision NOT NULL,
                text text NOT NULL CHECK (text <> '')
            )
            """,
            "CREATE INDEX breach_note_by_ticket ON breach_note (provider, ticket_id, id)",
            """
            CREATE TRIGGER breach_note_append_only BEFORE UPDATE OR DELETE ON breach_note FOR EACH ROW
                EXECUTE FUNCTION oversight_refuse_change('breach notes are append-only')
            """,
            """
            CREATE TRIGGER breach_note_append_only_truncate BEFORE TRUNCATE ON breach_note FOR EACH STATEMENT
                EXECUTE FUNCTION oversight_refuse_change('breach notes are append-only')
            """,
        ]
    )

    /// The columns of an audit row: the evaluation, then its latest dispute's state.
    private static let auditColumns =
        PostgresStore.evaluationColumns
        + ", (SELECT d.state FROM dispute d WHERE d.provider = e.provider AND d.evaluation_id = e.id AND d.subject = 'evaluation' ORDER BY d.id DESC LIMIT 1)"

    private static func auditRow(_ row: PostgresRow, decoder: JSONDecoder) throws -> AuditRow {
        var columns = Columns(row, of: "qa_evaluation")
        let evaluation = try Self.storedEvaluation(&columns, decoder: decoder)
        let state: String? = try columns.next()
        return AuditRow(evaluation: evaluation, dispute: state.flatMap(DisputeState.init(rawValue:)))
    }

    /// Evaluations in `windows` (nothing when empty), optionally of one site, newest first (by completion, then provider
    /// and id), skipping `offset` and returning at most `limit`, each with its latest dispute's state.
    package func auditRows(windows: [AuditWindow], site: String?, limit: Int, offset: Int) async throws -> [AuditRow] {
        guard !windows.isEmpty else { return [] }
        var q = QueryBuilder()
        var scopes: [String] = []
        for window in windows {
            var condition = "e.provider = \(try q.bind(window.provider))"
            if let from = window.from { condition += " AND e.evaluated_at >= \(try q.bind(from.timeIntervalSince1970))" }
            if let to = window.to { condition += " AND e.evaluated_at < \(try q.bind(to.timeIntervalSince1970))" }
            scopes.append("(\(condition))")
        }
        q.sql = "SELECT \(Self.auditColumns) FROM qa_evaluation e WHERE (\(scopes.joined(separator: " OR ")))"
        if let site { q.sql += " AND e.site = \(try q.bind(site))" }
        q.sql += " ORDER BY e.evaluated_at DESC, e.provider COLLATE \"C\", e.id COLLATE \"C\""
        q.sql += " LIMIT \(try q.bind(Int64(max(0, min(limit, 100_000))))) OFFSET \(try q.bind(Int64(max(0, offset))))"
        let decoder = WireJSON.decoder()
        return try await self.rows(q.query).map { try Self.auditRow($0, decoder: decoder) }
    }

    /// One evaluation of `provider` with its latest dispute's state, or `nil`.
    package func auditRow(provider: String, id: String) async throws -> AuditRow? {
        var q = QueryBuilder()
        q.sql = "SELECT \(Self.auditColumns) FROM qa_evaluation e WHERE e.provider = \(try q.bind(provider)) AND e.id = \(try q.bind(id))"
        return try await self.rows(q.query).first.map { try Self.auditRow($0, decoder: WireJSON.decoder()) }
    }

    /// Providers that have stored evaluations, in byte order.
    package func evaluationProviders() async throws -> [String] {
        try await self.rows("SELECT DISTINCT provider COLLATE \"C\" FROM qa_evaluation ORDER BY 1").map { try $0.decode(String.self) }
    }

    // MARK: Disputes

    private static let disputeColumns = "id, provider, evaluation_id, opened_by, opened_at, reason, state, decided_by, decided_at, decision_note, subject"

    private static func dispute(_ row: PostgresRow) throws -> StoredDispute {
        let (id, provider, evaluationId, openedBy, openedAt, reason, state, decidedBy, decidedAt, decisionNote, subject) =
            try row.decode((Int64, String, String, String, Double, String, String, String?, Double?, String?, String).self)
        return StoredDispute(
            id: id, provider: provider, evaluationId: evaluationId, openedBy: openedBy, openedAt: Date(timeIntervalSince1970: openedAt),
            reason: reason, state: DisputeState(rawValue: state) ?? .open, decidedBy: decidedBy, decidedAt: Self.date(decidedAt),
            decisionNote: decisionNote, subject: DisputeSubject(rawValue: subject) ?? .evaluation
        )
    }

    /// The disputes of one evaluation of `provider`, oldest first (the thread).
    package func disputes(provider: String, evaluationId: String) async throws -> [StoredDispute] {
        try await self.disputes(provider: provider, evaluationId: evaluationId, subject: .evaluation)
    }

    /// The disputes of one provider or head-office evaluation of `provider`, oldest first (the thread).
    package func disputes(provider: String, evaluationId: String, subject: DisputeSubject) async throws -> [StoredDispute] {
        try await self.rows(
            """
            SELECT \(unescaped: Self.disputeColumns) FROM dispute
            WHERE provider = \(provider) AND evaluation_id = \(evaluationId) AND subject = \(subject.rawValue) ORDER BY id
            """
        ).map(Self.dispute)
    }

    /// Whether `provider` has the evaluation `id`, on `connection`.
    private func evaluationExists(provider: String, id: String, subject: DisputeSubject, on connection: PostgresConnection) async throws -> Bool {
        try await !connection.query(
            "SELECT 1 FROM \(unescaped: subject.table) WHERE provider = \(provider) AND id = \(id)", logger: self.logger
        ).collect().isEmpty
    }

    /// Opens a dispute of `provider`'s evaluation `evaluationId`: the evaluation must exist and have no open dispute
    /// (two coordinators opening one at once: the unique index `dispute_one_open` lets one through).
    /// - Throws: ``AnnotationError``: `notFound` (no such evaluation), `conflict` (one is open), `invalid` (reason).
    package func openDispute(provider: String, evaluationId: String, by user: String, reason: String, at: Date) async throws -> StoredDispute {
        try await self.openDispute(provider: provider, evaluationId: evaluationId, subject: .evaluation, by: user, reason: reason, at: at)
    }

    /// Opens a dispute of a provider (`subject` `.evaluation`) or head-office evaluation of `provider`.
    package func openDispute(
        provider: String, evaluationId: String, subject: DisputeSubject, by user: String, reason: String, at: Date
    ) async throws -> StoredDispute {
        let reason = try AnnotationText.validated(reason, "reason")
        do {
            return try await self.transaction { connection in
                guard try await self.evaluationExists(provider: provider, id: evaluationId, subject: subject, on: connection) else {
                    throw AnnotationError.notFound("no such evaluation")
                }
                guard
                    let row = try await connection.query(
                        """
                        INSERT INTO dispute (provider, evaluation_id, subject, opened_by, opened_at, reason, state)
                        VALUES (\(provider), \(evaluationId), \(subject.rawValue), \(user), \(at.timeIntervalSince1970), \(reason), 'open')
                        RETURNING \(unescaped: Self.disputeColumns)
                        """,
                        logger: self.logger
                    ).collect().first
                else { throw PostgresStoreError.unexpectedRow("dispute") }
                return try Self.dispute(row)
            }
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
            throw AnnotationError.conflict("this evaluation already has an open dispute")
        }
    }

    /// Decides the open dispute of `provider`'s evaluation `evaluationId`: `upheld` or `rejected`, with a note. The open
    /// dispute is locked (`FOR UPDATE`), so of two auditors deciding at once one decides and the other finds none open.
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
        return try await self.transaction { connection in
            guard try await self.evaluationExists(provider: provider, id: evaluationId, subject: subject, on: connection) else {
                throw AnnotationError.notFound("no such evaluation")
            }
            guard
                let open = try await connection.query(
                    """
                    SELECT id FROM dispute
                    WHERE provider = \(provider) AND evaluation_id = \(evaluationId) AND subject = \(subject.rawValue) AND state = 'open' FOR UPDATE
                    """,
                    logger: self.logger
                ).collect().first
            else { throw AnnotationError.conflict("this evaluation has no open dispute to decide") }
            let id = try open.decode(Int64.self)
            guard
                let row = try await connection.query(
                    """
                    UPDATE dispute SET state = \(decision.rawValue), decided_by = \(user), decided_at = \(at.timeIntervalSince1970),
                        decision_note = \(note)
                    WHERE id = \(id) AND state = 'open' RETURNING \(unescaped: Self.disputeColumns)
                    """,
                    logger: self.logger
                ).collect().first
            else { throw AnnotationError.conflict("this evaluation has no open dispute to decide") }
            return try Self.dispute(row)
        }
    }

    // MARK: Breach notes

    /// The breach events of one ticket of `provider`, oldest first.
    package func ticketBreaches(provider: String, ticketId: String) async throws -> [SLAEventRow] {
        try await self.rows(
            """
            SELECT id, provider, site, ticket_id, clock, kind, at, detected_at, late_data FROM sla_event
            WHERE provider = \(provider) AND ticket_id = \(ticketId) AND kind = 'breach' ORDER BY at, id
            """
        ).map { try Self.slaEvent($0).event }
    }

    private static func breachNote(_ row: PostgresRow) throws -> StoredBreachNote {
        let (id, provider, ticketId, clock, author, role, at, text) =
            try row.decode((Int64, String, String, String, String, String, Double, String).self)
        return StoredBreachNote(
            id: id, provider: provider, ticketId: ticketId, clock: clock, author: author, role: role, at: Date(timeIntervalSince1970: at), text: text
        )
    }

    /// The notes on one ticket's breaches, oldest first.
    package func breachNotes(provider: String, ticketId: String) async throws -> [StoredBreachNote] {
        try await self.rows(
            """
            SELECT id, provider, ticket_id, clock, author, role, at, text FROM breach_note
            WHERE provider = \(provider) AND ticket_id = \(ticketId) ORDER BY id
            """
        ).map(Self.breachNote)
    }

    /// How many notes each of `ticketIds` of `provider` has (tickets without notes are left out).
    package func breachNoteCounts(provider: String, ticketIds: [String]) async throws -> [String: Int] {
        guard !ticketIds.isEmpty else { return [:] }
        let unique = Array(Set(ticketIds)).sorted()
        var counts: [String: Int] = [:]
        for row in try await self.rows(
            "SELECT ticket_id, COUNT(*) FROM breach_note WHERE provider = \(provider) AND ticket_id = ANY(\(unique)) GROUP BY ticket_id"
        ) {
            let (ticketId, count) = try row.decode((String, Int).self)
            counts[ticketId] = count
        }
        return counts
    }

    /// Appends a note to the breach of `clock` on `provider`'s ticket (the latest breach's clock when `nil`).
    /// - Throws: ``AnnotationError``: `notFound` (no such ticket), `conflict` (the ticket has no breach, or none of that
    ///   clock), `invalid` (the text).
    package func addBreachNote(
        provider: String, ticketId: String, clock: String?, author: String, role: String, text: String, at: Date
    ) async throws -> StoredBreachNote {
        let text = try AnnotationText.validated(text, "text")
        return try await self.transaction { connection in
            guard
                try await !connection.query("SELECT 1 FROM ticket WHERE provider = \(provider) AND id = \(ticketId)", logger: self.logger)
                    .collect().isEmpty
            else { throw AnnotationError.notFound("no such ticket") }
            var clocks: [String] = []
            for try await clock in try await connection.query(
                "SELECT clock FROM sla_event WHERE provider = \(provider) AND ticket_id = \(ticketId) AND kind = 'breach' ORDER BY at DESC, id DESC",
                logger: self.logger
            ).decode(String.self) {
                clocks.append(clock)
            }
            guard let latest = clocks.first else { throw AnnotationError.conflict("this ticket has no breach to annotate") }
            let chosen = clock ?? latest
            guard clocks.contains(chosen) else {
                throw AnnotationError.conflict("this ticket has no \(chosen) breach (breached: \(Set(clocks).sorted().joined(separator: ", ")))")
            }
            guard
                let row = try await connection.query(
                    """
                    INSERT INTO breach_note (provider, ticket_id, clock, author, role, at, text)
                    VALUES (\(provider), \(ticketId), \(chosen), \(author), \(role), \(at.timeIntervalSince1970), \(text))
                    RETURNING id
                    """,
                    logger: self.logger
                ).collect().first
            else { throw PostgresStoreError.unexpectedRow("breach_note") }
            return StoredBreachNote(
                id: try row.decode(Int64.self), provider: provider, ticketId: ticketId, clock: chosen, author: author, role: role, at: at, text: text
            )
        }
    }
}
