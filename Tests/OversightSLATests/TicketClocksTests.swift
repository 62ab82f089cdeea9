//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightModel
import OversightSLA
import Testing

/// First-reply and resolution clocks on a Lisbon weekday calendar (08:00–20:00), first reply 2 h,
/// resolution 8 h, at risk at 80 %. 2025-09-01 is a Monday.
@Suite struct TicketClocksTests {
    var terms: ContractTerms = {
        var terms = ContractTerms(
            effectiveFrom: CivilDate(year: 2025, month: 1, day: 1),
            calendar: TestSupport.calendar("Europe/Lisbon", TestSupport.weekdays0820),
            targets: TicketTargets(firstReply: .hours(2), resolution: .hours(8))
        )
        terms.clockHolders.heldBy["head-office"] = .client
        return terms
    }()

    static func at(_ text: String) -> Date { TestSupport.date(text, "Europe/Lisbon") }

    static func ticket(
        created: String, status: TicketStatus = .open, firstReply: String? = nil, changes: [(TicketStatus, String)] = [], heldBy: String? = nil
    ) -> TicketRecord {
        let statusChanges = changes.map { TicketRecord.StatusChange(status: $0.0, at: Self.at($0.1)) }
        return TicketRecord(
            provider: "acme-support", site: "lisbon", id: "T-1", status: changes.last?.0 ?? status, createdAt: Self.at(created),
            updatedAt: statusChanges.last?.at ?? Self.at(created), firstReplyAt: firstReply.map(Self.at), heldBy: heldBy,
            statusChanges: statusChanges
        )
    }

    func clocks(_ ticket: TicketRecord, now: String) -> TicketClocks {
        TicketClocks(ticket: ticket, terms: self.terms, now: Self.at(now))
    }

    @Test func firstReplyRunsGoesAtRiskAndBreaches() throws {
        let ticket = Self.ticket(created: "2025-09-01 09:00", changes: [(.new, "2025-09-01 09:00"), (.open, "2025-09-01 09:05")])
        let early = try #require(self.clocks(ticket, now: "2025-09-01 10:00").firstReply)
        #expect(early.state == .running(atRisk: false))
        #expect(early.deadline == Self.at("2025-09-01 11:00"))
        #expect(early.atRiskAt == Self.at("2025-09-01 10:36"))
        #expect(early.elapsed == .hours(1))
        #expect(self.clocks(ticket, now: "2025-09-01 10:40").firstReply?.state == .running(atRisk: true))
        #expect(self.clocks(ticket, now: "2025-09-01 11:00").firstReply?.state == .breached(at: Self.at("2025-09-01 11:00")))
    }

    @Test func firstReplyIsMetOnceAndLateDataGivesTheTrueBreachTime() throws {
        let onTime = Self.ticket(created: "2025-09-01 09:00", firstReply: "2025-09-01 10:30")
        #expect(self.clocks(onTime, now: "2025-09-03 12:00").firstReply?.state == .met(at: Self.at("2025-09-01 10:30")))
        // The agent was offline: the ticket (created at 09:00, replied at 12:00) reaches the engine at 15:00.
        let late = Self.ticket(created: "2025-09-01 09:00", firstReply: "2025-09-01 12:00")
        let evaluation = try #require(self.clocks(late, now: "2025-09-01 15:00").firstReply)
        #expect(evaluation.state == .breached(at: Self.at("2025-09-01 11:00")))
        #expect(evaluation.isLateBreach(detectedAt: Self.at("2025-09-01 15:00")))
        #expect(!evaluation.isLateBreach(detectedAt: Self.at("2025-09-01 11:00")))
    }

    @Test func resolutionPausesWhileTheCustomerHoldsTheClock() throws {
        let ticket = Self.ticket(
            created: "2025-09-01 09:00",
            changes: [(.open, "2025-09-01 09:00"), (.pending, "2025-09-01 11:00"), (.open, "2025-09-02 09:00"), (.solved, "2025-09-02 14:00")]
        )
        let paused = try #require(self.clocks(ticket, now: "2025-09-01 15:00").resolution)
        #expect(paused.state == .paused)
        #expect(paused.deadline == nil)
        #expect(paused.elapsed == .hours(2))
        let clocks = self.clocks(ticket, now: "2025-09-05 12:00")
        #expect(clocks.resolution?.state == .met(at: Self.at("2025-09-02 14:00")))
        #expect(clocks.resolution?.elapsed == .hours(7))
        #expect(clocks.split.provider == .hours(7))
        #expect(clocks.split.customer == .hours(10))  // Monday 11:00–20:00 and Tuesday 08:00–09:00
        #expect(clocks.split.client == .zero)
    }

