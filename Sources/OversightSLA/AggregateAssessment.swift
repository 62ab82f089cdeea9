//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Where an aggregate target stands in its period, and where it is heading.
//
//===----------------------------------------------------------------------===//

import Foundation

/// An aggregate target's standing in one period: the value so far, the value projected to the
/// period's end, and a state. Made by ``AggregateTarget/assess(totals:period:at:calendar:recent:)``.
package struct AggregateAssessment: Hashable, Sendable {
    /// The standing of a target in its period.
    package enum State: String, Hashable, Sendable {
        /// The period is over and the target was met.
        case met
        /// The period is open and the projected value meets the target.
        case onTrack = "on track"
        /// The period is open and the projected value misses the target, but the rest of the period can still make it.
        case atRisk = "at risk"
        /// The target cannot be met any more (even a perfect rest of the period at the expected volume
        /// falls short), or the period is over and the target was missed.
        case missed
        /// Nothing to compute the figure from (a zero denominator): neither 0 % nor 100 %.
        case noData = "no data"
    }

    /// The Erlang C estimate of the service level the rest of the period runs at, from recent staffing.
    package struct ErlangCEstimate: Hashable, Sendable {
        /// Agents staffed (the recent average, rounded down).
        package var agents: Int
        /// Offered traffic in Erlangs (recent arrival rate × AHT).
        package var traffic: Double
        /// The average handle time used.
        package var handleTime: Duration
        /// The probability that a contact waits.
        package var probabilityOfWaiting: Double
        /// The service level at the target's threshold.
        package var serviceLevel: Double

        /// Creates an estimate.
        package init(agents: Int, traffic: Double, handleTime: Duration, probabilityOfWaiting: Double, serviceLevel: Double) {
            self.agents = agents
            self.traffic = traffic
            self.handleTime = handleTime
            self.probabilityOfWaiting = probabilityOfWaiting
            self.serviceLevel = serviceLevel
        }
    }

    /// The target's ``AggregateTarget/id``.
    package var targetID: String
    /// The figure with the contract's variant.
    package var figure: AggregateTarget.Figure
    /// At least or at most.
    package var comparison: AggregateTarget.Comparison
    /// The target value (a fraction for percentages, seconds for durations).
    package var target: Double
    /// The period assessed.
    package var period: ContractPeriod
    /// The share of the period elapsed, 0–1 (1 when the period is over).
    package var elapsedShare: Double
    /// The figure so far, with the contract's variant and the reference variant.
    package var soFar: FigureReading
    /// The figure's numerator and denominator so far.
    package var ratio: FigureRatio
    /// The trend estimate of the end-of-period value: the value so far (for a ratio of sums the best estimate).
    package var trend: Double?
    /// The Erlang C estimate, for service level when recent staffing was given.
    package var erlangC: ErlangCEstimate?
    /// The projected end-of-period value: with Erlang C, the so-far counts plus the expected remaining
    /// volume at the Erlang C service level; otherwise the trend. The final value once the period is over.
    package var projected: Double?
    /// The expected denominator of the rest of the period: so-far × (1 − share) ÷ share; `nil` when closed or nothing elapsed.
    package var expectedRemaining: Double?
    /// What the rest of the period must achieve, at the expected volume, for the period to end exactly on target.
    package var neededOverRemainder: Double?
    /// The state.
    package var state: State
    /// A sentence for people: "at the current rate the month ends at 76.4 %, target ≥ 80.0 %; …".
    package var summary: String

    /// Creates an assessment (normally made by ``AggregateTarget/assess(totals:period:at:calendar:recent:)``).
    package init(
        targetID: String, figure: AggregateTarget.Figure, comparison: AggregateTarget.Comparison, target: Double, period: ContractPeriod,
        elapsedShare: Double, soFar: FigureReading, ratio: FigureRatio, trend: Double?, erlangC: ErlangCEstimate?, projected: Double?,
        expectedRemaining: Double?, neededOverRemainder: Double?, state: State, summary: String
    ) {
        self.targetID = targetID
        self.figure = figure
        self.comparison = comparison
        self.target = target
        self.period = period
        self.elapsedShare = elapsedShare
        self.soFar = soFar
        self.ratio = ratio
        self.trend = trend
        self.erlangC = erlangC
        self.projected = projected
        self.expectedRemaining = expectedRemaining
        self.neededOverRemainder = neededOverRemainder
        self.state = state
        self.summary = summary
    }
}

