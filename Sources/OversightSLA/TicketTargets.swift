//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Per-ticket targets, in business time.
//
//===----------------------------------------------------------------------===//

/// A contract's per-ticket targets, each a duration of business time by the contract's calendar.
/// A missing target is not measured.
package struct TicketTargets: Hashable, Sendable {
    /// Created → first public agent reply. Measured.
    package var firstReply: Duration?
    /// Customer message → next agent reply; measured when the ticket record carries its message history.
    package var nextReply: Duration?
    /// Longest stretch of counted time between updates to the customer; measured when the record carries agent replies.
    package var periodicUpdate: Duration?
    /// Created → solved, provider-held and unpaused business time only. Measured.
    package var resolution: Duration?

    /// Creates targets; all absent by default.
    package init(firstReply: Duration? = nil, nextReply: Duration? = nil, periodicUpdate: Duration? = nil, resolution: Duration? = nil) {
        self.firstReply = firstReply
        self.nextReply = nextReply
        self.periodicUpdate = periodicUpdate
        self.resolution = resolution
    }

    /// These targets, with any target that `override` sets replaced by its value.
    package func overridden(by override: TicketTargets) -> TicketTargets {
        TicketTargets(
            firstReply: override.firstReply ?? self.firstReply,
            nextReply: override.nextReply ?? self.nextReply,
            periodicUpdate: override.periodicUpdate ?? self.periodicUpdate,
            resolution: override.resolution ?? self.resolution
        )
    }

    /// The names contract files use, in order.
    package static let keys = ["first_reply", "next_reply", "periodic_update", "resolution"]
}
