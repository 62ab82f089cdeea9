//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

/// Capped exponential backoff with jitter for failed deliveries.
///
/// After the n-th failed attempt the delivery waits a delay drawn uniformly from `ceiling/2 ... ceiling`, where
/// `ceiling = min(maximum, initial × 2^(n-1))`: half of the delay spreads retries of many alerts apart, the other half
/// guarantees the receiver gets real breathing room.
package struct RetryPolicy: Hashable, Sendable {
    /// The ceiling after the first failure.
    package var initial: Duration
    /// The largest ceiling.
    package var maximum: Duration

    /// Creates a policy.
    /// - Parameters:
    ///   - initial: ceiling after the first failure (default 1 s).
    ///   - maximum: cap (default 5 min).
    package init(initial: Duration = .seconds(1), maximum: Duration = .seconds(300)) {
        self.initial = initial
        self.maximum = max(maximum, initial)
    }

    /// The ceiling after `attempt` failures (`attempt` ≥ 1).
    package func ceiling(afterFailures attempt: Int) -> Duration {
        let doublings = min(max(attempt - 1, 0), 40)
        var ceiling = self.initial
        for _ in 0..<doublings {
            ceiling = ceiling * 2
            if ceiling >= self.maximum { return self.maximum }
        }
        return min(ceiling, self.maximum)
    }

    /// The delay before the next attempt after `attempt` failures, drawn from `ceiling/2 ... ceiling`.
    package func delay(afterFailures attempt: Int, using generator: inout some RandomNumberGenerator) -> Duration {
        let ceiling = self.ceiling(afterFailures: attempt).seconds
        return .seconds(Double.random(in: (ceiling / 2)...ceiling, using: &generator))
    }

    /// ``delay(afterFailures:using:)`` with the system generator.
    package func delay(afterFailures attempt: Int) -> Duration {
        var generator = SystemRandomNumberGenerator()
        return self.delay(afterFailures: attempt, using: &generator)
    }
}

extension Duration {
    /// The duration in seconds, as a `Double`.
    package var seconds: Double {
        Double(self.components.seconds) + Double(self.components.attoseconds) / 1e18
    }
}
