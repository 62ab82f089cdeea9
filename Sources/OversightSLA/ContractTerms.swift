//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The terms one ticket is measured by.
//
//===----------------------------------------------------------------------===//

import OversightModel

/// Everything needed to run one ticket's clocks: the contract version in force at its creation,
/// with its scope's overrides applied.
package struct ContractTerms: Sendable {
    /// The version's `effective_from`.
    package var effectiveFrom: CivilDate
    /// The scope that matched, or `nil` for the version's defaults.
    package var scopeName: String?
    /// The calendar business time is counted in.
    package var calendar: BusinessCalendar
    /// The calendar's name when it is a named one.
    package var calendarName: String?
    /// Share of a target after which the ticket is at risk.
    package var atRiskShare: Double
    /// Statuses that pause the resolution clock.
    package var pauseStatuses: Set<TicketStatus>
    /// Who holds the clock.
    package var clockHolders: ClockHolderRules
    /// The targets.
    package var targets: TicketTargets

    /// Creates terms.
    package init(
        effectiveFrom: CivilDate, scopeName: String? = nil, calendar: BusinessCalendar, calendarName: String? = nil, atRiskShare: Double = 0.8,
        pauseStatuses: Set<TicketStatus> = [.pending, .onHold], clockHolders: ClockHolderRules = ClockHolderRules(), targets: TicketTargets
    ) {
        self.effectiveFrom = effectiveFrom
        self.scopeName = scopeName
        self.calendar = calendar
        self.calendarName = calendarName
        self.atRiskShare = atRiskShare
        self.pauseStatuses = pauseStatuses
        self.clockHolders = clockHolders
        self.targets = targets
    }
}
