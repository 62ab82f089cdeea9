//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// What accepted disputes take out of the figures: a disputed ticket leaves its clock's attainment in the period of its
// breach, and a disputed period of one target is recomputed without an excluded window of time (its interval reports,
// ticket events and evaluations). The coordinator and the offline verifier apply the same rules.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightModel

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

/// A window of one target's period taken out of its figure (an accepted dispute of an aggregate miss): the period is
/// recomputed from the records outside `[from, to)`. A window covering the whole period leaves it without data, so it
/// owes no credit.
package struct PeriodExclusion: Sendable, Hashable {
    /// The contract target whose figure the dispute is about.
    package var targetID: String
    /// The disputed period's first instant (with ``targetID``, which period it is).
    package var periodStart: Date
    /// The excluded time; clipped to the period.
    package var from: Date
    package var to: Date

    /// Creates an exclusion.
    package init(targetID: String, periodStart: Date, from: Date, to: Date) {
        self.targetID = targetID
        self.periodStart = periodStart
        self.from = from
        self.to = to
    }
}

/// Everything accepted disputes take out of a provider's figures.
package struct DisputeExclusions: Sendable, Hashable {
    package var tickets: [TicketExclusion]
    package var windows: [PeriodExclusion]

    /// Creates the exclusions.
    package init(tickets: [TicketExclusion] = [], windows: [PeriodExclusion] = []) {
        self.tickets = tickets
        self.windows = windows
    }

    /// Nothing excluded: the measured figures.
    package static let none = DisputeExclusions()

    /// Whether nothing is excluded.
    package var isEmpty: Bool { self.tickets.isEmpty && self.windows.isEmpty }

    /// The excluded windows of `target` in `period`, clipped to it, sorted and merged (never overlapping), so that
    /// subtracting each window's totals from the period's counts every record once.
    package func windows(of target: AggregateTarget, in period: ContractPeriod) -> [(from: Date, to: Date)] {
        let clipped = self.windows.filter { $0.targetID == target.id && $0.periodStart == period.start }
            .map { (from: max($0.from, period.start), to: min($0.to, period.end)) }
            .filter { $0.from < $0.to }
            .sorted { $0.from < $1.from }
        var merged: [(from: Date, to: Date)] = []
        for window in clipped {
            if let last = merged.last, window.from <= last.to {
                merged[merged.count - 1].to = max(last.to, window.to)
            } else {
                merged.append(window)
            }
        }
        return merged
    }

    /// `totals` of `target` in `period` after the exclusions: the totals of each excluded window (in the order
    /// ``windows(of:in:)`` gives them) subtracted, then the excluded tickets whose breach lies outside those windows
    /// (inside one, the window already took them out).
    package func apply(to totals: AggregateTotals, target: AggregateTarget, period: ContractPeriod, windowTotals: [AggregateTotals]) -> AggregateTotals {
        var result = totals
        for window in windowTotals { result = result - window }
        let windows = self.windows(of: target, in: period)
        let tickets = self.tickets.filter { exclusion in !windows.contains { exclusion.breachAt >= $0.from && exclusion.breachAt < $0.to } }
        result.tickets = TicketExclusion.apply(tickets, to: result.tickets, target: target, period: period)
        return result
    }
}
