//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The agent's metrics as a Prometheus node-exporter textfile (`metrics.textfile`).
//
//===----------------------------------------------------------------------===//

import Foundation
import Logging
import ServiceLifecycle

/// Rewrites `metrics.textfile` every `metrics.interval` with the agent's figures, for node-exporter's textfile
/// collector: the agent opens no port. Written to a temporary file beside it and renamed, so a scrape never reads half
/// a file. The figures are those of `oversight-agent status`, read from the live outbox.
package struct MetricsTextfileService: Service, CustomStringConvertible {
    let path: String
    let interval: Duration
    let outbox: Outbox
    let identity: AgentIdentityFile
    let logger: Logger

    package var description: String { "MetricsTextfileService" }

    /// Creates the writer; it does nothing until ``run()``.
    package init(path: String, interval: Duration, outbox: Outbox, identity: AgentIdentityFile, logger: Logger) {
        self.path = path
        self.interval = interval
        self.outbox = outbox
        self.identity = identity
        self.logger = logger
    }

    package func run() async throws {
        try? await cancelWhenGracefulShutdown {
            var reported = false
            while !Task.isCancelled {
                do {
                    try await self.write()
                } catch {
                    if !reported { self.logger.warning("cannot write the metrics textfile", metadata: ["oversight.metrics.textfile": "\(self.path)"]) }
                    reported = true
                }
                try await Task.sleep(for: self.interval)
            }
        }
    }

    /// Writes the file once.
    func write() async throws {
        let text = Self.render(
            stats: try await self.outbox.stats(now: Date()), sources: try await self.outbox.sourceStatuses(),
            connected: try await self.outbox.state("connection")?.hasPrefix("connected") ?? false, identity: self.identity
        )
        let staged = self.path + ".tmp"
        try Data(text.utf8).write(to: URL(fileURLWithPath: staged))
        guard rename(staged, self.path) == 0 else { throw AgentError(.io, "cannot rename \(staged)") }
    }

    /// The Prometheus text format of the agent's figures.
    static func render(stats: OutboxStats, sources: [SourceStatus], connected: Bool, identity: AgentIdentityFile) -> String {
        func escape(_ value: String) -> String {
            value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n")
        }
        let agent = "agent=\"\(escape(identity.agentId))\",provider=\"\(escape(identity.provider))\",site=\"\(escape(identity.site))\""
        var lines: [String] = []
        func metric(_ name: String, _ type: String, _ help: String, _ samples: [(String, String)]) {
            lines.append("# HELP \(name) \(help)")
            lines.append("# TYPE \(name) \(type)")
            for (labels, value) in samples { lines.append("\(name){\(labels)} \(value)") }
        }
        metric("oversight_agent_connected", "gauge", "1 while the agent holds a connection to the coordinator", [(agent, connected ? "1" : "0")])
        metric("oversight_agent_outbox_records", "gauge", "Records waiting in the outbox", [(agent, "\(stats.depth)")])
        metric("oversight_agent_outbox_bytes", "gauge", "Bytes the waiting records take", [(agent, "\(stats.bytes)")])
        metric("oversight_agent_outbox_oldest_unsent_seconds", "gauge", "Age of the oldest record not yet acknowledged", [(agent, "\(stats.oldestUnsentAgeSeconds)")])
        metric("oversight_agent_last_acknowledged_sequence", "gauge", "Sequence number of the last batch the coordinator acknowledged", [(agent, "\(stats.lastAckedSeq)")])
        let bySource = sources.map { (agent + ",source=\"\(escape($0.name))\"", $0) }
        metric("oversight_agent_source_files_taken_total", "counter", "Export files read and moved to done/", bySource.map { ($0.0, "\($0.1.filesTaken)") })
        metric("oversight_agent_source_rows_taken_total", "counter", "Rows taken into the outbox", bySource.map { ($0.0, "\($0.1.rowsTaken)") })
        metric("oversight_agent_source_rows_rejected_total", "counter", "Rows set aside in rejects/", bySource.map { ($0.0, "\($0.1.rowsRejected)") })
        return lines.joined(separator: "\n") + "\n"
    }
}
