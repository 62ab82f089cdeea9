//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Who holds a ticket's clock: the provider, the client (head office) or the customer.
//
//===----------------------------------------------------------------------===//

/// Who a ticket is waiting on. Only provider-held business time counts against the provider.
package enum ClockHolder: String, Sendable, Hashable, CaseIterable, Codable {
    /// The outsourced provider: the ticket is theirs to move.
    case provider
    /// Head office itself: an escalation to the client's second level, a missing approval.
    case client
    /// The end customer: waiting for their answer.
    case customer
}
