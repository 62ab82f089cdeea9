//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// What this coordinator knows of the leader lease: whether it holds it, under which epoch, until when (by its own
// monotonic clock, counted from before the renewal that granted it, so it believes itself leader no longer than the
// store does).
//
//===----------------------------------------------------------------------===//

import Foundation
import Logging
import OversightAlerts
import OversightStore
import Synchronization

/// This coordinator's view of the leader lease, shared by the lease service, the delivery fence and ingest.
package final class Leadership: Sendable {
    private struct State {
        var fence: LeaseFence?
        var validUntil: ContinuousClock.Instant?
        var lastFence: LeaseFence?
    }

    /// The lease's name.
    package let lease: String
    /// This coordinator's holder id (unique per process).
    package let holder: String
    private let state = Mutex(State())

    /// Creates a view that holds nothing yet.
    /// - Parameters:
    ///   - lease: the lease's name.
    ///   - holder: this process's holder id.
    package init(lease: String, holder: String) {
        self.lease = lease
        self.holder = holder
    }

    /// A holder id for this process: host, process id and a random part (a restarted coordinator is a new holder).
    package static func makeHolderId() -> String {
        let host = ProcessInfo.processInfo.hostName.prefix(40)
        return "\(host)-\(ProcessInfo.processInfo.processIdentifier)-" + String(UInt32.random(in: .min ... .max), radix: 16)
    }

    /// The fence to write under, while the lease is believed held; `nil` otherwise.
    package var fence: LeaseFence? {
        self.state.withLock { state in
            guard let fence = state.fence, let until = state.validUntil, ContinuousClock.now < until else { return nil }
            return fence
        }
    }

    /// The fence last held (held or not now): a confirmation after the lease was lost presents it and is refused.
    package var lastFence: LeaseFence? { self.state.withLock { $0.lastFence } }

    /// Whether the lease is believed held now.
    package var isLeader: Bool { self.fence != nil }

    /// Records the lease granted by a call that started at `started`, valid for `ttl` from then.
    func held(_ row: LeaseRow, started: ContinuousClock.Instant, ttl: Duration) {
        let fence = LeaseFence(name: row.name, holder: row.holder, epoch: row.epoch)
        self.state.withLock { state in
            state.fence = fence
            state.lastFence = fence
            state.validUntil = started + ttl
        }
    }

    /// Records that the lease is not held (lost, refused, or the store said the fence no longer holds).
    func lost() {
        self.state.withLock { state in
            state.fence = nil
            state.validUntil = nil
        }
    }
}

extension AlertKind {
    /// Whether alerts of this kind come from what every coordinator sees in the shared store (SLA moments, silent
    /// agents, aggregate targets), so only the lease holder raises and sends them. Security events are about the
    /// coordinator's own connections: each coordinator sends its own.
    package var isLeaderOnly: Bool { self != .securityEvent }
}

/// The delivery fence of a coordinator sharing its store: leader-only alerts are sent by the lease holder only,
/// each claimed in the store's journal under the lease epoch before it is sent and confirmed after the receiver's 2xx.
package struct LeaseDeliveryFence: DeliveryFence {
    let store: any LeaseStore
    let leadership: Leadership
    let logger: Logger

    /// Creates the fence.
    /// - Parameters:
    ///   - store: where the lease and the journal are.
    ///   - leadership: this coordinator's view of the lease.
    ///   - logger: for confirmations refused after the lease was lost.
    package init(store: any LeaseStore, leadership: Leadership, logger: Logger) {
        self.store = store
        self.leadership = leadership
        self.logger = logger
    }

    package func admit(_ delivery: PendingDelivery, idempotencyKey: String) async throws -> DeliveryAdmission {
        guard delivery.alert.kind.isLeaderOnly else { return .send }
        guard let fence = self.leadership.fence else { return .hold }
        // A repeat is a fresh reminder each time: the holder sends it, nothing to deduplicate.
        if delivery.event == .repeat { return .send }
        switch try await self.store.claimDelivery(receiver: delivery.receiver, key: idempotencyKey, fence: fence, now: Date()) {
        case .claimed: return .send
        case .alreadyDelivered: return .skip
        case .fenced:
            self.leadership.lost()
            return .hold
        }
    }

    package func delivered(_ delivery: PendingDelivery, idempotencyKey: String) async throws {
        guard delivery.alert.kind.isLeaderOnly, delivery.event != .repeat, let fence = self.leadership.lastFence else { return }
        if try await !self.store.confirmDelivery(receiver: delivery.receiver, key: idempotencyKey, fence: fence, now: Date()) {
            self.leadership.lost()
            self.logger.warning(
                "an alert was delivered after this coordinator lost the lease; the next holder sends it again under the same idempotency key",
                metadata: ["oversight.alert.key": "\(delivery.alert.key)", "oversight.alert.receiver": "\(delivery.receiver)"]
            )
        }
    }

    package func mayResend(_ alert: Alert) -> Bool { !alert.kind.isLeaderOnly || self.leadership.isLeader }
}
