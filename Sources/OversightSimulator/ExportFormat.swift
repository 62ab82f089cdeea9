//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The ticket export formats simulated sites write, each with the agent mapping that reads it.
//
//===----------------------------------------------------------------------===//

import Foundation
package import OversightModel

/// A provider system's ticket export format, and the agent source configuration (format, CSV options, mapping)
/// that reads it — kept together so the files and the mapping cannot drift apart.
///
/// - ``zendeskStyleCSV``: comma-separated, `dd/MM/yyyy HH:mm:ss` on the site's wall clock, the provider's own
///   status, channel and priority names, status history as `Status@time;Status@time`.
/// - ``nestedJSONL``: JSON Lines with nested objects, ISO 8601 UTC times and the status history as an array.
/// - ``epochTSV``: tab-separated `.tsv` (read with `format: csv` and a tab delimiter), Unix-second times, pipe-separated
///   labels and an ITSM tool's status names.
package struct ExportFormat: Sendable, Hashable {
    enum Kind: Sendable, Hashable {
        case zendeskStyleCSV, nestedJSONL, epochTSV
    }

    let kind: Kind
    /// Time zone of wall-clock timestamps (CSV only).
    package var timeZone: TimeZone

    /// CSV like a Zendesk-style export (acme-support).
    package static func zendeskStyleCSV(timeZone: TimeZone) -> ExportFormat { ExportFormat(kind: .zendeskStyleCSV, timeZone: timeZone) }
    /// JSON Lines with nested objects and a status history array (globex-care).
    package static let nestedJSONL = ExportFormat(kind: .nestedJSONL, timeZone: TimestampText.utc)
    /// Tab-separated values with Unix times, like an ITSM tool's scheduled report (initech-help).
    package static let epochTSV = ExportFormat(kind: .epochTSV, timeZone: TimestampText.utc)

    /// The file extension (without the dot).
    package var fileExtension: String {
        switch self.kind {
        case .zendeskStyleCSV: "csv"
        case .nestedJSONL: "jsonl"
        case .epochTSV: "tsv"
        }
    }

    /// The agent's source YAML for files in this format: the keys of one `sources` item besides `name`, `kind`,
    /// `path`, `poll_interval` and `settle_time`.
    package var sourceYAML: String {
        switch self.kind {
        case .zendeskStyleCSV:
            """
            mapping:
              fields:
                id: "Ticket ID"
                status: "Status"
                created_at: "Created"
                updated_at: "Updated"
                first_reply_at: "First reply"
                solved_at: "Solved"
                closed_at: "Closed"
                channel: "Channel"
                priority: "Priority"
                assignee: "Agent"
                queue: "Group"
                tags: "Tags"
                csat: "Satisfaction"
                reopen_count: "Reopens"
                contact_count: "Contacts"
                status_history: "Status history"
              dates:
                format: "dd/MM/yyyy HH:mm:ss"
                time_zone: \(self.timeZone.identifier)
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
                "Social media": social
              priorities:
                "P1": urgent
                "P2": high
                "P3": normal
                "P4": low
            """
        case .nestedJSONL:
            """
            mapping:
              fields:
                id: "ticket.number"
                status: "ticket.state"
                channel: "ticket.channel"
                priority: "ticket.priority"
                reopen_count: "ticket.reopens"
                created_at: "times.created"
                updated_at: "times.updated"
                first_reply_at: "times.first_response"
                solved_at: "times.solved"
                closed_at: "times.closed"
                assignee: "owner"
                queue: "team"
                tags: "labels"
                csat: "survey.score"
                contact_count: "contacts"
                status_history: "history"
              dates:
                format: iso8601
            """
        case .epochTSV:
            """
            format: csv
            csv:
              delimiter: "\\t"
            mapping:
              fields:
                id: "case_id"
                status: "state"
                created_at: "opened"
                updated_at: "modified"
                first_reply_at: "first_response"
                solved_at: "resolved"
                closed_at: "closed"
                channel: "medium"
                priority: "urgency"
                assignee: "handler"
                queue: "queue"
                tags: "labels"
                csat: "rating"
                reopen_count: "reopened"
                contact_count: "contacts"
                status_history: "transitions"
              dates:
                format: unix
              tags_separator: "|"
              statuses:
                "Logged": new
                "Assigned": open
                "Waiting on user": pending
                "Escalated": on-hold
                "Resolved": solved
                "Closed": closed
              channels:
                "Portal": web
                "Mail": email
                "Chat": chat
                "Phone": phone
                "Social": social
              priorities:
                "1-Critical": urgent
                "2-High": high
                "3-Medium": normal
                "4-Low": low
            """
        }
    }

    /// The export file for `tickets`, as the provider's system writes it.
    package func render(_ tickets: [TicketRecord]) -> String {
        switch self.kind {
        case .zendeskStyleCSV: self.renderCSV(tickets)
        case .nestedJSONL: self.renderJSONL(tickets)
        case .epochTSV: self.renderTSV(tickets)
        }
    }
}
