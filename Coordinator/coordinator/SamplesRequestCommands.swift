//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// `samples request` (ask the agents for a sample's interactions) and `samples requests` (what came back).
//
//===----------------------------------------------------------------------===//

import ArgumentParser
import Foundation
import Logging
import OversightModel
import OversightSampling
import OversightStore
import OversightStorePostgres

/// Runs `body` on the configured store: PostgreSQL when the configuration names one, else the data directory's SQLite.
enum ConfiguredStore {
    static func with<Result: Sendable>(
        _ settings: CoordinatorSettings, _ body: @Sendable (any CoordinatorStore) async throws -> Result
    ) async throws -> Result {
        if let postgres = settings.postgresConfiguration {
            var logger = Logger(label: "oversight.cli")
            logger.logLevel = .warning
            return try await PostgresStore.withStore(configuration: postgres, logger: logger) { try await body($0) }
        }
        guard FileManager.default.fileExists(atPath: settings.paths.store) else {
            throw ValidationError("no coordinator store at \(settings.paths.store); run `oversight-coordinator init` first")
        }
        return try await body(try SQLiteStore(path: settings.paths.store))
    }
}

/// `--data` and `--config` of a command that reads or writes the store: SQLite in the data directory, or the
/// PostgreSQL the configuration names (docs/scale-out.md), so every coordinator of a scale-out deployment can run it.
struct StoreOptions: ParsableArguments {
    @OptionGroup var data: DataOptions
    @Option(name: .long, help: "Coordinator configuration file (YAML): its data directory and store (SQLite, or the PostgreSQL it names).")
    var config: String?

    func settings() throws -> CoordinatorSettings { try CoordinatorSettings.load(file: self.config, dataOverride: self.data.data) }

    /// Runs `body` on the configured store.
    func with<Result: Sendable>(_ body: @Sendable (any CoordinatorStore) async throws -> Result) async throws -> Result {
        try await ConfiguredStore.with(try self.settings(), body)
    }
}

