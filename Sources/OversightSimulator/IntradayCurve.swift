//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The shape of a site's day and week: how contact volume rises and falls.
//
//===----------------------------------------------------------------------===//

import Foundation

/// Relative contact volume by local hour of day and day of week, read in the site's time zone.
///
/// A factor of 1 is the profile's peak rate. Hours are interpolated linearly (the value for hour `h` is the
/// volume at `h:30`), so arrivals rise and fall smoothly instead of stepping on the hour.
package struct IntradayCurve: Sendable, Hashable {
    /// Volume for each local hour 0…23, relative to the peak.
    package var hourly: [Double]
    /// Volume for each weekday, Sunday first (as `Calendar`'s weekday 1…7), relative to the busiest day.
    package var weekdays: [Double]

    /// Creates a curve.
    /// - Parameters:
    ///   - hourly: 24 relative volumes, local hours 0…23.
    ///   - weekdays: 7 relative volumes, Sunday first.
    package init(hourly: [Double], weekdays: [Double]) {
        precondition(hourly.count == 24 && weekdays.count == 7, "an intraday curve has 24 hours and 7 weekdays")
        self.hourly = hourly
        self.weekdays = weekdays
    }

    /// The same volume at every hour of every day.
    package static let flat = IntradayCurve(hourly: Array(repeating: 1, count: 24), weekdays: Array(repeating: 1, count: 7))

    /// An office-hours site: a morning peak at 10–11, a lunch dip, an afternoon peak, quiet nights; weekends light.
    package static let officeHours = IntradayCurve(
        hourly: [
            0.05, 0.03, 0.02, 0.02, 0.03, 0.06, 0.15, 0.35, 0.70, 0.90, 1.00, 0.95,
            0.75, 0.80, 0.90, 0.85, 0.75, 0.60, 0.45, 0.35, 0.25, 0.18, 0.12, 0.08,
        ],
        weekdays: [0.35, 1.00, 0.95, 0.90, 0.90, 0.85, 0.40]
    )

    /// A round-the-clock chat site: never below 40 % of its peak, evenings busiest, every day alike.
    package static let roundTheClock = IntradayCurve(
        hourly: [
            0.55, 0.48, 0.42, 0.40, 0.40, 0.45, 0.55, 0.65, 0.75, 0.80, 0.85, 0.85,
            0.85, 0.85, 0.85, 0.88, 0.90, 0.92, 0.95, 1.00, 1.00, 0.92, 0.80, 0.65,
        ],
        weekdays: [0.90, 1.00, 1.00, 1.00, 1.00, 0.98, 0.90]
    )

    /// The largest factor the curve reaches (the thinning bound of the arrival process).
    package var peak: Double { (self.hourly.max() ?? 1) * (self.weekdays.max() ?? 1) }

    /// The relative volume at `instant`, read on the wall clock of `timeZone`.
    package func factor(at instant: Date, timeZone: TimeZone) -> Double {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.weekday, .hour, .minute, .second], from: instant)
        let weekday = self.weekdays[((parts.weekday ?? 1) - 1) % 7]
        let hours = Double(parts.hour ?? 0) + Double(parts.minute ?? 0) / 60 + Double(parts.second ?? 0) / 3600 - 0.5
        let position = (hours + 24).truncatingRemainder(dividingBy: 24)
        let lower = Int(position) % 24
        let upper = (lower + 1) % 24
        let fraction = position - Double(Int(position))
        return weekday * (self.hourly[lower] * (1 - fraction) + self.hourly[upper] * fraction)
    }
}
