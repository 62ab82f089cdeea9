//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The Wilson score interval of a proportion: what an error rate or pass rate from n audits can be said to be.
//
//===----------------------------------------------------------------------===//

import Foundation

/// A proportion with its Wilson score interval.
package struct WilsonInterval: Sendable, Equatable {
    package var successes: Int
    package var n: Int
    package var lower: Double
    package var upper: Double

    /// The interval of `successes` out of `n` at `confidence` (0.95: z = 1.96): centre (p̂ + z²/2n) / (1 + z²/n),
    /// half-width z/(1 + z²/n) · √(p̂(1 − p̂)/n + z²/4n²). `nil` when n is 0.
    package init?(successes: Int, n: Int, confidence: Double = 0.95) {
        guard n > 0, (0...n).contains(successes) else { return nil }
        self.init(share: Double(successes) / Double(n), successes: successes, n: n, confidence: confidence)
        // Exactly 0 below no successes and 1 above n of n (the formula's rounding leaves 1 − 1e-16).
        if successes == 0 { self.lower = 0 }
        if successes == n { self.upper = 1 }
    }

    /// The same formula for an observed share p̂ that is not a count of successes (a mean score as a share of 100);
    /// ``successes`` is p̂·n rounded. `nil` when n is 0 or p̂ is outside 0…1.
    package init?(proportion: Double, n: Int, confidence: Double = 0.95) {
        guard n > 0, proportion.isFinite, (0...1).contains(proportion) else { return nil }
        self.init(share: proportion, successes: Int((proportion * Double(n)).rounded()), n: n, confidence: confidence)
    }

    private init(share p: Double, successes: Int, n: Int, confidence: Double) {
        let z = Probability.twoSidedZ(confidence: confidence)
        let count = Double(n)
        let denominator = 1 + z * z / count
        let centre = (p + z * z / (2 * count)) / denominator
        let half = z / denominator * (p * (1 - p) / count + z * z / (4 * count * count)).squareRoot()
        self.successes = successes
        self.n = n
        self.lower = max(0, centre - half)
        self.upper = min(1, centre + half)
    }
}
