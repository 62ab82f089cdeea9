//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

import Crypto
import Foundation
import OversightModel
import OversightWire
import Testing

@testable import OversightAgent

@Suite struct OutboxTests {
    let directory: String
    let outbox: Outbox
    let key = Curve25519.Signing.PrivateKey()
    let identity = AgentIdentity(agentId: "agt_test", provider: "acme", site: "paris")
    let now = Date(timeIntervalSince1970: 1_790_000_000)

    init() throws {
        self.directory = NSTemporaryDirectory() + "outbox-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: self.directory, withIntermediateDirectories: true)
        self.outbox = try Outbox(path: self.directory + "/outbox.sqlite")
    }

    func records(_ ids: ClosedRange<Int>) -> [Record] {
        ids.map {
            .ticket(TicketRecord(provider: "acme", site: "paris", id: "T\($0)", status: .open, createdAt: self.now, updatedAt: self.now))
        }
    }

    func append(_ ids: ClosedRange<Int>, file: String) async throws {
        try await self.outbox.append(
            records: self.records(ids), fingerprint: file, fileName: file, source: "tickets", path: "/x", rejected: 0, now: self.now
        )
    }

    func seal(maxRecords: Int = 2, at offset: TimeInterval = 10) async throws -> Int {
        try await self.outbox.sealDue(
            identity: self.identity, key: self.key, maxRecords: maxRecords, maxAge: .seconds(1), maxSealed: 100, now: self.now + offset
        )
    }

