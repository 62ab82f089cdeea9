//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// One telephony interval as counts and sums, and how it is simulated and written.
//
//===----------------------------------------------------------------------===//

import Foundation

/// One interval of a phone queue as the telephony system reports it: counts and sums, never percentages
/// (PRODUCT.md §4.2), so head office can sum intervals and compute service level, ASA and abandonment itself.
package struct IntervalReport: Sendable, Hashable {
    /// Start of the interval (simulated time).
    package var start: Date
    /// Length in minutes.
    package var minutes: Int
    /// The queue.
    package var queue: String
    /// Calls offered.
    package var offered: Int
    /// Calls answered.
    package var answered: Int
    /// Calls answered within ``threshold`` seconds.
    package var answeredWithinThreshold: Int
    /// The threshold in seconds.
    package var threshold: Double
    /// Callers who hung up before an answer.
    package var abandoned: Int
    /// Of those, callers who hung up within the short-abandon limit.
    package var shortAbandons: Int
    /// Sum of the answered calls' waits, seconds.
    package var totalAnswerDelay: Double
    /// Sum of the answered calls' handle times (talk + hold + after-call work), seconds.
    package var totalHandleTime: Double
    /// Agents staffed on the queue.
    package var agentsStaffed: Int
    /// Agents Erlang C asks for to reach the target service level at the forecast volume.
    package var agentsNeeded: Int
    /// The Erlang C service level of the staffed agents at the forecast volume (for comparison with the counts).
    package var modelServiceLevel: Double

    /// Simulates an interval call by call.
    ///
    /// The number of calls is Poisson around the forecast. Each call waits with probability `C(N, A)` (Erlang C)
    /// and, if it waits, for an exponential time with mean `AHT / (N − A)` — the Erlang C waiting-time law. A caller
    /// whose patience (exponential, mean θ) runs out first abandons.
    ///
    /// Erlang C has no abandonment, so near or past saturation (`N ≤ A`, where it has no steady state) its waits grow
    /// without bound, while real queues are held in check by callers who hang up. There the mean wait is bounded by
    /// `max(θ · f / (1 − f), √(θ · AHT / N))`: `f = 1 − N / A` is the share that must abandon for the agents to keep up
    /// (a fluid approximation), and the square root is the scale of waits of a critically loaded queue with
    /// abandonment (Erlang A). With very patient callers the bound never binds and the counts follow Erlang C.
    /// - Parameters:
    ///   - start: interval start (simulated).
    ///   - forecast: expected calls in the interval.
    ///   - staffingShare: share of the required agents present.
    ///   - profile: the queue.
    ///   - random: the telephony stream.
    package static func simulate(
        start: Date, forecast: Double, staffingShare: Double, profile: TelephonyProfile, random: inout SimulationRandom
    ) -> IntervalReport {
        let seconds = Double(profile.intervalMinutes) * 60
        let averageHandle = profile.handle.mean
        let traffic = forecast * averageHandle / seconds
        let needed = ErlangC.agentsNeeded(
            traffic: traffic, threshold: profile.threshold, handleTime: averageHandle, target: profile.targetServiceLevel
        )
        let staffed = forecast > 0 ? max(1, Int((Double(needed) * staffingShare).rounded())) : 0
        let waitProbability = ErlangC.probabilityOfWaiting(agents: staffed, traffic: traffic)
        let mustAbandon = traffic > 0 ? min(0.95, max(0, 1 - Double(staffed) / traffic)) : 0
        let bound = max(
            profile.patience * mustAbandon / (1 - mustAbandon), (profile.patience * averageHandle / Double(max(staffed, 1))).squareRoot()
        )
        let meanWait = min(Double(staffed) > traffic ? averageHandle / (Double(staffed) - traffic) : .infinity, bound)
        var report = IntervalReport(
            start: start, minutes: profile.intervalMinutes, queue: profile.queue, offered: random.poisson(mean: forecast), answered: 0,
            answeredWithinThreshold: 0, threshold: profile.threshold, abandoned: 0, shortAbandons: 0, totalAnswerDelay: 0,
            totalHandleTime: 0, agentsStaffed: staffed, agentsNeeded: needed,
            modelServiceLevel: ErlangC.serviceLevel(agents: staffed, traffic: traffic, threshold: profile.threshold, handleTime: averageHandle)
        )
        for _ in 0..<report.offered {
            let wait = random.bernoulli(waitProbability) ? random.exponential(mean: meanWait) : 0
            let patience = random.exponential(mean: profile.patience)
            let handle = profile.handle.sample(&random)
            if wait > patience {
                report.abandoned += 1
                if patience <= profile.shortAbandon { report.shortAbandons += 1 }
            } else {
                report.answered += 1
                if wait <= profile.threshold { report.answeredWithinThreshold += 1 }
                report.totalAnswerDelay += wait
                report.totalHandleTime += handle
            }
        }
        report.totalAnswerDelay = report.totalAnswerDelay.rounded()
        report.totalHandleTime = report.totalHandleTime.rounded()
        return report
    }

    /// The header of interval CSV files.
    package static let csvHeader =
        "interval_start,interval_minutes,queue,offered,answered,answered_within_threshold,threshold_seconds,abandoned,short_abandons,"
        + "total_answer_delay_seconds,total_handle_seconds,agents_staffed,agents_needed,erlang_c_service_level"

    /// The report as one CSV row; the start is ISO 8601 with the site's UTC offset.
    package func csvRow(timeZone: TimeZone) -> String {
        [
            TimestampText.iso8601(self.start, timeZone: timeZone), "\(self.minutes)", self.queue, "\(self.offered)", "\(self.answered)",
            "\(self.answeredWithinThreshold)", "\(Int(self.threshold))", "\(self.abandoned)", "\(self.shortAbandons)",
            "\(Int(self.totalAnswerDelay))", "\(Int(self.totalHandleTime))", "\(self.agentsStaffed)", "\(self.agentsNeeded)",
            String(format: "%.4f", self.modelServiceLevel),
        ].joined(separator: ",")
    }
}
