//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// `oversight-agent run`: the source service and the sync service in one ServiceGroup.
//
//===----------------------------------------------------------------------===//

import Foundation
import Logging
import OversightConfig
import OversightModel
import OversightWire
import ServiceLifecycle

/// The agent's version, reported in hello and heartbeats.
package let oversightAgentVersion = oversightVersion

/// Builds and runs the agent from its configuration.
package struct AgentRuntime: Sendable {
    package let configuration: AgentConfiguration
    package let paths: AgentPaths

    /// Creates the runtime; `dataOverride` (from `--data`) wins over the file's `data`.
    package init(configuration: AgentConfiguration, dataOverride: String?) {
        self.configuration = configuration
        self.paths = AgentPaths(directory: dataOverride ?? configuration.dataDirectory)
    }

    /// The sync settings implied by the configuration and the enrollment.
    package func syncConfiguration(credentials: AgentCredentials) throws -> SyncConfiguration {
        let target: (String, Int)
        if let coordinator = self.configuration.coordinator {
            target = (coordinator.host, coordinator.port)
        } else if let parsed = HostAndPort(parsing: credentials.identity.coordinator) {
            target = (parsed.host, parsed.port)
        } else {
            throw AgentError(.invalidArgument, "no coordinator address: set `coordinator:` in the config")
        }
        var sync = SyncConfiguration(
            host: target.0, port: target.1,
            proxy: self.configuration.proxy.map {
                ProxyConfiguration(host: $0.host, port: $0.port, username: $0.username, password: $0.password)
            },
            version: oversightAgentVersion
        )
        sync.maxRecords = self.configuration.batch.maxRecords
        sync.maxAge = self.configuration.batch.maxAge
        sync.inFlight = self.configuration.batch.inFlight
        sync.heartbeatInterval = self.configuration.heartbeatInterval
        sync.initialBackoff = self.configuration.reconnect.initialBackoff
        sync.maxBackoff = self.configuration.reconnect.maxBackoff
        sync.transcripts = self.configuration.transcripts
        sync.redaction = self.configuration.redaction
        return sync
    }

    /// Runs until SIGTERM/SIGINT.
    package func run(logger: Logger) async throws {
        let credentials = try AgentCredentials.load(self.paths)
        var logger = logger
        logger[metadataKey: "oversight.agent.id"] = "\(credentials.identity.agentId)"
        for source in self.configuration.sources {
            var isDirectory: ObjCBool = false
            if !FileManager.default.fileExists(atPath: source.path, isDirectory: &isDirectory) || !isDirectory.boolValue {
                logger.warning("source folder does not exist yet; it is polled until it does", metadata: ["oversight.source.path": "\(source.path)"])
            }
        }
        let outbox = try Outbox(path: self.paths.outbox)
        let health = AgentHealth()
        let sources = SourceService(
            sources: self.configuration.sources, credentials: credentials, outbox: outbox, outboxLimit: self.configuration.outbox.maxBytes,
            health: health, redaction: self.configuration.redaction, logger: logger
        )
        let sync = SyncService(
            configuration: try self.syncConfiguration(credentials: credentials), paths: self.paths, outbox: outbox, health: health, logger: logger
        )
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: sources), .init(service: sync)]
        if let textfile = self.configuration.metrics.textfile {  // metrics.textfile: MetricsTextfileService.swift
            services.append(
                .init(
                    service: MetricsTextfileService(
                        path: textfile, interval: self.configuration.metrics.interval, outbox: outbox, identity: credentials.identity, logger: logger
                    )
                )
            )
        }
        var group = ServiceGroupConfiguration(services: services, logger: logger)
        group.gracefulShutdownSignals = [.sigterm, .sigint]
        group.maximumGracefulShutdownDuration = .seconds(10)
        logger.info(
            "agent running",
            metadata: ["oversight.provider": "\(credentials.identity.provider)", "oversight.site": "\(credentials.identity.site)"]
        )
        try await ServiceGroup(configuration: group).run()
    }
}

/// What `oversight-agent status` shows.
package struct AgentStatusReport: Codable, Sendable {
    package var agentId: String
    package var provider: String
    package var site: String
    package var coordinator: String
    package var connection: String?
    package var outbox: OutboxStats
    package var sources: [SourceStatus]
    /// What the agent trusts: CA fingerprints and coordinator command-key thumbprints (docs/operations.md, rotations).
    package var trustedCAs: [String] = []
    package var coordinatorKeys: [String] = []
    /// Head office's seed commitments by period, as first announced (docs/audits.md).
    package var sampleSeeds: [String: String] = [:]

    /// Reads the status from the data directory (works while the agent runs).
    package static func read(paths: AgentPaths) async throws -> AgentStatusReport {
        let credentials = try AgentCredentials.load(paths)
        var report = AgentStatusReport(
            agentId: credentials.identity.agentId, provider: credentials.identity.provider, site: credentials.identity.site,
            coordinator: credentials.identity.coordinator, connection: nil,
            outbox: OutboxStats(
                depth: 0, bytes: 0, oldestUnsentAgeSeconds: 0, sealedBatches: 0, lastAckedSeq: 0, lastAckedHash: genesisBatchHash, lastAckedAt: nil
            ),
            sources: []
        )
        if let trust = try? AgentTrust(credentials: credentials) {
            let trustReport = trust.report(nonce: "")
            report.trustedCAs = trustReport.caFingerprints
            report.coordinatorKeys = trustReport.coordinatorKeys
        }
        // Read-only: `status` may run while the agent runs, and must never race it to create or migrate the outbox.
        guard FileManager.default.fileExists(atPath: paths.outbox), let outbox = try? Outbox(path: paths.outbox, readOnly: true),
            let stats = try? await outbox.stats(now: Date())
        else {
            report.connection = "the agent has not run yet (no outbox)"
            return report
        }
        report.connection = try? await outbox.state("connection")
        report.outbox = stats
        report.sources = (try? await outbox.sourceStatuses()) ?? []
        report.sampleSeeds = (try? await outbox.states(prefix: "sample-seed:")) ?? [:]
        return report
    }
}
