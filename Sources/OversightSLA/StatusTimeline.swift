//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// A ticket's status history as contiguous segments with their clock holders.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightModel

/// A ticket's history as contiguous segments `[start, end)`, each with a status and who held the
/// clock, from creation on; the last segment is open-ended.
///
/// How it is built from a `TicketRecord`:
/// - Status changes are taken in time order; one before creation counts from creation.
/// - Before the first change, the ticket is `new`. With no changes at all, the ticket is `new`
///   from creation until its last update (or `solvedAt`), then in its current status.
/// - A `solvedAt` without any solved or closed change in the history adds a change to solved then;
///   a current status that differs from the history's last adds a change at `updatedAt`.
/// - The holder of a segment comes from its status (``ClockHolderRules/statuses``); the source's
///   `held_by`, which says who holds the ticket now, applies to the last segment only.
package struct StatusTimeline: Hashable, Sendable {
    /// A span of time in one status with one holder.
    package struct Segment: Hashable, Sendable {
        /// The ticket's status.
        package var status: TicketStatus
        /// Who held the clock.
        package var holder: ClockHolder
        /// When it began.
        package var start: Date
        /// When it ended; `nil` for the current, open-ended segment.
        package var end: Date?
    }

    /// Segments in time order, contiguous, the last one open-ended.
    package private(set) var segments: [Segment]

    /// Builds the timeline of a ticket.
    /// - Parameters:
    ///   - ticket: The record.
    ///   - rules: The contract's clock-holder rules.
    package init(ticket: TicketRecord, rules: ClockHolderRules) {
        let created = ticket.createdAt
        var changes = ticket.statusChanges.enumerated()
            .sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }
            .map { (status: $0.element.status, at: max($0.element.at, created)) }
        if changes.isEmpty {
            changes = [(.new, created)]
            let stoppedAt = ticket.status.isOpen ? ticket.updatedAt : (ticket.solvedAt ?? ticket.closedAt ?? ticket.updatedAt)
            if ticket.status != .new { changes.append((ticket.status, max(stoppedAt, created))) }
        } else {
            if let first = changes.first, first.at > created { changes.insert((.new, created), at: 0) }
            if let solvedAt = ticket.solvedAt, !changes.contains(where: { !$0.status.isOpen }) {
                let index = changes.firstIndex { $0.at > solvedAt } ?? changes.count
                changes.insert((.solved, max(solvedAt, created)), at: index)
            }
            if let last = changes.last, last.status != ticket.status, ticket.updatedAt >= last.at {
                changes.append((ticket.status, ticket.updatedAt))
            }
        }
        // Several changes at one instant: the last one wins. Repeated statuses merge.
        var collapsed: [(status: TicketStatus, at: Date)] = []
        for change in changes {
            if let last = collapsed.last, last.at == change.at {
                collapsed[collapsed.count - 1] = change
            } else {
                collapsed.append(change)
            }
        }
        var segments: [Segment] = []
        for (index, change) in collapsed.enumerated() {
            if let last = segments.last, last.status == change.status { continue }
            let isLast = index == collapsed.count - 1
            let holder = rules.holder(status: change.status, heldBy: isLast ? ticket.heldBy : nil)
            if !segments.isEmpty { segments[segments.count - 1].end = change.at }
            segments.append(Segment(status: change.status, holder: holder, start: change.at, end: nil))
        }
        // A status merged into the previous segment above may still differ in holder on the last one.
        if let heldBy = ticket.heldBy, let index = segments.indices.last {
            segments[index].holder = rules.holder(status: segments[index].status, heldBy: heldBy)
        }
        self.segments = segments
    }

    /// The timeline as it was known at `now`: segments that start after `now` are dropped and the
    /// segment in progress at `now` becomes open-ended.
    package func asOf(_ now: Date) -> StatusTimeline {
        var copy = self
        copy.segments = self.segments.filter { $0.start <= now }
        if copy.segments.isEmpty, let first = self.segments.first { copy.segments = [first] }
        if let index = copy.segments.indices.last { copy.segments[index].end = nil }
        return copy
    }

    /// The first instant the ticket entered solved or closed, if it did.
    package var firstStop: Date? {
        self.segments.first { !$0.status.isOpen }?.start
    }
}
