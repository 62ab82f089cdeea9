//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Compares the coordinator's figures and credit statement with the recomputed ones.
//
//===----------------------------------------------------------------------===//

/// Differences between what the coordinator computed and what the verifier recomputed from the batches.
package enum FigureComparison {
    /// Two values agree when both are absent, or both present and within a relative 1e-9 (sums of floating-point
    /// scores and durations may be added in another order).
    package static func same(_ a: Double?, _ b: Double?) -> Bool {
        switch (a, b) {
        case (nil, nil): return true
        case (let a?, let b?): return abs(a - b) <= 1e-9 * max(1, abs(a), abs(b))
        default: return false
        }
    }

    static func text(_ value: Double?) -> String { value.map { "\($0)" } ?? "null" }

    /// Every difference between `stored` (the bundle's `figures.json`) and `recomputed`.
    package static func figures(stored: [EvidenceFigure], recomputed: [EvidenceFigure]) -> [VerificationFinding] {
        var findings: [VerificationFinding] = []
        let file = EvidenceFormat.figures
        var storedByLabel: [String: EvidenceFigure] = [:]
        for figure in stored {
            if storedByLabel[figure.label] != nil {
                findings.append(VerificationFinding(.figure, "\(file) \(figure.label)", "listed twice"))
            }
            storedByLabel[figure.label] = figure
        }
        let recomputedLabels = Set(recomputed.map(\.label))
        for figure in recomputed {
            let subject = "\(file) \(figure.label) (\(figure.figure))"
            guard let mine = storedByLabel[figure.label] else {
                findings.append(VerificationFinding(.figure, subject, "missing: recomputed \(Self.text(figure.value)) from the batches"))
                continue
            }
            if !Self.same(mine.value, figure.value) {
                findings.append(
                    VerificationFinding(.figure, subject, "value: coordinator \(Self.text(mine.value)), recomputed from the batches \(Self.text(figure.value))")
                )
            }
            for ((name, theirs), (_, ours)) in zip(mine.totals.named, figure.totals.named) where !Self.same(theirs, ours) {
                findings.append(VerificationFinding(.figure, subject, "\(name): coordinator \(theirs), recomputed from the batches \(ours)"))
            }
            if mine.figure != figure.figure || mine.variant != figure.variant || mine.unit != figure.unit || mine.bearsCredit != figure.bearsCredit
                || mine.periodStart != figure.periodStart || mine.periodEnd != figure.periodEnd
            {
                findings.append(VerificationFinding(.figure, subject, "figure, variant, unit, credit or period bounds differ from the contract's"))
            }
        }
        for figure in stored where !recomputedLabels.contains(figure.label) {
            findings.append(VerificationFinding(.figure, "\(file) \(figure.label)", "not a figure of the contract's month (nothing to recompute it from)"))
        }
        return findings
    }

    /// Every difference between the bundle's `credits.json` and the recomputed statement.
    package static func credits(
        stored: EvidenceCreditStatement, recomputed: EvidenceCreditStatement, file: String = EvidenceFormat.credits
    ) -> [VerificationFinding] {
        var findings: [VerificationFinding] = []
        func check(_ name: String, _ theirs: Double?, _ ours: Double?) {
            if !Self.same(theirs, ours) {
                findings.append(VerificationFinding(.credit, "\(file) \(name)", "coordinator \(Self.text(theirs)), recomputed \(Self.text(ours))"))
            }
        }
        check("monthlyFee", stored.monthlyFee, recomputed.monthlyFee)
        check("monthlyCap", stored.monthlyCap, recomputed.monthlyCap)
        check("uncappedOwedShare", stored.uncappedOwedShare, recomputed.uncappedOwedShare)
        check("owedShare", stored.owedShare, recomputed.owedShare)
        check("pendingShare", stored.pendingShare, recomputed.pendingShare)
        check("waivedShare", stored.waivedShare, recomputed.waivedShare)
        check("owedAmount", stored.owedAmount, recomputed.owedAmount)
        check("pendingAmount", stored.pendingAmount, recomputed.pendingAmount)
        check("waivedAmount", stored.waivedAmount, recomputed.waivedAmount)
        if stored.capped != recomputed.capped {
            findings.append(VerificationFinding(.credit, "\(file) capped", "coordinator \(stored.capped), recomputed \(recomputed.capped)"))
        }
        if stored.month != recomputed.month || stored.provider != recomputed.provider || stored.currency != recomputed.currency {
            findings.append(VerificationFinding(.credit, file, "provider, month or currency differ from the bundle's"))
        }
        func key(_ line: EvidenceCreditStatement.Line) -> String { "\(line.target) \(line.period)" }
        let storedLines = Dictionary(stored.lines.map { (key($0), $0) }, uniquingKeysWith: { first, _ in first })
        let recomputedKeys = Set(recomputed.lines.map(key))
        for line in recomputed.lines {
            let subject = "\(file) line \(key(line))"
            guard let mine = storedLines[key(line)] else {
                findings.append(VerificationFinding(.credit, subject, "missing: recomputed \(line.state), share \(line.share)"))
                continue
            }
            if mine.state != line.state { findings.append(VerificationFinding(.credit, subject, "state: coordinator \(mine.state), recomputed \(line.state)")) }
            if !Self.same(mine.actual, line.actual) {
                findings.append(VerificationFinding(.credit, subject, "actual: coordinator \(Self.text(mine.actual)), recomputed \(Self.text(line.actual))"))
            }
            if !Self.same(mine.share, line.share) {
                findings.append(VerificationFinding(.credit, subject, "share: coordinator \(mine.share), recomputed \(line.share)"))
            }
            if !Self.same(mine.amount, line.amount) {
                findings.append(VerificationFinding(.credit, subject, "amount: coordinator \(Self.text(mine.amount)), recomputed \(Self.text(line.amount))"))
            }
            if !Self.same(mine.targetValue, line.targetValue) || mine.comparison != line.comparison {
                findings.append(VerificationFinding(.credit, subject, "target: coordinator \(mine.comparison) \(mine.targetValue), contract \(line.comparison) \(line.targetValue)"))
            }
        }
        for line in stored.lines where !recomputedKeys.contains(key(line)) {
            findings.append(VerificationFinding(.credit, "\(file) line \(key(line))", "not a line of the contract's month"))
        }
        func name(_ item: EvidenceCreditStatement.Evidence) -> String {
            "\(item.kind) \(item.key) (agent \(item.agent), batch \(item.seq.map(String.init) ?? "?"))"
        }
        let theirs = Set(stored.evidence)
        let ours = Set(recomputed.evidence)
        for item in theirs.subtracting(ours).sorted(by: { name($0) < name($1) }).prefix(50) {
            findings.append(VerificationFinding(.credit, "\(file) evidence", "\(name(item)) is cited by the coordinator but not by the batches"))
        }
        for item in ours.subtracting(theirs).sorted(by: { name($0) < name($1) }).prefix(50) {
            findings.append(VerificationFinding(.credit, "\(file) evidence", "\(name(item)) follows from the batches but is not cited by the coordinator"))
        }
        return findings
    }
}
