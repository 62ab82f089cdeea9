//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// What every record must hold before any store sees it: text stored exactly as signed, times on the calendar.
//
//===----------------------------------------------------------------------===//

import Foundation

/// Limits that apply to every record kind alike (docs/protocol.md, "Records").
public enum RecordIntegrity {
    /// The earliest timestamp any record may carry: 2000-01-01T00:00:00Z. Older dates are a source's placeholder
    /// (`0001-01-01`, the Unix epoch) or a forgery, never a contact centre's real ticket.
    public static let earliestTimestamp = Date(timeIntervalSince1970: 946_684_800)
    /// How far ahead of the receiver's clock a timestamp may be, by default: 15 minutes (clock skew between a provider's
    /// systems and head office). A later `updatedAt` would win every future update of the record.
    public static let defaultMaxAhead: Duration = .seconds(15 * 60)
    /// ``defaultMaxAhead`` in seconds.
    public static let defaultMaxAheadSeconds: TimeInterval = 15 * 60

    /// Why a text field cannot be stored as signed, or `nil` when it can.
    ///
    /// Names and identifiers (ids, sites, queues, tags, pseudonyms, …) may hold no control character at all
    /// (U+0000–U+001F, U+007F–U+009F); free text (`comments`) may hold tab, line feed and carriage return but no other
    /// control character. A NUL in particular would be cut off by SQLite's C interface and cannot be stored by
    /// PostgreSQL, so the stored text would differ from the signed one.
    public static func textProblem(_ value: String, field: @autoclosure () -> String, freeText: Bool = false) -> String? {
        // Fast path: a control character is a byte below 0x20, 0x7F, or a two-byte sequence starting 0xC2 (U+0080–U+009F).
        guard value.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F || $0 == 0xC2 }) else { return nil }
        let field = field()
        for scalar in value.unicodeScalars {
            let code = scalar.value
            guard code < 0x20 || (0x7F...0x9F).contains(code) else { continue }
            if freeText, code == 0x09 || code == 0x0A || code == 0x0D { continue }
            let name = code == 0 ? "a NUL character (U+0000)" : "the control character U+\(String(format: "%04X", code))"
            return "\(field) holds \(name); \(freeText ? "free text may hold tab and line breaks only" : "names and ids may hold no control characters")"
        }
        return nil
    }

    /// Why a timestamp is out of range, or `nil`: before ``earliestTimestamp``, or after `latest` when given.
    public static func timeProblem(_ date: Date, field: String, latest: Date?) -> String? {
        if date < Self.earliestTimestamp {
            return "\(field) \(WireJSON.format(date)) is before \(WireJSON.format(Self.earliestTimestamp)), the earliest date a record may carry"
        }
        if let latest, date > latest {
            return "\(field) \(WireJSON.format(date)) is in the future (later than \(WireJSON.format(latest)), the receiver's clock plus the allowed skew)"
        }
        return nil
    }
}

extension Record {
    /// The record's text fields and whether each is free text.
    public var textFields: [(field: String, value: String, freeText: Bool)] {
        switch self {
        case .ticket(let t):
            var fields: [(String, String, Bool)] = [("provider", t.provider, false), ("site", t.site, false), ("id", t.id, false)]
            for (name, value) in [("assignee", t.assignee), ("queue", t.queue), ("heldBy", t.heldBy)] {
                if let value { fields.append((name, value, false)) }
            }
            for (index, tag) in t.tags.enumerated() { fields.append(("tags[\(index)]", tag, false)) }
            return fields
        case .interval(let i):
            return [("provider", i.provider, false), ("site", i.site, false), ("queue", i.queue, false)]
        case .evaluation(let e):
            var fields: [(String, String, Bool)] = [
                ("provider", e.provider, false), ("site", e.site, false), ("id", e.id, false), ("interactionRef", e.interactionRef, false),
                ("evaluator", e.evaluator, false), ("scorecard", e.scorecard, false), ("scorecardVersion", e.scorecardVersion, false),
            ]
            for (name, value) in [("queue", e.queue), ("agent", e.agent)] {
                if let value { fields.append((name, value, false)) }
            }
            for (index, item) in e.items.enumerated() { fields.append(("items[\(index)].item", item.item, false)) }
            if let comments = e.comments { fields.append(("comments", comments, true)) }
            return fields
        case .interaction(let i):
            var fields: [(String, String, Bool)] = [
                ("provider", i.provider, false), ("site", i.site, false), ("requestId", i.requestId, false), ("ticketId", i.ticketId, false),
            ]
            if let reason = i.reason { fields.append(("reason", reason, true)) }
            if let text = i.text { fields.append(("text", text, true)) }
            for kind in (i.redactions ?? [:]).keys.sorted() { fields.append(("redactions key", kind, false)) }
            return fields
        }
    }

