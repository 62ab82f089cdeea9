//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Live console events across coordinators (issue 12, LISTEN/NOTIFY): an agent syncing through coordinator A produces
// a live event on coordinator B's event stream, and A's own stream shows it too.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightTesting
import Testing

extension EndToEnd {
    @Suite(
        .enabled(
            if: (PostgresCluster.unavailableReason == nil && HAProxy.executable != nil) || ProcessInfo.processInfo.environment["CI"] != nil,
            "PostgreSQL binaries or haproxy not found"
        )
    )
    struct ScaleOutLiveEventTests {
        /// `GET /events` of a console, streamed by curl into its log until the harness stops it.
        static func stream(_ harness: Harness, name: String, port: Int, token: String) throws -> ChildProcess {
            try harness.startProcess(
                name: name, executable: "/usr/bin/curl",
                arguments: ["-skN", "-H", "Authorization: Bearer \(token)", "https://127.0.0.1:\(port)/events"]
            )
        }

        /// The `tickets` events of an event stream's text for `site`.
        static func ticketEvents(_ text: String, site: String) -> Int {
            text.components(separatedBy: "\n\n").filter { $0.contains("event: tickets") && $0.contains("\"site\":\"\(site)\"") }.count
        }

        @Test(.timeLimit(.minutes(4)))
        func anAgentSyncingThroughAShowsOnTheEventStreamOfB() async throws {
            try await withHarness("scale-out-live") { harness in
                let deployment = try await ScaleOutDeployment.start(harness)
                let (a, b) = (deployment.first, deployment.second)
                let streamB = try Self.stream(harness, name: "events-b", port: b.consolePort, token: deployment.secondToken)
                let streamA = try Self.stream(harness, name: "events-a", port: a.consolePort, token: deployment.firstToken)
                try await eventually("both event streams connected") {
                    streamB.log().contains(": connected") && streamA.log().contains(": connected")
                }

                // The agent talks to A only (not through haproxy).
                let agent = try harness.makeAgent(name: "paris")
                try await agent.enroll(with: a, provider: "acme", site: "paris")
                try agent.start()
                try await eventually("the agent connected to A") { (a.process?.log() ?? "").contains("agent connected") }
                // (Read into a local first: the #expect macro misreports `!(x?.log() ?? "").contains(…)`.)
                let logOfB = b.process?.log() ?? ""
                #expect(!logOfB.contains("agent connected"), "the agent reached B directly")
                try agent.drop("first.csv", ExportFile.csv(ticketRows("L", count: 5)))
                try await eventually("B's stream shows the tickets A ingested", timeout: .seconds(30)) {
                    Self.ticketEvents(streamB.log(), site: "paris") >= 1
                }
                try await eventually("A's stream shows them too", timeout: .seconds(30)) { Self.ticketEvents(streamA.log(), site: "paris") >= 1 }
                let frame = try #require(streamB.log().components(separatedBy: "\n\n").first { $0.contains("event: tickets") })
                #expect(frame.contains(#""provider":"acme""#), "\(frame)")
                // (Exactly once and no echo are pinned by LiveEventRelayTests, where NOTIFY's commit order makes them decidable.)
                let logOfA = a.process?.log() ?? ""
                #expect(!logOfA.contains("cannot send live events"))
                await agent.stop()
            }
        }
    }
}
