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

@Suite struct SLAEngineTests {
    /// 24/7 in UTC, first reply 1 h (at risk at 80 % = 48 min), resolution 8 h.
    static let contractYAML = """
        provider: acme
        calendars:
          always:
            time_zone: UTC
            hours: 24/7
        versions:
          - effective_from: 2020-01-01
            calendar: always
            targets:
              first_reply: 1h
              resolution: 8h
        """

    let store: SQLiteStore
    let engine: SLAEngine
    let events = EventLog()
    let created = Date(timeIntervalSince1970: 1_790_000_000)

    final class EventLog: Sendable {
        let events = Mutex<[SLAEventRow]>([])
        func append(_ event: SLAEventRow) { self.events.withLock { $0.append(event) } }
        var all: [SLAEventRow] { self.events.withLock { $0 } }
    }

    init() async throws {
        self.store = try SQLiteStore()
        let contract = try Contract(yaml: Self.contractYAML, file: "acme.contract.yaml", baseDirectory: "/")
        let log = self.events
        self.engine = SLAEngine(contracts: ["acme": contract], store: self.store, logger: Logger(label: "test")) { log.append($0) }
    }

    func ticket(_ id: String, status: TicketStatus = .new, firstReply: Date? = nil, updated: Date? = nil) -> TicketRecord {
        TicketRecord(
            provider: "acme", site: "paris", id: id, status: status, createdAt: self.created, updatedAt: updated ?? self.created,
            firstReplyAt: firstReply, statusChanges: [.init(status: .new, at: self.created)]
        )
    }

    /// Stores tickets the way a committed batch does, so the engine can read them back when deadlines fire.
    func store(_ tickets: [TicketRecord]) async throws {
        try await self.store.createToken(hash: "t", provider: "acme", site: "paris", createdAt: self.created, expiresAt: self.created + 60)
        _ = try await self.store.consumeToken(
            hash: "t", agent: NewAgent(id: "agt", hostname: "h", signingKey: "x", certificateSerial: "1", certificateNotAfter: self.created),
            now: self.created
        )
        _ = try await self.store.commit(
            IncomingBatch(
                agentId: "agt", seq: 1, hash: "h1", prev: genesisBatchHash, jws: FlattenedJWS(protected: "p", payload: "p", signature: "s"),
                receivedAt: self.created, tickets: tickets
            )
        )
    }

    @Test func firesAtRiskThenBreachAtTheirMomentsNotLate() async throws {
        let ticket = self.ticket("T1")
        try await self.store([ticket])
        await self.engine.observe([ticket], now: self.created + 60)
        #expect(try await self.store.ticketSLA(provider: "acme", id: "T1")?.state == "ok")
        #expect(await self.engine.delay(now: self.created + 60) == .seconds(47 * 60))

        #expect(await self.engine.fireDue(now: self.created + 48 * 60) == 1)
        #expect(self.events.all.map(\.kind) == ["at-risk"])
        #expect(try await self.store.ticketSLA(provider: "acme", id: "T1")?.state == "at_risk")

        #expect(await self.engine.fireDue(now: self.created + 3600 + 0.2) == 1)
        let breach = try #require(self.events.all.last)
        #expect(breach.kind == "breach" && breach.clock == "first_reply")
        #expect(breach.at == self.created + 3600)
        #expect(!breach.lateData)
        let state = try #require(try await self.store.ticketSLA(provider: "acme", id: "T1"))
        #expect(state.state == "breached" && state.breachedAt == self.created + 3600)
        // The resolution clock is still running: its at-risk moment (80 % of 8 h) is next.
        #expect(await self.engine.delay(now: self.created + 3601) == .seconds(6.4 * 3600 - 3601))
    }

    @Test func lateDataRecordsTheTrueBreachInstantFlagged() async throws {
        let ticket = self.ticket("T2")
        try await self.store([ticket])
        // The agent was offline: the engine first sees the ticket 3 hours after it was created.
        await self.engine.observe([ticket], now: self.created + 3 * 3600)
        let breach = try #require(self.events.all.first { $0.kind == "breach" })
        #expect(breach.at == self.created + 3600)
        #expect(breach.lateData)
        #expect(try await self.store.ticketSLA(provider: "acme", id: "T2")?.lateData == true)
        // Recorded once: seeing the same ticket again adds nothing.
        let count = self.events.all.count
        await self.engine.observe([ticket], now: self.created + 3 * 3600 + 10)
        #expect(self.events.all.count == count)
        #expect(try await self.store.slaEvents(limit: 10).count == count)
    }

    @Test func aReplyInTimeCancelsTheFirstReplyDeadline() async throws {
        let replied = self.ticket("T3", status: .open, firstReply: self.created + 600, updated: self.created + 600)
        try await self.store([replied])
        await self.engine.observe([replied], now: self.created + 601)
        #expect(await self.engine.fireDue(now: self.created + 3600 + 1) == 0)
        #expect(self.events.all.isEmpty)
        let solved = TicketRecord(
            provider: "acme", site: "paris", id: "T3", status: .solved, createdAt: self.created, updatedAt: self.created + 1200,
            firstReplyAt: self.created + 600, solvedAt: self.created + 1200,
            statusChanges: [.init(status: .new, at: self.created), .init(status: .solved, at: self.created + 1200)]
        )
        await self.engine.observe([solved], now: self.created + 1201)
        #expect(await self.engine.scheduledCount == 0)
        #expect(try await self.store.ticketSLA(provider: "acme", id: "T3")?.state == "met")
    }

    @Test func rebuildSchedulesEveryOpenTicketFromTheStore() async throws {
        try await self.store([self.ticket("A"), self.ticket("B"), self.ticket("C", status: .solved)])
        try await self.engine.rebuild(now: self.created + 10)
        #expect(await self.engine.scheduledCount == 2)
    }

    @Test func ticketsWithoutAContractAreNotScheduled() async throws {
        let other = TicketRecord(provider: "globex", site: "x", id: "G1", status: .new, createdAt: self.created, updatedAt: self.created)
        await self.engine.observe([other], now: self.created)
        #expect(await self.engine.scheduledCount == 0)
    }
}
