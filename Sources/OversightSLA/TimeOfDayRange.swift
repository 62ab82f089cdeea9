//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// A range of wall-clock times within a day, possibly running past midnight.
//
//===----------------------------------------------------------------------===//

/// A range of local wall-clock times, written `08:00-20:00`.
///
/// The end is exclusive. An end at or before the start is an overnight range that runs past
/// midnight into the next day (`22:00-06:00`); `00:00-24:00` is the whole day.
package struct TimeOfDayRange: Hashable, Sendable, CustomStringConvertible {
    /// Start, in seconds after local midnight (0 ..< 86 400).
    package var start: Int
    /// End, in seconds after local midnight (1 ... 86 400); at or before ``start`` for an overnight range.
    package var end: Int

    /// Creates a range from seconds after midnight.
    /// - Parameters:
    ///   - start: Start, 0 ..< 86 400.
    ///   - end: End, 0 ... 86 400; at or before `start` for an overnight range. Must differ from `start`.
    package init(start: Int, end: Int) {
        precondition((0..<86_400).contains(start) && (0...86_400).contains(end) && start != end, "invalid time range")
        self.start = start
        self.end = end
    }

    /// Whether the range runs past midnight into the next day.
    package var isOvernight: Bool { self.end < self.start || self.end == 0 }

    /// Parses `HH:MM-HH:MM` (`24:00` allowed as an end); `nil` if malformed or empty (`08:00-08:00`).
    package init?(parsing text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: " \t") }
        guard parts.count == 2, let start = Self.parseTime(parts[0]), let end = Self.parseTime(parts[1]) else { return nil }
        guard start < 86_400, start != end, !(start == 0 && end == 0) else { return nil }
        self.init(start: start, end: end)
    }

    /// The parts of this range that fall on the day it starts and on the next day, as seconds after each midnight.
    var pieces: (sameDay: Range<Int>, nextDay: Range<Int>?) {
        if !self.isOvernight { return (self.start..<self.end, nil) }
        return (self.start..<86_400, self.end == 0 ? nil : 0..<self.end)
    }

    /// `HH:MM-HH:MM`.
    package var description: String { "\(Self.format(self.start))-\(Self.format(self.end))" }

    static func format(_ seconds: Int) -> String {
        let hours = seconds / 3600
        let minutes = seconds % 3600 / 60
        return (hours < 10 ? "0" : "") + "\(hours):" + (minutes < 10 ? "0" : "") + "\(minutes)"
    }

    private static func parseTime(_ text: Substring) -> Int? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2,
            let hours = Int(parts[0]), let minutes = Int(parts[1]), parts.allSatisfy({ $0.allSatisfy(\.isASCII) }),
            (0...24).contains(hours), (0..<60).contains(minutes), hours < 24 || minutes == 0
        else { return nil }
        return hours * 3600 + minutes * 60
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: String) -> Substring {
        var view = self
        while let first = view.first, set.contains(first) { view.removeFirst() }
        while let last = view.last, set.contains(last) { view.removeLast() }
        return view
    }
}
