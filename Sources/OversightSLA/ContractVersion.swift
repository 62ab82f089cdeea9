//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// One version of a provider's contract, in force from a date.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightModel

/// The terms of a contract from ``effectiveFrom`` until the next version. A ticket is measured by
/// the version in force when it was created.
package struct ContractVersion: Sendable {
    /// The local date (in the version's calendar zone) from whose midnight the version applies.
    package var effectiveFrom: CivilDate
    /// The instant the version starts: midnight of ``effectiveFrom`` in the calendar's zone.
    package var effectiveInstant: Date
    /// The default calendar.
    package var calendar: BusinessCalendar
    /// Name of the default calendar when it is a named one (`calendar: lisbon-office`).
    package var calendarName: String?
    /// Share of a target after which a ticket is at risk (default 0.8).
    package var atRiskShare: Double
    /// Statuses in which the resolution clock is paused (default pending, on-hold).
    package var pauseStatuses: Set<TicketStatus>
    /// Who holds the clock.
    package var clockHolders: ClockHolderRules
    /// Default ticket targets.
    package var targets: TicketTargets
    /// Scopes, in file order; the first that matches a ticket applies.
    package var scopes: [ContractScope]
    /// Aggregate targets: evaluated per period by the coordinator (`AggregateTarget.assess`).
    package var aggregates: [AggregateTarget]
    /// Service credits: the month statement (`ServiceCredits.statement`).
    package var credits: ServiceCredits?
    /// Breach disputes: reasons, decision time and default (`disputes:`); `nil` when the version does not allow them.
    package var disputes: DisputeTerms?
    /// Invoice reconciliation: the tolerance per billed line kind (`invoicing:`); `nil` when the version has no such
    /// section (every line must then match exactly).
    package var invoicing: InvoiceTerms?

    /// Creates a version.
    package init(
        effectiveFrom: CivilDate, calendar: BusinessCalendar, calendarName: String? = nil, atRiskShare: Double = 0.8,
        pauseStatuses: Set<TicketStatus> = [.pending, .onHold], clockHolders: ClockHolderRules = ClockHolderRules(),
        targets: TicketTargets, scopes: [ContractScope] = [], aggregates: [AggregateTarget] = [], credits: ServiceCredits? = nil,
        disputes: DisputeTerms? = nil
    ) {
        self.effectiveFrom = effectiveFrom
        self.effectiveInstant = calendar.startOfDay(effectiveFrom)
        self.calendar = calendar
        self.calendarName = calendarName
        self.atRiskShare = atRiskShare
        self.pauseStatuses = pauseStatuses
        self.clockHolders = clockHolders
        self.targets = targets
        self.scopes = scopes
        self.aggregates = aggregates
        self.credits = credits
        self.disputes = disputes
    }

    /// The terms for a ticket: the first matching scope's overrides over this version's defaults.
    package func terms(for ticket: TicketRecord) -> ContractTerms {
        self.terms(scope: self.scopes.first { $0.match.matches(ticket) })
    }

    /// The terms of a scope of this version, or the version's defaults for `nil`.
    package func terms(scope: ContractScope?) -> ContractTerms {
        ContractTerms(
            effectiveFrom: self.effectiveFrom,
            scopeName: scope?.name,
            calendar: scope?.calendar ?? self.calendar,
            calendarName: scope?.calendar != nil ? scope?.calendarName : self.calendarName,
            atRiskShare: scope?.atRiskShare ?? self.atRiskShare,
            pauseStatuses: self.pauseStatuses,
            clockHolders: self.clockHolders,
            targets: scope.map { self.targets.overridden(by: $0.targets) } ?? self.targets
        )
    }
}
