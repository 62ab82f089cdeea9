//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightSLA
import PropertyBased
import Testing

/// Business duration, deadline and next business instant agree exactly with a minute-by-minute
/// reference on random calendars (several ranges a day, overnight and all-day ranges, closed days,
/// holidays) around real DST changes in Europe/Berlin, America/Sao_Paulo (historical DST, changes at
/// midnight) and Australia/Lord_Howe (30-minute change).
@Suite struct BusinessCalendarPropertyTests {
    /// One random calendar and a few instants.
    struct Case: CustomStringConvertible, Sendable {
        var zone: String
        /// Per weekday (0 Monday), ranges in minutes; `end <= start` is overnight.
        var ranges: [[Pair]]
        /// Holidays, as offsets in days from the start's local date.
        var holidayOffsets: [Int]
        var start: Date
        var spanMinutes: Int
        var targetMinutes: Int

        struct Pair: Sendable, CustomStringConvertible {
            var start: Int
            var end: Int
            var description: String {
                String(format: "%02d:%02d-%02d:%02d", self.start / 60, self.start % 60, self.end / 60, self.end % 60)
            }
        }

        var end: Date { self.start + Double(self.spanMinutes * 60) }

        var description: String {
            let days = zip(["mon", "tue", "wed", "thu", "fri", "sat", "sun"], self.ranges).map { "\($0)=\($1)" }.joined(separator: " ")
            return "\(self.zone) start=\(self.start) span=\(self.spanMinutes)m target=\(self.targetMinutes)m holidays=\(self.holidayOffsets) \(days)"
        }

        func calendars() -> (BusinessCalendar, ReferenceCalendar) {
            let zone = TimeZone(identifier: self.zone)!
            var reference = Calendar(identifier: .gregorian)
            reference.timeZone = zone
            let parts = reference.dateComponents([.year, .month, .day], from: self.start)
            let startDate = CivilDate(year: parts.year!, month: parts.month!, day: parts.day!)
            let holidays = Set(self.holidayOffsets.map { startDate.adding(days: $0) })
            var set = HolidaySet()
            for holiday in holidays { set.add(holiday) }
            let hours = WeeklyHours(ranges: self.ranges.map { $0.map { TimeOfDayRange(start: $0.start * 60, end: $0.end * 60) } })
            return (
                BusinessCalendar(timeZone: zone, hours: hours, holidays: set),
                ReferenceCalendar(timeZone: zone, ranges: self.ranges.map { $0.map { ($0.start, $0.end) } }, holidays: holidays)
            )
        }
    }

    /// DST changes of a zone between two years, as instants.
    static func transitions(_ zone: String, from firstYear: Int, to lastYear: Int) -> [Date] {
        let timeZone = TimeZone(identifier: zone)!
        let first = CivilDate(year: firstYear, month: 1, day: 1)
        let last = CivilDate(year: lastYear + 1, month: 1, day: 1)
        var result: [Date] = []
        var cursor = Date(timeIntervalSince1970: Double(first.dayNumber) * 86_400)
        let end = Date(timeIntervalSince1970: Double(last.dayNumber) * 86_400)
        while let next = timeZone.nextDaylightSavingTimeTransition(after: cursor), next < end {
            result.append(next)
            cursor = next
        }
        return result
    }

    static func generator(zone: String, transitions: [Date]) -> Generator<Case, some SendableSequenceType> {
        let range = zip(Gen.int(in: 0...1439), Gen.int(in: 0...1440), Gen.int(in: 0...9)).map { start, end, kind in
            // One range in ten is all day; an empty range becomes all day too.
            kind == 0 || start == end ? Case.Pair(start: 0, end: 1440) : Case.Pair(start: start, end: end)
        }
        let week = range.array(of: 0...2).array(of: 7)
        let holidays = Gen.int(in: -3...12).array(of: 0...4)
        let start = zip(Gen.int(in: 0...(transitions.count - 1)), Gen.int(in: (-4 * 1440)...(2 * 1440)))
        return zip(week, holidays, start, zip(Gen.int(in: 0...(5 * 1440)), Gen.int(in: 0...(3 * 1440)))).map { week, holidays, start, lengths in
            let base = transitions[start.0].timeIntervalSince1970
            let instant = Date(timeIntervalSince1970: (base / 60).rounded(.down) * 60 + Double(start.1 * 60))
            return Case(
                zone: zone, ranges: week, holidayOffsets: holidays, start: instant, spanMinutes: lengths.0, targetMinutes: lengths.1
            )
        }
    }

    static let zones: [(name: String, firstYear: Int, lastYear: Int, seed: UInt64)] = [
        ("Europe/Berlin", 2016, 2030, 0xB3E1_1A),
        ("America/Sao_Paulo", 2011, 2018, 0x5A0_9A01),
        ("Australia/Lord_Howe", 2016, 2030, 0x10_4D40),
    ]

    @Test(arguments: Self.zones.map(\.name))
    func durationAndDeadlineMatchTheMinuteByMinuteReference(zone: String) throws {
        let spec = try #require(Self.zones.first { $0.name == zone })
        let transitions = Self.transitions(zone, from: spec.firstYear, to: spec.lastYear)
        try #require(transitions.count >= 2 * (spec.lastYear - spec.firstYear))
        seededPropertyCheck(seed: spec.seed, count: 120, input: Self.generator(zone: zone, transitions: transitions)) { sample in
            let (calendar, reference) = sample.calendars()
            let minutes = reference.businessMinutes(from: sample.start, to: sample.end)
            let duration = calendar.businessDuration(from: sample.start, to: sample.end)
            if duration != .seconds(minutes * 60) { return "duration \(duration), reference \(minutes) minutes" }

            let deadline = calendar.deadline(from: sample.start, adding: .seconds(sample.targetMinutes * 60))
            let expected = reference.deadline(from: sample.start, minutes: sample.targetMinutes)
            if deadline != expected { return "deadline \(String(describing: deadline)), reference \(String(describing: expected))" }

            let next = calendar.nextBusinessInstant(atOrAfter: sample.start)
            let expectedNext = reference.nextBusiness(from: sample.start)
            if next != expectedNext { return "next business instant \(String(describing: next)), reference \(String(describing: expectedNext))" }
            return nil
        }
    }

    @Test(arguments: Self.zones.map(\.name))
    func deadlineOfTheDurationRoundTrips(zone: String) throws {
        let spec = try #require(Self.zones.first { $0.name == zone })
        let transitions = Self.transitions(zone, from: spec.firstYear, to: spec.lastYear)
        seededPropertyCheck(seed: spec.seed ^ 0xFFFF, count: 120, input: Self.generator(zone: zone, transitions: transitions)) { sample in
            let (calendar, reference) = sample.calendars()
            let duration = calendar.businessDuration(from: sample.start, to: sample.end)
            guard let back = calendar.deadline(from: sample.start, adding: duration) else { return "no deadline for \(duration)" }
            // The earliest instant with that much business time: never after the end, and exactly the end
            // when the end is inside business time or just after a business minute.
            if back > sample.end { return "deadline(start, duration(start, end)) = \(back) is after end" }
            if calendar.businessDuration(from: sample.start, to: back) != duration { return "duration to \(back) differs" }
            let minutes = Int(duration.components.seconds / 60)
            if back != reference.deadline(from: sample.start, minutes: minutes) { return "round trip \(back) differs from the reference" }
            if minutes > 0, !reference.isBusiness(back - 60) { return "the minute before \(back) is not business time" }
            return nil
        }
    }
}
