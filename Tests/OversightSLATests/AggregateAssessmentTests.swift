//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightSLA
import Testing

/// Projection to period end: trend, what the rest must achieve, certain misses, Erlang C, closed periods.
@Suite struct AggregateAssessmentTests {
    static let berlin = TimeZone(identifier: "Europe/Berlin")!
    static let march = ContractPeriod(.month, containing: CivilDate(year: 2026, month: 3, day: 1), in: berlin)
    static let serviceLevel = AggregateTarget(
        id: "chat-service-level", figure: .serviceLevel(threshold: .seconds(20), variant: .offeredMinusShortAbandons), period: .month,
        comparison: .atLeast, target: 0.8
    )
    static let asa = AggregateTarget(id: "chat-asa", figure: .asa, period: .month, comparison: .atMost, target: 30)

    /// Offered 1,000 with 20 short abandons (denominator 980), `within` answered within 20 s.
    static func totals(within: Int) -> AggregateTotals {
        AggregateTotals(intervals: IntervalTotals(offered: 1_000, answered: 940, answeredWithinThreshold: within, abandoned: 60, shortAbandons: 20))
    }

    @Test func onTrack() {
        let assessment = Self.serviceLevel.assess(totals: Self.totals(within: 800), period: Self.march, elapsedShare: 0.5, closed: false)
        #expect(assessment.state == .onTrack)
        #expect(assessment.soFar.value == 800.0 / 980)
        #expect(assessment.projected == 800.0 / 980)
        #expect(assessment.expectedRemaining == 980)
        // (0.8 × 1,960 − 800) ÷ 980 = 78.4 % would do.
        #expect(assessment.neededOverRemainder.map { abs($0 - 768.0 / 980) < 1e-12 } == true)
        #expect(assessment.summary == "at the current rate the month ends at 81.6 %, target ≥ 80.0 %")
    }