    @Test func reopenResumesTheResolutionClock() throws {
        let ticket = Self.ticket(
            created: "2025-09-01 09:00",
            changes: [
                (.open, "2025-09-01 09:00"), (.pending, "2025-09-01 11:00"), (.open, "2025-09-02 09:00"), (.solved, "2025-09-02 14:00"),
                (.open, "2025-09-03 09:00"), (.solved, "2025-09-03 12:00"),
            ]
        )
        #expect(self.clocks(ticket, now: "2025-09-02 18:00").resolution?.state == .met(at: Self.at("2025-09-02 14:00")))
        let reopened = try #require(self.clocks(ticket, now: "2025-09-03 09:30").resolution)
        #expect(reopened.state == .running(atRisk: true))
        #expect(reopened.deadline == Self.at("2025-09-03 10:00"))
        #expect(self.clocks(ticket, now: "2025-09-04 09:00").resolution?.state == .breached(at: Self.at("2025-09-03 10:00")))
    }

    @Test func solvedExactlyAtTheDeadlineIsMetAndADeadlineThatPassesOvernightIsBreached() {
        let exact = Self.ticket(created: "2025-09-01 09:00", changes: [(.open, "2025-09-01 09:00"), (.solved, "2025-09-01 17:00")])
        #expect(self.clocks(exact, now: "2025-09-02 09:00").resolution?.state == .met(at: Self.at("2025-09-01 17:00")))
        let late = Self.ticket(created: "2025-09-01 09:00", changes: [(.open, "2025-09-01 09:00"), (.solved, "2025-09-01 17:01")])
        #expect(self.clocks(late, now: "2025-09-02 09:00").resolution?.state == .breached(at: Self.at("2025-09-01 17:00")))
        // Friday 12:00 + 8 h = Friday 20:00; solving on Saturday leaves no business time in between but is still late.
        let weekend = Self.ticket(created: "2025-09-05 12:00", changes: [(.open, "2025-09-05 12:00"), (.solved, "2025-09-06 10:00")])
        #expect(self.clocks(weekend, now: "2025-09-08 09:00").resolution?.state == .breached(at: Self.at("2025-09-05 20:00")))
    }

    @Test func clientHeldTimeDoesNotCount() throws {
        // On hold (client by default) for two hours, then held_by says head office holds it now.
        let ticket = Self.ticket(
            created: "2025-09-01 09:00",
            changes: [(.open, "2025-09-01 09:00"), (.onHold, "2025-09-01 10:00"), (.open, "2025-09-01 12:00")], heldBy: "head-office"
        )
        let clocks = self.clocks(ticket, now: "2025-09-01 16:00")
        #expect(clocks.resolution?.state == .paused)
        #expect(clocks.resolution?.elapsed == .hours(1))
        #expect(clocks.split.provider == .hours(1))
        #expect(clocks.split.client == .hours(6))
        #expect(clocks.timeline.segments.last?.holder == .client)
    }

    @Test func nextEventIsAtRiskThenBreach() throws {
        let ticket = Self.ticket(created: "2025-09-01 09:00", firstReply: "2025-09-01 09:30", changes: [(.open, "2025-09-01 09:00")])
        let clocks = self.clocks(ticket, now: "2025-09-01 10:00")
        let first = try #require(clocks.nextEvent(after: Self.at("2025-09-01 10:00")))
        #expect(first.kind == .atRisk && first.clock == .resolution && first.at == Self.at("2025-09-01 15:24"))
        let second = try #require(clocks.nextEvent(after: first.at))
        #expect(second.kind == .breach && second.at == Self.at("2025-09-01 17:00"))
        #expect(clocks.nextEvent(after: second.at) == nil)
    }

    @Test func withoutHistoryTheTicketIsOpenUntilItsLastUpdate() throws {
        let created = Self.at("2025-09-01 09:00")
        let ticket = TicketRecord(
            provider: "p", site: "s", id: "T", status: .pending, createdAt: created, updatedAt: Self.at("2025-09-01 10:00")
        )
        let timeline = StatusTimeline(ticket: ticket, rules: ClockHolderRules())
        #expect(timeline.segments.map(\.status) == [.new, .pending])
        #expect(timeline.segments.map(\.holder) == [.provider, .customer])
        let clocks = TicketClocks(ticket: ticket, terms: self.terms, now: Self.at("2025-09-01 12:00"))
        #expect(clocks.resolution?.elapsed == .hours(1))
    }
}
