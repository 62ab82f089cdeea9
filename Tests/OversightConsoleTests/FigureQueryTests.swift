//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightModel
import OversightStore
import OversightWire
import Testing

@testable import OversightConsole

/// A store holding tickets with known outcomes on 2026-03-10 (UTC):
///
/// | ticket | first reply | resolution | open | CSAT |
/// |---|---|---|---|---|
/// | T1 | met 10:00 | met 12:00 | | 5 |
/// | T2 | missed 10:30 (replied 11:00) | — | created 09:00 | |
/// | T3 | met at the solve 09:00 (no reply) | met 09:00 | | 3 |
/// | T4 | met 08:00 | missed 12:00 (solved 13:00) | | 4 |
/// | T5 | no contract: not counted | | created 12:00 | |
/// | T6 | met 2026-03-09 23:30 UTC (10 Mar in Kolkata) | | created 9 Mar 20:00 | |
/// | T7 | | | created 8 Mar 00:00 | |
/// | G1 (globex) | met 10:00 | | | 1 |
struct FigureStore {
    static let day = ISO8601DateFormatter().date(from: "2026-03-10T00:00:00Z")!
    static func at(_ hours: Double) -> Date { day.addingTimeInterval(hours * 3600) }
    let store: SQLiteStore

    init() async throws {
        self.store = try SQLiteStore()
        let h = Self.at
        let acme: [TicketRecord] = [
            TicketRecord(provider: "acme", site: "paris", id: "T1", status: .solved, createdAt: h(8), updatedAt: h(12), firstReplyAt: h(10), solvedAt: h(12), csat: 5),
            TicketRecord(provider: "acme", site: "paris", id: "T2", status: .open, createdAt: h(9), updatedAt: h(11), firstReplyAt: h(11)),
            TicketRecord(provider: "acme", site: "paris", id: "T3", status: .solved, createdAt: h(7), updatedAt: h(9), solvedAt: h(9), csat: 3),
            TicketRecord(provider: "acme", site: "lyon", id: "T4", status: .closed, createdAt: h(6), updatedAt: h(14), firstReplyAt: h(8), solvedAt: h(13), closedAt: h(14), csat: 4),
            TicketRecord(provider: "acme", site: "paris", id: "T5", status: .open, createdAt: h(12), updatedAt: h(12), firstReplyAt: h(12.5)),
            TicketRecord(provider: "acme", site: "paris", id: "T6", status: .open, createdAt: h(-4), updatedAt: h(-0.5), firstReplyAt: h(-0.5)),
            TicketRecord(provider: "acme", site: "paris", id: "T7", status: .open, createdAt: h(-48), updatedAt: h(-48)),
        ]
        let globex = [
            TicketRecord(provider: "globex", site: "berlin", id: "G1", status: .solved, createdAt: h(9), updatedAt: h(11), firstReplyAt: h(10), solvedAt: h(11), csat: 1)
        ]
        for (provider, site, agent, tickets) in [("acme", "paris", "agt_a", acme), ("globex", "berlin", "agt_g", globex)] {
            try await self.store.createToken(hash: "h-\(provider)", provider: provider, site: site, createdAt: h(-100), expiresAt: h(100))
            _ = try await self.store.consumeToken(
                hash: "h-\(provider)",
                agent: NewAgent(id: agent, hostname: "host", signingKey: "x", certificateSerial: "1", certificateNotAfter: h(1000)), now: h(-100)
            )
            _ = try await self.store.commit(
                IncomingBatch(
                    agentId: agent, seq: 1, hash: "hash-\(provider)", prev: genesisBatchHash,
                    jws: FlattenedJWS(protected: "p", payload: "x", signature: "s"), receivedAt: h(14), tickets: tickets
                )
            )
        }
        func state(_ provider: String, _ id: String, _ state: String) -> TicketSLAState {
            TicketSLAState(
                provider: provider, ticketId: id, state: state, firstReplyDue: nil, resolutionDue: state == "at_risk" ? h(15) : nil, atRiskAt: nil,
                breachedAt: nil, lateData: false, providerSeconds: 0, clientSeconds: 0, customerSeconds: 0, evaluatedAt: h(14)
            )
        }
        // T5 has no contract: the engine stored nothing for it.
        try await self.store.updateSLA([
            state("acme", "T1", "met"), state("acme", "T2", "breached"), state("acme", "T3", "met"), state("acme", "T4", "breached"),
            state("acme", "T6", "at_risk"), state("acme", "T7", "ok"), state("globex", "G1", "met"),
        ])
        for (id, site, clock, at) in [("T2", "paris", "first_reply", h(10.5)), ("T4", "lyon", "resolution", h(12))] {
            _ = try await self.store.recordSLAEvent(
                SLAEventRow(provider: "acme", site: site, ticketId: id, clock: clock, kind: "breach", at: at, detectedAt: at, lateData: false)
            )
        }
    }
}

