//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Erlang C: the queueing model behind a telephony site's service level.
//
//===----------------------------------------------------------------------===//

import Foundation

/// The Erlang C model (M/M/N): calls arrive at random, wait in one queue, and are answered by `N` agents.
///
/// With traffic `A` Erlangs (arrival rate × average handle time) and `N > A` agents, the probability that a
/// call waits is `C(N, A)`, the service level within `t` seconds is `1 − C · e^(−(N − A) · t / AHT)` and the average
/// speed of answer is `C · AHT / (N − A)`. With `N ≤ A` the queue grows without bound: every call waits.
package enum ErlangC {
    /// Probability that a call has to wait, `C(N, A)`, computed with the stable Erlang B recursion.
    /// - Parameters:
    ///   - agents: agents answering, `N`.
    ///   - traffic: offered traffic in Erlangs, `A`.
    package static func probabilityOfWaiting(agents: Int, traffic: Double) -> Double {
        guard traffic > 0 else { return 0 }
        guard agents > 0, Double(agents) > traffic else { return 1 }
        var erlangB = 1.0
        for k in 1...agents {
            erlangB = traffic * erlangB / (Double(k) + traffic * erlangB)
        }
        let n = Double(agents)
        return n * erlangB / (n - traffic * (1 - erlangB))
    }

    /// Share of calls answered within `threshold` seconds.
    /// - Parameters:
    ///   - agents: agents answering.
    ///   - traffic: offered traffic in Erlangs.
    ///   - threshold: the answer-time threshold in seconds.
    ///   - handleTime: average handle time in seconds.
    package static func serviceLevel(agents: Int, traffic: Double, threshold: Double, handleTime: Double) -> Double {
        guard traffic > 0 else { return 1 }
        guard Double(agents) > traffic else { return 0 }
        let wait = self.probabilityOfWaiting(agents: agents, traffic: traffic)
        return 1 - wait * Foundation.exp(-(Double(agents) - traffic) * threshold / handleTime)
    }

    /// Average speed of answer in seconds (infinite when `N ≤ A`).
    package static func averageSpeedOfAnswer(agents: Int, traffic: Double, handleTime: Double) -> Double {
        guard traffic > 0 else { return 0 }
        guard Double(agents) > traffic else { return .infinity }
        return self.probabilityOfWaiting(agents: agents, traffic: traffic) * handleTime / (Double(agents) - traffic)
    }

    /// The fewest agents that reach `target` service level within `threshold` seconds.
    package static func agentsNeeded(traffic: Double, threshold: Double, handleTime: Double, target: Double) -> Int {
        guard traffic > 0 else { return 0 }
        var agents = max(1, Int(traffic.rounded(.down)) + 1)
        while self.serviceLevel(agents: agents, traffic: traffic, threshold: threshold, handleTime: handleTime) < target {
            agents += 1
        }
        return agents
    }
}
