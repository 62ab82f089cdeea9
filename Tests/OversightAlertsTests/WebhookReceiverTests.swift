//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

import Foundation
import Logging
import OversightAlerts
import OversightTesting
import Testing

/// The webhook receiver against a real HTTP server (Python `http.server`) that records requests and checks the HMAC.
@Suite struct WebhookReceiverTests {
    static let secret = "whsec-test-\(UInt32.random(in: 0...UInt32.max))"
    static let fastRetry = RetryPolicy(initial: .milliseconds(50), maximum: .milliseconds(400))

    func makeCenter(path: String, url: String, repeatInterval: Duration? = nil, now: @escaping @Sendable () -> Date = { Date() }) throws -> AlertCenter {
        try AlertCenter(
            path: path,
            configuration: .init(
                consoleBaseURL: "https://oversight.example.com",
                receivers: [.webhook(name: "ops-webhook", url: url, secret: Self.secret, repeatInterval: repeatInterval, retry: Self.fastRetry)]
            ),
            now: now
        )
    }

    func makeService(_ center: AlertCenter) -> AlertDeliveryService<ContinuousClock> {
        var configuration = AlertDeliveryService<ContinuousClock>.Configuration()
        configuration.idlePoll = .milliseconds(200)
        return AlertDeliveryService(center: center, configuration: configuration, logger: Logger(label: "test.alerts"))
    }

