//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Business-time arithmetic in a time zone with weekly hours and holidays.
//
//===----------------------------------------------------------------------===//

import Foundation

/// A business calendar: an IANA time zone, weekly hours and holidays, and the arithmetic that SLA
/// clocks need — business time between two instants, the instant when a business duration has
/// elapsed (a deadline), and the next business instant.
///
/// ## The rule
/// An instant is business time when, read on a wall clock in ``timeZone``, its local date is not
/// a holiday and its local time of day lies in that date's weekly hours (``WeeklyHours``), and no
/// timed closure covers it. Everything else follows from that rule:
/// - On a spring-forward day the skipped wall-clock hour does not exist, so a 00:00–24:00 day has
///   23 hours (23 h 30 m on Lord Howe Island); a 09:00–17:00 day is untouched.
/// - On a fall-back day the repeated wall-clock hour happens twice and counts twice when it lies in
///   business hours.
/// - An overnight range (`22:00-06:00`) starts on its own day; a holiday closes its whole local
///   date, so a holiday on Tuesday also closes Tuesday 00:00–06:00 of Monday night's shift.
///
/// ## How it is computed
/// Not minute by minute: the walk splits time into spans of constant UTC offset (between the
/// zone's transitions, from `TimeZone.nextDaylightSavingTimeTransition(after:)`). Within a span,
/// local wall-clock time is the instant shifted by a constant, so the business intervals of each
/// local day (its weekly template, minus holidays) map back to absolute intervals exactly. The cost
/// is a few operations per local day and per transition.
///
/// Instants are `Date`s; durations are `Duration`s, rounded to the millisecond.
package struct BusinessCalendar: Sendable {
    /// The zone whose wall clock the hours and holidays are read in.
    package var timeZone: TimeZone
    /// Weekly business hours.
    package var hours: WeeklyHours
    /// Holidays and closures.
    package var holidays: HolidaySet
    /// How far ahead a deadline or next-business-instant search looks before giving up.
    package var searchHorizonDays: Int = 3_660

    /// Creates a calendar.
    /// - Parameters:
    ///   - timeZone: The IANA zone the hours are read in.
    ///   - hours: Weekly business hours.
    ///   - holidays: Holidays and closures.
    package init(timeZone: TimeZone, hours: WeeklyHours, holidays: HolidaySet = HolidaySet()) {
        self.timeZone = timeZone
        self.hours = hours
        self.holidays = holidays
    }

    /// A 24/7 calendar in a zone, without holidays.
    package static func twentyFourSeven(in timeZone: TimeZone) -> BusinessCalendar {
        BusinessCalendar(timeZone: timeZone, hours: .twentyFourSeven)
    }

    // MARK: - Operations

    /// Business time in `[start, end)`; zero when `end` is not after `start`.
    package func businessDuration(from start: Date, to end: Date) -> Duration {
        guard start < end else { return .zero }
        var total = 0.0
        _ = self.forEachInterval(from: start.timeIntervalSince1970, to: end.timeIntervalSince1970) { lower, upper in
            total += upper - lower
            return true
        }
        return Self.duration(seconds: total)
    }

    /// The earliest instant at which `duration` of business time has elapsed since `start`: the
    /// deadline of a target of `duration` that starts at `start`.
    ///
    /// A zero duration gives `start` itself. When the last business second falls just before
    /// non-business time, the deadline is the end of that business interval (Friday 20:00, not
    /// Monday 08:00).
    /// - Returns: `nil` if the calendar has not that much business time within ``searchHorizonDays``.
    package func deadline(from start: Date, adding duration: Duration) -> Date? {
        var remaining = Self.seconds(duration)
        if remaining <= 0 { return start }
        let from = start.timeIntervalSince1970
        var result: Double?
        _ = self.forEachInterval(from: from, to: from + Double(self.searchHorizonDays) * 86_400) { lower, upper in
            let length = upper - lower
            if remaining <= length {
                result = lower + remaining
                return false
            }
            remaining -= length
            return true
        }
        return result.map(Date.init(timeIntervalSince1970:))
    }

    /// `date` itself if it is business time, otherwise the start of the next business interval.
    /// - Returns: `nil` if there is no business time within ``searchHorizonDays``.
    package func nextBusinessInstant(atOrAfter date: Date) -> Date? {
        let from = date.timeIntervalSince1970
        var result: Double?
        _ = self.forEachInterval(from: from, to: from + Double(self.searchHorizonDays) * 86_400) { lower, _ in
            result = lower
            return false
        }
        return result.map(Date.init(timeIntervalSince1970:))
    }

    /// Whether `date` is business time.
    package func isBusinessTime(_ date: Date) -> Bool {
        self.nextBusinessInstant(atOrAfter: date).map { $0 == date } ?? false
    }

    /// The business intervals that overlap `[start, end)`, clipped to it, in order.
    package func businessIntervals(from start: Date, to end: Date) -> [Range<Date>] {
        var result: [Range<Date>] = []
        _ = self.forEachInterval(from: start.timeIntervalSince1970, to: end.timeIntervalSince1970) { lower, upper in
            let range = Date(timeIntervalSince1970: lower)..<Date(timeIntervalSince1970: upper)
            if let last = result.last, last.upperBound == range.lowerBound {
                result[result.count - 1] = last.lowerBound..<range.upperBound
            } else {
                result.append(range)
            }
            return true
        }
        return result
    }

    /// The instant at which a local date begins (its first existing wall-clock instant at or after 00:00).
    package func startOfDay(_ date: CivilDate) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = self.timeZone
        let components = DateComponents(year: date.year, month: date.month, day: date.day)
        return calendar.date(from: components).map { calendar.startOfDay(for: $0) } ?? Date(timeIntervalSince1970: Double(date.dayNumber) * 86_400)
    }

    /// The local date of an instant in this calendar's zone.
    package func localDate(of date: Date) -> CivilDate {
        let local = date.timeIntervalSince1970 + Double(self.timeZone.secondsFromGMT(for: date))
        return CivilDate(dayNumber: Int((local / 86_400).rounded(.down)))
    }

    // MARK: - The walk

    /// Calls `body` with each business interval `[lower, upper)` (seconds since 1970) that overlaps
    /// `[start, end)`, clipped to it, in increasing order, until `body` returns `false`.
    /// - Returns: `false` if `body` stopped the walk.
    func forEachInterval(from start: Double, to end: Double, _ body: (Double, Double) -> Bool) -> Bool {
        var cursor = start
        while cursor < end {
            let instant = Date(timeIntervalSince1970: cursor)
            let offset = Double(self.timeZone.secondsFromGMT(for: instant))
            let transition = self.timeZone.nextDaylightSavingTimeTransition(after: instant)?.timeIntervalSince1970 ?? .infinity
            var spanEnd = min(end, transition > cursor ? transition : .infinity)
            if spanEnd.isFinite { spanEnd = self.firstOffsetChange(from: cursor, offset: offset, before: spanEnd) }
            // The span [cursor, spanEnd) has one UTC offset: local wall-clock time = instant + offset.
            let localStart = cursor + offset
            let localEnd = spanEnd + offset
            var dayNumber = Int((localStart / 86_400).rounded(.down))
            while Double(dayNumber) * 86_400 < localEnd {
                if !self.holidays.isClosed(dayNumber: dayNumber) {
                    let midnight = Double(dayNumber) * 86_400
                    for range in self.hours.template(weekday: CivilDate.weekday(dayNumber: dayNumber)) {
                        let lower = max(midnight + Double(range.lowerBound), localStart)
                        let upper = min(midnight + Double(range.upperBound), localEnd)
                        guard lower < upper else { continue }
                        if !self.holidays.subtractingClosures(lower - offset, upper - offset, body) { return false }
                    }
                }
                dayNumber += 1
            }
            cursor = spanEnd
        }
        return true
    }

    /// `limit`, or the first whole second before it where the UTC offset is no longer `offset`: a safety net
    /// for an offset change that the zone does not report as a transition. Normally one offset lookup.
    private func firstOffsetChange(from start: Double, offset: Double, before limit: Double) -> Double {
        let offsetAt = { (instant: Double) in Double(self.timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: instant))) }
        guard limit - start > 1, offsetAt(limit - 1) != offset else { return limit }
        var low = start  // offset == offset at low
        var high = limit - 1  // offset != offset at high
        while high - low > 1 {
            let middle = ((low + high) / 2).rounded(.down)
            if middle <= low { break }
            if offsetAt(middle) == offset { low = middle } else { high = middle }
        }
        return high
    }

    // MARK: - Units

    /// A duration from seconds, rounded to the millisecond.
    static func duration(seconds: Double) -> Duration {
        .milliseconds(Int64((seconds * 1000).rounded()))
    }

    /// A duration in seconds.
    static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
