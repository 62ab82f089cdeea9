//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// One row of a provider's interval report → one interval record.
//
//===----------------------------------------------------------------------===//

package import Foundation
package import OversightConfig
package import OversightModel

/// Maps one row of an interval report onto an ``OversightModel/IntervalRecord`` as an `intervals` source's mapping
/// says.
///
/// Counts are whole numbers, sums of seconds may have a fraction; an unmapped or empty optional count is 0 and
/// `handled` is the answered count. `updated_at`, when unmapped or empty, is the file's modification time, so a
/// corrected report exported later replaces the earlier one at the coordinator. Every failure names the column (CSV)
/// or key (JSON) and what is wrong with the value.
package struct IntervalRowMapper: RowMapper {
    /// The source's mapping.
    package let mapping: IntervalMappingConfiguration
    private let timestamps: TimestampParser
    /// Redacts the queue name when `redaction.queues` is set, as for tickets, so queues still match across record kinds.
    package let redactor: Redactor

    /// Creates a mapper.
    /// - Parameters:
    ///   - mapping: The source's mapping.
    ///   - redaction: What is removed from free text; only queue names (with `queues: true`) apply to intervals.
    package init(mapping: IntervalMappingConfiguration, redaction: RedactionConfiguration = .init()) {
        self.mapping = mapping
        self.redactor = Redactor(configuration: redaction)
        self.timestamps = TimestampParser(format: mapping.dateFormat, timeZone: mapping.timeZone)
    }

    package var columns: [IntervalField: String] { self.mapping.fields }

    /// Interval rows carry no free text but their queue name, redacted (with `names`) only when `redaction.queues` is set.
    package func mapRecord(
        provider: String, site: String, fileDate: Date, names: [String], cell: @escaping (IntervalField) -> JSONValue?,
        label: @escaping (IntervalField) -> String
    ) throws(RowProblem) -> Record {
        var record = try self.record(provider: provider, site: site, fileDate: fileDate, cell: cell, label: label)
        if self.redactor.configuration.queues { record.queue = self.redactor.redact(record.queue, names: names) }
        return .interval(record)
    }

    /// Builds an interval record from one row.
    /// - Parameters:
    ///   - provider: The agent's provider.
    ///   - site: The site the record belongs to.
    ///   - fileDate: The file's modification time, the record's `updatedAt` unless the row has one.
    ///   - cell: The row's value for a mapped field; `nil` when the row has none.
    ///   - label: How to name a field's source in messages: `column "queue"` or `key "queue"`.
    package func record(
        provider: String, site: String, fileDate: Date, cell: @escaping (IntervalField) -> JSONValue?,
        label: @escaping (IntervalField) -> String
    ) throws(RowProblem) -> IntervalRecord {
        let row = RowCells(columns: self.mapping.fields, cell: cell, label: label)
        let maxCount = IntervalRecord.Limits.maxCount
        let maxSeconds = IntervalRecord.Limits.maxSeconds
        let maxThreshold = IntervalRecord.Limits.maxThresholdSeconds

        guard let start = try self.date(.start, row) else { throw row.problem(.start, "is empty; every interval needs its start") }
        guard let queue = try row.text(.queue) else { throw row.problem(.queue, "is empty; every interval needs its queue") }
        guard let minutes = try row.integer(.minutes, in: 1...IntervalRecord.Limits.maxMinutes) ?? self.mapping.defaultMinutes else {
            throw row.problem(.minutes, "is empty and mapping.defaults.minutes is not set")
        }
        guard let threshold = try row.integer(.thresholdSeconds, in: 0...maxThreshold) ?? self.mapping.defaultThresholdSeconds else {
            throw row.problem(.thresholdSeconds, "is empty and mapping.defaults.threshold_seconds is not set")
        }
        func required(_ field: IntervalField) throws(RowProblem) -> Int {
            guard let value = try row.integer(field, in: 0...maxCount) else { throw row.problem(field, "is empty") }
            return value
        }
        let answered = try required(.answered)
        let record = IntervalRecord(
            provider: provider, site: site, queue: queue,
            channel: try row.choice(.channel, self.mapping.channels, default: self.mapping.defaultChannel, section: "channels"),
            start: start, minutes: minutes, thresholdSeconds: threshold, offered: try required(.offered), answered: answered,
            answeredWithinThreshold: try required(.answeredWithinThreshold), abandoned: try required(.abandoned),
            shortAbandons: try row.integer(.shortAbandons, in: 0...maxCount) ?? 0,
            shortAbandonSeconds: try row.integer(.shortAbandonSeconds, in: 0...maxThreshold) ?? self.mapping.defaultShortAbandonSeconds,
            totalAnswerDelaySeconds: try row.seconds(.totalAnswerDelaySeconds, maximum: maxSeconds) ?? 0,
            handled: try row.integer(.handled, in: 0...maxCount) ?? answered,
            totalHandleTimeSeconds: try row.seconds(.totalHandleSeconds, maximum: maxSeconds) ?? 0,
            csatResponses: try row.integer(.csatResponses, in: 0...maxCount) ?? 0,
            csatSatisfied: try row.integer(.csatSatisfied, in: 0...maxCount) ?? 0,
            csatScoreSum: try row.integer(.csatScoreSum, in: 0...(5 * maxCount)),
            fcrResponses: try row.integer(.fcrResponses, in: 0...maxCount) ?? 0,
            fcrYes: try row.integer(.fcrYes, in: 0...maxCount) ?? 0,
            agentsStaffed: try row.integer(.agentsStaffed, in: 0...maxCount),
            updatedAt: try self.date(.updatedAt, row) ?? fileDate
        )
        if let problem = record.validationProblem() { throw RowProblem(message: problem) }
        // What the coordinator would refuse (a control character, a date before 2000 or in the future) is rejected
        // here, row by row, instead of holding the whole outbox back.
        if let problem = Record.interval(record).integrityProblem(latest: Date().addingTimeInterval(RecordIntegrity.defaultMaxAheadSeconds)) {
            throw RowProblem(message: problem)
        }
        return record
    }

    private func date(_ field: IntervalField, _ row: RowCells<IntervalField>) throws(RowProblem) -> Date? {
        guard let text = try row.text(field) else { return nil }
        switch self.timestamps.parse(text) {
        case .success(let date): return date
        case .failure(let failure): throw row.problem(field, failure.message)
        }
    }
}
