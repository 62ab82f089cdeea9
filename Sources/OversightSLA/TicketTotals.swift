//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Summed ticket-derived counts for aggregate figures.
//
//===----------------------------------------------------------------------===//

/// Ticket-derived counts for a period, summed: ticket SLA attainment, FCR by the ticket method,
/// and CSAT answers carried on tickets (used only when the interval reports have no survey counts).
package struct TicketTotals: Hashable, Sendable {
    /// Tickets whose first-reply target came due in the period (or stopped before its deadline in it).
    package var firstReplyDue: Int
    /// Of those, tickets that met it.
    package var firstReplyMet: Int
    /// Tickets whose resolution target came due in the period (or stopped before its deadline in it).
    package var resolutionDue: Int
    /// Of those, tickets that met it.
    package var resolutionMet: Int
    /// Tickets solved in the period.
    package var solved: Int
    /// Of those, tickets solved with one agent reply and not reopened within the reopen window.
    package var solvedFirstContact: Int
    /// CSAT answers on tickets.
    package var csatAnswers: Int
    /// CSAT answers on tickets scoring 4 or 5 of 5.
    package var csatSatisfied: Int
    /// Sum of CSAT scores (1–5) on tickets.
    package var csatScoreSum: Int

    /// Creates totals; every count defaults to zero.
    package init(
        firstReplyDue: Int = 0, firstReplyMet: Int = 0, resolutionDue: Int = 0, resolutionMet: Int = 0, solved: Int = 0,
        solvedFirstContact: Int = 0, csatAnswers: Int = 0, csatSatisfied: Int = 0, csatScoreSum: Int = 0
    ) {
        self.firstReplyDue = firstReplyDue
        self.firstReplyMet = firstReplyMet
        self.resolutionDue = resolutionDue
        self.resolutionMet = resolutionMet
        self.solved = solved
        self.solvedFirstContact = solvedFirstContact
        self.csatAnswers = csatAnswers
        self.csatSatisfied = csatSatisfied
        self.csatScoreSum = csatScoreSum
    }

    /// No tickets.
    package static let zero = TicketTotals()

    /// Field-by-field sum.
    package static func + (lhs: TicketTotals, rhs: TicketTotals) -> TicketTotals {
        TicketTotals(
            firstReplyDue: lhs.firstReplyDue + rhs.firstReplyDue,
            firstReplyMet: lhs.firstReplyMet + rhs.firstReplyMet,
            resolutionDue: lhs.resolutionDue + rhs.resolutionDue,
            resolutionMet: lhs.resolutionMet + rhs.resolutionMet,
            solved: lhs.solved + rhs.solved,
            solvedFirstContact: lhs.solvedFirstContact + rhs.solvedFirstContact,
            csatAnswers: lhs.csatAnswers + rhs.csatAnswers,
            csatSatisfied: lhs.csatSatisfied + rhs.csatSatisfied,
            csatScoreSum: lhs.csatScoreSum + rhs.csatScoreSum
        )
    }

    /// Field-by-field difference: the counts of a period without those of a part of it (an excluded window).
    package static func - (lhs: TicketTotals, rhs: TicketTotals) -> TicketTotals {
        TicketTotals(
            firstReplyDue: lhs.firstReplyDue - rhs.firstReplyDue,
            firstReplyMet: lhs.firstReplyMet - rhs.firstReplyMet,
            resolutionDue: lhs.resolutionDue - rhs.resolutionDue,
            resolutionMet: lhs.resolutionMet - rhs.resolutionMet,
            solved: lhs.solved - rhs.solved,
            solvedFirstContact: lhs.solvedFirstContact - rhs.solvedFirstContact,
            csatAnswers: lhs.csatAnswers - rhs.csatAnswers,
            csatSatisfied: lhs.csatSatisfied - rhs.csatSatisfied,
            csatScoreSum: lhs.csatScoreSum - rhs.csatScoreSum
        )
    }

    /// Adds `rhs` into `lhs`.
    package static func += (lhs: inout TicketTotals, rhs: TicketTotals) { lhs = lhs + rhs }
}
