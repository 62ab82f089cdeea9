//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightModel
import OversightStore
import OversightTesting
import Testing

extension EndToEnd {
    /// An enrolled agent whose clock is three hours ahead: its batches are taken as usual (record times come from the
    /// provider's exports), and the coordinator flags its clock, from its heartbeats, as one `clock_skew` security
    /// event; a real agent with a right clock beside it is not flagged.
    ///
    /// The skewed side is the lean protocol client with the enrolled agent's own credentials, over the same mutual
    /// TLS: the real agent binary cannot be run under libfaketime (with it preloaded, Swift's `CommandLine.arguments`
    /// comes up empty on Linux), and the coordinator, the part under test, is the real one.
    @Suite struct ClockSkewTests {
        @Test(.timeLimit(.minutes(2)))
        func anAgentWhoseClockIsHoursAheadIsTakenAndFlaggedOnce() async throws {
            try await withHarness("clock-skew") { harness in
                let coordinator = try await harness.startCoordinator()
                let honest = try await harness.startAgent(name: "honest", coordinator: coordinator, provider: "acme", site: "paris")
                let skewed = try harness.makeAgent(name: "skewed")
                try await skewed.enroll(with: coordinator, provider: "acme", site: "oslo")
                let credentials = try skewed.credentials()
                let skewedId = credentials.identity.agentId
                let store = try coordinator.openStore()

                try honest.drop("honest.csv", ExportFile.csv(ticketRows("H", count: 20)))
                let client = try await LeanClient.connect(port: coordinator.port, caPEM: try coordinator.caPEM(), credentials: credentials)
                _ = try await client.hello(agentId: skewedId)
                let signer = BatchSigner(credentials: credentials)
                let ahead: TimeInterval = 3 * 3600
                let (jws, _) = try signer.sign(seq: 1, prev: genesisBatchHash, records: [signer.ticket("S-1", updatedAt: Date().addingTimeInterval(-60))])
                try await client.send(batch: jws)
                let reply = try await client.next()
                #expect(reply.ack?.status == "committed", "the skewed agent's batch: \(reply)")
                for _ in 0..<3 {
                    let info = HeartbeatInfo(
                        version: "skewed", outboxDepth: 0, outboxBytes: 0, oldestUnsentAgeSeconds: 0, outboxFull: false, lastSourceError: nil,
                        lastAckedSeq: 1, sentAt: Date().addingTimeInterval(ahead)
                    )
                    try await client.send(.heartbeat(info))
                    try await Task.sleep(for: .milliseconds(300))
                }
                try await eventually("the skewed clock flagged") {
                    try await store.securityEvents(limit: 1_000).contains { $0.kind == "clock_skew" && $0.agentId == skewedId }
                }
                try await eventually("both agents' tickets stored") { try await store.ticketCount() == 21 }
                try await Task.sleep(for: .seconds(2))
                let events = try await store.securityEvents(limit: 1_000).filter { $0.kind == "clock_skew" }
                let flagged = events.filter { $0.agentId == skewedId }
                #expect(flagged.count == 1, "three skewed heartbeats gave \(flagged.count) events, not one")
                let detail = try #require(flagged.first?.detail)
                #expect(detail.hasPrefix("the agent's clock is 2 h 59 min") || detail.hasPrefix("the agent's clock is 3 h"), "\(detail)")
                #expect(detail.contains("ahead of the coordinator's"))
                let honestId = try honest.agentId()
                #expect(!events.contains { $0.agentId == honestId }, "an agent with a right clock was flagged")
                await client.close()
            }
        }
    }
}
