//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// A real `oversight-agent`: config file, enroll, run, status, kill.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightAgent

/// Options of the agent configuration the harness writes (the handy fast test settings by default).
package struct AgentOptions: Sendable {
    package var maxRecords = 500
    package var maxAge = "100ms"
    /// The ticket source's `poll_interval` and `settle_time` (short by default, so tests run fast; the shipping defaults are 500 ms).
    package var pollInterval = "100ms"
    package var settleTime = "100ms"
    package var inFlight = 4
    package var outboxMaxBytes: String?
    package var proxyURL: String?
    package var proxyUsername: String?
    package var proxyPasswordFile: String?
    package var logLevel = "info"
    /// The ticket source's `mapping` as YAML (indented by the writer); `nil`: the harness's JSON Lines/CSV field list.
    package var ticketMapping: String?
    /// More items of `sources`, as YAML starting at column 0 (`- name: rt\n  from: rt5\n…`); the writer indents them.
    package var extraSources: String?
    /// `transcripts.folder`: where sample requests find interactions; `nil`: none configured.
    package var transcriptsFolder: String?
    /// Creates the defaults.
    package init() {}
}

/// An agent's folders (data, a `tickets` source, an `intervals` source, an `evaluations` source, config file) and, while
/// it runs, its process.
///
/// `@unchecked Sendable`: a test drives it from one task at a time.
package final class AgentProcess: @unchecked Sendable {
    package let name: String
    package let root: URL
    package var dataDirectory: URL { self.root.appendingPathComponent("data") }
    /// The folder the `tickets` source watches.
    package var sourceDirectory: URL { self.root.appendingPathComponent("tickets") }
    package var doneDirectory: URL { self.sourceDirectory.appendingPathComponent("done") }
    package var rejectsDirectory: URL { self.sourceDirectory.appendingPathComponent("rejects") }
    /// The folder the `intervals` source watches (the reference interval CSV columns, no mapping).
    package var intervalsDirectory: URL { self.root.appendingPathComponent("intervals") }
    /// The folder the `evaluations` source watches (the reference QA JSON Lines keys, no mapping).
    package var evaluationsDirectory: URL { self.root.appendingPathComponent("qa") }
    package var configFile: URL { self.root.appendingPathComponent("agent.yaml") }
    package private(set) var process: ChildProcess?
    /// A command `run` is started under (`ip netns exec NAME`, which execs the agent in a network namespace); empty: directly.
    package var launcher: [String] = []
    private var starts = 0
    private let onStart: @Sendable (ChildProcess) -> Void

    /// Creates the folders and writes the config.
    package init(name: String, root: URL, options: AgentOptions = AgentOptions(), onStart: @escaping @Sendable (ChildProcess) -> Void) throws {
        self.name = name
        self.root = root
        self.onStart = onStart
        try FileManager.default.createDirectory(at: self.sourceDirectory, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: self.intervalsDirectory, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: self.evaluationsDirectory, withIntermediateDirectories: true)
        try self.writeConfig(options)
    }

    /// Writes `agent.yaml` with `options`.
    package func writeConfig(_ options: AgentOptions) throws {
        var yaml = """
            data: "\(self.dataDirectory.path)"
            batch:
              max_records: \(options.maxRecords)
              max_age: \(options.maxAge)
              in_flight: \(options.inFlight)
            heartbeat_interval: 1s
            reconnect:
              initial_backoff: 100ms
              max_backoff: 1s
            log_level: \(options.logLevel)

            """
        if let maxBytes = options.outboxMaxBytes {
            yaml += "outbox:\n  max_bytes: \(maxBytes)\n"
        }
        if let folder = options.transcriptsFolder {
            yaml += "transcripts:\n  folder: \"\(folder)\"\n"
        }
        if let url = options.proxyURL {
            yaml += "proxy:\n  url: \"\(url)\"\n"
            if let user = options.proxyUsername { yaml += "  username: \"\(user)\"\n" }
            if let file = options.proxyPasswordFile { yaml += "  password_file: \"\(file)\"\n" }
        }
        let ticketMapping = ("mapping:\n" + (options.ticketMapping ?? Self.defaultTicketMapping).split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
            .split(separator: "\n").map { "    " + $0 }.joined(separator: "\n")
        yaml += """
            sources:
              - name: tickets
                kind: tickets
                path: "\(self.sourceDirectory.path)"
                format: auto
                poll_interval: \(options.pollInterval)
                settle_time: \(options.settleTime)
            \(ticketMapping)
              - name: intervals
                kind: intervals
                path: "\(self.intervalsDirectory.path)"
                poll_interval: 100ms
                settle_time: 100ms
              - name: evaluations
                kind: evaluations
                path: "\(self.evaluationsDirectory.path)"
                poll_interval: 100ms
                settle_time: 100ms

            """
        if let extra = options.extraSources {
            yaml += extra.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n") + "\n"
        }
        try Data(yaml.utf8).write(to: self.configFile)
    }

    /// The harness's ticket mapping: JSON Lines or CSV with these keys, ISO 8601 dates.
    static let defaultTicketMapping = """
        fields:
          id: "id"
          status: "status"
          created_at: "created"
          updated_at: "updated"
          channel: "channel"
          priority: "priority"
          queue: "queue"
          assignee: "assignee"
          tags: "tags"
          csat: "csat"
        dates:
          format: iso8601
        """

    /// `oversight-agent enroll` against `coordinator`; returns the command's result (the caller checks it).
    package func enroll(coordinator: String, token: String, fingerprint: String, extra: [String] = []) async throws -> CommandResult {
        try await runCommand(
            try Binaries.agent(),
            ["enroll", "--coordinator", coordinator, "--token", token, "--ca-fingerprint", fingerprint, "--data", self.dataDirectory.path]
                + extra
        )
    }

    /// Enrolls with a fresh token for `provider`/`site`, failing unless it succeeds.
    package func enroll(with coordinator: CoordinatorProcess, provider: String, site: String, alsoSites: [String] = []) async throws {
        let token = try await coordinator.createToken(provider: provider, site: site, alsoSites: alsoSites)
        let result = try await self.enroll(coordinator: coordinator.address, token: token, fingerprint: try await coordinator.fingerprint())
        guard result.exitCode == 0 else { throw HarnessError("enroll of \(self.name) failed: \(result)") }
    }

    /// The enrolled agent's credentials (keys and certificates), to act as this agent with a lean client.
    package func credentials() throws -> AgentCredentials {
        try AgentCredentials.load(AgentPaths(directory: self.dataDirectory.path))
    }

    /// The enrolled agent id.
    package func agentId() throws -> String { try self.credentials().identity.agentId }

    /// Starts `oversight-agent run --config agent.yaml`.
    package func start() throws {
        guard self.process?.isRunning != true else { throw HarnessError("agent \(self.name) is already running") }
        self.starts += 1
        let command = self.launcher + [try Binaries.agent(), "run", "--config", self.configFile.path]
        let child = try ChildProcess(
            name: "agent \(self.name)#\(self.starts)", executable: command[0], arguments: Array(command.dropFirst()),
            logFile: self.root.appendingPathComponent("agent-\(self.starts).log")
        )
        self.onStart(child)
        self.process = child
    }

    /// Throws, with the end of its log, if the agent was started and is no longer running (it crashed or exited).
    package func ensureRunning() throws {
        guard let process = self.process, !process.isRunning else { return }
        throw ProcessExitedError("agent \(self.name) exited with status \(process.exitStatus ?? -1); its log ends with:\n\(process.logTail(30))")
    }

    /// SIGTERM and wait.
    package func stop() async {
        await self.process?.terminate()
        self.process = nil
    }

    /// kill -9.
    package func kill9() async {
        await self.process?.kill9()
        self.process = nil
    }

    /// The logs of every run so far, concatenated.
    package func allLogs() -> String {
        (1...max(1, self.starts)).map {
            (try? String(contentsOf: self.root.appendingPathComponent("agent-\($0).log"), encoding: .utf8)) ?? ""
        }.joined(separator: "\n")
    }

    /// `oversight-agent status --json`, decoded.
    package func status() async throws -> AgentStatusReport {
        let result = try await runCommand(try Binaries.agent(), ["status", "--data", self.dataDirectory.path, "--json"])
        guard result.exitCode == 0 else { throw HarnessError("agent status failed: \(result)") }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(AgentStatusReport.self, from: Data(result.stdout.utf8))
    }

    /// Drops a file into the source folder atomically (written as `.tmp`, which the agent ignores, then renamed).
    package func drop(_ name: String, _ contents: String) throws {
        let temporary = self.sourceDirectory.appendingPathComponent(".\(name).tmp")
        try Data(contents.utf8).write(to: temporary)
        try FileManager.default.moveItem(at: temporary, to: self.sourceDirectory.appendingPathComponent(name))
    }

    /// Drops a file into the intervals folder atomically, as ``drop(_:_:)`` does for tickets.
    package func dropIntervals(_ name: String, _ contents: String) throws {
        let temporary = self.intervalsDirectory.appendingPathComponent(".\(name).tmp")
        try Data(contents.utf8).write(to: temporary)
        try FileManager.default.moveItem(at: temporary, to: self.intervalsDirectory.appendingPathComponent(name))
    }

    /// Files of the intervals folder moved to `done/`.
    package func doneIntervalFiles() -> [String] { FileManager.default.fileNames(in: self.intervalsDirectory.appendingPathComponent("done")) }

    /// Drops a file into the QA evaluations folder atomically, as ``drop(_:_:)`` does for tickets.
    package func dropEvaluations(_ name: String, _ contents: String) throws {
        let temporary = self.evaluationsDirectory.appendingPathComponent(".\(name).tmp")
        try Data(contents.utf8).write(to: temporary)
        try FileManager.default.moveItem(at: temporary, to: self.evaluationsDirectory.appendingPathComponent(name))
    }

    /// Files of the QA evaluations folder moved to `done/`.
    package func doneEvaluationFiles() -> [String] {
        FileManager.default.fileNames(in: self.evaluationsDirectory.appendingPathComponent("done"))
    }

    /// Files still waiting in the source folder.
    package func pendingFiles() -> [String] { FileManager.default.fileNames(in: self.sourceDirectory) }

    /// Files moved to `done/`.
    package func doneFiles() -> [String] { FileManager.default.fileNames(in: self.doneDirectory) }
}
