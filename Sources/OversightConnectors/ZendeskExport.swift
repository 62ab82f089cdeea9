//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Zendesk Support's incremental ticket export, with ticket metric events, audits and metric sets where present.
//
//===----------------------------------------------------------------------===//

internal import Foundation
internal import OversightConfig
internal import OversightModel

/// Normalises Zendesk Support JSON (preset `zendesk`; docs/configuration.md, "Presets").
///
/// Documents recognised, in any order and number within one file:
/// - `{"tickets": […]}` — the incremental ticket export (time- or cursor-based) or a ticket list; `{"ticket": {…}}` — one ticket;
/// - `{"ticket_metric_events": […]}` — the incremental ticket metric event export (`ticket_id`, `metric`,
///   `instance_id`, `type`, `time`);
/// - `{"audits": […]}` — ticket audits (`ticket_id`, `created_at`, `author_id`, `events` with `Create`/`Change`
///   events of `field_name` `status` and `Comment` events with `public` and `author_id`);
/// - `{"metric_sets": […]}` (sideloaded with `include=metric_sets`) or `{"ticket_metrics": […]}` — `ticket_id`,
///   `reopens`, `solved_at`, `reply_time_in_minutes.calendar`.
///
/// Derived, in the `_oversight` member, from the most exact source the file has:
/// - `status_history`, `agent_replies`, `customer_messages`, `reopen_count`, `solved_at`, `closed_at` from the audits
///   (a public comment by anyone but the requester, after the audit that created the ticket, is an agent reply);
/// - `first_reply_at`: the first agent reply in the audits, else the fulfilment of the `reply_time` metric (instance 1),
///   else `created_at` + the metric set's `reply_time_in_minutes.calendar`;
/// - `solved_at` without audits: the last `resolution_time` fulfilment, else the metric set's `solved_at` (only while
///   the ticket is solved or closed); `reopen_count` without audits: the metric set's `reopens`;
/// - `csat`: `satisfaction_rating.score` `good` → 5, `bad` → 1 (`offered`, `unoffered`: none).
///
/// A ticket with status `deleted` is not taken (a reject says so).
enum ZendeskExport {
    static func normalise(_ documents: [(line: Int, value: JSONValue)]) -> (tickets: [PresetExport.Ticket], problems: [(line: Int, reason: String)]) {
        var tickets: [PresetExport.Ticket] = []
        var problems: [(line: Int, reason: String)] = []
        var metricEvents: [String: [JSONValue]] = [:]
        var audits: [String: [JSONValue]] = [:]
        var metricSets: [String: JSONValue] = [:]
        for (line, document) in documents {
            guard let members = document.members else {
                problems.append((line, "expected a Zendesk API response object ({\"tickets\": […]}, {\"audits\": […]}, …), got an array"))
                continue
            }
            var recognised = false
            if let list = members["tickets"]?.items {
                recognised = true
                for (index, ticket) in list.enumerated() {
                    tickets.append(PresetExport.Ticket(line: line, location: "tickets[\(index)]", value: ticket))
                }
            }
            if let ticket = members["ticket"], ticket.members != nil {
                recognised = true
                tickets.append(PresetExport.Ticket(line: line, location: "ticket", value: ticket))
            }
            if let events = members["ticket_metric_events"]?.items {
                recognised = true
                for event in events {
                    if let id = event.value(at: "ticket_id")?.string { metricEvents[id, default: []].append(event) }
                }
            }
            if let list = members["audits"]?.items {
                recognised = true
                for audit in list {
                    if let id = audit.value(at: "ticket_id")?.string { audits[id, default: []].append(audit) }
                }
            }
            for key in ["metric_sets", "ticket_metrics"] {
                guard let list = members[key]?.items else { continue }
                recognised = true
                for set in list {
                    if let id = set.value(at: "ticket_id")?.string { metricSets[id] = set }
                }
            }
            if !recognised {
                let keys = members.keys.sorted().prefix(8).joined(separator: ", ")
                problems.append((line, "no tickets, ticket, ticket_metric_events, audits or metric_sets in this document (its keys: \(keys))"))
            }
        }
        var taken: [PresetExport.Ticket] = []
        for ticket in PresetExport.latest(tickets) {
            var ticket = ticket
            guard ticket.value.members != nil else {
                ticket.problem = "expected a ticket object"
                taken.append(ticket)
                continue
            }
            if ticket.value.value(at: "status")?.string?.lowercased() == "deleted" {
                ticket.problem = "deleted in Zendesk (status deleted); not sent"
                taken.append(ticket)
                continue
            }
            let id = ticket.value.value(at: "id")?.string ?? ""
            ticket.value = ticket.value.setting(
                ExportPreset.derivedKey,
                to: .object(Self.derived(ticket: ticket.value, events: metricEvents[id] ?? [], audits: audits[id] ?? [], metricSet: metricSets[id]))
            )
            taken.append(ticket)
        }
        return (taken, problems)
    }

