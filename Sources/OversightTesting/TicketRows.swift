//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Ticket export files (CSV and JSON Lines) in the column layout of the harness's agent config.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightModel

/// One row of a provider's ticket export, as the harness's mapping expects it.
package struct TicketRow: Sendable, Hashable {
    package var id: String
    package var status: String
    package var created: Date
    package var updated: Date
    package var channel: String
    package var priority: String
    package var queue: String
    package var assignee: String
    package var tags: [String]
    package var csat: Int?

    /// A deterministic row number `n` (statuses cycle through all six; every third is solved or closed).
    package static func make(id: String, n: Int, base: Date = Date(timeIntervalSince1970: 1_767_225_600)) -> TicketRow {
        let statuses = ["new", "open", "solved", "pending", "on-hold", "closed"]
        let channels = ["email", "chat", "phone", "social", "web"]
        let priorities = ["low", "normal", "high", "urgent"]
        let created = base.addingTimeInterval(Double(n) * 60)
        return TicketRow(
            id: id, status: statuses[n % statuses.count], created: created, updated: created.addingTimeInterval(600),
            channel: channels[n % channels.count], priority: priorities[n % priorities.count], queue: "queue-\(n % 3)",
            assignee: "Agent Person \(n % 7)", tags: ["t\(n % 5)", "billing"], csat: n % 4 == 0 ? nil : (n % 5) + 1
        )
    }

    /// Whether the status counts as open (not solved or closed).
    package var isOpen: Bool { self.status != "solved" && self.status != "closed" }

    static let header = "id,status,created,updated,channel,priority,queue,assignee,tags,csat"

    var csvLine: String {
        [
            self.id, self.status, WireJSON.format(self.created), WireJSON.format(self.updated), self.channel, self.priority, self.queue,
            self.assignee, "\"\(self.tags.joined(separator: ","))\"", self.csat.map(String.init) ?? "",
        ].joined(separator: ",")
    }

    var jsonLine: String {
        var object: [String: Any] = [
            "id": self.id, "status": self.status, "created": WireJSON.format(self.created), "updated": WireJSON.format(self.updated),
            "channel": self.channel, "priority": self.priority, "queue": self.queue, "assignee": self.assignee, "tags": self.tags,
        ]
        if let csat { object["csat"] = csat }
        let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }
}

/// Export file texts.
package enum ExportFile {
    /// A CSV export with a header; `extraLines` are inserted verbatim after row index `at` (for bad rows).
    package static func csv(_ rows: [TicketRow], insert extraLines: [(at: Int, line: String)] = []) -> String {
        var lines = [TicketRow.header]
        for (index, row) in rows.enumerated() {
            for extra in extraLines where extra.at == index { lines.append(extra.line) }
            lines.append(row.csvLine)
        }
        for extra in extraLines where extra.at >= rows.count { lines.append(extra.line) }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A JSON Lines export.
    package static func jsonl(_ rows: [TicketRow]) -> String {
        rows.map(\.jsonLine).joined(separator: "\n") + "\n"
    }
}
