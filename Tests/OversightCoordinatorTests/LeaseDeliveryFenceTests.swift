//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The delivery fence of two coordinators on one store (a real SQLite store; the lease's time to live is long, so
// nothing here depends on how fast the test runs): only the holder sends leader-only alerts, a confirmed delivery
// is skipped by the next holder, an unconfirmed one is taken over, and a deposed holder is refused. The SLA event
// follower raises the alerts of events another coordinator recorded.
//
//===----------------------------------------------------------------------===//

import Foundation
import Logging
import OversightAlerts
import OversightModel
import OversightStore
import Testing

@testable import OversightCoordinator

@Suite struct LeaseDeliveryFenceTests {
    let at = Date(timeIntervalSince1970: 1_790_000_000)
    var configuration: LeaseConfiguration {
        var configuration = LeaseConfiguration()
        configuration.ttl = .seconds(3600)
        return configuration
    }

    func delivery(_ id: Int64, kind: AlertKind = .ticketBreached, ticket: String = "T1", event: AlertEvent = .firing) -> PendingDelivery {
        let subject = kind == .securityEvent
            ? AlertSubject(provider: "acme", agent: "agt_1", detail: "tls_failed")
            : AlertSubject(provider: "acme", site: "paris", ticket: ticket, clock: "first_reply")
        let alert = Alert(
            id: id, key: Alert.dedupeKey(kind: kind, subject: subject), kind: kind, severity: kind.defaultSeverity, subject: subject, summary: "s",
            details: nil, consolePath: "/", state: .firing, startsAt: self.at, endsAt: nil, lastRaisedAt: self.at, raiseCount: 1,
            acknowledgement: nil
        )
        return PendingDelivery(
            id: id, receiver: "hook", event: event, alert: alert, createdAt: self.at + Double(id), attempts: 0, nextAttemptAt: self.at,
            lastError: nil
        )
    }

    @Test func onlyTheHolderSendsAndTheNextHolderSkipsWhatWasConfirmed() async throws {
        let store = try SQLiteStore()
        let logger = Logger(label: "t")
        let a = Leadership(lease: "alerts", holder: "coord-a")
        let b = Leadership(lease: "alerts", holder: "coord-b")
        let fenceA = LeaseDeliveryFence(store: store, leadership: a, logger: logger)
        let fenceB = LeaseDeliveryFence(store: store, leadership: b, logger: logger)
        #expect(await LeaseService.tryAcquire(store: store, leadership: a, configuration: self.configuration, logger: logger) != nil)
        #expect(await LeaseService.tryAcquire(store: store, leadership: b, configuration: self.configuration, logger: logger) == nil)
        #expect(a.isLeader && !b.isLeader)

        // Two coordinators raised the same breach (same key, same start): its idempotency key is the same on both.
        let sent = self.delivery(1)
        let sameOnB = self.delivery(7)
        #expect(sent.idempotencyKey == sameOnB.idempotencyKey)
        #expect(try await fenceA.admit(sent, idempotencyKey: sent.idempotencyKey) == .send)
        #expect(try await fenceB.admit(sameOnB, idempotencyKey: sameOnB.idempotencyKey) == .hold, "a stand-by sent a leader-only alert")
        try await fenceA.delivered(sent, idempotencyKey: sent.idempotencyKey)
        #expect(try await store.deliveryConfirmed(receiver: "hook", key: sent.idempotencyKey))
        // Security events are each coordinator's own: a stand-by sends them.
        let security = self.delivery(2, kind: .securityEvent)
        #expect(try await fenceB.admit(security, idempotencyKey: security.idempotencyKey) == .send)
        #expect(fenceB.mayResend(security.alert) && !fenceB.mayResend(sent.alert) && fenceA.mayResend(sent.alert))
        // A claims a second delivery and is deposed before confirming it.
        let inFlight = self.delivery(3, ticket: "T2")
        #expect(try await fenceA.admit(inFlight, idempotencyKey: inFlight.idempotencyKey) == .send)

        try await store.releaseLease(name: "alerts", holder: "x-not-the-holder", now: Date())
        #expect(await LeaseService.tryAcquire(store: store, leadership: b, configuration: self.configuration, logger: logger) == nil)
        try await store.releaseLease(name: "alerts", holder: "coord-a", now: Date())
        let takeover = try #require(await LeaseService.tryAcquire(store: store, leadership: b, configuration: self.configuration, logger: logger))
        #expect(takeover.epoch == 2 && b.isLeader)
        #expect(a.isLeader, "A has not noticed yet")
        #expect(try await fenceB.admit(sameOnB, idempotencyKey: sameOnB.idempotencyKey) == .skip, "B would send again what A delivered")
        let inFlightOnB = self.delivery(9, ticket: "T2")
        #expect(try await fenceB.admit(inFlightOnB, idempotencyKey: inFlightOnB.idempotencyKey) == .send, "an unconfirmed claim is taken over")
        // The deposed A: its confirmation is refused (B sends it again, same key), then it holds everything.
        try await fenceA.delivered(inFlight, idempotencyKey: inFlight.idempotencyKey)
        #expect(try await !store.deliveryConfirmed(receiver: "hook", key: inFlight.idempotencyKey))
        #expect(!a.isLeader)
        let later = self.delivery(4, ticket: "T3")
        #expect(try await fenceA.admit(later, idempotencyKey: later.idempotencyKey) == .hold)
        try await fenceB.delivered(inFlightOnB, idempotencyKey: inFlightOnB.idempotencyKey)
        #expect(try await store.deliveryConfirmed(receiver: "hook", key: inFlight.idempotencyKey))
    }

