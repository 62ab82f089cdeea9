//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The formulas of the aggregate figures (PRODUCT.md §5, docs/sla.md "Figures").
//
//===----------------------------------------------------------------------===//

extension AggregateTarget.Figure {
    /// The figure's numerator and denominator in `totals` (formulas in docs/sla.md, "Figures").
    ///
    /// The counts are taken as the totals report them: answered within threshold and short abandons
    /// must have been counted at this figure's `threshold` and `shortAbandon`.
    /// CSAT uses the interval reports' survey counts, or the tickets' CSAT answers when the reports
    /// have none.
    package func ratio(in totals: AggregateTotals) -> FigureRatio {
        let intervals = totals.intervals
        let tickets = totals.tickets
        func ratio(_ numerator: Int, _ denominator: Int) -> FigureRatio {
            FigureRatio(numerator: Double(numerator), denominator: Double(denominator))
        }
        switch self {
        case .serviceLevel(_, let variant):
            let denominator =
                switch variant {
                case .offeredMinusShortAbandons: intervals.offered - intervals.shortAbandons
                case .offered: intervals.offered
                case .answered: intervals.answered
                }
            return ratio(intervals.answeredWithinThreshold, denominator)
        case .abandonment:
            return ratio(intervals.abandoned - intervals.shortAbandons, intervals.offered - intervals.shortAbandons)
        case .asa:
            return FigureRatio(numerator: BusinessCalendar.seconds(intervals.totalAnswerDelay), denominator: Double(intervals.answered))
        case .aht:
            return FigureRatio(numerator: BusinessCalendar.seconds(intervals.totalHandleTime), denominator: Double(intervals.handled))
        case .fcr(.survey):
            return ratio(intervals.fcrYes, intervals.fcrResponses)
        case .fcr(.ticket):
            return ratio(tickets.solvedFirstContact, tickets.solved)
        case .csat(let variant):
            let fromSurvey = intervals.csatResponses > 0
            let responses = fromSurvey ? intervals.csatResponses : tickets.csatAnswers
            switch variant {
            case .top2Box: return ratio(fromSurvey ? intervals.csatSatisfied : tickets.csatSatisfied, responses)
            case .meanScore: return ratio(fromSurvey ? intervals.csatScoreSum : tickets.csatScoreSum, responses)
            }
        case .qaScore:
            return FigureRatio(numerator: totals.qa.scoreSum, denominator: Double(totals.qa.evaluations))
        case .highImpactErrorRate:
            return ratio(totals.qa.highImpact, totals.qa.evaluations)
        case .ticketAttainment(.firstReply):
            return ratio(tickets.firstReplyMet, tickets.firstReplyDue)
        case .ticketAttainment(.resolution):
            return ratio(tickets.resolutionMet, tickets.resolutionDue)
        }
    }

    /// The figure's value in `totals`, or `nil` when there is no data (a zero denominator).
    package func value(in totals: AggregateTotals) -> Double? {
        self.ratio(in: totals).value
    }

    /// Head office's reference variant of this figure, the one every provider is also measured by
    /// ("one yardstick"): service level ÷ (offered − short abandons) at the same threshold, FCR by
    /// survey, CSAT top-2 box. Figures without variants are their own reference.
    package var reference: AggregateTarget.Figure {
        switch self {
        case .serviceLevel(let threshold, _): .serviceLevel(threshold: threshold, variant: .offeredMinusShortAbandons)
        case .fcr: .fcr(method: .survey)
        case .csat: .csat(variant: .top2Box)
        default: self
        }
    }

    /// Whether this is the reference variant.
    package var isReference: Bool { self == self.reference }

    /// The variant as contract files name it (`offered`, `ticket`, `mean_score`…), or `nil` for figures without variants.
    package var variantName: String? {
        switch self {
        case .serviceLevel(_, let variant): variant.rawValue
        case .fcr(let method): method.rawValue
        case .csat(let variant): variant.rawValue
        case .ticketAttainment(let target): target.rawValue
        default: nil
        }
    }

    /// The values the figure can take: 0–1 for percentages, 1–5 for a mean CSAT score, 0–100 for
    /// the QA score, zero or more seconds for durations.
    package var valueRange: ClosedRange<Double> {
        switch self {
        case .asa, .aht: 0...Double.greatestFiniteMagnitude
        case .csat(.meanScore): 1...5
        case .qaScore: 0...100
        default: 0...1
        }
    }

    /// Both readings of `totals`: with this variant and with the reference variant.
    package func reading(of totals: AggregateTotals) -> FigureReading {
        FigureReading(figure: self, value: self.value(in: totals), reference: self.reference, referenceValue: self.reference.value(in: totals))
    }

    /// A value written for people: `81.6 %`, `15.0 s`, `7 m 00 s`, `4.30`, `80.0`.
    package func format(_ value: Double) -> String {
        switch self.unit {
        case .percentage:
            return "\(Self.fixed(value * 100, 1)) %"
        case .duration:
            guard value >= 60 else { return "\(Self.fixed(value, 1)) s" }
            let seconds = Int(value.rounded())
            let remainder = seconds % 60
            return "\(seconds / 60) m \(remainder < 10 ? "0" : "")\(remainder) s"
        case .score:
            if case .csat = self { return Self.fixed(value, 2) }
            return Self.fixed(value, 1)
        }
    }

    /// `value` with `digits` decimals, rounded half away from zero, without Foundation's locale.
    static func fixed(_ value: Double, _ digits: Int) -> String {
        guard value.isFinite else { return value > 0 ? "∞" : "-∞" }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = Int((abs(value) * scale).rounded())
        let whole = scaled / Int(scale)
        let fraction = scaled % Int(scale)
        let sign = value < 0 && scaled > 0 ? "-" : ""
        guard digits > 0 else { return "\(sign)\(whole)" }
        let fractionText = String(fraction)
        return "\(sign)\(whole).\(String(repeating: "0", count: digits - fractionText.count))\(fractionText)"
    }
}

/// One figure read two ways: with the contract's variant and with head office's reference variant,
/// so that providers on different contracts are compared by one yardstick.
package struct FigureReading: Hashable, Sendable {
    /// The figure with the contract's variant.
    package var figure: AggregateTarget.Figure
    /// Its value, `nil` for no data.
    package var value: Double?
    /// The reference variant (equal to ``figure`` when the contract uses it).
    package var reference: AggregateTarget.Figure
    /// The reference variant's value, `nil` for no data.
    package var referenceValue: Double?

    /// Creates a reading.
    /// - Parameters:
    ///   - figure: The contract's figure.
    ///   - value: Its value.
    ///   - reference: The reference figure.
    ///   - referenceValue: Its value.
    package init(figure: AggregateTarget.Figure, value: Double?, reference: AggregateTarget.Figure, referenceValue: Double?) {
        self.figure = figure
        self.value = value
        self.reference = reference
        self.referenceValue = referenceValue
    }
}
