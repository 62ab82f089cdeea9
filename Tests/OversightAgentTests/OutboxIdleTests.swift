//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The outbox's idle shortcut: sealing skips the database only while nothing could have changed.
//
//===----------------------------------------------------------------------===//

import Crypto
import Foundation
import OversightModel
import OversightWire
import Testing

@testable import OversightAgent

@Suite struct OutboxIdleTests {
    let outbox: Outbox
    let key = Curve25519.Signing.PrivateKey()
    let identity = AgentIdentity(agentId: "agt_test", provider: "acme", site: "paris")
    let now = Date(timeIntervalSince1970: 1_790_000_000)

    init() throws {
        let directory = NSTemporaryDirectory() + "outbox-idle-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        self.outbox = try Outbox(path: directory + "/outbox.sqlite")
    }

    func append(_ ids: ClosedRange<Int>, file: String) async throws {
        let records: [Record] = ids.map {
            .ticket(TicketRecord(provider: "acme", site: "paris", id: "T\($0)", status: .open, createdAt: self.now, updatedAt: self.now))
        }
        try await self.outbox.append(records: records, fingerprint: file, fileName: file, source: "tickets", path: "/x", rejected: 0, now: self.now)
    }

    func seal(at offset: TimeInterval, maxSealed: Int = 100) async throws -> Int {
        try await self.outbox.sealDue(
            identity: self.identity, key: self.key, maxRecords: 2, maxAge: .seconds(1), maxSealed: maxSealed, now: self.now + offset
        )
    }

    @Test func recordsAddedAfterAnEmptyLookAreStillSealed() async throws {
        #expect(try await self.seal(at: 10) == 0)
        #expect(try await self.seal(at: 20) == 0)
        try await self.append(1...3, file: "a")
        // Not due yet (one record younger than max_age is left over after the full batch): looked at again later.
        #expect(try await self.seal(at: 0) == 1)
        #expect(try await self.seal(at: 10) == 1)
        #expect(try await self.seal(at: 20) == 0)
        try await self.append(4...4, file: "b")
        #expect(try await self.seal(at: 30) == 1)
        #expect(try await self.outbox.sealed(from: 1, limit: 10).map(\.recordCount) == [2, 1, 1])
    }

    @Test func acknowledgementsAndRebasesLetSealingResume() async throws {
        try await self.append(1...6, file: "a")
        // At most two sealed ahead of acknowledgements: the third batch waits.
        #expect(try await self.seal(at: 10, maxSealed: 2) == 2)
        #expect(try await self.seal(at: 10, maxSealed: 2) == 0)
        let first = try #require(try await self.outbox.sealed(from: 1, limit: 1).first)
        #expect(try await self.outbox.acknowledge(seq: first.seq, hash: first.hash, now: self.now))
        #expect(try await self.seal(at: 10, maxSealed: 2) == 1)
        #expect(try await self.seal(at: 10, maxSealed: 2) == 0)
        // The coordinator lost everything after seq 1: batches are unsealed and must be sealed again.
        _ = try await self.outbox.rebase(coordinatorSeq: 0, coordinatorHash: genesisBatchHash, now: self.now)
        #expect(try await self.seal(at: 10, maxSealed: 10) > 0)
    }

    @Test func sendableRespectsTheInFlightWindow() async throws {
        try await self.append(1...10, file: "a")
        #expect(try await self.seal(at: 10) == 5)
        let start = try await self.outbox.sendable(next: 1, inFlight: 2)
        #expect(start.lastAckedSeq == 0 && start.batches.map(\.seq) == [1, 2])
        // Two sent, none acknowledged: nothing more.
        #expect(try await self.outbox.sendable(next: 3, inFlight: 2).batches.isEmpty)
        let second = try #require(try await self.outbox.sealed(from: 2, limit: 1).first)
        #expect(try await self.outbox.acknowledge(seq: second.seq, hash: second.hash, now: self.now))
        let after = try await self.outbox.sendable(next: 3, inFlight: 2)
        #expect(after.lastAckedSeq == 2 && after.batches.map(\.seq) == [3, 4])
    }
}
