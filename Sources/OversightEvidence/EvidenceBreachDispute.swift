//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// One breach dispute in `breach-disputes.json`: the provider's dispute of a ticket's SLA breach, with head office's
// decision or the contract default.
//
//===----------------------------------------------------------------------===//

import Foundation

/// A breach dispute of a breach in the bundle's month (or of an aggregate miss of one of its periods), as the
/// coordinator stores it plus its effective state at export.
package struct EvidenceBreachDispute: Codable, Sendable, Hashable {
    /// The disputed target and period of a dispute of an aggregate miss (absent for a ticket's breach, and in older bundles).
    package struct Period: Codable, Sendable, Hashable {
        package var target: String
        /// `2026-11-03`, `2026-W45`, `2026-11`.
        package var label: String
        package var start: Date
        package var end: Date
        /// The time taken out of the figure when accepted.
        package var excludedFrom: Date
        package var excludedTo: Date

        package init(target: String, label: String, start: Date, end: Date, excludedFrom: Date, excludedTo: Date) {
            self.target = target
            self.label = label
            self.start = start
            self.end = end
            self.excludedFrom = excludedFrom
            self.excludedTo = excludedTo
        }
    }

    package var id: Int64
    package var ticketId: String
    /// `first_reply`, `resolution`, ….
    package var clock: String
    package var breachAt: Date
    package var openedBy: String
    package var openedAt: Date
    package var reason: String
    package var note: String
    /// As stored: `open`, `accepted` or `rejected`.
    package var state: String
    package var decidedBy: String?
    package var decidedAt: Date?
    package var decisionNote: String?
    /// At export: `open`, `accepted` or `rejected`, the contract default applied to an overdue open dispute.
    package var effectiveState: String
    /// Whether ``effectiveState`` is the contract's default.
    package var byDefault: Bool
    /// When head office had to decide by, if the contract has a `disputes:` section.
    package var decideBy: Date?
    /// For a dispute of an aggregate miss: the target, period and excluded time (`ticketId` and `clock` are empty).
    package var period: Period?

    /// Creates an entry.
    package init(
        id: Int64, ticketId: String, clock: String, breachAt: Date, openedBy: String, openedAt: Date, reason: String, note: String,
        state: String, decidedBy: String?, decidedAt: Date?, decisionNote: String?, effectiveState: String, byDefault: Bool, decideBy: Date?,
        period: Period? = nil
    ) {
        self.period = period
        self.id = id
        self.ticketId = ticketId
        self.clock = clock
        self.breachAt = breachAt
        self.openedBy = openedBy
        self.openedAt = openedAt
        self.reason = reason
        self.note = note
        self.state = state
        self.decidedBy = decidedBy
        self.decidedAt = decidedAt
        self.decisionNote = decisionNote
        self.effectiveState = effectiveState
        self.byDefault = byDefault
        self.decideBy = decideBy
    }
}
