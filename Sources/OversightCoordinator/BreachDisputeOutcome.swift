//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Where a breach dispute stands under its contract: open until head office decides or the decision time passes, then
// accepted or rejected, by head office or by the contract's default.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightSLA
import OversightStore

/// A breach dispute with its effective state at an instant.
package struct BreachDisputeOutcome: Sendable, Hashable {
    /// The effective state.
    package enum State: String, Sendable, Hashable, Codable {
        /// Undecided and still within the decision time.
        case open
        /// Accepted (by head office, or by a default of `accepted`): the ticket leaves that clock's attainment.
        case accepted
        /// Rejected (by head office, or by a default of `rejected`): nothing changes.
        case rejected
    }

    /// The stored dispute.
    package var dispute: StoredBreachDispute
    /// The effective state.
    package var state: State
    /// Whether the state is the contract's default (nobody decided in time).
    package var byDefault: Bool
    /// When head office had to decide by, if the contract has dispute terms.
    package var deadline: Date?
    /// When the decision took effect: head office's decision, or the deadline for a default.
    package var effectiveAt: Date?

    /// The outcome of `dispute` at `now` under `terms` (the `disputes:` of the contract version in force at the breach)
    /// and `calendar` (that version's calendar). Without terms an undecided dispute stays open.
    package init(dispute: StoredBreachDispute, terms: DisputeTerms?, calendar: BusinessCalendar?, now: Date) {
        self.dispute = dispute
        self.byDefault = false
        self.deadline = nil
        self.effectiveAt = dispute.decidedAt
        if let terms, let calendar { self.deadline = terms.decisionDeadline(openedAt: dispute.openedAt, calendar: calendar) }
        switch dispute.state {
        case .accepted: self.state = .accepted
        case .rejected: self.state = .rejected
        case .open:
            self.state = .open
            if let terms, let deadline = self.deadline, now >= deadline {
                self.state = terms.defaultDecision == .accepted ? .accepted : .rejected
                self.byDefault = true
                self.effectiveAt = deadline
            }
        }
    }

    /// The outcome of `dispute` at `now` under `contract` (the version in force at the breach).
    package init(dispute: StoredBreachDispute, contract: Contract?, now: Date) {
        let version = contract?.version(at: dispute.breachAt)
        self.init(dispute: dispute, terms: version?.disputes, calendar: version?.calendar, now: now)
    }

    /// How the decision reads: `open (decide by …)`, `accepted`, `rejected by default`, ….
    package var summary: String {
        switch self.state {
        case .open: "open" + (self.deadline.map { " (decide by \(ISO8601DateFormatter().string(from: $0)))" } ?? "")
        case .accepted, .rejected: self.state.rawValue + (self.byDefault ? " by the contract default" : "")
        }
    }
}
