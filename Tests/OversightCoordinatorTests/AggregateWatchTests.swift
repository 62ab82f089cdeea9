//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

import Foundation
import Logging
import OversightAlerts
import OversightLocalization
import OversightModel
import OversightSLA
import OversightStore
import OversightWire
import Testing

@testable import OversightCoordinator

/// Aggregate targets evaluated from stored interval reports and tickets: standings recorded, alerts raised and ended,
/// and the month's credit statement with its evidence.
@Suite struct AggregateWatchTests {
    /// 24/7 in UTC. Phone service level (20 s, ÷ offered − short abandons) ≥ 80 % per day; chat service level is scoped to
    /// chat (no chat intervals here: no data); CSAT top-2 box ≥ 85 % per month from tickets. Credits: 1 % of 10,000 per
    /// missed day of phone service level, 5 % per missed month of CSAT, capped at 3 %.
    static let contractYAML = """
        provider: acme
        calendars:
          always:
            time_zone: UTC
            hours: 24/7
        versions:
          - effective_from: 2026-01-01
            calendar: always
            targets:
              first_reply: 1h
            aggregates:
              - id: phone-sl
                figure: service_level
                match: {channel: phone}
                period: day
                target: 80%
                threshold: 20s
              - id: chat-sl
                figure: service_level
                match: {channel: chat}
                period: day
                target: 80%
                threshold: 20s
                variant: answered
              - id: csat
                figure: csat
                period: month
                target: 85%
            credits:
              monthly_fee: 10000
              currency: EUR
              monthly_cap: 3%
              per_miss:
                - {target: phone-sl, share: 1%}
                - {target: csat, share: 5%}
        """

    let store: SQLiteStore
    let directory: URL
    let router: AlertRouter
    let watch: AggregateWatch
    /// 2026-11-10 00:00 UTC.
    let day = Date(timeIntervalSince1970: 1_794_268_800)

