//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The delivery service asks its fence before each send (a real webhook receiver; the fence here is scripted — the
// lease-backed fence is tested against a real store in OversightCoordinatorTests): held deliveries stay queued and
// are not posted, skipped ones leave the queue unsent, sent ones are confirmed and carry their idempotency key.
//
//===----------------------------------------------------------------------===//

import Foundation
import Logging
import OversightAlerts
import OversightTesting
import Synchronization
import Testing

/// Answers per alert key, and records what was confirmed.
final class ScriptedFence: DeliveryFence {
    let answers = Mutex<[String: DeliveryAdmission]>([:])
    let confirmed = Mutex<[String]>([])

    func admit(_ delivery: PendingDelivery, idempotencyKey: String) async throws -> DeliveryAdmission {
        self.answers.withLock { $0[delivery.alert.key] } ?? .send
    }

    func delivered(_ delivery: PendingDelivery, idempotencyKey: String) async throws {
        self.confirmed.withLock { $0.append(idempotencyKey) }
    }

    func mayResend(_ alert: Alert) -> Bool { true }
}

@Suite struct DeliveryFenceTests {
    @Test(.timeLimit(.minutes(2)))
    func heldStayQueuedSkippedLeaveUnsentSentAreConfirmed() async throws {
        let directory = try TemporaryDirectory(prefix: "alerts-fence")
        defer { directory.remove() }
        let secret = "whsec-fence-test-0123456789"
        try await withWebhookReceiver(directory, secret: secret) { receiver in
            let clock = FakeWallClock()
            let center = try AlertCenter(
                path: directory.child("alerts.sqlite").path,
                configuration: .init(consoleBaseURL: "https://oversight.example.com", receivers: [.webhook(name: "ops-webhook", url: receiver.url, secret: secret)]),
                now: clock.closure
            )
            let held = try await center.raise(ticketBreach("T-1")).alert
            let skipped = try await center.raise(ticketBreach("T-2")).alert
            let sent = try await center.raise(ticketBreach("T-3")).alert
            let fence = ScriptedFence()
            fence.answers.withLock { $0 = [held.key: .hold, skipped.key: .skip] }
            let service = AlertDeliveryService(center: center, fence: fence, clock: ContinuousClock(), logger: Logger(label: "test.alerts"))
            let keys = Dictionary(uniqueKeysWithValues: try await center.pendingDeliveries().map { ($0.alert.key, $0.idempotencyKey) })

            try await withHTTPClient { client in
                let first = try #require(try await service.pass(receiver: "ops-webhook", client: client))
                #expect(first.delivered == 1 && first.held == 1 && first.skipped == 1 && first.failed == 0)
                #expect(receiver.requests().map { $0.alert["key"] as? String } == [sent.key])
                let request = try #require(receiver.requests().first)
                #expect(request.headers["x-oversight-idempotency-key"] == keys[sent.key])
                #expect(request.payload["idempotencyKey"] as? String == keys[sent.key])
                #expect(fence.confirmed.withLock { $0 } == [keys[sent.key]])
                #expect(try await center.pendingDeliveries().map(\.alert.key) == [held.key], "only the held delivery stays queued")
                // Held deliveries wait out the pause (the receiver is not asked again at once), then go once allowed.
                fence.answers.withLock { $0 = [:] }
                #expect(try #require(try await service.pass(receiver: "ops-webhook", client: client)).delivered == 0)
                clock.advance(by: 1.5)
                #expect(try #require(try await service.pass(receiver: "ops-webhook", client: client)).delivered == 1)
                #expect(receiver.requests().map { $0.alert["key"] as? String } == [sent.key, held.key])
                #expect(try await center.pendingDeliveries().isEmpty)
            }
        }
    }
}
