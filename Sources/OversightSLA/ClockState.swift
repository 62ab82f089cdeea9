//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Where a ticket clock stands at an instant.
//
//===----------------------------------------------------------------------===//

import Foundation

/// Where a ticket clock stands at the instant it was evaluated.
package enum ClockState: Hashable, Sendable {
    /// Counting; `atRisk` once the contract's share of the target has elapsed.
    case running(atRisk: Bool)
    /// Not counting: a pause status, or the clock is held by the client or the customer.
    case paused
    /// Stopped in time (replied, or solved), at this instant. A reopen can start the resolution clock again.
    case met(at: Date)
    /// The deadline passed unmet; `at` is the true breach instant from the timeline, even when the
    /// data arrived later (late data).
    case breached(at: Date)
}
