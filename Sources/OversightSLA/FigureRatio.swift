//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// An aggregate figure as a numerator over a denominator of summed totals.
//
//===----------------------------------------------------------------------===//

/// Every aggregate figure is a ratio of two sums: answered within threshold over offered, total
/// answer delay over answered, score sum over responses… Keeping both parts (rather than the value)
/// is what lets a projection reason about the rest of the period and keeps figures exact under
/// summing: the figure of a month is the ratio of the month's sums, never a mean of daily values.
package struct FigureRatio: Hashable, Sendable {
    /// The numerator: a count, seconds (ASA, AHT) or a score sum (CSAT mean, QA score).
    package var numerator: Double
    /// The denominator: the count the figure is "per".
    package var denominator: Double

    /// Creates a ratio.
    /// - Parameters:
    ///   - numerator: The numerator.
    ///   - denominator: The denominator.
    package init(numerator: Double, denominator: Double) {
        self.numerator = numerator
        self.denominator = denominator
    }

    /// The figure's value, or `nil` when the denominator is not positive: "no data", never 0 % or 100 %.
    package var value: Double? {
        self.denominator > 0 ? self.numerator / self.denominator : nil
    }
}
