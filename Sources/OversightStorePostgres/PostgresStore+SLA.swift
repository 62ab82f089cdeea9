//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// What the SLA engine reads and writes: open tickets, their standing, at-risk and breach moments.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightModel
import OversightStore
import PostgresNIO

extension PostgresStore {
    static let ticketColumns = """
        provider, id, site, agent_id, batch_seq, channel, priority, status, created_at, updated_at, first_reply_at, solved_at,
        closed_at, reopen_count, assignee, queue, tags, csat, contact_count, held_by, status_changes, agent_replies, customer_messages
        """

    static func storedTicket(_ row: PostgresRow, decoder: JSONDecoder) throws -> StoredTicket {
        let (provider, id, site, agentId, batchSeq, channel, priority, status, createdAt, updatedAt, firstReplyAt, solvedAt) =
            try row.decode((String, String, String, String, Int64, String, String, String, Double, Double, Double?, Double?).self)
        var columns = row.makeIterator()
        for _ in 0..<12 { _ = columns.next() }
        func next<T: PostgresDecodable>(_: T.Type) throws -> T { try columns.next()!.decode(T.self) }
        let closedAt = try next(Double?.self)
        let reopenCount = try next(Int.self)
        let assignee = try next(String?.self)
        let queue = try next(String?.self)
        let tags = try next(String.self)
        let csat = try next(Int?.self)
        let contactCount = try next(Int.self)
        let heldBy = try next(String?.self)
        let statusChanges = try next(String.self)
        let agentReplies = try next(String?.self)
        let customerMessages = try next(String?.self)
        let record = TicketRecord(
            provider: provider, site: site, id: id, channel: ContactChannel(rawValue: channel) ?? .email,
            priority: Priority(rawValue: priority) ?? .normal, status: TicketStatus(rawValue: status) ?? .open,
            createdAt: Date(timeIntervalSince1970: createdAt), updatedAt: Date(timeIntervalSince1970: updatedAt),
            firstReplyAt: Self.date(firstReplyAt), solvedAt: Self.date(solvedAt), closedAt: Self.date(closedAt), reopenCount: reopenCount,
            assignee: assignee, queue: queue, tags: (try? decoder.decode([String].self, from: Data(tags.utf8))) ?? [], csat: csat,
            contactCount: contactCount, heldBy: heldBy,
            statusChanges: (try? decoder.decode([TicketRecord.StatusChange].self, from: Data(statusChanges.utf8))) ?? [],
            agentReplies: SQLiteStore.times(agentReplies, decoder: decoder), customerMessages: SQLiteStore.times(customerMessages, decoder: decoder)
        )
        return StoredTicket(record: record, agentId: agentId, batchSeq: batchSeq)
    }

    package func openTickets() async throws -> [TicketRecord] {
        let decoder = WireJSON.decoder()
        return try await self.rows("SELECT \(unescaped: Self.ticketColumns) FROM ticket WHERE status NOT IN ('solved', 'closed')").map {
            try Self.storedTicket($0, decoder: decoder).record
        }
    }

    package func ticketsAwaitingEvaluation(providers: [String]) async throws -> [TicketRecord] {
        guard !providers.isEmpty else { return [] }
        let decoder = WireJSON.decoder()
        let columns = Self.ticketColumns.split(separator: ",").map { "t." + $0.trimmingCharacters(in: .whitespacesAndNewlines) }.joined(separator: ", ")
        return try await self.rows(
            """
            SELECT \(unescaped: columns) FROM ticket t
            JOIN batch b ON b.agent_id = t.agent_id AND b.seq = t.batch_seq
            LEFT JOIN ticket_sla s ON s.provider = t.provider AND s.id = t.id
            WHERE t.provider = ANY(\(providers)) AND (s.id IS NULL OR s.evaluated_at < b.received_at)
            """
        ).map { try Self.storedTicket($0, decoder: decoder).record }
    }

    package func ticket(provider: String, id: String) async throws -> StoredTicket? {
        let decoder = WireJSON.decoder()
        return try await self.rows("SELECT \(unescaped: Self.ticketColumns) FROM ticket WHERE provider = \(provider) AND id = \(id)").first.map {
            try Self.storedTicket($0, decoder: decoder)
        }
    }

    package func ticketCount() async throws -> Int {
        try await self.rows("SELECT COUNT(*) FROM ticket").first?.decode(Int.self) ?? 0
    }

