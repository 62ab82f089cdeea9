//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Several coordinators (issue 12): two coordinators on one PostgreSQL behind haproxy; 20 real agents streaming;
// kill -9 of one coordinator in the middle; every record stored exactly once with its signed batch. Tokens and
// revocations are shared: a token used on one is refused on the other, a revocation through one cuts the agent off
// the other within a second.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightStore
import OversightTesting
import Testing

extension EndToEnd {
    @Suite(
        .enabled(
            if: (PostgresCluster.unavailableReason == nil && HAProxy.executable != nil) || ProcessInfo.processInfo.environment["CI"] != nil,
            "PostgreSQL binaries or haproxy not found"
        )
    )
    struct ScaleOutTests {
        static let agentCount = 20
        static let rounds = 4
        static let perFile = 25
        static var perAgent: Int { Self.rounds * Self.perFile }

        /// Lines of `log` that say `message` about `agentId`.
        func lines(_ log: String, _ message: String, _ agentId: String) -> Int {
            log.split(separator: "\n").filter { $0.contains(message) && $0.contains(agentId) }.count
        }

        @Test(.timeLimit(.minutes(8)))
        func twentyAgentsThroughHAProxyLoseNothingWhenACoordinatorIsKilled() async throws {
            try await withHarness("scale-out-kill") { harness in
                let deployment = try await ScaleOutDeployment.start(harness)
                let (a, b) = (deployment.first, deployment.second)
                let fingerprint = try await a.fingerprint()
                var started: [AgentProcess] = []
                for index in 0..<Self.agentCount {
                    let agent = try harness.makeAgent(name: "a\(index)")
                    let token = try await enrollmentToken(a.consolePort, deployment.firstToken, provider: "acme", site: "site\(index % 4)")
                    let enrolled = try await agent.enroll(coordinator: deployment.haproxy.address, token: token, fingerprint: fingerprint)
                    try #require(enrolled.exitCode == 0, "enroll of a\(index) through haproxy: \(enrolled)")
                    started.append(agent)
                }
                let agents = started
                // Started after every enrollment: roundrobin alternates connections, so enrolling and starting each
                // agent in turn could send every enrollment to one coordinator and every agent to the other.
                for agent in agents { try agent.start() }
                let ids = try agents.map { try $0.agentId() }
                // Round robin: both coordinators serve some of the agents before the kill.
                try await eventually("every agent connected, some to each coordinator", timeout: .seconds(90)) {
                    for agent in agents { try agent.ensureRunning() }
                    let (logA, logB) = (a.process?.log() ?? "", b.process?.log() ?? "")
                    let onA = ids.filter { self.lines(logA, "agent connected", $0) > 0 }
                    let onB = ids.filter { self.lines(logB, "agent connected", $0) > 0 }
                    return Set(onA + onB).count == Self.agentCount && !onA.isEmpty && !onB.isEmpty
                }
                // Roundrobin counts connections, not agents, so the spread need not be even: kill the coordinator
                // holding more agents, the harder case.
                let (logA, logB) = (a.process?.log() ?? "", b.process?.log() ?? "")
                let onA = ids.filter { self.lines(logA, "agent connected", $0) > 0 }
                let onB = ids.filter { self.lines(logB, "agent connected", $0) > 0 }
                let (killed, survivor, survivorToken) = onA.count >= onB.count ? (a, b, deployment.secondToken) : (b, a, deployment.firstToken)
                let onKilled = onA.count >= onB.count ? onA : onB
                print("[scale-out-kill] agents on A: \(onA.count), on B: \(onB.count); killing \(killed === a ? "A" : "B")")

                func drop(round: Int) throws {
                    for (index, agent) in agents.enumerated() {
                        try agent.drop("r\(round).csv", ExportFile.csv(ticketRows("A\(index)-r\(round)", count: Self.perFile)))
                    }
                }
                try drop(round: 0)
                try drop(round: 1)
                try await deployment.withStore { store in
                    try await eventually("some of the first rounds stored", timeout: .seconds(90), interval: .milliseconds(50)) {
                        try await store.ticketCount() >= Self.agentCount * Self.perFile
                    }
                }
                // kill -9 while the agents stream: round 2 is being read and sent as B dies.
                try drop(round: 2)
                await killed.kill9()
                try drop(round: 3)

                try await deployment.withStore { store in
                    try await eventually("every ticket stored", timeout: .seconds(180)) {
                        for agent in agents { try agent.ensureRunning() }
                        return try await store.ticketCount() == Self.agentCount * Self.perAgent
                    }
                    for agent in agents {
                        try await eventually("\(agent.name)'s outbox drained", timeout: .seconds(60)) { try await agent.status().outbox.depth == 0 }
                    }
                    // Exactly once: each agent's committed chain verifies link by link, and carries each of its
                    // records once — no batch applied twice, none lost, whichever coordinator received it.
                    for agent in agents {
                        let credentials = try agent.credentials()
                        let chain = try await store.committedChain(agentId: credentials.identity.agentId, key: credentials.signingKey.publicKey)
                        #expect(chain.recordIds.count == Self.perAgent, "\(agent.name): records committed \(chain.recordIds.count)")
                        #expect(Set(chain.recordIds).count == Self.perAgent, "\(agent.name): a record was committed twice")
                        #expect(chain.recordCountSum == Self.perAgent)
                    }
                    #expect(try await store.ticketCount() == Self.agentCount * Self.perAgent)
                }
                // Every agent that was on the killed coordinator reconnected by itself, through haproxy, to the survivor.
                let survivorLog = survivor.process?.log() ?? ""
                for id in onKilled {
                    #expect(self.lines(survivorLog, "agent connected", id) > 0, "agent \(id) (on the killed coordinator) never reached the survivor")
                }
                // The survivor's view shows everything.
                let status = try await consoleAPI(survivor.consolePort, survivorToken, "/api/v1/status")
                #expect(status.body.contains(#""tickets":\#(Self.agentCount * Self.perAgent)"#), "\(status)")
                let listed = try await consoleAPI(survivor.consolePort, survivorToken, "/api/v1/agents")
                for id in ids { #expect(listed.body.contains(id), "agent \(id) missing from the survivor's agent list") }
                for agent in agents { await agent.stop() }
            }
        }

        @Test(.timeLimit(.minutes(4)))
        func tokensAndRevocationsAreSharedAcrossCoordinators() async throws {
            try await withHarness("scale-out-shared") { harness in
                let deployment = try await ScaleOutDeployment.start(harness)
                let (a, b) = (deployment.first, deployment.second)
                let fingerprint = try await a.fingerprint()

                // A token made on A's console enrolls at B, directly; then it is spent on A too.
                let token = try await enrollmentToken(a.consolePort, deployment.firstToken, provider: "acme", site: "paris")
                let victim = try harness.makeAgent(name: "victim")
                let enrolled = try await victim.enroll(coordinator: b.address, token: token, fingerprint: fingerprint)
                try #require(enrolled.exitCode == 0, "a token of A's at B: \(enrolled)")
                let second = try harness.makeAgent(name: "second")
                let reused = try await second.enroll(coordinator: a.address, token: token, fingerprint: fingerprint)
                #expect(reused.exitCode != 0, "a token used at B enrolled again at A: \(reused)")
                expectNothingEnrolled(in: second.dataDirectory)
                // And the other way round, through B's console.
                let tokenOfB = try await enrollmentToken(b.consolePort, deployment.secondToken, provider: "acme", site: "oslo")
                let honest = try harness.makeAgent(name: "honest")
                let honestEnrolled = try await honest.enroll(coordinator: a.address, token: tokenOfB, fingerprint: fingerprint)
                try #require(honestEnrolled.exitCode == 0, "a token of B's at A: \(honestEnrolled)")
                let third = try harness.makeAgent(name: "third")
                #expect(try await third.enroll(coordinator: b.address, token: tokenOfB, fingerprint: fingerprint).exitCode != 0)

                // The victim streams to B; it is revoked through A's API; B drops it within a second.
                try victim.start()
                try honest.start()
                try victim.drop("before.csv", ExportFile.csv(ticketRows("V", count: 5)))
                try honest.drop("before.csv", ExportFile.csv(ticketRows("H", count: 5)))
                let victimId = try victim.agentId()
                try await deployment.withStore { store in
                    try await eventually("the first tickets stored") { try await store.ticketCount() == 10 }
                }
                try await eventually("the victim connected to B") { (b.process?.log() ?? "").contains("agent connected") }
                let revoke = try await consoleAPI(a.consolePort, deployment.firstToken, "/api/v1/agents/\(victimId)/revoke", json: "{}")
                try #require(revoke.status == 200, "revoke through A: \(revoke)")
                let revokedAt = ContinuousClock.now
                try await eventually("B dropped the revoked agent", timeout: .seconds(5), interval: .milliseconds(20)) {
                    self.lines(b.process?.log() ?? "", "revoked agent disconnected", victimId) > 0
                }
                let cutOffAfter = ContinuousClock.now - revokedAt
                print("[scale-out-shared] B cut the revoked agent off \(cutOffAfter) after A's API revoked it")
                #expect(cutOffAfter <= .seconds(1), "B cut the revoked agent off only after \(cutOffAfter)")

                // Nothing of the victim's is stored any more, on either coordinator; the honest agent still syncs.
                try victim.drop("after.csv", ExportFile.csv(ticketRows("W", count: 5)))
                try honest.drop("after.csv", ExportFile.csv(ticketRows("I", count: 5)))
                try await deployment.withStore { store in
                    try await eventually("the honest agent's later tickets stored") { try await store.ticketCount() == 15 }
                    try await Task.sleep(for: .seconds(2))
                    #expect(try await store.ticketCount() == 15, "a revoked agent's tickets were stored")
                    #expect(try await store.agent(id: victimId)?.revokedAt != nil)
                }
                await victim.stop()
                await honest.stop()
            }
        }
    }
}