extension SamplesCommand {
    struct Request: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Ask the provider's agents for the interactions of a period's sample (each site's tickets from that site's agent).",
            discussion: """
                The request is sent, signed, to each agent when it is next connected (within seconds when it is); the agent \
                returns each interaction redacted, or reports it missing with the reason. `samples requests` shows what came back.
                """
        )
        @OptionGroup var selection: Selection
        @Flag(help: "Also request a period that already has requests (a new request of the same draw).") var again = false

        func run() async throws {
            let settings = try self.selection.settings()
            let (draw, _, period, seed, sites) = try await self.selection.drawWithSites()
            let provider = self.selection.provider
            let label = period.description
            guard !draw.selections.isEmpty else { throw ValidationError("\(provider) \(label): the sample is empty (no tickets in the period)") }
            let again = self.again
            let created: [SampleRequestRow] = try await ConfiguredStore.with(settings) { store in
                if !again, !(try await store.sampleRequests(provider: provider, period: label)).isEmpty {
                    throw ValidationError("\(provider) \(label) was already requested (see `samples requests`); pass --again for a new request")
                }
                let agents = try await store.agents().filter { $0.provider == provider && $0.revokedAt == nil }
                var bySite: [String: [String]] = [:]
                for selection in draw.selections {
                    bySite[sites[selection.ticketId] ?? "", default: []].append(selection.ticketId)
                }
                var rows: [SampleRequestRow] = []
                var unreachable: [String] = []
                let now = Date()
                for (site, tickets) in bySite.sorted(by: { $0.key < $1.key }) {
                    // The site's own agent first, else one enrolled to write for it too; the newest enrolled wins.
                    let newest: ([AgentRow]) -> AgentRow? = { $0.max { $0.enrolledAt < $1.enrolledAt } }
                    guard let agent = newest(agents.filter { $0.site == site }) ?? newest(agents.filter { $0.extraSites.contains(site) }) else {
                        unreachable.append("\(site) (\(tickets.count) tickets)")
                        continue
                    }
                    for chunk in stride(from: 0, to: tickets.count, by: SampleRequestCommand.maxTickets) {
                        let ids = Array(tickets[chunk..<min(tickets.count, chunk + SampleRequestCommand.maxTickets)])
                        rows.append(
                            SampleRequestRow(
                                id: "smp_" + (0..<10).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined(), provider: provider,
                                site: site, agentId: agent.id, period: label, seedCommitment: seed.commitment, ticketIds: ids, createdAt: now
                            )
                        )
                    }
                }
                if !unreachable.isEmpty && rows.isEmpty {
                    throw ValidationError("\(provider) has no active agent for the sampled sites: \(unreachable.joined(separator: ", "))")
                }
                try await store.createSampleRequests(rows)
                if !unreachable.isEmpty {
                    FileHandle.standardError.write(Data("warning: no active agent for \(unreachable.joined(separator: ", ")); those tickets are not requested\n".utf8))
                }
                return rows
            }
            print("\(provider) \(label): requested \(created.reduce(0) { $0 + $1.ticketIds.count }) interactions (seed sha256 \(seed.commitment))")
            for row in created { print("  \(row.id)  site \(row.site)  agent \(row.agentId)  \(row.ticketIds.count) tickets") }
            print("Agents take the request when next connected; see `oversight-coordinator samples requests --provider \(provider)`.")
        }
    }

    struct Requests: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show sample requests and what came back: requested, returned, missing (with reasons), still pending."
        )
        @OptionGroup var data: DataOptions
        @Option(help: "Only this provider's requests.") var provider: String?
        @Option(help: "Only this period's requests (2026-W49).") var period: String?
        @Option(help: "The coordinator configuration file, for its data directory and store.") var config: String?
        @Flag(help: "Print JSON, with every interaction's status and reason (not its text).") var json = false

        struct Summary: Encodable, Sendable {
            struct Item: Encodable, Sendable {
                var ticketId: String
                var status: String
                var reason: String?
                var format: String?
                var bytes: Int?
                var redactions: [String: Int]?
            }
            var id: String
            var provider: String
            var site: String
            var agentId: String
            var period: String
            var seedCommitment: String
            var createdAt: Date
            var takenAt: Date?
            var requested: Int
            var returned: Int
            var missing: Int
            var pending: Int
            var interactions: [Item]
        }

        func run() async throws {
            let settings = try CoordinatorSettings.load(file: self.config, dataOverride: self.data.data)
            let provider = self.provider
            let period = self.period
            let summaries: [Summary] = try await ConfiguredStore.with(settings) { store in
                var result: [Summary] = []
                for request in try await store.sampleRequests(provider: provider, period: period) {
                    let stored = try await store.interactions(requestId: request.id)
                    let byTicket = Dictionary(stored.map { ($0.record.ticketId, $0.record) }, uniquingKeysWith: { first, _ in first })
                    let items = request.ticketIds.map { ticket -> Summary.Item in
                        guard let record = byTicket[ticket] else { return .init(ticketId: ticket, status: "pending") }
                        return .init(
                            ticketId: ticket, status: record.status.rawValue, reason: record.reason, format: record.format?.rawValue,
                            bytes: record.text?.utf8.count, redactions: record.redactions
                        )
                    }
                    result.append(
                        Summary(
                            id: request.id, provider: request.provider, site: request.site, agentId: request.agentId, period: request.period,
                            seedCommitment: request.seedCommitment, createdAt: request.createdAt, takenAt: request.acknowledgedAt,
                            requested: request.ticketIds.count, returned: items.filter { $0.status == "returned" }.count,
                            missing: items.filter { $0.status == "missing" }.count, pending: items.filter { $0.status == "pending" }.count,
                            interactions: items
                        )
                    )
                }
                return result
            }
            if self.json {
                print(try JSONOutput.string(summaries))
                return
            }
            if summaries.isEmpty {
                print("No sample requests. Make one with `oversight-coordinator samples request --provider P --period 2026-W49`.")
                return
            }
            var table = TextTable(columns: ["REQUEST", "PROVIDER", "SITE", "PERIOD", "TAKEN", "REQUESTED", "RETURNED", "MISSING", "PENDING"])
            for summary in summaries {
                table.add([
                    summary.id, summary.provider, summary.site, summary.period, summary.takenAt.map(WireTime.relative) ?? "not yet",
                    "\(summary.requested)", "\(summary.returned)", "\(summary.missing)", "\(summary.pending)",
                ])
            }
            print(table.render())
            for summary in summaries {
                for item in summary.interactions where item.status == "missing" {
                    print("  \(summary.id) \(item.ticketId): missing — \(item.reason ?? "no reason given")")
                }
            }
        }
    }
}
