//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Tickets committed but not yet evaluated by the SLA engine (a coordinator killed in between): found at start.
//
//===----------------------------------------------------------------------===//

import Foundation
import GRDB
import OversightModel

extension SQLiteStore {
    package func ticketsAwaitingEvaluation(providers: [String]) async throws -> [TicketRecord] {
        guard !providers.isEmpty else { return [] }
        // The engine records a ticket's standing (`ticket_sla.evaluated_at`, coordinator clock) after every evaluation,
        // and always after the commit of the batch that wrote the version it evaluated (`batch.received_at`).
        let keys: [(String, String)] = try await self.writer.read { db in
            let marks = databaseQuestionMarks(count: providers.count)
            return try Row.fetchAll(
                db,
                sql: """
                    SELECT t.provider, t.id FROM ticket t
                    JOIN batch b ON b.agent_id = t.agent_id AND b.seq = t.batch_seq
                    LEFT JOIN ticket_sla s ON s.provider = t.provider AND s.id = t.id
                    WHERE t.provider IN (\(marks)) AND (s.id IS NULL OR s.evaluated_at < b.received_at)
                    """,
                arguments: StatementArguments(providers)
            ).map { ($0[0], $0[1]) }
        }
        var tickets: [TicketRecord] = []
        tickets.reserveCapacity(keys.count)
        for (provider, id) in keys {
            if let stored = try await self.ticket(provider: provider, id: id) { tickets.append(stored.record) }
        }
        return tickets
    }
}
