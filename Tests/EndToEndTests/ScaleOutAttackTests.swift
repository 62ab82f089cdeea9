//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The attack tests against the scale-out deployment (issue 12): PostgreSQL, two coordinators and haproxy. Every
// attack of AttackTests on each coordinator; a revoked agent connected to both is cut off by both within a second;
// one enrollment token raced by two enrollments, one per coordinator, enrolls exactly one agent; a batch committed
// through one coordinator and replayed to the other is not applied again, and a changed batch for that seq is refused.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightModel
import OversightStore
import OversightTesting
import OversightWire
import Testing

extension EndToEnd {
    @Suite(
        .enabled(
            if: (PostgresCluster.unavailableReason == nil && HAProxy.executable != nil) || ProcessInfo.processInfo.environment["CI"] != nil,
            "PostgreSQL binaries or haproxy not found"
        )
    )
    struct ScaleOutAttackTests {
        @Test(.timeLimit(.minutes(6)))
        func attacksOnEitherCoordinatorAreRefusedAndRecordedInTheSharedStore() async throws {
            try await withHarness("scale-out-attacks") { harness in
                let deployment = try await ScaleOutDeployment.start(harness, extraYAML: "limits:\n  hello_timeout: 2s\n")
                let (a, b) = (deployment.first, deployment.second)
                // The well-behaved agent syncs through haproxy (to either coordinator).
                let good = try harness.makeAgent(name: "good")
                let token = try await a.createToken(provider: "acme", site: "paris")
                let enrolled = try await good.enroll(coordinator: deployment.haproxy.address, token: token, fingerprint: try await a.fingerprint())
                try #require(enrolled.exitCode == 0, "enroll through haproxy: \(enrolled)")
                try good.start()
                try await deployment.withStore { store in
                    let drill = AttackDrill(coordinators: [a, b], store: store, harness: harness, good: good, cutOffWithin: .seconds(1))
                    try await drill.run()
                }
            }
        }

        @Test(.timeLimit(.minutes(4)))
        func oneTokenEnrollsOnceAndAReplayedBatchIsNotAppliedTwice() async throws {
            try await withHarness("scale-out-replay") { harness in
                let deployment = try await ScaleOutDeployment.start(harness)
                let (a, b) = (deployment.first, deployment.second)
                let fingerprint = try await a.fingerprint()
                let caPEM = try a.caPEM()

                // One token, two enrollments at once, one at each coordinator: exactly one enrolls. Five times.
                var enrolledAgents: [AgentProcess] = []
                for attempt in 0..<5 {
                    let token = try await a.createToken(provider: "acme", site: "race\(attempt)")
                    let first = try harness.makeAgent(name: "race\(attempt)-a")
                    let second = try harness.makeAgent(name: "race\(attempt)-b")
                    async let atA = first.enroll(coordinator: a.address, token: token, fingerprint: fingerprint)
                    async let atB = second.enroll(coordinator: b.address, token: token, fingerprint: fingerprint)
                    let (resultA, resultB) = try await (atA, atB)
                    let succeeded = [resultA, resultB].filter { $0.exitCode == 0 }.count
                    #expect(succeeded == 1, "attempt \(attempt): \(succeeded) enrollments with one token (A: \(resultA), B: \(resultB))")
                    let loser = resultA.exitCode == 0 ? second : first
                    if succeeded == 1 {
                        expectNothingEnrolled(in: loser.dataDirectory)
                        enrolledAgents.append(resultA.exitCode == 0 ? first : second)
                    }
                }
                try await deployment.withStore { store in
                    let agents = try await store.agents()
                    #expect(agents.count == 5, "one agent per token: \(agents.map(\.site))")
                    #expect(Set(agents.map(\.site)) == Set((0..<5).map { "race\($0)" }))
                }

                // A batch committed through A, replayed to B: acknowledged as the duplicate it is, not applied again;
                // a different batch for that seq (a replay with changed content) is refused at B as a chain mismatch.
                let agent = try #require(enrolledAgents.first)
                let credentials = try agent.credentials()
                let agentId = credentials.identity.agentId
                let signer = BatchSigner(credentials: credentials)
                let at = Date(timeIntervalSince1970: 1_767_300_000)
                let batch = try signer.sign(seq: 1, prev: genesisBatchHash, records: [signer.ticket("R-1", updatedAt: at), signer.ticket("R-2", updatedAt: at)])
                let toA = try await LeanClient.connect(port: a.port, caPEM: caPEM, credentials: credentials)
                _ = try await toA.hello(agentId: agentId)
                try await toA.send(batch: batch.jws)
                let committed = try #require(try await toA.next().ack)
                #expect(committed.seq == 1 && committed.status == "committed" && committed.applied == 2)
                await toA.close()

                let toB = try await LeanClient.connect(port: b.port, caPEM: caPEM, credentials: credentials)
                let welcome = try await toB.hello(agentId: agentId)
                #expect(welcome.lastSeq == 1 && welcome.lastHash == batch.hash, "B knows what A committed")
                try await toB.send(batch: batch.jws)
                let replayed = try #require(try await toB.next().ack)
                #expect(replayed.seq == 1 && replayed.status == "duplicate" && replayed.applied == 0, "\(replayed)")
                let changed = try signer.sign(seq: 1, prev: genesisBatchHash, records: [signer.ticket("R-1", status: .closed, updatedAt: at + 60)])
                try await toB.send(batch: changed.jws)
                let refused = try await toB.next()
                #expect(refused.error?.code == "chain_mismatch", "a changed batch 1 at B: \(refused)")
                #expect(try await toB.waitForEnd().isEnd)
                await toB.close()

                try await deployment.withStore { store in
                    try await eventually("chain_mismatch security event from B") { try await store.hasSecurityEvent("chain_mismatch", agentId: agentId) }
                    #expect(try await store.ticket(provider: "acme", id: "R-1")?.record.status == .open, "the changed batch was applied")
                    #expect(try await store.agent(id: agentId)?.lastSeq == 1)
                    let stored = try #require(try await store.batch(agentId: agentId, seq: 1))
                    #expect(stored.hash == batch.hash)
                    #expect(try await store.batch(agentId: agentId, seq: 2) == nil)
                }
            }
        }
    }
}
