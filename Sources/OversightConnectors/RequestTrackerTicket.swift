//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// One Request Tracker 5 ticket and its history (REST2 JSON) → one normalised JSON object for the rt5 mapping.
//
//===----------------------------------------------------------------------===//

internal import Foundation
internal import OversightConfig

/// Normalises a REST2 ticket (`GET /REST/2.0/ticket/{id}`) with its transactions (`GET /REST/2.0/ticket/{id}/history`
/// with `fields=Type,Field,OldValue,NewValue,Created,Creator`) for ``OversightConfig/ExportPreset/rt5``.
///
/// The result is RT's ticket object with a member `_oversight` holding:
/// - `queue`: the queue's name (from `queueNames`, else RT's queue id), `owner`: the owner's user name (none for
///   `Nobody`);
/// - `status_history`: the status at creation (the first status change's old value, else the current status), then
///   every `Status` transaction's new value at its time;
/// - `agent_replies` and `first_reply_at`: `Correspond` transactions by anyone who is not a requestor of the ticket
///   (staff replies); `customer_messages`: the `Create` and `Correspond` transactions by a requestor (comments are
///   internal and count as neither);
/// - `reopen_count`: status changes out of `resolved` or `rejected` into an active status;
/// - `solved_at`: the last change into `resolved` while the ticket is resolved;
/// - `cf`: each custom field by name (one value as text, several as an array), so `fields: { tags: "_oversight.cf.Reason" }`
///   maps one like a column.
package enum RequestTrackerTicket {
    /// The normalised ticket.
    /// - Parameters:
    ///   - ticket: RT's ticket object.
    ///   - transactions: the ticket's history items, in RT's order (oldest first).
    ///   - queueNames: queue names by RT queue id, where known.
    package static func normalise(ticket: JSONValue, transactions: [JSONValue], queueNames: [String: String]) -> JSONValue {
        var derived: [String: JSONValue] = [:]
        let requestors = Set((ticket.value(at: "Requestor")?.items ?? []).compactMap { Self.userName($0) })
        if let queueID = Self.reference(ticket.value(at: "Queue")) {
            derived["queue"] = .string(queueNames[queueID] ?? queueID)
        }
        if let owner = Self.userName(ticket.value(at: "Owner")), owner != "Nobody" { derived["owner"] = .string(owner) }

        let ordered = transactions.enumerated().sorted { left, right in
            let a = VendorTime.date(left.element.value(at: "Created")) ?? .distantPast
            let b = VendorTime.date(right.element.value(at: "Created")) ?? .distantPast
            return (a, left.offset) < (b, right.offset)
        }.map(\.element)
        var history: [JSONValue] = []
        var replies: [JSONValue] = []
        var messages: [JSONValue] = []
        var reopens = 0
        var lastSolved: JSONValue?
        let current = ticket.value(at: "Status")?.string ?? "new"
        let statusChanges = ordered.filter { Self.isStatusChange($0) }
        let initial = statusChanges.first?.value(at: "OldValue")?.string ?? current
        if let created = Self.time(ticket.value(at: "Created")) {
            history.append(.object(["status": .string(initial), "at": created]))
        }
        for transaction in ordered {
            guard let at = Self.time(transaction.value(at: "Created")) else { continue }
            let type = transaction.value(at: "Type")?.string ?? ""
            let byRequestor = Self.userName(transaction.value(at: "Creator")).map { requestors.contains($0) } ?? false
            switch type {
            case "Create":
                if byRequestor { messages.append(at) }
            case "Correspond":
                if byRequestor { messages.append(at) } else { replies.append(at) }
            default:
                guard Self.isStatusChange(transaction), let new = transaction.value(at: "NewValue")?.string else { continue }
                let old = transaction.value(at: "OldValue")?.string ?? ""
                history.append(.object(["status": .string(new), "at": at]))
                if ["resolved", "rejected"].contains(old), !["resolved", "rejected", "deleted"].contains(new) { reopens += 1 }
                if new == "resolved" { lastSolved = at }
            }
        }
        derived["status_history"] = .array(history)
        derived["agent_replies"] = .array(replies)
        derived["customer_messages"] = .array(messages)
        if let first = replies.first { derived["first_reply_at"] = first }
        derived["reopen_count"] = .integer(Int64(reopens))
        if current == "resolved" {
            if let solved = lastSolved ?? Self.time(ticket.value(at: "Resolved")) { derived["solved_at"] = solved }
        }
        var customFields: [String: JSONValue] = [:]
        for field in ticket.value(at: "CustomFields")?.items ?? [] {
            guard let name = field.value(at: "name")?.string else { continue }
            let values = field.value(at: "values")?.items ?? []
            customFields[name] = values.count == 1 ? values[0] : .array(values)
        }
        if !customFields.isEmpty { derived["cf"] = .object(customFields) }
        return ticket.setting(ExportPreset.derivedKey, to: .object(derived))
    }

    /// Whether a transaction changed the ticket's status (`Type` `Status`, or `Set` of the `Status` field).
    static func isStatusChange(_ transaction: JSONValue) -> Bool {
        let type = transaction.value(at: "Type")?.string
        return type == "Status" || (type == "Set" && transaction.value(at: "Field")?.string == "Status")
    }

    /// A time RT has set: REST2 writes unset dates as null or as the epoch.
    static func time(_ value: JSONValue?) -> JSONValue? {
        guard let value, let date = VendorTime.date(value), date.timeIntervalSince1970 > 0 else { return nil }
        return value
    }

    /// The `id` of a REST2 reference object (`{"type": "queue", "id": "1", "_url": …}`), or a plain value.
    static func reference(_ value: JSONValue?) -> String? {
        guard let value else { return nil }
        return value.value(at: "id")?.string ?? value.string
    }

    /// A user's name in a REST2 user reference (its `id` is the user name), or a plain value.
    static func userName(_ value: JSONValue?) -> String? {
        self.reference(value)
    }
}