    @Test func atRiskSaysWhatTheRestMustAchieve() {
        let assessment = Self.serviceLevel.assess(totals: Self.totals(within: 749), period: Self.march, elapsedShare: 0.5, closed: false)
        #expect(assessment.state == .atRisk)
        // (1,568 − 749) ÷ 980 = 83.6 %.
        #expect(assessment.neededOverRemainder.map { abs($0 - 819.0 / 980) < 1e-12 } == true)
        #expect(
            assessment.summary == "at the current rate the month ends at 76.4 %, target ≥ 80.0 %; needs 83.6 % over the rest of the month to reach 80.0 %"
        )
    }

    @Test func certainMissWhenEvenAPerfectRestFallsShort() {
        // 90 % elapsed: 980 × 0.1 ÷ 0.9 = 108.9 more expected; 600 + 108.9 of 1,088.9 is 65.1 % at best.
        let assessment = Self.serviceLevel.assess(totals: Self.totals(within: 600), period: Self.march, elapsedShare: 0.9, closed: false)
        #expect(assessment.state == .missed)
        #expect(assessment.neededOverRemainder.map { $0 > 1 } == true)
        #expect(assessment.summary == "the month cannot reach target ≥ 80.0 %: even 100.0 % over the rest of the month ends it at 65.1 % (so far 61.2 %)")
        // Earlier in the month the same figure is only at risk: the rest could still make it.
        #expect(Self.serviceLevel.assess(totals: Self.totals(within: 600), period: Self.march, elapsedShare: 0.5, closed: false).state == .atRisk)
    }

    @Test func certainMissOfAnAtMostFigure() {
        // ASA 63.8 s with 90 % elapsed: even answering the rest at once (0 s) leaves 57.4 s.
        var totals = AggregateTotals()
        totals.intervals.answered = 940
        totals.intervals.totalAnswerDelay = .seconds(60_000)
        let late = Self.asa.assess(totals: totals, period: Self.march, elapsedShare: 0.9, closed: false)
        #expect(late.state == .missed)
        #expect(late.summary.hasPrefix("the month cannot reach target ≤ 30.0 s: even 0.0 s over the rest of the month ends it at 57.4 s"))
        // Early on, 0 s < needed < ∞: at risk.
        let early = Self.asa.assess(totals: totals, period: Self.march, elapsedShare: 0.1, closed: false)
        #expect(early.state == .atRisk)
        totals.intervals.totalAnswerDelay = .seconds(14_100)
        #expect(Self.asa.assess(totals: totals, period: Self.march, elapsedShare: 0.9, closed: false).state == .onTrack)
    }

    @Test func closedPeriodsAreMetOrMissed() {
        let met = Self.serviceLevel.assess(totals: Self.totals(within: 800), period: Self.march, at: Self.march.end, calendar: .twentyFourSeven(in: Self.berlin))
        #expect(met.state == .met)
        #expect(met.summary == "the month 2026-03 ended at 81.6 %, target ≥ 80.0 %: met")
        let missed = Self.serviceLevel.assess(totals: Self.totals(within: 780), period: Self.march, elapsedShare: 1, closed: true)
        #expect(missed.state == .missed)
        #expect(missed.summary == "the month 2026-03 ended at 79.6 %, target ≥ 80.0 %: missed")
    }

    @Test func noData() {
        let open = Self.serviceLevel.assess(totals: .zero, period: Self.march, elapsedShare: 0.4, closed: false)
        #expect(open.state == .noData && open.projected == nil && open.soFar.value == nil)
        #expect(open.summary == "no data yet this month")
        let closed = Self.serviceLevel.assess(totals: .zero, period: Self.march, elapsedShare: 1, closed: true)
        #expect(closed.state == .noData)
        #expect(closed.summary == "no data for the month 2026-03")
    }

    @Test func noBusinessTimeLeftMakesTheValueSoFarFinal() {
        let calendar = TestSupport.calendar("Europe/Berlin", TestSupport.weekdays0820)
        let saturday = TestSupport.date("2026-03-28 10:00", "Europe/Berlin")
        var target = Self.serviceLevel
        target.period = .week
        let week = ContractPeriod(.week, containing: saturday, in: Self.berlin)
        let assessment = target.assess(totals: Self.totals(within: 780), period: week, at: saturday, calendar: calendar)
        #expect(assessment.elapsedShare == 1)
        #expect(assessment.state == .missed)
        #expect(assessment.summary == "no business time left this week: the week ends at 79.6 %, target ≥ 80.0 %")
        #expect(target.assess(totals: Self.totals(within: 800), period: week, at: saturday, calendar: calendar).state == .onTrack)
    }

    @Test func assessesByBusinessTimeFromAnInstant() {
        let calendar = TestSupport.calendar("Europe/Berlin", TestSupport.weekdays0820)
        let assessment = Self.serviceLevel.assess(
            totals: Self.totals(within: 749), period: Self.march, at: TestSupport.date("2026-03-04 14:00", "Europe/Berlin"), calendar: calendar
        )
        #expect(abs(assessment.elapsedShare - 30.0 / 264) < 1e-12)
        #expect(assessment.expectedRemaining.map { abs($0 - 980 * 234 / 30) < 1e-9 } == true)
        #expect(assessment.state == .atRisk)
    }

    /// The last hour: 200 offered, 180 s AHT (10 Erlangs) with `agents` staffed.
    static func recent(agents: Int) -> IntervalTotals {
        IntervalTotals(
            intervals: 4, coveredTime: .seconds(3600), staffedTime: .seconds(3600 * agents), offered: 200, answered: 200, handled: 200,
            totalHandleTime: .seconds(36_000)
        )
    }

    @Test func erlangCProjectsFromRecentStaffing() throws {
        // 11 agents for 10 Erlangs: P(wait) 0.682, SL(20 s) 0.390; the remaining 980 at 39.0 % pull 81.6 % down to 60.3 %.
        let under = Self.serviceLevel.assess(totals: Self.totals(within: 800), period: Self.march, elapsedShare: 0.5, closed: false, recent: Self.recent(agents: 11))
        let estimate = try #require(under.erlangC)
        #expect(estimate.agents == 11 && estimate.traffic == 10 && estimate.handleTime == .seconds(180))
        #expect(abs(estimate.probabilityOfWaiting - 0.6821) < 5e-5)
        #expect(abs(estimate.serviceLevel - 0.3896) < 5e-5)
        #expect(under.trend == 800.0 / 980)
        #expect(under.projected.map { abs($0 - (800 + estimate.serviceLevel * 980) / 1960) < 1e-12 } == true)
        #expect(under.state == .atRisk)
        #expect(
            under.summary
                == "at current staffing (11 agents for 10.0 Erl) the rest of the month runs at 39.0 % and the month ends at 60.3 %, target ≥ 80.0 %; needs 78.4 % over the rest of the month to reach 80.0 %"
        )
        // 14 agents: SL 0.888; the month ends at 85.2 %.
        let staffed = Self.serviceLevel.assess(totals: Self.totals(within: 800), period: Self.march, elapsedShare: 0.5, closed: false, recent: Self.recent(agents: 14))
        #expect(staffed.state == .onTrack)
        #expect(staffed.projected.map { abs($0 - 0.85232) < 1e-4 } == true)
        // Erlang C applies to service level only; without staffing the trend stands.
        #expect(Self.asa.assess(totals: Self.totals(within: 800), period: Self.march, elapsedShare: 0.5, closed: false, recent: Self.recent(agents: 11)).erlangC == nil)
        var noStaff = Self.recent(agents: 0)
        noStaff.staffedTime = .zero
        noStaff.coveredTime = .zero
        #expect(Self.serviceLevel.assess(totals: Self.totals(within: 800), period: Self.march, elapsedShare: 0.5, closed: false, recent: noStaff).erlangC == nil)
    }

    @Test func erlangCWithNoMoreAgentsThanTrafficProjectsZeroForTheRest() throws {
        let assessment = Self.serviceLevel.assess(totals: Self.totals(within: 800), period: Self.march, elapsedShare: 0.5, closed: false, recent: Self.recent(agents: 10))
        let estimate = try #require(assessment.erlangC)
        #expect(estimate.probabilityOfWaiting == 1 && estimate.serviceLevel == 0)
        #expect(assessment.projected == 800.0 / 1960)
        #expect(assessment.state == .atRisk)
    }
}
