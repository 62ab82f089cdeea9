//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// A single-sampling acceptance plan (n, c) from the contract's acceptable quality level, computed from the exact
// operating characteristic: binomial, or hypergeometric for a small period.
//
//===----------------------------------------------------------------------===//

import Foundation

/// What a contract asks of a period's quality: an acceptable quality level with the producer's risk of rejecting a
/// period at it, and a rejectable quality level with the consumer's risk of accepting a period at it.
package struct AcceptanceTerms: Sendable, Equatable {
    /// The acceptable defect rate (AQL), such as 0.025.
    package var aql: Double
    /// The largest chance of rejecting a period whose defect rate is the AQL (α), such as 0.05.
    package var producerRisk: Double
    /// The defect rate that must be rejected (RQL, LTPD), such as 0.10; above the AQL.
    package var rql: Double
    /// The largest chance of accepting a period whose defect rate is the RQL (β), such as 0.10.
    package var consumerRisk: Double

    package init(aql: Double, producerRisk: Double, rql: Double, consumerRisk: Double) {
        self.aql = aql
        self.producerRisk = producerRisk
        self.rql = rql
        self.consumerRisk = consumerRisk
    }
}

/// Audit `n` interactions; accept the period when at most `c` have a defect.
package struct AcceptancePlan: Sendable, Equatable {
    package enum Model: String, Sendable {
        /// Sampling from an unlimited period.
        case binomial
        /// Sampling without replacement from a period of known size.
        case hypergeometric
    }

    package var n: Int
    package var c: Int
    package var model: Model
    /// The period size the hypergeometric model used.
    package var population: Int?
    /// P(reject | defect rate = AQL) under the plan's model: at most the producer's risk.
    package var producerRisk: Double
    /// P(accept | defect rate = RQL): at most the consumer's risk.
    package var consumerRisk: Double

    /// The largest n searched (a plan needing more is refused).
    package static let maxSize = 10_000

    /// The smallest n (and for it the smallest c) meeting both risks: for each n from 1, c is the smallest number of
    /// defects whose acceptance probability at the AQL is at least 1 − α; the first n at which that c also keeps the
    /// acceptance probability at the RQL at most β is the plan. With `population`, the hypergeometric model is used when
    /// the binomial plan would audit more than a tenth of the period (⌊AQL·N⌋ and ⌈RQL·N⌉ defective tickets), and n
    /// never exceeds N. `nil` when no plan up to ``maxSize`` (or N) meets both risks.
    package static func compute(_ terms: AcceptanceTerms, population: Int? = nil) -> AcceptancePlan? {
        guard terms.aql > 0, terms.aql < terms.rql, terms.rql < 1 else { return nil }
        let binomial = Self.search(terms, limit: Self.maxSize) { c, n, p in Probability.binomialCDF(c, n: n, p: p) }
        guard let population else { return binomial.map { Self.plan($0, .binomial, nil) } }
        if let binomial, binomial.n * 10 <= population { return Self.plan(binomial, .binomial, nil) }
        let good = Int((terms.aql * Double(population) + 1e-9).rounded(.down))
        let bad = Int((terms.rql * Double(population) - 1e-9).rounded(.up))
        let found = Self.search(terms, limit: population) { c, n, p in
            Probability.hypergeometricCDF(c, n: n, defects: p == terms.aql ? good : bad, population: population)
        }
        return found.map { Self.plan($0, .hypergeometric, population) }
    }

    private static func plan(_ found: (n: Int, c: Int, alpha: Double, beta: Double), _ model: Model, _ population: Int?) -> AcceptancePlan {
        AcceptancePlan(n: found.n, c: found.c, model: model, population: population, producerRisk: found.alpha, consumerRisk: found.beta)
    }

    private static func search(
        _ terms: AcceptanceTerms, limit: Int, cdf: (Int, Int, Double) -> Double
    ) -> (n: Int, c: Int, alpha: Double, beta: Double)? {
        var c = 0
        for n in 1...max(1, limit) {
            // The c for n is never below the c for n − 1: start there.
            while c < n, cdf(c, n, terms.aql) < 1 - terms.producerRisk { c += 1 }
            let acceptGood = cdf(c, n, terms.aql)
            guard acceptGood >= 1 - terms.producerRisk else { continue }
            let acceptBad = cdf(c, n, terms.rql)
            if acceptBad <= terms.consumerRisk { return (n, c, 1 - acceptGood, acceptBad) }
        }
        return nil
    }

    /// The verdict on a closed period: accepted when `defects` ≤ c.
    package func accepts(defects: Int) -> Bool { defects <= self.c }
}
