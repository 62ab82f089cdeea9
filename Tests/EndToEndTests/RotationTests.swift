//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightAgent
import OversightModel
import OversightStore
import OversightTesting
import OversightWire
import Testing
import X509

extension EndToEnd {
    /// CA rollover and command-key rotation with real agents that keep syncing throughout (docs/operations.md): every
    /// step is the CLI against a serving coordinator; agents learn what to trust from signed `trust` commands.
    @Suite struct RotationTests {
        /// `ca status --json` of `coordinator`.
        static func status(_ coordinator: CoordinatorProcess) async throws -> [String: Any] {
            let result = try await coordinator.cli(["ca", "status", "--json"])
            #expect(result.exitCode == 0, "\(result)")
            return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        }

        static func agents(_ status: [String: Any]) -> [[String: Any]] { status["agents"] as? [[String: Any]] ?? [] }

        static func fingerprint(_ status: [String: Any], role: String) -> String? {
            (status["authorities"] as? [[String: Any]])?.first { $0["role"] as? String == role }?["fingerprint"] as? String
        }

        static func thumbprint(_ status: [String: Any], role: String) -> String? {
            (status["keys"] as? [[String: Any]])?.first { $0["role"] as? String == role }?["thumbprint"] as? String
        }

        /// The CA fingerprints of an agent's `ca.pem`.
        static func agentCAs(_ agent: AgentProcess) throws -> [String] {
            let pem = try String(contentsOf: agent.dataDirectory.appendingPathComponent("ca.pem"), encoding: .utf8)
            return try AgentTrust.certificates(inPEM: pem).map(CertificateAuthority.fingerprint(of:))
        }

