//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightConfig
import OversightSLA
import Testing

@Suite struct ICalendarHolidaysTests {
    let lisbon = TimeZone(identifier: "Europe/Lisbon")!

    @Test func allDayTimedAndYearlyEvents() throws {
        let text = """
            BEGIN:VCALENDAR\r
            VERSION:2.0\r
            BEGIN:VTIMEZONE\r
            TZID:Europe/Lisbon\r
            END:VTIMEZONE\r
            BEGIN:VEVENT\r
            DTSTART;VALUE=DATE:20251225\r
            DTEND;VALUE=DATE:20251227\r
            SUMMARY:Christmas and the day\r
              after\r
            END:VEVENT\r
            BEGIN:VEVENT\r
            DTSTART;VALUE=DATE:20200610\r
            RRULE:FREQ=YEARLY;COUNT=8\r
            SUMMARY:Dia de Portugal\r
            END:VEVENT\r
            BEGIN:VEVENT\r
            DTSTART:20250101\r
            RRULE:FREQ=YEARLY;UNTIL=20261231T000000Z\r
            END:VEVENT\r
            BEGIN:VEVENT\r
            DTSTART;TZID=America/New_York:20251224T090000\r
            DTEND;TZID=America/New_York:20251224T120000\r
            END:VEVENT\r
            BEGIN:VEVENT\r
            DTSTART:20251231T150000Z\r
            DTEND:20251231T180000Z\r
            END:VEVENT\r
            BEGIN:VEVENT\r
            DTSTART:20251130T100000\r
            SUMMARY:a timed event without an end closes its date\r
            END:VEVENT\r
            END:VCALENDAR\r

            """
        let holidays = try ICalendarHolidays.parse(text, file: "test.ics", timeZone: self.lisbon)
        #expect(holidays.isClosed(CivilDate(year: 2025, month: 12, day: 25)))
        #expect(holidays.isClosed(CivilDate(year: 2025, month: 12, day: 26)))
        #expect(!holidays.isClosed(CivilDate(year: 2025, month: 12, day: 27)))
        #expect(holidays.dates(from: CivilDate(year: 2025, month: 12, day: 25), through: CivilDate(year: 2025, month: 12, day: 25)).first?.name
            == "Christmas and the day after")
        #expect(!holidays.isClosed(CivilDate(year: 2019, month: 6, day: 10)))
        #expect(holidays.isClosed(CivilDate(year: 2027, month: 6, day: 10)))
        #expect(!holidays.isClosed(CivilDate(year: 2028, month: 6, day: 10)))
        #expect(holidays.isClosed(CivilDate(year: 2026, month: 1, day: 1)))
        #expect(!holidays.isClosed(CivilDate(year: 2027, month: 1, day: 1)))
        #expect(holidays.isClosed(CivilDate(year: 2025, month: 11, day: 30)))
        // Timed closures, in New York time and in UTC.
        #expect(holidays.closures.count == 2)
        #expect(holidays.closures.first?.lowerBound == TestSupport.date("2025-12-24 14:00", "Europe/Lisbon").timeIntervalSince1970)
        #expect(holidays.closures.last?.upperBound == TestSupport.date("2025-12-31 18:00", "UTC").timeIntervalSince1970)
    }

    @Test(arguments: [
        ("BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20250101\nRRULE:FREQ=WEEKLY\nEND:VEVENT\nEND:VCALENDAR\n", 4),
        ("BEGIN:VCALENDAR\nBEGIN:VEVENT\nSUMMARY:no start\nEND:VEVENT\nEND:VCALENDAR\n", 2),
        ("BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:2025-01-01\nEND:VEVENT\nEND:VCALENDAR\n", 3),
        ("BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20250102\nDTEND;VALUE=DATE:20250101\nEND:VEVENT\nEND:VCALENDAR\n", 4),
        ("BEGIN:VCALENDAR\nno colon here\nEND:VCALENDAR\n", 2),
        ("not a calendar\n", 1),
        // Found by scripts/fuzz (icalendar): a parameter with an empty name ("=", "=x") trapped on an index.
        ("BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;=;VALUE=DATE:20250101\nEND:VEVENT\nEND:VCALENDAR\n", 3),
        ("BEGIN:VCALENDAR\nX-NAME;=value:1\nEND:VCALENDAR\n", 2),
    ])
    func problemsNameTheirLine(text: String, line: Int) {
        #expect {
            _ = try ICalendarHolidays.parse(text, file: "bad.ics", timeZone: self.lisbon)
        } throws: { error in
            (error as? ConfigError)?.line == line && (error as? ConfigError)?.file == "bad.ics"
        }
    }

    @Test func theShippedPortugueseCalendarLoads() throws {
        let path = TestSupport.repositoryRoot.appendingPathComponent("deploy/contracts/holidays/portugal.ics").path
        let holidays = try ICalendarHolidays.load(path: path, timeZone: self.lisbon)
        for year in 2024...2030 {
            for (month, day) in [(1, 1), (4, 25), (5, 1), (6, 10), (6, 13), (8, 15), (10, 5), (11, 1), (12, 1), (12, 8), (12, 25)] {
                #expect(holidays.isClosed(CivilDate(year: year, month: month, day: day)))
            }
        }
        #expect(holidays.closures.count == 1)
    }
}
