//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// A ticket's identity across providers.
//
//===----------------------------------------------------------------------===//

/// A ticket's identity at the coordinator: provider and the provider-scoped ticket id.
package struct TicketKey: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The provider.
    package var provider: String
    /// The provider-scoped ticket id.
    package var ticket: String

    /// Creates a key.
    package init(provider: String, ticket: String) {
        self.provider = provider
        self.ticket = ticket
    }

    /// Orders by provider, then ticket id.
    package static func < (lhs: TicketKey, rhs: TicketKey) -> Bool {
        (lhs.provider, lhs.ticket) < (rhs.provider, rhs.ticket)
    }

    /// `provider/ticket`.
    package var description: String { "\(self.provider)/\(self.ticket)" }
}
