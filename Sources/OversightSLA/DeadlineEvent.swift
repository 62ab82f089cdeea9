//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// A ticket's next at-risk or breach moment.
//
//===----------------------------------------------------------------------===//

import Foundation

/// The next moment something happens to an open ticket's clock: it becomes at risk or breaches.
package struct DeadlineEvent: Hashable, Sendable {
    /// What happens at the moment.
    package enum Kind: String, Hashable, Sendable, Codable {
        /// The at-risk share of the target has elapsed.
        case atRisk = "at-risk"
        /// The target has been exceeded.
        case breach
    }

    /// The ticket.
    package var key: TicketKey
    /// The moment.
    package var at: Date
    /// At risk or breach.
    package var kind: Kind
    /// Which clock.
    package var clock: TicketClockKind

    /// Creates an event.
    package init(key: TicketKey, at: Date, kind: Kind, clock: TicketClockKind) {
        self.key = key
        self.at = at
        self.kind = kind
        self.clock = clock
    }
}
