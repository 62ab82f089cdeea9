//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

import Foundation
import Logging
import OversightAlerts
import OversightModel
@testable import OversightStore
import Testing

@testable import OversightCoordinator

@Suite struct AlertRouterTests {
    let router: AlertRouter
    let at = Date(timeIntervalSince1970: 1_790_000_000)

    init() async throws {
        let directory = NSTemporaryDirectory() + "alerts-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        self.router = try await AlertRouter(configuration: AlertsConfiguration(databasePath: directory + "/alerts.sqlite"), logger: Logger(label: "t"))
    }

    func event(_ kind: String, ticket: String = "T1", late: Bool = false) -> SLAEventRow {
        SLAEventRow(provider: "acme", site: "paris", ticketId: ticket, clock: "first_reply", kind: kind, at: self.at, detectedAt: self.at, lateData: late)
    }

    @Test func atRiskThenBreachThenSolvedWalksTheLifecycle() async throws {
        await self.router.slaEvent(self.event("at-risk"))
        var open = try await self.router.center.openAlerts()
        #expect(open.map(\.kind) == [.ticketAtRisk])
        #expect(open.first?.labels["ticket"] == "T1" && open.first?.labels["provider"] == "acme")

        await self.router.slaEvent(self.event("breach", late: true))
        open = try await self.router.center.openAlerts()
        #expect(open.map(\.kind) == [.ticketBreached], "the breach replaces the at-risk alert")
        #expect(open.first?.summary.contains("found late") == true)
        #expect(open.first?.startsAt == self.at)

        let solved = TicketRecord(provider: "acme", site: "paris", id: "T1", status: .solved, createdAt: self.at, updatedAt: self.at + 600)
        await self.router.ticketsSettled([solved])
        #expect(try await self.router.center.openAlerts().isEmpty)
        #expect(try await self.router.center.history(limit: 10).allSatisfy { $0.state == .resolved })
    }

    @Test func silentAgentsRaiseAndRecover() async throws {
        var agent = AgentRow(
            id: "agt_1", provider: "acme", site: "paris", hostname: "h", signingKey: "x", certificateSerial: "1",
            certificateNotAfter: self.at + 86400, enrolledAt: self.at - 3600, revokedAt: nil, lastSeq: 0, lastHash: genesisBatchHash,
            lastBatchAt: nil, lastHeartbeatAt: self.at, version: nil, outboxDepth: nil, outboxBytes: nil, oldestUnsentAgeSeconds: nil,
            outboxFull: false, lastSourceError: nil, connected: true
        )
        await self.router.checkSilence(agents: [agent], now: self.at + 60, silentAfter: .seconds(300))
        #expect(try await self.router.center.openAlerts().isEmpty)
        await self.router.checkSilence(agents: [agent], now: self.at + 301, silentAfter: .seconds(300))
        let open = try await self.router.center.openAlerts()
        #expect(open.map(\.kind) == [.agentSilent] && open.first?.labels["agent"] == "agt_1")
        agent.lastHeartbeatAt = self.at + 400
        await self.router.checkSilence(agents: [agent], now: self.at + 401, silentAfter: .seconds(300))
        #expect(try await self.router.center.openAlerts().isEmpty)
    }

    @Test func securityEventsOfOneKindFromOneAgentAreOneAlert() async throws {
        for _ in 0..<3 {
            await self.router.securityEvent(kind: "bad_signature", agent: nil, address: "10.0.0.9:5000", detail: "signature does not verify")
        }
        let open = try await self.router.center.openAlerts()
        #expect(open.count == 1 && open.first?.kind == .securityEvent && open.first?.raiseCount == 3)
    }
}