    /// The record's timestamps, named as on the wire.
    public var timestamps: [(field: String, date: Date)] {
        switch self {
        case .ticket(let t):
            var times: [(String, Date)] = [("createdAt", t.createdAt), ("updatedAt", t.updatedAt)]
            for (name, value) in [("firstReplyAt", t.firstReplyAt), ("solvedAt", t.solvedAt), ("closedAt", t.closedAt)] {
                if let value { times.append((name, value)) }
            }
            for (index, change) in t.statusChanges.enumerated() { times.append(("statusChanges[\(index)].at", change.at)) }
            for (index, at) in (t.agentReplies ?? []).enumerated() { times.append(("agentReplies[\(index)]", at)) }
            for (index, at) in (t.customerMessages ?? []).enumerated() { times.append(("customerMessages[\(index)]", at)) }
            return times
        case .interval(let i):
            return [("start", i.start), ("updatedAt", i.updatedAt)]
        case .evaluation(let e):
            return [("evaluatedAt", e.evaluatedAt), ("updatedAt", e.updatedAt)]
        case .interaction(let i):
            return [("updatedAt", i.updatedAt)]
        }
    }

    /// The first text or time problem of the record, naming the field: a control character in a text field, a time
    /// before ``RecordIntegrity/earliestTimestamp``, or (when `latest` is given) a time after `latest`.
    public func integrityProblem(latest: Date?) -> String? {
        if case .ticket(let ticket) = self { return ticket.integrityProblem(latest: latest) }
        for (field, value, freeText) in self.textFields {
            if let problem = RecordIntegrity.textProblem(value, field: field, freeText: freeText) { return problem }
        }
        for (field, date) in self.timestamps {
            if let problem = RecordIntegrity.timeProblem(date, field: field, latest: latest) { return problem }
        }
        return nil
    }

    /// The kind's own consistency check (``TicketRecord/validationProblem()`` and its siblings).
    public func validationProblem() -> String? {
        switch self {
        case .ticket(let ticket): ticket.validationProblem()
        case .interval(let interval): interval.validationProblem()
        case .evaluation(let evaluation): evaluation.validationProblem()
        case .interaction(let interaction): interaction.validationProblem()
        }
    }

    /// The site the record belongs to.
    public var site: String {
        switch self {
        case .ticket(let ticket): ticket.site
        case .interval(let interval): interval.site
        case .evaluation(let evaluation): evaluation.site
        case .interaction(let interaction): interaction.site
        }
    }
}

extension TicketRecord {
    /// ``Record/integrityProblem(latest:)`` for a ticket, without building the field lists (tickets are the bulk of
    /// ingest).
    public func integrityProblem(latest: Date?) -> String? {
        func text(_ value: String?, _ field: @autoclosure () -> String) -> String? {
            value.flatMap { RecordIntegrity.textProblem($0, field: field()) }
        }
        func time(_ value: Date?, _ field: @autoclosure () -> String) -> String? {
            guard let value, value < RecordIntegrity.earliestTimestamp || latest.map({ value > $0 }) == true else { return nil }
            return RecordIntegrity.timeProblem(value, field: field(), latest: latest)
        }
        if let problem = text(self.provider, "provider") ?? text(self.site, "site") ?? text(self.id, "id")
            ?? text(self.assignee, "assignee") ?? text(self.queue, "queue") ?? text(self.heldBy, "heldBy")
        {
            return problem
        }
        for (index, tag) in self.tags.enumerated() {
            if let problem = text(tag, "tags[\(index)]") { return problem }
        }
        if let problem = time(self.createdAt, "createdAt") ?? time(self.updatedAt, "updatedAt")
            ?? time(self.firstReplyAt, "firstReplyAt") ?? time(self.solvedAt, "solvedAt") ?? time(self.closedAt, "closedAt")
        {
            return problem
        }
        for (index, change) in self.statusChanges.enumerated() {
            if let problem = time(change.at, "statusChanges[\(index)].at") { return problem }
        }
        for (index, at) in (self.agentReplies ?? []).enumerated() {
            if let problem = time(at, "agentReplies[\(index)]") { return problem }
        }
        for (index, at) in (self.customerMessages ?? []).enumerated() {
            if let problem = time(at, "customerMessages[\(index)]") { return problem }
        }
        return nil
    }
}
