//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightModel
import Testing

@testable import OversightStore

@Suite struct SQLiteStoreTests {
    let store: SQLiteStore
    let now = Date(timeIntervalSince1970: 1_790_000_000)

    init() async throws {
        self.store = try SQLiteStore()
        try await self.store.createToken(hash: "h1", provider: "acme", site: "paris", createdAt: self.now, expiresAt: self.now + 3600)
        _ = try await self.store.consumeToken(
            hash: "h1",
            agent: NewAgent(id: "agt_a", hostname: "host", signingKey: "x", certificateSerial: "1", certificateNotAfter: self.now + 86400),
            now: self.now
        )
    }

    func ticket(_ id: String, updated: TimeInterval, status: TicketStatus = .open) -> TicketRecord {
        TicketRecord(
            provider: "acme", site: "paris", id: id, status: status, createdAt: self.now, updatedAt: self.now + updated
        )
    }

    func batch(_ seq: Int64, prev: String, hash: String, _ tickets: [TicketRecord]) -> IncomingBatch {
        IncomingBatch(
            agentId: "agt_a", seq: seq, hash: hash, prev: prev, jws: FlattenedJWS(protected: "p", payload: "x\(seq)", signature: "s"),
            receivedAt: self.now, tickets: tickets
        )
    }

    @Test func tokenIsOneTimeAndExpires() async throws {
        let agent = NewAgent(id: "agt_b", hostname: "h", signingKey: "x", certificateSerial: "2", certificateNotAfter: self.now)
        await #expect(throws: TokenProblem.used) { try await self.store.consumeToken(hash: "h1", agent: agent, now: self.now) }
        await #expect(throws: TokenProblem.unknown) { try await self.store.consumeToken(hash: "nope", agent: agent, now: self.now) }
        try await self.store.createToken(hash: "h2", provider: "acme", site: "paris", createdAt: self.now, expiresAt: self.now + 10)
        await #expect(throws: TokenProblem.expired) { try await self.store.consumeToken(hash: "h2", agent: agent, now: self.now + 11) }
        #expect(try await self.store.agent(id: "agt_b") == nil)
    }

    @Test func commitsInOrderAndAcknowledgesDuplicates() async throws {
        let first = try await self.store.commit(self.batch(1, prev: genesisBatchHash, hash: "h-1", [self.ticket("T1", updated: 10)]))
        #expect(first == .committed(applied: 1, stale: 0))
        let again = try await self.store.commit(self.batch(1, prev: genesisBatchHash, hash: "h-1", [self.ticket("T1", updated: 99)]))
        #expect(again == .duplicate)
        #expect(try await self.store.ticket(provider: "acme", id: "T1")?.record.updatedAt == self.now + 10)
        let agent = try #require(try await self.store.agent(id: "agt_a"))
        #expect(agent.lastSeq == 1 && agent.lastHash == "h-1")
    }

    @Test func replyHistoryIsStoredAndReadBackAndAbsentStaysAbsent() async throws {
        var replied = self.ticket("T1", updated: 10)
        replied.agentReplies = [self.now + 60, self.now + 3_600.5]
        replied.customerMessages = []
        let plain = self.ticket("T2", updated: 10)
        _ = try await self.store.commit(self.batch(1, prev: genesisBatchHash, hash: "h-1", [replied, plain]))
        let stored = try #require(try await self.store.ticket(provider: "acme", id: "T1")).record
        #expect(stored.agentReplies == [self.now + 60, self.now + 3_600.5])
        #expect(stored.customerMessages == [])
        #expect(try await self.store.ticket(provider: "acme", id: "T2")?.record.agentReplies == nil)
        // The SLA engine rebuilds from open tickets: the history must come back there too.
        let open = try await self.store.openTickets().sorted { $0.id < $1.id }
        #expect(open.map(\.agentReplies) == [[self.now + 60, self.now + 3_600.5], nil])
    }

    @Test func gapAsksForTheFirstMissingBatch() async throws {
        _ = try await self.store.commit(self.batch(1, prev: genesisBatchHash, hash: "h-1", [self.ticket("T1", updated: 10)]))
        let outcome = try await self.store.commit(self.batch(3, prev: "h-2", hash: "h-3", [self.ticket("T2", updated: 10)]))
        #expect(outcome == .gap(expected: 2, lastHash: "h-1"))
        #expect(try await self.store.ticket(provider: "acme", id: "T2") == nil)
    }

    @Test func brokenChainIsRefusedAndNothingIsApplied() async throws {
        _ = try await self.store.commit(self.batch(1, prev: genesisBatchHash, hash: "h-1", [self.ticket("T1", updated: 10)]))
        let wrongPrev = try await self.store.commit(self.batch(2, prev: "not-h-1", hash: "h-2", [self.ticket("T1", updated: 20)]))
        #expect(wrongPrev == .chainMismatch(expectedPrev: "h-1"))
        let rewrite = try await self.store.commit(self.batch(1, prev: genesisBatchHash, hash: "other", [self.ticket("T1", updated: 30)]))
        #expect(rewrite == .chainMismatch(expectedPrev: "h-1"))
        #expect(try await self.store.ticket(provider: "acme", id: "T1")?.record.updatedAt == self.now + 10)
    }