        @Test(.timeLimit(.minutes(5)))
        func aCARolloverReplacesTheCAWhileAgentsKeepSyncing() async throws {
            try await withHarness("ca-rollover") { harness in
                let coordinator = try await harness.startCoordinator()
                let paris = try await harness.startAgent(name: "paris", coordinator: coordinator, provider: "acme", site: "paris")
                let oslo = try await harness.startAgent(name: "oslo", coordinator: coordinator, provider: "acme", site: "oslo")
                let store = try coordinator.openStore()
                var expected = 0
                var round = 0
                /// Both agents send a file; waits until the coordinator stored it.
                func sync(_ why: String) async throws {
                    round += 1
                    try paris.drop("p\(round).csv", ExportFile.csv(ticketRows("P\(round)", count: 2)))
                    try oslo.drop("o\(round).csv", ExportFile.csv(ticketRows("O\(round)", count: 2)))
                    expected += 4
                    let wanted = expected
                    try await eventually("tickets stored \(why)", timeout: .seconds(60)) { try await store.ticketCount() == wanted }
                }
                try await sync("before the rollover")
                let oldCA = try #require(Self.fingerprint(try await Self.status(coordinator), role: "current"))
                #expect(try Self.agentCAs(paris) == [oldCA])
                // An old-CA certificate kept aside: after the retire step it must be refused.
                let oldCredentials = try oslo.credentials()

                // Promote before anything is staged, and retire without a previous CA: clear refusals.
                let early = try await coordinator.cli(["ca", "rollover", "promote"])
                #expect(early.exitCode != 0 && early.stderr.contains("no CA rollover is staged"), "\(early)")

                // 1. Stage: the agents are told to trust the new CA and renew from it.
                let stage = try await coordinator.cli(["ca", "rollover", "stage"])
                #expect(stage.exitCode == 0, "\(stage)")
                let newCA = try #require(Self.fingerprint(try await Self.status(coordinator), role: "next"))
                #expect(newCA != oldCA)
                try await sync("after staging")
                try await eventually("both agents trust both CAs and renewed from the new one", timeout: .seconds(60)) {
                    try await sync("while waiting for the renewals")
                    let agents = Self.agents(try await Self.status(coordinator))
                    return agents.count == 2
                        && agents.allSatisfy {
                            Set($0["trustsCAs"] as? [String] ?? []) == [oldCA, newCA] && $0["certificateIssuer"] as? String == newCA
                        }
                }
                #expect(Set(try Self.agentCAs(paris)) == [oldCA, newCA])
                // The renewed certificate on disk is from the new CA.
                let renewed = try Certificate(pemEncoded: try oslo.credentials().certificatePEM)
                let bundle = try AgentTrust.certificates(inPEM: try oslo.credentials().caPEM)
                let newCertificate = try #require(bundle.first { CertificateAuthority.fingerprint(of: $0) == newCA })
                #expect(renewed.issuer == newCertificate.subject)

                // Retire is refused before promote.
                let tooSoon = try await coordinator.cli(["ca", "rollover", "retire"])
                #expect(tooSoon.exitCode != 0 && tooSoon.stderr.contains("promote"), "\(tooSoon)")

                // 2. Promote: the server presents a certificate from the new CA (seen by agents on their next connection).
                let promote = try await coordinator.cli(["ca", "rollover", "promote"])
                #expect(promote.exitCode == 0, "\(promote)")
                let promoted = try await Self.status(coordinator)
                #expect(Self.fingerprint(promoted, role: "current") == newCA)
                #expect(Self.fingerprint(promoted, role: "previous") == oldCA)
                #expect(try await coordinator.fingerprint() == newCA)
                try await eventually("the coordinator serves the new CA's certificate", timeout: .seconds(30)) {
                    (coordinator.process?.log() ?? "").split(separator: "\n").contains {
                        $0.contains("key material reloaded") && $0.contains("oversight.ca.current=\(newCA)")
                    }
                }
                // Paris reconnects (agent restart) and gets the new server certificate; Oslo's connection stays open, still
                // with the old CA's server certificate.
                await paris.stop()
                try paris.start()
                try await sync("after promoting, Paris restarted")

                // 3. Retire: the agents are told to stop trusting the old CA; its certificates are refused.
                let retire = try await coordinator.cli(["ca", "rollover", "retire"])
                #expect(retire.exitCode == 0, "\(retire)")
                try await eventually("Paris trusts only the new CA", timeout: .seconds(60)) {
                    try await sync("while waiting for the retirement")
                    return try Self.agentCAs(paris) == [newCA]
                }
                // Oslo's open connection presents the old CA's server certificate: it is not told to drop that CA (it would
                // rightly refuse) until it reconnects.
                try await sync("after retiring, Oslo still on its old connection")
                #expect(Set(try Self.agentCAs(oslo)) == [oldCA, newCA])
                // Restart the coordinator: every agent reconnects by itself to a server whose chain leads only to the new CA.
                await coordinator.stop()
                try await coordinator.start()
                try await eventually("both agents trust only the new CA", timeout: .seconds(60)) {
                    try await sync("after the restart")
                    return try Self.agentCAs(paris) == [newCA] && Self.agentCAs(oslo) == [newCA]
                }
                let done = try await Self.status(coordinator)
                #expect(Self.fingerprint(done, role: "previous") == nil)
                #expect(Self.agents(done).allSatisfy { $0["pending"] == nil }, "\(done)")
                let refusedCommands = try await store.securityEvents(limit: 10_000).filter { $0.kind == "command_refused" }
                #expect(refusedCommands.isEmpty, "\(refusedCommands)")

                // A client certificate from the retired CA no longer gets in (the coordinator's CA check refuses it).
                let osloId = oldCredentials.identity.agentId
                if let client = try? await LeanClient.connect(port: coordinator.port, caPEM: try coordinator.caPEM(), credentials: oldCredentials) {
                    let welcome = try? await client.hello(agentId: osloId)
                    #expect(welcome == nil, "a certificate of the retired CA was let in")
                    await client.close()
                }
                try await eventually("the old CA's certificate was refused", timeout: .seconds(30)) {
                    try await store.hasSecurityEvent("certificate_refused", agentId: osloId)
                }

                // A new agent enrolls with the new fingerprint.
                let lyon = try await harness.startAgent(name: "lyon", coordinator: coordinator, provider: "acme", site: "lyon")
                try lyon.drop("l.csv", ExportFile.csv(ticketRows("L", count: 1)))
                let wanted = expected + 1
                try await eventually("the new agent's ticket stored", timeout: .seconds(60)) { try await store.ticketCount() == wanted }
                #expect(try lyon.credentials().identity.caFingerprint == newCA)
            }
        }

