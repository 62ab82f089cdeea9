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

/// The hostile inputs of the attack tests, run against every coordinator of a deployment — one coordinator on
/// SQLite (`AttackTests`), or two on one PostgreSQL behind haproxy (`ScaleOutAttackTests`) — while a well-behaved
/// agent keeps syncing. Each attack is made on each coordinator in turn, and each must leave a new security event of
/// its kind in the (shared) store.
struct AttackDrill: Sendable {
    /// The coordinators attacked, each in turn; the first makes tokens and revokes.
    let coordinators: [CoordinatorProcess]
    /// The store they write to (one SQLite file, or the shared PostgreSQL).
    let store: any CoordinatorStore
    let harness: Harness
    /// The well-behaved agent, already syncing.
    let good: AgentProcess
    /// How soon after the revocation every coordinator must have closed the revoked agent's connection.
    let cutOffWithin: Duration

    private var caPEM: String { get throws { try self.coordinators[0].caPEM() } }

    /// Waits for a security event of `kind` more than `before` (what `count` gave before the attack).
    func expectNewSecurityEvent(_ kind: String, agentId: String? = nil, detail: String? = nil, before: Int, on name: String) async throws {
        try await eventually("\(kind) security event from \(name)") {
            try await self.store.securityEventCount(kind, agentId: agentId, detail: detail) > before
        }
    }

    func count(_ kind: String, agentId: String? = nil, detail: String? = nil) async throws -> Int {
        try await self.store.securityEventCount(kind, agentId: agentId, detail: detail)
    }

