//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightModel
import OversightStore
import OversightTesting
import Testing

extension EndToEnd {
    /// The SLA engine in the running coordinator: late data and deadlines that fire on their own.
    @Suite struct SLATests {
        static let contract = """
            provider: acme
            calendars:
              always:
                time_zone: UTC
                hours: 24/7
            versions:
              - effective_from: 2020-01-01
                calendar: always
                targets:
                  first_reply: 1m
                  resolution: 10m
            """

        @Test(.timeLimit(.minutes(3)))
        func lateDataAndLiveDeadlinesAreRecordedWithTheirTrueInstants() async throws {
            try await withHarness("sla") { harness in
                let coordinator = try await harness.startCoordinator()
                // Contracts live in DATA/contracts by default; the coordinator reads them at start.
                await coordinator.stop()
                let contracts = coordinator.dataDirectory.appendingPathComponent("contracts")
                try FileManager.default.createDirectory(at: contracts, withIntermediateDirectories: true)
                try Self.contract.write(to: contracts.appendingPathComponent("acme.contract.yaml"), atomically: true, encoding: .utf8)
                try await coordinator.start()
                let agent = try await harness.startAgent(name: "a", coordinator: coordinator, provider: "acme", site: "paris")
                let store = try coordinator.openStore()

                let now = Date()
                var late = TicketRow.make(id: "LATE-1", n: 0)
                late.status = "new"
                late.created = now.addingTimeInterval(-7200)
                late.updated = late.created
                var live = TicketRow.make(id: "LIVE-1", n: 0)
                live.status = "new"
                live.created = now
                live.updated = now
                try agent.drop("sla.csv", ExportFile.csv([late, live]))

                // The late ticket: found breached on arrival, with its true instant, flagged late-data.
                try await eventually("the late ticket's breach is recorded") {
                    try await store.slaEvents(limit: 50).contains { $0.ticketId == "LATE-1" && $0.kind == "breach" }
                }
                let events = try await store.slaEvents(limit: 50)
                let lateBreach = try #require(events.first { $0.ticketId == "LATE-1" && $0.kind == "breach" && $0.clock == "first_reply" })
                #expect(abs(lateBreach.at.timeIntervalSince(late.created.addingTimeInterval(60))) < 0.01)
                #expect(lateBreach.lateData)

                // The live ticket: at risk at 80 % of one minute, then breached at one minute, fired by the scheduler.
                try await eventually("the live ticket breaches", timeout: .seconds(120)) {
                    try await store.slaEvents(limit: 50).contains { $0.ticketId == "LIVE-1" && $0.kind == "breach" && $0.clock == "first_reply" }
                }
                let all = try await store.slaEvents(limit: 50)
                let atRisk = try #require(all.first { $0.ticketId == "LIVE-1" && $0.kind == "at-risk" && $0.clock == "first_reply" })
                let breach = try #require(all.first { $0.ticketId == "LIVE-1" && $0.kind == "breach" && $0.clock == "first_reply" })
                #expect(abs(atRisk.at.timeIntervalSince(live.created.addingTimeInterval(48))) < 0.01)
                #expect(abs(breach.at.timeIntervalSince(live.created.addingTimeInterval(60))) < 0.01)
                #expect(!breach.lateData && !atRisk.lateData)
                // Fired on its own, not early (the benchmark measures how late; here only that it came).
                #expect(breach.detectedAt >= breach.at)

                // The operator's view shows them.
                let status = try await coordinator.cli(["status", "--json"])
                let object = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
                let providers = try #require(object["providers"] as? [[String: Any]])
                let acme = try #require(providers.first { $0["provider"] as? String == "acme" })
                #expect(acme["breached"] as? Int == 2, "\(acme)")
                let listing = try await coordinator.cli(["sla", "events"])
                #expect(listing.stdout.contains("LIVE-1") && listing.stdout.contains("late"))
            }
        }
    }
}
