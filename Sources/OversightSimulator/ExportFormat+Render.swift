//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Writing tickets in each export format.
//
//===----------------------------------------------------------------------===//

import Foundation
internal import OversightModel

extension ExportFormat {
    // MARK: CSV (acme-support)

    static let csvHeader = [
        "Ticket ID", "Status", "Created", "Updated", "First reply", "Solved", "Closed", "Channel", "Priority", "Agent", "Group", "Tags",
        "Satisfaction", "Reopens", "Contacts", "Status history",
    ]

    func renderCSV(_ tickets: [TicketRecord]) -> String {
        let zone = self.timeZone
        func time(_ date: Date?) -> String { date.map { TimestampText.dayMonthYear($0, timeZone: zone) } ?? "" }
        func status(_ status: TicketStatus) -> String {
            switch status {
            case .new: "New"
            case .open: "In progress"
            case .pending: "Awaiting customer"
            case .onHold: "On hold"
            case .solved: "Resolved"
            case .closed: "Closed"
            }
        }
        func channel(_ channel: ContactChannel) -> String {
            switch channel {
            case .email: "E-Mail"
            case .chat: "Live chat"
            case .phone: "Telephone"
            case .web: "Web form"
            case .social: "Social media"
            }
        }
        func priority(_ priority: Priority) -> String {
            switch priority {
            case .urgent: "P1"
            case .high: "P2"
            case .normal: "P3"
            case .low: "P4"
            }
        }
        var lines = [Self.csvHeader.map(Self.csvCell).joined(separator: ",")]
        for ticket in tickets {
            let history = ticket.statusChanges.map { status($0.status) + "@" + time($0.at) }.joined(separator: ";")
            let cells = [
                ticket.id, status(ticket.status), time(ticket.createdAt), time(ticket.updatedAt), time(ticket.firstReplyAt), time(ticket.solvedAt),
                time(ticket.closedAt), channel(ticket.channel), priority(ticket.priority), ticket.assignee ?? "", ticket.queue ?? "",
                ticket.tags.joined(separator: ","), ticket.csat.map(String.init) ?? "", "\(ticket.reopenCount)", "\(ticket.contactCount)", history,
            ]
            lines.append(cells.map(Self.csvCell).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// RFC 4180 quoting: a cell with a comma, quote or line break is quoted, quotes doubled.
    static func csvCell(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    // MARK: JSON Lines (globex-care)

    private struct JSONLine: Encodable {
        struct Ticket: Encodable {
            var number: String
            var state: String
            var channel: String
            var priority: String
            var reopens: Int
        }
        struct Times: Encodable {
            var created: String
            var updated: String
            var first_response: String?
            var solved: String?
            var closed: String?

            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(self.created, forKey: .created)
                try container.encode(self.updated, forKey: .updated)
                try container.encode(self.first_response, forKey: .first_response)
                try container.encode(self.solved, forKey: .solved)
                try container.encode(self.closed, forKey: .closed)
            }
            enum CodingKeys: String, CodingKey { case created, updated, first_response, solved, closed }
        }
        struct Survey: Encodable { var score: Int }
        struct Change: Encodable {
            var status: String
            var at: String
        }
        var ticket: Ticket
        var times: Times
        var owner: String?
        var team: String?
        var labels: [String]
        var survey: Survey?
        var contacts: Int
        var history: [Change]

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(self.ticket, forKey: .ticket)
            try container.encode(self.times, forKey: .times)
            try container.encode(self.owner, forKey: .owner)
            try container.encode(self.team, forKey: .team)
            try container.encode(self.labels, forKey: .labels)
            try container.encode(self.survey, forKey: .survey)
            try container.encode(self.contacts, forKey: .contacts)
            try container.encode(self.history, forKey: .history)
        }
        enum CodingKeys: String, CodingKey { case ticket, times, owner, team, labels, survey, contacts, history }
    }

    func renderJSONL(_ tickets: [TicketRecord]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        func time(_ date: Date) -> String { TimestampText.iso8601(date, timeZone: TimestampText.utc) }
        var text = ""
        for ticket in tickets {
            let line = JSONLine(
                ticket: .init(
                    number: ticket.id, state: ticket.status.rawValue, channel: ticket.channel.rawValue, priority: ticket.priority.rawValue,
                    reopens: ticket.reopenCount
                ),
                times: .init(
                    created: time(ticket.createdAt), updated: time(ticket.updatedAt), first_response: ticket.firstReplyAt.map(time),
                    solved: ticket.solvedAt.map(time), closed: ticket.closedAt.map(time)
                ),
                owner: ticket.assignee, team: ticket.queue, labels: ticket.tags, survey: ticket.csat.map { .init(score: $0) },
                contacts: ticket.contactCount, history: ticket.statusChanges.map { .init(status: $0.status.rawValue, at: time($0.at)) }
            )
            let data = (try? encoder.encode(line)) ?? Data("{}".utf8)
            text += String(decoding: data, as: UTF8.self) + "\n"
        }
        return text
    }

    // MARK: TSV (initech-help)

    static let tsvHeader = [
        "case_id", "state", "opened", "modified", "first_response", "resolved", "closed", "medium", "urgency", "handler", "queue", "labels",
        "rating", "reopened", "contacts", "transitions",
    ]

    func renderTSV(_ tickets: [TicketRecord]) -> String {
        func time(_ date: Date?) -> String { date.map(TimestampText.unix) ?? "" }
        func status(_ status: TicketStatus) -> String {
            switch status {
            case .new: "Logged"
            case .open: "Assigned"
            case .pending: "Waiting on user"
            case .onHold: "Escalated"
            case .solved: "Resolved"
            case .closed: "Closed"
            }
        }
        func channel(_ channel: ContactChannel) -> String {
            switch channel {
            case .web: "Portal"
            case .email: "Mail"
            case .chat: "Chat"
            case .phone: "Phone"
            case .social: "Social"
            }
        }
        func priority(_ priority: Priority) -> String {
            switch priority {
            case .urgent: "1-Critical"
            case .high: "2-High"
            case .normal: "3-Medium"
            case .low: "4-Low"
            }
        }
        func cell(_ text: String) -> String {
            // Tabs and line breaks cannot appear inside a TSV cell; quotes would start a quoted cell.
            String(text.map { $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\"" ? " " : $0 })
        }
        var lines = [Self.tsvHeader.joined(separator: "\t")]
        for ticket in tickets {
            let transitions = ticket.statusChanges.map { status($0.status) + "@" + time($0.at) }.joined(separator: ";")
            let cells = [
                ticket.id, status(ticket.status), time(ticket.createdAt), time(ticket.updatedAt), time(ticket.firstReplyAt), time(ticket.solvedAt),
                time(ticket.closedAt), channel(ticket.channel), priority(ticket.priority), ticket.assignee ?? "", ticket.queue ?? "",
                ticket.tags.joined(separator: "|"), ticket.csat.map(String.init) ?? "", "\(ticket.reopenCount)", "\(ticket.contactCount)",
                transitions,
            ]
            lines.append(cells.map(cell).joined(separator: "\t"))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
