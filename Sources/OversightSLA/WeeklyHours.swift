//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Business hours for each day of the week.
//
//===----------------------------------------------------------------------===//

/// The business hours of each day of the week, in local wall-clock time.
///
/// Each day has zero or more ``TimeOfDayRange``s. An overnight range belongs to the day it starts
/// on and runs into the next day: Monday's `22:00-06:00` covers Monday 22:00 to Tuesday 06:00.
/// Overlapping ranges are merged. An instant is business time when its local wall-clock time on its
/// local date falls in that date's hours (see ``template(weekday:)``).
package struct WeeklyHours: Hashable, Sendable {
    /// Ranges per weekday, index 0 Monday … 6 Sunday, as configured.
    package private(set) var ranges: [[TimeOfDayRange]]
    /// Per weekday, the merged, sorted seconds-of-day that are business time on a date of that
    /// weekday, including the tails of the previous day's overnight ranges.
    private var templates: [[Range<Int>]]

    /// Creates weekly hours.
    /// - Parameter ranges: Seven lists of ranges, Monday first.
    package init(ranges: [[TimeOfDayRange]]) {
        precondition(ranges.count == 7, "weekly hours need seven days")
        self.ranges = ranges
        var pieces = [[Range<Int>]](repeating: [], count: 7)
        for weekday in 0..<7 {
            for range in ranges[weekday] {
                let (sameDay, nextDay) = range.pieces
                pieces[weekday].append(sameDay)
                if let nextDay { pieces[(weekday + 1) % 7].append(nextDay) }
            }
        }
        self.templates = pieces.map(Self.merge)
    }

    /// Every day, all day.
    package static let twentyFourSeven = WeeklyHours(ranges: Array(repeating: [TimeOfDayRange(start: 0, end: 86_400)], count: 7))

    /// Business seconds-of-day on a date of `weekday` (0 Monday … 6 Sunday), sorted and disjoint.
    package func template(weekday: Int) -> [Range<Int>] { self.templates[weekday] }

    /// Business seconds in a whole week without holidays.
    package var secondsPerWeek: Int { self.templates.reduce(0) { $0 + $1.reduce(0) { $0 + $1.count } } }

    /// Whether every day is business time all day.
    package var isTwentyFourSeven: Bool { self.templates.allSatisfy { $0 == [0..<86_400] } }

    private static func merge(_ ranges: [Range<Int>]) -> [Range<Int>] {
        var result: [Range<Int>] = []
        for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = result.last, range.lowerBound <= last.upperBound {
                result[result.count - 1] = last.lowerBound..<max(last.upperBound, range.upperBound)
            } else {
                result.append(range)
            }
        }
        return result
    }

    /// English weekday names, Monday first, as contract files spell them.
    package static let dayNames = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
}
