//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// QA evaluations in the store: ordered upsert, batch evidence, one transaction with the batch's other records, totals.
//
//===----------------------------------------------------------------------===//

import Foundation
import GRDB
import OversightModel
import Testing

@testable import OversightStore

@Suite struct EvaluationStoreTests {
    let store: SQLiteStore
    let now = Date(timeIntervalSince1970: 1_790_000_000)
    /// Midnight UTC of `now`'s day.
    let day = Date(timeIntervalSince1970: 1_790_000_000 - 1_790_000_000.truncatingRemainder(dividingBy: 86_400))

    init() async throws {
        self.store = try SQLiteStore()
        for (hash, provider, site, agent) in [("h1", "acme", "paris", "agt_a"), ("h2", "globex", "manila", "agt_g")] {
            try await self.store.createToken(hash: hash, provider: provider, site: site, createdAt: self.now, expiresAt: self.now + 3600)
            _ = try await self.store.consumeToken(
                hash: hash,
                agent: NewAgent(id: agent, hostname: "host", signingKey: "x", certificateSerial: "1", certificateNotAfter: self.now + 86400),
                now: self.now
            )
        }
    }

    /// An evaluation `hour` hours into the day; `high` > 0 flags it (and its score is 0, as the scorecard zeroes it).
    func evaluation(
        _ id: String, hour: Double, score: Double = 90, high: Int = 0, updated: TimeInterval = 0, site: String = "paris",
        queue: String? = "billing", channel: ContactChannel? = .chat, provider: String = "acme"
    ) -> EvaluationRecord {
        EvaluationRecord(
            provider: provider, site: site, id: id, interactionRef: "T-\(id)", channel: channel, queue: queue, agent: "p_aa",
            evaluator: "p_ee", scorecard: "support", scorecardVersion: "3", evaluatedAt: self.day + hour * 3600,
            items: [
                EvaluationItem(item: "verification", passed: high == 0, impact: .high, weight: 2),
                EvaluationItem(item: "tone", passed: true, impact: .low, weight: 1),
            ],
            highImpactErrors: high, lowImpactErrors: 0, score: high > 0 ? 0 : score, comments: "ok", updatedAt: self.now + updated
        )
    }

    func batch(
        _ seq: Int64, prev: String, hash: String, agent: String = "agt_a", tickets: [TicketRecord] = [], _ evaluations: [EvaluationRecord]
    ) -> IncomingBatch {
        IncomingBatch(
            agentId: agent, seq: seq, hash: hash, prev: prev, jws: FlattenedJWS(protected: "p", payload: "x\(seq)", signature: "s"),
            receivedAt: self.now, tickets: tickets, evaluations: evaluations
        )
    }

    func stored(_ id: String) async throws -> StoredEvaluation? {
        try await self.store.evaluations(provider: "acme", site: nil, from: self.day, to: self.day + 86_400, limit: 100).first { $0.record.id == id }
    }

    @Test func upsertsOrderedByUpdatedAtAndKeepsTheBatch() async throws {
        let first = try await self.store.commit(self.batch(1, prev: genesisBatchHash, hash: "h-1", [self.evaluation("E1", hour: 9, updated: 10)]))
        #expect(first == .committed(applied: 1, stale: 0))
        let kept = try #require(try await self.stored("E1"))
        #expect(kept.record == self.evaluation("E1", hour: 9, updated: 10))
        #expect(kept.batchSeq == 1 && kept.agentId == "agt_a")

        // Older and equal versions change nothing.
        let older = try await self.store.commit(
            self.batch(
                2, prev: "h-1", hash: "h-2",
                [self.evaluation("E1", hour: 9, score: 10, updated: 5), self.evaluation("E1", hour: 9, score: 20, updated: 10)]
            )
        )
        #expect(older == .committed(applied: 0, stale: 2))
        #expect(try await self.stored("E1")?.record.score == 90)

        // A newer correction replaces it, with its batch as the evidence.
        let newer = try await self.store.commit(self.batch(3, prev: "h-2", hash: "h-3", [self.evaluation("E1", hour: 9, score: 75, updated: 20)]))
        #expect(newer == .committed(applied: 1, stale: 0))
        let corrected = try #require(try await self.stored("E1"))
        #expect(corrected.record.score == 75 && corrected.batchSeq == 3)
        #expect(try await self.store.batch(agentId: "agt_a", seq: 3)?.recordCount == 1)
        #expect(try await self.store.evaluationCounts() == ["acme": 1])
        let report = try await self.store.addingEvaluationCounts(to: self.store.status(now: self.now, offlineAfter: .seconds(60)))
        #expect(report.providers.first { $0.provider == "acme" }?.evaluations == 1)
    }

