//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Calibration statistics against published worked examples, and the leniency sign test on constructed pairs.
//
//===----------------------------------------------------------------------===//

import Foundation
import Testing

@testable import OversightSampling

@Suite struct CalibrationTests {
    /// Gwet, *Handbook of Inter-Rater Reliability* (4th ed., 2014), the `cont3x3abstractors` table shipped with his R
    /// package irrCAC (vignette "Calculating Chance-corrected Agreement Coefficients"): two abstractors classify 100
    /// pregnancies as Ectopic / AIU / NIU, rows abstractor 1, columns abstractor 2:
    ///
    ///     13  0  0
    ///      0 20  7
    ///      0  4 56
    ///
    /// Published: percent agreement 0.89, Cohen's kappa 0.7964094, Gwet's AC1 0.8493305.
    @Test func gwetsHandbookThreeCategoryExample() throws {
        let table = AgreementTable(counts: [[13, 0, 0], [0, 20, 7], [0, 4, 56]])
        #expect(table.n == 100)
        #expect(abs(try #require(table.percentAgreement) - 0.89) < 1e-12)
        #expect(abs(try #require(table.cohenKappa) - 0.7964094) < 5e-8)
        #expect(abs(try #require(table.gwetAC1) - 0.8493305) < 5e-8)
    }

    /// The textbook 2 × 2 kappa example (Wikipedia, "Cohen's kappa", worked example; the same numbers as in many
    /// statistics courses): 50 grant proposals, both readers yes 20, A yes B no 5, A no B yes 10, both no 15. p_o = 0.7,
    /// p_e = 0.5 · 0.6 + 0.5 · 0.4 = 0.5, κ = 0.4. AC1 by Gwet's formula: π_yes = 0.55, p_e = 2 · 0.55 · 0.45 = 0.495,
    /// AC1 = 0.205 / 0.505 = 0.405941.
    @Test func theTextbookKappaExample() throws {
        let table = AgreementTable(counts: [[20, 5], [10, 15]])
        #expect(abs(try #require(table.percentAgreement) - 0.7) < 1e-12)
        #expect(abs(try #require(table.cohenKappa) - 0.4) < 1e-12)
        #expect(abs(try #require(table.gwetAC1) - 0.205 / 0.505) < 1e-12)
    }

    /// The kappa paradox Gwet (2008, Br. J. Math. Stat. Psychol. 61, 29–48) is about: nearly every item passes and the
    /// raters agree on 118 of 125, yet kappa is below 0, while AC1 stays high. By hand: p_a = 0.944, rater A passes
    /// 123/125, rater B 120/125; kappa p_e = 0.984 · 0.96 + 0.016 · 0.04 = 0.94528, κ = −0.00128 / 0.05472 = −0.023392;
    /// AC1 π = 0.972, p_e = 2 · 0.972 · 0.028 = 0.054432, AC1 = 0.889568 / 0.945568 = 0.940776.
    @Test func highAgreementKeepsAC1HighWhereKappaCollapses() throws {
        let table = AgreementTable(counts: [[118, 5], [2, 0]])
        #expect(abs(try #require(table.percentAgreement) - 0.944) < 1e-12)
        #expect(abs(try #require(table.cohenKappa) - -0.00128 / 0.05472) < 1e-9)
        #expect(abs(try #require(table.gwetAC1) - 0.889568 / 0.945568) < 1e-9)
    }

    @Test func emptyAndDegenerateTables() {
        let empty = AgreementTable(categories: 3)
        #expect(empty.percentAgreement == nil && empty.cohenKappa == nil && empty.gwetAC1 == nil)
        // Both raters pass everything: agreement 1, kappa undefined (p_e = 1), AC1 = 1 (p_e = 0).
        var allPass = AgreementTable(categories: 2)
        for _ in 0..<20 { allPass.add(0, 0) }
        #expect(allPass.percentAgreement == 1)
        #expect(allPass.cohenKappa == nil)
        #expect(allPass.gwetAC1 == 1)
        var merged = AgreementTable(categories: 2)
        merged.merge(allPass)
        merged.add(1, 0)
        #expect(merged.n == 21 && merged.counts[1][0] == 1)
    }

    @Test func theSignTestIsTheExactBinomialTail() {
        // 10 pairs, 9 where the provider scored higher: P(X ≥ 9 | Bin(10, ½)) = (10 + 1) / 1024.
        let nine = SignTest(differences: [5, 10, 2.5, 8, 11.1, 3, 7, 20, 1, -4])
        #expect(nine.pairs == 10 && nine.positive == 9 && nine.negative == 1 && nine.ties == 0)
        #expect(abs(nine.pValue - 11.0 / 1024) < 1e-12)
        #expect(LeniencyRule.isLenient(nine))
        // 8 of 10: (45 + 10 + 1) / 1024 = 0.0547, not significant.
        let eight = SignTest(differences: [5, 10, 2.5, 8, 11.1, 3, 7, 20, -1, -4])
        #expect(abs(eight.pValue - 56.0 / 1024) < 1e-12)
        #expect(!LeniencyRule.isLenient(eight))
        // Ties are dropped from the binomial but count as pairs: 6 positive, 6 ties → m = 6, p = 1/64.
        let tied = SignTest(differences: [3, 3, 3, 3, 3, 3, 0, 0.005, -0.01, 0, 0, 0])
        #expect(tied.ties == 6 && tied.positive == 6 && tied.pairs == 12)
        #expect(abs(tied.pValue - 1.0 / 64) < 1e-12)
        #expect(LeniencyRule.isLenient(tied))
        // Too few pairs: 7 of 7 positive is p = 1/128, yet no verdict below the minimum of 10 pairs.
        let few = SignTest(differences: [1, 2, 3, 4, 5, 6, 7])
        #expect(abs(few.pValue - 1.0 / 128) < 1e-12)
        #expect(!LeniencyRule.isLenient(few))
        // Head office more lenient: one-sided, so p is large.
        let strict = SignTest(differences: Array(repeating: -5, count: 12))
        #expect(strict.pValue == 1)
        #expect(!LeniencyRule.isLenient(strict))
        #expect(strict.meanDifference == -5 && strict.medianDifference == -5)
        let none = SignTest(differences: [])
        #expect(none.pValue == 1 && none.meanDifference == nil)
    }

    @Test func theUpperTailSumsToOne() {
        for m in 1...40 {
            #expect(abs(SignTest.upperTail(1, of: m) - (1 - pow(0.5, Double(m)))) < 1e-12)
            #expect(abs(SignTest.upperTail(m, of: m) - pow(0.5, Double(m))) < 1e-15)
        }
        #expect(SignTest.upperTail(0, of: 5) == 1)
        #expect(SignTest.upperTail(6, of: 5) == 0)
        // A large m against the normal approximation: 300 pairs, 180 positive (z = 3.41).
        let p = SignTest.upperTail(180, of: 300)
        #expect(p > 0.0002 && p < 0.0005)
    }
}