    @Test func sealsSignedChainedBatchesThatVerify() async throws {
        try await self.append(1...5, file: "a")
        #expect(try await self.seal() == 3)
        let batches = try await self.outbox.sealed(from: 1, limit: 10)
        #expect(batches.map(\.seq) == [1, 2, 3])
        #expect(batches.map(\.recordCount) == [2, 2, 1])
        #expect(batches[0].prev == genesisBatchHash)
        for (index, batch) in batches.enumerated() {
            guard case .valid(let payload) = JWS.verify(batch.jws, key: self.key.publicKey, expectedKid: "agt_test", expectedType: JWS.batchType)
            else {
                Issue.record("batch \(batch.seq) does not verify")
                continue
            }
            #expect(JWS.sha256Hex(payload) == batch.hash)
            let decoded = try WireJSON.decode(BatchPayload.self, from: payload)
            #expect(decoded.seq == batch.seq && decoded.provider == "acme" && decoded.agentId == "agt_test")
            if index > 0 { #expect(decoded.prev == batches[index - 1].hash) }
        }
    }

    @Test func batchesStayWithinTheByteBudgetAndAreResealedWhenLimitsShrink() async throws {
        try await self.append(1...20, file: "a")
        // Each ticket body is ~300 bytes: a 2 KiB budget (1 KiB of it for the header) fits only a few per batch.
        let sealed = try await self.outbox.sealDue(
            identity: self.identity, key: self.key, maxRecords: 500, maxAge: .seconds(1), maxSealed: 100, now: self.now + 10,
            maxPayloadBytes: 2048
        )
        let batches = try await self.outbox.sealed(from: 1, limit: 100)
        #expect(sealed == batches.count && batches.count > 2)
        #expect(batches.map(\.recordCount).reduce(0, +) == 20)
        for batch in batches {
            #expect((Base64URL.decode(batch.jws.payload)?.count ?? .max) <= 2048 || batch.recordCount == 1)
        }
        // The coordinator now accepts fewer records per batch than were sealed: everything is sealed again.
        #expect(try await self.outbox.unsealIfOverLimits(maxRecords: 1, maxPayloadBytes: 1 << 20) == batches.count)
        #expect(try await self.outbox.sealed(from: 1, limit: 100).isEmpty)
        #expect(try await self.seal(maxRecords: 1) == 20)
        #expect(try await self.outbox.unsealIfOverLimits(maxRecords: 1, maxPayloadBytes: 1 << 20) == 0)
    }

    @Test func doesNotSealBeforeTheBatchIsDue() async throws {
        try await self.append(1...1, file: "a")
        #expect(try await self.seal(maxRecords: 10, at: 0.5) == 0)
        #expect(try await self.seal(maxRecords: 10, at: 1.5) == 1)
    }

    @Test func acknowledgementDeletesBatchAndRecordsOnlyThen() async throws {
        try await self.append(1...4, file: "a")
        _ = try await self.seal()
        let batches = try await self.outbox.sealed(from: 1, limit: 10)
        #expect(try await self.outbox.stats(now: self.now).depth == 4)
        #expect(try await !self.outbox.acknowledge(seq: 1, hash: "wrong", now: self.now))
        #expect(try await self.outbox.stats(now: self.now).depth == 4)
        #expect(try await self.outbox.acknowledge(seq: 1, hash: batches[0].hash, now: self.now))
        let stats = try await self.outbox.stats(now: self.now)
        #expect(stats.depth == 2 && stats.lastAckedSeq == 1 && stats.lastAckedHash == batches[0].hash && stats.sealedBatches == 1)
    }

    @Test func rebaseAcknowledgesWhatTheCoordinatorCommittedWhenTheAckWasLost() async throws {
        try await self.append(1...6, file: "a")
        _ = try await self.seal()
        let batches = try await self.outbox.sealed(from: 1, limit: 10)
        let outcome = try await self.outbox.rebase(coordinatorSeq: 2, coordinatorHash: batches[1].hash, now: self.now)
        #expect(outcome == .acknowledged(upTo: 2))
        #expect(try await self.outbox.sealed(from: 1, limit: 10).map(\.seq) == [3])
        #expect(try await self.outbox.stats(now: self.now).depth == 2)
    }

    @Test func snapshotBehindTheCoordinatorIsResealedAfterItsSeq() async throws {
        // The coordinator already committed seq 1...7 from a later life of this agent; our outbox is an old snapshot.
        try await self.append(1...3, file: "a")
        _ = try await self.seal()
        let outcome = try await self.outbox.rebase(coordinatorSeq: 7, coordinatorHash: String(repeating: "7", count: 64), now: self.now)
        #expect(outcome == .resealed(droppedBatches: 2, coordinatorSeq: 7))
        #expect(try await self.outbox.stats(now: self.now).depth == 3)
        _ = try await self.seal()
        let batches = try await self.outbox.sealed(from: 1, limit: 10)
        #expect(batches.map(\.seq) == [8, 9])
        #expect(batches[0].prev == String(repeating: "7", count: 64))
        #expect(batches.map(\.recordCount).reduce(0, +) == 3)
    }

    @Test func inSyncKeepsSealedBatches() async throws {
        try await self.append(1...2, file: "a")
        _ = try await self.seal()
        #expect(try await self.outbox.rebase(coordinatorSeq: 0, coordinatorHash: genesisBatchHash, now: self.now) == .inSync)
        #expect(try await self.outbox.sealed(from: 1, limit: 10).count == 1)
    }

    @Test func remembersIngestedFilesAndSourceErrors() async throws {
        try await self.append(1...2, file: "fp-1")
        #expect(try await self.outbox.isIngested(fingerprint: "fp-1"))
        #expect(try await !self.outbox.isIngested(fingerprint: "fp-2"))
        try await self.outbox.recordSourceError(source: "tickets", path: "/x", error: "folder missing", now: self.now)
        let status = try #require(try await self.outbox.sourceStatuses().first)
        #expect(status.filesTaken == 1 && status.rowsTaken == 2 && status.lastError == "folder missing")
    }
}

@Suite struct BackoffTests {
    /// A deterministic generator (SplitMix64).
    struct Seeded: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            self.state &+= 0x9E37_79B9_7F4A_7C15
            var z = self.state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    @Test func ceilingDoublesUpToTheMaximum() {
        var backoff = Backoff(initial: .seconds(1), maximum: .seconds(10))
        var ceilings: [Duration] = []
        var generator = Seeded(state: 42)
        for _ in 0..<6 {
            ceilings.append(backoff.ceiling)
            _ = backoff.next(using: &generator)
        }
        #expect(ceilings == [.seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(10), .seconds(10)])
    }

    @Test func delaysAreJitteredWithinTheCeiling() {
        var backoff = Backoff(initial: .seconds(1), maximum: .seconds(60))
        var generator = SystemRandomNumberGenerator()
        var delays = Set<Duration>()
        for _ in 0..<8 {
            let ceiling = backoff.ceiling
            let delay = backoff.next(using: &generator)
            #expect(delay >= .zero && delay <= ceiling)
            delays.insert(delay)
        }
        #expect(delays.count > 1)
    }

    @Test func onlyAStableConnectionResetsTheAttempts() {
        var backoff = Backoff(initial: .seconds(1), maximum: .seconds(60), stableAfter: .seconds(60))
        for _ in 0..<4 { _ = backoff.next() }
        backoff.connectionEnded(after: .seconds(2))
        #expect(backoff.attempt == 4)
        backoff.connectionEnded(after: .seconds(61))
        #expect(backoff.attempt == 0)
    }
}
