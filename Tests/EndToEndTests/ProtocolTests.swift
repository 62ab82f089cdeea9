//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightModel
import OversightStore
import OversightTesting
import OversightWire
import Testing

extension EndToEnd {
    /// Duplicates, gaps, chain rewrites and stale updates, spoken by a lean client with an enrolled agent's keys.
    @Suite struct ProtocolTests {
        @Test(.timeLimit(.minutes(3)))
        func duplicatesGapsChainMismatchAndStaleUpdates() async throws {
            try await withHarness("protocol") { harness in
                let coordinator = try await harness.startCoordinator()
                let store = try coordinator.openStore()
                let caPEM = try coordinator.caPEM()
                let agent = try harness.makeAgent(name: "lean")
                try await agent.enroll(with: coordinator, provider: "acme", site: "berlin")
                let credentials = try agent.credentials()
                let agentId = credentials.identity.agentId
                let signer = BatchSigner(credentials: credentials)
                let newer = Date(timeIntervalSince1970: 1_767_300_000)
                let older = newer.addingTimeInterval(-600)

                let client = try await LeanClient.connect(port: coordinator.port, caPEM: caPEM, credentials: credentials)
                let welcome = try await client.hello(agentId: agentId)
                #expect(welcome.lastSeq == 0 && welcome.lastHash == genesisBatchHash)
                #expect(welcome.provider == "acme" && welcome.site == "berlin")

                // Batch 1 commits.
                let first = try signer.sign(
                    seq: 1, prev: genesisBatchHash,
                    records: [signer.ticket("T-1", status: .pending, updatedAt: newer), signer.ticket("T-2", updatedAt: newer)]
                )
                try await client.send(batch: first.jws)
                let ack1 = try #require(try await client.next().ack)
                #expect(ack1.seq == 1 && ack1.status == "committed" && ack1.applied == 2 && ack1.hash == first.hash)

                // The same batch again: acknowledged as a duplicate, nothing applied.
                try await client.send(batch: first.jws)
                let duplicate = try #require(try await client.next().ack)
                #expect(duplicate.seq == 1 && duplicate.status == "duplicate" && duplicate.applied == 0)
                #expect(try await store.ticketCount() == 2)
                #expect(try await store.agent(id: agentId)?.lastSeq == 1)

                // A batch skipping ahead: the coordinator asks for a resend from 2.
                let ahead = try signer.sign(seq: 3, prev: String(repeating: "1", count: 64), records: [signer.ticket("T-3", updatedAt: newer)])
                try await client.send(batch: ahead.jws)
                let reply = try await client.next()
                guard case .message(.resend(let resend)) = reply else {
                    Issue.record("expected resend, got \(reply)")
                    return
                }
                #expect(resend.fromSeq == 2 && resend.lastHash == first.hash)
                #expect(try await store.ticket(provider: "acme", id: "T-3") == nil)

                // The right seq with the wrong prev: chain_mismatch, fatal.
                let rewritten = try signer.sign(seq: 2, prev: genesisBatchHash, records: [signer.ticket("T-4", updatedAt: newer)])
                try await client.send(batch: rewritten.jws)
                let mismatch = try await client.next()
                #expect(mismatch.error?.code == "chain_mismatch", "got \(mismatch)")
                #expect(mismatch.error?.seq == 2)
                #expect(try await client.waitForEnd().isEnd)
                await client.close()
                #expect(try await store.ticket(provider: "acme", id: "T-4") == nil)
                try await eventually("chain_mismatch security event") { try await store.hasSecurityEvent("chain_mismatch", agentId: agentId) }

                // Reconnect: an older updatedAt for T-1 does not overwrite the newer one (counted stale).
                let again = try await LeanClient.connect(port: coordinator.port, caPEM: caPEM, credentials: credentials)
                let second = try await again.hello(agentId: agentId)
                #expect(second.lastSeq == 1 && second.lastHash == first.hash)
                let stale = try signer.sign(
                    seq: 2, prev: first.hash,
                    records: [signer.ticket("T-1", status: .closed, updatedAt: older), signer.ticket("T-5", updatedAt: newer)]
                )
                try await again.send(batch: stale.jws)
                let ack2 = try #require(try await again.next().ack)
                #expect(ack2.seq == 2 && ack2.status == "committed" && ack2.applied == 1 && ack2.stale == 1)
                let t1 = try #require(try await store.ticket(provider: "acme", id: "T-1"))
                #expect(t1.record.status == .pending && t1.record.updatedAt == newer && t1.batchSeq == 1)
                #expect(try await store.ticketCount() == 3)
                let chain = try await store.committedChain(agentId: agentId, key: credentials.signingKey.publicKey)
                #expect(chain.lastSeq == 2 && chain.recordCountSum == 4)
                await again.close()
            }
        }
    }
}
