//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

import ArgumentParser
import Foundation
import OversightStore

struct SLACommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sla", abstract: "SLA standing of tickets, as the running coordinator's engine records it.",
        subcommands: [Events.self, Ticket.self, Figures.self, Credits.self, Dispute.self, Disputes.self]
    )

    struct Events: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The latest at-risk and breach moments (true instant; late-data flagged).")
        @OptionGroup var store: StoreOptions
        @Option(help: "How many events.") var limit: Int = 50
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let limit = max(1, min(self.limit, 10_000))
            let events = try await self.store.with { try await $0.slaEvents(limit: limit) }
            if self.json {
                print(try JSONOutput.string(events))
                return
            }
            if events.isEmpty {
                print("No SLA events yet.")
                return
            }
            var table = TextTable(columns: ["AT", "KIND", "PROVIDER", "SITE", "TICKET", "CLOCK", "FOUND"])
            for event in events {
                table.add([
                    WireTime.format(event.at), event.kind, event.provider, event.site, event.ticketId, event.clock,
                    event.lateData ? "late (\(WireTime.format(event.detectedAt)))" : "on time",
                ])
            }
            print(table.render())
        }
    }

    struct Ticket: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One ticket's clocks: deadlines, state, and minutes held by provider, client and customer.")
        @OptionGroup var store: StoreOptions
        @Option(help: "Provider.") var provider: String
        @Argument(help: "Ticket id.") var id: String
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let (provider, id) = (self.provider, self.id)
            guard let state = try await self.store.with({ try await $0.ticketSLA(provider: provider, id: id) }) else {
                throw ValidationError(
                    "no SLA evaluation for ticket \(self.id) of \(self.provider) (no such ticket, or no contract for the provider); `oversight-coordinator tickets show --provider \(self.provider) \(self.id)` shows the stored ticket"
                )
            }
            if self.json {
                print(try JSONOutput.string(state))
                return
            }
            print("Ticket \(self.id) (\(self.provider)): \(state.state)\(state.lateData ? " (late data)" : "")")
            print("  first reply due: \(state.firstReplyDue.map(WireTime.format) ?? "-")")
            print("  resolution due:  \(state.resolutionDue.map(WireTime.format) ?? "-")")
            if let breached = state.breachedAt { print("  breached at:     \(WireTime.format(breached))") }
            print(
                "  business minutes held — provider \(Int(state.providerSeconds / 60)), client \(Int(state.clientSeconds / 60)), customer \(Int(state.customerSeconds / 60))"
            )
        }
    }
}
