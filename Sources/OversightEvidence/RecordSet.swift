//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The records a provider's batches leave standing: the latest version of each, as the coordinator applies them.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightModel

/// Tickets, interval reports and QA evaluations rebuilt from batches, applied with the coordinator's rules
/// (docs/protocol.md 5.2): tickets by id and evaluations by id replace the kept version only when their `updatedAt`
/// is strictly newer and their site is the kept one; intervals by (site, queue, start) when strictly newer.
package struct RecordSet: Sendable {
    /// A record with the batch that last wrote it.
    package struct Versioned<Record: Sendable>: Sendable {
        package var record: Record
        package var agentId: String
        package var seq: Int64
    }

    /// The key of an interval report.
    package struct IntervalKey: Hashable, Sendable {
        package var site: String
        package var queue: String
        package var start: Date
    }

    package private(set) var tickets: [String: Versioned<TicketRecord>] = [:]
    package private(set) var intervals: [IntervalKey: Versioned<IntervalRecord>] = [:]
    package private(set) var evaluations: [String: Versioned<EvaluationRecord>] = [:]

    /// An empty set.
    package init() {}

    /// Applies one batch's records of `provider` (records of another provider are skipped: the coordinator refuses
    /// such a batch, so a verified bundle holds none).
    package mutating func apply(_ payload: BatchPayload, provider: String) {
        for record in payload.records {
            switch record {
            case .ticket(let ticket):
                guard ticket.provider == provider else { continue }
                if let kept = self.tickets[ticket.id], !(ticket.updatedAt > kept.record.updatedAt && ticket.site == kept.record.site) { continue }
                self.tickets[ticket.id] = Versioned(record: ticket, agentId: payload.agentId, seq: payload.seq)
            case .interval(let interval):
                guard interval.provider == provider else { continue }
                let key = IntervalKey(site: interval.site, queue: interval.queue, start: interval.start)
                if let kept = self.intervals[key], !(interval.updatedAt > kept.record.updatedAt) { continue }
                self.intervals[key] = Versioned(record: interval, agentId: payload.agentId, seq: payload.seq)
            case .evaluation(let evaluation):
                guard evaluation.provider == provider else { continue }
                if let kept = self.evaluations[evaluation.id],
                    !(evaluation.updatedAt > kept.record.updatedAt && evaluation.site == kept.record.site)
                {
                    continue
                }
                self.evaluations[evaluation.id] = Versioned(record: evaluation, agentId: payload.agentId, seq: payload.seq)
            case .interaction:
                // Sampled interactions are audit material, not figures: no credit statement is computed from them.
                continue
            }
        }
    }
}
