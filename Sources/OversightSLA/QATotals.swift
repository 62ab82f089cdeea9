//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Summed QA evaluation results for aggregate figures.
//
//===----------------------------------------------------------------------===//

/// QA evaluations of a period, summed: for the QA score (mean of the evaluations' weighted
/// scorecard scores, 0–100) and the high-impact error rate.
package struct QATotals: Hashable, Sendable {
    /// Evaluations.
    package var evaluations: Int
    /// Sum of their scores, each 0–100 (an evaluation zeroed by a high-impact error adds 0).
    package var scoreSum: Double
    /// Evaluations with at least one high-impact error.
    package var highImpact: Int

    /// Creates totals; every count and sum defaults to zero.
    package init(evaluations: Int = 0, scoreSum: Double = 0, highImpact: Int = 0) {
        self.evaluations = evaluations
        self.scoreSum = scoreSum
        self.highImpact = highImpact
    }

    /// No evaluations.
    package static let zero = QATotals()

    /// Field-by-field sum.
    package static func + (lhs: QATotals, rhs: QATotals) -> QATotals {
        QATotals(evaluations: lhs.evaluations + rhs.evaluations, scoreSum: lhs.scoreSum + rhs.scoreSum, highImpact: lhs.highImpact + rhs.highImpact)
    }

    /// Field-by-field difference: the evaluations of a period without those of a part of it (an excluded window).
    package static func - (lhs: QATotals, rhs: QATotals) -> QATotals {
        QATotals(evaluations: lhs.evaluations - rhs.evaluations, scoreSum: lhs.scoreSum - rhs.scoreSum, highImpact: lhs.highImpact - rhs.highImpact)
    }

    /// Adds `rhs` into `lhs`.
    package static func += (lhs: inout QATotals, rhs: QATotals) { lhs = lhs + rhs }
}