extension AggregateTarget {
    /// Assesses the target in `period` from the totals so far.
    ///
    /// - Trend: for a ratio of sums the value so far is the best estimate of the end value. The rest
    ///   of the period is expected to bring `denominator × (1 − share) ÷ share` more (the same volume
    ///   per elapsed share); the assessment gives what that remainder must achieve to end on target,
    ///   and the miss is *certain* when even the best possible remainder (100 %, 0 s, score 5…) cannot.
    /// - Erlang C (service level only, when `recent` has traffic, handle time and staffing): the rest
    ///   of the period is expected to run at the Erlang C service level of the recent staffing, and
    ///   the projection adds it to the so-far counts. It replaces the trend as ``AggregateAssessment/projected``.
    ///
    /// - Parameters:
    ///   - totals: The period's totals so far (or all of them once it is over).
    ///   - period: The period (of this target's ``period`` kind).
    ///   - instant: Now: the period is over from its end on, and its elapsed share is
    ///     ``ContractPeriod/elapsedShare(at:calendar:)`` (business time when the period has any).
    ///   - calendar: The contract's business calendar.
    ///   - recent: Recent interval reports (e.g. the last hour) for the Erlang C projection: their offered
    ///     volume over their covered time gives the arrival rate, their handle time the AHT (else the
    ///     period's so far), their staffed time the agents.
    package func assess(
        totals: AggregateTotals, period: ContractPeriod, at instant: Date, calendar: BusinessCalendar, recent: IntervalTotals? = nil
    ) -> AggregateAssessment {
        self.assess(
            totals: totals, period: period, elapsedShare: period.elapsedShare(at: instant, calendar: calendar), closed: period.isClosed(at: instant),
            recent: recent
        )
    }

