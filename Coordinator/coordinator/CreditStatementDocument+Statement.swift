//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The console's credit statement document from the evaluator's disputed statement.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightConsole
import OversightCoordinator
import OversightSLA

extension CreditStatementDocument {
    /// The document of `disputed` (measured, after the accepted disputes, each step and every dispute of the month).
    init(provider: String, _ disputed: DisputedCreditStatement) {
        let measured = Dictionary(disputed.measured.lines.map { ("\($0.targetID)|\($0.period.description)", $0) }, uniquingKeysWith: { a, _ in a })
        let lines = disputed.statement.lines.map { line in
            let before = measured["\(line.targetID)|\(line.period.description)"]
            return Line(
                target: line.targetID, figure: line.figure.name, unit: AggregateEvaluator.unitName(line.figure.unit), period: line.period.description,
                comparison: line.comparison.rawValue, targetValue: line.target, measuredActual: before?.actual,
                measuredState: (before?.state ?? line.state).rawValue, measuredAmount: before?.amount, actual: line.actual, state: line.state.rawValue,
                amount: line.amount
            )
        }
        let steps = disputed.steps.map { step in
            Step(
                dispute: step.outcome.dispute.id, owedShareBefore: step.owedShareBefore, owedShareAfter: step.owedShareAfter,
                owedAmountBefore: step.owedAmountBefore, owedAmountAfter: step.owedAmountAfter,
                changes: step.lines.map {
                    Change(
                        target: $0.targetID, period: $0.period.description, unit: AggregateEvaluator.unitName($0.unit), actualBefore: $0.actualBefore,
                        actualAfter: $0.actualAfter, stateBefore: $0.stateBefore.rawValue, stateAfter: $0.stateAfter.rawValue,
                        amountBefore: $0.amountBefore, amountAfter: $0.amountAfter
                    )
                }
            )
        }
        self.init(
            provider: provider, month: disputed.statement.month.description, currency: disputed.statement.currency,
            monthlyFee: disputed.statement.monthlyFee, measuredOwedShare: disputed.measured.owedShare, measuredOwedAmount: disputed.measured.owedAmount,
            owedShare: disputed.statement.owedShare, owedAmount: disputed.statement.owedAmount, lines: lines, steps: steps,
            disputes: disputed.outcomes.map { BreachDisputeView($0.dispute, effectiveState: $0.state.rawValue, decideBy: $0.deadline) },
            overturnRates: OversightCoordinator.OverturnRate.rates(disputed.outcomes).map {
                OverturnRate(reason: $0.reason, opened: $0.opened, open: $0.open, accepted: $0.accepted, rejected: $0.rejected, byDefault: $0.byDefault, rate: $0.rate)
            }
        )
    }
}
