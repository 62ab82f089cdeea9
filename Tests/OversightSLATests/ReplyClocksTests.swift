//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightModel
import OversightSLA
import Testing

/// Next-reply (1 h) and periodic-update (4 h) clocks on a Lisbon weekday calendar (08:00–20:00). 2025-09-01 is a Monday.
@Suite struct ReplyClocksTests {
    let terms = ContractTerms(
        effectiveFrom: CivilDate(year: 2025, month: 1, day: 1),
        calendar: TestSupport.calendar("Europe/Lisbon", TestSupport.weekdays0820),
        targets: TicketTargets(firstReply: .hours(2), nextReply: .hours(1), periodicUpdate: .hours(4))
    )

    static func at(_ text: String) -> Date { TestSupport.date(text, "Europe/Lisbon") }

    static func ticket(
        replies: [String]?, customer: [String]? = nil, changes: [(TicketStatus, String)] = [(.open, "2025-09-01 09:00")]
    ) -> TicketRecord {
        let statusChanges = changes.map { TicketRecord.StatusChange(status: $0.0, at: Self.at($0.1)) }
        return TicketRecord(
            provider: "acme-support", site: "lisbon", id: "T-1", status: changes.last!.0, createdAt: Self.at("2025-09-01 09:00"),
            updatedAt: statusChanges.last!.at, firstReplyAt: replies?.first.map(Self.at), statusChanges: statusChanges,
            agentReplies: replies?.map(Self.at), customerMessages: customer?.map(Self.at)
        )
    }

    func clocks(_ ticket: TicketRecord, now: String) -> TicketClocks {
        TicketClocks(ticket: ticket, terms: self.terms, now: Self.at(now))
    }

    @Test func withoutAReplyHistoryTheReplyClocksAreNotMeasured() {
        let ticket = Self.ticket(replies: nil, customer: nil)
        let clocks = self.clocks(ticket, now: "2025-09-01 12:00")
        #expect(clocks.nextReply == nil)
        #expect(clocks.periodicUpdate == nil)
        #expect(clocks.all.map(\.kind) == [.firstReply])
    }

    @Test func eachUnansweredCustomerMessageStartsANextReplyCycle() throws {
        // Replies 09:30 (the first), 11:00 and 15:10; the customer wrote at 10:00 and 10:20 (one cycle: answered at 11:00,
        // exactly on its 1 h target, so met) and at 14:00 (answered 15:10: 70 minutes, breached at 15:00).
        let ticket = Self.ticket(
            replies: ["2025-09-01 09:30", "2025-09-01 11:00", "2025-09-01 15:10"],
            customer: ["2025-09-01 10:00", "2025-09-01 10:20", "2025-09-01 14:00"]
        )
        let waiting = try #require(self.clocks(ticket, now: "2025-09-01 14:30").nextReply)
        #expect(waiting.state == .running(atRisk: false))
        #expect(waiting.deadline == Self.at("2025-09-01 15:00"))
        #expect(waiting.atRiskAt == Self.at("2025-09-01 14:48"))
        #expect(self.clocks(ticket, now: "2025-09-01 14:50").nextReply?.state == .running(atRisk: true))
        let after = try #require(self.clocks(ticket, now: "2025-09-01 16:00").nextReply)
        #expect(after.state == .breached(at: Self.at("2025-09-01 15:00")))
        // Late data: evaluated the next day, the breach keeps its true instant.
        #expect(self.clocks(ticket, now: "2025-09-02 12:00").nextReply?.state == .breached(at: Self.at("2025-09-01 15:00")))
        // The first cycle alone was met on the dot.
        let early = try #require(self.clocks(ticket, now: "2025-09-01 12:00").nextReply)
        #expect(early.state == .met(at: Self.at("2025-09-01 11:00")))
        // The next event the scheduler gets while the customer waits is the at-risk moment, then the breach.
        #expect(self.clocks(ticket, now: "2025-09-01 14:30").nextEvent(after: Self.at("2025-09-01 14:30"))?.clock == .nextReply)
    }

    @Test func nextReplyCountsBusinessTimeOnly() {
        // The customer wrote at 19:30 on Monday; the reply came at 08:40 on Tuesday: 30 + 40 business minutes.
        let ticket = Self.ticket(
            replies: ["2025-09-01 09:30", "2025-09-02 08:40"], customer: ["2025-09-01 19:30"]
        )
        #expect(self.clocks(ticket, now: "2025-09-02 12:00").nextReply?.state == .breached(at: Self.at("2025-09-02 08:30")))
        // A customer message before the first reply belongs to the first-reply clock.
        let before = Self.ticket(replies: ["2025-09-01 09:30"], customer: ["2025-09-01 09:10"])
        #expect(self.clocks(before, now: "2025-09-01 18:00").nextReply?.state == .met(at: Self.at("2025-09-01 18:00")))
    }

    @Test func periodicUpdatesMustComeWithinTheTargetOfCountedTime() throws {
        let ticket = Self.ticket(replies: ["2025-09-01 09:30", "2025-09-01 13:00"])
        // 09:30–13:00 is 3.5 h (met); from 13:00 the clock runs: at risk at 16:12 (80 % of 4 h), breached at 17:00.
        let running = try #require(self.clocks(ticket, now: "2025-09-01 15:00").periodicUpdate)
        #expect(running.state == .running(atRisk: false))
        #expect(running.deadline == Self.at("2025-09-01 17:00"))
        #expect(running.atRiskAt == Self.at("2025-09-01 16:12"))
        #expect(self.clocks(ticket, now: "2025-09-01 18:00").periodicUpdate?.state == .breached(at: Self.at("2025-09-01 17:00")))
    }

    @Test func periodicUpdatePausesWhileTheCustomerHoldsTheTicketAndEndsAtTheSolve() throws {
        // Pending (the customer's turn) from 14:00 Monday to 09:00 Tuesday: the stretch from the 13:00 update counts
        // 13:00–14:00 and resumes on Tuesday at 09:00, so its deadline is 12:00 on Tuesday.
        let changes: [(TicketStatus, String)] = [(.open, "2025-09-01 09:00"), (.pending, "2025-09-01 14:00"), (.open, "2025-09-02 09:00")]
        let ticket = Self.ticket(replies: ["2025-09-01 09:30", "2025-09-01 13:00"], changes: changes)
        let paused = try #require(self.clocks(ticket, now: "2025-09-01 15:00").periodicUpdate)
        #expect(paused.state == .paused)
        #expect(paused.deadline == nil)
        let resumed = try #require(self.clocks(ticket, now: "2025-09-02 10:00").periodicUpdate)
        #expect(resumed.state == .running(atRisk: false))
        #expect(resumed.deadline == Self.at("2025-09-02 12:00"))
        // Solved at 11:00 on Tuesday: the last stretch ends there, met.
        let solved = Self.ticket(replies: ["2025-09-01 09:30", "2025-09-01 13:00"], changes: changes + [(.solved, "2025-09-02 11:00")])
        #expect(self.clocks(solved, now: "2025-09-03 10:00").periodicUpdate?.state == .met(at: Self.at("2025-09-02 11:00")))
    }
}
