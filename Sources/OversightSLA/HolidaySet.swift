//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Days and intervals on which a business calendar is closed.
//
//===----------------------------------------------------------------------===//

import Foundation

/// The days and intervals on which a calendar has no business time, whatever its weekly hours say.
///
/// - A **date** (listed, or an all-day iCalendar event) closes that whole local date, 00:00–24:00,
///   including the part of an overnight shift from the day before that falls on it.
/// - A **yearly** date (`RRULE:FREQ=YEARLY`, or `yearly:` in a contract) closes that month and day
///   every year from its first year to its last (29 February only in leap years).
/// - A **closure** (a timed iCalendar event) closes an absolute interval `[start, end)`.
package struct HolidaySet: Hashable, Sendable {
    /// A month and day closed every year within a span of years.
    package struct Yearly: Hashable, Sendable {
        /// Month, 1–12.
        package var month: Int
        /// Day of the month.
        package var day: Int
        /// First year it applies to.
        package var fromYear: Int
        /// Last year it applies to (inclusive); `nil` for no end.
        package var untilYear: Int?
        /// A name for messages, such as `Christmas Day`.
        package var name: String?

        /// Creates a yearly holiday.
        package init(month: Int, day: Int, fromYear: Int = 1, untilYear: Int? = nil, name: String? = nil) {
            self.month = month
            self.day = day
            self.fromYear = fromYear
            self.untilYear = untilYear
            self.name = name
        }
    }

    /// Closed dates, by ``CivilDate/dayNumber``, with their names where known.
    package private(set) var dates: [Int: String] = [:]
    /// Yearly closed dates.
    package private(set) var yearly: [Yearly] = []
    /// Closed absolute intervals, seconds since 1970, sorted and disjoint.
    package private(set) var closures: [Range<Double>] = []

    /// An empty set: no holidays.
    package init() {}

    /// Whether there are no holidays at all.
    package var isEmpty: Bool { self.dates.isEmpty && self.yearly.isEmpty && self.closures.isEmpty }

    /// Closes a whole local date.
    package mutating func add(_ date: CivilDate, name: String? = nil) {
        let key = date.dayNumber
        if self.dates[key] == nil || name != nil { self.dates[key] = name ?? self.dates[key] ?? "" }
    }

    /// Closes a month and day every year within a span of years.
    package mutating func add(_ yearly: Yearly) { self.yearly.append(yearly) }

    /// Closes an absolute interval.
    package mutating func addClosure(from start: Date, to end: Date) {
        guard start < end else { return }
        var all = self.closures + [start.timeIntervalSince1970..<end.timeIntervalSince1970]
        all.sort { $0.lowerBound < $1.lowerBound }
        var merged: [Range<Double>] = []
        for range in all {
            if let last = merged.last, range.lowerBound <= last.upperBound {
                merged[merged.count - 1] = last.lowerBound..<max(last.upperBound, range.upperBound)
            } else {
                merged.append(range)
            }
        }
        self.closures = merged
    }

    /// Adds everything in another set.
    package mutating func formUnion(_ other: HolidaySet) {
        for (day, name) in other.dates { self.add(CivilDate(dayNumber: day), name: name.isEmpty ? nil : name) }
        self.yearly += other.yearly
        for closure in other.closures {
            self.addClosure(from: Date(timeIntervalSince1970: closure.lowerBound), to: Date(timeIntervalSince1970: closure.upperBound))
        }
    }

    /// Whether the local date with this day number is closed all day.
    package func isClosed(dayNumber: Int) -> Bool {
        if self.dates[dayNumber] != nil { return true }
        if self.yearly.isEmpty { return false }
        return self.isClosed(CivilDate(dayNumber: dayNumber))
    }

    /// Whether a local date is closed all day.
    package func isClosed(_ date: CivilDate) -> Bool {
        if self.dates[date.dayNumber] != nil { return true }
        return self.yearly.contains {
            $0.month == date.month && $0.day == date.day && date.year >= $0.fromYear && date.year <= ($0.untilYear ?? .max)
        }
    }

    /// The holiday dates from `first` to `last` (inclusive), in order, with their names.
    package func dates(from first: CivilDate, through last: CivilDate) -> [(date: CivilDate, name: String)] {
        var result: [(date: CivilDate, name: String)] = []
        var dayNumber = first.dayNumber
        while dayNumber <= last.dayNumber {
            let date = CivilDate(dayNumber: dayNumber)
            if let name = self.dates[dayNumber] {
                result.append((date, name))
            } else if let rule = self.yearly.first(where: {
                $0.month == date.month && $0.day == date.day && date.year >= $0.fromYear && date.year <= ($0.untilYear ?? .max)
            }) {
                result.append((date, rule.name ?? ""))
            }
            dayNumber += 1
        }
        return result
    }

    /// Calls `body` with each part of `[start, end)` (seconds since 1970) that no closure covers, in order.
    func subtractingClosures(_ start: Double, _ end: Double, _ body: (Double, Double) -> Bool) -> Bool {
        if self.closures.isEmpty { return body(start, end) }
        // First closure that ends after start.
        var low = 0
        var high = self.closures.count
        while low < high {
            let middle = (low + high) / 2
            if self.closures[middle].upperBound <= start { low = middle + 1 } else { high = middle }
        }
        var cursor = start
        var index = low
        while index < self.closures.count, self.closures[index].lowerBound < end {
            let closure = self.closures[index]
            if closure.lowerBound > cursor, !body(cursor, closure.lowerBound) { return false }
            cursor = max(cursor, closure.upperBound)
            index += 1
        }
        if cursor < end { return body(cursor, end) }
        return true
    }
}