    /// Runs every attack against every coordinator.
    func run() async throws {
        let store = self.store
        let caPEM = try self.caPEM
        let good = self.good
        let goodId = try good.agentId()
        let first = self.coordinators[0]
        let mallory = try self.harness.makeAgent(name: "mallory")
        try await mallory.enroll(with: first, provider: "acme", site: "rome")
        let malloryCredentials = try mallory.credentials()
        let malloryId = malloryCredentials.identity.agentId
        let signer = BatchSigner(credentials: malloryCredentials)
        let targets = self.coordinators.enumerated().map { (index: $0.offset, name: "coordinator \($0.offset + 1)", process: $0.element) }

        var round = 0
        /// The well-behaved agent's next file still arrives, and every coordinator still runs.
        func stillSyncing(after attack: String) async throws {
            round += 1
            let rows = ticketRows("GOOD\(round)", count: 5, offset: round * 10)
            try good.drop("good-\(round).csv", ExportFile.csv(rows))
            for row in rows {
                try await eventually("good agent's file \(round) arrives after \(attack)") {
                    try await store.ticket(provider: "acme", id: row.id) != nil
                }
            }
            for target in targets { #expect(target.process.isRunning, "\(target.name) died after \(attack)") }
        }
        try await stillSyncing(after: "start")

        for target in targets {
            let port = target.process.port
            // A forged signature: a batch under mallory's kid signed with another key.
            do {
                let before = try await self.count("bad_signature", agentId: malloryId)
                let client = try await LeanClient.connect(port: port, caPEM: caPEM, credentials: malloryCredentials)
                _ = try await client.hello(agentId: malloryId)
                var forger = signer
                forger.key = Curve25519.Signing.PrivateKey()
                let forged = try forger.sign(seq: 1, prev: genesisBatchHash, records: [forger.ticket("FORGED-\(target.index)", updatedAt: Date())])
                try await client.send(batch: forged.jws)
                let reply = try await client.next()
                #expect(reply.error?.code == "bad_signature", "\(target.name): got \(reply)")
                #expect(reply.error?.fatal == true)
                #expect(try await client.waitForEnd().isEnd)
                try await self.expectNewSecurityEvent("bad_signature", agentId: malloryId, before: before, on: target.name)
                #expect(try await store.ticket(provider: "acme", id: "FORGED-\(target.index)") == nil)
                await client.close()
            }
            try await stillSyncing(after: "a forged signature at \(target.name)")

            // A batch replayed from another agent: the good agent's batch 1 over mallory's connection.
            do {
                let before = try await self.count("kid_mismatch", agentId: malloryId)
                let stolen = try #require(try await store.batch(agentId: goodId, seq: 1))
                let client = try await LeanClient.connect(port: port, caPEM: caPEM, credentials: malloryCredentials)
                _ = try await client.hello(agentId: malloryId)
                try await client.send(batch: stolen.jws)
                let reply = try await client.next()
                #expect(reply.error?.code == "kid_mismatch", "\(target.name): got \(reply)")
                try await self.expectNewSecurityEvent("kid_mismatch", agentId: malloryId, before: before, on: target.name)
                #expect(try await store.agent(id: malloryId)?.lastSeq == 0)
                await client.close()
            }
            try await stillSyncing(after: "a replayed batch at \(target.name)")

            // A record claiming another provider, properly signed by mallory itself.
            do {
                let before = try await self.count("wrong_provider", agentId: malloryId)
                let client = try await LeanClient.connect(port: port, caPEM: caPEM, credentials: malloryCredentials)
                _ = try await client.hello(agentId: malloryId)
                let batch = try signer.sign(
                    seq: 1, prev: genesisBatchHash,
                    records: [
                        signer.ticket("MINE-\(target.index)", updatedAt: Date()),
                        signer.ticket("THEIRS-\(target.index)", updatedAt: Date(), provider: "globex"),
                    ]
                )
                try await client.send(batch: batch.jws)
                let reply = try await client.next()
                #expect(reply.error?.code == "wrong_provider", "\(target.name): got \(reply)")
                try await self.expectNewSecurityEvent("wrong_provider", agentId: malloryId, before: before, on: target.name)
                #expect(try await store.ticket(provider: "globex", id: "THEIRS-\(target.index)") == nil)
                #expect(try await store.ticket(provider: "acme", id: "MINE-\(target.index)") == nil, "a refused batch must not be applied in part")
                await client.close()
            }
            try await stillSyncing(after: "a cross-provider record at \(target.name)")

            // An oversized frame: a length prefix above 4 MiB.
            do {
                let before = try await self.count("frame_too_large")
                let client = try await LeanClient.connect(port: port, caPEM: caPEM, credentials: malloryCredentials)
                _ = try await client.hello(agentId: malloryId)
                let length = UInt32(4 * 1024 * 1024 + 1)
                try await client.sendRaw(
                    [UInt8(length >> 24), UInt8((length >> 16) & 0xff), UInt8((length >> 8) & 0xff), UInt8(length & 0xff)]
                        + Array(repeating: UInt8(ascii: "{"), count: 1024)
                )
                let reply = try await client.next()
                #expect(reply.error?.code == "frame_too_large", "\(target.name): got \(reply)")
                try await self.expectNewSecurityEvent("frame_too_large", before: before, on: target.name)
                await client.close()
            }
            try await stillSyncing(after: "an oversized frame at \(target.name)")

            // Random bytes on a raw TCP connection.
            do {
                let before = try await self.count("tls_failed")
                let client = try await LeanClient.connectRaw(port: port)
                var generator = SystemRandomNumberGenerator()
                try await client.sendRaw((0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) })
                #expect(try await client.waitForEnd().isEnd)
                try await self.expectNewSecurityEvent("tls_failed", before: before, on: target.name)
                await client.close()
            }
            try await stillSyncing(after: "random bytes at \(target.name)")

            // A TLS client without a certificate that sends hello.
            do {
                let before = try await self.count("no_client_certificate")
                let client = try await LeanClient.connect(port: port, caPEM: caPEM, credentials: nil)
                try await client.send(.hello(.init(agentId: goodId, version: "intruder")))
                let reply = try await client.next()
                #expect(reply.error?.code == "certificate_required", "\(target.name): got \(reply)")
                try await self.expectNewSecurityEvent("no_client_certificate", before: before, on: target.name)
                await client.close()
            }
            try await stillSyncing(after: "a hello without a certificate at \(target.name)")
        }

        // A revoked agent, connected to every coordinator at once: revoked through the first coordinator's CLI, every
        // live connection drops, and a new handshake fails everywhere.
        do {
            let victim = try self.harness.makeAgent(name: "revoked")
            try await victim.enroll(with: first, provider: "acme", site: "oslo")
            let credentials = try victim.credentials()
            let victimId = credentials.identity.agentId
            var live: [LeanClient] = []
            for target in targets {
                let client = try await LeanClient.connect(port: target.process.port, caPEM: caPEM, credentials: credentials)
                _ = try await client.hello(agentId: victimId)
                live.append(client)
            }
            let revoke = try await first.cli(["agents", "revoke", victimId] + first.configArguments)
            #expect(revoke.exitCode == 0, "\(revoke)")
            let revokedAt = ContinuousClock.now
            let cutOff = try await withThrowingTaskGroup(of: (Int, Bool, Duration).self) { group in
                for (index, client) in live.enumerated() {
                    group.addTask {
                        let end = try await client.waitForEnd(timeout: .seconds(10))
                        return (index, end.isEnd, ContinuousClock.now - revokedAt)
                    }
                }
                return try await group.reduce(into: [(Int, Bool, Duration)]()) { $0.append($1) }
            }
            for (index, ended, after) in cutOff.sorted(by: { $0.0 < $1.0 }) {
                print("[attacks] coordinator \(index + 1) cut the revoked agent off \(after) after the revocation")
                #expect(ended, "coordinator \(index + 1) kept the revoked agent's connection")
                #expect(after < self.cutOffWithin, "coordinator \(index + 1) cut the revoked agent off only after \(after)")
            }
            for client in live { await client.close() }

            for target in targets {
                let before = try await self.count("certificate_refused", detail: victimId) + self.count("revoked", agentId: victimId)
                let again = try await LeanClient.connect(port: target.process.port, caPEM: caPEM, credentials: credentials)
                do {
                    try await again.send(.hello(.init(agentId: victimId, version: "revoked")))
                    let reply = try await again.next()
                    switch reply {
                    case .failed, .closed: break
                    case .message(.error(let error)): #expect(error.code == "revoked", "\(target.name): got \(reply)")
                    default: Issue.record("\(target.name): a revoked agent got \(reply) instead of a failed handshake")
                    }
                } catch {
                    // The handshake failed before the hello could even be written: the refusal we want.
                }
                try await eventually("certificate_refused security event from \(target.name)") {
                    // Refused during the handshake, before the agent is identified: the detail names it.
                    try await self.count("certificate_refused", detail: victimId) + self.count("revoked", agentId: victimId) > before
                }
                await again.close()
                let list = try await target.process.cli(["agents", "list", "--json"] + target.process.configArguments)
                let agents = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])
                #expect(agents.first { $0["id"] as? String == victimId }?["state"] as? String == "revoked", "\(target.name)")
            }
        }
        try await stillSyncing(after: "a revocation")

        // A client that connects and sends nothing: closed after the configured hello timeout (2 s, default 10 s).
        for target in targets {
            let before = try await self.count("timeout")
            let client = try await LeanClient.connectRaw(port: target.process.port)
            let started = ContinuousClock.now
            let end = try await client.waitForEnd(timeout: .seconds(30))
            let elapsed = ContinuousClock.now - started
            #expect(end.isEnd)
            #expect(elapsed >= .milliseconds(1500), "\(target.name) closed after \(elapsed), before the hello timeout")
            #expect(elapsed < .seconds(8), "\(target.name) closed after \(elapsed): `serve --config` did not apply limits.hello_timeout: 2s")
            try await self.expectNewSecurityEvent("timeout", before: before, on: target.name)
            await client.close()
        }
        try await stillSyncing(after: "a silent client")
    }
}

extension EndToEnd {
    /// Hostile input while a well-behaved agent keeps syncing on the same coordinator.
    @Suite struct AttackTests {
        @Test(.timeLimit(.minutes(3)))
        func attacksAreRefusedRecordedAndNeverStopTheCoordinator() async throws {
            try await withHarness("attacks") { harness in
                let coordinator = try await harness.startCoordinator(configYAML: "limits:\n  hello_timeout: 2s\n")
                let good = try await harness.startAgent(name: "good", coordinator: coordinator, provider: "acme", site: "paris")
                let drill = AttackDrill(
                    coordinators: [coordinator], store: try coordinator.openStore(), harness: harness, good: good, cutOffWithin: .seconds(5)
                )
                try await drill.run()
            }
        }
    }
}
