//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Accepted disputes change the figures: a disputed ticket leaves its clock's attainment (numerator and denominator), a
// disputed aggregate miss is recomputed without its excluded window, and the month's credit statement is recomputed,
// with the figure and credit before and after each accepted dispute. Open and rejected disputes change nothing.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightModel
import OversightSLA
import OversightStore

/// A month's credit statement as measured and after the accepted breach disputes, one step per accepted dispute.
package struct DisputedCreditStatement: Sendable {
    /// One line whose figure or credit an accepted dispute moved.
    package struct LineChange: Sendable, Hashable {
        package var targetID: String
        package var period: ContractPeriod
        /// The figure's unit (how `actual` reads).
        package var unit: AggregateTarget.Unit
        package var actualBefore: Double?
        package var actualAfter: Double?
        package var stateBefore: CreditStatement.LineState
        package var stateAfter: CreditStatement.LineState
        package var amountBefore: Double?
        package var amountAfter: Double?
        package var shareBefore: Double
        package var shareAfter: Double
    }

    /// One accepted dispute (of a ticket breach or an aggregate miss) applied on top of those accepted before it.
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
    /// What `provider`'s accepted disputes (by head office, or by the contract default at `now`) of breaches and periods
    /// starting in `from ..< to` take out of the figures; nothing without ``disputes``.
    func acceptedExclusions(provider: String, from: Date, to: Date, now: Date) async throws -> DisputeExclusions {
        guard let disputes = self.disputes else { return .none }
        var exclusions = DisputeExclusions()
        for dispute in try await disputes.breachDisputes(provider: provider, ticketId: nil, breachFrom: from, breachTo: to)
        where BreachDisputeOutcome(dispute: dispute, contract: self.contracts[provider], now: now).state == .accepted {
            try await Self.add(dispute, provider: provider, to: &exclusions, store: disputes)
        }
        return exclusions
    }

    /// Adds what the accepted `dispute` takes out to `exclusions` (a ticket that is no longer stored takes nothing).
    static func add(_ dispute: StoredBreachDispute, provider: String, to exclusions: inout DisputeExclusions, store: any SLAStore) async throws {
        if let period = dispute.period {
            exclusions.windows.append(PeriodExclusion(targetID: period.targetId, periodStart: period.start, from: period.excludedFrom, to: period.excludedTo))
        } else if let ticket = try await store.ticket(provider: provider, id: dispute.ticketId)?.record {
            exclusions.tickets.append(TicketExclusion(ticket: ticket, clock: dispute.clock, breachAt: dispute.breachAt))
        }
    }

    /// `totals` (of `target` in `period`) after `exclusions`: each excluded window's records summed from the store and
    /// subtracted, then the excluded tickets.
    func adjusted(
        _ totals: AggregateTotals, provider: String, target: AggregateTarget, period: ContractPeriod, exclusions: DisputeExclusions
    ) async throws -> AggregateTotals {
        guard !exclusions.isEmpty else { return totals }
        var windowTotals: [AggregateTotals] = []
        for window in exclusions.windows(of: target, in: period) {
            windowTotals.append(try await self.totals(provider: provider, match: target.match, from: window.from, to: window.to))
        }
        return exclusions.apply(to: totals, target: target, period: period, windowTotals: windowTotals)
    }

    /// The credit statement of `provider` for `month`, measured and after the accepted disputes of breaches in the month
    /// (by head office, or by the contract default once the decision time passed), at `now`.
    package func disputedCreditStatement(
        provider: String, month: String, disputes: any BreachDisputeStore & SLAStore, now: Date = Date()
    ) async throws -> DisputedCreditStatement {
        let measured = try await self.creditStatement(provider: provider, month: month, now: now)
        // A week belongs to the month of its Sunday, so its disputes may start in the month before.
        let earliest = measured.lines.map(\.period.start).min().map { min($0, measured.month.start) } ?? measured.month.start
        let outcomes = try await disputes.breachDisputes(
            provider: provider, ticketId: nil, breachFrom: earliest, breachTo: measured.month.end
        ).map { BreachDisputeOutcome(dispute: $0, contract: self.contracts[provider], now: now) }
        let accepted = outcomes.filter { $0.state == .accepted }.sorted {
            ($0.effectiveAt ?? .distantPast, $0.dispute.id) < ($1.effectiveAt ?? .distantPast, $1.dispute.id)
        }
        var exclusions = DisputeExclusions()
        var steps: [DisputedCreditStatement.Step] = []
        var current = measured
        for outcome in accepted {
            let before = exclusions
            try await Self.add(outcome.dispute, provider: provider, to: &exclusions, store: disputes)
            guard exclusions != before else { continue }
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
                targetID: old.targetID, period: old.period, unit: old.figure.unit, actualBefore: old.actual, actualAfter: new.actual, stateBefore: old.state,
                stateAfter: new.state, amountBefore: old.amount, amountAfter: new.amount, shareBefore: old.share, shareAfter: new.share
            )
        }
    }
}
