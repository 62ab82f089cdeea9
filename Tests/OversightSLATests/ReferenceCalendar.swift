//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// A brute-force, minute-by-minute business calendar to check the real one against.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightSLA

/// The business-time rule applied literally, one minute at a time, with Foundation's `Calendar`
/// reading each minute's wall clock: a minute is business time when its local date is not a
/// holiday and its local time of day falls in a range of its weekday, or in the after-midnight tail
/// of an overnight range of the day before. It shares no code with `BusinessCalendar`'s walk.
struct ReferenceCalendar {
    /// Ranges per weekday (0 Monday), in minutes after midnight: `end <= start` is overnight, `end` 1440 is midnight.
    var ranges: [[(start: Int, end: Int)]]
    var holidays: Set<CivilDate>
    var calendar: Calendar

    init(timeZone: TimeZone, ranges: [[(start: Int, end: Int)]], holidays: Set<CivilDate>) {
        self.ranges = ranges
        self.holidays = holidays
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        self.calendar = calendar
    }

    /// Whether the minute starting at `instant` (a whole minute) is business time.
    func isBusiness(_ instant: Date) -> Bool {
        let parts = self.calendar.dateComponents([.year, .month, .day, .hour, .minute, .weekday], from: instant)
        let date = CivilDate(year: parts.year!, month: parts.month!, day: parts.day!)
        if self.holidays.contains(date) { return false }
        let minute = parts.hour! * 60 + parts.minute!
        let weekday = (parts.weekday! + 5) % 7
        for range in self.ranges[weekday] {
            let overnight = range.end <= range.start
            if overnight ? minute >= range.start : (minute >= range.start && minute < range.end) { return true }
        }
        for range in self.ranges[(weekday + 6) % 7] where range.end <= range.start && minute < range.end {
            return true
        }
        return false
    }

    /// Business minutes in `[start, end)`.
    func businessMinutes(from start: Date, to end: Date) -> Int {
        var count = 0
        var instant = start
        while instant < end {
            if self.isBusiness(instant) { count += 1 }
            instant += 60
        }
        return count
    }

    /// The end of the `minutes`-th business minute from `start` (`start` itself for zero).
    func deadline(from start: Date, minutes: Int, limitDays: Int = 90) -> Date? {
        if minutes == 0 { return start }
        var count = 0
        var instant = start
        let limit = start + Double(limitDays) * 86_400
        while instant < limit {
            if self.isBusiness(instant) {
                count += 1
                if count == minutes { return instant + 60 }
            }
            instant += 60
        }
        return nil
    }

    /// The first business minute at or after `start`.
    func nextBusiness(from start: Date, limitDays: Int = 90) -> Date? {
        var instant = start
        let limit = start + Double(limitDays) * 86_400
        while instant < limit {
            if self.isBusiness(instant) { return instant }
            instant += 60
        }
        return nil
    }
}