    @Test(.timeLimit(.minutes(2)))
    func lifecycleEventsArriveSignedWithTheDocumentedPayload() async throws {
        let directory = try TemporaryDirectory(prefix: "alerts-webhook")
        defer { directory.remove() }
        try await withWebhookReceiver(directory, secret: Self.secret) { receiver in
            let center = try self.makeCenter(path: directory.child("alerts.sqlite").path, url: receiver.url)
            try await withRunningService(self.makeService(center)) {
                let raised = try await center.raise(ticketBreach()).alert
                try await eventually("the firing event") { receiver.requests().contains { $0.event == "firing" } }
                try await center.acknowledge(key: raised.key, by: "maria@example.com", comment: "calling acme")
                try await eventually("the acknowledged event") { receiver.requests().contains { $0.event == "acknowledged" } }
                try await center.resolve(key: raised.key)
                try await eventually("the resolved event") { receiver.requests().contains { $0.event == "resolved" } }
                try await eventually("the outbox to drain") { try await center.pendingDeliveries().isEmpty }
            }
            let requests = receiver.requests()
            #expect(requests.map(\.event) == ["firing", "acknowledged", "resolved"])
            for request in requests {
                #expect(request.status == 200)
                // Python's hmac agrees, and so does our verifier.
                #expect(request.signatureValid)
                let signature = try #require(request.headers["x-oversight-signature"])
                #expect(WebhookSignature.verify(signature, body: request.body, secret: Self.secret))
                #expect(!WebhookSignature.verify(signature, body: request.body, secret: "wrong"))
                #expect(request.headers["content-type"] == "application/json")
                #expect(request.headers["x-oversight-event"] == request.event)
                #expect(request.headers["x-oversight-delivery"] == request.deliveryId.map(String.init))
                let timestamp = try #require(request.headers["x-oversight-timestamp"].flatMap(Double.init))
                let sentAt = try #require((request.payload["sentAt"] as? String).flatMap(RFC3339.date))
                #expect(timestamp == sentAt.timeIntervalSince1970.rounded(.down))
                #expect(request.payload["version"] as? Int == 1)
                #expect(request.payload["receiver"] as? String == "ops-webhook")
                // The secret is never in what is sent.
                #expect(!String(decoding: request.body, as: UTF8.self).contains(Self.secret))
            }
            let firing = requests[0].alert
            #expect(firing["key"] as? String == ticketBreach().key)
            #expect(firing["kind"] as? String == "ticket_breached")
            #expect(firing["severity"] as? String == "critical")
            #expect(firing["state"] as? String == "firing")
            #expect(firing["consoleURL"] as? String == "https://oversight.example.com/tickets/acme-support/T-1042")
            #expect((firing["labels"] as? [String: String])?["ticket"] == "T-1042")
            #expect(firing["endsAt"] == nil)
            let acknowledged = requests[1].alert
            #expect(acknowledged["state"] as? String == "acknowledged")
            let acknowledgement = try #require(acknowledged["acknowledgement"] as? [String: Any])
            #expect(acknowledgement["by"] as? String == "maria@example.com")
            #expect(acknowledgement["comment"] as? String == "calling acme")
            let resolved = requests[2].alert
            #expect(resolved["state"] as? String == "resolved")
            #expect(resolved["endsAt"] is String)
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func aReceiverAnswering500IsRetriedUntilItRecovers() async throws {
        let directory = try TemporaryDirectory(prefix: "alerts-webhook-500")
        defer { directory.remove() }
        try await withWebhookReceiver(directory, secret: Self.secret, status: 500) { receiver in
            let center = try self.makeCenter(path: directory.child("alerts.sqlite").path, url: receiver.url)
            try await withRunningService(self.makeService(center)) {
                try await center.raise(ticketBreach())
                try await eventually("two failed attempts") { receiver.requests().filter { $0.status == 500 }.count >= 2 }
                let pending = try #require(try await center.pendingDeliveries().first)
                #expect(pending.attempts >= 1)
                #expect(pending.lastError == "HTTP 500")
                try receiver.respond(with: 200)
                try await eventually("the alert to arrive after recovery") { receiver.requests().contains { $0.status == 200 } }
                try await eventually("the outbox to drain") { try await center.pendingDeliveries().isEmpty }
            }
            let requests = receiver.requests()
            // Every attempt was the same delivery, and it was accepted exactly at the end.
            #expect(Set(requests.compactMap(\.deliveryId)).count == 1)
            #expect(requests.last?.status == 200)
            #expect(requests.filter { $0.status == 200 }.count == 1)
            #expect(requests.allSatisfy { $0.event == "firing" && $0.signatureValid })
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func whatWasQueuedIsDeliveredByTheNextInstance() async throws {
        let directory = try TemporaryDirectory(prefix: "alerts-webhook-restart")
        defer { directory.remove() }
        let path = directory.child("alerts.sqlite").path
        try await withWebhookReceiver(directory, secret: Self.secret, status: 503) { receiver in
            // First instance: the receiver is failing; one alert is attempted, another raised with no service running.
            do {
                let center = try self.makeCenter(path: path, url: receiver.url)
                try await withRunningService(self.makeService(center)) {
                    try await center.raise(ticketBreach("T-1"))
                    try await eventually("a failed attempt") { receiver.requests().contains { $0.status == 503 } }
                }
                try await center.raise(ticketBreach("T-2"))
                #expect(try await center.pendingDeliveries().count == 2)
            }
            // Second instance on the same file: the receiver has recovered.
            try receiver.respond(with: 200)
            let center = try self.makeCenter(path: path, url: receiver.url)
            #expect(try await center.pendingDeliveries().map(\.alert.subject.ticket) == ["T-1", "T-2"])
            try await withRunningService(self.makeService(center)) {
                try await eventually("both alerts delivered") { try await center.pendingDeliveries().isEmpty }
            }
            let accepted = receiver.requests().filter { $0.status == 200 }
            #expect(Set(accepted.compactMap { $0.alert["labels"] as? [String: String] }.compactMap { $0["ticket"] }) == ["T-1", "T-2"])
            #expect(accepted.allSatisfy { $0.event == "firing" && $0.signatureValid })
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func repeatsAndBackoffFollowTheFakeClock() async throws {
        let directory = try TemporaryDirectory(prefix: "alerts-webhook-clock")
        defer { directory.remove() }
        let clock = FakeWallClock()
        let t0 = clock.now
        try await withWebhookReceiver(directory, secret: Self.secret, status: 500) { receiver in
            let center = try self.makeCenter(
                path: directory.child("alerts.sqlite").path, url: receiver.url, repeatInterval: .seconds(3600), now: clock.closure
            )
            let service = self.makeService(center)
            try await withHTTPClient { client in
                let raised = try await center.raise(ticketBreach()).alert

                // Fails: rescheduled within the first backoff window, and not attempted again before it.
                var pass = try #require(try await service.pass(receiver: "ops-webhook", client: client))
                #expect(pass.failed == 1)
                let retryAt = try #require(try await center.pendingDeliveries().first?.nextAttemptAt)
                let ceiling = Self.fastRetry.ceiling(afterFailures: 1).seconds
                #expect(retryAt.timeIntervalSince(t0) >= ceiling / 2 && retryAt.timeIntervalSince(t0) <= ceiling)
                #expect(pass.nextWake == retryAt)
                pass = try #require(try await service.pass(receiver: "ops-webhook", client: client))
                #expect(pass.failed == 0 && pass.delivered == 0)
                #expect(receiver.requests().count == 1)

                // The backoff has passed and the receiver recovered.
                try receiver.respond(with: 200)
                clock.set(retryAt)
                pass = try #require(try await service.pass(receiver: "ops-webhook", client: client))
                #expect(pass.delivered == 1)

                // No repeat before the interval, one at it.
                clock.set(t0.addingTimeInterval(3599))
                pass = try #require(try await service.pass(receiver: "ops-webhook", client: client))
                #expect(pass.repeatsQueued == 0 && pass.delivered == 0)
                #expect(pass.nextWake == t0.addingTimeInterval(3600))
                clock.set(t0.addingTimeInterval(3600))
                pass = try #require(try await service.pass(receiver: "ops-webhook", client: client))
                #expect(pass.repeatsQueued == 1 && pass.delivered == 1)
                // A repeat raise is not sent by itself.
                try await center.raise(ticketBreach())
                pass = try #require(try await service.pass(receiver: "ops-webhook", client: client))
                #expect(pass.delivered == 0)

                // Acknowledged alerts do not repeat.
                try await center.acknowledge(key: raised.key, by: "maria")
                pass = try #require(try await service.pass(receiver: "ops-webhook", client: client))
                #expect(pass.delivered == 1)
                clock.set(t0.addingTimeInterval(5 * 3600))
                pass = try #require(try await service.pass(receiver: "ops-webhook", client: client))
                #expect(pass.repeatsQueued == 0 && pass.delivered == 0)
            }
            #expect(receiver.requests().filter { $0.status == 200 }.map(\.event) == ["firing", "repeat", "acknowledged"])
        }
    }
}
