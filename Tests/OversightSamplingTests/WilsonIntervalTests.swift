//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The Wilson score interval against Newcombe's published worked examples, and its edge cases.
//
//===----------------------------------------------------------------------===//

import Foundation
import Testing

@testable import OversightSampling

@Suite struct WilsonIntervalTests {
    /// Newcombe, R. G. (1998), "Two-sided confidence intervals for the single proportion: comparison of seven methods",
    /// Statistics in Medicine 17, 857–872, table II, method 3 (Wilson's score interval without continuity correction):
    /// 81/263 → 0.2553–0.3662, 15/148 → 0.0624–0.1605, 0/20 → 0–0.1611, 1/29 → 0.0061–0.1718. Checked again by hand
    /// with z = 1.959964 (the values agree to the four decimals printed).
    @Test(arguments: [
        (81, 263, 0.2553, 0.3662), (15, 148, 0.0624, 0.1605), (0, 20, 0.0, 0.1611), (1, 29, 0.0061, 0.1718),
    ])
    func newcombesWorkedExamples(successes: Int, n: Int, lower: Double, upper: Double) throws {
        let interval = try #require(WilsonInterval(successes: successes, n: n))
        #expect(abs(interval.lower - lower) < 0.00005, "lower \(interval.lower) for \(successes)/\(n)")
        #expect(abs(interval.upper - upper) < 0.00005, "upper \(interval.upper) for \(successes)/\(n)")
        #expect(interval.successes == successes && interval.n == n)
        // The interval holds the observed share, and is not symmetric about it (it is pulled towards ½).
        let share = Double(successes) / Double(n)
        #expect(interval.lower <= share && share <= interval.upper)
    }

    @Test func edgeCases() throws {
        // 0 of n: the lower bound is exactly 0, the upper z²/(n + z²); n of n mirrors it.
        let none = try #require(WilsonInterval(successes: 0, n: 10))
        let z = 1.959963984540054
        #expect(none.lower == 0)
        #expect(abs(none.upper - z * z / (10 + z * z)) < 1e-9, "\(none.upper)")
        let all = try #require(WilsonInterval(successes: 10, n: 10))
        #expect(all.upper == 1)
        #expect(abs(all.lower - 10 / (10 + z * z)) < 1e-9, "\(all.lower)")
        #expect(abs((1 - all.lower) - none.upper) < 1e-12)
        // n = 0: no interval; counts outside 0…n are refused.
        #expect(WilsonInterval(successes: 0, n: 0) == nil)
        #expect(WilsonInterval(successes: 11, n: 10) == nil)
        #expect(WilsonInterval(successes: -1, n: 10) == nil)
        #expect(WilsonInterval(proportion: 0.5, n: 0) == nil)
        #expect(WilsonInterval(proportion: 1.2, n: 10) == nil)
        #expect(WilsonInterval(proportion: .nan, n: 10) == nil)
        // One of one: [0.2065, 1].
        let one = try #require(WilsonInterval(successes: 1, n: 1))
        #expect(abs(one.lower - 1 / (1 + z * z)) < 1e-9 && one.upper == 1)
        // A mean share is treated as the same count: 0.308 of 263 gives Newcombe's first interval too.
        let share = try #require(WilsonInterval(proportion: 81.0 / 263.0, n: 263))
        #expect(abs(share.lower - 0.2553) < 0.00005 && abs(share.upper - 0.3662) < 0.00005 && share.successes == 81)
    }

    @Test func aWiderConfidenceGivesAWiderInterval() throws {
        let ninetyFive = try #require(WilsonInterval(successes: 81, n: 263))
        let ninetyNine = try #require(WilsonInterval(successes: 81, n: 263, confidence: 0.99))
        #expect(ninetyNine.lower < ninetyFive.lower && ninetyNine.upper > ninetyFive.upper)
    }
}
