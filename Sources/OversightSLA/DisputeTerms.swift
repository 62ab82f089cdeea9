//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// A contract's rules for SLA breach disputes: the reasons a provider may give, how many business days head office has
// to decide, and what an undecided dispute becomes after that.
//
//===----------------------------------------------------------------------===//

import Foundation

/// How breach disputes work under a contract version (`disputes:` in the contract file; docs/sla.md, "Breach disputes").
package struct DisputeTerms: Hashable, Sendable {
    /// The decision on a breach dispute, by head office or by the contract's default.
    package enum Decision: String, Hashable, Sendable, CaseIterable, Codable {
        /// The breach is excused: the ticket leaves that clock's attainment.
        case accepted
        /// The breach stands.
        case rejected
    }

    /// The reasons a provider may give, as contract files name them (`client_caused_delay`, `force_majeure`, …).
    package var reasons: [String]
    /// Head office decides within this many business days of the contract's calendar after the day a dispute is opened.
    package var decideWithinBusinessDays: Int
    /// What an undecided dispute becomes once that time has passed.
    package var defaultDecision: Decision

    /// Creates dispute terms.
    package init(reasons: [String], decideWithinBusinessDays: Int, defaultDecision: Decision) {
        self.reasons = reasons
        self.decideWithinBusinessDays = decideWithinBusinessDays
        self.defaultDecision = defaultDecision
    }

    /// The instant by which a dispute opened at `openedAt` must be decided: the end (local midnight) of the
    /// ``decideWithinBusinessDays``-th business day after the local day it was opened. A business day is a local day with
    /// any business hours in `calendar` (weekends and holidays are skipped).
    package func decisionDeadline(openedAt: Date, calendar: BusinessCalendar) -> Date {
        var day = calendar.localDate(of: openedAt)
        var counted = 0
        var guardDays = 0
        while counted < self.decideWithinBusinessDays, guardDays < 3_660 {
            day = day.adding(days: 1)
            guardDays += 1
            let start = calendar.startOfDay(day)
            let end = calendar.startOfDay(day.adding(days: 1))
            if !calendar.businessIntervals(from: start, to: end).isEmpty { counted += 1 }
        }
        return calendar.startOfDay(day.adding(days: 1))
    }
}
