//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The exact distributions the sample sizes and acceptance plans rest on: binomial, hypergeometric, the normal quantile.
//
//===----------------------------------------------------------------------===//

import Foundation

/// Exact probabilities, computed in log space so that sizes in the thousands neither overflow nor lose precision.
package enum Probability {
    /// `ln(n!)`.
    static func logFactorial(_ n: Int) -> Double { lgamma(Double(n) + 1) }

    /// `ln C(n, k)`; `-inf` when `k` is outside `0...n`.
    static func logChoose(_ n: Int, _ k: Int) -> Double {
        guard k >= 0, k <= n else { return -.infinity }
        return logFactorial(n) - logFactorial(k) - logFactorial(n - k)
    }

    /// P(X ≤ c) for X ~ Binomial(n, p).
    package static func binomialCDF(_ c: Int, n: Int, p: Double) -> Double {
        guard c >= 0 else { return 0 }
        guard c < n else { return 1 }
        if p <= 0 { return 1 }
        if p >= 1 { return 0 }
        var total = 0.0
        for k in 0...c {
            total += exp(logChoose(n, k) + Double(k) * log(p) + Double(n - k) * log1p(-p))
        }
        return min(1, total)
    }

    /// P(X ≤ c) for X the defects in a sample of `n` drawn without replacement from `population` items of which
    /// `defects` are defective.
    package static func hypergeometricCDF(_ c: Int, n: Int, defects: Int, population: Int) -> Double {
        guard c >= 0 else { return 0 }
        let denominator = logChoose(population, n)
        var total = 0.0
        for k in 0...min(c, n, defects) {
            let term = logChoose(defects, k) + logChoose(population - defects, n - k) - denominator
            if term.isFinite { total += exp(term) }
        }
        return min(1, total)
    }

    /// The standard normal CDF.
    package static func normalCDF(_ z: Double) -> Double { 0.5 * erfc(-z / 2.0.squareRoot()) }

    /// The two-sided standard normal quantile for `confidence` (1.959964 for 0.95): the `z` with
    /// Φ(z) = 1 − (1 − confidence) / 2, by bisection on ``normalCDF(_:)`` to 1e-12.
    package static func twoSidedZ(confidence: Double) -> Double {
        let target = 1 - (1 - confidence) / 2
        var low = 0.0
        var high = 40.0
        for _ in 0..<200 {
            let middle = (low + high) / 2
            if normalCDF(middle) < target { low = middle } else { high = middle }
            if high - low < 1e-12 { break }
        }
        return (low + high) / 2
    }
}
