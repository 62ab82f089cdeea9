//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// One interval of a contact queue as counts and sums, how it is simulated contact by contact, and how it is written.
//
//===----------------------------------------------------------------------===//

import Foundation
package import OversightModel

/// One interval of a contact queue as the telephony or chat platform reports it: counts and sums, never percentages
/// (PRODUCT.md §4.2), so head office can sum intervals and compute service level, ASA and abandonment itself.
///
/// While an interval is under way the platform restates it at every export with the contacts that have ended so far
/// (a newer ``updatedAt``, which the coordinator's upsert prefers); once it is over, the last statement is final.
package struct IntervalReport: Sendable, Hashable {
    /// Start of the interval (wall time).
    package var start: Date
    /// Length in minutes.
    package var minutes: Int
    /// The queue.
    package var queue: String
    /// The queue's channel.
    package var channel: ContactChannel = .phone
    /// Contacts offered (that have ended, answered or abandoned, by ``updatedAt``).
    package var offered: Int
    /// Contacts answered.
    package var answered: Int
    /// Contacts answered within ``threshold`` seconds.
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
    /// FCR survey answers.
    package var fcrResponses: Int = 0
    /// FCR survey answers that said the issue was resolved at first contact.
    package var fcrYes: Int = 0
    /// CSAT survey answers (1–5).
    package var csatResponses: Int = 0
    /// CSAT answers of 4 or 5.
    package var csatSatisfied: Int = 0
    /// Sum of the CSAT answers.
    package var csatScoreSum: Int = 0
    /// Agents staffed on the queue.
    package var agentsStaffed: Int
    /// Agents Erlang C asks for to reach the target service level at the forecast volume.
    package var agentsNeeded: Int
    /// The Erlang C service level of the staffed agents at the forecast volume (for comparison with the counts).
    package var modelServiceLevel: Double
    /// When the platform produced this statement of the interval (wall time; at most the export instant).
    package var updatedAt: Date?
    /// Whether the interval is over (``updatedAt`` at or after its end): the statement is final.
    package var isFinal: Bool = true

    /// End of the interval.
    package var end: Date { self.start.addingTimeInterval(Double(self.minutes) * 60) }

    /// One contact of an interval, drawn when the interval begins.
    package struct Contact: Sendable, Hashable {
        /// Seconds from the interval's start to the contact's arrival.
        package var arrival: Double
        /// How long it waits for an agent (0: answered at once).
        package var wait: Double
        /// How long the caller is prepared to wait.
        package var patience: Double
        /// Handle time if answered.
        package var handle: Double
        /// The FCR survey answer, if the caller answers the survey.
        package var resolved: Bool?
        /// The CSAT answer (1–5), if the caller answers the survey and it asks.
        package var score: Int?

        /// Seconds from the interval's start to the contact's end in the queue: answered, or abandoned.
        package var ended: Double { self.arrival + min(self.wait, self.patience) }
        /// Whether the caller hung up before an answer.
        package var abandoned: Bool { self.wait > self.patience }
    }

    /// An interval's contacts and staffing, drawn at once so every statement of the interval is a prefix of the same
    /// contacts.
    package struct Draw: Sendable, Hashable {
        /// Start of the interval.
        package var start: Date
        /// The queue.
        package var profile: TelephonyProfile
        /// The contacts, by arrival.
        package var contacts: [Contact]
        /// Agents staffed (at the middle of the interval).
        package var agentsStaffed: Int
        /// Agents needed for the target at the forecast.
        package var agentsNeeded: Int
        /// The Erlang C service level at the forecast.
        package var modelServiceLevel: Double

        /// The interval as stated at `instant`: the contacts that have ended by then.
        package func report(at instant: Date) -> IntervalReport {
            let seconds = Double(self.profile.intervalMinutes) * 60
            let elapsed = min(instant.timeIntervalSince(self.start), seconds)
            var report = IntervalReport(
                start: self.start, minutes: self.profile.intervalMinutes, queue: self.profile.queue, channel: self.profile.channel, offered: 0,
                answered: 0, answeredWithinThreshold: 0, threshold: self.profile.threshold, abandoned: 0, shortAbandons: 0, totalAnswerDelay: 0,
                totalHandleTime: 0, agentsStaffed: self.agentsStaffed, agentsNeeded: self.agentsNeeded, modelServiceLevel: self.modelServiceLevel,
                updatedAt: instant, isFinal: instant.timeIntervalSince(self.start) >= seconds
            )
            // A contact belongs to the interval it arrived in; a final statement counts all of them.
            for contact in self.contacts where report.isFinal || contact.ended <= elapsed {
                report.offered += 1
                if contact.abandoned {
                    report.abandoned += 1
                    if contact.patience <= self.profile.shortAbandon { report.shortAbandons += 1 }
                } else {
                    report.answered += 1
                    if contact.wait <= self.profile.threshold { report.answeredWithinThreshold += 1 }
                    report.totalAnswerDelay += contact.wait
                    report.totalHandleTime += contact.handle
                    if let resolved = contact.resolved {
                        report.fcrResponses += 1
                        if resolved { report.fcrYes += 1 }
                    }
                    if let score = contact.score {
                        report.csatResponses += 1
                        report.csatScoreSum += score
                        if score >= 4 { report.csatSatisfied += 1 }
                    }
                }
            }
            report.totalAnswerDelay = report.totalAnswerDelay.rounded()
            report.totalHandleTime = report.totalHandleTime.rounded()
            return report
        }
    }

    /// Draws an interval contact by contact.
    ///
    /// Contacts arrive as a Poisson process whose rate is `peakForecast × volume(t)` (thinning: candidates at the peak
    /// rate, each kept with probability `volume(t)`). Each waits with probability `C(N, A)` (Erlang C, `N` the agents
    /// staffed when it arrives) and, if it waits, for an exponential time with mean `AHT / (N − A)` — the Erlang C
    /// waiting-time law. A caller whose patience (exponential, mean θ) runs out first abandons.
    ///
    /// Erlang C has no abandonment, so near or past saturation (`N ≤ A`, where it has no steady state) its waits grow
    /// without bound, while real queues are held in check by callers who hang up. There the mean wait is bounded by
    /// `max(θ · f / (1 − f), √(θ · AHT / N))`: `f = 1 − N / A` is the share that must abandon for the agents to keep up
    /// (a fluid approximation), and the square root is the scale of waits of a critically loaded queue with
    /// abandonment (Erlang A). With very patient callers the bound never binds and the counts follow Erlang C.
    /// - Parameters:
    ///   - start: interval start.
    ///   - forecast: expected contacts in the interval, which the workforce plan staffs for.
    ///   - peakForecast: contacts the interval would have at the volume curve's peak (the thinning bound).
    ///   - volume: volume at an instant of the interval relative to the peak, 0…1.
    ///   - staffingShare: share of the required agents present at an instant.
    ///   - profile: the queue.
    ///   - random: the queue's stream.
    package static func draw(
        start: Date, forecast: Double, peakForecast: Double, volume: (Date) -> Double, staffingShare: (Date) -> Double,
        profile: TelephonyProfile, random: inout SimulationRandom
    ) -> Draw {
        let seconds = Double(profile.intervalMinutes) * 60
        let averageHandle = profile.handle.mean
        let traffic = forecast * averageHandle / seconds
        let needed = ErlangC.agentsNeeded(
            traffic: traffic, threshold: profile.threshold, handleTime: averageHandle, target: profile.targetServiceLevel
        )
        func staffed(at instant: Date) -> Int { forecast > 0 ? max(1, Int((Double(needed) * staffingShare(instant)).rounded())) : 0 }
        var cache: [Int: (probability: Double, meanWait: Double)] = [:]
        func queueing(for agents: Int) -> (probability: Double, meanWait: Double) {
            if let known = cache[agents] { return known }
            let probability = ErlangC.probabilityOfWaiting(agents: agents, traffic: traffic)
            let mustAbandon = traffic > 0 ? min(0.95, max(0, 1 - Double(agents) / traffic)) : 0
            let bound = max(
                profile.patience * mustAbandon / (1 - mustAbandon), (profile.patience * averageHandle / Double(max(agents, 1))).squareRoot()
            )
            let meanWait = min(Double(agents) > traffic ? averageHandle / (Double(agents) - traffic) : .infinity, bound)
            cache[agents] = (probability, meanWait)
            return (probability, meanWait)
        }
        let middle = staffed(at: start.addingTimeInterval(seconds / 2))
        var contacts: [Contact] = []
        let candidates = random.poisson(mean: peakForecast)
        var arrivals = (0..<candidates).map { _ in random.uniform() * seconds }
        arrivals.sort()
        for arrival in arrivals {
            let instant = start.addingTimeInterval(arrival)
            guard random.uniform() < volume(instant) else { continue }
            let (probability, meanWait) = queueing(for: staffed(at: instant))
            let wait = random.bernoulli(probability) ? random.exponential(mean: meanWait) : 0
            let patience = random.exponential(mean: profile.patience)
            let handle = profile.handle.sample(&random)
            var resolved: Bool?
            var score: Int?
            if profile.fcrSurveyShare > 0, random.bernoulli(profile.fcrSurveyShare) {
                resolved = random.bernoulli(profile.fcrYesShare)
                if let weights = profile.csatScores { score = 1 + random.pick(weights: weights) }
            }
            contacts.append(Contact(arrival: arrival, wait: wait, patience: patience, handle: handle, resolved: resolved, score: score))
        }
        return Draw(
            start: start, profile: profile, contacts: contacts, agentsStaffed: middle, agentsNeeded: needed,
            modelServiceLevel: ErlangC.serviceLevel(agents: middle, traffic: traffic, threshold: profile.threshold, handleTime: averageHandle)
        )
    }

    /// Simulates a whole interval at a constant volume and staffing share (its final statement).
    /// - Parameters:
    ///   - start: interval start.
    ///   - forecast: expected calls in the interval.
    ///   - staffingShare: share of the required agents present.
    ///   - profile: the queue.
    ///   - random: the queue's stream.
    package static func simulate(
        start: Date, forecast: Double, staffingShare: Double, profile: TelephonyProfile, random: inout SimulationRandom
    ) -> IntervalReport {
        let draw = Self.draw(
            start: start, forecast: forecast, peakForecast: forecast, volume: { _ in 1 }, staffingShare: { _ in staffingShare }, profile: profile,
            random: &random
        )
        var report = draw.report(at: draw.start.addingTimeInterval(Double(profile.intervalMinutes) * 60))
        report.updatedAt = nil
        return report
    }

    /// The header of interval CSV files: the reference columns (docs/configuration.md), then `channel`, the FCR and
    /// CSAT survey counts and `updated_at`, which ``sourceYAML`` maps.
    package static let csvHeader =
        "interval_start,interval_minutes,queue,offered,answered,answered_within_threshold,threshold_seconds,abandoned,short_abandons,"
        + "total_answer_delay_seconds,total_handle_seconds,agents_staffed,agents_needed,erlang_c_service_level,channel,fcr_responses,fcr_yes,"
        + "csat_responses,csat_satisfied,csat_score_sum,updated_at"

    /// The `mapping` of the agent's `intervals` source that reads these files, every column the simulator writes
    /// (the reference columns alone would read every queue as phone).
    package static let sourceYAML = """
        mapping:
          fields:
            start: interval_start
            minutes: interval_minutes
            queue: queue
            channel: channel
            offered: offered
            answered: answered
            answered_within_threshold: answered_within_threshold
            threshold_seconds: threshold_seconds
            abandoned: abandoned
            short_abandons: short_abandons
            total_answer_delay_seconds: total_answer_delay_seconds
            total_handle_seconds: total_handle_seconds
            fcr_responses: fcr_responses
            fcr_yes: fcr_yes
            csat_responses: csat_responses
            csat_satisfied: csat_satisfied
            csat_score_sum: csat_score_sum
            agents_staffed: agents_staffed
            updated_at: updated_at
        """

    /// The report as one CSV row; times are ISO 8601 with the site's UTC offset (`updated_at` empty when unknown).
    package func csvRow(timeZone: TimeZone) -> String {
        [
            TimestampText.iso8601(self.start, timeZone: timeZone), "\(self.minutes)", self.queue, "\(self.offered)", "\(self.answered)",
            "\(self.answeredWithinThreshold)", "\(Int(self.threshold))", "\(self.abandoned)", "\(self.shortAbandons)",
            "\(Int(self.totalAnswerDelay))", "\(Int(self.totalHandleTime))", "\(self.agentsStaffed)", "\(self.agentsNeeded)",
            String(format: "%.4f", self.modelServiceLevel), self.channel.rawValue, "\(self.fcrResponses)", "\(self.fcrYes)",
            "\(self.csatResponses)", "\(self.csatSatisfied)", "\(self.csatScoreSum)",
            self.updatedAt.map { TimestampText.iso8601($0, timeZone: timeZone) } ?? "",
        ].joined(separator: ",")
    }
}
