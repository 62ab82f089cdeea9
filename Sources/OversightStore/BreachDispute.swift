//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// A provider's dispute of one SLA breach of a ticket, and head office's decision: evidence kept append-only, like the
// QA disputes (a decided dispute never changes, none is deleted).
//
//===----------------------------------------------------------------------===//

import Foundation

/// The state of a breach dispute as stored: open, then accepted or rejected once by head office. An open dispute whose
/// decision time has passed takes the contract's default; that is computed where the contract is known (the coordinator),
/// not stored.
package enum BreachDisputeState: String, Sendable, Hashable, Codable, CaseIterable {
    /// Waiting for head office; at most one per ticket and clock.
    case open
    /// Head office excused the breach: the ticket leaves that clock's attainment.
    case accepted
    /// Head office kept the breach.
    case rejected
}

/// The subject of a dispute of an aggregate miss: one contract target's figure in one closed period, and the window of
/// time the provider asks to be taken out of it (the whole period when the figure should not count at all).
package struct DisputedPeriod: Sendable, Hashable, Codable {
    /// The contract target (`targets[].id`).
    package var targetId: String
    /// The period as the contract names it (`2026-11-03`, `2026-W45`, `2026-11`) and its bounds.
    package var label: String
    package var start: Date
    package var end: Date
    /// The excluded window, inside the period.
    package var excludedFrom: Date
    package var excludedTo: Date

    /// Creates a subject.
    package init(targetId: String, label: String, start: Date, end: Date, excludedFrom: Date, excludedTo: Date) {
        self.targetId = targetId
        self.label = label
        self.start = start
        self.end = end
        self.excludedFrom = excludedFrom
        self.excludedTo = excludedTo
    }
}

/// A provider's dispute of one breach (a ticket's clock) or of one aggregate miss (a target's closed period), with its
/// decision once made. Both kinds share the table, the rules and the decision flow.
package struct StoredBreachDispute: Sendable, Hashable, Codable {
    package var id: Int64
    package var provider: String
    /// The disputed ticket; empty for a dispute of an aggregate miss.
    package var ticketId: String
    /// The breached clock (`first_reply`, `resolution`, …); empty for a dispute of an aggregate miss.
    package var clock: String
    /// When the disputed breach happened (the first breach event of that clock): which period's figures it moves. For
    /// an aggregate miss, the period's start.
    package var breachAt: Date
    /// The disputed target and period when this is a dispute of an aggregate miss; `nil` for a ticket breach.
    package var period: DisputedPeriod?
    /// The console user (provider staff) who opened it, and when.
    package var openedBy: String
    package var openedAt: Date
    /// A reason from the contract's `disputes.reasons`.
    package var reason: String
    /// The provider's explanation.
    package var note: String
    package var state: BreachDisputeState
    /// The head-office user (supervisor or admin) who decided it, when, and why.
    package var decidedBy: String?
    package var decidedAt: Date?
    package var decisionNote: String?

    /// Creates a dispute (for other store backends).
    package init(
        id: Int64, provider: String, ticketId: String, clock: String, breachAt: Date, openedBy: String, openedAt: Date, reason: String,
        note: String, state: BreachDisputeState, decidedBy: String?, decidedAt: Date?, decisionNote: String?, period: DisputedPeriod? = nil
    ) {
        self.period = period
        self.id = id
        self.provider = provider
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
    }
}

/// What breach disputes need from a store. Both backends keep them append-only with triggers.
package protocol BreachDisputeStore: Sendable {
    /// `provider`'s breach disputes, oldest first: of one ticket when `ticketId` is given, and of breaches at
    /// `breachFrom ..< breachTo` when those are given.
    func breachDisputes(provider: String, ticketId: String?, breachFrom: Date?, breachTo: Date?) async throws -> [StoredBreachDispute]
    /// One breach dispute of `provider` by id, or `nil`.
    func breachDispute(provider: String, id: Int64) async throws -> StoredBreachDispute?
    /// Opens a dispute of the `clock` breach of `provider`'s ticket. The reason is checked against the contract by the
    /// caller; the store checks the ticket, the breach, and that the breach has no open or accepted dispute.
    /// - Throws: ``AnnotationError``: `notFound` (no such ticket), `conflict` (no such breach, one open or accepted
    ///   already), `invalid` (reason or note blank, too long or holding NUL).
    func openBreachDispute(
        provider: String, ticketId: String, clock: String, by user: String, reason: String, note: String, at: Date
    ) async throws -> StoredBreachDispute
    /// Opens a dispute of `provider`'s aggregate miss `period` (the caller checked the contract: the target, that the
    /// period closed and missed, the window and the reason); the store checks that the period has no open or accepted
    /// dispute of that target.
    /// - Throws: ``AnnotationError``: `conflict` (one open or accepted already), `invalid` (reason or note).
    func openPeriodDispute(
        provider: String, period: DisputedPeriod, by user: String, reason: String, note: String, at: Date
    ) async throws -> StoredBreachDispute
    /// Decides the open dispute `id` of `provider`: accepted or rejected, with a note.
    /// - Throws: ``AnnotationError``: `notFound` (no such dispute), `conflict` (already decided), `invalid` (note, decision).
    func decideBreachDispute(
        provider: String, id: Int64, decision: BreachDisputeState, by user: String, note: String, at: Date
    ) async throws -> StoredBreachDispute
}

extension BreachDisputeStore {
    /// `provider`'s breach disputes, oldest first, optionally of one ticket.
    package func breachDisputes(provider: String, ticketId: String? = nil) async throws -> [StoredBreachDispute] {
        try await self.breachDisputes(provider: provider, ticketId: ticketId, breachFrom: nil, breachTo: nil)
    }
}
