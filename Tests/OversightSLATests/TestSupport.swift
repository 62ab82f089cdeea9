//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Small helpers shared by the SLA tests.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightSLA

enum TestSupport {
    /// The repository root, found from this file's path (Tests/OversightSLATests/TestSupport.swift).
    static let repositoryRoot = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// The instant of a local wall-clock time in a zone (`2025-03-28 19:30`).
    static func date(_ text: String, _ zone: String) -> Date {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: zone)!
        formatter.dateFormat = text.count > 16 ? "yyyy-MM-dd HH:mm:ss" : "yyyy-MM-dd HH:mm"
        return formatter.date(from: text)!
    }

    /// A calendar from `"HH:MM-HH:MM"` strings per weekday (Monday first; `nil` or empty for closed).
    static func calendar(_ zone: String, _ days: [[String]], holidays: [String] = []) -> BusinessCalendar {
        let ranges = days.map { $0.map { TimeOfDayRange(parsing: $0)! } }
        var set = HolidaySet()
        for holiday in holidays { set.add(CivilDate(parsing: holiday)!) }
        return BusinessCalendar(timeZone: TimeZone(identifier: zone)!, hours: WeeklyHours(ranges: ranges), holidays: set)
    }

    static let weekdays0820: [[String]] = Array(repeating: ["08:00-20:00"], count: 5) + [[], []]
}

extension Duration {
    /// Whole hours and minutes, for readable expectations.
    static func hours(_ hours: Int, minutes: Int = 0) -> Duration { .seconds(hours * 3600 + minutes * 60) }
}
