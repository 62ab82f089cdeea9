//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Erlang C: the queueing model that projects a queue's service level from its staffing.
//
//===----------------------------------------------------------------------===//

import Foundation

/// The Erlang C model (M/M/N, no abandonment): contacts arrive at random, wait in one queue and are
/// answered by `N` agents, each taking on average `AHT`.
///
/// With traffic `A = arrival rate × AHT` Erlangs and `N > A` agents, a contact waits with
/// probability `C(N, A)`, is answered within `t` with probability `1 − C · e^(−(N − A) · t / AHT)`,
/// and waits `C · AHT / (N − A)` on average. With `N ≤ A` the queue grows without bound: every
/// contact waits and the service level tends to 0.
///
/// `C` is computed from Erlang B by the recursion `B(0) = 1`, `B(k) = A·B(k−1) / (k + A·B(k−1))`
/// and `C = N·B / (N − A·(1 − B))`: no factorials or powers, every step in (0, 1], stable for
/// thousands of agents.
package enum ErlangC {
    /// Erlang B: the blocking probability of `agents` servers offered `traffic` Erlangs with no queue.
    /// - Parameters:
    ///   - agents: Servers, `N ≥ 0`.
    ///   - traffic: Offered traffic in Erlangs, `A ≥ 0`.
    package static func blocking(agents: Int, traffic: Double) -> Double {
        guard traffic > 0 else { return agents > 0 ? 0 : 1 }
        var b = 1.0
        if agents > 0 {
            for k in 1...agents {
                b = traffic * b / (Double(k) + traffic * b)
            }
        }
        return b
    }

    /// The probability that a contact waits, `C(N, A)`: 1 when `N ≤ A` (a queue without end), 0 without traffic.
    /// - Parameters:
    ///   - agents: Agents answering, `N`.
    ///   - traffic: Offered traffic in Erlangs, `A`.
    package static func probabilityOfWaiting(agents: Int, traffic: Double) -> Double {
        guard traffic > 0 else { return 0 }
        let n = Double(agents)
        guard agents > 0, n > traffic else { return 1 }
        let b = self.blocking(agents: agents, traffic: traffic)
        return n * b / (n - traffic * (1 - b))
    }

    /// The share of contacts answered within `threshold`: 0 when `N ≤ A`, 1 without traffic.
    /// - Parameters:
    ///   - agents: Agents answering.
    ///   - traffic: Offered traffic in Erlangs.
    ///   - threshold: The service-level threshold.
    ///   - handleTime: The average handle time (must be positive when there is traffic).
    package static func serviceLevel(agents: Int, traffic: Double, threshold: Duration, handleTime: Duration) -> Double {
        guard traffic > 0 else { return 1 }
        let n = Double(agents)
        let aht = BusinessCalendar.seconds(handleTime)
        guard n > traffic, aht > 0 else { return 0 }
        let wait = self.probabilityOfWaiting(agents: agents, traffic: traffic)
        return 1 - wait * Foundation.exp(-(n - traffic) * BusinessCalendar.seconds(threshold) / aht)
    }

    /// The average speed of answer, or `nil` when `N ≤ A` (unbounded).
    /// - Parameters:
    ///   - agents: Agents answering.
    ///   - traffic: Offered traffic in Erlangs.
    ///   - handleTime: The average handle time.
    package static func averageSpeedOfAnswer(agents: Int, traffic: Double, handleTime: Duration) -> Duration? {
        guard traffic > 0 else { return .zero }
        let n = Double(agents)
        guard n > traffic else { return nil }
        let seconds = self.probabilityOfWaiting(agents: agents, traffic: traffic) * BusinessCalendar.seconds(handleTime) / (n - traffic)
        return BusinessCalendar.duration(seconds: seconds)
    }

    /// The traffic in Erlangs of `offered` contacts over `period`, each handled in `handleTime` on average.
    /// - Parameters:
    ///   - offered: Contacts offered.
    ///   - period: The time they arrived over (positive).
    ///   - handleTime: The average handle time.
    package static func traffic(offered: Int, over period: Duration, handleTime: Duration) -> Double {
        let seconds = BusinessCalendar.seconds(period)
        guard seconds > 0 else { return 0 }
        return Double(offered) / seconds * BusinessCalendar.seconds(handleTime)
    }

    /// The fewest agents that reach `target` service level within `threshold`.
    /// - Parameters:
    ///   - traffic: Offered traffic in Erlangs.
    ///   - threshold: The service-level threshold.
    ///   - handleTime: The average handle time.
    ///   - target: The service level to reach, below 1.
    package static func agentsNeeded(traffic: Double, threshold: Duration, handleTime: Duration, target: Double) -> Int {
        guard traffic > 0 else { return 0 }
        var agents = Int(traffic.rounded(.down)) + 1
        while self.serviceLevel(agents: agents, traffic: traffic, threshold: threshold, handleTime: handleTime) < min(target, 0.999_999) {
            agents += 1
        }
        return agents
    }
}
