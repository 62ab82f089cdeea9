//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

import Foundation
import GRDB
import OversightAlerts
import Testing

/// Dedupe, lifecycle and the outbox, on an in-memory database with explicit times.
@Suite struct AlertStoreTests {
    let t0 = Date(timeIntervalSince1970: 1_780_000_000)
    let receivers = ["alertmanager", "ops-webhook"]

    func makeStore() throws -> AlertStore { try AlertStore(writer: DatabaseQueue()) }

    @Test func repeatOfAFiringAlertUpdatesItAndQueuesNothing() async throws {
        let store = try self.makeStore()
        let first = try await store.raise(ticketBreach(), receivers: self.receivers, now: self.t0)
        #expect(first.change == .created)
        var again = ticketBreach()
        again.summary = "still breached"
        let second = try await store.raise(again, receivers: self.receivers, now: self.t0.addingTimeInterval(60))
        #expect(second.change == .updated)
        #expect(second.alert.id == first.alert.id)
        #expect(second.alert.raiseCount == 2)
        #expect(second.alert.summary == "still breached")
        #expect(second.alert.startsAt == self.t0)
        #expect(second.alert.lastRaisedAt == self.t0.addingTimeInterval(60))
        #expect(try await store.openAlerts().count == 1)
        let pending = try await store.pendingDeliveries()
        #expect(pending.map(\.event) == [.firing, .firing])
        #expect(Set(pending.map(\.receiver)) == Set(self.receivers))
    }

    @Test func distinctSubjectsAreDistinctAlerts() async throws {
        let store = try self.makeStore()
        var firstReply = ticketBreach()
        firstReply.subject.clock = "first_reply"
        try await store.raise(ticketBreach(), receivers: [], now: self.t0)
        try await store.raise(firstReply, receivers: [], now: self.t0)
        try await store.raise(ticketBreach("T-2"), receivers: [], now: self.t0)
        var atRisk = ticketBreach()
        atRisk.kind = .ticketAtRisk
        try await store.raise(atRisk, receivers: [], now: self.t0)
        #expect(try await store.openAlerts().count == 4)
    }

    @Test func dedupeKeyIsStableReadableAndEscaped() {
        let key = ticketBreach().key
        #expect(key == "ticket_breached|provider=acme-support|site=lisbon|contract=acme-2026|ticket=T-1042|clock=resolution")
        let tricky = Alert.dedupeKey(kind: .aggregateMissed, subject: AlertSubject(provider: "a|b", figure: "x=y", period: "2026-05"))
        #expect(tricky == "aggregate_missed|provider=a%7Cb|figure=x%3Dy|period=2026-05")
        let other = Alert.dedupeKey(kind: .aggregateMissed, subject: AlertSubject(provider: "a", site: "b|figure=x=y"))
        #expect(other != tricky)
    }

    @Test func lifecycleFiringAcknowledgedResolvedThenAFreshOccurrence() async throws {
        let store = try self.makeStore()
        let raised = try await store.raise(ticketBreach(), receivers: self.receivers, now: self.t0).alert
        let acknowledged = try await store.acknowledge(
            key: raised.key, by: "maria@example.com", comment: "calling the provider", receivers: self.receivers, now: self.t0.addingTimeInterval(120)
        )
        #expect(acknowledged.state == .acknowledged)
        #expect(acknowledged.acknowledgement == AlertAcknowledgement(by: "maria@example.com", at: self.t0.addingTimeInterval(120), comment: "calling the provider"))

        // The first acknowledgement stands.
        let again = try await store.acknowledge(key: raised.key, by: "someone-else", comment: nil, receivers: self.receivers, now: self.t0.addingTimeInterval(130))
        #expect(again.acknowledgement?.by == "maria@example.com")

        // A repeat raise keeps it acknowledged.
        let repeated = try await store.raise(ticketBreach(), receivers: self.receivers, now: self.t0.addingTimeInterval(140))
        #expect(repeated.change == .updated)
        #expect(repeated.alert.state == .acknowledged)

        let resolved = try #require(try await store.resolve(key: raised.key, at: self.t0.addingTimeInterval(300), receivers: self.receivers, now: self.t0.addingTimeInterval(301)))
        #expect(resolved.state == .resolved)
        #expect(resolved.endsAt == self.t0.addingTimeInterval(300))
        #expect(try await store.resolve(key: raised.key, at: self.t0, receivers: self.receivers, now: self.t0) == nil)
        #expect(try await store.openAlerts().isEmpty)

        await #expect(throws: AlertError(.notFound, "")) {
            try await store.acknowledge(key: raised.key, by: "x", comment: nil, receivers: [], now: self.t0)
        }

