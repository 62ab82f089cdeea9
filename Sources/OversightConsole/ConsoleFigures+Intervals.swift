//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// 95 % Wilson intervals, with n, on the QA score and the high-impact error rate per provider and period (issue 10).
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightLocalization
import OversightSampling
import OversightStore

/// A figure's 95 % Wilson interval and the number of evaluations it rests on.
package struct FigureInterval: Sendable, Hashable, Codable {
    /// The bounds, in the figure's unit (a fraction for a rate, points of 0–100 for a score).
    package var lower: Double
    package var upper: Double
    /// Evaluations in the period.
    package var n: Int
    package var confidence: Double
}

extension ConsoleHandlers {
    /// The figures that get an interval: both come from the provider's QA evaluations.
    static let intervalFigures: Set<String> = ["qa_score", "high_impact_error_rate"]

    /// The 95 % Wilson interval of `figure` for `provider`'s evaluations completed in `from ..< to` (all of them: a
    /// target scoped to a site or queue gets none). The high-impact error rate: flagged evaluations of n. The QA score:
    /// the Wilson formula with p̂ = mean score / 100 and n evaluations, in points (an approximation: a score is a share
    /// of weight, not one pass or fail). `nil` without evaluations.
    func interval(figure: String, provider: String, from: Date, to: Date) async throws -> FigureInterval? {
        guard Self.intervalFigures.contains(figure) else { return nil }
        let totals = try await self.store.qaTotals(provider: provider, scope: .all, from: from, to: to)
        guard totals.evaluations > 0 else { return nil }
        if figure == "high_impact_error_rate" {
            guard let wilson = WilsonInterval(successes: totals.flagged, n: totals.evaluations) else { return nil }
            return FigureInterval(lower: wilson.lower, upper: wilson.upper, n: totals.evaluations, confidence: 0.95)
        }
        let share = min(1, max(0, totals.scoreSum / 100 / Double(totals.evaluations)))
        guard let wilson = WilsonInterval(proportion: share, n: totals.evaluations) else { return nil }
        return FigureInterval(lower: 100 * wilson.lower, upper: 100 * wilson.upper, n: totals.evaluations, confidence: 0.95)
    }
}

extension FigureFormat {
    /// `78.25 (95 % CI 70.1–85.0, n = 42)` for a figure with an interval; the figure alone without one.
    package static func text(_ figure: FigureValue, unit: String, localizer l: Localizer = .english) -> String {
        let value = self.text(figure.value, unit: unit, localizer: l)
        guard let interval = figure.interval, figure.value != nil else { return value }
        return l.t("hoaudit.interval", [
            "value": value, "lower": self.text(interval.lower, unit: unit, localizer: l), "upper": self.text(interval.upper, unit: unit, localizer: l),
            "n": l.integer(interval.n),
        ])
    }
}
