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
                    try agent.start()
                    started.append(agent)
                }
                let agents = started
                let ids = try agents.map { try $0.agentId() }
                // Round robin: both coordinators serve some of the agents before the kill.
                try await eventually("every agent connected, some to each coordinator", timeout: .seconds(90)) {
                    for agent in agents { try agent.ensureRunning() }
                    let (logA, logB) = (a.process?.log() ?? "", b.process?.log() ?? "")
                    let onA = ids.filter { self.lines(logA, "agent connected", $0) > 0 }
                    let onB = ids.filter { self.lines(logB, "agent connected", $0) > 0 }
                print("[scale-out-kill] agents on the coordinator to be killed: \(onB.count) of \(Self.agentCount)")
                    return Set(onA + onB).count == Self.agentCount && !onA.isEmpty && !onB.isEmpty
                }
                let logB = b.process?.log() ?? ""
                let onB = ids.filter { self.lines(logB, "agent connected", $0) > 0 }

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
                await b.kill9()
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
                // Every agent that was on B reconnected by itself, through haproxy, to the survivor.
                let logA = a.process?.log() ?? ""
                for id in onB {
                    #expect(self.lines(logA, "agent connected", id) > 0, "agent \(id) (on the killed coordinator) never reached the survivor")
                }
                // The survivor's view shows everything.
                let status = try await consoleAPI(a.consolePort, deployment.firstToken, "/api/v1/status")
                #expect(status.body.contains(#""tickets":\#(Self.agentCount * Self.perAgent)"#), "\(status)")
                let listed = try await consoleAPI(a.consolePort, deployment.firstToken, "/api/v1/agents")
                for id in ids { #expect(listed.body.contains(id), "agent \(id) missing from the survivor's agent list") }
                for agent in agents { await agent.stop() }
            }
        }
    }
}
