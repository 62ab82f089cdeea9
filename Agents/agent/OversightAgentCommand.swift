//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// oversight-agent: parse arguments → load config → bootstrap logging → run the agent's services.
//
//===----------------------------------------------------------------------===//

import ArgumentParser
import Foundation
import Logging
import OversightAgent
import OversightConfig
import OversightConnectors
import OversightLogging
import OversightWire

@main
struct OversightAgentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "oversight-agent",
        abstract: "Oversight node agent: reads a provider's ticket exports and pushes them, signed, to the coordinator.",
        version: oversightAgentVersion,
        subcommands: [Enroll.self, Run.self, Status.self, Check.self, Redact.self]
    )
}

struct DataOption: ParsableArguments {
    @Option(name: .long, help: "Data directory (default: the config's `data`, else $OVERSIGHT_AGENT_DATA or /var/lib/oversight/agent).")
    var data: String?
}

struct Enroll: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Enroll this agent with a one-time token; the TLS connection trusts only the pinned CA fingerprint."
    )
    @Option(help: "Coordinator address, HOST:PORT.") var coordinator: String
    @Option(help: "One-time enrollment token from `oversight-coordinator token create`.") var token: String
    @Option(name: .customLong("ca-fingerprint"), help: "sha256:… from `oversight-coordinator ca fingerprint`.") var caFingerprint: String
    @OptionGroup var data: DataOption
    @Option(help: "Agent configuration file; its `proxy` is used to reach the coordinator.") var config: String?
    @Option(help: "HTTP CONNECT proxy, http://HOST:PORT (password from $OVERSIGHT_PROXY_PASSWORD).") var proxy: String?
    @Option(name: .customLong("proxy-user"), help: "Proxy user for Basic authentication.") var proxyUser: String?

    func validate() throws {
        guard HostAndPort(parsing: self.coordinator) != nil else {
            throw ValidationError("--coordinator '\(self.coordinator)' must be HOST:PORT, e.g. coordinator.example.com:7443")
        }
    }

    func run() async throws {
        let target = HostAndPort(parsing: self.coordinator)!
        var directory = self.data.data
        var proxy: ProxyConfiguration?
        if let config = self.config {
            let configuration = try AgentConfiguration.load(file: config)
            directory = directory ?? configuration.dataDirectory
            proxy = configuration.proxy.map { ProxyConfiguration(host: $0.host, port: $0.port, username: $0.username, password: $0.password) }
        }
        if let proxyURL = self.proxy {
            guard let parsed = URLComponents(string: proxyURL), parsed.scheme == "http", let host = parsed.host, let port = parsed.port else {
                throw ValidationError("--proxy must be http://HOST:PORT")
            }
            proxy = ProxyConfiguration(
                host: host, port: port, username: self.proxyUser, password: ProcessInfo.processInfo.environment["OVERSIGHT_PROXY_PASSWORD"]
            )
        }
        let paths = AgentPaths(directory: directory ?? AgentPaths.defaultDirectory)
        do {
            let identity = try await Enrollment.enroll(
                .init(
                    coordinatorHost: target.host, coordinatorPort: target.port, token: self.token, caFingerprint: self.caFingerprint,
                    proxy: proxy, version: oversightAgentVersion
                ),
                paths: paths
            )
            print("Enrolled as \(identity.agentId) (provider \(identity.provider), site \(identity.site)); credentials in \(paths.directory).")
            print("Next: oversight-agent run --config agent.yaml")
        } catch let error as AgentError {
            FileHandle.standardError.write(Data("error: \(error.message)\n".utf8))
            throw ExitCode(2)
        }
    }
}

struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Read the configured source folders and sync them to the coordinator until SIGTERM/SIGINT.")
    @Option(help: "Agent configuration file (YAML).") var config: String
    @OptionGroup var data: DataOption
    @Option(name: .long, help: "Log format: text or json (one JSON object per line); overrides the config's log_format.")
    var logFormat: LogFormatArgument?

    func run() async throws {
        // Before anything starts NIO or another thread: one event loop, few malloc arenas.
        AgentProcessTuning.apply()
        let configuration: AgentConfiguration
        do {
            configuration = try AgentConfiguration.load(file: self.config)
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(2)
        }
        let logger = bootstrapLogging(level: configuration.logLevel.rawValue, format: (self.logFormat?.format ?? configuration.logFormat).rawValue)
        // Start-up code (configuration, TLS and certificate parsing, the outbox migration, the first handshake) runs once:
        // after a while, drop the code mapped so far from the resident set; what the steady state runs is mapped again.
        let trim = Task.detached(priority: .background) {
            try? await Task.sleep(for: .seconds(20))
            AgentProcessTuning.trimCodeMappings()
        }
        defer { trim.cancel() }
        do {
            try await AgentRuntime(configuration: configuration, dataOverride: self.data.data).run(logger: logger)
        } catch let error as AgentError {
            logger.critical("\(error.message)")
            throw ExitCode(1)
        }
    }
}

struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show the local outbox, the last acknowledged batch, and the source folders with their last errors.")
    @Option(help: "Agent configuration file (to find the data directory).") var config: String?
    @OptionGroup var data: DataOption
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        var directory = self.data.data
        if directory == nil, let config = self.config { directory = try AgentConfiguration.load(file: config).dataDirectory }
        let paths = AgentPaths(directory: directory ?? AgentPaths.defaultDirectory)
        let report: AgentStatusReport
        do {
            report = try await AgentStatusReport.read(paths: paths)
        } catch let error as AgentError {
            FileHandle.standardError.write(Data("error: \(error.message)\n".utf8))
            throw ExitCode(2)
        }
        if self.json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            encoder.dateEncodingStrategy = .iso8601
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
            return
        }
        print("Agent \(report.agentId) — provider \(report.provider), site \(report.site)")
        print("Coordinator: \(report.coordinator) — \(report.connection ?? "never connected")")
        print("Outbox: \(report.outbox.depth) records (\(report.outbox.bytes) bytes) waiting, \(report.outbox.sealedBatches) sealed batches; oldest \(Int(report.outbox.oldestUnsentAgeSeconds))s")
        print("Last acknowledged batch: seq \(report.outbox.lastAckedSeq)\(report.outbox.lastAckedAt.map { " at \(ISO8601DateFormatter().string(from: $0))" } ?? "")")
        if report.sources.isEmpty { print("Sources: none has run yet") }
        for source in report.sources {
            print("Source \(source.name) (\(source.path)): \(source.filesTaken) files, \(source.rowsTaken) rows taken, \(source.rowsRejected) rejected")
            if let error = source.lastError { print("  last error: \(error)") }
        }
        print("Trusts CA \(report.trustedCAs.joined(separator: ", ")); coordinator command keys \(report.coordinatorKeys.joined(separator: ", "))")
        for (period, commitment) in report.sampleSeeds.sorted(by: { $0.key < $1.key }) {
            print("Seed commitment of \(period): \(commitment)")
        }
    }
}

struct Check: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Validate the configuration, the enrollment files and the source folders.")
    @Option(help: "Agent configuration file (YAML).") var config: String
    @OptionGroup var data: DataOption

    func run() async throws {
        let configuration: AgentConfiguration
        do {
            configuration = try AgentConfiguration.load(file: self.config)
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(2)
        }
        print("config: \(self.config) is valid (\(configuration.sources.count) source(s))")
        var failures = 0
        let runtime = AgentRuntime(configuration: configuration, dataOverride: self.data.data)
        do {
            let credentials = try AgentCredentials.load(runtime.paths)
            let sync = try runtime.syncConfiguration(credentials: credentials)
            print("enrollment: agent \(credentials.identity.agentId), provider \(credentials.identity.provider), coordinator \(sync.host):\(sync.port)")
        } catch {
            print("enrollment: \(error)")
            failures += 1
        }
        for source in configuration.sources {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: source.path, isDirectory: &isDirectory), isDirectory.boolValue,
                FileManager.default.isWritableFile(atPath: source.path)
            {
                print("source \(source.name): \(source.path) is a writable folder")
            } else {
                print("source \(source.name): \(source.path) is not a writable folder (files are moved to done/ inside it)")
                failures += 1
            }
        }
        if failures > 0 { throw ExitCode(1) }
    }
}

struct Redact: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print standard input as the agent would send it: personal data replaced by [email], [phone], [card], …",
        discussion: """
            Uses the `redaction:` rules of --config, or the default rules without it. Reads at most 8 MiB. \
            Nothing is logged, and errors never quote the input.
            """
    )
    @Option(help: "Agent configuration file (YAML) whose `redaction:` rules apply.") var config: String?
    @Option(name: .customLong("name"), help: "A person's name to remove as [name], as a name field of a row would be (repeatable).")
    var names: [String] = []

    func run() throws {
        var rules = RedactionConfiguration()
        if let config = self.config {
            do {
                rules = try AgentConfiguration.load(file: config).redaction
            } catch {
                FileHandle.standardError.write(Data("error: \(error)\n".utf8))
                throw ExitCode(2)
            }
        }
        let text: String
        do {
            text = try Redactor.readText(from: .standardInput)
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(2)
        }
        FileHandle.standardOutput.write(Data(Redactor(configuration: rules).redact(text, names: self.names).utf8))
    }
}

/// Bootstraps swift-log once for this process: stderr, the chosen level, text or JSON lines.
func bootstrapLogging(level: String, format: String) -> Logger {
    LogBootstrap.bootstrap(label: "oversight.agent", level: level, format: format)
}

/// `--log-format text|json`.
struct LogFormatArgument: ExpressibleByArgument {
    var format: LogFormat
    init?(argument: String) {
        guard let format = LogFormat(rawValue: argument) else { return nil }
        self.format = format
    }
    static var allValueStrings: [String] { LogFormat.allCases.map(\.rawValue) }
}
