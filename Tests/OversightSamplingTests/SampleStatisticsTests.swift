//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Sample sizes, allocation, acceptance plans and Wilson intervals against values computed another way.
//
//===----------------------------------------------------------------------===//

import Foundation
import Testing

@testable import OversightSampling

@Suite struct SampleStatisticsTests {
    @Test func theNormalQuantileIsTheTabledOne() {
        #expect(abs(Probability.twoSidedZ(confidence: 0.95) - 1.959964) < 1e-6)
        #expect(abs(Probability.twoSidedZ(confidence: 0.99) - 2.575829) < 1e-6)
        #expect(abs(Probability.twoSidedZ(confidence: 0.90) - 1.644854) < 1e-6)
    }

    @Test func cochranWithTheFinitePopulationCorrection() {
        // n0 = 1.96² · 0.25 / 0.05² = 384.15: 385 from a huge period, 278 from 1,000 tickets (384.15 / 1.38315 = 277.7).
        #expect(SampleSize.cochran(population: 100_000_000, precision: 0.05, confidence: 0.95, expectedRate: 0.5) == 385)
        #expect(SampleSize.cochran(population: 1_000, precision: 0.05, confidence: 0.95, expectedRate: 0.5) == 278)
        // 10 % expected, ±3 %, 5,000 tickets: the formula written out.
        let z = 1.959963984540054
        let n0 = z * z * 0.1 * 0.9 / (0.03 * 0.03)
        #expect(SampleSize.cochran(population: 5_000, precision: 0.03, confidence: 0.95, expectedRate: 0.1) == Int((n0 / (1 + (n0 - 1) / 5_000)).rounded(.up)))
        #expect(SampleSize.cochran(population: 40, precision: 0.05, confidence: 0.95, expectedRate: 0.5) <= 40)
    }

    @Test func zeroErrorSizes() {
        // The binomial limit: ln 0.05 / ln 0.95 = 58.4 → 59; ln 0.05 / ln 0.99 = 298.1 → 299.
        #expect(SampleSize.zeroErrorLimit(maxRate: 0.05, confidence: 0.95) == 59)
        #expect(SampleSize.zeroErrorLimit(maxRate: 0.01, confidence: 0.95) == 299)
        #expect(SampleSize.zeroError(population: 1_000_000, maxRate: 0.05, confidence: 0.95) == 59)
        // A period of 100 with 5 errors: the smallest n with C(95, n) / C(100, n) ≤ 0.05, by the product formula.
        func noErrorChance(_ n: Int) -> Double {
            var chance = 1.0
            for drawn in 0..<n {
                let good = Double(95 - drawn)
                chance *= good / Double(100 - drawn)
            }
            return chance
        }
        let expected = (1...100).first { noErrorChance($0) <= 0.05 }!
        #expect(SampleSize.zeroError(population: 100, maxRate: 0.05, confidence: 0.95) == expected)
        #expect(expected < 59)
    }

    @Test func allocationSumsToTheSizeAndRespectsTheStrata() {
        #expect(Allocation.shares(total: 10, sizes: [50, 30, 20], weights: [1, 1, 1]) == [5, 3, 2])
        #expect(Allocation.shares(total: 2, sizes: [1, 1, 1], weights: [1, 1, 1]) == [1, 1, 0])
        #expect(Allocation.shares(total: 50, sizes: [1, 99], weights: [1, 1]) == [1, 49])
        // Neyman: stratum 0's share (20 · 30/40 = 15) is more than its 3 tickets: it is filled, the rest go to stratum 1.
        #expect(Allocation.shares(total: 20, sizes: [3, 100], weights: [10, 0.1]) == [3, 17])
        #expect(Allocation.shares(total: 500, sizes: [3, 4], weights: [1, 1]) == [3, 4])
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let sizes = (0..<Int.random(in: 1...6, using: &generator)).map { _ in Int.random(in: 0...40, using: &generator) }
            let weights = sizes.map { _ in Double.random(in: 0...1, using: &generator) }
            let total = Int.random(in: 0...120, using: &generator)
            let shares = Allocation.shares(total: total, sizes: sizes, weights: weights)
            #expect(shares.reduce(0, +) == min(total, sizes.reduce(0, +)), "\(sizes) \(weights) \(total)")
            #expect(zip(shares, sizes).allSatisfy { $0 >= 0 && $0 <= $1 }, "\(sizes) \(weights) \(total)")
        }
    }

    /// P(X ≤ c) by the pmf recurrence P(k+1) = P(k) · (n−k)/(k+1) · p/(1−p): another way than the library's log-space sum.
    static func binomialByRecurrence(_ c: Int, n: Int, p: Double) -> Double {
        var term = pow(1 - p, Double(n))
        var total = term
        if c == 0 { return total }
        for k in 0..<min(c, n) {
            term *= Double(n - k) / Double(k + 1) * p / (1 - p)
            total += term
        }
        return total
    }

    @Test func theAcceptancePlanMeetsBothRisksAndNoSmallerPlanDoes() throws {
        let terms = AcceptanceTerms(aql: 0.025, producerRisk: 0.05, rql: 0.10, consumerRisk: 0.10)
        let plan = try #require(AcceptancePlan.compute(terms))
        #expect(plan.model == .binomial)
        let acceptGood = Self.binomialByRecurrence(plan.c, n: plan.n, p: terms.aql)
        let acceptBad = Self.binomialByRecurrence(plan.c, n: plan.n, p: terms.rql)
        #expect(acceptGood >= 1 - terms.producerRisk && acceptBad <= terms.consumerRisk, "n \(plan.n) c \(plan.c)")
        #expect(abs((1 - acceptGood) - plan.producerRisk) < 1e-9 && abs(acceptBad - plan.consumerRisk) < 1e-9)
        for n in 1..<plan.n {
            let meets = (0...n).contains { c in
                Self.binomialByRecurrence(c, n: n, p: terms.aql) >= 1 - terms.producerRisk && Self.binomialByRecurrence(c, n: n, p: terms.rql) <= terms.consumerRisk
            }
            #expect(!meets, "n = \(n) already meets both risks")
        }
        // A small period: hypergeometric, never more than the period.
        let small = try #require(AcceptancePlan.compute(terms, population: 200))
        #expect(small.model == .hypergeometric && small.n <= 200 && small.population == 200)
        #expect(Probability.hypergeometricCDF(small.c, n: small.n, defects: 5, population: 200) >= 0.95)
        #expect(Probability.hypergeometricCDF(small.c, n: small.n, defects: 20, population: 200) <= 0.10)
        // A large period keeps the binomial plan.
        #expect(AcceptancePlan.compute(terms, population: 100_000) == plan)
        #expect(AcceptancePlan.compute(AcceptanceTerms(aql: 0.1, producerRisk: 0.05, rql: 0.05, consumerRisk: 0.1)) == nil)
    }

    @Test func wilsonIntervalsOfTextbookCases() throws {
        let none = try #require(WilsonInterval(successes: 0, n: 10))
        #expect(none.lower == 0 && abs(none.upper - 0.2775) < 1e-4)
        let half = try #require(WilsonInterval(successes: 5, n: 10))
        #expect(abs(half.lower - 0.2366) < 1e-4 && abs(half.upper - 0.7634) < 1e-4)
        #expect(WilsonInterval(successes: 1, n: 0) == nil)
    }
}
