//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// What the console knows of a provider's contract: the version in force, its targets and time zone.
//
//===----------------------------------------------------------------------===//

import Foundation

/// A provider's contract as the console shows it: the version in force, its ticket targets and every aggregate
/// target. The coordinator fills it from the loaded `*.contract.yaml` files (``ConsoleConfiguration/contracts``).
package struct ConsoleContract: Sendable, Hashable, Codable {
    /// One aggregate target, such as "ticket attainment (resolution) ≥ 90 % per month".
    package struct Target: Sendable, Hashable, Codable {
        /// The target's id in the contract (service credits name it).
        package var id: String
        /// The figure: `ticket_attainment`, `csat`, `service_level`, `abandonment`, `asa`, `aht`, `fcr`, `qa_score`,
        /// `high_impact_error_rate`.
        package var figure: String
        /// The variant: the ticket target (`first_reply`, `resolution`) of an attainment, the CSAT variant (`top2_box`,
        /// `mean_score`), the service-level threshold and denominator, …
        package var detail: String?
        /// `day`, `week` or `month`.
        package var period: String
        /// Whether the figure must be at most the target (abandonment, ASA, AHT, error rate) rather than at least.
        package var atMost: Bool
        /// A fraction for percentages (0.9), seconds for durations, the score for scores.
        package var target: Double
        /// `percentage`, `duration` or `score`.
        package var unit: String
        /// The tickets or queues it applies to, in words (`channel chat`), or `nil` for all.
        package var match: String?

        /// Creates a target.
        package init(
            id: String, figure: String, detail: String? = nil, period: String, atMost: Bool = false, target: Double, unit: String, match: String? = nil
        ) {
            self.id = id
            self.figure = figure
            self.detail = detail
            self.period = period
            self.atMost = atMost
            self.target = target
            self.unit = unit
            self.match = match
        }
    }

    /// A service-credit rule: a share of the monthly fee for each missed period of a target.
    package struct CreditRule: Sendable, Hashable, Codable {
        package var target: String
        package var share: Double
        package var weight: Double
        /// Creates a rule.
        package init(target: String, share: Double, weight: Double = 1) {
            self.target = target
            self.share = share
            self.weight = weight
        }
    }

    /// The provider it binds.
    package var provider: String
    /// Its human name.
    package var name: String?
    /// Time-zone identifier of the version's calendar: contract days, weeks and months are local to it.
    package var timeZone: String
    /// First day of the version in force (`YYYY-MM-DD`).
    package var effectiveFrom: String
    /// Base ticket targets of the version, in business seconds, by clock (`first_reply`, `resolution`, …).
    package var ticketTargets: [String: Int]
    /// Aggregate targets of the version.
    package var targets: [Target]
    /// Monthly fee that credits are a share of, if the contract has credits.
    package var monthlyFee: Double?
    /// Currency of the fee.
    package var currency: String?
    /// The cap on credits per month, as a share of the fee.
    package var monthlyCap: Double?
    /// Credit rules.
    package var credits: [CreditRule]
    /// The reasons a provider may give to dispute a breach (`disputes.reasons`); empty when breaches cannot be disputed.
    package var disputeReasons: [String] = []
    /// What an undecided breach dispute becomes after the decision time (`accepted` or `rejected`), if disputes are allowed.
    package var disputeDefault: String?

    /// Creates a contract summary.
    package init(
        provider: String, name: String? = nil, timeZone: String = "UTC", effectiveFrom: String, ticketTargets: [String: Int] = [:],
        targets: [Target] = [], monthlyFee: Double? = nil, currency: String? = nil, monthlyCap: Double? = nil, credits: [CreditRule] = []
    ) {
        self.provider = provider
        self.name = name
        self.timeZone = timeZone
        self.effectiveFrom = effectiveFrom
        self.ticketTargets = ticketTargets
        self.targets = targets
        self.monthlyFee = monthlyFee
        self.currency = currency
        self.monthlyCap = monthlyCap
        self.credits = credits
    }

    /// The time zone, UTC when the identifier is unknown.
    package var zone: TimeZone { TimeZone(identifier: self.timeZone) ?? .gmt }

    /// The target the overview compares ticket attainment with: the contract's highest `ticket_attainment` target.
    package var attainmentTarget: Double? {
        self.targets.filter { $0.figure == "ticket_attainment" }.map(\.target).max()
    }
}
