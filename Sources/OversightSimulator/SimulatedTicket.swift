//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// One simulated ticket: its whole life planned at creation, revealed as wall time passes.
//
//===----------------------------------------------------------------------===//

import Foundation
package import OversightModel

/// A ticket whose whole life — first reply, pending periods, solve, reopen, close, CSAT answer, QA evaluation — is
/// drawn when it is created. ``record(provider:site:at:)`` shows it as the provider's system would at a given instant,
/// so what an export contains depends only on the seed and the instants of the exports.
///
/// Every instant is a whole second and each event is at least a second after the one before, so an update always
/// carries a strictly later `updated` time (the coordinator ignores updates that are not newer).
package struct SimulatedTicket: Sendable, Hashable {
    /// Provider-scoped id.
    package var id: String
    /// Channel.
    package var channel: ContactChannel
    /// Priority.
    package var priority: Priority
    /// Queue (group).
    package var queue: String
    /// Tags.
    package var tags: [String]
    /// The agent who works it, visible from the first reply.
    package var assignee: String
    /// Creation.
    package var createdAt: Date
    /// First public reply.
    package var firstReplyAt: Date
    /// Every status change, oldest first, starting with `new` at creation.
    package var changes: [TicketRecord.StatusChange]
    /// The customer's CSAT answer and when it came, if the customer answered.
    package var csat: Answer?
    /// The QA evaluation of the ticket, if it was sampled.
    package var evaluation: QAEvaluation?

    /// The last instant at which anything about the ticket changes (after it, it never appears in an export again).
    package var finalAt: Date {
        max(self.changes.last?.at ?? self.createdAt, self.csat?.at ?? self.createdAt)
    }

    /// Whether anything about the ticket became visible in `(after, upTo]`.
    package func changed(after: Date, upTo: Date) -> Bool {
        if let csat = self.csat, csat.at > after, csat.at <= upTo { return true }
        return self.changes.contains { $0.at > after && $0.at <= upTo }
    }

    /// The ticket as the provider's system shows it at `instant`; `nil` before it was created.
    package func record(provider: String, site: String, at instant: Date) -> TicketRecord? {
        guard self.createdAt <= instant else { return nil }
        let visible = self.changes.filter { $0.at <= instant }
        let status = visible.last?.status ?? .new
        var reopens = 0
        var contacts = 1
        var solvedAt: Date?
        var closedAt: Date?
        for (index, change) in visible.enumerated() where index > 0 {
            let previous = visible[index - 1].status
            if change.status == .open && !previous.isOpen { reopens += 1 }
            if change.status == .open && (previous == .pending || !previous.isOpen) { contacts += 1 }
            if change.status == .solved { solvedAt = change.at }
            if change.status == .closed { closedAt = change.at }
        }
        var updated = visible.last?.at ?? self.createdAt
        var csat: Int?
        if let answer = self.csat, answer.at <= instant {
            csat = answer.score
            updated = max(updated, answer.at)
        }
        let replied = self.firstReplyAt <= instant
        return TicketRecord(
            provider: provider, site: site, id: self.id, channel: self.channel, priority: self.priority, status: status,
            createdAt: self.createdAt, updatedAt: updated, firstReplyAt: replied ? self.firstReplyAt : nil,
            solvedAt: status.isOpen ? nil : solvedAt, closedAt: status == .closed ? closedAt : nil, reopenCount: reopens,
            assignee: replied ? self.assignee : nil, queue: self.queue, tags: self.tags, csat: csat, contactCount: contacts,
            statusChanges: visible
        )
    }

    /// A CSAT answer.
    package struct Answer: Sendable, Hashable {
        /// The score, 1–5.
        package var score: Int
        /// When the customer answered.
        package var at: Date
    }
}
