//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// When a site's export job stops writing (the "goes silent" profile).
//
//===----------------------------------------------------------------------===//

import Foundation

/// Windows of wall time, relative to the run's start, during which the site's export job writes nothing.
///
/// The provider's own system keeps working: tickets keep arriving and changing. When the export job resumes, its
/// first file carries everything that changed meanwhile, so the coordinator receives late data. The demo also
/// stops the site's agent process for each window, so the coordinator sees the agent go offline.
package struct SilenceSchedule: Sendable, Hashable {
    /// Start of the first window after the run's start.
    package var firstAfter: Duration
    /// Length of every window.
    package var duration: Duration
    /// Time between the starts of consecutive windows; `nil` for a single window.
    package var period: Duration?

    /// Creates a schedule.
    /// - Parameters:
    ///   - firstAfter: start of the first window.
    ///   - duration: length of each window.
    ///   - period: start-to-start spacing, or `nil` for one window.
    package init(firstAfter: Duration, duration: Duration, period: Duration? = nil) {
        precondition(period.map { $0 > duration } ?? true, "silence windows must not overlap")
        self.firstAfter = firstAfter
        self.duration = duration
        self.period = period
    }

    /// The windows that start before `horizon`, in order.
    package func windows(until horizon: Duration) -> [Range<Duration>] {
        var windows: [Range<Duration>] = []
        var start = self.firstAfter
        while start < horizon {
            windows.append(start..<(start + self.duration))
            guard let period = self.period else { break }
            start += period
        }
        return windows
    }

    /// Whether the export job is silent `elapsed` after the run's start.
    package func isSilent(atElapsed elapsed: Duration) -> Bool {
        guard elapsed >= self.firstAfter else { return false }
        guard let period = self.period else { return elapsed < self.firstAfter + self.duration }
        let intoPeriod = (elapsed - self.firstAfter).timeInterval.truncatingRemainder(dividingBy: period.timeInterval)
        return intoPeriod < self.duration.timeInterval
    }
}