    init() async throws {
        self.store = try SQLiteStore()
        self.directory = FileManager.default.temporaryDirectory.appendingPathComponent("oversight-aggregates-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: self.directory, withIntermediateDirectories: true)
        let contract = try Contract(yaml: Self.contractYAML, file: "acme.contract.yaml", baseDirectory: "/")
        self.router = try await AlertRouter(
            configuration: AlertsConfiguration(databasePath: self.directory.appendingPathComponent("alerts.sqlite").path), logger: Logger(label: "test")
        )
        self.watch = AggregateWatch(
            evaluator: AggregateEvaluator(store: self.store, contracts: ["acme": contract]), router: self.router, logger: Logger(label: "test")
        )
    }

    /// Enrols agent `agt` for acme and commits one batch per call.
    func commit(
        seq: Int64, intervals: [IntervalRecord] = [], tickets: [TicketRecord] = [], evaluations: [EvaluationRecord] = []
    ) async throws {
        if seq == 1 {
            try await self.store.createToken(hash: "t", provider: "acme", site: "paris", createdAt: self.day - 86_400, expiresAt: self.day)
            _ = try await self.store.consumeToken(
                hash: "t", agent: NewAgent(id: "agt", hostname: "h", signingKey: "x", certificateSerial: "1", certificateNotAfter: self.day),
                now: self.day - 86_400
            )
        }
        let previous = seq == 1 ? genesisBatchHash : "h\(seq - 1)"
        _ = try await self.store.commit(
            IncomingBatch(
                agentId: "agt", seq: seq, hash: "h\(seq)", prev: previous, jws: FlattenedJWS(protected: "p", payload: "p", signature: "s"),
                receivedAt: self.day, tickets: tickets, intervals: intervals, evaluations: evaluations
            )
        )
    }

    /// One hour of the phone queue: 300 s handle time per answered call, `agents` staffed.
    func interval(_ hour: Int, offered: Int, within: Int, shortAbandons: Int = 0, abandoned: Int = 0, agents: Int = 20) -> IntervalRecord {
        IntervalRecord(
            provider: "acme", site: "paris", queue: "billing", channel: .phone, start: self.day + Double(hour) * 3600, minutes: 60,
            thresholdSeconds: 20, offered: offered, answered: offered - abandoned, answeredWithinThreshold: within, abandoned: abandoned,
            shortAbandons: shortAbandons, totalAnswerDelaySeconds: 100, totalHandleTimeSeconds: Double(offered - abandoned) * 300,
            agentsStaffed: agents,
            updatedAt: self.day + Double(hour + 1) * 3600
        )
    }

    @Test func serviceLevelIsSummedFromCountsAndProjectedWithAnAlertWhenAtRisk() async throws {
        // Hour 0: 100 offered (10 short abandons, 10 abandoned in all), 81 within 20 s → 81 / 90 = 90 %.
        // Hour 1: 300 offered, 150 within → the day so far 231 / 390 = 59.2 % (averaging the hours' percentages would say 70 %).
        try await self.commit(seq: 1, intervals: [self.interval(0, offered: 100, within: 81, shortAbandons: 10, abandoned: 10), self.interval(1, offered: 300, within: 150)])
        let now = self.day + 2 * 3600
        try await self.watch.evaluate(now: now)

        let standings = try await self.store.aggregateStandings(provider: "acme", containing: now)
        let phone = try #require(standings.first { $0.targetId == "phone-sl" })
        #expect(abs((phone.value ?? 0) - 231.0 / 390.0) < 1e-9)
        #expect(phone.variant == "offered_minus_short_abandons")
        // Head office's reference variant is the same here; the chat target's own variant (÷ answered) differs from it.
        #expect(abs((phone.referenceValue ?? 0) - 231.0 / 390.0) < 1e-9)
        #expect(phone.periodLabel == "2026-11-10")
        // 300 calls an hour at 300 s is 25 Erlangs: 20 agents cannot keep up (Erlang C: everyone waits), so the rest of
        // the day is projected short too.
        #expect(phone.state == "at risk", "\(phone.summary)")
        #expect(phone.summary.contains("80"))
        let chat = try #require(standings.first { $0.targetId == "chat-sl" })
        #expect(chat.value == nil)
        #expect(chat.state == "no data")
        #expect(chat.referenceVariant == "offered_minus_short_abandons")

        let open = try await self.router.center.openAlerts()
        let atRisk = try #require(open.first { $0.kind == .aggregateAtRisk })
        #expect(atRisk.subject.detail == "phone-sl")
        #expect(atRisk.subject.period == "2026-11-10")
        #expect(!open.contains { $0.subject.detail == "chat-sl" })

        // Evaluating again raises nothing new.
        try await self.watch.evaluate(now: now + 30)
        #expect(try await self.router.center.openAlerts().filter { $0.kind == .aggregateAtRisk }.count == 1)

        // A good rest of the day puts it back on track: the at-risk alert ends.
        try await self.commit(seq: 2, intervals: (2..<12).map { self.interval($0, offered: 300, within: 295, agents: 32) })
        try await self.watch.evaluate(now: self.day + 12 * 3600)
        let later = try #require(try await self.store.aggregateStandings(provider: "acme", containing: self.day + 12 * 3600).first { $0.targetId == "phone-sl" })
        #expect(later.state == "on track")
        #expect(try await self.router.center.openAlerts().filter { $0.kind == .aggregateAtRisk }.isEmpty)
    }

    @Test func aClosedDayThatMissedRaisesAggregateMissed() async throws {
        try await self.commit(seq: 1, intervals: [self.interval(0, offered: 100, within: 50)])
        // The next day: the 10th is closed at 50 %.
        try await self.watch.evaluate(now: self.day + 86_400 + 60)
        let closed = try #require(
            try await self.store.aggregateStandings(provider: "acme").first { $0.targetId == "phone-sl" && $0.periodLabel == "2026-11-10" }
        )
        #expect(closed.state == "missed")
        #expect(closed.value == 0.5)
        let missed = try await self.router.center.openAlerts().filter { $0.kind == .aggregateMissed }
        #expect(missed.map(\.subject.period) == ["2026-11-10"])
        // The alert's text: the figures in numbers, each reader's language and locale.
        let alert = try #require(missed.first)
        #expect(alert.summary.contains("missed its target for 2026-11-10: 50%, target ≥"), "\(alert.summary)")
        func spaced(_ text: String) -> String { text.replacingOccurrences(of: "\u{A0}", with: " ") }  // the locales' no-break spaces
        #expect(spaced(alert.summary(in: Localizer(.german))) == "acme phone-sl (Servicelevel, angeboten abzüglich Kurzabbrecher) hat sein Ziel für 2026-11-10 verfehlt: 50 %, Ziel ≥ 80 %")
        #expect(spaced(alert.summary(in: Localizer(.russian))) == "acme phone-sl (Уровень обслуживания, поступившие без коротких сбросов) не достиг цели за 2026-11-10: 50 %, цель ≥ 80 %")
    }

