//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Rows never move between sites; rows stored before the integrity rules are found by `integrityFindings`.
//
//===----------------------------------------------------------------------===//

import Foundation
import GRDB
import OversightModel
import Testing

@testable import OversightStore

@Suite struct IntegrityStoreTests {
    let store: SQLiteStore
    let now = Date(timeIntervalSince1970: 1_790_000_000)

    init() async throws {
        self.store = try SQLiteStore()
        for (hash, site, extra, agent) in [("h1", "manila-1", [String](), "agt_h"), ("h2", "cebu-1", [], "agt_a"), ("h3", "cebu-1", ["cebu-2"], "agt_m")] {
            try await self.store.createToken(hash: hash, provider: "acme", site: site, extraSites: extra, createdAt: self.now, expiresAt: self.now + 3600)
            _ = try await self.store.consumeToken(
                hash: hash,
                agent: NewAgent(id: agent, hostname: "host", signingKey: "x", certificateSerial: "1", certificateNotAfter: self.now + 86400),
                now: self.now
            )
        }
    }

    func ticket(_ id: String, site: String, updated: TimeInterval, status: TicketStatus = .open) -> TicketRecord {
        TicketRecord(provider: "acme", site: site, id: id, status: status, createdAt: self.now - 3600, updatedAt: self.now + updated)
    }

    func commit(_ agent: String, _ seq: Int64, prev: String, _ tickets: [TicketRecord]) async throws -> CommitOutcome {
        try await self.store.commit(
            IncomingBatch(
                agentId: agent, seq: seq, hash: "\(agent)-\(seq)", prev: prev,
                jws: FlattenedJWS(protected: "p", payload: "\(agent)\(seq)", signature: "s"), receivedAt: self.now, tickets: tickets
            )
        )
    }

    @Test func extraSitesAreKeptFromTokenToAgent() async throws {
        #expect(try await self.store.agent(id: "agt_m")?.sites == ["cebu-1", "cebu-2"])
        #expect(try await self.store.agent(id: "agt_a")?.mayWrite(site: "manila-1") == false)
    }

    @Test func aRecordNeverReplacesAnotherSitesRowAndTheWholeBatchIsRolledBack() async throws {
        #expect(try await self.commit("agt_h", 1, prev: genesisBatchHash, [self.ticket("F-1", site: "manila-1", updated: 0)]) == .committed(applied: 1, stale: 0))
        // Newer, but of site cebu-1: refused, and the batch's other ticket is not stored either.
        let outcome = try await self.commit(
            "agt_a", 1, prev: genesisBatchHash, [self.ticket("C-1", site: "cebu-1", updated: 0), self.ticket("F-1", site: "cebu-1", updated: 60, status: .closed)]
        )
        #expect(outcome == .wrongSite(kind: "ticket", key: "F-1", storedSite: "manila-1"))
        #expect(try await self.store.ticket(provider: "acme", id: "C-1") == nil)
        #expect(try await self.store.agent(id: "agt_a")?.lastSeq == 0)
        #expect(try await self.store.ticket(provider: "acme", id: "F-1")?.record.status == .open)
        // An older version of the same site is just stale.
        #expect(try await self.commit("agt_h", 2, prev: "agt_h-1", [self.ticket("F-1", site: "manila-1", updated: -60)]) == .committed(applied: 0, stale: 1))
    }

    @Test func rowsStoredBeforeTheRulesAreFound() async throws {
        #expect(try await self.commit("agt_h", 1, prev: genesisBatchHash, [self.ticket("F-1", site: "manila-1", updated: 0)]) == .committed(applied: 1, stale: 0))
        #expect(try await self.commit("agt_m", 1, prev: genesisBatchHash, [self.ticket("M-2", site: "cebu-2", updated: 0)]) == .committed(applied: 1, stale: 0))
        #expect(try await self.store.integrityFindings(latest: self.now + 900, limit: 100).isEmpty)
        // What the defect allowed: cebu's agent overwrote F-1 with a date in year 9999; and a ticket dated 1970.
        try await self.store.writer.write { db in
            try db.execute(sql: "UPDATE ticket SET agent_id = 'agt_a', updated_at = 253402300799 WHERE id = 'F-1'")
            try db.execute(sql: "UPDATE ticket SET created_at = 0 WHERE id = 'M-2'")
        }
        let findings = try await self.store.integrityFindings(latest: self.now + 900, limit: 100)
        // Ordered by provider, site, kind, key.
        #expect(findings.map(\.key) == ["M-2", "F-1"])
        #expect(findings.map(\.problem) == ["too_early", "other_site"])
        #expect(findings.last?.agentId == "agt_a")
        #expect(try await self.store.integrityFindings(latest: self.now + 900, limit: 1).count == 1)
    }
}