@Suite struct FigureQueryTests {
    @Test func attainmentPerSiteAndClock() async throws {
        let fixture = try await FigureStore()
        let rows = try await fixture.store.dailyAttainment(from: FigureStore.at(-72), to: FigureStore.at(48))
        func find(_ provider: String, _ site: String, _ day: String, _ clock: String) -> (Int, Int)? {
            rows.first { $0.provider == provider && $0.site == site && $0.day == day && $0.clock == clock }.map { ($0.met, $0.due) }
        }
        // paris on the 10th: first reply T1 met, T2 missed, T3 met (solved without a reply); T5 has no contract.
        #expect(find("acme", "paris", "2026-03-10", "first_reply")! == (2, 3))
        #expect(find("acme", "paris", "2026-03-10", "resolution")! == (2, 2))
        #expect(find("acme", "lyon", "2026-03-10", "first_reply")! == (1, 1))
        #expect(find("acme", "lyon", "2026-03-10", "resolution")! == (0, 1))
        // T6 replied at 23:30 UTC on the 9th.
        #expect(find("acme", "paris", "2026-03-09", "first_reply")! == (1, 1))
        #expect(find("globex", "berlin", "2026-03-10", "first_reply")! == (1, 1))
        #expect(rows.count == 7)
    }

    @Test func attainmentDaysFollowTheContractTimeZone() async throws {
        let fixture = try await FigureStore()
        let kolkata = try #require(TimeZone(identifier: "Asia/Kolkata"))
        let rows = try await fixture.store.dailyAttainment(from: FigureStore.at(-72), to: FigureStore.at(48), provider: "acme", timeZones: ["acme": kolkata])
        // 23:30 UTC on the 9th is 05:00 on the 10th in Kolkata: T6 joins the 10th.
        let paris = rows.filter { $0.site == "paris" && $0.clock == "first_reply" }
        #expect(paris.map(\.day) == ["2026-03-10"])
        #expect(paris.first.map { ($0.met, $0.due) }! == (3, 4))
        #expect(!rows.contains { $0.provider == "globex" })
    }

    @Test func attainmentRangeIsHalfOpen() async throws {
        let fixture = try await FigureStore()
        // [10:00, 12:00): T1's reply (10:00) and T2's breach (10:30) are in; T1's solve and T4's breach (12:00) are not.
        let rows = try await fixture.store.dailyAttainment(from: FigureStore.at(10), to: FigureStore.at(12), provider: "acme")
        #expect(rows.map { "\($0.site) \($0.clock) \($0.met)/\($0.due)" } == ["paris first_reply 1/2"])
    }

    @Test func csatFromTickets() async throws {
        let fixture = try await FigureStore()
        let rows = try await fixture.store.dailyCSAT(from: FigureStore.at(0), to: FigureStore.at(24))
        let paris = try #require(rows.first { $0.provider == "acme" && $0.site == "paris" })
        #expect((paris.responses, paris.satisfied, paris.scoreSum) == (2, 1, 8))
        let lyon = try #require(rows.first { $0.provider == "acme" && $0.site == "lyon" })
        #expect((lyon.responses, lyon.satisfied, lyon.scoreSum) == (1, 1, 4))
        let berlin = try #require(rows.first { $0.provider == "globex" })
        #expect((berlin.responses, berlin.satisfied) == (1, 0))
    }

