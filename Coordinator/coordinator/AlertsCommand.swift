//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

import ArgumentParser
import Foundation
import OversightAlerts

struct AlertsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alerts", abstract: "Open alerts, their history, and acknowledging them.", subcommands: [List.self, Ack.self]
    )

    static func center(_ data: DataOptions) throws -> AlertCenter {
        let path = data.paths.directory + "/alerts.sqlite"
        guard FileManager.default.fileExists(atPath: path) else {
            throw ValidationError("no alert store at \(path): the coordinator has not run yet with this --data")
        }
        // Receivers are the running coordinator's business; this process only reads and acknowledges.
        return try AlertCenter(store: try AlertStore(path: path), configuration: .init(consoleBaseURL: "", receivers: []))
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Open alerts (firing or acknowledged); --all for recent history.")
        @OptionGroup var data: DataOptions
        @Flag(help: "Include resolved alerts.") var all = false
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let center = try AlertsCommand.center(self.data)
            let alerts = self.all ? try await center.history(limit: 200) : try await center.openAlerts()
            if self.json {
                print(try JSONOutput.string(alerts.map { AlertView($0) }))
                return
            }
            if alerts.isEmpty {
                print(self.all ? "No alerts yet." : "No open alerts.")
                return
            }
            var table = TextTable(columns: ["STATE", "SEVERITY", "KIND", "SINCE", "SUMMARY", "KEY"])
            for alert in alerts {
                table.add([alert.state.rawValue, alert.severity.rawValue, alert.kind.rawValue, WireTime.format(alert.startsAt), alert.summary, alert.key])
            }
            print(table.render())
        }
    }

    struct Ack: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Acknowledge an open alert (by its key from `alerts list`).")
        @OptionGroup var data: DataOptions
        @Argument(help: "The alert's key.") var key: String
        @Option(help: "Who acknowledges.") var by: String
        @Option(help: "A comment.") var comment: String?

        func run() async throws {
            let center = try AlertsCommand.center(self.data)
            let alert = try await center.acknowledge(key: self.key, by: self.by, comment: self.comment)
            print("Acknowledged: \(alert.summary)")
        }
    }
}

/// An alert as the CLI prints it in JSON.
struct AlertView: Encodable {
    var key: String
    var kind: String
    var severity: String
    var state: String
    var summary: String
    var labels: [String: String]
    var startsAt: Date
    var endsAt: Date?
    var acknowledgedBy: String?

    init(_ alert: Alert) {
        self.key = alert.key
        self.kind = alert.kind.rawValue
        self.severity = alert.severity.rawValue
        self.state = alert.state.rawValue
        self.summary = alert.summary
        self.labels = alert.labels
        self.startsAt = alert.startsAt
        self.endsAt = alert.endsAt
        self.acknowledgedBy = alert.acknowledgement?.by
    }
}
