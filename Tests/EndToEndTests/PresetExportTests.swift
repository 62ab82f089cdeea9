//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightModel
import OversightTesting
import Testing

extension EndToEnd {
    /// Issue 16: a real agent with `mapping: { preset: zendesk }` reads a Zendesk export file (the incremental ticket
    /// export, its ticket metric events and audits, appended into one file), and the real coordinator stores exactly the
    /// exported tickets, with their statuses, channels and status histories.
    @Suite struct PresetExportTests {
        static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("OversightConnectorsTests/Fixtures")

        @Test(.timeLimit(.minutes(2)))
        func aZendeskExportReachesTheCoordinatorWithItsStatusesAndChannels() async throws {
            try await withHarness("preset-zendesk") { harness in
                let coordinator = try await harness.startCoordinator()
                var options = AgentOptions()
                options.ticketMapping = "preset: zendesk"
                let agent = try await harness.startAgent(name: "zd", coordinator: coordinator, provider: "acme", site: "lisbon", options: options)
                let export = try ["zendesk-incremental-tickets.json", "zendesk-ticket-metric-events.json", "zendesk-ticket-audits.json"].map {
                    try String(contentsOf: Self.fixtures.appendingPathComponent($0), encoding: .utf8)
                }.joined(separator: "\n")
                try agent.drop("zendesk-20261123.json", export)
                try await eventually("the export moved to done/") { agent.doneFiles() == ["zendesk-20261123.json"] }

                let store = try coordinator.openStore()
                try await eventually("the three tickets stored") {
                    var found = 0
                    for id in ["35436", "35437", "35438"] where try await store.ticket(provider: "acme", id: id) != nil { found += 1 }
                    return found == 3
                }
                // The deleted ticket never leaves the agent; the reject report says why.
                #expect(try await store.ticket(provider: "acme", id: "35439") == nil)
                let rejects = try String(
                    contentsOf: agent.rejectsDirectory.appendingPathComponent("zendesk-20261123.json.rejects.jsonl"), encoding: .utf8
                )
                #expect(rejects.contains("deleted in Zendesk"))

                let refund = try #require(try await store.ticket(provider: "acme", id: "35436")?.record)
                #expect(refund.status == .solved && refund.channel == .email && refund.priority == .high && refund.site == "lisbon")
                #expect(refund.statusChanges.map(\.status) == [.new, .open, .pending, .open, .solved])
                #expect(refund.firstReplyAt == ISO8601DateFormatter().date(from: "2026-11-23T09:47:00Z"))
                #expect(refund.csat == 5)
                let chat = try #require(try await store.ticket(provider: "acme", id: "35437")?.record)
                #expect(chat.status == .onHold && chat.channel == .chat)
                #expect(chat.updatedAt == ISO8601DateFormatter().date(from: "2026-11-23T10:20:45Z"), "the latest version of a repeated ticket")
                let call = try #require(try await store.ticket(provider: "acme", id: "35438")?.record)
                #expect(call.status == .open && call.channel == .phone)
                #expect(call.assignee?.hasPrefix("p_") == true, "the Zendesk agent id is pseudonymised before it leaves the site")
            }
        }
    }
}
