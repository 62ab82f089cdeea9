//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Timestamps as provider systems write them, formatted without locale-dependent formatters.
//
//===----------------------------------------------------------------------===//

import Foundation

/// Formats instants the way the simulated export files write them (whole seconds; the simulator's times are whole
/// seconds). Built from calendar components, so the output does not depend on the machine's locale.
package enum TimestampText {
    /// UTC.
    package static let utc = TimeZone(identifier: "UTC")!

    private static func parts(_ date: Date, _ timeZone: TimeZone) -> DateComponents {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
    }

    private static func two(_ value: Int?) -> String {
        let value = value ?? 0
        return value < 10 ? "0\(value)" : "\(value)"
    }

    /// `2026-11-25T14:03:09Z` in UTC, or with the zone's offset (`2026-11-25T22:03:09+08:00`).
    package static func iso8601(_ date: Date, timeZone: TimeZone) -> String {
        let p = self.parts(date, timeZone)
        let offset = timeZone.secondsFromGMT(for: date)
        let zone: String
        if offset == 0 {
            zone = "Z"
        } else {
            let minutes = abs(offset) / 60
            zone = (offset < 0 ? "-" : "+") + self.two(minutes / 60) + ":" + self.two(minutes % 60)
        }
        return "\(p.year ?? 0)-\(self.two(p.month))-\(self.two(p.day))T\(self.two(p.hour)):\(self.two(p.minute)):\(self.two(p.second))" + zone
    }

    /// `25/11/2026 14:03:09` on the zone's wall clock (pattern `dd/MM/yyyy HH:mm:ss`).
    package static func dayMonthYear(_ date: Date, timeZone: TimeZone) -> String {
        let p = self.parts(date, timeZone)
        return "\(self.two(p.day))/\(self.two(p.month))/\(p.year ?? 0) \(self.two(p.hour)):\(self.two(p.minute)):\(self.two(p.second))"
    }

    /// Whole seconds since 1970.
    package static func unix(_ date: Date) -> String {
        "\(Int(date.timeIntervalSince1970.rounded()))"
    }

    /// `20261125T140309Z`, for file names.
    package static func compact(_ date: Date) -> String {
        let p = self.parts(date, self.utc)
        return "\(p.year ?? 0)\(self.two(p.month))\(self.two(p.day))T\(self.two(p.hour))\(self.two(p.minute))\(self.two(p.second))Z"
    }
}
