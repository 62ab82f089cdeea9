//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The leader lease: one coordinator of those sharing a store runs the deadline scheduler and delivers the alerts that
// must leave once; a fencing epoch, raised by every takeover, refuses the writes of a deposed holder.
//
//===----------------------------------------------------------------------===//

import Foundation

/// A lease as stored: who holds it, under which epoch, until when.
package struct LeaseRow: Sendable, Hashable {
    /// The lease's name (`alerts`).
    package var name: String
    /// The holder's id (a coordinator's instance id).
    package var holder: String
    /// The fencing token: raised by one each time the lease changes hands (or is taken again after it expired).
    package var epoch: Int64
    /// The lease is the holder's until this instant unless renewed.
    package var expiresAt: Date

    /// Creates a row.
    package init(name: String, holder: String, epoch: Int64, expiresAt: Date) {
        self.name = name
        self.holder = holder
        self.epoch = epoch
        self.expiresAt = expiresAt
    }
}

/// What a leader presents with every leader-only write: the store refuses it unless `holder` still holds `name` under
/// `epoch` and the lease has not expired.
package struct LeaseFence: Sendable, Hashable {
    package var name: String
    package var holder: String
    package var epoch: Int64

    /// Creates a fence.
    package init(name: String, holder: String, epoch: Int64) {
        self.name = name
        self.holder = holder
        self.epoch = epoch
    }
}

/// What ``LeaseStore/claimDelivery(receiver:key:fence:now:)`` found.
package enum DeliveryClaim: Sendable, Hashable {
    /// The delivery is this holder's to send (no one claimed it, or an earlier epoch claimed it and never confirmed).
    case claimed
    /// Somebody confirmed it delivered already: do not send.
    case alreadyDelivered
    /// The fence was refused: the caller no longer holds the lease.
    case fenced
}

/// The leader lease and the shared, fenced delivery journal.
///
/// Times are explicit, like every other store call; coordinators pass their wall clock, so coordinators sharing a
/// store must keep their clocks within a small part of the lease's time to live (NTP). The fencing check does not
/// depend on clocks agreeing: it compares the epoch in the same transaction as the write.
package protocol LeaseStore: Sendable {
    /// Takes or renews the lease `name` for `holder` until `now + ttl`. A holder renewing an unexpired lease keeps its
    /// epoch; anyone taking a lease that is free or expired (the previous holder too) gets the epoch plus one.
    /// - Returns: the lease now held, or `nil` when another holder's lease has not expired at `now`.
    func acquireLease(name: String, holder: String, ttl: Duration, now: Date) async throws -> LeaseRow?
    /// Gives the lease up at `now` (on a graceful stop) if `holder` holds it, so another takes it at its next try.
    func releaseLease(name: String, holder: String, now: Date) async throws
    /// The lease as stored, if anyone ever took it.
    func lease(name: String) async throws -> LeaseRow?
    /// Claims the delivery `key` to `receiver` under `fence` before it is sent, in one transaction with the fence
    /// check. A claim left unconfirmed by an earlier epoch (its holder died between claiming and confirming) is taken
    /// over: it may or may not have reached the receiver, so it is sent again with the same key.
    func claimDelivery(receiver: String, key: String, fence: LeaseFence, now: Date) async throws -> DeliveryClaim
    /// Confirms the delivery `key` to `receiver` after the receiver accepted it; `false` when the fence is refused.
    func confirmDelivery(receiver: String, key: String, fence: LeaseFence, now: Date) async throws -> Bool
    /// Whether the delivery `key` to `receiver` was confirmed.
    func deliveryConfirmed(receiver: String, key: String) async throws -> Bool
}

extension LeaseFence {
    /// Whether `row`, read at `now`, still lets this fence write.
    package func admits(_ row: LeaseRow?, now: Date) -> Bool {
        guard let row else { return false }
        return row.name == self.name && row.holder == self.holder && row.epoch == self.epoch && row.expiresAt > now
    }
}

extension LeaseRow {
    /// The lease after `holder` asks for it at `now`: renewed with the same epoch when `holder` holds it unexpired,
    /// taken with the next epoch when it has expired (or was never held), `nil` while another holder's is unexpired.
    package func next(holder: String, ttl: Duration, now: Date) -> LeaseRow? {
        let until = now.addingTimeInterval(Double(ttl.components.seconds) + Double(ttl.components.attoseconds) / 1e18)
        if self.holder == holder && self.expiresAt > now {
            return LeaseRow(name: self.name, holder: holder, epoch: self.epoch, expiresAt: until)
        }
        if self.expiresAt <= now {
            return LeaseRow(name: self.name, holder: holder, epoch: self.epoch + 1, expiresAt: until)
        }
        return nil
    }
}

/// The state of a row of the delivery journal.
package enum DeliveryJournalState: String, Sendable {
    /// Claimed by a holder before sending; not confirmed (yet).
    case claimed
    /// The receiver accepted it.
    case delivered
}

extension DeliveryJournalState {
    /// What a fenced claim finds in a journal row of `state` claimed under `epoch`, for a claimant of `fence`.
    package static func claimOutcome(state: DeliveryJournalState?, epoch: Int64?, fence: LeaseFence) -> DeliveryClaim {
        switch state {
        case .delivered: .alreadyDelivered
        case .claimed where (epoch ?? 0) > fence.epoch: .fenced
        case .claimed, nil: .claimed
        }
    }
}

/// A lease call with bad arguments (an empty name or holder, a time to live that is not positive).
package struct LeaseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong.
    package var message: String
    /// Creates an error.
    package init(_ message: String) { self.message = message }
    package var description: String { self.message }

    /// Checks the arguments of ``LeaseStore/acquireLease(name:holder:ttl:now:)``.
    package static func check(name: String, holder: String, ttl: Duration) throws(LeaseError) {
        guard !name.isEmpty else { throw LeaseError("a lease needs a name") }
        guard !holder.isEmpty else { throw LeaseError("a lease needs a holder id") }
        guard ttl > .zero else { throw LeaseError("a lease's time to live must be positive (got \(ttl))") }
    }
}
