//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// One row of a provider's export → one ticket record.
//
//===----------------------------------------------------------------------===//

internal import Foundation
package import OversightConfig
package import OversightModel

/// Maps one row of a ticket export onto a ``OversightModel/TicketRecord`` as a source's mapping says.
///
/// A row is seen through a lookup from a field to its cell, so CSV and JSON Lines share this code.
/// Every failure names the column (CSV) or key (JSON) and what is wrong with the value.
package struct TicketRowMapper: Sendable {
    /// The source's mapping.
    package let mapping: FieldMappingConfiguration
    private let timestamps: TimestampParser
    private let pseudonymiser: Pseudonymiser
    /// Removes personal data from the free text the record carries (tags; the queue when `redaction.queues` is set).
    package let redactor: Redactor

    /// Why a row cannot become a record.
    package typealias Problem = RowProblem

    /// Creates a mapper.
    /// - Parameters:
    ///   - mapping: The source's mapping.
    ///   - pseudonymKey: Key of the keyed hash that replaces pseudonymised fields.
    ///   - redaction: What is removed from free text (on by default).
    package init(mapping: FieldMappingConfiguration, pseudonymKey: [UInt8], redaction: RedactionConfiguration = .init()) {
        self.mapping = mapping
        self.redactor = Redactor(configuration: redaction)
        self.timestamps = TimestampParser(format: mapping.dateFormat, timeZone: mapping.timeZone)
        self.pseudonymiser = Pseudonymiser(key: pseudonymKey)
    }

    /// Builds a record from one row.
    /// - Parameters:
    ///   - provider: The agent's provider.
    ///   - site: The site the record belongs to.
    ///   - names: Names of people the row names (its `redaction.name_fields`), removed from its free text with the assignee's.
    ///   - cell: The row's value for a mapped field; `nil` when the row has none.
    ///   - label: How to name a field's source in messages: `column "Created"` or `key "created"`.
    package func record(
        provider: String, site: String, names: [String] = [], cell: @escaping (TicketField) -> JSONValue?,
        label: @escaping (TicketField) -> String
    ) throws(Problem) -> TicketRecord {
        let row = Row(mapper: self, cell: cell, label: label)
        guard let id = try row.text(.id) else { throw row.problem(.id, "is empty; every ticket needs an id") }
        guard let statusText = try row.text(.status) else { throw row.problem(.status, "is empty") }
        let status = try row.status(statusText, field: .status)
        guard let createdAt = try row.date(.createdAt) else { throw row.problem(.createdAt, "is empty") }

        let firstReplyAt = try row.date(.firstReplyAt)
        let solvedAt = try row.date(.solvedAt)
        let closedAt = try row.date(.closedAt)
        let history = try row.statusHistory()
        let updatedAt =
            try row.date(.updatedAt)
            ?? ([createdAt, firstReplyAt, solvedAt, closedAt, history.last?.at].compactMap { $0 }.max() ?? createdAt)

        var record = TicketRecord(
            provider: provider, site: site, id: id,
            channel: try row.choice(.channel, self.mapping.channels, default: self.mapping.defaultChannel),
            priority: try row.choice(.priority, self.mapping.priorities, default: self.mapping.defaultPriority),
            status: status, createdAt: createdAt, updatedAt: updatedAt,
            firstReplyAt: firstReplyAt, solvedAt: solvedAt, closedAt: closedAt,
            reopenCount: try row.integer(.reopenCount, in: 0...1_000_000) ?? 0,
            assignee: try row.text(.assignee), queue: try row.text(.queue), tags: try row.tags(),
            csat: try row.integer(.csat, in: 1...5), contactCount: try row.integer(.contactCount, in: 0...1_000_000) ?? 1,
            heldBy: try row.heldBy(), statusChanges: history, agentReplies: try row.times(.agentReplies),
            customerMessages: try row.times(.customerMessages)
        )
        for field in self.mapping.pseudonymise {
            switch field {
            case .id: record.id = self.pseudonymiser.pseudonym(for: record.id)
            case .assignee: record.assignee = record.assignee.map { self.pseudonymiser.pseudonym(for: $0) }
            case .queue: record.queue = record.queue.map { self.pseudonymiser.pseudonym(for: $0) }
            case .tags: record.tags = record.tags.map { self.pseudonymiser.pseudonym(for: $0) }
            default: break
            }
        }
        // Free text is redacted after pseudonymising: a pseudonymised field is a keyed hash and carries nothing to redact.
        let assignee = try row.text(.assignee)
        let names = names + (assignee.map { [$0] } ?? [])
        if !self.mapping.pseudonymise.contains(.tags) { record.tags = record.tags.map { self.redactor.redact($0, names: names) } }
        if self.redactor.configuration.queues, !self.mapping.pseudonymise.contains(.queue) {
            record.queue = record.queue.map { self.redactor.redact($0, names: names) }
        }
        if let problem = record.validationProblem() { throw Problem(message: problem) }
        // What the coordinator would refuse (a control character, a date before 2000 or in the future) is rejected
        // here, row by row, instead of holding the whole outbox back.
        if let problem = Record.ticket(record).integrityProblem(latest: Date().addingTimeInterval(RecordIntegrity.defaultMaxAheadSeconds)) {
            throw Problem(message: problem)
        }
        return record
    }

    /// One row being mapped.
    private struct Row {
        let mapper: TicketRowMapper
        let cell: (TicketField) -> JSONValue?
        let label: (TicketField) -> String

        func problem(_ field: TicketField, _ message: String) -> Problem {
            Problem(message: "\(self.label(field)): \(message)")
        }

        func shown(_ text: String) -> String {
            "'\(text.count > 60 ? String(text.prefix(57)) + "..." : text)'"
        }

        /// The field's text; `nil` when unmapped, missing, null or empty.
        func text(_ field: TicketField) throws(Problem) -> String? {
            guard self.mapper.mapping.fields[field] != nil, let value = self.cell(field) else { return nil }
            switch value.text {
            case .success(let text): return text
            case .failure(let notText): throw self.problem(field, "expected a single value, got \(notText.kind)")
            }
        }

        func date(_ field: TicketField) throws(Problem) -> Date? {
            guard let text = try self.text(field) else { return nil }
            switch self.mapper.timestamps.parse(text) {
            case .success(let date): return date
            case .failure(let failure): throw self.problem(field, failure.message)
            }
        }

        func integer(_ field: TicketField, in range: ClosedRange<Int>) throws(Problem) -> Int? {
            guard let text = try self.text(field) else { return nil }
            var digits = Substring(text)
            if let dot = digits.firstIndex(of: "."), digits[digits.index(after: dot)...].allSatisfy({ $0 == "0" }) {
                digits = digits[..<dot]
            }
            guard let value = Int(digits), range.contains(value) else {
                throw self.problem(field, "\(self.shown(text)) is not a whole number from \(range.lowerBound) to \(range.upperBound)")
            }
            return value
        }

        func status(_ text: String, field: TicketField) throws(Problem) -> TicketStatus {
            let lowered = text.lowercased()
            if let status = self.mapper.mapping.statuses[lowered] ?? TicketStatus(rawValue: lowered) { return status }
            throw self.problem(
                field,
                "unknown status \(self.shown(text)); map it under mapping.statuses to one of "
                    + TicketStatus.allCases.map(\.rawValue).joined(separator: ", ")
            )
        }

        func choice<Value: RawRepresentable & CaseIterable>(
            _ field: TicketField, _ table: [String: Value], default defaultValue: Value
        ) throws(Problem) -> Value where Value.RawValue == String {
            guard let text = try self.text(field) else { return defaultValue }
            let lowered = text.lowercased()
            if let value = table[lowered] ?? Value(rawValue: lowered) { return value }
            let section = field == .channel ? "channels" : "priorities"
            throw self.problem(
                field,
                "unknown \(field.rawValue) \(self.shown(text)); map it under mapping.\(section) to one of "
                    + Value.allCases.map(\.rawValue).joined(separator: ", ")
            )
        }

        func heldBy() throws(Problem) -> String? {
            guard let text = try self.text(.heldBy) else { return nil }
            let lowered = text.lowercased()
            guard ["provider", "client", "customer"].contains(lowered) else {
                throw self.problem(.heldBy, "\(self.shown(text)) is not one of provider, client, customer")
            }
            return lowered
        }

        func tags() throws(Problem) -> [String] {
            guard self.mapper.mapping.fields[.tags] != nil, let value = self.cell(.tags) else { return [] }
            if case .array(let items) = value {
                var tags: [String] = []
                for item in items {
                    guard case .success(let text) = item.text else { throw self.problem(.tags, "expected a list of texts") }
                    if let text { tags.append(text) }
                }
                return tags
            }
            guard let text = try self.text(.tags) else { return [] }
            return text.split(separator: self.mapper.mapping.tagsSeparator).map { String($0).trimmingWhitespace() }.filter { !$0.isEmpty }
        }

        /// Times, oldest first, from a JSON array of timestamps or `time;time;…`; `nil` when the field is unmapped or the
        /// row lacks it (the source has no such history), `[]` when the cell is empty (nothing yet).
        func times(_ field: TicketField) throws(Problem) -> [Date]? {
            guard self.mapper.mapping.fields[field] != nil, let value = self.cell(field) else { return nil }
            var texts: [String] = []
            if case .array(let items) = value {
                for item in items {
                    guard case .success(let text) = item.text else { throw self.problem(field, "expected a list of timestamps") }
                    if let text { texts.append(text) }
                }
            } else if let text = try self.text(field) {
                if text.hasPrefix("[") {
                    guard let array = try? JSONDecoder().decode([String].self, from: Data(text.utf8)) else {
                        throw self.problem(field, "is not a JSON array of timestamps")
                    }
                    texts = array
                } else {
                    texts = text.split(separator: ";").map { String($0).trimmingWhitespace() }.filter { !$0.isEmpty }
                }
            }
            guard texts.count <= TicketRecord.Limits.maxMessages else {
                throw self.problem(field, "has more than \(TicketRecord.Limits.maxMessages) entries")
            }
            var times: [Date] = []
            times.reserveCapacity(texts.count)
            for text in texts {
                switch self.mapper.timestamps.parse(text) {
                case .success(let date): times.append(date)
                case .failure(let failure): throw self.problem(field, failure.message)
                }
            }
            return times.sorted()
        }

        /// The status changes, oldest first, from a JSON array of `{"status", "at"}` or `status@time;status@time`.
        func statusHistory() throws(Problem) -> [TicketRecord.StatusChange] {
            guard self.mapper.mapping.fields[.statusHistory] != nil, let value = self.cell(.statusHistory) else { return [] }
            var entries: [(status: String, at: String)] = []
            var items: [JSONValue]?
            if case .array(let array) = value {
                items = array
            } else if let text = try self.text(.statusHistory) {
                if text.hasPrefix("[") {
                    guard let array = try? JSONDecoder().decode([JSONValue].self, from: Data(text.utf8)) else {
                        throw self.problem(.statusHistory, "is not a valid JSON array")
                    }
                    items = array
                } else {
                    for part in text.split(separator: ";") {
                        let trimmed = String(part).trimmingWhitespace()
                        guard !trimmed.isEmpty else { continue }
                        guard let at = trimmed.lastIndex(of: "@") else {
                            throw self.problem(.statusHistory, "\(self.shown(trimmed)) is not status@time")
                        }
                        let status = String(trimmed[..<at]).trimmingWhitespace()
                        entries.append((status, String(trimmed[trimmed.index(after: at)...]).trimmingWhitespace()))
                    }
                }
            }
            for item in items ?? [] {
                guard case .success(let status?) = item.value(at: "status")?.text, case .success(let at?) = item.value(at: "at")?.text else {
                    throw self.problem(.statusHistory, "expected objects like {\"status\": \"open\", \"at\": \"2026-01-05T09:00:00Z\"}")
                }
                entries.append((status, at))
            }
            guard entries.count <= TicketRecord.Limits.maxStatusChanges else {
                throw self.problem(.statusHistory, "has more than \(TicketRecord.Limits.maxStatusChanges) changes")
            }
            var changes: [TicketRecord.StatusChange] = []
            changes.reserveCapacity(entries.count)
            for entry in entries {
                let status = try self.status(entry.status, field: .statusHistory)
                switch self.mapper.timestamps.parse(entry.at) {
                case .success(let date): changes.append(.init(status: status, at: date))
                case .failure(let failure): throw self.problem(.statusHistory, failure.message)
                }
            }
            // Stable: changes at the same instant keep the export's order.
            return changes.enumerated().sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }.map(\.element)
        }
    }
}
