//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Summed counts and sums of interval reports (PRODUCT.md §4.2).
//
//===----------------------------------------------------------------------===//

/// Counts and sums of one or more interval reports (usually 15 or 30 minutes per queue), summed.
///
/// Aggregate figures are always computed from these sums, never by averaging percentages: the
/// totals of a day are the `+` of its intervals, the totals of a month the `+` of its days, and
/// the figure of the sum is the same however the sum was split (see ``AggregateTarget/Figure``).
/// Durations are `Duration`s so that sums are exact.
package struct IntervalTotals: Hashable, Sendable {
    /// Number of interval reports summed.
    package var intervals: Int
    /// Wall time the reports cover (the sum of their lengths).
    package var coveredTime: Duration
    /// Agent time staffed: for each report, staffed agents × its length, summed. Divided by
    /// ``coveredTime`` it gives the average number of staffed agents.
    package var staffedTime: Duration
    /// Contacts offered to the queue.
    package var offered: Int
    /// Contacts answered.
    package var answered: Int
    /// Contacts answered within the service-level threshold.
    package var answeredWithinThreshold: Int
    /// Contacts abandoned while waiting (short abandons included).
    package var abandoned: Int
    /// Contacts abandoned within the short-abandon threshold.
    package var shortAbandons: Int
    /// Total wait of answered contacts before the answer.
    package var totalAnswerDelay: Duration
    /// Contacts handled (whose handling ended in the interval).
    package var handled: Int
    /// Total handle time: talk + hold + after-contact work.
    package var totalHandleTime: Duration
    /// CSAT survey responses.
    package var csatResponses: Int
    /// CSAT responses scoring 4 or 5 of 5.
    package var csatSatisfied: Int
    /// Sum of CSAT scores (1–5).
    package var csatScoreSum: Int
    /// FCR survey answers.
    package var fcrResponses: Int
    /// FCR survey "resolved at first contact: yes" answers.
    package var fcrYes: Int

    /// Creates totals; every count and sum defaults to zero.
    package init(
        intervals: Int = 0, coveredTime: Duration = .zero, staffedTime: Duration = .zero, offered: Int = 0, answered: Int = 0,
        answeredWithinThreshold: Int = 0, abandoned: Int = 0, shortAbandons: Int = 0, totalAnswerDelay: Duration = .zero,
        handled: Int = 0, totalHandleTime: Duration = .zero, csatResponses: Int = 0, csatSatisfied: Int = 0, csatScoreSum: Int = 0,
        fcrResponses: Int = 0, fcrYes: Int = 0
    ) {
        self.intervals = intervals
        self.coveredTime = coveredTime
        self.staffedTime = staffedTime
        self.offered = offered
        self.answered = answered
        self.answeredWithinThreshold = answeredWithinThreshold
        self.abandoned = abandoned
        self.shortAbandons = shortAbandons
        self.totalAnswerDelay = totalAnswerDelay
        self.handled = handled
        self.totalHandleTime = totalHandleTime
        self.csatResponses = csatResponses
        self.csatSatisfied = csatSatisfied
        self.csatScoreSum = csatScoreSum
        self.fcrResponses = fcrResponses
        self.fcrYes = fcrYes
    }

    /// No reports.
    package static let zero = IntervalTotals()

    /// The average number of staffed agents over the covered time, or `nil` if nothing is covered.
    package var averageStaffedAgents: Double? {
        guard self.coveredTime > .zero else { return nil }
        return BusinessCalendar.seconds(self.staffedTime) / BusinessCalendar.seconds(self.coveredTime)
    }

    /// What is inconsistent in these counts, for people ("answered 950 > offered 940"); empty when
    /// they are consistent. Figures computed from inconsistent counts can leave their range (a
    /// service level above 100 %), so a caller should refuse such a report where it enters.
    package var problems: [String] {
        var problems: [String] = []
        func check(_ holds: Bool, _ text: @autoclosure () -> String) { if !holds { problems.append(text()) } }
        let counts: [(String, Int)] = [
            ("intervals", self.intervals), ("offered", self.offered), ("answered", self.answered),
            ("answered within threshold", self.answeredWithinThreshold), ("abandoned", self.abandoned), ("short abandons", self.shortAbandons),
            ("handled", self.handled), ("CSAT responses", self.csatResponses), ("CSAT satisfied", self.csatSatisfied),
            ("CSAT score sum", self.csatScoreSum), ("FCR responses", self.fcrResponses), ("FCR yes", self.fcrYes),
        ]
        for (name, value) in counts { check(value >= 0, "\(name) \(value) is negative") }
        let durations: [(String, Duration)] = [
            ("covered time", self.coveredTime), ("staffed time", self.staffedTime), ("total answer delay", self.totalAnswerDelay),
            ("total handle time", self.totalHandleTime),
        ]
        for (name, value) in durations { check(value >= .zero, "\(name) \(value) is negative") }
        check(self.answered + self.abandoned <= self.offered, "answered \(self.answered) + abandoned \(self.abandoned) > offered \(self.offered)")
        check(self.answeredWithinThreshold <= self.answered, "answered within threshold \(self.answeredWithinThreshold) > answered \(self.answered)")
        check(self.shortAbandons <= self.abandoned, "short abandons \(self.shortAbandons) > abandoned \(self.abandoned)")
        check(self.csatSatisfied <= self.csatResponses, "CSAT satisfied \(self.csatSatisfied) > CSAT responses \(self.csatResponses)")
        check(
            self.csatScoreSum >= self.csatResponses && self.csatScoreSum <= 5 * self.csatResponses,
            "CSAT score sum \(self.csatScoreSum) is not between 1 and 5 per response (\(self.csatResponses) responses)"
        )
        check(self.fcrYes <= self.fcrResponses, "FCR yes \(self.fcrYes) > FCR responses \(self.fcrResponses)")
        return problems
    }

    /// Field-by-field sum.
    package static func + (lhs: IntervalTotals, rhs: IntervalTotals) -> IntervalTotals {
        IntervalTotals(
            intervals: lhs.intervals + rhs.intervals,
            coveredTime: lhs.coveredTime + rhs.coveredTime,
            staffedTime: lhs.staffedTime + rhs.staffedTime,
            offered: lhs.offered + rhs.offered,
            answered: lhs.answered + rhs.answered,
            answeredWithinThreshold: lhs.answeredWithinThreshold + rhs.answeredWithinThreshold,
            abandoned: lhs.abandoned + rhs.abandoned,
            shortAbandons: lhs.shortAbandons + rhs.shortAbandons,
            totalAnswerDelay: lhs.totalAnswerDelay + rhs.totalAnswerDelay,
            handled: lhs.handled + rhs.handled,
            totalHandleTime: lhs.totalHandleTime + rhs.totalHandleTime,
            csatResponses: lhs.csatResponses + rhs.csatResponses,
            csatSatisfied: lhs.csatSatisfied + rhs.csatSatisfied,
            csatScoreSum: lhs.csatScoreSum + rhs.csatScoreSum,
            fcrResponses: lhs.fcrResponses + rhs.fcrResponses,
            fcrYes: lhs.fcrYes + rhs.fcrYes
        )
    }

    /// Field-by-field difference: the reports of a period without those of a part of it (an excluded window).
    package static func - (lhs: IntervalTotals, rhs: IntervalTotals) -> IntervalTotals {
        IntervalTotals(
            intervals: lhs.intervals - rhs.intervals,
            coveredTime: lhs.coveredTime - rhs.coveredTime,
            staffedTime: lhs.staffedTime - rhs.staffedTime,
            offered: lhs.offered - rhs.offered,
            answered: lhs.answered - rhs.answered,
            answeredWithinThreshold: lhs.answeredWithinThreshold - rhs.answeredWithinThreshold,
            abandoned: lhs.abandoned - rhs.abandoned,
            shortAbandons: lhs.shortAbandons - rhs.shortAbandons,
            totalAnswerDelay: lhs.totalAnswerDelay - rhs.totalAnswerDelay,
            handled: lhs.handled - rhs.handled,
            totalHandleTime: lhs.totalHandleTime - rhs.totalHandleTime,
            csatResponses: lhs.csatResponses - rhs.csatResponses,
            csatSatisfied: lhs.csatSatisfied - rhs.csatSatisfied,
            csatScoreSum: lhs.csatScoreSum - rhs.csatScoreSum,
            fcrResponses: lhs.fcrResponses - rhs.fcrResponses,
            fcrYes: lhs.fcrYes - rhs.fcrYes
        )
    }

    /// Adds `rhs` into `lhs`.
    package static func += (lhs: inout IntervalTotals, rhs: IntervalTotals) { lhs = lhs + rhs }
}
