//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// One ticket clock evaluated at an instant.
//
//===----------------------------------------------------------------------===//

import Foundation

/// One ticket clock evaluated at an instant: target, elapsed business time, deadlines and state.
package struct ClockEvaluation: Hashable, Sendable {
    /// Which clock.
    package var kind: TicketClockKind
    /// The target, in business time.
    package var target: Duration
    /// Counted business time up to the evaluation instant (or to the stop).
    package var elapsed: Duration
    /// When the at-risk share of the target is (or was, or would be if the clock kept running) reached.
    package var atRiskAt: Date?
    /// When the clock breaches (or breached) if it keeps its current course; `nil` while paused, or
    /// when it stopped before reaching the target.
    package var deadline: Date?
    /// The state at the evaluation instant.
    package var state: ClockState

    /// Creates an evaluation.
    package init(kind: TicketClockKind, target: Duration, elapsed: Duration, atRiskAt: Date?, deadline: Date?, state: ClockState) {
        self.kind = kind
        self.target = target
        self.elapsed = elapsed
        self.atRiskAt = atRiskAt
        self.deadline = deadline
        self.state = state
    }

    /// The breach instant, if the clock is breached.
    package var breachedAt: Date? {
        if case .breached(let at) = self.state { return at }
        return nil
    }

    /// Whether a breach is found late: its true instant is more than `tolerance` before the moment the
    /// engine learnt of it (`detectedAt`), as when an agent syncs after hours offline. Such breaches are
    /// recorded with their true instant and flagged `late-data`.
    package func isLateBreach(detectedAt: Date, tolerance: Duration = .seconds(1)) -> Bool {
        guard let at = self.breachedAt else { return false }
        return detectedAt.timeIntervalSince(at) > BusinessCalendar.seconds(tolerance)
    }
}
