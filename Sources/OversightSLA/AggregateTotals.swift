//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Everything an aggregate figure is computed from, summed over a period.
//
//===----------------------------------------------------------------------===//

/// The inputs of every aggregate figure for one period and scope: interval reports, ticket counts
/// and QA evaluations, each summed. ``AggregateTarget/Figure/ratio(in:)`` computes a figure from them.
package struct AggregateTotals: Hashable, Sendable {
    /// Summed interval reports.
    package var intervals: IntervalTotals
    /// Summed ticket counts.
    package var tickets: TicketTotals
    /// Summed QA evaluations.
    package var qa: QATotals

    /// Creates totals.
    /// - Parameters:
    ///   - intervals: Summed interval reports.
    ///   - tickets: Summed ticket counts.
    ///   - qa: Summed QA evaluations.
    package init(intervals: IntervalTotals = .zero, tickets: TicketTotals = .zero, qa: QATotals = .zero) {
        self.intervals = intervals
        self.tickets = tickets
        self.qa = qa
    }

    /// Nothing.
    package static let zero = AggregateTotals()

    /// Part-by-part sum.
    package static func + (lhs: AggregateTotals, rhs: AggregateTotals) -> AggregateTotals {
        AggregateTotals(intervals: lhs.intervals + rhs.intervals, tickets: lhs.tickets + rhs.tickets, qa: lhs.qa + rhs.qa)
    }

    /// Part-by-part difference: a period's totals without those of a window inside it.
    package static func - (lhs: AggregateTotals, rhs: AggregateTotals) -> AggregateTotals {
        AggregateTotals(intervals: lhs.intervals - rhs.intervals, tickets: lhs.tickets - rhs.tickets, qa: lhs.qa - rhs.qa)
    }

    /// Adds `rhs` into `lhs`.
    package static func += (lhs: inout AggregateTotals, rhs: AggregateTotals) { lhs = lhs + rhs }
}