    /// The derived members of one ticket.
    static func derived(ticket: JSONValue, events: [JSONValue], audits: [JSONValue], metricSet: JSONValue?) -> [String: JSONValue] {
        var derived: [String: JSONValue] = [:]
        let status = ticket.value(at: "status")?.string?.lowercased()
        let isSolved = status == "solved" || status == "closed"
        let requester = ticket.value(at: "requester_id")?.string
        let createdAt = VendorTime.date(ticket.value(at: "created_at"))

        if !audits.isEmpty {
            var history: [JSONValue] = []
            var agentReplies: [JSONValue] = []
            var customerMessages: [JSONValue] = []
            var reopens = 0
            var previous: String?
            var solvedAt: JSONValue?
            var closedAt: JSONValue?
            let ordered = audits.enumerated().sorted { left, right in
                let (a, b) = (VendorTime.date(left.element.value(at: "created_at")), VendorTime.date(right.element.value(at: "created_at")))
                return (a ?? .distantPast, left.offset) < (b ?? .distantPast, right.offset)
            }.map(\.element)
            for audit in ordered {
                guard let at = audit.value(at: "created_at"), at.string != nil else { continue }
                let events = audit.value(at: "events")?.items ?? []
                let creates = events.contains { $0.value(at: "type")?.string == "Create" }
                for event in events {
                    let type = event.value(at: "type")?.string
                    if type == "Create" || type == "Change", event.value(at: "field_name")?.string == "status",
                        let value = event.value(at: "value")?.string?.lowercased()
                    {
                        if previous == "solved", value != "solved", value != "closed" { reopens += 1 }
                        if value == "solved" { solvedAt = at }
                        if value == "closed" { closedAt = at }
                        history.append(.object(["status": .string(value), "at": at]))
                        previous = value
                    }
                    if type == "Comment", !creates, event.value(at: "public") == .bool(true) {
                        let author = event.value(at: "author_id")?.string ?? audit.value(at: "author_id")?.string
                        if let requester, author == requester {
                            customerMessages.append(at)
                        } else {
                            agentReplies.append(at)
                        }
                    }
                }
            }
            if !history.isEmpty { derived["status_history"] = .array(history) }
            derived["agent_replies"] = .array(agentReplies)
            derived["customer_messages"] = .array(customerMessages)
            derived["reopen_count"] = .integer(Int64(reopens))
            if let first = agentReplies.first { derived["first_reply_at"] = first }
            if isSolved, let solvedAt { derived["solved_at"] = solvedAt }
            if status == "closed", let closedAt { derived["closed_at"] = closedAt }
        }

        if derived["first_reply_at"] == nil {
            let fulfilments = events.filter { $0.value(at: "metric")?.string == "reply_time" && $0.value(at: "type")?.string == "fulfill" }
            let first = fulfilments.first { $0.value(at: "instance_id")?.string == "1" } ?? fulfilments.min { a, b in
                (VendorTime.date(a.value(at: "time")) ?? .distantFuture) < (VendorTime.date(b.value(at: "time")) ?? .distantFuture)
            }
            if let time = first?.value(at: "time"), VendorTime.date(time) != nil { derived["first_reply_at"] = time }
        }
        if derived["solved_at"] == nil, isSolved {
            let resolutions = events.filter { $0.value(at: "metric")?.string == "resolution_time" && $0.value(at: "type")?.string == "fulfill" }
            let last = resolutions.max { a, b in
                (VendorTime.date(a.value(at: "time")) ?? .distantPast) < (VendorTime.date(b.value(at: "time")) ?? .distantPast)
            }
            if let time = last?.value(at: "time"), VendorTime.date(time) != nil { derived["solved_at"] = time }
        }
        if let metricSet {
            if derived["first_reply_at"] == nil, let createdAt,
                let minutes = metricSet.value(at: "reply_time_in_minutes.calendar")?.string.flatMap(Double.init), minutes >= 0
            {
                derived["first_reply_at"] = .string(WireJSON.format(createdAt.addingTimeInterval(minutes * 60)))
            }
            if derived["solved_at"] == nil, isSolved, let solved = metricSet.value(at: "solved_at"), VendorTime.date(solved) != nil {
                derived["solved_at"] = solved
            }
            if derived["reopen_count"] == nil, let reopens = metricSet.value(at: "reopens"), reopens.string.flatMap(Int.init) != nil {
                derived["reopen_count"] = reopens
            }
        }
        switch ticket.value(at: "satisfaction_rating.score")?.string?.lowercased() {
        case "good": derived["csat"] = .integer(5)
        case "bad": derived["csat"] = .integer(1)
        default: break
        }
        return derived
    }
}

extension PresetExport {
    /// Each ticket once, in its latest version (by `updated_at`; on a tie the later in the file), in file order of
    /// those versions. Tickets without an id are kept as they are (the mapping rejects them).
    static func latest(_ tickets: [Ticket]) -> [Ticket] {
        var chosen: [String: Int] = [:]
        for (index, ticket) in tickets.enumerated() {
            guard let id = ticket.value.value(at: "id")?.string else { continue }
            if let previous = chosen[id] {
                let before = VendorTime.date(tickets[previous].value.value(at: "updated_at")) ?? .distantPast
                let now = VendorTime.date(ticket.value.value(at: "updated_at")) ?? .distantPast
                if now >= before { chosen[id] = index }
            } else {
                chosen[id] = index
            }
        }
        let kept = Set(chosen.values)
        return tickets.enumerated().filter { $0.element.value.value(at: "id")?.string == nil || kept.contains($0.offset) }.map(\.element)
    }
}
