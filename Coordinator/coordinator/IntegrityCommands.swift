//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// `tickets show` (one stored ticket, with or without a contract) and `integrity check` (rows that break the rules).
//
//===----------------------------------------------------------------------===//

import ArgumentParser
import Foundation
import OversightModel
import OversightStore

struct TicketsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "tickets", abstract: "Stored tickets.", subcommands: [Show.self])

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "One stored ticket exactly as its last batch said, with the agent and batch that wrote it and its SLA standing if a contract covers it."
        )
        @OptionGroup var store: StoreOptions
        @Option(help: "Provider.") var provider: String
        @Argument(help: "Ticket id.") var id: String
        @Flag(help: "Print JSON: the record, agentId, batchSeq and sla (null without a contract).") var json = false

        func run() async throws {
            let (provider, id) = (self.provider, self.id)
            let (found, sla) = try await self.store.with { store in
                (try await store.ticket(provider: provider, id: id), try await store.ticketSLA(provider: provider, id: id))
            }
            guard let stored = found else {
                throw ValidationError("no ticket \(self.id) of provider \(self.provider) is stored")
            }
            if self.json {
                struct Output: Encodable {
                    var record: TicketRecord
                    var agentId: String
                    var batchSeq: Int64
                    var sla: TicketSLAState?
                }
                print(try JSONOutput.string(Output(record: stored.record, agentId: stored.agentId, batchSeq: stored.batchSeq, sla: sla)))
                return
            }
            let ticket = stored.record
            print("Ticket \(ticket.id) (\(ticket.provider), site \(ticket.site)): \(ticket.status.rawValue), \(ticket.channel.rawValue), \(ticket.priority.rawValue)")
            print("  written by:   agent \(stored.agentId), batch \(stored.batchSeq)")
            print("  created:      \(WireTime.format(ticket.createdAt))")
            print("  updated:      \(WireTime.format(ticket.updatedAt))")
            for (name, value) in [("first reply:  ", ticket.firstReplyAt), ("solved:       ", ticket.solvedAt), ("closed:       ", ticket.closedAt)] {
                if let value { print("  \(name)\(WireTime.format(value))") }
            }
            if let queue = ticket.queue { print("  queue:        \(queue)") }
            if let assignee = ticket.assignee { print("  assignee:     \(assignee)") }
            print("  reopened:     \(ticket.reopenCount)×, contacts \(ticket.contactCount)\(ticket.csat.map { ", CSAT \($0)" } ?? "")")
            if !ticket.statusChanges.isEmpty {
                print("  history:      " + ticket.statusChanges.map { "\($0.status.rawValue) \(WireTime.format($0.at))" }.joined(separator: " → "))
            }
            if let sla {
                print("  SLA:          \(sla.state)\(sla.lateData ? " (late data)" : ""); see `oversight-coordinator sla ticket`")
            } else {
                print("  SLA:          no contract covers this ticket's provider")
            }
        }
    }
}

struct IntegrityCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "integrity", abstract: "Checks on stored records (docs/security.md, \"Integrity of stored records\").", subcommands: [Check.self]
    )

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List stored rows written by an agent not enrolled for the row's site, or dated in the future or before 2000 (exit status 1 if any).",
            discussion: """
                Batches are refused for these since this version; rows stored earlier can hold them. A ticket written by
                another site's agent stays frozen until its own site's agent sends a newer update; re-export it there.
                """
        )
        @OptionGroup var store: StoreOptions
        @Option(help: "Allowed clock skew: rows dated later than now plus this are future-dated (e.g. 15m, 1h).") var skew: String = "15m"
        @Option(help: "Most rows listed.") var limit: Int = 1000
        @Flag(help: "Print JSON: an array of findings.") var json = false

        func validate() throws {
            guard CLIDuration.parse(self.skew) != nil else { throw ValidationError("--skew '\(self.skew)' is not a duration like 15m or 1h") }
            guard (1...1_000_000).contains(self.limit) else { throw ValidationError("--limit must be 1–1000000") }
        }

        func run() async throws {
            let skew = CLIDuration.parse(self.skew) ?? .seconds(900)
            let latest = Date().addingTimeInterval(Double(skew.components.seconds))
            let limit = self.limit
            let findings = try await self.store.with { try await $0.integrityFindings(latest: latest, limit: limit) }
            if self.json {
                print(try JSONOutput.string(findings))
            } else if findings.isEmpty {
                print("No stored row breaks the integrity rules (site of the writing agent, dates from 2000 to now + \(self.skew)).")
            } else {
                var table = TextTable(columns: ["PROBLEM", "KIND", "PROVIDER", "SITE", "KEY", "AGENT", "BATCH", "UPDATED"])
                for finding in findings {
                    table.add([
                        finding.problem, finding.kind, finding.provider, finding.site, String(finding.key.prefix(64)), finding.agentId,
                        String(finding.batchSeq), WireTime.format(finding.updatedAt),
                    ])
                }
                print(table.render())
                print("\n\(findings.count) row(s)\(findings.count == self.limit ? " (the limit; raise --limit for more)" : ""). other_site: written by an agent not enrolled for the row's site; future / too_early: dated outside 2000 … now + \(self.skew).")
            }
            if !findings.isEmpty { throw ExitCode(1) }
        }
    }
}
