//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

import Crypto
import Foundation
import OversightModel
import OversightStore
import OversightTesting
import OversightWire
import Testing

extension EndToEnd {
    /// Hostile input while a well-behaved agent keeps syncing on the same coordinator.
    @Suite struct AttackTests {
        @Test(.timeLimit(.minutes(3)))
        func attacksAreRefusedRecordedAndNeverStopTheCoordinator() async throws {
            try await withHarness("attacks") { harness in
                let coordinator = try await harness.startCoordinator(configYAML: "limits:\n  hello_timeout: 2s\n")
                let store = try coordinator.openStore()
                let caPEM = try coordinator.caPEM()
                let good = try await harness.startAgent(name: "good", coordinator: coordinator, provider: "acme", site: "paris")
                let goodId = try good.agentId()
                let mallory = try harness.makeAgent(name: "mallory")
                try await mallory.enroll(with: coordinator, provider: "acme", site: "rome")
                let malloryCredentials = try mallory.credentials()
                let malloryId = malloryCredentials.identity.agentId
                let signer = BatchSigner(credentials: malloryCredentials)

                var round = 0
                /// The well-behaved agent's next file still arrives, and the coordinator still runs.
                func stillSyncing(after attack: String) async throws {
                    round += 1
                    let rows = ticketRows("GOOD\(round)", count: 5, offset: round * 10)
                    try good.drop("good-\(round).csv", ExportFile.csv(rows))
                    for row in rows {
                        try await eventually("good agent's file \(round) arrives after \(attack)") {
                            try await store.ticket(provider: "acme", id: row.id) != nil
                        }
                    }
                    #expect(coordinator.isRunning, "the coordinator died after \(attack)")
                }
                try await stillSyncing(after: "start")

                // A forged signature: a batch under mallory's kid signed with another key.
                do {
                    let client = try await LeanClient.connect(port: coordinator.port, caPEM: caPEM, credentials: malloryCredentials)
                    _ = try await client.hello(agentId: malloryId)
                    var forger = signer
                    forger.key = Curve25519.Signing.PrivateKey()
                    let forged = try forger.sign(seq: 1, prev: genesisBatchHash, records: [forger.ticket("FORGED-1", updatedAt: Date())])
                    try await client.send(batch: forged.jws)
                    let reply = try await client.next()
                    #expect(reply.error?.code == "bad_signature", "got \(reply)")
                    #expect(reply.error?.fatal == true)
                    #expect(try await client.waitForEnd().isEnd)
                    try await eventually("bad_signature security event") { try await store.hasSecurityEvent("bad_signature", agentId: malloryId) }
                    #expect(try await store.ticket(provider: "acme", id: "FORGED-1") == nil)
                    await client.close()
                }
                try await stillSyncing(after: "a forged signature")

                // A batch replayed from another agent: the good agent's batch 1 over mallory's connection.
                do {
                    let stolen = try #require(try await store.batch(agentId: goodId, seq: 1))
                    let client = try await LeanClient.connect(port: coordinator.port, caPEM: caPEM, credentials: malloryCredentials)
                    _ = try await client.hello(agentId: malloryId)
                    try await client.send(batch: stolen.jws)
                    let reply = try await client.next()
                    #expect(reply.error?.code == "kid_mismatch", "got \(reply)")
                    try await eventually("kid_mismatch security event") { try await store.hasSecurityEvent("kid_mismatch", agentId: malloryId) }
                    #expect(try await store.agent(id: malloryId)?.lastSeq == 0)
                    await client.close()
                }
                try await stillSyncing(after: "a replayed batch")

                // A record claiming another provider, properly signed by mallory itself.
                do {
                    let client = try await LeanClient.connect(port: coordinator.port, caPEM: caPEM, credentials: malloryCredentials)
                    _ = try await client.hello(agentId: malloryId)
                    let batch = try signer.sign(
                        seq: 1, prev: genesisBatchHash,
                        records: [signer.ticket("MINE-1", updatedAt: Date()), signer.ticket("THEIRS-1", updatedAt: Date(), provider: "globex")]
                    )
                    try await client.send(batch: batch.jws)
                    let reply = try await client.next()
                    #expect(reply.error?.code == "wrong_provider", "got \(reply)")
                    try await eventually("wrong_provider security event") { try await store.hasSecurityEvent("wrong_provider", agentId: malloryId) }
                    #expect(try await store.ticket(provider: "globex", id: "THEIRS-1") == nil)
                    #expect(try await store.ticket(provider: "acme", id: "MINE-1") == nil, "a refused batch must not be applied in part")
                    await client.close()
                }
                try await stillSyncing(after: "a cross-provider record")

                // An oversized frame: a length prefix above 4 MiB.
                do {
                    let client = try await LeanClient.connect(port: coordinator.port, caPEM: caPEM, credentials: malloryCredentials)
                    _ = try await client.hello(agentId: malloryId)
                    let length = UInt32(4 * 1024 * 1024 + 1)
                    try await client.sendRaw(
                        [UInt8(length >> 24), UInt8((length >> 16) & 0xff), UInt8((length >> 8) & 0xff), UInt8(length & 0xff)]
                            + Array(repeating: UInt8(ascii: "{"), count: 1024)
                    )
                    let reply = try await client.next()
                    #expect(reply.error?.code == "frame_too_large", "got \(reply)")
                    try await eventually("frame_too_large security event") { try await store.hasSecurityEvent("frame_too_large") }
                    await client.close()
                }
                try await stillSyncing(after: "an oversized frame")

                // Random bytes on a raw TCP connection.
                do {
                    let client = try await LeanClient.connectRaw(port: coordinator.port)
                    var generator = SystemRandomNumberGenerator()
                    try await client.sendRaw((0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) })
                    #expect(try await client.waitForEnd().isEnd)
                    try await eventually("tls_failed security event") { try await store.hasSecurityEvent("tls_failed") }
                    await client.close()
                }
                try await stillSyncing(after: "random bytes")

                // A TLS client without a certificate that sends hello.
                do {
                    let client = try await LeanClient.connect(port: coordinator.port, caPEM: caPEM, credentials: nil)
                    try await client.send(.hello(.init(agentId: goodId, version: "intruder")))
                    let reply = try await client.next()
                    #expect(reply.error?.code == "certificate_required", "got \(reply)")
                    try await eventually("no_client_certificate security event") { try await store.hasSecurityEvent("no_client_certificate") }
                    await client.close()
                }
                try await stillSyncing(after: "a hello without a certificate")

                // A revoked agent: its live connection drops, and a new handshake fails.
                do {
                    let victim = try harness.makeAgent(name: "revoked")
                    try await victim.enroll(with: coordinator, provider: "acme", site: "oslo")
                    let credentials = try victim.credentials()
                    let victimId = credentials.identity.agentId
                    let live = try await LeanClient.connect(port: coordinator.port, caPEM: caPEM, credentials: credentials)
                    _ = try await live.hello(agentId: victimId)
                    let revoke = try await coordinator.cli(["agents", "revoke", victimId])
                    #expect(revoke.exitCode == 0, "\(revoke)")
                    let started = ContinuousClock.now
                    let end = try await live.waitForEnd(timeout: .seconds(10))
                    #expect(end.isEnd)
                    #expect(ContinuousClock.now - started < .seconds(5), "the revoked agent's connection took too long to drop")
                    await live.close()

                    let again = try await LeanClient.connect(port: coordinator.port, caPEM: caPEM, credentials: credentials)
                    do {
                        try await again.send(.hello(.init(agentId: victimId, version: "revoked")))
                        let reply = try await again.next()
                        switch reply {
                        case .failed, .closed: break
                        case .message(.error(let error)): #expect(error.code == "revoked", "got \(reply)")
                        default: Issue.record("a revoked agent got \(reply) instead of a failed handshake")
                        }
                    } catch {
                        // The handshake failed before the hello could even be written: the refusal we want.
                    }
                    try await eventually("certificate_refused security event") {
                        // Refused during the handshake, before the agent is identified: the detail names it.
                        let refused = try await store.hasSecurityEvent("certificate_refused", detail: victimId)
                        let revoked = try await store.hasSecurityEvent("revoked", agentId: victimId)
                        return refused || revoked
                    }
                    await again.close()
                    let list = try await coordinator.cli(["agents", "list", "--json"])
                    let agents = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])
                    #expect(agents.first { $0["id"] as? String == victimId }?["state"] as? String == "revoked")
                }
                try await stillSyncing(after: "a revocation")

                // A client that connects and sends nothing: closed after the configured hello timeout (2 s, default 10 s).
                do {
                    let client = try await LeanClient.connectRaw(port: coordinator.port)
                    let started = ContinuousClock.now
                    let end = try await client.waitForEnd(timeout: .seconds(30))
                    let elapsed = ContinuousClock.now - started
                    #expect(end.isEnd)
                    #expect(elapsed >= .milliseconds(1500), "closed after \(elapsed), before the hello timeout")
                    #expect(elapsed < .seconds(8), "closed after \(elapsed): `serve --config` did not apply limits.hello_timeout: 2s")
                    try await eventually("timeout security event") { try await store.hasSecurityEvent("timeout") }
                    await client.close()
                }
                try await stillSyncing(after: "a silent client")
            }
        }
    }
}
