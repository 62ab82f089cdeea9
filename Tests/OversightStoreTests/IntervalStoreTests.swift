//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Interval metrics in the store: ordered upsert, batch evidence, one transaction with tickets, summed totals.
//
//===----------------------------------------------------------------------===//

import Foundation
import GRDB
import OversightModel
import Testing

@testable import OversightStore

@Suite struct IntervalStoreTests {
    let store: SQLiteStore
    let now = Date(timeIntervalSince1970: 1_790_000_000)
    /// Midnight UTC of `now`'s day: an interval boundary.
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

    func interval(
        _ queue: String, slot: Int, offered: Int = 10, answered: Int = 8, within: Int = 6, abandoned: Int = 2, updated: TimeInterval = 0,
        site: String = "paris", provider: String = "acme"
    ) -> IntervalRecord {
        IntervalRecord(
            provider: provider, site: site, queue: queue, start: self.day + Double(slot) * 900, minutes: 15, thresholdSeconds: 20,
            offered: offered, answered: answered, answeredWithinThreshold: within, abandoned: abandoned, shortAbandons: 1,
            totalAnswerDelaySeconds: Double(answered) * 10.5, totalHandleTimeSeconds: Double(answered) * 300, csatResponses: 2, csatSatisfied: 1,
            csatScoreSum: slot.isMultiple(of: 2) ? 7 : nil, fcrResponses: 3, fcrYes: 2, agentsStaffed: 4, updatedAt: self.now + updated
        )
    }

    func batch(
        _ seq: Int64, prev: String, hash: String, agent: String = "agt_a", tickets: [TicketRecord] = [], _ intervals: [IntervalRecord]
    ) -> IncomingBatch {
        IncomingBatch(
            agentId: agent, seq: seq, hash: hash, prev: prev, jws: FlattenedJWS(protected: "p", payload: "x\(seq)", signature: "s"),
            receivedAt: self.now, tickets: tickets, intervals: intervals
        )
    }

    func stored(_ queue: String, slot: Int) async throws -> StoredInterval? {
        let start = self.day + Double(slot) * 900
        let rows = try await self.store.intervals(provider: "acme", site: "paris", from: start, to: start + 1, limit: 10)
        return rows.first { $0.record.queue == queue }
    }

    @Test func upsertsOrderedByUpdatedAtAndKeepsTheBatch() async throws {
        let first = try await self.store.commit(self.batch(1, prev: genesisBatchHash, hash: "h-1", [self.interval("billing", slot: 0, updated: 10)]))
        #expect(first == .committed(applied: 1, stale: 0))
        #expect(try await self.stored("billing", slot: 0)?.batchSeq == 1)

        // Older and equal versions change nothing; both count as stale.
        let older = try await self.store.commit(
            self.batch(
                2, prev: "h-1", hash: "h-2",
                [
                    self.interval("billing", slot: 0, offered: 99, answered: 0, within: 0, updated: 5),
                    self.interval("billing", slot: 0, offered: 98, updated: 10),
                ]
            )
        )
        #expect(older == .committed(applied: 0, stale: 2))
        let kept = try #require(try await self.stored("billing", slot: 0))
        #expect(kept.record.offered == 10 && kept.batchSeq == 1 && kept.agentId == "agt_a")
        #expect(kept.record == self.interval("billing", slot: 0, updated: 10))

        // A newer correction replaces the row and points at its batch.
        let newer = try await self.store.commit(
            self.batch(3, prev: "h-2", hash: "h-3", [self.interval("billing", slot: 0, offered: 12, answered: 9, updated: 20)])
        )
        #expect(newer == .committed(applied: 1, stale: 0))
        let corrected = try #require(try await self.stored("billing", slot: 0))
        #expect(corrected.record.offered == 12 && corrected.record.answered == 9 && corrected.batchSeq == 3)
        #expect(try await self.store.batch(agentId: "agt_a", seq: 3)?.recordCount == 1)
        #expect(try await self.store.intervalCounts() == ["acme": 1])
    }

