//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// `oversight-coordinator demo`: init, the coordinator, and real agent processes for three simulated providers
// (or two fed from bundled sample exports, `--feed samples`), over real TLS. Runs until Ctrl-C/SIGTERM, then
// stops every process it started.
//
//===----------------------------------------------------------------------===//

import ArgumentParser
import Foundation
import Logging
import NIOCore
import OversightCoordinator
import OversightStore
import ServiceLifecycle

struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run everything on embedded defaults: a coordinator and simulated providers' agents.",
        discussion: """
            The simulator (default) runs three provider sites that write export files every 2 s: acme-support is healthy, \
            globex-care drifts into breaches, initech-help's export job and agent go silent for 30 s, 30 s in. --speed \
            accelerates the simulated working day (the volume curve of tickets and contacts), not the clocks: every timestamp \
            is wall time, with phone and chat interval reports backfilled from the start of yesterday, so every figure falls \
            in the periods the console shows. --feed samples copies the bundled sample exports once instead.
            """
    )
    @Option(name: .long, help: "Data directory for the demo (default: a new temporary directory).") var data: String?
    @Option(name: .long, help: "TLS port for agents (default: a free port).") var port: Int = 0
    @Option(name: .long, help: "Path of the oversight-agent binary (default: next to this executable).") var agentBinary: String?
    @Option(name: .long, help: "Log level of the coordinator: trace … critical.") var logLevel: String = "warning"
    @Option(name: .long, help: "HTTPS port of the console (0 turns it off).") var consolePort: Int = 8443
    @Option(name: .customLong("feed"), help: "Where export files come from: simulator (continuous) or samples (bundled files, once).")
    var feedKind: String = "simulator"
    @Option(name: .long, help: "Seed of the simulator: the same seed gives the same tickets.") var seed: UInt64 = 1
    @Option(name: .long, help: "Simulated seconds per wall second of the simulated working day (SLA clocks stay on wall time).")
    var speed: Double = 60

    func validate() throws {
        guard ["simulator", "samples"].contains(self.feedKind) else { throw ValidationError("--feed must be simulator or samples") }
        guard self.speed > 0, self.speed <= 86_400 else { throw ValidationError("--speed must be above 0 and at most 86400") }
    }

    func run() async throws {
        let directory = try self.data ?? Self.temporaryDirectory()
        let logger = bootstrapLogging(label: "oversight.demo", level: self.logLevel)
        let agentBinary = try self.agentBinary ?? Self.siblingBinary("oversight-agent")
        let coordinatorPaths = CoordinatorPaths(directory: directory + "/coordinator")
        if case .created = try CoordinatorSetup.initialise(coordinatorPaths, hostnames: ["localhost", "127.0.0.1", "::1"]) {
            _ = try SQLiteStore(path: coordinatorPaths.store)
        }
        try Self.installContracts(into: coordinatorPaths.directory + "/contracts")
        try Self.installSamples("scorecards", what: "scorecards", into: coordinatorPaths.directory + "/scorecards")
        try Self.installSamples("sampling", what: "sampling plans", into: coordinatorPaths.directory + "/sampling")
        var listener = ListenerConfiguration()
        listener.host = "127.0.0.1"
        listener.port = self.port
        listener.heartbeatInterval = .seconds(5)
        listener.offlineAfter = .seconds(15)
        var server = CoordinatorServer(paths: coordinatorPaths, listener: listener)
        let alertReceiver = try await DemoAlertReceiver(logger: logger)
        var alerts = AlertsConfiguration(databasePath: coordinatorPaths.directory + "/alerts.sqlite")
        alerts.consoleURL = "https://127.0.0.1:\(self.consolePort > 0 ? self.consolePort : 8443)"
        alerts.silentAfter = .seconds(20)
        alerts.receivers = [alertReceiver.receiver]
        server.alerts = alerts
        server.aggregateInterval = .seconds(5)
        let feed: any DemoFeed
        if self.feedKind == "samples" {
            feed = SampleExportFeed(directory: directory)
        } else {
            let simulator = SimulatorFeed(seed: self.seed, speed: self.speed)
            say(simulator.banner)
            feed = simulator
        }
        let runner = DemoRunner(directory: directory, coordinatorPaths: coordinatorPaths, agentBinary: agentBinary, feed: feed, logger: logger)

        say("Oversight demo — data in \(directory)")
        say("Alert receiver (webhook, HMAC-signed) on http://127.0.0.1:\(alertReceiver.port)/alerts")
        try await server.run(
            logger: logger, extraServices: [alertReceiver, runner], slaSink: { event in runner.slaEvent(event) },
            makeServices: { [consolePort = self.consolePort, events = server.events] store, alerts in
                guard consolePort > 0 else { return [] }
                return try await ConsoleWiring.services(
                    paths: coordinatorPaths, host: "127.0.0.1", port: consolePort, store: store, alerts: alerts, logger: logger, events: events,
                    announce: { say($0) }
                )
            },
            onBound: { address in runner.coordinatorBound(port: address.port ?? 0) }
        )
        say("Demo stopped; every process it started has exited. Data kept in \(directory)")
    }

    /// Copies the bundled example contracts (the ones in deploy/contracts) unless the folder exists already.
    static func installContracts(into folder: String) throws {
        try Self.installSamples("contracts", what: "contracts", into: folder)
    }

    /// Copies the bundled `Samples/<name>` folder (a copy of `deploy/<name>`) unless `folder` exists already.
    static func installSamples(_ name: String, what: String, into folder: String) throws {
        guard !FileManager.default.fileExists(atPath: folder) else { return }
        guard let bundled = Bundle.module.resourceURL?.appendingPathComponent("Samples/\(name)") else {
            throw ValidationError("the demo's example \(what) are missing from the build")
        }
        try FileManager.default.copyItem(atPath: bundled.path, toPath: folder)
    }

    static func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "oversight-demo-\(UUID().uuidString.prefix(8).lowercased())"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        return path
    }

    static func siblingBinary(_ name: String) throws -> String {
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        let candidates = [
            executable.deletingLastPathComponent().appendingPathComponent(name).path,
            Bundle.main.executableURL?.deletingLastPathComponent().appendingPathComponent(name).path,
        ].compactMap { $0 }
        for candidate in candidates where FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        throw ValidationError("cannot find \(name) next to this executable; build it (`swift build`) or pass --agent-binary")
    }
}

