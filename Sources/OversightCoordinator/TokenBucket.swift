//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Paces new TLS handshakes and enrollments so a reconnect storm becomes a queue, not a collapse.
//
//===----------------------------------------------------------------------===//

import Synchronization

/// A token bucket that hands out *slots*: each caller learns how long to wait for its token.
///
/// `rate` tokens per second refill up to `burst`; a caller whose slot is more than `maxWait` away is refused.
package final class TokenBucket: Sendable {
    private struct State {
        /// The time at which the bucket will be empty again with every reservation so far honoured.
        var nextFree: ContinuousClock.Instant
    }

    package let rate: Double
    package let burst: Double
    package let maxWait: Duration
    private let state: Mutex<State>

    /// Creates a bucket that starts full.
    package init(rate: Double, burst: Int, maxWait: Duration, now: ContinuousClock.Instant = .now) {
        precondition(rate > 0 && burst >= 1)
        self.rate = rate
        self.burst = Double(burst)
        self.maxWait = maxWait
        self.state = Mutex(State(nextFree: now - .seconds(Double(burst) / rate)))
    }

    /// Reserves a token: `.zero` to go now, a delay to wait, or `nil` when the queue is longer than `maxWait`.
    package func reserve(now: ContinuousClock.Instant = .now) -> Duration? {
        let interval = Duration.seconds(1 / self.rate)
        let window = Duration.seconds(self.burst / self.rate)
        return self.state.withLock { state in
            // Tokens accumulate for at most `burst` intervals.
            var start = max(state.nextFree, now - window)
            start += interval
            let wait = start - now
            if wait > self.maxWait { return nil }
            state.nextFree = start
            return wait > .zero ? wait : .zero
        }
    }
}
