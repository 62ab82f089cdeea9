//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// figures.json: each contract figure of the month with the sums it was computed from.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightSLA

/// `figures.json`.
package struct EvidenceFigures: Codable, Sendable, Hashable {
    package var provider: String
    package var month: String
    /// The instant the figures were computed at (= `bundle.json` `exportedAt`).
    package var computedAt: Date
    package var figures: [EvidenceFigure]

    /// Creates the document.
    package init(provider: String, month: String, computedAt: Date, figures: [EvidenceFigure]) {
        self.provider = provider
        self.month = month
        self.computedAt = computedAt
        self.figures = figures
    }
}

/// One aggregate target's figure in one period.
package struct EvidenceFigure: Codable, Sendable, Hashable {
    /// The target's id in the contract.
    package var target: String
    /// The figure's name (`service_level`, `first_reply_attainment`, …) and variant, as contract files name them.
    package var figure: String
    package var variant: String?
    /// `percentage` (a share 0…1), `duration` (seconds) or `score`.
    package var unit: String
    /// `2026-11-03`, `2026-W45` or `2026-11`.
    package var period: String
    package var periodStart: Date
    package var periodEnd: Date
    /// Whether the target carries a service credit (its figure feeds `credits.json`).
    package var bearsCredit: Bool
    /// The figure; `null` when the period had no data for it.
    package var value: Double?
    /// The sums the figure is a ratio of.
    package var totals: EvidenceTotals

    /// The figure's name in messages: `target period`.
    package var label: String { "\(self.target) \(self.period)" }

    /// Creates a figure.
    package init(item: MonthFigurePlan.Item, totals: AggregateTotals) {
        self.target = item.target.id
        self.figure = item.target.figure.name
        self.variant = item.target.figure.variantName
        self.unit = EvidenceFigure.unitName(item.target.figure.unit)
        self.period = item.period.description
        self.periodStart = item.period.start
        self.periodEnd = item.period.end
        self.bearsCredit = item.bearsCredit
        self.value = item.target.figure.value(in: totals)
        self.totals = EvidenceTotals(totals)
    }

    /// The unit's name in the bundle.
    package static func unitName(_ unit: AggregateTarget.Unit) -> String {
        switch unit {
        case .percentage: "percentage"
        case .duration: "duration"
        case .score: "score"
        }
    }
}

/// The sums behind a figure: interval reports that start in the period, tickets whose clocks fell due or that were
/// solved in it, QA evaluations completed in it, each within the target's `match`.
package struct EvidenceTotals: Codable, Sendable, Hashable {
    package var intervals: Int
    package var coveredSeconds: Double
    package var staffedSeconds: Double
    package var offered: Int
    package var answered: Int
    package var answeredWithinThreshold: Int
    package var abandoned: Int
    package var shortAbandons: Int
    package var totalAnswerDelaySeconds: Double
    package var handled: Int
    package var totalHandleTimeSeconds: Double
    package var intervalCsatResponses: Int
    package var intervalCsatSatisfied: Int
    package var intervalCsatScoreSum: Int
    package var fcrResponses: Int
    package var fcrYes: Int
    package var firstReplyDue: Int
    package var firstReplyMet: Int
    package var resolutionDue: Int
    package var resolutionMet: Int
    package var solved: Int
    package var solvedFirstContact: Int
    package var ticketCsatAnswers: Int
    package var ticketCsatSatisfied: Int
    package var ticketCsatScoreSum: Int
    package var evaluations: Int
    package var evaluationScoreSum: Double
    package var evaluationsWithHighImpactErrors: Int

    /// The sums of `totals`.
    package init(_ totals: AggregateTotals) {
        let i = totals.intervals
        self.intervals = i.intervals
        self.coveredSeconds = Self.seconds(i.coveredTime)
        self.staffedSeconds = Self.seconds(i.staffedTime)
        self.offered = i.offered
        self.answered = i.answered
        self.answeredWithinThreshold = i.answeredWithinThreshold
        self.abandoned = i.abandoned
        self.shortAbandons = i.shortAbandons
        self.totalAnswerDelaySeconds = Self.seconds(i.totalAnswerDelay)
        self.handled = i.handled
        self.totalHandleTimeSeconds = Self.seconds(i.totalHandleTime)
        self.intervalCsatResponses = i.csatResponses
        self.intervalCsatSatisfied = i.csatSatisfied
        self.intervalCsatScoreSum = i.csatScoreSum
        self.fcrResponses = i.fcrResponses
        self.fcrYes = i.fcrYes
        let t = totals.tickets
        self.firstReplyDue = t.firstReplyDue
        self.firstReplyMet = t.firstReplyMet
        self.resolutionDue = t.resolutionDue
        self.resolutionMet = t.resolutionMet
        self.solved = t.solved
        self.solvedFirstContact = t.solvedFirstContact
        self.ticketCsatAnswers = t.csatAnswers
        self.ticketCsatSatisfied = t.csatSatisfied
        self.ticketCsatScoreSum = t.csatScoreSum
        self.evaluations = totals.qa.evaluations
        self.evaluationScoreSum = totals.qa.scoreSum
        self.evaluationsWithHighImpactErrors = totals.qa.highImpact
    }

    static func seconds(_ duration: Duration) -> Double {
        let parts = duration.components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }

    /// Every sum by name, in a fixed order (for comparing two sets of totals).
    package var named: [(name: String, value: Double)] {
        [
            ("intervals", Double(self.intervals)), ("coveredSeconds", self.coveredSeconds), ("staffedSeconds", self.staffedSeconds),
            ("offered", Double(self.offered)), ("answered", Double(self.answered)),
            ("answeredWithinThreshold", Double(self.answeredWithinThreshold)), ("abandoned", Double(self.abandoned)),
            ("shortAbandons", Double(self.shortAbandons)), ("totalAnswerDelaySeconds", self.totalAnswerDelaySeconds),
            ("handled", Double(self.handled)), ("totalHandleTimeSeconds", self.totalHandleTimeSeconds),
            ("intervalCsatResponses", Double(self.intervalCsatResponses)), ("intervalCsatSatisfied", Double(self.intervalCsatSatisfied)),
            ("intervalCsatScoreSum", Double(self.intervalCsatScoreSum)), ("fcrResponses", Double(self.fcrResponses)),
            ("fcrYes", Double(self.fcrYes)), ("firstReplyDue", Double(self.firstReplyDue)), ("firstReplyMet", Double(self.firstReplyMet)),
            ("resolutionDue", Double(self.resolutionDue)), ("resolutionMet", Double(self.resolutionMet)), ("solved", Double(self.solved)),
            ("solvedFirstContact", Double(self.solvedFirstContact)), ("ticketCsatAnswers", Double(self.ticketCsatAnswers)),
            ("ticketCsatSatisfied", Double(self.ticketCsatSatisfied)), ("ticketCsatScoreSum", Double(self.ticketCsatScoreSum)),
            ("evaluations", Double(self.evaluations)), ("evaluationScoreSum", self.evaluationScoreSum),
            ("evaluationsWithHighImpactErrors", Double(self.evaluationsWithHighImpactErrors)),
        ]
    }
}