/// One simulated provider site of the demo.
struct DemoProvider: Sendable {
    var provider: String
    var site: String
    /// The agent's `sources[0]` YAML (path filled in by the runner).
    var sourceYAML: String
}

/// Where a demo's provider export files come from: the simulator (``SimulatorFeed``) or the bundled samples.
protocol DemoFeed: Sendable {
    var providers: [DemoProvider] { get }
    /// Writes export files for `provider` into `folder`, as the provider's export job would.
    func feed(_ provider: DemoProvider, into folder: String) throws
    /// Keeps writing export files for `provider` into `folder` until cancelled (or returns when there is no more);
    /// `start` is the instant the run's schedule (``silentWindows(for:)``) counts from.
    func run(_ provider: DemoProvider, into folder: String, start: Date) async throws
    /// Windows, counted from the run's start, in which the provider's export job writes nothing; the runner stops the
    /// provider's agent for each of them, so the coordinator sees the site go silent.
    func silentWindows(for provider: DemoProvider) -> [Range<Duration>]
}

extension DemoFeed {
    /// Feeds once.
    func run(_ provider: DemoProvider, into folder: String, start: Date) async throws {
        try self.feed(provider, into: folder)
    }

    /// Never silent.
    func silentWindows(for provider: DemoProvider) -> [Range<Duration>] { [] }
}

/// Copies the bundled sample exports (Coordinator/coordinator/Samples) into each provider's export folder.
struct SampleExportFeed: DemoFeed {
    let directory: String

    var providers: [DemoProvider] {
        [
            DemoProvider(
                provider: "acme-support", site: "lisbon",
                sourceYAML: """
                    mapping:
                      fields:
                        id: "Ticket ID"
                        status: "Status"
                        created_at: "Created"
                        updated_at: "Updated"
                        first_reply_at: "First reply"
                        solved_at: "Solved"
                        channel: "Channel"
                        priority: "Priority"
                        assignee: "Agent"
                        queue: "Group"
                        tags: "Tags"
                        csat: "Satisfaction"
                        reopen_count: "Reopens"
                      dates:
                        format: "dd/MM/yyyy HH:mm"
                        time_zone: Europe/Lisbon
                      statuses:
                        "New": new
                        "In progress": open
                        "Awaiting customer": pending
                        "On hold": on-hold
                        "Resolved": solved
                        "Closed": closed
                      channels:
                        "E-Mail": email
                        "Live chat": chat
                        "Telephone": phone
                        "Web form": web
                      priorities:
                        "P1": urgent
                        "P2": high
                        "P3": normal
                        "P4": low
                    """
            ),
            DemoProvider(
                provider: "globex-care", site: "manila",
                sourceYAML: """
                    mapping:
                      fields:
                        id: "ticket.number"
                        status: "ticket.state"
                        channel: "ticket.channel"
                        priority: "ticket.priority"
                        created_at: "times.created"
                        updated_at: "times.updated"
                        first_reply_at: "times.first_response"
                        solved_at: "times.solved"
                        assignee: "owner"
                        queue: "team"
                        status_history: "history"
                      dates:
                        format: iso8601
                    """
            ),
        ]
    }

    func feed(_ provider: DemoProvider, into folder: String) throws {
        let key = String(provider.provider.prefix(while: { $0 != "-" }))
        guard let samples = Bundle.module.resourceURL?.appendingPathComponent("Samples").appendingPathComponent(key) else {
            throw ValidationError("the demo's sample exports are missing from the build")
        }
        for file in try FileManager.default.contentsOfDirectory(atPath: samples.path).sorted() {
            // Written under a temporary name and renamed, as a careful export job does.
            let temporary = folder + "/." + file + ".part"
            try? FileManager.default.removeItem(atPath: temporary)
            try FileManager.default.copyItem(atPath: samples.appendingPathComponent(file).path, toPath: temporary)
            try FileManager.default.moveItem(atPath: temporary, toPath: folder + "/" + file)
        }
    }
}

/// Writes a line to standard output at once (unbuffered), so the demo's lines show up as they happen even when its
/// output goes to a file or another program.
func say(_ line: String = "") {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
