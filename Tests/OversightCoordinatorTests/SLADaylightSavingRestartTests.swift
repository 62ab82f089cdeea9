//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

import Foundation
import Logging
import OversightModel
import OversightSLA
import OversightStore
import OversightWire
import Synchronization
import Testing

@testable import OversightCoordinator

/// A coordinator restarted across a daylight-saving change (issue 15, "clock trouble"): Lisbon leaves summer time at
/// 02:00 WEST on Sunday 25 October 2026 (01:00 UTC), and the hour 01:00–02:00 local happens twice. A ticket created
/// on Saturday at 22:00 WEST under a 24/7 calendar in Europe/Lisbon is due 8 hours of real time later, 05:00 UTC
/// (05:00 WET) — not 06:00, which adding 8 hours to the local clock would give. The first engine records the
/// first-reply events before the change; a new engine on the same store, started in the repeated hour, schedules
/// the resolution clock's at-risk and breach at their true instants and records nothing twice.
@Suite struct SLADaylightSavingRestartTests {
    static let contractYAML = """
        provider: acme
        calendars:
          lisbon:
            time_zone: Europe/Lisbon
            hours: 24/7
        versions:
          - effective_from: 2020-01-01
            calendar: lisbon
            targets:
              first_reply: 1h
              resolution: 8h
        """

    static func instant(_ text: String) throws -> Date {
        try #require(ISO8601DateFormatter().date(from: text))
    }

    @Test func deadlinesKeepTheirTrueInstantsWhenTheCoordinatorRestartsInTheRepeatedHour() async throws {
        let store = try SQLiteStore()
        let contract = try Contract(yaml: Self.contractYAML, file: "acme.contract.yaml", baseDirectory: "/")
        let events = SLAEngineTests.EventLog()
        let created = try Self.instant("2026-10-24T21:00:00Z")  // 22:00 WEST
        let ticket = TicketRecord(
            provider: "acme", site: "lisbon", id: "DST-1", status: .new, createdAt: created, updatedAt: created,
            statusChanges: [.init(status: .new, at: created)]
        )
        try await store.createToken(hash: "t", provider: "acme", site: "lisbon", createdAt: created, expiresAt: created + 60)
        _ = try await store.consumeToken(
            hash: "t", agent: NewAgent(id: "agt", hostname: "h", signingKey: "x", certificateSerial: "1", certificateNotAfter: created), now: created
        )
        _ = try await store.commit(
            IncomingBatch(
                agentId: "agt", seq: 1, hash: "h1", prev: genesisBatchHash, jws: FlattenedJWS(protected: "p", payload: "p", signature: "s"),
                receivedAt: created, tickets: [ticket]
            )
        )

        // Before the change: the first engine records the first reply's at-risk (48 min) and breach (1 h).
        let before = SLAEngine(contracts: ["acme": contract], store: store, logger: Logger(label: "test")) { events.append($0) }
        await before.observe([ticket], now: created + 60)
        #expect(await before.fireDue(now: created + 48 * 60) == 1)
        #expect(await before.fireDue(now: created + 3600 + 0.2) == 1)
        #expect(events.all.map { "\($0.clock) \($0.kind)" } == ["first_reply at-risk", "first_reply breach"])

        // Restart at 01:30 WET, the second 01:30 of the night (00:30 UTC was the first).
        let restartAt = try Self.instant("2026-10-25T01:30:00Z")
        let after = SLAEngine(contracts: ["acme": contract], store: store, logger: Logger(label: "test")) { events.append($0) }
        try await after.rebuild(now: restartAt)
        let atRisk = try Self.instant("2026-10-25T03:24:00Z")  // 80 % of 8 h after 21:00 UTC
        let due = try Self.instant("2026-10-25T05:00:00Z")
        #expect(await after.delay(now: restartAt) == .seconds(atRisk.timeIntervalSince(restartAt)))
        #expect(await after.fireDue(now: atRisk - 1) == 0)
        #expect(await after.fireDue(now: atRisk) == 1)
        #expect(await after.fireDue(now: due - 1) == 0, "the resolution breached before its true instant")
        #expect(await after.fireDue(now: due + 0.2) == 1)
        let breach = try #require(events.all.last)
        #expect(breach.kind == "breach" && breach.clock == "resolution")
        #expect(breach.at == due, "resolution breach recorded at \(breach.at), due \(due)")
        #expect(events.all.filter { $0.clock == "first_reply" }.count == 2, "the restart recorded a first-reply event again")
        let state = try #require(try await store.ticketSLA(provider: "acme", id: "DST-1"))
        #expect(state.state == "breached")
    }
}
