//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

import ArgumentParser
import Foundation
import Logging
import OversightCoordinator
import OversightLogging

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Listen for agents on TLS (default port 7443) until SIGTERM/SIGINT, then shut down gracefully."
    )
    @OptionGroup var data: DataOptions
    @Option(name: .long, help: "Coordinator configuration file (YAML).") var config: String?
    @Option(name: .long, help: "Address to listen on (overrides the config).") var host: String?
    @Option(name: .long, help: "TLS port for agents (overrides the config; 0 picks a free port).") var port: Int?
    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error, critical.") var logLevel: String?
    @Option(name: .long, help: "Log format: text or json (one JSON object per line); overrides the config's log_format.")
    var logFormat: String?
    @Option(name: .long, help: "Folder of *.contract.yaml files (default: DATA/contracts when it exists).") var contracts: String?
    @Option(name: .long, help: "Folder of *.scorecard.yaml files (default: the config's scorecards:, else DATA/scorecards when it exists).")
    var scorecards: String?
    @Option(name: .long, help: "HTTPS port of the web console and JSON API (0 turns the console off).") var consolePort: Int = 8443

    func validate() throws {
        if let format = self.logFormat, !["text", "json"].contains(format) { throw ValidationError("--log-format must be text or json") }
    }

    func run() async throws {
        var settings = try CoordinatorSettings.load(file: self.config, dataOverride: self.data.data)
        if let host = self.host { settings.listener.host = host }
        if let port = self.port { settings.listener.port = port }
        if let level = self.logLevel { settings.logLevel = level }
        if let format = self.logFormat { settings.logFormat = format }
        let logger = bootstrapLogging(label: "oversight.coordinator", level: settings.logLevel, format: settings.logFormat)
        // Held while serving, so that `restore` refuses to replace the store under a running coordinator.
        let lock = FileManager.default.fileExists(atPath: settings.paths.directory)
            ? try DataDirectoryLock.forServing(directory: settings.paths.directory) : nil
        defer { withExtendedLifetime(lock) {} }
        var server = CoordinatorServer(
            paths: settings.paths, listener: settings.listener, synchronous: settings.synchronous,
            contractsDirectory: self.contracts ?? settings.contractsDirectory
        )
        server.alerts = settings.alertsConfiguration
        server.postgres = settings.postgresConfiguration
        server.aggregateInterval = settings.aggregateInterval
        let paths = settings.paths
        let consoleHost = settings.listener.host
        let consolePort = self.consolePort
        let contractsDirectory = server.contractsDirectory
        let scorecardsDirectory = self.scorecards ?? settings.scorecardsDirectory
        try await server.run(
            logger: logger,
            makeServices: { [events = server.events] store, alerts in
                guard consolePort > 0 else { return [] }
                return try await ConsoleWiring.services(
                    paths: paths, host: consoleHost, port: consolePort, store: store, alerts: alerts, logger: logger, events: events,
                    contractsDirectory: contractsDirectory, scorecardsDirectory: scorecardsDirectory, passwordFile: paths.directory + "/console-admin-password",
                    announce: { logger.notice("\($0)") }
                )
            },
            onBound: { address in logger.notice("coordinator ready", metadata: ["oversight.listen.port": "\(address.port ?? 0)"]) }
        )
    }
}

/// Bootstraps swift-log once for this process (stderr, chosen level, `text` or `json` lines).
func bootstrapLogging(label: String, level: String, format: String = "text") -> Logger {
    LogBootstrap.bootstrap(label: label, level: level, format: format)
}
