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
    @Suite struct RecoveryTests {
        @Test(.timeLimit(.minutes(3)))
        func agentRestoredFromAnOldSnapshotResynchronises() async throws {
            try await withHarness("snapshot") { harness in
                let coordinator = try await harness.startCoordinator()
                let store = try coordinator.openStore()
                let agent = try await harness.startAgent(name: "a", coordinator: coordinator, provider: "acme", site: "paris")
                let first = ticketRows("S1", count: 50)
                try agent.drop("s1.csv", ExportFile.csv(first))
                try await eventually("first file synced") { try await store.ticketCount() == 50 }
                try await eventually("first batch acknowledged") { try await agent.status().outbox.depth == 0 }
                await agent.stop()

                // Snapshot of the stopped agent's data folder.
                let snapshot = harness.directory.child("snapshot")
                try FileManager.default.copyItem(at: agent.dataDirectory, to: snapshot)

                try agent.start()
                try agent.drop("s2.csv", ExportFile.csv(ticketRows("S2", count: 50, offset: 100)))
                try await eventually("second file synced") { try await store.ticketCount() == 100 }
                try await eventually("second batch acknowledged") { try await agent.status().outbox.depth == 0 }
                await agent.stop()

                // Restore the old snapshot: the outbox now believes fewer batches were acknowledged.
                try FileManager.default.removeItem(at: agent.dataDirectory)
                try FileManager.default.copyItem(at: snapshot, to: agent.dataDirectory)
                try agent.start()
                try agent.drop("s3.csv", ExportFile.csv(ticketRows("S3", count: 50, offset: 200)))
                try await eventually("third file synced after the restore") { try await store.ticketCount() == 150 }
                try await eventually("third batch acknowledged") { try await agent.status().outbox.depth == 0 }

                #expect(agent.allLogs().contains("behind the coordinator"), "the agent did not report resynchronising")
                #expect(!(try await store.hasSecurityEvent("chain_mismatch")), "the restored agent caused chain_mismatch")
                #expect(!agent.allLogs().contains("chain_mismatch"))
                let credentials = try agent.credentials()
                let chain = try await store.committedChain(agentId: credentials.identity.agentId, key: credentials.signingKey.publicKey)
                #expect(chain.recordIds.count == 150 && Set(chain.recordIds).count == 150)
                #expect(agent.doneFiles() == ["s1.csv", "s2.csv", "s3.csv"])
            }
        }

        @Test(.timeLimit(.minutes(3)))
        func fullOutboxLeavesFilesInPlaceThenDrains() async throws {
            try await withHarness("outbox-full") { harness in
                let coordinator = try await harness.startCoordinator()
                var options = AgentOptions()
                options.outboxMaxBytes = "1MiB"
                let agent = try harness.makeAgent(name: "a", options: options)
                try await agent.enroll(with: coordinator, provider: "acme", site: "paris")
                await coordinator.stop()

                try agent.start()
                // About 3.5 MB of records against a 1 MiB outbox.
                let files = 10
                for file in 0..<files {
                    try agent.drop("full-\(file).csv", ExportFile.csv(ticketRows("F\(file)", count: 1000, offset: file * 1000)))
                }
                try await eventually("status shows the outbox is full") {
                    let status = try await agent.status()
                    return status.sources.contains { $0.lastError?.contains("outbox full") == true }
                }
                try await Task.sleep(for: .seconds(2))
                let waiting = agent.pendingFiles()
                #expect(!waiting.isEmpty, "every file was taken although the outbox is limited to 1 MiB")
                #expect(Set(waiting).isDisjoint(with: agent.doneFiles()))
                let status = try await agent.status()
                #expect(status.outbox.bytes >= 1 << 20)
                #expect(status.outbox.bytes < 3 << 20, "the outbox grew to \(status.outbox.bytes) bytes")

                try await coordinator.start()
                let store = try coordinator.openStore()
                try await eventually("everything drained", timeout: .seconds(150)) { try await store.ticketCount() == files * 1000 }
                try await eventually("the remaining files were taken") { agent.pendingFiles().isEmpty && agent.doneFiles().count == files }
                try await eventually("the outbox error cleared") {
                    try await agent.status().sources.allSatisfy { $0.lastError == nil }
                }
            }
        }
    }
}