    /// Assesses the target in `period` from the totals so far, given the elapsed share (see
    /// ``assess(totals:period:at:calendar:recent:)``).
    ///
    /// When the share is 1 but the period is not closed (no business time left, say a weekday calendar
    /// on Saturday) no more volume is expected: the value so far is final unless late data arrives, and a
    /// miss counts as certain.
    /// - Parameters:
    ///   - totals: The period's totals so far.
    ///   - period: The period.
    ///   - elapsedShare: The share elapsed, 0–1.
    ///   - closed: Whether the period is over.
    ///   - recent: Recent interval reports for the Erlang C projection.
    package func assess(
        totals: AggregateTotals, period: ContractPeriod, elapsedShare: Double, closed: Bool, recent: IntervalTotals? = nil
    ) -> AggregateAssessment {
        let share = closed ? 1 : min(max(elapsedShare, 0), 1)
        let ratio = self.figure.ratio(in: totals)
        let reading = self.figure.reading(of: totals)
        let noun = period.noun
        let targetText = "target \(self.comparison == .atLeast ? "≥" : "≤") \(self.figure.format(self.target))"
        func result(
            trend: Double? = nil, erlangC: AggregateAssessment.ErlangCEstimate? = nil, projected: Double? = nil, remaining: Double? = nil,
            needed: Double? = nil, state: AggregateAssessment.State, summary: String
        ) -> AggregateAssessment {
            AggregateAssessment(
                targetID: self.id, figure: self.figure, comparison: self.comparison, target: self.target, period: period, elapsedShare: share,
                soFar: reading, ratio: ratio, trend: trend, erlangC: erlangC, projected: projected, expectedRemaining: remaining,
                neededOverRemainder: needed, state: state, summary: summary
            )
        }

        guard let soFar = ratio.value else {
            let summary = closed ? "no data for the \(noun) \(period)" : "no data yet this \(noun)"
            return result(state: .noData, summary: summary)
        }
        if closed {
            let met = self.isMet(by: soFar)
            return result(
                trend: soFar, projected: soFar, state: met ? .met : .missed,
                summary: "the \(noun) \(period) ended at \(self.figure.format(soFar)), \(targetText): \(met ? "met" : "missed")"
            )
        }
        guard share > 0 else {
            // Data before the first business instant of the period: no volume to scale by yet.
            return result(
                trend: soFar, projected: soFar, state: self.isMet(by: soFar) ? .onTrack : .atRisk,
                summary: "so far this \(noun) \(self.figure.format(soFar)), \(targetText)"
            )
        }

        let remaining = ratio.denominator * (1 - share) / share
        let range = self.figure.valueRange
        let best = self.comparison == .atLeast ? range.upperBound : range.lowerBound
        let needed: Double?
        let certain: Bool
        if remaining > 0 {
            let value = (self.target * (ratio.denominator + remaining) - ratio.numerator) / remaining
            let tolerance = 1e-12 * max(1, abs(self.target))
            needed = value
            certain = self.comparison == .atLeast ? value > best + tolerance : value < best - tolerance
        } else {
            needed = nil
            certain = !self.isMet(by: soFar)
        }

        var erlangC: AggregateAssessment.ErlangCEstimate?
        if case .serviceLevel(let threshold, _) = self.figure, let recent {
            erlangC = Self.erlangC(recent: recent, soFar: totals.intervals, threshold: threshold)
        }
        let projected = erlangC.map { (ratio.numerator + $0.serviceLevel * remaining) / (ratio.denominator + remaining) } ?? soFar

        let state: AggregateAssessment.State = certain ? .missed : (self.isMet(by: projected) ? .onTrack : .atRisk)
        var summary: String
        if remaining <= 0 {
            summary = "no business time left this \(noun): the \(noun) ends at \(self.figure.format(soFar)), \(targetText)"
        } else if certain {
            let bestEnd = (ratio.numerator + best * remaining) / (ratio.denominator + remaining)
            summary =
                "the \(noun) cannot reach \(targetText): even \(self.figure.format(best)) over the rest of the \(noun) ends it at "
                + "\(self.figure.format(bestEnd)) (so far \(self.figure.format(soFar)))"
        } else if let erlangC {
            summary =
                "at current staffing (\(erlangC.agents) agents for \(Self.fixed(erlangC.traffic, 1)) Erl) the rest of the \(noun) runs at "
                + "\(self.figure.format(erlangC.serviceLevel)) and the \(noun) ends at \(self.figure.format(projected)), \(targetText)"
        } else {
            summary = "at the current rate the \(noun) ends at \(self.figure.format(projected)), \(targetText)"
        }
        if !certain, let needed, range.contains(needed), !self.isMet(by: projected) {
            summary += "; needs \(self.figure.format(needed)) over the rest of the \(noun) to reach \(self.figure.format(self.target))"
        }
        return result(trend: soFar, erlangC: erlangC, projected: projected, remaining: remaining, needed: needed, state: state, summary: summary)
    }

    /// The Erlang C service level of the recent staffing, or `nil` without traffic, handle time or staffing.
    static func erlangC(recent: IntervalTotals, soFar: IntervalTotals, threshold: Duration) -> AggregateAssessment.ErlangCEstimate? {
        let handled = recent.handled > 0 ? recent : soFar
        guard recent.offered > 0, recent.coveredTime > .zero, handled.handled > 0, let staffed = recent.averageStaffedAgents else { return nil }
        let handleTime = handled.totalHandleTime / handled.handled
        guard handleTime > .zero else { return nil }
        let traffic = ErlangC.traffic(offered: recent.offered, over: recent.coveredTime, handleTime: handleTime)
        let agents = Int((staffed + 1e-9).rounded(.down))
        return AggregateAssessment.ErlangCEstimate(
            agents: agents, traffic: traffic, handleTime: handleTime,
            probabilityOfWaiting: ErlangC.probabilityOfWaiting(agents: agents, traffic: traffic),
            serviceLevel: ErlangC.serviceLevel(agents: agents, traffic: traffic, threshold: threshold, handleTime: handleTime)
        )
    }

    static func fixed(_ value: Double, _ digits: Int) -> String { AggregateTarget.Figure.fixed(value, digits) }
}
