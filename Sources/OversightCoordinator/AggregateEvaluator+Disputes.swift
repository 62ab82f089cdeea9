//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Accepted breach disputes change the figures: the disputed ticket leaves its clock's attainment (numerator and
// denominator), and the month's credit statement is recomputed, with the figure and credit before and after each
// accepted dispute. Open and rejected disputes change nothing.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightModel
import OversightSLA
import OversightStore

/// A ticket taken out of one clock's attainment in the period containing its breach (an accepted breach dispute).
package struct TicketExclusion: Sendable, Hashable {
    /// The ticket (its site, queue, channel and priority decide which targets' scopes it is in).
    package var ticket: TicketRecord
    /// The clock (`first_reply` or `resolution`; other clocks have no aggregate figure).
    package var clock: String
    /// When it breached: the period whose figure it leaves.
    package var breachAt: Date

    /// Creates an exclusion.
    package init(ticket: TicketRecord, clock: String, breachAt: Date) {
        self.ticket = ticket
        self.clock = clock
        self.breachAt = breachAt
    }

    /// `totals` of `target` in `period` without the excluded tickets. A breached ticket is counted once in its clock's
    /// "due" count of the period it breached in and never in "met", so each exclusion that falls in the period and the
    /// target's scope takes one from "due".
    package static func apply(_ exclusions: [TicketExclusion], to totals: TicketTotals, target: AggregateTarget, period: ContractPeriod) -> TicketTotals {
        guard case .ticketAttainment(let kind) = target.figure else { return totals }
        var result = totals
        var seen: Set<String> = []
        for exclusion in exclusions
        where exclusion.clock == kind.rawValue && period.contains(exclusion.breachAt) && target.match.matches(exclusion.ticket)
            && seen.insert(exclusion.ticket.id).inserted
        {
            switch kind {
            case .firstReply: result.firstReplyDue = max(result.firstReplyMet, result.firstReplyDue - 1)
            case .resolution: result.resolutionDue = max(result.resolutionMet, result.resolutionDue - 1)
            }
        }
        return result
    }
}

/// A month's credit statement as measured and after the accepted breach disputes, one step per accepted dispute.
package struct DisputedCreditStatement: Sendable {
    /// One line whose figure or credit an accepted dispute moved.
    package struct LineChange: Sendable, Hashable {
        package var targetID: String
        package var period: ContractPeriod
        package var actualBefore: Double?
        package var actualAfter: Double?
        package var stateBefore: CreditStatement.LineState
        package var stateAfter: CreditStatement.LineState
        package var amountBefore: Double?
        package var amountAfter: Double?
        package var shareBefore: Double
        package var shareAfter: Double
    }

    /// One accepted dispute applied on top of those accepted before it.
    package struct Step: Sendable, Hashable {
        package var outcome: BreachDisputeOutcome
        /// The lines it moved (none when the ticket is in no credit-bearing target's scope).
        package var lines: [LineChange]
        /// The month's owed share and amount before and after it (after the cap).
        package var owedShareBefore: Double
        package var owedShareAfter: Double
        package var owedAmountBefore: Double?
        package var owedAmountAfter: Double?
    }

    /// The statement from the records alone.
    package var measured: CreditStatement
    /// The statement after every accepted dispute.
    package var statement: CreditStatement
    /// The accepted disputes in the order they took effect.
    package var steps: [Step]
    /// Every dispute of a breach in the month, with its outcome.
    package var outcomes: [BreachDisputeOutcome]
}

extension AggregateEvaluator {
    /// The tickets of `provider`'s accepted breach disputes (by head office, or by the contract default at `now`) whose
    /// breach fell in `from ..< to`; none without ``disputes``.
    func acceptedExclusions(provider: String, from: Date, to: Date, now: Date) async throws -> [TicketExclusion] {
        guard let disputes = self.disputes else { return [] }
        var exclusions: [TicketExclusion] = []
        for dispute in try await disputes.breachDisputes(provider: provider, ticketId: nil, breachFrom: from, breachTo: to)
        where BreachDisputeOutcome(dispute: dispute, contract: self.contracts[provider], now: now).state == .accepted {
            guard let ticket = try await disputes.ticket(provider: provider, id: dispute.ticketId)?.record else { continue }
            exclusions.append(TicketExclusion(ticket: ticket, clock: dispute.clock, breachAt: dispute.breachAt))
        }
        return exclusions
    }

    /// The credit statement of `provider` for `month`, measured and after the accepted disputes of breaches in the month
    /// (by head office, or by the contract default once the decision time passed), at `now`.
    package func disputedCreditStatement(
        provider: String, month: String, disputes: any BreachDisputeStore & SLAStore, now: Date = Date()
    ) async throws -> DisputedCreditStatement {
        let measured = try await self.creditStatement(provider: provider, month: month, now: now)
        let outcomes = try await disputes.breachDisputes(
            provider: provider, ticketId: nil, breachFrom: measured.month.start, breachTo: measured.month.end
        ).map { BreachDisputeOutcome(dispute: $0, contract: self.contracts[provider], now: now) }
        let accepted = outcomes.filter { $0.state == .accepted }.sorted {
            ($0.effectiveAt ?? .distantPast, $0.dispute.id) < ($1.effectiveAt ?? .distantPast, $1.dispute.id)
        }
        var exclusions: [TicketExclusion] = []
        var steps: [DisputedCreditStatement.Step] = []
        var current = measured
        for outcome in accepted {
            guard let ticket = try await disputes.ticket(provider: provider, id: outcome.dispute.ticketId)?.record else { continue }
            exclusions.append(TicketExclusion(ticket: ticket, clock: outcome.dispute.clock, breachAt: outcome.dispute.breachAt))
            let next = try await self.creditStatement(provider: provider, month: month, now: now, excluding: exclusions)
            steps.append(
                DisputedCreditStatement.Step(
                    outcome: outcome, lines: Self.changes(from: current, to: next), owedShareBefore: current.owedShare,
                    owedShareAfter: next.owedShare, owedAmountBefore: current.owedAmount, owedAmountAfter: next.owedAmount
                )
            )
            current = next
        }
        return DisputedCreditStatement(measured: measured, statement: current, steps: steps, outcomes: outcomes)
    }

    static func changes(from before: CreditStatement, to after: CreditStatement) -> [DisputedCreditStatement.LineChange] {
        zip(before.lines, after.lines).compactMap { old, new in
            guard old.targetID == new.targetID, old.period == new.period,
                old.actual != new.actual || old.state != new.state || old.amount != new.amount
            else { return nil }
            return DisputedCreditStatement.LineChange(
                targetID: old.targetID, period: old.period, actualBefore: old.actual, actualAfter: new.actual, stateBefore: old.state,
                stateAfter: new.state, amountBefore: old.amount, amountAfter: new.amount, shareBefore: old.share, shareAfter: new.share
            )
        }
    }
}
