//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

import Foundation
import GRDB
import OversightAlerts
import Testing

/// Retry policy, payload shapes and the webhook signature.
@Suite struct PayloadTests {
    let t0 = Date(timeIntervalSince1970: 1_780_000_000)

    func alert(state: AlertState = .firing, acknowledged: Bool = false) -> Alert {
        let new = ticketBreach()
        return Alert(
            id: 9, key: new.key, kind: new.kind, severity: new.severity, subject: new.subject, summary: new.summary, details: "12 min over",
            consolePath: new.consolePath, state: state, startsAt: self.t0, endsAt: state == .resolved ? self.t0.addingTimeInterval(600) : nil,
            lastRaisedAt: self.t0, raiseCount: 1,
            acknowledgement: acknowledged ? AlertAcknowledgement(by: "maria", at: self.t0.addingTimeInterval(60), comment: "on it") : nil
        )
    }

    @Test func retryCeilingDoublesUpToTheCap() {
        let policy = RetryPolicy(initial: .seconds(1), maximum: .seconds(30))
        #expect((1...7).map { policy.ceiling(afterFailures: $0) } == [1, 2, 4, 8, 16, 30, 30].map { Duration.seconds($0) })
        var generator = SeededGenerator(seed: 1)
        for failures in 1...50 {
            let delay = policy.delay(afterFailures: failures, using: &generator)
            let ceiling = policy.ceiling(afterFailures: failures)
            #expect(delay >= ceiling / 2 && delay <= ceiling)
        }
    }

    @Test func kindsHaveTheDocumentedLabelsAndSeverities() {
        #expect(AlertKind.all.map(\.rawValue) == [
            "ticket_at_risk", "ticket_breached", "aggregate_at_risk", "aggregate_missed", "agent_silent", "security_event",
            "calibration_lenient", "invoice_line_beyond_tolerance",
        ])
        #expect(AlertKind.calibrationLenient.defaultSeverity == .warning)
        #expect(AlertKind.ticketBreached.defaultSeverity == .critical)
        #expect(AlertKind.ticketAtRisk.defaultSeverity == .warning)
        let labels = self.alert().labels
        #expect(labels == [
            "alertname": "ticket_breached", "kind": "ticket_breached", "severity": "critical", "provider": "acme-support",
            "site": "lisbon", "contract": "acme-2026", "ticket": "T-1042", "clock": "resolution",
        ])
    }

    @Test func alertmanagerFormOfEachState() {
        let firing = AlertmanagerAlert(self.alert(), consoleBaseURL: "https://oversight.example.com/", acknowledged: .keepActive)
        #expect(firing.endsAt == nil)
        #expect(firing.generatorURL == "https://oversight.example.com/tickets/acme-support/T-1042")
        #expect(firing.annotations["summary"] == self.alert().summary)
        #expect(firing.annotations["description"] == "12 min over")
        #expect(firing.startsAt == "2026-05-28T20:26:40.000Z")

        let acknowledged = AlertmanagerAlert(self.alert(state: .acknowledged, acknowledged: true), consoleBaseURL: "https://o", acknowledged: .keepActive)
        #expect(acknowledged.endsAt == nil)
        #expect(acknowledged.annotations["acknowledged_by"] == "maria")
        #expect(acknowledged.annotations["acknowledgement"] == "on it")
        let resolving = AlertmanagerAlert(self.alert(state: .acknowledged, acknowledged: true), consoleBaseURL: "https://o", acknowledged: .resolve)
        #expect(resolving.endsAt == "2026-05-28T20:27:40.000Z")

        let resolved = AlertmanagerAlert(self.alert(state: .resolved), consoleBaseURL: "https://o", acknowledged: .keepActive)
        #expect(resolved.endsAt == "2026-05-28T20:36:40.000Z")
    }

    @Test func webhookSignatureRoundTripsAndRejectsTampering() throws {
        let delivery = PendingDelivery(
            id: 5, receiver: "ops", event: .acknowledged, alert: self.alert(state: .acknowledged, acknowledged: true), createdAt: self.t0,
            attempts: 0, nextAttemptAt: self.t0, lastError: nil
        )
        let body = try WebhookPayload(delivery: delivery, consoleBaseURL: "https://o", sentAt: self.t0).body()
        let signature = WebhookSignature.sign(body, secret: "s3cret")
        #expect(signature.hasPrefix("sha256=") && signature.count == 7 + 64)
        #expect(WebhookSignature.verify(signature, body: body, secret: "s3cret"))
        #expect(!WebhookSignature.verify(signature, body: body, secret: "other"))
        var tampered = body
        tampered[tampered.startIndex] ^= 1
        #expect(!WebhookSignature.verify(signature, body: tampered, secret: "s3cret"))

        let json = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
        #expect(json["event"] as? String == "acknowledged")
        #expect(json["deliveryId"] as? Int == 5)
        #expect(json["sentAt"] as? String == "2026-05-28T20:26:40.000Z")
        let alert = try #require(json["alert"] as? [String: Any])
        #expect(alert["consoleURL"] as? String == "https://o/tickets/acme-support/T-1042")
        #expect((alert["acknowledgement"] as? [String: Any])?["by"] as? String == "maria")
    }

    @Test func theWebhookSecretIsNeverPrinted() {
        let receiver = ReceiverConfiguration.webhook(name: "ops", url: "https://hooks.example.com/x", secret: "very-secret-value")
        var dumped = ""
        dump(receiver, to: &dumped)
        for text in [receiver.description, String(describing: receiver), String(reflecting: receiver), dumped] {
            #expect(!text.contains("very-secret-value"))
        }
    }

    @Test func receiverValidation() throws {
        #expect(throws: AlertError(.invalidArgument, "")) {
            try ReceiverConfiguration.webhook(name: "w", url: "https://x", secret: "").validate()
        }
        #expect(throws: AlertError(.invalidArgument, "")) {
            try ReceiverConfiguration.alertmanager(name: "am", url: "ftp://x").validate()
        }
        #expect(throws: AlertError(.invalidArgument, "")) {
            try AlertCenter(
                store: AlertStore(writer: DatabaseQueue()),
                configuration: .init(consoleBaseURL: "https://o", receivers: [.alertmanager(name: "a", url: "http://x"), .alertmanager(name: "a", url: "http://y")])
            )
        }
    }

    @Test func changeSignalNeverMissesARing() async {
        let signal = ChangeSignal()
        let seen = signal.generation
        signal.ring()
        await signal.wait(after: seen)  // returns at once: the ring came after `seen` was read
        let before = signal.generation
        let waiter = Task { await signal.wait(after: before) }
        signal.ring()
        await waiter.value
    }
}
