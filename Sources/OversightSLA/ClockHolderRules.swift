//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// How a contract maps statuses and the source's held_by field to clock holders.
//
//===----------------------------------------------------------------------===//

import OversightModel

/// How a contract decides who holds a ticket's clock.
///
/// A ticket's status gives the holder (``statuses``). When the source reports who holds it now
/// (`TicketRecord.heldBy`), ``heldBy`` maps that value to a holder, which then applies from the
/// ticket's last status change on (the record carries only the current value, not its history).
package struct ClockHolderRules: Hashable, Sendable {
    /// Holder per open status. Defaults: new, open → provider; pending → customer; on-hold → client.
    package var statuses: [TicketStatus: ClockHolder] = [.new: .provider, .open: .provider, .pending: .customer, .onHold: .client]
    /// Holder per value of the source's `held_by` field. Defaults: `provider`, `client`, `customer` to themselves.
    package var heldBy: [String: ClockHolder] = ["provider": .provider, "client": .client, "customer": .customer]

    /// The default rules.
    package init() {}

    /// The holder while a ticket is in `status`, given the source's `held_by` value when it applies.
    package func holder(status: TicketStatus, heldBy: String?) -> ClockHolder {
        if let heldBy, let holder = self.heldBy[heldBy] { return holder }
        return self.statuses[status] ?? .provider
    }
}
