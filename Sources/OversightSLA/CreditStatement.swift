//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The service credits a provider owes for one month.
//
//===----------------------------------------------------------------------===//

/// The value of an aggregate target in one closed period: the input of service credits.
package struct TargetResult: Hashable, Sendable {
    /// The ``AggregateTarget/id``.
    package var targetID: String
    /// The period (of the target's period kind).
    package var period: ContractPeriod
    /// The figure's value with the contract's variant, `nil` for no data.
    package var value: Double?

    /// Creates a result.
    /// - Parameters:
    ///   - targetID: The target's id.
    ///   - period: The closed period.
    ///   - value: The figure's value, `nil` for no data.
    package init(targetID: String, period: ContractPeriod, value: Double?) {
        self.targetID = targetID
        self.period = period
        self.value = value
    }
}

/// The service credits of one month, made by ``ServiceCredits/statement(month:targets:results:monthlyFee:evidence:)``:
/// one line per credit-bearing target and period ending in the month, the totals after the monthly cap,
/// and the evidence the figures came from.
package struct CreditStatement: Hashable, Sendable {
    /// What a line comes to.
    package enum LineState: String, Hashable, Sendable {
        /// The target was met: no credit.
        case met
        /// No data for the period (or no result given): no credit.
        case noData = "no data"
        /// Missed and owed.
        case owed
        /// Missed, then waived because the next periods met the target (earn-back).
        case waived
        /// Missed; the next periods that decide the earn-back are not all known yet.
        case pendingEarnBack = "pending earn-back"
    }

    /// One target in one period.
    package struct Line: Hashable, Sendable {
        /// The target's id.
        package var targetID: String
        /// The figure with the contract's variant.
        package var figure: AggregateTarget.Figure
        /// The variant as contract files name it, if the figure has variants.
        package var variant: String?
        /// The period.
        package var period: ContractPeriod
        /// The figure's value, `nil` for no data.
        package var actual: Double?
        /// At least or at most.
        package var comparison: AggregateTarget.Comparison
        /// The target value.
        package var target: Double
        /// Whether the target was met; `nil` for no data.
        package var met: Bool?
        /// The credit as a share of the monthly fee: the rule's share × weight when missed, else 0 (before the cap).
        package var share: Double
        /// ``share`` × the monthly fee, rounded to the cent; `nil` when the fee is not known.
        package var amount: Double?
        /// What the line comes to.
        package var state: LineState
        /// For a miss: the following periods that met the target and count towards earn-back.
        package var earnBackMet: [ContractPeriod]
        /// For a miss that is owed after all: the following period that missed again.
        package var earnBackBrokenBy: ContractPeriod?

        /// Creates a line.
        package init(
            targetID: String, figure: AggregateTarget.Figure, variant: String?, period: ContractPeriod, actual: Double?,
            comparison: AggregateTarget.Comparison, target: Double, met: Bool?, share: Double, amount: Double?, state: LineState,
            earnBackMet: [ContractPeriod] = [], earnBackBrokenBy: ContractPeriod? = nil
        ) {
            self.targetID = targetID
            self.figure = figure
            self.variant = variant
            self.period = period
            self.actual = actual
            self.comparison = comparison
            self.target = target
            self.met = met
            self.share = share
            self.amount = amount
            self.state = state
            self.earnBackMet = earnBackMet
            self.earnBackBrokenBy = earnBackBrokenBy
        }
    }

    /// The month.
    package var month: ContractPeriod
    /// The monthly fee, if known.
    package var monthlyFee: Double?
    /// The fee's currency, if stated.
    package var currency: String?
    /// The monthly cap, as a share of the fee.
    package var monthlyCap: Double
    /// The lines, by target (in rule order) then period.
    package var lines: [Line]
    /// Owed shares summed, before the cap.
    package var uncappedOwedShare: Double
    /// The share of the fee owed: owed lines, capped.
    package var owedShare: Double
    /// The share that pending earn-backs may still add, within what the cap leaves.
    package var pendingShare: Double
    /// The share waived by earn-back.
    package var waivedShare: Double
    /// Whether the cap reduced what is owed.
    package var capped: Bool
    /// ``owedShare`` × fee, rounded to the cent; `nil` without a fee.
    package var owedAmount: Double?
    /// ``pendingShare`` × fee; `nil` without a fee.
    package var pendingAmount: Double?
    /// ``waivedShare`` × fee; `nil` without a fee.
    package var waivedAmount: Double?
    /// The records the figures were computed from, as the caller gave them.
    package var evidence: [EvidenceRef]

    /// Creates a statement (normally made by ``ServiceCredits/statement(month:targets:results:monthlyFee:evidence:)``).
    package init(
        month: ContractPeriod, monthlyFee: Double?, currency: String?, monthlyCap: Double, lines: [Line], uncappedOwedShare: Double,
        owedShare: Double, pendingShare: Double, waivedShare: Double, capped: Bool, owedAmount: Double?, pendingAmount: Double?,
        waivedAmount: Double?, evidence: [EvidenceRef]
    ) {
        self.month = month
        self.monthlyFee = monthlyFee
        self.currency = currency
        self.monthlyCap = monthlyCap
        self.lines = lines
        self.uncappedOwedShare = uncappedOwedShare
        self.owedShare = owedShare
        self.pendingShare = pendingShare
        self.waivedShare = waivedShare
        self.capped = capped
        self.owedAmount = owedAmount
        self.pendingAmount = pendingAmount
        self.waivedAmount = waivedAmount
        self.evidence = evidence
    }
}