    /// One statement for all the states (`UNNEST`), a newer evaluation replacing the stored one.
    package func updateSLA(_ states: [TicketSLAState]) async throws {
        guard !states.isEmpty else { return }
        // One row per ticket: ON CONFLICT may not touch a row twice in one statement; the last state wins, as in SQLite.
        var last: [String: TicketSLAState] = [:]
        var order: [String] = []
        for state in states {
            let key = state.provider + "\u{1F}" + state.ticketId
            if last[key] == nil { order.append(key) }
            last[key] = state
        }
        let rows = order.map { last[$0]! }
        var q = QueryBuilder()
        let columns: [(String, String)] = [
            (try q.bind(rows.map(\.provider)), "text"), (try q.bind(rows.map(\.ticketId)), "text"), (try q.bind(rows.map(\.state)), "text"),
            (try q.bind(NullableArray(rows.map { $0.firstReplyDue?.timeIntervalSince1970 })), "float8"),
            (try q.bind(NullableArray(rows.map { $0.resolutionDue?.timeIntervalSince1970 })), "float8"),
            (try q.bind(NullableArray(rows.map { $0.atRiskAt?.timeIntervalSince1970 })), "float8"),
            (try q.bind(NullableArray(rows.map { $0.breachedAt?.timeIntervalSince1970 })), "float8"),
            (try q.bind(rows.map(\.lateData)), "bool"), (try q.bind(rows.map(\.providerSeconds)), "float8"),
            (try q.bind(rows.map(\.clientSeconds)), "float8"), (try q.bind(rows.map(\.customerSeconds)), "float8"),
            (try q.bind(rows.map(\.evaluatedAt.timeIntervalSince1970)), "float8"),
        ]
        q.sql = """
            INSERT INTO ticket_sla (provider, id, state, first_reply_due, resolution_due, at_risk_at, breached_at, late_data,
                provider_seconds, client_seconds, customer_seconds, evaluated_at)
            SELECT * FROM UNNEST(\(columns.map { "\($0.0)::\($0.1)[]" }.joined(separator: ", ")))
            ON CONFLICT (provider, id) DO UPDATE SET state = excluded.state, first_reply_due = excluded.first_reply_due,
                resolution_due = excluded.resolution_due, at_risk_at = excluded.at_risk_at, breached_at = excluded.breached_at,
                late_data = excluded.late_data, provider_seconds = excluded.provider_seconds,
                client_seconds = excluded.client_seconds, customer_seconds = excluded.customer_seconds,
                evaluated_at = excluded.evaluated_at
            """
        try await self.execute(q.query)
    }

    package func recordSLAEvent(_ event: SLAEventRow) async throws -> Bool {
        let rows = try await self.rows(
            """
            INSERT INTO sla_event (provider, site, ticket_id, clock, kind, at, detected_at, late_data)
            VALUES (\(event.provider), \(event.site), \(event.ticketId), \(event.clock), \(event.kind), \(event.at.timeIntervalSince1970),
                \(event.detectedAt.timeIntervalSince1970), \(event.lateData))
            ON CONFLICT DO NOTHING RETURNING id
            """
        )
        return !rows.isEmpty
    }

    static func slaEvent(_ row: PostgresRow) throws -> NumberedSLAEvent {
        let (id, provider, site, ticketId, clock, kind, at, detectedAt, lateData) =
            try row.decode((Int64, String, String, String, String, String, Double, Double, Bool).self)
        return NumberedSLAEvent(
            id: id,
            event: SLAEventRow(
                provider: provider, site: site, ticketId: ticketId, clock: clock, kind: kind, at: Date(timeIntervalSince1970: at),
                detectedAt: Date(timeIntervalSince1970: detectedAt), lateData: lateData
            )
        )
    }

    package func slaEvents(limit: Int) async throws -> [SLAEventRow] {
        try await self.slaEventPage(provider: nil, site: nil, providers: nil, before: nil, limit: limit).map(\.event)
    }

    package func slaEventPage(provider: String?, site: String?, providers: [String]?, before: Int64?, limit: Int) async throws
        -> [NumberedSLAEvent]
    {
        if let providers, providers.isEmpty { return [] }
        var q = QueryBuilder()
        q.sql = "SELECT id, provider, site, ticket_id, clock, kind, at, detected_at, late_data FROM sla_event WHERE true"
        if let provider { q.sql += " AND provider = \(try q.bind(provider))" }
        if let site { q.sql += " AND site = \(try q.bind(site))" }
        if let before { q.sql += " AND id < \(try q.bind(before))" }
        if let providers { q.sql += " AND provider = ANY(\(try q.bind(providers)))" }
        q.sql += " ORDER BY id DESC LIMIT \(try q.bind(Int64(max(0, limit))))"
        return try await self.rows(q.query).map(Self.slaEvent)
    }

    package func ticketSLA(provider: String, id: String) async throws -> TicketSLAState? {
        guard
            let row = try await self.rows(
                """
                SELECT state, first_reply_due, resolution_due, at_risk_at, breached_at, late_data, provider_seconds, client_seconds,
                    customer_seconds, evaluated_at
                FROM ticket_sla WHERE provider = \(provider) AND id = \(id)
                """
            ).first
        else { return nil }
        let (state, firstReplyDue, resolutionDue, atRiskAt, breachedAt, lateData, providerSeconds, clientSeconds, customerSeconds, evaluatedAt) =
            try row.decode((String, Double?, Double?, Double?, Double?, Bool, Double, Double, Double, Double).self)
        return TicketSLAState(
            provider: provider, ticketId: id, state: state, firstReplyDue: Self.date(firstReplyDue), resolutionDue: Self.date(resolutionDue),
            atRiskAt: Self.date(atRiskAt), breachedAt: Self.date(breachedAt), lateData: lateData, providerSeconds: providerSeconds,
            clientSeconds: clientSeconds, customerSeconds: customerSeconds, evaluatedAt: Date(timeIntervalSince1970: evaluatedAt)
        )
    }
}
