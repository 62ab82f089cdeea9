//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// A ticket's open business time split by who held the clock.
//
//===----------------------------------------------------------------------===//

/// A ticket's open business time (from creation, excluding solved and closed spans) split by who
/// held the clock. Only ``provider`` counts towards the resolution target.
package struct HolderSplit: Hashable, Sendable {
    /// Provider-held, unpaused: counts.
    package var provider: Duration = .zero
    /// Held by head office (the client).
    package var client: Duration = .zero
    /// Held by the customer.
    package var customer: Duration = .zero
    /// Provider-held but in a pause status (only when a contract maps a pause status to the provider).
    package var pausedProvider: Duration = .zero

    /// An empty split.
    package init() {}
}
