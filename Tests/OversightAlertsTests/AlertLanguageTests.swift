//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

import Foundation
import GRDB
import OversightAlerts
import OversightLocalization
import Testing

/// Alert texts are kept as a catalogue entry with arguments and sent in each receiver's language.
@Suite struct AlertLanguageTests {
    let t0 = Date(timeIntervalSince1970: 1_780_000_000)  // 2026-05-28T20:26:40Z

    func breach() -> NewAlert {
        NewAlert(
            kind: .ticketBreached, subject: AlertSubject(provider: "acme", site: "lisbon", ticket: "T-7", clock: "first_reply"),
            message: AlertMessage(
                "alert.ticket_breached", texts: ["provider": "acme", "site": "lisbon", "ticket": "T-7"], terms: ["clock": "clock.first_reply"],
                dates: ["time": self.t0]
            ),
            consolePath: "/tickets/acme/T-7"
        )
    }

    @Test func theMessageSurvivesTheStoreAndTheOutbox() async throws {
        let store = try AlertStore(writer: DatabaseQueue())
        let raised = try await store.raise(self.breach(), receivers: ["ops"], now: self.t0)
        #expect(raised.alert.summary == "acme/lisbon ticket T-7 missed its first reply target at 28/05/2026, 20:26:40")
        let stored = try #require(try await store.openAlerts().first)
        #expect(stored.message == self.breach().message)
        #expect(stored.summary(in: Localizer(.german)) == "acme/lisbon: Ticket T-7 hat sein Ziel für Erstreaktion am 28.05.2026, 20:26:40 verfehlt")
        let queued = try #require(try await store.dueDeliveries(receiver: "ops", now: self.t0, limit: 10).first)
        #expect(queued.alert.summary(in: Localizer(.russian)) == "acme/lisbon: тикет T-7 нарушил срок «первый ответ» в 28.05.2026, 20:26:40")
    }

    @Test func payloadsCarryTheReceiversLanguage() throws {
        var alert = Alert(
            id: 1, key: "k", kind: .ticketBreached, severity: .critical, subject: self.breach().subject, summary: self.breach().summary, details: nil,
            consolePath: "/tickets/acme/T-7", state: .firing, startsAt: self.t0, endsAt: nil, lastRaisedAt: self.t0, raiseCount: 1, acknowledgement: nil
        )
        alert.message = self.breach().message
        let german = AlertmanagerAlert(alert, consoleBaseURL: "https://o", acknowledged: .keepActive, language: .german)
        #expect(german.annotations["summary"]?.hasPrefix("acme/lisbon: Ticket T-7 hat sein Ziel für Erstreaktion") == true)
        #expect(german.labels["kind"] == "ticket_breached", "labels stay machine words")
        let english = AlertmanagerAlert(alert, consoleBaseURL: "https://o", acknowledged: .keepActive)
        #expect(english.annotations["summary"] == alert.summary)
        let delivery = PendingDelivery(
            id: 2, receiver: "moscow", event: .firing, alert: alert, createdAt: self.t0, attempts: 0, nextAttemptAt: self.t0, lastError: nil
        )
        let russian = WebhookPayload(delivery: delivery, consoleBaseURL: "https://o", sentAt: self.t0, language: .russian)
        #expect(russian.alert.summary.hasPrefix("acme/lisbon: тикет T-7 нарушил срок «первый ответ»"))
        // An alert stored before messages existed keeps its English text in every language.
        alert.message = nil
        #expect(alert.summary(in: Localizer(.russian)) == alert.summary)
    }

    @Test func receiversDefaultToEnglish() {
        #expect(ReceiverConfiguration.webhook(name: "w", url: "https://w", secret: "0123456789abcdef").language == .english)
        #expect(ReceiverConfiguration.alertmanager(name: "a", url: "http://a", language: .german).language == .german)
    }
}