        let events = try await store.pendingDeliveries(receiver: "ops-webhook").map(\.event)
        #expect(events == [.firing, .acknowledged, .resolved])

        let fresh = try await store.raise(ticketBreach(), receivers: self.receivers, now: self.t0.addingTimeInterval(900))
        #expect(fresh.change == .created)
        #expect(fresh.alert.id != raised.id)
        #expect(fresh.alert.startsAt == self.t0.addingTimeInterval(900))
        let history = try await store.history(key: raised.key)
        #expect(history.map(\.state) == [.firing, .resolved])
    }

    @Test func startsAtCanBeTheTrueBreachTime() async throws {
        let store = try self.makeStore()
        var late = ticketBreach()
        late.startsAt = self.t0.addingTimeInterval(-3600)
        let alert = try await store.raise(late, receivers: [], now: self.t0).alert
        #expect(alert.startsAt == self.t0.addingTimeInterval(-3600))
    }

    @Test func deliveriesOfOneAlertGoOutInOrderOthersDoNotWait() async throws {
        let store = try self.makeStore()
        let a = try await store.raise(ticketBreach("A"), receivers: ["r"], now: self.t0).alert
        try await store.raise(ticketBreach("B"), receivers: ["r"], now: self.t0)
        try await store.resolve(key: a.key, at: self.t0, receivers: ["r"], now: self.t0)

        let due = try await store.dueDeliveries(receiver: "r", now: self.t0)
        #expect(due.map { "\($0.alert.subject.ticket!):\($0.event)" } == ["A:firing", "B:firing"])

        // A's firing fails: its resolve must wait behind it; B is unaffected.
        var generator = SeededGenerator(seed: 7)
        let policy = RetryPolicy(initial: .seconds(10), maximum: .seconds(60))
        let next = try #require(
            try await store.failDeliveries(ids: [due[0].id], error: "HTTP 500", policy: policy, now: self.t0, using: &generator)
        )
        #expect(next >= self.t0.addingTimeInterval(5) && next <= self.t0.addingTimeInterval(10))
        #expect(try await store.dueDeliveries(receiver: "r", now: self.t0).map(\.alert.subject.ticket) == ["B"])
        #expect(try await store.nextDeliveryDate(receiver: "r") == self.t0)

        try await store.completeDeliveries(ids: [due[1].id])
        #expect(try await store.dueDeliveries(receiver: "r", now: self.t0).isEmpty)
        let nextDue = try #require(try await store.nextDeliveryDate(receiver: "r"))
        #expect(abs(nextDue.timeIntervalSince(next)) < 0.001)

        let retried = try await store.dueDeliveries(receiver: "r", now: nextDue)
        #expect(retried.map(\.id) == [due[0].id])
        #expect(retried[0].attempts == 1)
        #expect(retried[0].lastError == "HTTP 500")
        try await store.completeDeliveries(ids: [retried[0].id])
        #expect(try await store.dueDeliveries(receiver: "r", now: nextDue).map(\.event) == [.resolved])
    }

    @Test func backoffGrowsPerFailureWithAFakeClock() async throws {
        let store = try self.makeStore()
        try await store.raise(ticketBreach(), receivers: ["r"], now: self.t0)
        let policy = RetryPolicy(initial: .seconds(2), maximum: .seconds(16))
        var generator = SeededGenerator(seed: 42)
        var now = self.t0
        for failures in 1...6 {
            let due = try await store.dueDeliveries(receiver: "r", now: now)
            #expect(due.count == 1)
            let next = try #require(try await store.failDeliveries(ids: due.map(\.id), error: "HTTP 503", policy: policy, now: now, using: &generator))
            let ceiling = policy.ceiling(afterFailures: failures).seconds
            #expect(next.timeIntervalSince(now) >= ceiling / 2 && next.timeIntervalSince(now) <= ceiling)
            // Not a moment before the backoff has passed.
            #expect(try await store.dueDeliveries(receiver: "r", now: next.addingTimeInterval(-0.001)).isEmpty)
            now = next
        }
        #expect(try await store.pendingDeliveries().first?.attempts == 6)
    }

    @Test func webhookRepeatsOnlyFiringAlertsOnTheirInterval() async throws {
        let store = try self.makeStore()
        let hour = Duration.seconds(3600)
        let alert = try await store.raise(ticketBreach(), receivers: ["w"], now: self.t0).alert
        // Nothing repeats while the firing delivery is queued.
        #expect(try await store.enqueueRepeats(receiver: "w", interval: hour, now: self.t0.addingTimeInterval(7200)) == 0)
        try await store.completeDeliveries(ids: try await store.pendingDeliveries().map(\.id))
        #expect(try await store.nextRepeatDate(receiver: "w", interval: hour) == self.t0.addingTimeInterval(3600))
        #expect(try await store.enqueueRepeats(receiver: "w", interval: hour, now: self.t0.addingTimeInterval(3599)) == 0)
        #expect(try await store.enqueueRepeats(receiver: "w", interval: hour, now: self.t0.addingTimeInterval(3600)) == 1)
        let repeated = try await store.pendingDeliveries()
        #expect(repeated.map(\.event) == [.repeat])
        try await store.completeDeliveries(ids: repeated.map(\.id))
        #expect(try await store.nextRepeatDate(receiver: "w", interval: hour) == self.t0.addingTimeInterval(7200))

        try await store.acknowledge(key: alert.key, by: "maria", comment: nil, receivers: ["w"], now: self.t0.addingTimeInterval(3700))
        try await store.completeDeliveries(ids: try await store.pendingDeliveries().map(\.id))
        #expect(try await store.enqueueRepeats(receiver: "w", interval: hour, now: self.t0.addingTimeInterval(99_999)) == 0)
        #expect(try await store.nextRepeatDate(receiver: "w", interval: hour) == nil)
    }

    @Test func theStoreFileSurvivesReopening() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("oversight-alerts-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("alerts.sqlite").path
        do {
            let store = try AlertStore(path: path)
            try await store.raise(ticketBreach(), receivers: ["r"], now: self.t0)
        }
        let reopened = try AlertStore(path: path)
        #expect(try await reopened.openAlerts().map(\.key) == [ticketBreach().key])
        #expect(try await reopened.pendingDeliveries().map(\.event) == [.firing])
        let mode = try await reopened.writer.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        #expect(mode == "wal")
        let synchronous = try await reopened.writer.read { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
        #expect(synchronous == 2)  // FULL
    }

    @Test func pruneDropsOldResolvedAlertsWithNothingQueued() async throws {
        let store = try self.makeStore()
        let alert = try await store.raise(ticketBreach(), receivers: [], now: self.t0).alert
        try await store.resolve(key: alert.key, at: self.t0, receivers: [], now: self.t0)
        try await store.raise(ticketBreach("open"), receivers: [], now: self.t0)
        #expect(try await store.prune(resolvedBefore: self.t0.addingTimeInterval(1)) == 1)
        #expect(try await store.history().map(\.subject.ticket) == ["open"])
    }
}

/// A deterministic generator (SplitMix64) for jitter in tests.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { self.state = seed }
    mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