    @Test func aStaleHolderLearnsFromTheFenceAndRepeatsAreNotJournaled() async throws {
        let store = try SQLiteStore()
        let logger = Logger(label: "t")
        let a = Leadership(lease: "alerts", holder: "coord-a")
        let b = Leadership(lease: "alerts", holder: "coord-b")
        _ = try #require(await LeaseService.tryAcquire(store: store, leadership: a, configuration: self.configuration, logger: logger))
        try await store.releaseLease(name: "alerts", holder: "coord-a", now: Date())
        _ = try #require(await LeaseService.tryAcquire(store: store, leadership: b, configuration: self.configuration, logger: logger))
        // A still believes it leads; its claim is refused by the store, and from then on it knows.
        let fenceA = LeaseDeliveryFence(store: store, leadership: a, logger: logger)
        let delivery = self.delivery(1)
        #expect(a.isLeader)
        #expect(try await fenceA.admit(delivery, idempotencyKey: delivery.idempotencyKey) == .hold)
        #expect(!a.isLeader)
        // Repeats: a new key each time, sent by the holder without a claim.
        let fenceB = LeaseDeliveryFence(store: store, leadership: b, logger: logger)
        let first = self.delivery(5, event: .repeat)
        let second = self.delivery(6, event: .repeat)
        #expect(first.idempotencyKey != second.idempotencyKey)
        #expect(try await fenceB.admit(first, idempotencyKey: first.idempotencyKey) == .send)
        #expect(try await fenceA.admit(first, idempotencyKey: first.idempotencyKey) == .hold)
    }

    @Test func followerRaisesTheAlertsOfEventsAnotherCoordinatorRecorded() async throws {
        let store = try SQLiteStore()
        let directory = NSTemporaryDirectory() + "alerts-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let router = try await AlertRouter(configuration: AlertsConfiguration(databasePath: directory + "/alerts.sqlite"), logger: Logger(label: "t"))
        func event(_ ticket: String, _ kind: String) -> SLAEventRow {
            SLAEventRow(provider: "acme", site: "paris", ticketId: ticket, clock: "first_reply", kind: kind, at: self.at, detectedAt: self.at, lateData: false)
        }
        #expect(try await store.recordSLAEvent(event("OLD", "breach")))
        try await router.startFollowingSLAEvents(store: store)
        // Recorded by another coordinator after the follower started: at risk, then breached (the breach ends the at-risk
        // alert); and one this router raised itself.
        #expect(try await store.recordSLAEvent(event("T1", "at-risk")))
        #expect(try await store.recordSLAEvent(event("T1", "breach")))
        #expect(try await store.recordSLAEvent(event("OWN", "breach")))
        await router.slaEvent(event("OWN", "breach"))
        try await router.followSLAEvents(store: store, page: 2)
        let open = try await router.center.openAlerts()
        #expect(open.map { "\($0.kind.rawValue) \($0.subject.ticket ?? "")" }.sorted() == ["ticket_breached OWN", "ticket_breached T1"])
        #expect(try await router.center.history(limit: 10).count == 3, "at-risk T1 (resolved), breach T1, breach OWN; OLD is before the start")
        try await router.followSLAEvents(store: store)
        #expect(try await router.center.history(limit: 10).count == 3, "a second pass raised again")
    }
}
