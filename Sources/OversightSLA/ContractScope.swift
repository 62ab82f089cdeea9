//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// A part of a contract that applies to some tickets only.
//
//===----------------------------------------------------------------------===//

/// Terms for the tickets a ``ScopeMatch`` selects: targets that replace the version's defaults
/// one by one, and optionally another calendar or at-risk share. The first matching scope in file
/// order applies.
package struct ContractScope: Sendable {
    /// The scope's name, for messages and the console.
    package var name: String
    /// Which tickets it applies to.
    package var match: ScopeMatch
    /// Targets that replace the version's (unset ones keep the version's).
    package var targets: TicketTargets
    /// A calendar that replaces the version's, if any.
    package var calendar: BusinessCalendar?
    /// Name of that calendar when it is a named one.
    package var calendarName: String?
    /// An at-risk share that replaces the version's, if any.
    package var atRiskShare: Double?

    /// Creates a scope.
    package init(name: String, match: ScopeMatch, targets: TicketTargets = TicketTargets(), calendar: BusinessCalendar? = nil, calendarName: String? = nil, atRiskShare: Double? = nil) {
        self.name = name
        self.match = match
        self.targets = targets
        self.calendar = calendar
        self.calendarName = calendarName
        self.atRiskShare = atRiskShare
    }
}
