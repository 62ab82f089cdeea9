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
import Testing

extension EndToEnd {
    /// kill -9 of either side in the middle of a 10,000-record stream.
    ///
    /// How exactly-once is checked: the ticket table is keyed by (provider, id), so its COUNT alone shows that nothing
    /// was lost but cannot show that something was applied twice. So the committed chain is read back as well: batches
    /// 1…last_seq are all present, each JWS verifies with the agent's key, each `prev` links to the previous hash, and
    /// the record keys they carry are counted. 10,000 keys in total, all distinct, and the sum of the batches' stored
    /// record counts equal to 10,000 mean each record was committed (applied) in exactly one batch — a duplicate
    /// application would need a second committed batch carrying it. Finally the agent's outbox is empty, so nothing
    /// is still waiting to be sent again.
    @Suite struct CrashTests {
        static let files = 20
        static let rowsPerFile = 500
        static let total = files * rowsPerFile

        static func dropBulk(into agent: AgentProcess) throws {
            for file in 0..<Self.files {
                let name = "bulk-\(file < 10 ? "0" : "")\(file).csv"
                try agent.drop(name, ExportFile.csv(ticketRows("K\(file)", count: Self.rowsPerFile, offset: file * Self.rowsPerFile)))
            }
        }

        static func expectExactlyOnce(coordinator: CoordinatorProcess, agent: AgentProcess) async throws {
            let store = try coordinator.openStore()
            try await eventually("all \(Self.total) tickets stored", timeout: .seconds(150)) { try await store.ticketCount() == Self.total }
            let expectedDone = (0..<Self.files).map { "bulk-\($0 < 10 ? "0" : "")\($0).csv" }
            try await eventually("every file in done/ once") { agent.doneFiles() == expectedDone }
            #expect(agent.pendingFiles().isEmpty, "files left unprocessed: \(agent.pendingFiles())")
            try await eventually("the agent's outbox drained") { try await agent.status().outbox.depth == 0 }
            #expect(try await store.ticketCount() == Self.total)
            let credentials = try agent.credentials()
            let chain = try await store.committedChain(agentId: credentials.identity.agentId, key: credentials.signingKey.publicKey)
            #expect(chain.recordIds.count == Self.total, "records committed: \(chain.recordIds.count)")
            #expect(Set(chain.recordIds).count == Self.total)
            #expect(chain.recordCountSum == Self.total)
            #expect(!(try await store.hasSecurityEvent("chain_mismatch")))
        }

        @Test(.timeLimit(.minutes(3)))
        func coordinatorKilledMidStreamLosesAndDuplicatesNothing() async throws {
            try await withHarness("kill-coordinator") { harness in
                let coordinator = try await harness.startCoordinator()
                var options = AgentOptions()
                options.maxRecords = 100
                let agent = try await harness.startAgent(name: "a", coordinator: coordinator, provider: "acme", site: "paris", options: options)
                try Self.dropBulk(into: agent)
                let store = try coordinator.openStore()
                try await eventually("streaming started", interval: .milliseconds(10)) { try await store.ticketCount() > 0 }
                await coordinator.kill9()
                let atKill = try await store.ticketCount()
                #expect(atKill < Self.total, "the stream had finished before kill -9 (\(atKill) stored): the test did not hit mid-stream")
                try await Task.sleep(for: .milliseconds(500))
                try await coordinator.start()
                try await Self.expectExactlyOnce(coordinator: coordinator, agent: agent)
            }
        }

        @Test(.timeLimit(.minutes(3)))
        func agentKilledMidStreamLosesAndDuplicatesNothing() async throws {
            try await withHarness("kill-agent") { harness in
                let coordinator = try await harness.startCoordinator()
                var options = AgentOptions()
                options.maxRecords = 100
                let agent = try await harness.startAgent(name: "a", coordinator: coordinator, provider: "acme", site: "paris", options: options)
                try Self.dropBulk(into: agent)
                let store = try coordinator.openStore()
                try await eventually("streaming started", interval: .milliseconds(10)) { try await store.ticketCount() > 0 }
                await agent.kill9()
                let atKill = try await store.ticketCount()
                #expect(atKill < Self.total, "the stream had finished before kill -9 (\(atKill) stored): the test did not hit mid-stream")
                try agent.start()
                try await Self.expectExactlyOnce(coordinator: coordinator, agent: agent)
            }
        }
    }
}
