//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// What accepted disputes take out of a period's totals: excluded windows clipped and merged, their totals subtracted,
// and a disputed ticket taken out only when no window already took it.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightModel
import Testing

@testable import OversightSLA

@Suite struct DisputeExclusionsTests {
    static let utc = TimeZone(identifier: "UTC")!
    static let day = ContractPeriod(.day, containing: CivilDate(year: 2026, month: 11, day: 3), in: utc)
    static let frt = AggregateTarget(id: "frt", figure: .ticketAttainment(target: .firstReply), period: .day, comparison: .atLeast, target: 0.85)
    static let sl = AggregateTarget(id: "sl", figure: .serviceLevel(threshold: .seconds(20), variant: .offered), period: .day, comparison: .atLeast, target: 0.8)

    static func at(_ hour: Double) -> Date { Self.day.start.addingTimeInterval(hour * 3600) }

    static func ticket(_ id: String) -> TicketRecord {
        TicketRecord(provider: "acme", site: "lisbon", id: id, channel: .email, priority: .normal, status: .solved, createdAt: Self.at(1), updatedAt: Self.at(2))
    }

    @Test func windowsOfOneTargetAndPeriodAreClippedSortedAndMerged() {
        let exclusions = DisputeExclusions(windows: [
            PeriodExclusion(targetID: "frt", periodStart: Self.day.start, from: Self.at(10), to: Self.at(12)),
            PeriodExclusion(targetID: "frt", periodStart: Self.day.start, from: Self.at(-5), to: Self.at(2)),  // clipped to the start
            PeriodExclusion(targetID: "frt", periodStart: Self.day.start, from: Self.at(11), to: Self.at(13)),  // overlaps the first
            PeriodExclusion(targetID: "sl", periodStart: Self.day.start, from: Self.at(0), to: Self.at(24)),  // another target
            PeriodExclusion(targetID: "frt", periodStart: Self.day.next.start, from: Self.at(30), to: Self.at(31)),  // another period
        ])
        let windows = exclusions.windows(of: Self.frt, in: Self.day)
        #expect(windows.map(\.from) == [Self.day.start, Self.at(10)])
        #expect(windows.map(\.to) == [Self.at(2), Self.at(13)])
        #expect(exclusions.windows(of: Self.sl, in: Self.day).count == 1)
        #expect(exclusions.windows(of: Self.frt, in: Self.day.next).map(\.from) == [Self.at(30)])
    }

    @Test func windowTotalsAreSubtractedAndTicketsInsideAWindowAreNotTakenTwice() {
        // The day: 12 first replies due, 7 met (5 breaches: IN and another in 10:00–11:00, OUT at 15:00, two more).
        let day = AggregateTotals(tickets: TicketTotals(firstReplyDue: 12, firstReplyMet: 7))
        let window = AggregateTotals(tickets: TicketTotals(firstReplyDue: 2, firstReplyMet: 0))
        let inside = TicketExclusion(ticket: Self.ticket("IN"), clock: "first_reply", breachAt: Self.at(10.5))
        let outside = TicketExclusion(ticket: Self.ticket("OUT"), clock: "first_reply", breachAt: Self.at(15))
        let exclusions = DisputeExclusions(
            tickets: [inside, outside], windows: [PeriodExclusion(targetID: "frt", periodStart: Self.day.start, from: Self.at(10), to: Self.at(11))]
        )
        let adjusted = exclusions.apply(to: day, target: Self.frt, period: Self.day, windowTotals: [window])
        // 12 − 2 (the window) − 1 (OUT) = 9 due; IN is inside the window and not taken twice (8 would be wrong).
        #expect(adjusted.tickets.firstReplyDue == 9 && adjusted.tickets.firstReplyMet == 7)
        #expect(Self.frt.figure.value(in: adjusted) == 7.0 / 9.0)
        // Without the window both tickets leave: 12 − 2 = 10 due.
        let ticketsOnly = DisputeExclusions(tickets: [inside, outside]).apply(to: day, target: Self.frt, period: Self.day, windowTotals: [])
        #expect(ticketsOnly.tickets.firstReplyDue == 10)
        // A ticket exclusion of another clock, or outside the period, changes nothing.
        let elsewhere = DisputeExclusions(tickets: [
            TicketExclusion(ticket: Self.ticket("R"), clock: "resolution", breachAt: Self.at(9)),
            TicketExclusion(ticket: Self.ticket("N"), clock: "first_reply", breachAt: Self.at(30)),
        ])
        #expect(elsewhere.apply(to: day, target: Self.frt, period: Self.day, windowTotals: []) == day)
        #expect(DisputeExclusions.none.apply(to: day, target: Self.frt, period: Self.day, windowTotals: []) == day)
    }

    @Test func aWindowOverTheWholePeriodLeavesNoData() {
        let day = AggregateTotals(intervals: IntervalTotals(intervals: 96, offered: 500, answered: 480, answeredWithinThreshold: 300))
        let exclusions = DisputeExclusions(windows: [PeriodExclusion(targetID: "sl", periodStart: Self.day.start, from: Self.day.start, to: Self.day.end)])
        let adjusted = exclusions.apply(to: day, target: Self.sl, period: Self.day, windowTotals: [day])
        #expect(adjusted == .zero)
        #expect(Self.sl.figure.value(in: adjusted) == nil)
    }
}
