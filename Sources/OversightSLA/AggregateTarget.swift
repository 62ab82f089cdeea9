//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// A target on a figure summed over a period (service level, CSAT, …).
//
//===----------------------------------------------------------------------===//

/// A target on an aggregate figure per contract period, such as "service level (20 s) ≥ 80 % per
/// day" or "CSAT ≥ 85 % per month". The figures' formulas are in `AggregateTarget+Figures.swift`; a
/// period's standing and projection come from ``assess(totals:period:at:calendar:recent:)``.
package struct AggregateTarget: Hashable, Sendable {
    /// A figure of PRODUCT.md §5 with its formula variant and parameters.
    package enum Figure: Hashable, Sendable {
        /// Answered within `threshold` ÷ the variant's denominator.
        case serviceLevel(threshold: Duration, variant: ServiceLevelVariant)
        /// (Abandoned − short abandons) ÷ (offered − short abandons); a short abandon is one within `shortAbandon`.
        case abandonment(shortAbandon: Duration)
        /// Average speed of answer: total answer delay ÷ answered.
        case asa
        /// Average handle time: total handle time ÷ handled.
        case aht
        /// First-contact resolution.
        case fcr(method: FCRMethod)
        /// Customer satisfaction.
        case csat(variant: CSATVariant)
        /// Weighted QA scorecard score, 0–100.
        case qaScore
        /// Evaluations with at least one high-impact error ÷ evaluations.
        case highImpactErrorRate
        /// Tickets that met a ticket target ÷ tickets whose target came due in the period.
        case ticketAttainment(target: TicketTargetKind)

        /// The name contract files use.
        package var name: String {
            switch self {
            case .serviceLevel: "service_level"
            case .abandonment: "abandonment"
            case .asa: "asa"
            case .aht: "aht"
            case .fcr: "fcr"
            case .csat: "csat"
            case .qaScore: "qa_score"
            case .highImpactErrorRate: "high_impact_error_rate"
            case .ticketAttainment: "ticket_attainment"
            }
        }

        /// How the target value is written: a percentage, a duration or a plain number.
        package var unit: Unit {
            switch self {
            case .asa, .aht: .duration
            case .qaScore: .score
            case .csat(.meanScore): .score
            default: .percentage
            }
        }

        /// The comparison a figure takes when the contract does not say: at most for figures where lower is better.
        package var defaultComparison: Comparison {
            switch self {
            case .abandonment, .asa, .aht, .highImpactErrorRate: .atMost
            default: .atLeast
            }
        }
    }

    /// The denominator of service level.
    package enum ServiceLevelVariant: String, Hashable, Sendable, CaseIterable {
        /// ÷ (offered − short abandons): head office's reference variant.
        case offeredMinusShortAbandons = "offered_minus_short_abandons"
        /// ÷ offered.
        case offered
        /// ÷ answered.
        case answered
    }

    /// How first-contact resolution is measured.
    package enum FCRMethod: String, Hashable, Sendable, CaseIterable {
        /// Contacts resolved at first contact ÷ resolved contacts, from the post-contact survey (reference).
        case survey
        /// Tickets solved with one agent reply and not reopened within the reopen window ÷ solved tickets.
        case ticket
    }

    /// How CSAT is computed.
    package enum CSATVariant: String, Hashable, Sendable, CaseIterable {
        /// Satisfied responses (4–5 of 5) ÷ responses (reference).
        case top2Box = "top2_box"
        /// Mean score, 1–5.
        case meanScore = "mean_score"
    }

    /// Which ticket target an attainment figure counts.
    package enum TicketTargetKind: String, Hashable, Sendable, CaseIterable {
        case firstReply = "first_reply"
        case resolution
    }

    /// How a target value is written.
    package enum Unit: Hashable, Sendable {
        case percentage, duration, score
    }

    /// Whether the figure must be at least or at most the target.
    package enum Comparison: String, Hashable, Sendable {
        case atLeast = ">="
        case atMost = "<="
    }

    /// The period a figure is summed over.
    package enum Period: String, Hashable, Sendable, CaseIterable {
        case day, week, month
    }

    /// A name unique within the contract version, used by service credits.
    package var id: String
    /// The figure and its variant.
    package var figure: Figure
    /// The period.
    package var period: Period
    /// At least or at most.
    package var comparison: Comparison
    /// The target: a fraction for percentages (0.8), seconds for durations, the score for scores.
    package var target: Double
    /// The tickets or queues it applies to (all by default).
    package var match: ScopeMatch
    /// For FCR by ticket: the window within which a reopen means the first contact did not resolve it.
    package var reopenWindow: Duration?

    /// Creates a target.
    package init(id: String, figure: Figure, period: Period, comparison: Comparison, target: Double, match: ScopeMatch = ScopeMatch(), reopenWindow: Duration? = nil) {
        self.id = id
        self.figure = figure
        self.period = period
        self.comparison = comparison
        self.target = target
        self.match = match
        self.reopenWindow = reopenWindow
    }

    /// Whether a computed value meets the target.
    package func isMet(by value: Double) -> Bool {
        switch self.comparison {
        case .atLeast: value >= self.target
        case .atMost: value <= self.target
        }
    }
}
