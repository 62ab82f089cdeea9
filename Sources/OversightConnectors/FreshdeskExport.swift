//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Freshdesk's ticket export (API v2 ticket objects with stats).
//
//===----------------------------------------------------------------------===//

internal import Foundation
internal import OversightConfig
internal import OversightModel

/// Normalises Freshdesk JSON (preset `freshdesk`; docs/configuration.md, "Presets").
///
/// Documents recognised: an array of tickets (`GET /api/v2/tickets?include=stats`, one page), one ticket object (`GET
/// /api/v2/tickets/{id}?include=stats`, or one per line), or `{"tickets": […]}`. A ticket has `id`, `status` (2 open,
/// 3 pending, 4 resolved, 5 closed), `priority` (1–4), `source` (1 email, 2 portal, 3 phone, 7 chat, 9 feedback
/// widget, 10 outbound email), `created_at`, `updated_at`, `responder_id`, `group_id`, `tags` and `stats`
/// (`first_responded_at`, `resolved_at`, `closed_at`, `reopened_at`, `pending_since`).
///
/// Freshdesk keeps no status history on the ticket, so `_oversight.status_history` is rebuilt from what `stats` keeps:
/// open at `created_at`, pending at `pending_since` (while the ticket is pending), solved at `resolved_at`, open again
/// at `reopened_at` when that is later, closed at `closed_at`. Earlier pending periods of a ticket are not in the export,
/// so they do not pause its resolution clock. `_oversight.reopen_count` is 1 when `stats.reopened_at` is set (Freshdesk
/// keeps the last reopening only).
enum FreshdeskExport {
    static func normalise(_ documents: [(line: Int, value: JSONValue)]) -> (tickets: [PresetExport.Ticket], problems: [(line: Int, reason: String)]) {
        var tickets: [PresetExport.Ticket] = []
        var problems: [(line: Int, reason: String)] = []
        for (line, document) in documents {
            if let list = document.items ?? document.value(at: "tickets")?.items {
                for (index, ticket) in list.enumerated() {
                    tickets.append(PresetExport.Ticket(line: line, location: "[\(index)]", value: ticket))
                }
            } else if document.value(at: "id") != nil {
                tickets.append(PresetExport.Ticket(line: line, location: "ticket", value: document))
            } else {
                let keys = document.members?.keys.sorted().prefix(8).joined(separator: ", ") ?? ""
                problems.append((line, "expected a Freshdesk ticket, or an array of tickets (its keys: \(keys))"))
            }
        }
        return (
            PresetExport.latest(tickets).map { ticket in
                var ticket = ticket
                if ticket.value.members == nil {
                    ticket.problem = "expected a ticket object"
                } else {
                    ticket.value = ticket.value.setting(ExportPreset.derivedKey, to: .object(Self.derived(ticket: ticket.value)))
                }
                return ticket
            },
            problems
        )
    }

    /// The derived members of one ticket.
    static func derived(ticket: JSONValue) -> [String: JSONValue] {
        var derived: [String: JSONValue] = [:]
        guard let created = ticket.value(at: "created_at"), let createdAt = VendorTime.date(created) else { return derived }
        func stat(_ name: String) -> (JSONValue, Date)? {
            guard let value = ticket.value(at: "stats.\(name)"), let date = VendorTime.date(value) else { return nil }
            return (value, date)
        }
        var changes: [(at: Date, status: String, text: JSONValue)] = [(createdAt, "open", created)]
        let status = ticket.value(at: "status")?.string
        if status == "3", let (text, at) = stat("pending_since") { changes.append((at, "pending", text)) }
        let resolved = stat("resolved_at")
        if let (text, at) = resolved { changes.append((at, "solved", text)) }
        if let (text, at) = stat("reopened_at") {
            derived["reopen_count"] = .integer(1)
            if resolved.map({ at > $0.1 }) ?? true { changes.append((at, "open", text)) }
        }
        if let (text, at) = stat("closed_at") { changes.append((at, "closed", text)) }
        let ordered = changes.enumerated().sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }.map(\.element)
        derived["status_history"] = .array(ordered.map { .object(["status": .string($0.status), "at": $0.text]) })
        return derived
    }
}
