//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

import AsyncHTTPClient
import Foundation
import Logging
import OversightAlerts
import OversightTesting
import Testing

/// The Alertmanager receiver against a real Alertmanager (Debian `prometheus-alertmanager`) on loopback.
@Suite struct AlertmanagerReceiverTests {
    @Test(.timeLimit(.minutes(5)))
    func alertArrivesStaysActiveThroughResendsAndResolves() async throws {
        let directory = try TemporaryDirectory(prefix: "alerts-am")
        defer { directory.remove() }
        try await withHTTPClient { client in
            // A short resolve timeout: only the re-sends keep the alert active past it.
            let manager = try await AlertmanagerProcess.start(in: directory, resolveTimeout: "4s", client: client)
            do {
                try await self.exercise(manager: manager, directory: directory, client: client)
                await manager.stop()
            } catch {
                print("alertmanager log:\n\(manager.process.logTail())")
                await manager.stop()
                throw error
            }
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func anUnreachableAlertmanagerIsBackedOffNotPolledInALoop() async throws {
        let directory = try TemporaryDirectory(prefix: "alerts-am-down")
        defer { directory.remove() }
        let clock = FakeWallClock()
        let retry = RetryPolicy(initial: .seconds(4), maximum: .seconds(60))
        let center = try AlertCenter(
            path: directory.child("alerts.sqlite").path,
            configuration: .init(
                consoleBaseURL: "https://oversight.example.com",
                receivers: [.alertmanager(name: "am", url: "http://127.0.0.1:\(try freeLoopbackPort())", retry: retry)]
            ),
            now: clock.closure
        )
        let service = AlertDeliveryService(center: center, logger: Logger(label: "test.alerts"))
        try await withHTTPClient { client in
            try await center.raise(ticketBreach())
            let pass = try #require(try await service.pass(receiver: "am", client: client))
            #expect(pass.failed == 1 && pass.delivered == 0 && pass.resent == 0)
            let pending = try #require(try await center.pendingDeliveries().first)
            #expect(pending.lastError?.isEmpty == false)
            // The next wake is the retry time, not "now" (the skipped re-send waits for the backoff too).
            let wake = try #require(pass.nextWake)
            #expect(wake == pending.nextAttemptAt)
            #expect(wake.timeIntervalSince(clock.now) >= 2)
        }
    }

    func exercise(manager: AlertmanagerProcess, directory: TemporaryDirectory, client: HTTPClient) async throws {
        let center = try AlertCenter(
            path: directory.child("alerts.sqlite").path,
            configuration: .init(
                consoleBaseURL: "https://oversight.example.com",
                receivers: [
                    .alertmanager(
                        name: "alertmanager", url: manager.url, resendInterval: .milliseconds(250),
                        retry: RetryPolicy(initial: .milliseconds(50), maximum: .milliseconds(400))
                    )
                ]
            )
        )
        var configuration = AlertDeliveryService<ContinuousClock>.Configuration()
        configuration.idlePoll = .milliseconds(200)
        let service = AlertDeliveryService(center: center, configuration: configuration, logger: Logger(label: "test.alerts"))
        let expectedLabels = [
            "alertname": "ticket_breached", "kind": "ticket_breached", "severity": "critical", "provider": "acme-support",
            "site": "lisbon", "contract": "acme-2026", "ticket": "T-1042", "clock": "resolution",
        ]
        func ours() async throws -> GettableAlert? {
            try await manager.alerts(client: client).first { $0.labels["ticket"] == "T-1042" }
        }

        try await withRunningService(service) {
            let raised = try await center.raise(ticketBreach()).alert
            try await eventually("Alertmanager to show the alert") { try await ours() != nil }
            let first = try #require(try await ours())
            #expect(first.labels == expectedLabels)
            #expect(first.annotations["summary"] == ticketBreach().summary)
            #expect(first.annotations["console"] == "https://oversight.example.com/tickets/acme-support/T-1042")
            #expect(first.generatorURL == "https://oversight.example.com/tickets/acme-support/T-1042")
            #expect(first.status.state == "active")

            // Re-sends keep it active past the moment Alertmanager would have resolved it by itself.
            let firstEnd = try #require(RFC3339.date(first.endsAt))
            try await eventually("the first resolve deadline to pass", timeout: .seconds(60)) { Date() > firstEnd.addingTimeInterval(1) }
            let later = try #require(try await ours())
            #expect(later.status.state == "active")
            #expect(try #require(RFC3339.date(later.endsAt)) > firstEnd)
            #expect(later.startsAt == first.startsAt)

            // Acknowledged: still active, with the acknowledgement in annotations.
            try await center.acknowledge(key: raised.key, by: "maria@example.com", comment: "calling acme")
            try await eventually("the acknowledgement annotation") { try await ours()?.annotations["acknowledged_by"] == "maria@example.com" }
            let acknowledged = try #require(try await ours())
            #expect(acknowledged.status.state == "active")
            #expect(acknowledged.annotations["acknowledgement"] == "calling acme")

            // Resolved: sent with endsAt; Alertmanager no longer lists it as active.
            try await center.resolve(key: raised.key)
            try await eventually("Alertmanager to drop the resolved alert") {
                guard let alert = try await ours() else { return true }
                return (RFC3339.date(alert.endsAt).map { $0 <= Date() } ?? false) && alert.status.state != "active"
            }
            // Alertmanager may list the resolution a moment before the delivery service records the 200 it answered.
            try await eventually("the resolution's delivery to be recorded as done") { try await center.pendingDeliveries().isEmpty }
        }
    }
}