        @Test(.timeLimit(.minutes(4)))
        func aNewCommandKeyIsAnnouncedThenPromotedWhileAgentsKeepSyncing() async throws {
            try await withHarness("signing-key-rotation") { harness in
                let coordinator = try await harness.startCoordinator()
                let agent = try await harness.startAgent(name: "paris", coordinator: coordinator, provider: "acme", site: "paris")
                let store = try coordinator.openStore()
                var round = 0
                func sync() async throws {
                    round += 1
                    try agent.drop("t\(round).csv", ExportFile.csv(ticketRows("T\(round)", count: 1)))
                    let wanted = round
                    try await eventually("ticket \(round) stored", timeout: .seconds(60)) { try await store.ticketCount() == wanted }
                }
                func keys() throws -> [String] { try agent.credentials().identity.acceptedCoordinatorKeys.map(JWS.thumbprint(of:)) }
                func status() async throws -> [String: Any] {
                    let result = try await coordinator.cli(["signing-key", "status", "--json"])
                    #expect(result.exitCode == 0, "\(result)")
                    return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
                }
                try await sync()
                let old = try #require(Self.thumbprint(try await status(), role: "current"))
                #expect(try keys() == [old])

                let early = try await coordinator.cli(["signing-key", "promote"])
                #expect(early.exitCode != 0 && early.stderr.contains("no next command key"), "\(early)")
                let stage = try await coordinator.cli(["signing-key", "stage"])
                #expect(stage.exitCode == 0, "\(stage)")
                let next = try #require(Self.thumbprint(try await status(), role: "next"))
                try await eventually("the agent accepts the current and the next key", timeout: .seconds(60)) {
                    try await sync()
                    return try Set(keys()) == [old, next]
                }
                try await eventually("the coordinator knows the agent accepts the next key", timeout: .seconds(30)) {
                    Self.agents(try await status()).first?["acceptsKeys"] as? [String] == [old, next]
                }
                let promote = try await coordinator.cli(["signing-key", "promote"])
                #expect(promote.exitCode == 0, "\(promote)")
                try await eventually("the agent accepts only the new key (told in a command signed with it)", timeout: .seconds(60)) {
                    try await sync()
                    return try keys() == [next]
                }
                #expect(Self.thumbprint(try await status(), role: "current") == next)
                #expect(!FileManager.default.fileExists(atPath: coordinator.dataDirectory.appendingPathComponent("signing.next.key").path))
                let events = try await store.securityEvents(limit: 10_000).filter { $0.kind == "command_refused" }
                #expect(events.isEmpty, "\(events)")
            }
        }

        /// A promote step waits for every agent; an agent that is offline blocks it until `--force`.
        @Test(.timeLimit(.minutes(3)))
        func promotingWaitsForAnOfflineAgentUnlessForced() async throws {
            try await withHarness("rotation-laggard") { harness in
                let coordinator = try await harness.startCoordinator()
                let online = try await harness.startAgent(name: "online", coordinator: coordinator, provider: "acme", site: "paris")
                let offline = try await harness.startAgent(name: "offline", coordinator: coordinator, provider: "acme", site: "oslo")
                let store = try coordinator.openStore()
                try online.drop("a.csv", ExportFile.csv(ticketRows("A", count: 1)))
                try offline.drop("b.csv", ExportFile.csv(ticketRows("B", count: 1)))
                try await eventually("both agents synced") { try await store.ticketCount() == 2 }
                await offline.stop()
                let offlineId = try offline.agentId()
                #expect(try await coordinator.cli(["signing-key", "stage"]).exitCode == 0)
                try online.drop("c.csv", ExportFile.csv(ticketRows("C", count: 1)))
                try await eventually("the online agent accepts the next key", timeout: .seconds(60)) {
                    try online.credentials().identity.acceptedCoordinatorKeys.count == 2
                }
                let refused = try await coordinator.cli(["signing-key", "promote"])
                #expect(refused.exitCode != 0 && refused.stderr.contains(offlineId), "\(refused)")
                let forced = try await coordinator.cli(["signing-key", "promote", "--force"])
                #expect(forced.exitCode == 0, "\(forced)")
            }
        }
    }
}
