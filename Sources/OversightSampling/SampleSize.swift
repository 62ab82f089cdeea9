//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// How many interactions a period's unbiased sample holds: a fixed count, Cochran's size with the finite-population
// correction, or the zero-error size.
//
//===----------------------------------------------------------------------===//

import Foundation

/// How a sampling plan sizes a period's unbiased sample.
package enum SampleSize: Sendable, Equatable {
    /// Exactly this many (fewer when the period has fewer tickets).
    case fixed(Int)
    /// Cochran's size for estimating an error rate within ± `precision` at `confidence`, expecting `expectedRate`,
    /// corrected for the period's finite number of tickets.
    case cochran(precision: Double, confidence: Double, expectedRate: Double)
    /// The smallest sample whose finding of no error at all shows, at `confidence`, that the error rate is below
    /// `maxRate` (59 for 5 % at 95 % from a large period).
    case zeroError(maxRate: Double, confidence: Double)

    /// The size for a period of `population` tickets (never more than `population`).
    package func size(population: Int) -> Int {
        guard population > 0 else { return 0 }
        switch self {
        case .fixed(let count):
            return min(count, population)
        case .cochran(let precision, let confidence, let expectedRate):
            return Self.cochran(population: population, precision: precision, confidence: confidence, expectedRate: expectedRate)
        case .zeroError(let maxRate, let confidence):
            return Self.zeroError(population: population, maxRate: maxRate, confidence: confidence)
        }
    }

    /// n₀ = z² · p(1 − p) / e², then n = n₀ / (1 + (n₀ − 1) / N), rounded up.
    package static func cochran(population: Int, precision: Double, confidence: Double, expectedRate: Double) -> Int {
        let z = Probability.twoSidedZ(confidence: confidence)
        let n0 = z * z * expectedRate * (1 - expectedRate) / (precision * precision)
        let corrected = n0 / (1 + (n0 - 1) / Double(population))
        // Rounded up, after dropping float noise below 1e-9 (so 384.0000000001 is 384, not 385).
        return min(population, max(1, Int((corrected - 1e-9).rounded(.up))))
    }

    /// The smallest n with P(no error in n | error rate `maxRate`) ≤ 1 − `confidence`: from the hypergeometric
    /// distribution with ⌈maxRate · N⌉ errors in the period (exact for a finite period); the binomial limit is
    /// ⌈ln(1 − confidence) / ln(1 − maxRate)⌉.
    package static func zeroError(population: Int, maxRate: Double, confidence: Double) -> Int {
        let defects = max(1, Int((maxRate * Double(population) - 1e-9).rounded(.up)))
        let alpha = 1 - confidence
        for n in 1...population where Probability.hypergeometricCDF(0, n: n, defects: defects, population: population) <= alpha {
            return n
        }
        return population
    }

    /// The binomial (infinite-period) zero-error size.
    package static func zeroErrorLimit(maxRate: Double, confidence: Double) -> Int {
        Int((log(1 - confidence) / log(1 - maxRate) - 1e-9).rounded(.up))
    }
}