    @Test func storedInTheBatchsTransaction() async throws {
        let ticket = TicketRecord(provider: "acme", site: "paris", id: "T1", status: .open, createdAt: self.now, updatedAt: self.now)
        let outcome = try await self.store.commit(
            self.batch(1, prev: genesisBatchHash, hash: "h-1", tickets: [ticket], [self.evaluation("E1", hour: 1), self.evaluation("E2", hour: 2)])
        )
        #expect(outcome == .committed(applied: 3, stale: 0))
        #expect(try await self.store.batch(agentId: "agt_a", seq: 1)?.recordCount == 3)

        // A batch that fails inside the transaction leaves nothing behind: make the evaluation insert fail.
        try await self.store.writer.write { db in
            try db.execute(sql: "CREATE TRIGGER refuse BEFORE INSERT ON qa_evaluation WHEN NEW.id = 'boom' BEGIN SELECT RAISE(ABORT, 'boom'); END")
        }
        let t2 = TicketRecord(provider: "acme", site: "paris", id: "T2", status: .open, createdAt: self.now, updatedAt: self.now)
        await #expect(throws: (any Error).self) {
            try await self.store.commit(self.batch(2, prev: "h-1", hash: "h-2", tickets: [t2], [self.evaluation("boom", hour: 3)]))
        }
        #expect(try await self.store.ticket(provider: "acme", id: "T2") == nil)
        #expect(try await self.store.agent(id: "agt_a")?.lastSeq == 1)
        #expect(try await self.store.evaluationCounts() == ["acme": 2])
    }

    @Test func totalsAreSQLSumsOverTheRangeAndScope() async throws {
        _ = try await self.store.commit(
            self.batch(
                1, prev: genesisBatchHash, hash: "h-1",
                [
                    self.evaluation("E1", hour: 1, score: 80), self.evaluation("E2", hour: 2, score: 95.5),
                    self.evaluation("E3", hour: 3, high: 1), self.evaluation("E4", hour: 4, score: 70, site: "lyon", queue: "sales", channel: nil),
                    // The next day: outside the range.
                    self.evaluation("E5", hour: 25, high: 1),
                ]
            )
        )
        _ = try await self.store.commit(
            self.batch(1, prev: genesisBatchHash, hash: "g-1", agent: "agt_g", [self.evaluation("G1", hour: 1, provider: "globex")])
        )
        let all = try await self.store.qaTotals(provider: "acme", scope: .all, from: self.day, to: self.day + 86_400)
        #expect(all == QAEvaluationTotals(evaluations: 4, scoreSum: 80 + 95.5 + 0 + 70, flagged: 1))
        // [from, to): an evaluation at `to` is not counted, one at `from` is.
        let window = try await self.store.qaTotals(provider: "acme", scope: .all, from: self.day + 3600, to: self.day + 3 * 3600)
        #expect(window == QAEvaluationTotals(evaluations: 2, scoreSum: 175.5, flagged: 0))
        let paris = try await self.store.qaTotals(provider: "acme", scope: RecordScope(sites: ["paris"]), from: self.day, to: self.day + 86_400)
        #expect(paris.evaluations == 3 && paris.flagged == 1)
        // A channel scope leaves out evaluations whose channel is unknown.
        let chat = try await self.store.qaTotals(provider: "acme", scope: RecordScope(channels: ["chat"]), from: self.day, to: self.day + 86_400)
        #expect(chat.evaluations == 3)
        let sales = try await self.store.qaTotals(provider: "acme", scope: RecordScope(queues: ["sales"]), from: self.day, to: self.day + 86_400)
        #expect(sales == QAEvaluationTotals(evaluations: 1, scoreSum: 70, flagged: 0))
        #expect(try await self.store.qaTotals(provider: "initech", scope: .all, from: self.day, to: self.day + 86_400) == QAEvaluationTotals())

        let rows = try await self.store.evaluations(provider: "acme", site: "paris", from: self.day, to: self.day + 86_400, limit: 2)
        #expect(rows.map(\.record.id) == ["E1", "E2"])
        #expect(rows[0].record.items.count == 2 && rows[0].record.channel == .chat)
        #expect(try await self.store.evaluationCounts() == ["acme": 5, "globex": 1])

        // The period's evidence lists each evaluation with the batch that carried it.
        let evidence = try await self.store.evidence(provider: "acme", from: self.day, to: self.day + 86_400)
        #expect(evidence.filter { $0.kind == "evaluation" }.map(\.key) == ["E1", "E2", "E3", "E4"])
        #expect(evidence.allSatisfy { $0.agentId == "agt_a" && $0.batchSeq == 1 })
    }
}