    @Test func ticketsAndIntervalsCommitInOneTransaction() async throws {
        let ticket = TicketRecord(provider: "acme", site: "paris", id: "T1", status: .open, createdAt: self.now, updatedAt: self.now)
        let outcome = try await self.store.commit(
            self.batch(
                1, prev: genesisBatchHash, hash: "h-1", tickets: [ticket], [self.interval("billing", slot: 0), self.interval("sales", slot: 0)]
            )
        )
        #expect(outcome == .committed(applied: 3, stale: 0))
        #expect(try await self.store.batch(agentId: "agt_a", seq: 1)?.recordCount == 3)

        // A batch that fails inside the transaction leaves neither kind behind: make the interval insert fail.
        try await self.store.writer.write { db in
            try db.execute(
                sql: "CREATE TRIGGER refuse BEFORE INSERT ON interval_metric WHEN NEW.queue = 'boom' BEGIN SELECT RAISE(ABORT, 'boom'); END"
            )
        }
        let t2 = TicketRecord(provider: "acme", site: "paris", id: "T2", status: .open, createdAt: self.now, updatedAt: self.now)
        await #expect(throws: (any Error).self) {
            try await self.store.commit(self.batch(2, prev: "h-1", hash: "h-2", tickets: [t2], [self.interval("boom", slot: 1)]))
        }
        #expect(try await self.store.ticket(provider: "acme", id: "T2") == nil)
        #expect(try await self.store.agent(id: "agt_a")?.lastSeq == 1)
        #expect(try await self.store.batch(agentId: "agt_a", seq: 2) == nil)
    }

    @Test func totalsAreSQLSumsOverTheRange() async throws {
        // Day slots 0…3 of billing and sales at paris, slot 0 of billing at lyon (same agent, source-chosen site), and
        // globex's slot 0 that must never count for acme.
        var intervals: [IntervalRecord] = []
        for slot in 0..<4 {
            intervals.append(self.interval("billing", slot: slot, offered: 10 + slot, answered: 8, within: 5 + slot % 2, abandoned: 2))
            intervals.append(self.interval("sales", slot: slot, offered: 4, answered: 4, within: 4, abandoned: 0))
        }
        intervals.append(self.interval("billing", slot: 0, offered: 100, answered: 50, within: 10, abandoned: 50, site: "lyon"))
        _ = try await self.store.commit(self.batch(1, prev: genesisBatchHash, hash: "h-1", intervals))
        _ = try await self.store.commit(
            self.batch(
                1, prev: genesisBatchHash, hash: "g-1", agent: "agt_g", [self.interval("billing", slot: 0, site: "manila", provider: "globex")]
            )
        )

        let all = try await self.store.intervalTotals(provider: "acme", site: nil, queue: nil, from: self.day, to: self.day + 86_400)
        #expect(all.intervals == 9)
        #expect(all.offered == (10 + 11 + 12 + 13) + 16 + 100)
        #expect(all.answered == 32 + 16 + 50)
        #expect(all.answeredWithinThreshold == (5 + 6 + 5 + 6) + 16 + 10)
        #expect(all.abandoned == 8 + 0 + 50)
        #expect(all.shortAbandons == 9)
        #expect(all.totalAnswerDelaySeconds == Double(32 + 16 + 50) * 10.5)
        #expect(all.handled == all.answered)
        #expect(all.totalHandleTimeSeconds == Double(32 + 16 + 50) * 300)
        #expect(all.csatResponses == 18 && all.csatSatisfied == 9)
        // Score sums are reported on even slots only (billing 0, 2; sales 0, 2; lyon 0): 5 intervals of 2 responses.
        #expect(all.csatScoreSum == 35 && all.csatScoredResponses == 10)
        #expect(all.fcrResponses == 27 && all.fcrYes == 18)
        #expect(all.minThresholdSeconds == 20 && all.maxThresholdSeconds == 20)
        #expect(all.minutes == 9 * 15)
        #expect(all.staffedMinutes == 9 * 4 * 15)

        // Site, queue and the half-open range narrow the sum.
        let paris = try await self.store.intervalTotals(provider: "acme", site: "paris", queue: "billing", from: self.day + 900, to: self.day + 2_700)
        #expect(paris.intervals == 2)
        #expect(paris.offered == 11 + 12)
        #expect(paris.answeredWithinThreshold == 6 + 5)
        let none = try await self.store.intervalTotals(provider: "acme", site: "paris", queue: "nope", from: self.day, to: self.day + 86_400)
        #expect(none == IntervalMetricTotals())
        #expect(none.minThresholdSeconds == nil)

        let rows = try await self.store.intervals(provider: "acme", site: nil, from: self.day, to: self.day + 1_800, limit: 100)
        #expect(rows.map { "\($0.record.site)/\($0.record.queue)@\(Int($0.record.start.timeIntervalSince(self.day)))" } == [
            "lyon/billing@0", "paris/billing@0", "paris/sales@0", "paris/billing@900", "paris/sales@900",
        ])
        #expect(try await self.store.intervals(provider: "acme", site: nil, from: self.day, to: self.day + 86_400, limit: 3).count == 3)
        #expect(try await self.store.intervalCounts() == ["acme": 9, "globex": 1])
    }
}