    @Test func backlogAndItsAge() async throws {
        let fixture = try await FigureStore()
        let rows = try await fixture.store.backlog(now: FigureStore.at(14))
        // Open in paris: T2 (5 h), T5 (2 h), T6 (18 h), T7 (62 h).
        let paris = try #require(rows.first { $0.provider == "acme" && $0.site == "paris" })
        #expect(paris.open == 4)
        #expect(paris.oldestCreatedAt == FigureStore.at(-48))
        #expect(abs((paris.medianAgeSeconds ?? 0) - 5 * 3600) < 0.01)
        #expect(abs((paris.p90AgeSeconds ?? 0) - 62 * 3600) < 0.01)
        #expect(rows.count == 1)
        #expect(try await fixture.store.backlog(now: FigureStore.at(14), provider: "globex").isEmpty)
    }

    @Test func atRiskNewestAndBreaches() async throws {
        let fixture = try await FigureStore()
        let atRisk = try await fixture.store.atRiskTickets(provider: "acme")
        #expect(atRisk.map(\.ticketId) == ["T6"])
        #expect(atRisk.first?.deadline == FigureStore.at(15))
        #expect(atRisk.first?.clock == "resolution")
        let newest = try await fixture.store.newestRecords()
        #expect(newest["acme"]?["lyon"] == FigureStore.at(14))
        #expect(newest["acme"]?["paris"] == FigureStore.at(12))
        let breaches = try await fixture.store.breaches(provider: "acme", from: FigureStore.at(0), to: FigureStore.at(24))
        #expect(breaches.map(\.ticketId) == ["T4", "T2"])
    }

    @Test func figureIndexesAreUsed() async throws {
        let fixture = try await FigureStore()
        try await fixture.store.ensureFigureIndexes()
        var plans: [String] = []
        for sql in [
            "SELECT provider, site, created_at FROM ticket WHERE status NOT IN ('solved', 'closed') ORDER BY provider, site, created_at",
            "SELECT COUNT(*) FROM sla_event WHERE kind = 'breach' AND at >= 0 AND at < 1",
            "SELECT COUNT(*) FROM ticket WHERE COALESCE(first_reply_at, solved_at) >= 0 AND COALESCE(first_reply_at, solved_at) < 1",
        ] {
            plans.append(try await fixture.store.queryPlan(sql))
        }
        #expect(plans[0].contains("ticket_open_age"))
        #expect(plans[1].contains("sla_event_by_time"))
        #expect(plans[2].contains("ticket_first_settled"))
    }

    @Test func periodsInAContractTimeZone() throws {
        let lisbon = PeriodCalendar(timeZone: try #require(TimeZone(identifier: "Europe/Lisbon")))
        // 2026-03-29 is the spring-forward day in Lisbon: 23 hours long.
        let day = lisbon.period("day", containing: ISO8601DateFormatter().date(from: "2026-03-29T12:00:00Z")!)
        #expect(day.key == "2026-03-29")
        #expect(day.to.timeIntervalSince(day.from) == 23 * 3600)
        let week = lisbon.period("week", containing: ISO8601DateFormatter().date(from: "2026-03-12T12:00:00Z")!)
        #expect(week.key == "2026-03-09" && week.lastDay == "2026-03-15")
        let month = try #require(lisbon.month("2026-02"))
        #expect(month.firstDay == "2026-02-01" && month.lastDay == "2026-02-28")
        #expect(lisbon.month("2026-13") == nil && lisbon.month("26-01") == nil && lisbon.month("2026-1x") == nil)
        let months = lisbon.periods("month", count: 3, endingAt: month.from)
        #expect(months.map(\.key) == ["2025-12", "2026-01", "2026-02"])
    }

    @Test func valuesAgainstTargets() {
        #expect(FigureValue(value: 0.95, sample: 20, target: 0.9).rag == "green")
        #expect(FigureValue(value: 0.87, sample: 20, target: 0.9).rag == "amber")
        #expect(FigureValue(value: 0.8, sample: 20, target: 0.9).standing == "missed")
        #expect(FigureValue(value: 0.8, sample: 20, target: 0.9).rag == "red")
        #expect(FigureValue(value: 0.04, sample: 20, target: 0.05, atMost: true).standing == "met")
        #expect(FigureValue(value: 40, sample: 20, target: 30, atMost: true, unit: "duration").rag == "red")
        #expect(FigureValue(value: nil, sample: 0, target: 0.9).standing == "no_data")
        #expect(FigureValue(value: 0.5, sample: 2, target: nil).standing == "no_target")
        #expect(FigureFormat.withTarget(FigureValue(value: 0.935, sample: 20, target: 0.9)) == "93.5% (target ≥ 90%, MET)")
    }
}
