//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Service credits a provider owes for missed targets.
//
//===----------------------------------------------------------------------===//

/// Service credits: for each missed aggregate target, a share of the monthly fee, weighted, capped
/// per month, and waived when the following periods meet the target again (earn-back).
/// ``statement(month:targets:results:monthlyFee:evidence:)`` computes a month's credits at its close.
package struct ServiceCredits: Hashable, Sendable {
    /// One target that carries a credit when missed.
    package struct Rule: Hashable, Sendable {
        /// The ``AggregateTarget/id`` it applies to.
        package var target: String
        /// Share of the monthly fee per miss, as a fraction.
        package var share: Double
        /// Weight multiplying the share (default 1).
        package var weight: Double

        /// Creates a rule.
        package init(target: String, share: Double, weight: Double = 1) {
            self.target = target
            self.share = share
            self.weight = weight
        }
    }

    /// The monthly fee the shares apply to, if stated.
    package var monthlyFee: Double?
    /// Currency of the fee (ISO 4217 code), if stated.
    package var currency: String?
    /// At most this share of the monthly fee is at risk in a month, as a fraction.
    package var monthlyCap: Double
    /// A credit is waived when the target is met in each of the next N periods; 0 for no earn-back.
    package var earnBackPeriods: Int
    /// Per-target rules.
    package var rules: [Rule]

    /// Creates service credits.
    package init(monthlyFee: Double? = nil, currency: String? = nil, monthlyCap: Double, earnBackPeriods: Int = 0, rules: [Rule]) {
        self.monthlyFee = monthlyFee
        self.currency = currency
        self.monthlyCap = monthlyCap
        self.earnBackPeriods = earnBackPeriods
        self.rules = rules
    }
}
