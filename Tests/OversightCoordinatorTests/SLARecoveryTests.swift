//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

import Foundation
import Logging
import OversightAlerts
import OversightModel
import OversightSLA
import OversightStore
import OversightWire
import Testing

@testable import OversightCoordinator

/// A coordinator killed between committing a batch and evaluating its tickets (found by scripts/chaos): the next
/// start evaluates them, and raises the alerts of events recorded just before the kill.
@Suite struct SLARecoveryTests {
    @Test func aSettledTicketCommittedButNeverEvaluatedIsEvaluatedAtStart() async throws {
        let t = try await SLAEngineTests()
        // Solved two hours late, committed, never evaluated (the coordinator died before the engine saw it).
        let late = t.ticket("LATE", status: .solved, firstReply: t.created + 7200, updated: t.created + 7300)
        let onTime = t.ticket("ONTIME", status: .solved, firstReply: t.created + 600, updated: t.created + 700)
        try await t.store([late, onTime])
        #expect(try await t.store.ticketsAwaitingEvaluation(providers: ["acme"]).map(\.id).sorted() == ["LATE", "ONTIME"])
        #expect(try await t.store.ticketsAwaitingEvaluation(providers: ["other"]).isEmpty)

        try await t.engine.rebuild(now: t.created + 86400)
        let breaches = t.events.all.filter { $0.kind == "breach" }
        #expect(breaches.map(\.ticketId) == ["LATE"], "\(breaches)")
        #expect(breaches.first?.at == t.created + 3600)
        #expect(try await t.store.ticketSLA(provider: "acme", id: "ONTIME")?.state == "met")
        // Evaluated now: the next start has nothing left to recover, and records nothing twice.
        #expect(try await t.store.ticketsAwaitingEvaluation(providers: ["acme"]).isEmpty)
        try await t.engine.rebuild(now: t.created + 86400 + 60)
        #expect(t.events.all.filter { $0.kind == "breach" }.count == 1)
    }

    @Test func theAlertsOfEventsRecordedJustBeforeTheKillAreRaisedOnce() async throws {
        let t = try await SLAEngineTests()
        let late = t.ticket("LATE", status: .open, firstReply: t.created + 7200, updated: t.created + 7300)
        try await t.store([late])
        // The events (first reply and resolution, still open a day later) reached the store, their alerts never did.
        await t.engine.observe([late], now: t.created + 86400)
        #expect(t.events.all.filter { $0.kind == "breach" }.count == 2)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sla-recovery-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let router = try await AlertRouter(
            configuration: AlertsConfiguration(databasePath: directory.appendingPathComponent("alerts.sqlite").path), logger: Logger(label: "test")
        )
        #expect(try await router.recoverSLAAlerts(store: t.store) == 2)
        #expect(try await router.center.openAlerts().filter { $0.kind == .ticketBreached }.count == 2)
        // Again (another start): the alert exists, nothing is raised twice.
        #expect(try await router.recoverSLAAlerts(store: t.store) == 0)
        #expect(try await router.center.history(limit: 100).filter { $0.kind == .ticketBreached }.count == 2)
    }
}
