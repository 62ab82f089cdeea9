//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

import Foundation
import GRDB
import Testing

@testable import OversightStore

/// The period counts behind aggregate targets read a range of one provider's rows, never every row of the provider.
@Suite struct PeriodIndexTests {
    func plan(_ store: SQLiteStore, _ sql: String) async throws -> String {
        try await store.writer.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: ["acme", 0.0, 1.0]).map { $0[3] as String }.joined(separator: "\n")
        }
    }

    @Test func periodCountsSearchARangeOfTheProvidersDecidedTickets() async throws {
        let store = try SQLiteStore()
        let firstReply = try await self.plan(
            store,
            """
            SELECT COUNT(*) FROM ticket t WHERE t.provider = ? AND COALESCE(t.first_reply_at, t.solved_at) >= ?
              AND COALESCE(t.first_reply_at, t.solved_at) < ?
            """
        )
        #expect(firstReply.contains("ticket_first_decided_by_provider (provider=? AND <expr>>? AND <expr><?)"), "\(firstReply)")
        let resolved = try await self.plan(
            store,
            """
            SELECT COUNT(*) FROM ticket t WHERE t.provider = ? AND t.status IN ('solved', 'closed')
              AND COALESCE(t.solved_at, t.closed_at) >= ? AND COALESCE(t.solved_at, t.closed_at) < ?
            """
        )
        #expect(resolved.contains("ticket_resolved_by_provider (provider=? AND <expr>>? AND <expr><?)"), "\(resolved)")
        let breaches = try await self.plan(
            store, "SELECT COUNT(*) FROM sla_event e WHERE e.provider = ? AND e.kind = 'breach' AND e.at >= ? AND e.at < ?"
        )
        #expect(breaches.contains("provider=? AND kind=? AND at>? AND at<?"), "\(breaches)")
        // The two provider-only indexes they replace are gone (each costs every ticket upsert).
        let indexes = try await store.writer.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'ticket'")
        }
        #expect(!indexes.contains("ticket_solved_by_provider") && !indexes.contains("ticket_first_reply_by_provider"))
    }
}
