//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Staffing over a run: steady, or falling short (the drifting profile).
//
//===----------------------------------------------------------------------===//

import Foundation

/// The share of the needed staff that is present, as a function of wall time since the run started.
///
/// The share moves linearly from ``initial`` (before ``begins``) to ``final`` (after ``begins`` + ``over``).
/// Tickets' first replies are slowed by `1 / share²` (fewer agents, and each of them busier), and the telephony
/// intervals staff `share ×` the Erlang C requirement, so the service level falls with it.
package struct Staffing: Sendable, Hashable {
    /// Share of the needed staff at the start.
    package var initial: Double
    /// Share of the needed staff at the end of the drift.
    package var final: Double
    /// When the drift begins, relative to the run's start (negative: already under way when the run starts).
    package var begins: Duration
    /// How long the drift takes.
    package var over: Duration

    /// Creates a staffing course.
    /// - Parameters:
    ///   - initial: share before the drift.
    ///   - final: share after it.
    ///   - begins: start of the drift relative to the run's start.
    ///   - over: its length.
    package init(initial: Double, final: Double, begins: Duration, over: Duration) {
        self.initial = initial
        self.final = final
        self.begins = begins
        self.over = over
    }

    /// Fully staffed all the time.
    package static let steady = Staffing(initial: 1, final: 1, begins: .zero, over: .seconds(1))

    /// The share present `elapsed` seconds after the run started.
    package func share(atElapsed elapsed: TimeInterval) -> Double {
        let begins = self.begins.timeInterval
        let over = max(self.over.timeInterval, 0.001)
        let progress = min(1, max(0, (elapsed - begins) / over))
        return self.initial + (self.final - self.initial) * progress
    }

    /// The factor first replies are slowed by at `elapsed`.
    package func replySlowdown(atElapsed elapsed: TimeInterval) -> Double {
        let share = max(0.05, self.share(atElapsed: elapsed))
        return 1 / (share * share)
    }
}

extension Duration {
    /// The duration in seconds, as a `TimeInterval`.
    var timeInterval: TimeInterval {
        let parts = self.components
        return Double(parts.seconds) + Double(parts.attoseconds) * 1e-18
    }
}
