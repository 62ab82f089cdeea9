//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// What one step of a provider simulation produced: the content of one round of export files.
//
//===----------------------------------------------------------------------===//

import Foundation
package import OversightModel

/// What a provider's systems export at one instant: tickets that are new or changed since the previous export,
/// telephony intervals completed since then, QA evaluations completed since then.
package struct SimulationStep: Sendable, Hashable {
    /// The instant of the export (wall time).
    package var at: Date
    /// New and changed tickets as they stand at ``at``, in id order.
    package var tickets: [TicketRecord]
    /// How many of ``tickets`` are new since the previous export.
    package var newTickets: Int
    /// Telephony intervals completed since the previous export (simulated time).
    package var intervals: [IntervalReport]
    /// QA evaluations completed since the previous export.
    package var evaluations: [QAEvaluation]

    /// Creates a step.
    /// - Parameters:
    ///   - at: export instant.
    ///   - tickets: new and changed tickets.
    ///   - newTickets: how many are new.
    ///   - intervals: completed intervals.
    ///   - evaluations: completed evaluations.
    package init(at: Date, tickets: [TicketRecord], newTickets: Int, intervals: [IntervalReport], evaluations: [QAEvaluation]) {
        self.at = at
        self.tickets = tickets
        self.newTickets = newTickets
        self.intervals = intervals
        self.evaluations = evaluations
    }

    /// Whether the step has nothing to write.
    package var isEmpty: Bool { self.tickets.isEmpty && self.intervals.isEmpty && self.evaluations.isEmpty }
}
