//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Computing the service credits of a month at its close.
//
//===----------------------------------------------------------------------===//

extension ServiceCredits {
    /// The credit statement of `month`.
    ///
    /// Every period of a credit-bearing target that ends in the month (a week belongs to the month
    /// of its Sunday) gets a line. A miss costs the rule's share × weight of the monthly fee. With
    /// earn-back N, a miss is waived when the next N periods with data all meet the target, owed as
    /// soon as one of them misses, and pending earn-back while they are not all known (a period
    /// with no result given is not known; a period whose value is `nil` has no data and is skipped).
    /// What is owed is capped at ``monthlyCap`` of the fee; pending credits can add at most what
    /// the cap leaves.
    ///
    /// - Parameters:
    ///   - month: The closing month.
    ///   - targets: The contract version's aggregate targets.
    ///   - results: The targets' values in the month's periods and in the periods after it (for earn-back).
    ///   - monthlyFee: The fee the shares apply to; default ``monthlyFee``. Without one, only shares are given.
    ///   - evidence: The records the results were computed from; carried into the statement.
    /// - Throws: ``SLAError`` when `month` is not a month, a rule names an undefined target, a result
    ///   is given twice, or its period is of the wrong kind.
    package func statement(
        month: ContractPeriod, targets: [AggregateTarget], results: [TargetResult], monthlyFee: Double? = nil, evidence: [EvidenceRef] = []
    ) throws(SLAError) -> CreditStatement {
        guard month.kind == .month else {
            throw SLAError(.wrongPeriod, "a credit statement is for a month, not the \(month.kind.rawValue) \(month)")
        }
        let fee = monthlyFee ?? self.monthlyFee
        if let fee, !(fee >= 0 && fee.isFinite) { throw SLAError(.invalidValue, "monthly fee \(fee) must be a non-negative number") }
        let byID = Dictionary(targets.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var values: [String: [ContractPeriod: Double?]] = [:]
        for result in results {
            guard let target = byID[result.targetID] else { continue }  // results of targets without credits are fine
            guard result.period.kind == target.period else {
                throw SLAError(
                    .wrongPeriod, "result for target '\(result.targetID)' is for the \(result.period.kind.rawValue) \(result.period), but the target is per \(target.period.rawValue)"
                )
            }
            if values[result.targetID]?[result.period] != nil {
                throw SLAError(.duplicate, "two results for target '\(result.targetID)' in \(result.period)")
            }
            values[result.targetID, default: [:]][result.period] = .some(result.value)
        }

        func amount(_ share: Double) -> Double? { fee.map { ($0 * share * 100).rounded() / 100 } }

        var lines: [CreditStatement.Line] = []
        for rule in self.rules {
            guard let target = byID[rule.target] else {
                throw SLAError(.unknownTarget, "credit rule for '\(rule.target)': the contract version has no aggregate target with that id")
            }
            let known = values[rule.target] ?? [:]
            for period in month.periods(target.period) {
                let actual: Double? = known[period] ?? nil
                var line = CreditStatement.Line(
                    targetID: target.id, figure: target.figure, variant: target.figure.variantName, period: period, actual: actual,
                    comparison: target.comparison, target: target.target, met: actual.map(target.isMet(by:)), share: 0, amount: nil,
                    state: .noData
                )
                guard let actual else {
                    lines.append(line)
                    continue
                }
                if target.isMet(by: actual) {
                    line.state = .met
                    line.amount = amount(0)
                    lines.append(line)
                    continue
                }
                line.share = rule.share * rule.weight
                line.amount = amount(line.share)
                line.state = .owed
                if self.earnBackPeriods > 0 {
                    line.state = .pendingEarnBack
                    var next = period.next
                    var remainingKnown = known.count
                    while remainingKnown > 0, let entry = known[next] {
                        remainingKnown -= 1
                        if let value = entry {
                            guard target.isMet(by: value) else {
                                line.state = .owed
                                line.earnBackBrokenBy = next
                                break
                            }
                            line.earnBackMet.append(next)
                            if line.earnBackMet.count == self.earnBackPeriods {
                                line.state = .waived
                                break
                            }
                        }
                        next = next.next
                    }
                }
                lines.append(line)
            }
        }

        let uncapped = lines.filter { $0.state == .owed }.reduce(0) { $0 + $1.share }
        let pendingUncapped = lines.filter { $0.state == .pendingEarnBack }.reduce(0) { $0 + $1.share }
        let waived = lines.filter { $0.state == .waived }.reduce(0) { $0 + $1.share }
        let owed = min(uncapped, self.monthlyCap)
        let pending = min(uncapped + pendingUncapped, self.monthlyCap) - owed
        return CreditStatement(
            month: month, monthlyFee: fee, currency: self.currency, monthlyCap: self.monthlyCap, lines: lines, uncappedOwedShare: uncapped,
            owedShare: owed, pendingShare: pending, waivedShare: waived, capped: uncapped > self.monthlyCap, owedAmount: amount(owed),
            pendingAmount: amount(pending), waivedAmount: amount(waived), evidence: evidence
        )
    }
}
