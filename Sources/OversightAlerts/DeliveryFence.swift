//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Where several coordinators share a store, the delivery loops ask a fence before each send: only the holder of
// the leader lease sends the alerts every coordinator could raise (SLA, silence, aggregates), each at most once per
// idempotency key unless the sender died between sending and confirming.
//
//===----------------------------------------------------------------------===//

import Crypto
import Foundation

/// What a ``DeliveryFence`` says about one queued delivery.
package enum DeliveryAdmission: Sendable, Hashable {
    /// Send it now; confirm with ``DeliveryFence/delivered(_:idempotencyKey:)`` after a 2xx.
    case send
    /// Leave it queued: this coordinator may not send it now (it does not hold the lease).
    case hold
    /// Another coordinator delivered it: remove it from this queue without sending.
    case skip
}

/// Decides, per delivery, whether this coordinator sends it (the leader lease and its fenced journal).
package protocol DeliveryFence: Sendable {
    /// Whether `delivery` may be sent now; a `.send` answer has claimed it under the current lease epoch.
    func admit(_ delivery: PendingDelivery, idempotencyKey: String) async throws -> DeliveryAdmission
    /// Records that the receiver accepted `delivery` (refused, and logged, when the lease was lost meanwhile).
    func delivered(_ delivery: PendingDelivery, idempotencyKey: String) async throws
    /// Whether an open alert may be re-sent to Alertmanager from here.
    func mayResend(_ alert: Alert) -> Bool
}

extension PendingDelivery {
    /// The key that names this delivery the same on every coordinator and every retry: SHA-256 (hex) of the alert's
    /// dedupe key, the instant its occurrence started (milliseconds) and the event. Receivers drop duplicates by it
    /// (`idempotencyKey` in the webhook body, `X-Oversight-Idempotency-Key`). A `repeat` is a new reminder each time,
    /// so its key also holds the outbox id and the time it was queued.
    package var idempotencyKey: String {
        var text = "\(self.alert.key)\n\(Int64((self.alert.startsAt.timeIntervalSince1970 * 1000).rounded()))\n\(self.event.rawValue)"
        if self.event == .repeat { text += "\n\(self.id)\n\(Int64((self.createdAt.timeIntervalSince1970 * 1000).rounded()))" }
        return SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
