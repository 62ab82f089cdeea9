//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightSLA
import Testing

/// Worked examples of business-time arithmetic; the property tests cover the rest.
@Suite struct BusinessCalendarTests {
    let lisbon = TestSupport.calendar("Europe/Lisbon", TestSupport.weekdays0820, holidays: ["2025-04-18"])

    @Test func fridayEveningDeadlineRollsToMonday() {
        let start = TestSupport.date("2025-03-28 19:30", "Europe/Lisbon")  // Friday
        #expect(self.lisbon.deadline(from: start, adding: .hours(2)) == TestSupport.date("2025-03-31 09:30", "Europe/Lisbon"))
        // Exactly the rest of Friday: the deadline is Friday 20:00, not Monday 08:00.
        #expect(self.lisbon.deadline(from: start, adding: .hours(0, minutes: 30)) == TestSupport.date("2025-03-28 20:00", "Europe/Lisbon"))
        #expect(self.lisbon.deadline(from: start, adding: .zero) == start)
    }

    @Test func holidaysAndClosedDaysAreSkipped() {
        // Thursday 19:00 before Good Friday 2025-04-18: 1 h on Thursday, then Monday.
        let start = TestSupport.date("2025-04-17 19:00", "Europe/Lisbon")
        #expect(self.lisbon.deadline(from: start, adding: .hours(3)) == TestSupport.date("2025-04-21 10:00", "Europe/Lisbon"))
        #expect(self.lisbon.businessDuration(from: start, to: TestSupport.date("2025-04-21 10:00", "Europe/Lisbon")) == .hours(3))
        #expect(self.lisbon.nextBusinessInstant(atOrAfter: TestSupport.date("2025-04-18 12:00", "Europe/Lisbon"))
            == TestSupport.date("2025-04-21 08:00", "Europe/Lisbon"))
        #expect(!self.lisbon.isBusinessTime(TestSupport.date("2025-04-19 12:00", "Europe/Lisbon")))
        #expect(self.lisbon.isBusinessTime(TestSupport.date("2025-04-17 12:00", "Europe/Lisbon")))
    }

    @Test func twentyFourSevenDaysFollowTheWallClockAcrossDST() {
        func dayLength(_ zone: String, _ day: String, _ next: String) -> Duration {
            let calendar = BusinessCalendar.twentyFourSeven(in: TimeZone(identifier: zone)!)
            let start = calendar.startOfDay(CivilDate(parsing: day)!)
            let end = calendar.startOfDay(CivilDate(parsing: next)!)
            return calendar.businessDuration(from: start, to: end)
        }
        #expect(dayLength("Europe/Berlin", "2025-03-30", "2025-03-31") == .hours(23))
        #expect(dayLength("Europe/Berlin", "2025-10-26", "2025-10-27") == .hours(25))
        #expect(dayLength("Australia/Lord_Howe", "2025-10-05", "2025-10-06") == .hours(23, minutes: 30))
        #expect(dayLength("Australia/Lord_Howe", "2025-04-06", "2025-04-07") == .hours(24, minutes: 30))
        // São Paulo moved its clocks at midnight: 2017-10-15 began at 01:00 and 2018-02-17 23:00 came twice.
        #expect(dayLength("America/Sao_Paulo", "2017-10-15", "2017-10-16") == .hours(23))
        #expect(dayLength("America/Sao_Paulo", "2018-02-17", "2018-02-18") == .hours(25))
    }

    @Test func repeatedHourCountsTwiceAndSkippedHourNotAtAll() {
        let berlin = TestSupport.calendar("Europe/Berlin", Array(repeating: ["01:00-04:00"], count: 7))
        let day = { (text: String) in berlin.startOfDay(CivilDate(parsing: text)!) }
        #expect(berlin.businessDuration(from: day("2025-03-30"), to: day("2025-03-31")) == .hours(2))
        #expect(berlin.businessDuration(from: day("2025-10-26"), to: day("2025-10-27")) == .hours(4))
        #expect(berlin.businessDuration(from: day("2025-10-27"), to: day("2025-10-28")) == .hours(3))
    }

    @Test func overnightShiftsBelongToTheirStartDayAndHolidaysCloseWholeDates() {
        let nights = TestSupport.calendar("Asia/Manila", [["22:00-06:00"], [], [], [], [], [], []])
        let monday = TestSupport.date("2025-09-01 23:00", "Asia/Manila")
        #expect(nights.businessDuration(from: monday, to: TestSupport.date("2025-09-02 05:00", "Asia/Manila")) == .hours(6))
        #expect(nights.deadline(from: monday, adding: .hours(7)) == TestSupport.date("2025-09-02 06:00", "Asia/Manila"))
        // Next Monday night, since Tuesday night has no shift.
        #expect(nights.deadline(from: monday, adding: .hours(8)) == TestSupport.date("2025-09-08 23:00", "Asia/Manila"))
        let withHoliday = TestSupport.calendar("Asia/Manila", [["22:00-06:00"], [], [], [], [], [], []], holidays: ["2025-09-02"])
        #expect(withHoliday.businessDuration(from: monday, to: TestSupport.date("2025-09-02 05:00", "Asia/Manila")) == .hours(1))
    }

    @Test func severalRangesADayAndClosures() throws {
        var calendar = TestSupport.calendar("Europe/Lisbon", Array(repeating: ["09:00-12:00", "13:00-17:00"], count: 5) + [[], []])
        let monday = TestSupport.date("2025-09-01 11:00", "Europe/Lisbon")
        #expect(calendar.deadline(from: monday, adding: .hours(2)) == TestSupport.date("2025-09-01 14:00", "Europe/Lisbon"))
        calendar.holidays.addClosure(from: TestSupport.date("2025-09-01 13:30", "Europe/Lisbon"), to: TestSupport.date("2025-09-01 15:00", "Europe/Lisbon"))
        #expect(calendar.deadline(from: monday, adding: .hours(2)) == TestSupport.date("2025-09-01 15:30", "Europe/Lisbon"))
        let intervals = calendar.businessIntervals(from: monday, to: TestSupport.date("2025-09-01 18:00", "Europe/Lisbon"))
        #expect(intervals.count == 3)
    }

    @Test func timeRangesParse() {
        #expect(TimeOfDayRange(parsing: "08:00-20:00") == TimeOfDayRange(start: 8 * 3600, end: 20 * 3600))
        #expect(TimeOfDayRange(parsing: "22:00-06:00")?.isOvernight == true)
        #expect(TimeOfDayRange(parsing: "00:00-24:00")?.isOvernight == false)
        #expect(TimeOfDayRange(parsing: "08:00-08:00") == nil)
        #expect(TimeOfDayRange(parsing: "8:00-20:00") == nil)
        #expect(TimeOfDayRange(parsing: "24:00-06:00") == nil)
        #expect(TimeOfDayRange(parsing: "08:60-09:00") == nil)
    }

    @Test func civilDatesRoundTrip() {
        for dayNumber in stride(from: -800_000, through: 2_900_000, by: 997) {
            #expect(CivilDate(dayNumber: dayNumber).dayNumber == dayNumber)
        }
        #expect(CivilDate(parsing: "1970-01-01")?.dayNumber == 0)
        #expect(CivilDate(parsing: "2025-09-01")?.weekday == 0)
        #expect(CivilDate(parsing: "2024-02-29") != nil)
        #expect(CivilDate(parsing: "2025-02-29") == nil)
        #expect(CivilDate(parsing: "20251225") == CivilDate(year: 2025, month: 12, day: 25))
    }
}
