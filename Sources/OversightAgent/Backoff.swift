//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

/// Capped exponential backoff with full jitter.
///
/// The attempt count is *not* reset by a connection that merely opens: only one that stayed up for `stableAfter`
/// resets it. So after a coordinator restart a thousand agents spread their returns over the whole window instead
/// of coming back in the same second, and an agent whose connections fail right after the handshake keeps backing off.
package struct Backoff: Sendable {
    package let initial: Duration
    package let maximum: Duration
    package let stableAfter: Duration
    package private(set) var attempt = 0

    /// Creates a backoff.
    package init(initial: Duration, maximum: Duration, stableAfter: Duration = .seconds(60)) {
        self.initial = initial
        self.maximum = max(maximum, initial)
        self.stableAfter = stableAfter
    }

    /// The ceiling of the next delay: `min(maximum, initial × 2^attempt)`.
    package var ceiling: Duration {
        let factor = 1 << min(self.attempt, 30)
        let grown = self.initial * factor
        return min(grown, self.maximum)
    }

    /// The next delay, uniformly drawn from `0...ceiling`, and one more attempt counted.
    package mutating func next(using generator: inout some RandomNumberGenerator) -> Duration {
        let ceiling = self.ceiling
        self.attempt += 1
        let nanos = ceiling.components.seconds * 1_000_000_000 + ceiling.components.attoseconds / 1_000_000_000
        return .nanoseconds(Int64.random(in: 0...max(nanos, 0), using: &generator))
    }

    /// The next delay using the system generator.
    package mutating func next() -> Duration {
        var generator = SystemRandomNumberGenerator()
        return self.next(using: &generator)
    }

    /// Tells the backoff how long the last connection lasted; a stable one resets the attempt count.
    package mutating func connectionEnded(after lifetime: Duration) {
        if lifetime >= self.stableAfter { self.attempt = 0 }
    }
}
