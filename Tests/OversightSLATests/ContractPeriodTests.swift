//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightSLA
import Testing

/// Contract periods in Europe/Berlin across the DST changes of 2026 (29 March, 25 October).
@Suite struct ContractPeriodTests {
    static let berlin = TimeZone(identifier: "Europe/Berlin")!
    static func at(_ text: String) -> Date { TestSupport.date(text, "Europe/Berlin") }
    static func hours(_ period: ContractPeriod) -> Double { period.end.timeIntervalSince(period.start) / 3600 }

    @Test func dayAcrossDST() {
        let spring = ContractPeriod(.day, containing: Self.at("2026-03-29 12:00"), in: Self.berlin)
        #expect(spring.description == "2026-03-29")
        #expect(spring.start == Self.at("2026-03-29 00:00"))
        #expect(spring.end == Self.at("2026-03-30 00:00"))
        #expect(Self.hours(spring) == 23)
        let autumn = ContractPeriod(.day, containing: Self.at("2026-10-25 02:30"), in: Self.berlin)
        #expect(Self.hours(autumn) == 25)
        #expect(Self.hours(autumn.next) == 24)
        #expect(autumn.previous.description == "2026-10-24")
        // The last instant of a day belongs to it; its end belongs to the next.
        #expect(spring.contains(Self.at("2026-03-30 00:00") - 0.001))
        #expect(!spring.contains(spring.end) && spring.next.contains(spring.end))
    }

    @Test func isoWeekAcrossDST() {
        let week = ContractPeriod(.week, containing: Self.at("2026-03-25 10:00"), in: Self.berlin)
        #expect(week.firstDay == CivilDate(year: 2026, month: 3, day: 23))  // Monday
        #expect(week.lastDay == CivilDate(year: 2026, month: 3, day: 29))  // Sunday
        #expect(week.description == "2026-W13")
        #expect(Self.hours(week) == 167)
        #expect(week.next.firstDay == CivilDate(year: 2026, month: 3, day: 30))
        #expect(Self.hours(week.next) == 168)
        // A Sunday late evening is still in the week that started on Monday.
        #expect(ContractPeriod(.week, containing: Self.at("2026-03-29 23:59"), in: Self.berlin) == week)
        // ISO week numbering at year ends: 2026 has 53 weeks; 2024-12-30 is in 2025-W01.
        #expect(ContractPeriod(.week, containing: CivilDate(year: 2027, month: 1, day: 1), in: Self.berlin).description == "2026-W53")
        #expect(ContractPeriod(.week, containing: CivilDate(year: 2026, month: 1, day: 1), in: Self.berlin).description == "2026-W01")
        #expect(ContractPeriod(.week, containing: CivilDate(year: 2024, month: 12, day: 30), in: Self.berlin).description == "2025-W01")
    }

    @Test func monthAcrossDST() {
        let march = ContractPeriod(.month, containing: Self.at("2026-03-31 23:30"), in: Self.berlin)
        #expect(march.description == "2026-03")
        #expect(march.start == Self.at("2026-03-01 00:00") && march.end == Self.at("2026-04-01 00:00"))
        #expect(Self.hours(march) == 743)
        let october = ContractPeriod(.month, containing: CivilDate(year: 2026, month: 10, day: 9), in: Self.berlin)
        #expect(Self.hours(october) == 745)
        #expect(october.next.description == "2026-11" && october.previous.description == "2026-09")
        #expect(ContractPeriod(.month, containing: CivilDate(year: 2026, month: 1, day: 9), in: Self.berlin).previous.description == "2025-12")
        #expect(ContractPeriod(.month, containing: CivilDate(year: 2028, month: 2, day: 9), in: Self.berlin).lastDay.day == 29)
    }

    @Test func theSameInstantInAnotherZoneIsAnotherPeriod() {
        // 2026-03-31 23:30 in Berlin is 22:30 in Lisbon… and 2026-04-01 07:30 in Tokyo.
        let instant = Self.at("2026-03-31 23:30")
        #expect(ContractPeriod(.month, containing: instant, in: TimeZone(identifier: "Asia/Tokyo")!).description == "2026-04")
        #expect(ContractPeriod(.month, containing: instant, in: TimeZone(identifier: "Europe/Lisbon")!).description == "2026-03")
    }

    @Test func periodsOfAMonth() {
        let march = ContractPeriod(.month, containing: CivilDate(year: 2026, month: 3, day: 1), in: Self.berlin)
        #expect(march.periods(.day).count == 31)
        #expect(march.periods(.day).first?.description == "2026-03-01")
        // Weeks belong to the month of their Sunday: W09 (23 Feb – 1 March) is March's, W14 (30 March – 5 April) April's.
        #expect(march.periods(.week).map(\.description) == ["2026-W09", "2026-W10", "2026-W11", "2026-W12", "2026-W13"])
        #expect(march.periods(.month) == [march])
    }

    @Test func elapsedShareByBusinessTime() {
        let calendar = TestSupport.calendar("Europe/Berlin", TestSupport.weekdays0820)
        let march = ContractPeriod(.month, containing: CivilDate(year: 2026, month: 3, day: 1), in: Self.berlin)
        // March 2026 has 22 weekdays (264 business hours); by Wed 4 March 14:00, 12 + 12 + 6 = 30 have passed.
        #expect(abs(march.elapsedShare(at: Self.at("2026-03-04 14:00"), calendar: calendar) - 30.0 / 264) < 1e-12)
        #expect(march.elapsedShare(at: Self.at("2026-02-28 12:00"), calendar: calendar) == 0)
        #expect(march.elapsedShare(at: march.end, calendar: calendar) == 1)
        // The whole weekend: no business time passes.
        let friday = march.elapsedShare(at: Self.at("2026-03-06 20:00"), calendar: calendar)
        #expect(march.elapsedShare(at: Self.at("2026-03-08 23:00"), calendar: calendar) == friday)
        let monday = ContractPeriod(.day, containing: Self.at("2026-03-30 14:00"), in: Self.berlin)
        #expect(monday.elapsedShare(at: Self.at("2026-03-30 14:00"), calendar: calendar) == 0.5)
        // A week whose business time is over before the week is: share 1, not closed.
        let week = ContractPeriod(.week, containing: Self.at("2026-03-28 10:00"), in: Self.berlin)
        #expect(week.elapsedShare(at: Self.at("2026-03-28 10:00"), calendar: calendar) == 1)
        #expect(!week.isClosed(at: Self.at("2026-03-28 10:00")))
    }

    @Test func elapsedShareByWallTimeWithoutBusinessHours() {
        let calendar = TestSupport.calendar("Europe/Berlin", TestSupport.weekdays0820)
        // Sunday 29 March has no business hours and 23 wall-clock hours: 12:00 is 11 of them.
        let sunday = ContractPeriod(.day, containing: Self.at("2026-03-29 12:00"), in: Self.berlin)
        #expect(abs(sunday.elapsedShare(at: Self.at("2026-03-29 12:00"), calendar: calendar) - 11.0 / 23) < 1e-12)
        // A 24/7 calendar: business time is wall time, so the 25-hour day is half over at 12:00 + 30 min.
        let autumn = ContractPeriod(.day, containing: Self.at("2026-10-25 12:00"), in: Self.berlin)
        #expect(autumn.elapsedShare(at: Self.at("2026-10-25 12:00"), calendar: .twentyFourSeven(in: Self.berlin)) == 13.0 / 25)
    }
}
