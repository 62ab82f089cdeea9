//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// A contract period (day, ISO week, month) in a calendar's time zone.
//
//===----------------------------------------------------------------------===//

import Foundation

/// One day, ISO week (Monday to Sunday) or month, read on the wall clock of a time zone: the period
/// an aggregate target is evaluated over.
///
/// A period runs from the first instant of its first local date to the first instant of the date
/// after its last, so a day is 23 or 25 hours long on a DST change and a month of a spring-forward
/// is an hour short.
package struct ContractPeriod: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// Day, week or month.
    package var kind: AggregateTarget.Period
    /// The first local date.
    package var firstDay: CivilDate
    /// The last local date (inclusive).
    package var lastDay: CivilDate
    /// The zone whose wall clock the dates are read in.
    package var timeZone: TimeZone
    /// The first instant.
    package var start: Date
    /// The first instant after the period (the next period's start).
    package var end: Date

    /// The period of `kind` that contains the local date `day`.
    /// - Parameters:
    ///   - kind: Day, week or month.
    ///   - day: A local date.
    ///   - timeZone: The zone the dates are read in.
    package init(_ kind: AggregateTarget.Period, containing day: CivilDate, in timeZone: TimeZone) {
        let first: CivilDate
        let last: CivilDate
        switch kind {
        case .day:
            first = day
            last = day
        case .week:
            first = day.adding(days: -day.weekday)
            last = first.adding(days: 6)
        case .month:
            first = CivilDate(year: day.year, month: day.month, day: 1)
            last = CivilDate(year: day.year, month: day.month, day: CivilDate.daysIn(month: day.month, year: day.year))
        }
        let clock = BusinessCalendar.twentyFourSeven(in: timeZone)
        self.kind = kind
        self.firstDay = first
        self.lastDay = last
        self.timeZone = timeZone
        self.start = clock.startOfDay(first)
        self.end = clock.startOfDay(last.adding(days: 1))
    }

    /// The period of `kind` that contains `instant`, in `timeZone`.
    /// - Parameters:
    ///   - kind: Day, week or month.
    ///   - instant: Any instant.
    ///   - timeZone: The zone the period's dates are read in (the contract calendar's).
    package init(_ kind: AggregateTarget.Period, containing instant: Date, in timeZone: TimeZone) {
        self.init(kind, containing: BusinessCalendar.twentyFourSeven(in: timeZone).localDate(of: instant), in: timeZone)
    }

    /// The next period of the same kind.
    package var next: ContractPeriod { ContractPeriod(self.kind, containing: self.lastDay.adding(days: 1), in: self.timeZone) }

    /// The previous period of the same kind.
    package var previous: ContractPeriod { ContractPeriod(self.kind, containing: self.firstDay.adding(days: -1), in: self.timeZone) }

    /// Whether `instant` lies in `[start, end)`.
    package func contains(_ instant: Date) -> Bool { self.start <= instant && instant < self.end }

    /// The wall time the period lasts.
    package var length: Duration { .milliseconds(Int64((self.end.timeIntervalSince(self.start) * 1000).rounded())) }

    /// The share of the period elapsed at `instant`, 0–1: by business time of `calendar` if the
    /// period has any, otherwise by wall time. 0 before the start, 1 from the end on.
    /// - Parameters:
    ///   - instant: Now.
    ///   - calendar: The contract's business calendar.
    package func elapsedShare(at instant: Date, calendar: BusinessCalendar) -> Double {
        if instant <= self.start { return 0 }
        if instant >= self.end { return 1 }
        let total = BusinessCalendar.seconds(calendar.businessDuration(from: self.start, to: self.end))
        if total > 0 {
            return BusinessCalendar.seconds(calendar.businessDuration(from: self.start, to: instant)) / total
        }
        return instant.timeIntervalSince(self.start) / self.end.timeIntervalSince(self.start)
    }

    /// Whether the period is over at `instant`.
    package func isClosed(at instant: Date) -> Bool { instant >= self.end }

    /// The periods of `kind` that end in this period: whose last date lies in it. A week belongs to the
    /// month of its Sunday.
    package func periods(_ kind: AggregateTarget.Period) -> [ContractPeriod] {
        var result: [ContractPeriod] = []
        var period = ContractPeriod(kind, containing: self.firstDay, in: self.timeZone)
        while period.firstDay <= self.lastDay {
            if period.lastDay >= self.firstDay && period.lastDay <= self.lastDay { result.append(period) }
            period = period.next
        }
        return result
    }

    /// The ISO 8601 week-numbering year and week of the period's first date.
    package var isoWeek: (year: Int, week: Int) {
        let thursday = self.firstDay.adding(days: 3 - self.firstDay.weekday)
        let dayOfYear = thursday.dayNumber - CivilDate(year: thursday.year, month: 1, day: 1).dayNumber
        return (thursday.year, dayOfYear / 7 + 1)
    }

    /// `2026-03-29` for a day, `2026-W13` for a week, `2026-03` for a month.
    package var description: String {
        switch self.kind {
        case .day:
            return self.firstDay.description
        case .week:
            let (year, week) = self.isoWeek
            return "\(year)-W\(week < 10 ? "0" : "")\(week)"
        case .month:
            return String(self.firstDay.description.prefix(7))
        }
    }

    /// The noun for the period: day, week, month.
    package var noun: String { self.kind.rawValue }

    /// Orders periods by start.
    package static func < (lhs: ContractPeriod, rhs: ContractPeriod) -> Bool {
        (lhs.start, lhs.kind.rawValue) < (rhs.start, rhs.kind.rawValue)
    }
}
