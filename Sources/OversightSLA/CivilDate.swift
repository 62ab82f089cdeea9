//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// A calendar date without a time or a zone, with day-number arithmetic.
//
//===----------------------------------------------------------------------===//

/// A proleptic Gregorian date (year, month, day) with no time and no zone: a holiday, a contract's
/// `effective_from`, a day of a calendar walk.
///
/// Day numbers count days since 1970-01-01 (day 0, a Thursday); the conversions are the exact
/// integer algorithms of H. Hinnant's `days_from_civil` / `civil_from_days`.
package struct CivilDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The year, such as 2025.
    package var year: Int
    /// The month, 1–12.
    package var month: Int
    /// The day of the month, 1–31.
    package var day: Int

    /// Creates a date; the caller guarantees that it exists (see ``isValid(year:month:day:)``).
    package init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// The date `dayNumber` days after 1970-01-01.
    package init(dayNumber: Int) {
        let z = dayNumber + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        self.init(year: yoe + era * 400 + (month <= 2 ? 1 : 0), month: month, day: day)
    }

    /// Days since 1970-01-01 (negative before).
    package var dayNumber: Int {
        let y = self.month <= 2 ? self.year - 1 : self.year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = self.month > 2 ? self.month - 3 : self.month + 9
        let doy = (153 * mp + 2) / 5 + self.day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The day of the week: 0 Monday … 6 Sunday.
    package var weekday: Int { Self.weekday(dayNumber: self.dayNumber) }

    /// The day of the week of a day number: 0 Monday … 6 Sunday.
    package static func weekday(dayNumber: Int) -> Int {
        // 1970-01-01 was a Thursday (3).
        ((dayNumber % 7) + 7 + 3) % 7
    }

    /// The date `days` later (earlier if negative).
    package func adding(days: Int) -> CivilDate { CivilDate(dayNumber: self.dayNumber + days) }

    /// Whether the year is a Gregorian leap year.
    package static func isLeap(_ year: Int) -> Bool { (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 }

    /// The number of days in a month.
    package static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: Self.isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Whether year, month and day name an existing date (years 1–9999).
    package static func isValid(year: Int, month: Int, day: Int) -> Bool {
        (1...9999).contains(year) && (1...12).contains(month) && day >= 1 && day <= Self.daysIn(month: month, year: year)
    }

    /// Parses `YYYY-MM-DD` (ISO 8601 extended) or `YYYYMMDD` (basic, as in iCalendar); `nil` if it is not a valid date.
    package init?(parsing text: String) {
        let digits: [Int]
        let characters = Array(text)
        if characters.count == 10, characters[4] == "-", characters[7] == "-" {
            digits = characters.enumerated().filter { $0.offset != 4 && $0.offset != 7 }.compactMap { $0.element.wholeNumberValue }
        } else if characters.count == 8 {
            digits = characters.compactMap { $0.isASCII ? $0.wholeNumberValue : nil }
        } else {
            return nil
        }
        guard digits.count == 8 else { return nil }
        let year = digits[0...3].reduce(0) { $0 * 10 + $1 }
        let month = digits[4] * 10 + digits[5]
        let day = digits[6] * 10 + digits[7]
        guard Self.isValid(year: year, month: month, day: day) else { return nil }
        self.init(year: year, month: month, day: day)
    }

    /// `YYYY-MM-DD`.
    package var description: String {
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(self.year, 4))-\(pad(self.month, 2))-\(pad(self.day, 2))"
    }

    /// Orders dates chronologically.
    package static func < (lhs: CivilDate, rhs: CivilDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }
}