    @Test func theMonthsCreditStatementCountsMissedDaysCapsAndCarriesEvidence() async throws {
        // Four days with data in November: two miss phone service level (1 % each), two meet it.
        try await self.commit(
            seq: 1,
            intervals: [
                self.interval(0, offered: 100, within: 50), self.interval(24, offered: 100, within: 90),
                self.interval(48, offered: 100, within: 10), self.interval(72, offered: 100, within: 95),
            ],
            tickets: [
                // CSAT from solved tickets: 1 of 2 satisfied = 50 % → the month misses 85 % (5 %), capped at 3 % in all.
                TicketRecord(
                    provider: "acme", site: "paris", id: "T-1", status: .solved, createdAt: self.day, updatedAt: self.day + 600,
                    firstReplyAt: self.day + 60, solvedAt: self.day + 600, csat: 5
                ),
                TicketRecord(
                    provider: "acme", site: "paris", id: "T-2", status: .solved, createdAt: self.day, updatedAt: self.day + 600,
                    firstReplyAt: self.day + 60, solvedAt: self.day + 600, csat: 2
                ),
            ]
        )
        let evaluator = AggregateEvaluator(store: self.store, contracts: self.watch.evaluator.contracts)
        let statement = try await evaluator.creditStatement(provider: "acme", month: "2026-11", now: self.day + 40 * 86_400)
        let owedDays = statement.lines.filter { $0.targetID == "phone-sl" && $0.state == .owed }.map(\.period.description)
        #expect(owedDays == ["2026-11-10", "2026-11-12"])
        #expect(statement.lines.contains { $0.targetID == "csat" && $0.state == .owed })
        #expect(statement.uncappedOwedShare > 0.069 && statement.uncappedOwedShare < 0.071)
        #expect(statement.owedShare == 0.03)
        #expect(statement.capped)
        #expect(statement.owedAmount == 300)
        // The evidence names every interval report of the month with the signed batch that carried it.
        #expect(statement.evidence.filter { $0.kind == .interval }.count == 4)
        #expect(statement.evidence.allSatisfy { $0.agent == "agt" && $0.seq == 1 })

        await #expect(throws: CoordinatorError.self) { try await evaluator.creditStatement(provider: "acme", month: "2026-13") }
        await #expect(throws: CoordinatorError.self) { try await evaluator.creditStatement(provider: "nobody", month: "2026-11") }
    }

    @Test func qaTargetsAreComputedFromCommittedEvaluations() async throws {
        let yaml = """
            provider: acme
            calendars:
              always:
                time_zone: UTC
                hours: 24/7
            versions:
              - effective_from: 2026-01-01
                calendar: always
                targets:
                  first_reply: 1h
                aggregates:
                  - id: qa
                    figure: qa_score
                    period: month
                    target: 85
                  - id: high-impact
                    figure: high_impact_error_rate
                    period: month
                    target: 2%
                  - id: qa-chat
                    figure: qa_score
                    match: {channel: chat}
                    period: month
                    target: 85
            """
        let contract = try Contract(yaml: yaml, file: "acme.contract.yaml", baseDirectory: "/")
        let watch = AggregateWatch(
            evaluator: AggregateEvaluator(store: self.store, contracts: ["acme": contract]), router: self.router, logger: Logger(label: "test")
        )
        func evaluation(_ id: String, score: Double, high: Int = 0, channel: ContactChannel? = nil, days: Double = 0) -> EvaluationRecord {
            EvaluationRecord(
                provider: "acme", site: "paris", id: id, interactionRef: "T-\(id)", channel: channel, evaluator: "p_ee", scorecard: "support",
                scorecardVersion: "3", evaluatedAt: self.day + days * 86_400 + 3600, highImpactErrors: high, lowImpactErrors: 0, score: score,
                updatedAt: self.day + 7200
            )
        }
        // Four evaluations in November: 90 + 96 + 80 + 0 (zeroed by a high-impact error) → QA score 66.5, 1 of 4 flagged
        // → 25 % high-impact errors; only two are chat: (90 + 96) / 2 = 93. One in December counts in neither.
        try await self.commit(
            seq: 1,
            evaluations: [
                evaluation("E1", score: 90, channel: .chat), evaluation("E2", score: 96, channel: .chat), evaluation("E3", score: 80),
                evaluation("E4", score: 0, high: 1), evaluation("E5", score: 10, high: 2, days: 25),
            ]
        )
        let now = self.day + 86_400
        try await watch.evaluate(now: now)
        let standings = try await self.store.aggregateStandings(provider: "acme", containing: now)
        let qa = try #require(standings.first { $0.targetId == "qa" })
        #expect(qa.value == 66.5)
        #expect(qa.unit == "score")
        #expect(qa.periodLabel == "2026-11")
        let errors = try #require(standings.first { $0.targetId == "high-impact" })
        #expect(errors.value == 0.25)
        #expect(errors.state != "no data")
        let chat = try #require(standings.first { $0.targetId == "qa-chat" })
        #expect(chat.value == 93)

        // The credit evidence of the month lists the evaluations with their batch.
        let evidence = try await self.store.evidence(provider: "acme", from: self.day - 9 * 86_400, to: self.day + 21 * 86_400)
        #expect(evidence.filter { $0.kind == "evaluation" }.map(\.key) == ["E1", "E2", "E3", "E4"])
    }
}
