//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// One row of a QA tool's evaluation export → one QA evaluation record.
//
//===----------------------------------------------------------------------===//

package import Foundation
package import OversightConfig
package import OversightModel

/// Maps one row of a QA evaluation export onto an ``OversightModel/EvaluationRecord`` as an `evaluations` source's
/// mapping says.
///
/// The evaluator and the evaluated agent are pseudonymised with the agent's key (as ticket assignees), so names never
/// leave the agent. Without an id column the id is a keyed hash of scorecard, interaction and evaluator, so a corrected
/// re-export of the same evaluation replaces it. `items` is a JSON array of `{item, passed, impact, weight}` objects
/// (in CSV, that JSON as the cell's text); error counts that are unmapped or empty are counted from the items. Comments
/// longer than ``OversightModel/EvaluationRecord/Limits/maxCommentsLength`` bytes are cut there (a remark, not a
/// transcript). `updated_at`, when unmapped or empty, is the file's modification time. Every failure names the column
/// (CSV) or key (JSON) and what is wrong with the value.
package struct EvaluationRowMapper: RowMapper {
    /// The source's mapping.
    package let mapping: EvaluationMappingConfiguration
    private let timestamps: TimestampParser
    private let pseudonymiser: Pseudonymiser
    /// Removes personal data from the comments (and the queue when `redaction.queues` is set).
    package let redactor: Redactor

    /// Creates a mapper.
    /// - Parameters:
    ///   - mapping: The source's mapping.
    ///   - pseudonymKey: Key of the keyed hash that replaces the evaluator's and agent's names.
    ///   - redaction: What is removed from free text (on by default).
    package init(mapping: EvaluationMappingConfiguration, pseudonymKey: [UInt8], redaction: RedactionConfiguration = .init()) {
        self.mapping = mapping
        self.redactor = Redactor(configuration: redaction)
        self.timestamps = TimestampParser(format: mapping.dateFormat, timeZone: mapping.timeZone)
        self.pseudonymiser = Pseudonymiser(key: pseudonymKey)
    }

    package var columns: [EvaluationField: String] { self.mapping.fields }

    package func mapRecord(
        provider: String, site: String, fileDate: Date, names: [String], cell: @escaping (EvaluationField) -> JSONValue?,
        label: @escaping (EvaluationField) -> String
    ) throws(RowProblem) -> Record {
        .evaluation(try self.record(provider: provider, site: site, fileDate: fileDate, names: names, cell: cell, label: label))
    }

    /// Builds an evaluation record from one row.
    /// - Parameters:
    ///   - provider: The agent's provider.
    ///   - site: The site the record belongs to.
    ///   - fileDate: The file's modification time, the record's `updatedAt` unless the row has one.
    ///   - names: Names of people the row names (its `redaction.name_fields`), removed from the comments with the
    ///     evaluator's and the evaluated agent's.
    ///   - cell: The row's value for a mapped field; `nil` when the row has none.
    ///   - label: How to name a field's source in messages: `column "score"` or `key "score"`.
    package func record(
        provider: String, site: String, fileDate: Date, names: [String] = [], cell: @escaping (EvaluationField) -> JSONValue?,
        label: @escaping (EvaluationField) -> String
    ) throws(RowProblem) -> EvaluationRecord {
        let row = RowCells(columns: self.mapping.fields, cell: cell, label: label)
        func required(_ field: EvaluationField, _ why: String) throws(RowProblem) -> String {
            guard let text = try row.text(field) else { throw row.problem(field, "is empty; every evaluation needs its \(why)") }
            return text
        }
        let interactionRef = try required(.interactionRef, "interaction")
        let evaluator = try required(.evaluator, "evaluator")
        let scorecard = try required(.scorecard, "scorecard")
        guard let version = try row.text(.scorecardVersion) ?? self.mapping.defaultScorecardVersion else {
            throw row.problem(.scorecardVersion, "is empty and mapping.defaults.scorecard_version is not set")
        }
        guard let evaluatedAt = try self.date(.evaluatedAt, row) else {
            throw row.problem(.evaluatedAt, "is empty; every evaluation needs the time it was completed")
        }
        guard let score = try Self.number(.score, row, in: 0...100) else { throw row.problem(.score, "is empty") }
        let items = try self.items(row)
        let maxErrors = EvaluationRecord.Limits.maxErrors
        func errors(_ field: EvaluationField, _ impact: EvaluationImpact) throws(RowProblem) -> Int {
            if let count = try row.integer(field, in: 0...maxErrors) { return count }
            guard let items else { throw row.problem(field, "is empty and the row has no items to count them from") }
            return items.filter { !$0.passed && $0.impact == impact }.count
        }
        var channel: ContactChannel?
        if try row.text(.channel) != nil {
            channel = try row.choice(.channel, self.mapping.channels, default: .phone, section: "channels")
        }
        // The comments are redacted before they are cut to their limit, so the cut cannot split a card number or address.
        let agentName = try row.text(.agent)
        let names = names + [evaluator] + (agentName.map { [$0] } ?? [])
        var queue = try row.text(.queue)
        if self.redactor.configuration.queues { queue = queue.map { self.redactor.redact($0, names: names) } }
        let record = EvaluationRecord(
            provider: provider, site: site,
            id: try row.text(.id) ?? self.derivedID(scorecard: scorecard, interactionRef: interactionRef, evaluator: evaluator),
            interactionRef: interactionRef, channel: channel, queue: queue,
            agent: try row.text(.agent).map { self.pseudonymiser.pseudonym(for: $0) },
            evaluator: self.pseudonymiser.pseudonym(for: evaluator), scorecard: scorecard, scorecardVersion: version,
            evaluatedAt: evaluatedAt, items: items ?? [], highImpactErrors: try errors(.highImpactErrors, .high),
            lowImpactErrors: try errors(.lowImpactErrors, .low), score: score, comments: try row.text(.comments).map { Self.bounded(self.redactedComments($0, names: names)) },
            updatedAt: try self.date(.updatedAt, row) ?? fileDate
        )
        if let problem = record.validationProblem() { throw RowProblem(message: problem) }
        // What the coordinator would refuse (a control character, a date before 2000 or in the future) is rejected
        // here, row by row, instead of holding the whole outbox back.
        if let problem = Record.evaluation(record).integrityProblem(latest: Date().addingTimeInterval(RecordIntegrity.defaultMaxAheadSeconds)) {
            throw RowProblem(message: problem)
        }
        return record
    }

    /// The id of an evaluation whose export has none: `e_` and a keyed hash of scorecard, interaction and evaluator
    /// (stable for this agent, and the evaluator's name cannot be read back from it).
    func derivedID(scorecard: String, interactionRef: String, evaluator: String) -> String {
        "e_" + self.pseudonymiser.pseudonym(for: "evaluation\u{1F}\(scorecard)\u{1F}\(interactionRef)\u{1F}\(evaluator)").dropFirst(2)
    }

    /// Comments redacted: a long cell is read only as far as its first 8 × the comment limit (it is cut to the limit
    /// afterwards), and a number or address fragment at that first cut is dropped, never sent.
    /// - Parameters:
    ///   - text: The comments cell.
    ///   - names: Names of people to remove.
    package func redactedComments(_ text: String, names: [String]) -> String {
        let scanned = EvaluationRecord.Limits.maxCommentsLength * 8
        guard text.utf8.count > scanned else { return self.redactor.redact(text, names: names) }
        var bytes = 0
        var end = text.startIndex
        for index in text.indices {
            let size = text[index].utf8.count
            guard bytes + size <= scanned else { break }
            bytes += size
            end = text.index(after: index)
        }
        return self.redactor.redactedExcerpt(String(text[..<end]), names: names, maxBytes: scanned, truncated: true)
    }

    /// `text` cut to the comment limit on a character boundary, with `…` when cut.
    static func bounded(_ text: String) -> String {
        let limit = EvaluationRecord.Limits.maxCommentsLength
        guard text.utf8.count > limit else { return text }
        var result = ""
        var bytes = 0
        for character in text {
            let size = character.utf8.count
            guard bytes + size <= limit - 3 else { break }
            result.append(character)
            bytes += size
        }
        return result + "…"
    }

    /// The item results, `nil` when the field is unmapped or empty.
    private func items(_ row: RowCells<EvaluationField>) throws(RowProblem) -> [EvaluationItem]? {
        guard row.columns[.items] != nil, let value = row.cell(.items) else { return nil }
        var list: [JSONValue]
        switch value {
        case .null: return nil
        case .array(let elements): list = elements
        case .string(let text):
            let trimmed = text.trimmingWhitespace()
            if trimmed.isEmpty { return nil }
            guard case .array(let elements)? = try? JSONDecoder().decode(JSONValue.self, from: Data(trimmed.utf8)) else {
                throw row.problem(.items, "\(row.shown(trimmed)) is not a JSON array of {item, passed, impact} objects")
            }
            list = elements
        default: throw row.problem(.items, "expected a list of {item, passed, impact} objects")
        }
        let limit = EvaluationRecord.Limits.maxItems
        guard list.count <= limit else { throw row.problem(.items, "has \(list.count) items, more than \(limit)") }
        var items: [EvaluationItem] = []
        for (index, element) in list.enumerated() {
            func problem(_ message: String) -> RowProblem { row.problem(.items, "item \(index + 1): \(message)") }
            guard case .object(let members) = element else { throw problem("expected an object {item, passed, impact}") }
            guard case .success(let name?)? = (members["item"] ?? members["id"]).map(\.text) else {
                throw problem("needs \"item\", the scorecard item's id")
            }
            let passed: Bool
            switch members["passed"] {
            case .bool(let value)?: passed = value
            case .string(let text)? where ["true", "yes", "pass", "passed", "1"].contains(text.lowercased()): passed = true
            case .string(let text)? where ["false", "no", "fail", "failed", "0"].contains(text.lowercased()): passed = false
            case .integer(let value)? where value == 0 || value == 1: passed = value == 1
            default: throw problem("\"passed\" must be true or false")
            }
            let impact: EvaluationImpact
            switch members["impact"] {
            case nil, .null?: impact = .none
            case .string(let text)?:
                switch text.lowercased() {
                case "high", "critical": impact = .high
                case "low", "non-critical", "noncritical": impact = .low
                case "none", "": impact = .none
                default: throw problem("\"impact\" must be high, low or none, got \(row.shown(text))")
                }
            default: throw problem("\"impact\" must be high, low or none")
            }
            var weight: Double?
            switch members["weight"] {
            case nil, .null?: weight = nil
            case .integer(let value)?: weight = Double(value)
            case .number(let value)?: weight = value
            case .string(let text)?: weight = Double(text)
            default: throw problem("\"weight\" must be a number")
            }
            if let value = weight, !value.isFinite || value < 0 || value > EvaluationRecord.Limits.maxWeight {
                throw problem("\"weight\" must be a number from 0 to \(Int(EvaluationRecord.Limits.maxWeight))")
            }
            items.append(EvaluationItem(item: name, passed: passed, impact: impact, weight: weight))
        }
        return items
    }

    /// A decimal number (`87`, `87.5`) in `range`; `nil` when the cell is empty.
    private static func number(_ field: EvaluationField, _ row: RowCells<EvaluationField>, in range: ClosedRange<Double>) throws(RowProblem)
        -> Double?
    {
        guard let text = try row.text(field) else { return nil }
        let allowed = text.utf8.allSatisfy { ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || $0 == UInt8(ascii: ".") }
        guard allowed, let value = Double(text), value.isFinite, range.contains(value) else {
            throw row.problem(field, "\(row.shown(text)) is not a number from \(Int(range.lowerBound)) to \(Int(range.upperBound))")
        }
        return value
    }

    private func date(_ field: EvaluationField, _ row: RowCells<EvaluationField>) throws(RowProblem) -> Date? {
        guard let text = try row.text(field) else { return nil }
        switch self.timestamps.parse(text) {
        case .success(let date): return date
        case .failure(let failure): throw row.problem(field, failure.message)
        }
    }
}
