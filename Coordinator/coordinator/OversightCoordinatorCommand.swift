//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// oversight-coordinator: parse arguments → load config → bootstrap logging → build services → run.
//
//===----------------------------------------------------------------------===//

import ArgumentParser
import Foundation
import Logging
import OversightCoordinator
import OversightModel
import OversightStore

@main
struct OversightCoordinatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "oversight-coordinator",
        abstract: "Oversight coordinator: receives signed ticket batches from provider agents over mutual TLS and stores them.",
        version: oversightVersion,
        subcommands: [
            Demo.self, Init.self, Serve.self, TokenCommand.self, CACommand.self, AgentsCommand.self, Status.self, SLACommand.self, AlertsCommand.self, UsersCommand.self, ContractsCommand.self, ScorecardsCommand.self,
            TicketsCommand.self, IntegrityCommand.self, BackupCommand.self, RestoreCommand.self, MigrateCommand.self,
            EvidenceCommand.self, SamplesCommand.self, SigningKeyCommand.self, InvoicesCommand.self,
        ]
    )
}

/// `--data DIR`, shared by every command.
struct DataOptions: ParsableArguments {
    @Option(name: .long, help: "Data directory (default: $OVERSIGHT_COORDINATOR_DATA or /var/lib/oversight/coordinator).")
    var data: String?

    var paths: CoordinatorPaths { CoordinatorPaths(directory: self.data ?? CoordinatorPaths.defaultDirectory) }
}

struct Init: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create the coordinator's CA, TLS server certificate, signing key and empty store."
    )
    @OptionGroup var data: DataOptions
    @Option(name: .long, help: "Coordinator configuration file (YAML); its data and certificates.server_hostnames are used.")
    var config: String?
    @Option(name: .long, parsing: .upToNextOption, help: "Host names and IP addresses agents use to reach this coordinator.")
    var hostname: [String] = []

    func run() async throws {
        let settings = try CoordinatorSettings.load(file: self.config, dataOverride: self.data.data)
        let paths = settings.paths
        var hostnames = self.hostname
        if hostnames.isEmpty { hostnames = settings.serverHostnames ?? [] }
        if hostnames.isEmpty { hostnames = ["localhost", "127.0.0.1", "::1", ProcessInfo.processInfo.hostName] }
        switch try CoordinatorSetup.initialise(paths, hostnames: hostnames) {
        case .alreadyInitialised(let existing):
            print("\(paths.directory) is already initialised (found \(existing.map { ($0 as NSString).lastPathComponent }.joined(separator: ", "))); nothing was changed.")
        case .created(let fingerprint):
            _ = try SQLiteStore(path: paths.store)
            _ = chmod(paths.store, 0o600)
            print("Initialised coordinator in \(paths.directory)")
            print("  CA fingerprint: \(fingerprint)")
            print("  server certificate for: \(hostnames.joined(separator: ", "))")
            print("Next: oversight-coordinator serve --data \(paths.directory)")
        }
    }
}

struct CACommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ca", abstract: "The coordinator's CA: its fingerprint, status and rollover.", subcommands: [Fingerprint.self, StatusCommand.self, Rollover.self]
    )

    struct Fingerprint: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print sha256:… of the CA certificate (agents pin it at enrollment).")
        @OptionGroup var data: DataOptions
        func run() async throws {
            let identity = try CoordinatorIdentity.load(self.data.paths)
            print(identity.authority.fingerprint)
        }
    }
}

struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "token", abstract: "Enrollment tokens.", subcommands: [Create.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a one-time enrollment token for one provider site.")
        @OptionGroup var store: StoreOptions
        @Option(help: "Provider the agent will belong to.") var provider: String
        @Option(help: "Site of the provider.") var site: String
        @Option(
            name: .customLong("also-site"),
            help: "Another site of the same provider the agent may write records for (repeat for more); by default an agent writes only its own site's."
        )
        var alsoSites: [String] = []
        @Option(help: "How long the token stays valid (e.g. 30m, 24h, 7d).") var ttl: String = "24h"
        @Flag(name: [.short, .long], help: "Print only the token.") var quiet = false

        func validate() throws {
            guard CLIDuration.parse(self.ttl) != nil else { throw ValidationError("--ttl '\(self.ttl)' is not a duration like 30m, 24h or 7d") }
            for (name, value) in [("provider", self.provider), ("site", self.site)] + self.alsoSites.map({ ("also-site", $0) }) {
                guard !value.isEmpty, value.utf8.count <= 64, value.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) else {
                    throw ValidationError("--\(name) must be 1–64 letters, digits, '-', '_' or '.'")
                }
            }
        }

        func run() async throws {
            let identity = try CoordinatorIdentity.load(try self.store.settings().paths)
            let ttl = CLIDuration.parse(self.ttl) ?? .seconds(86400)
            let extra = self.alsoSites.reduce(into: [String]()) { if $1 != self.site && !$0.contains($1) { $0.append($1) } }
            let (provider, site) = (self.provider, self.site)
            let issued = try await self.store.with { store in
                try await EnrollmentTokens.create(store: store, provider: provider, site: site, extraSites: extra, ttl: ttl)
            }
            if self.quiet {
                print(issued.token)
                return
            }
            print(issued.token)
            FileHandle.standardError.write(
                Data(
                    """
                    One-time token for provider \(self.provider), site \(self.site)\(extra.isEmpty ? "" : " (also writes " + extra.joined(separator: ", ") + ")"); expires \(WireTime.format(issued.expiresAt)).
                    On the agent:
                      oversight-agent enroll --coordinator HOST:7443 --token \(issued.token) --ca-fingerprint \(identity.authority.fingerprint)

                    """.utf8
                )
            )
        }
    }
}

struct AgentsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "agents", abstract: "Enrolled agents.", subcommands: [List.self, Revoke.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show every agent: provider, site, online, last heartbeat and batch, outbox, certificate expiry.")
        @OptionGroup var store: StoreOptions
        @Flag(help: "Print JSON.") var json = false
        @Option(help: "Seconds without a heartbeat after which an agent is offline.") var offlineAfter: Int = 90

        func run() async throws {
            let agents = try await self.store.with { try await $0.agents() }
            let now = Date()
            let views = agents.map { AgentView(row: $0, now: now, offlineAfter: .seconds(self.offlineAfter)) }
            if self.json {
                print(try JSONOutput.string(views))
                return
            }
            if views.isEmpty {
                print("No agents enrolled. Create a token with `oversight-coordinator token create --provider P --site S`.")
                return
            }
            var table = TextTable(columns: ["AGENT", "PROVIDER", "SITE", "STATE", "LAST HEARTBEAT", "LAST BATCH", "SEQ", "OUTBOX", "CERT EXPIRES"])
            for view in views {
                table.add([
                    view.id, view.provider, view.site, view.state, view.lastHeartbeatAt.map(WireTime.relative) ?? "never",
                    view.lastBatchAt.map(WireTime.relative) ?? "never", "\(view.lastSeq)",
                    view.outboxDepth.map { "\($0)\(view.outboxFull ? " FULL" : "")" } ?? "-", WireTime.day(view.certificateNotAfter),
                ])
            }
            print(table.render())
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke an agent: its live connection drops within a second and every later handshake fails.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "Agent id (see `agents list`).") var id: String

        func run() async throws {
            let id = self.id
            guard try await self.store.with({ try await $0.revoke(agentId: id, now: Date()) }) else {
                throw ValidationError("no agent with id \(self.id)")
            }
            print("Revoked \(self.id). Every running coordinator drops its connection within a second.")
        }
    }
}

struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Consolidated status per provider and site (works while the coordinator serves).")
    @OptionGroup var store: StoreOptions
    @Flag(help: "Print JSON: an object with a `providers` array.") var json = false
    @Option(help: "Seconds without a heartbeat after which an agent is offline.") var offlineAfter: Int = 90

    func run() async throws {
        let now = Date()
        let offlineAfter = Duration.seconds(self.offlineAfter)
        let (report, security) = try await self.store.with { store in
            let report = try await store.addingEvaluationCounts(
                to: store.addingIntervalCounts(to: store.status(now: now, offlineAfter: offlineAfter))
            )
            return (report, try await store.securityEventCounts(since: now.addingTimeInterval(-86400)))
        }
        if self.json {
            struct Output: Encodable {
                var generatedAt: Date
                var providers: [StatusReport.Provider]
                var securityEventsLast24h: [String: Int]
            }
            print(try JSONOutput.string(Output(generatedAt: report.generatedAt, providers: report.providers, securityEventsLast24h: security)))
            return
        }
        print(StatusRendering.table(report))
        if !security.isEmpty {
            let summary = security.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            print("\nSecurity events in the last 24 h: \(summary)")
        }
    }
}
