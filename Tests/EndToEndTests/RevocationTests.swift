//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightStore
import OversightTesting
import Testing

extension EndToEnd {
    /// A revocation is kept in the store, not in the serving process: a coordinator restarted after it still refuses the
    /// revoked agent (which keeps trying to send its new file), while an honest agent resumes syncing.
    @Suite struct RevocationTests {
        @Test(.timeLimit(.minutes(3)))
        func aRevokedAgentStaysRefusedAfterTheCoordinatorRestarts() async throws {
            try await withHarness("revocation-restart") { harness in
                let coordinator = try await harness.startCoordinator()
                let honest = try await harness.startAgent(name: "honest", coordinator: coordinator, provider: "acme", site: "paris")
                let victim = try await harness.startAgent(name: "victim", coordinator: coordinator, provider: "acme", site: "oslo")
                let store = try coordinator.openStore()
                try victim.drop("before.csv", ExportFile.csv(ticketRows("V", count: 3)))
                try await eventually("the victim's first tickets stored") { try await store.ticketCount() == 3 }

                let victimId = try victim.credentials().identity.agentId
                let revoke = try await coordinator.cli(["agents", "revoke", victimId])
                #expect(revoke.exitCode == 0, "\(revoke)")
                await coordinator.stop()
                let restartedAt = Date()
                try await coordinator.start()

                try victim.drop("after.csv", ExportFile.csv(ticketRows("W", count: 3)))
                try honest.drop("honest.csv", ExportFile.csv(ticketRows("H", count: 4)))
                try await eventually("the honest agent's tickets stored after the restart") { try await store.ticketCount() == 7 }
                try await eventually("the restarted coordinator refused the revoked agent", timeout: .seconds(60)) {
                    try await store.securityEvents(limit: 10_000).contains { event in
                        event.at >= restartedAt
                            && ((event.kind == "certificate_refused" && event.detail.contains(victimId))
                                || (event.kind == "revoked" && event.agentId == victimId))
                    }
                }
                #expect(try await store.ticketCount() == 7, "a revoked agent's tickets were stored after the restart")
                let list = try await coordinator.cli(["agents", "list", "--json"])
                let agents = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])
                #expect(agents.first { $0["id"] as? String == victimId }?["state"] as? String == "revoked")
                #expect(agents.first { $0["id"] as? String == (try? honest.credentials().identity.agentId) }?["state"] as? String != "revoked")
            }
        }
    }
}