    @Test func olderUpdateNeverOverwritesNewer() async throws {
        _ = try await self.store.commit(self.batch(1, prev: genesisBatchHash, hash: "h-1", [self.ticket("T1", updated: 50, status: .solved)]))
        let outcome = try await self.store.commit(
            self.batch(2, prev: "h-1", hash: "h-2", [self.ticket("T1", updated: 40, status: .open), self.ticket("T1", updated: 50, status: .open)])
        )
        #expect(outcome == .committed(applied: 0, stale: 2))
        let stored = try #require(try await self.store.ticket(provider: "acme", id: "T1"))
        #expect(stored.record.status == .solved)
        #expect(stored.batchSeq == 1)
        let newer = try await self.store.commit(self.batch(3, prev: "h-2", hash: "h-3", [self.ticket("T1", updated: 60, status: .closed)]))
        #expect(newer == .committed(applied: 1, stale: 0))
        #expect(try await self.store.ticket(provider: "acme", id: "T1")?.record.status == .closed)
    }

    @Test func reportsOnlyTheTicketsThatChangedAndListsOpenOnes() async throws {
        _ = try await self.store.commit(
            self.batch(1, prev: genesisBatchHash, hash: "h-1", [self.ticket("T1", updated: 50), self.ticket("T2", updated: 50, status: .solved)])
        )
        let result = try await self.store.commitReportingChanges(
            self.batch(2, prev: "h-1", hash: "h-2", [self.ticket("T1", updated: 40), self.ticket("T3", updated: 10, status: .pending)])
        )
        #expect(result.outcome == .committed(applied: 1, stale: 1))
        #expect(result.appliedTickets.map(\.id) == ["T3"])
        let open = try await self.store.openTickets().map(\.id).sorted()
        #expect(open == ["T1", "T3"])
    }

    @Test func revokedAgentCannotCommit() async throws {
        #expect(try await self.store.revoke(agentId: "agt_a", now: self.now))
        #expect(try await self.store.revokedAgentIds() == ["agt_a"])
        let outcome = try await self.store.commit(self.batch(1, prev: genesisBatchHash, hash: "h-1", [self.ticket("T1", updated: 10)]))
        #expect(outcome == .revoked)
    }

    @Test func statusCountsPerProviderAndSite() async throws {
        _ = try await self.store.commit(
            self.batch(1, prev: genesisBatchHash, hash: "h-1", [self.ticket("T1", updated: 10), self.ticket("T2", updated: 20, status: .solved)])
        )
        try await self.store.recordHeartbeat(
            agentId: "agt_a",
            info: HeartbeatInfo(
                version: "1", outboxDepth: 3, outboxBytes: 10, oldestUnsentAgeSeconds: 1, outboxFull: false, lastSourceError: nil,
                lastAckedSeq: 1, sentAt: self.now
            ),
            now: self.now
        )
        let report = try await self.store.status(now: self.now + 30, offlineAfter: .seconds(90))
        let provider = try #require(report.providers.first)
        #expect(provider.provider == "acme" && provider.tickets == 2 && provider.openTickets == 1 && provider.agentsOnline == 1)
        #expect(provider.sites.map(\.site) == ["paris"])
        let later = try await self.store.status(now: self.now + 300, offlineAfter: .seconds(90))
        #expect(later.providers.first?.agentsOnline == 0)
    }
}

@Suite struct StoredJSONTests {
    @Test func handWrittenJSONRoundTripsThroughTheWireDecoder() throws {
        let tags = ["plain", "quote \" and \\ backslash", "new\nline\ttab", "\u{01}control", "ünïcödé 🚀", ""]
        let decodedTags = try WireJSON.decode([String].self, from: Data(SQLiteStore.jsonArray(tags).utf8))
        #expect(decodedTags == tags)
        #expect(SQLiteStore.jsonArray([]) == "[]")
        let changes = [
            TicketRecord.StatusChange(status: .onHold, at: Date(timeIntervalSince1970: 1_790_000_000.123)),
            TicketRecord.StatusChange(status: .solved, at: Date(timeIntervalSince1970: 1_790_000_100)),
        ]
        let decodedChanges = try WireJSON.decode([TicketRecord.StatusChange].self, from: Data(SQLiteStore.jsonStatusChanges(changes).utf8))
        #expect(decodedChanges.map(\.status) == changes.map(\.status))
        #expect(decodedChanges.map { WireJSON.format($0.at) } == changes.map { WireJSON.format($0.at) })
    }

    @Test func canonicalTimestampsParseExactlyLikeTheGeneralParser() throws {
        for text in ["2026-03-02T08:35:14.009Z", "2024-02-29T23:59:59.999Z", "1999-12-31T00:00:00Z", "2026-11-25T12:00:00.500Z"] {
            let fast = try #require(WireJSON.parseDate(text))
            #expect(WireJSON.format(fast) == (text.count == 20 ? text.replacingOccurrences(of: "Z", with: ".000Z") : text))
        }
        for text in ["2026-02-30T00:00:00Z", "2026-13-01T00:00:00.000Z", "2026-01-01T24:00:00Z"] {
            #expect(WireJSON.parseDate(text) == nil, "\(text) was parsed")
        }
    }
}
