//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Calibration of the provider's QA against head office on the same interactions: item-level agreement (percent,
// Cohen's kappa, Gwet's AC1) and a paired one-sided sign test of leniency (docs/audits.md, "Calibration").
//
//===----------------------------------------------------------------------===//

import Foundation

/// How one rater rated one scorecard item of one interaction.
package enum ItemRating: Int, Sendable, Hashable, CaseIterable {
    case pass = 0
    case fail = 1
    /// Not applicable: the item has no result.
    case notApplicable = 2
}

/// A q × q table of two raters' ratings of the same items: rows rater A (the provider's QA), columns rater B (head
/// office). Percent agreement, Cohen's kappa (1960) and Gwet's AC1 (2008) are computed from it.
package struct AgreementTable: Sendable, Hashable {
    /// `counts[a][b]`: items rater A put in category a and rater B in category b.
    package private(set) var counts: [[Int]]

    /// An empty table over `categories` categories (2: pass, fail; 3: pass, fail, N/A).
    package init(categories: Int) {
        precondition(categories >= 2)
        self.counts = Array(repeating: Array(repeating: 0, count: categories), count: categories)
    }

    /// A table with the given counts (square, at least 2 × 2).
    package init(counts: [[Int]]) {
        precondition(counts.count >= 2 && counts.allSatisfy { $0.count == counts.count })
        self.counts = counts
    }

    /// The number of categories q.
    package var categories: Int { self.counts.count }
    /// The number of rated items n.
    package var n: Int { self.counts.reduce(0) { $0 + $1.reduce(0, +) } }

    /// Adds one item rated `a` by rater A and `b` by rater B.
    package mutating func add(_ a: Int, _ b: Int) { self.counts[a][b] += 1 }

    /// Adds the tables' counts (both of the same size).
    package mutating func merge(_ other: AgreementTable) {
        for a in 0..<self.categories { for b in 0..<self.categories { self.counts[a][b] += other.counts[a][b] } }
    }

    /// p_a = Σ_k n_kk / n; `nil` when the table is empty.
    package var percentAgreement: Double? {
        let n = self.n
        guard n > 0 else { return nil }
        return Double((0..<self.categories).reduce(0) { $0 + self.counts[$1][$1] }) / Double(n)
    }

    /// The raters' marginal shares: (rater A's p_k+, rater B's p_+k).
    private var marginals: (a: [Double], b: [Double]) {
        let n = Double(self.n)
        let a = self.counts.map { Double($0.reduce(0, +)) / n }
        let b = (0..<self.categories).map { k in Double(self.counts.reduce(0) { $0 + $1[k] }) / n }
        return (a, b)
    }

    /// Cohen's kappa: (p_a − p_e) / (1 − p_e) with p_e = Σ_k p_k+ · p_+k. `nil` when the table is empty or p_e is 1
    /// (both raters always used one and the same category: kappa is undefined).
    package var cohenKappa: Double? {
        guard let pa = self.percentAgreement else { return nil }
        let (a, b) = self.marginals
        let pe = zip(a, b).reduce(0) { $0 + $1.0 * $1.1 }
        guard 1 - pe > 1e-12 else { return nil }
        return (pa - pe) / (1 - pe)
    }

    /// Gwet's AC1: (p_a − p_e) / (1 − p_e) with p_e = Σ_k π_k (1 − π_k) / (q − 1), π_k = (p_k+ + p_+k) / 2. `nil` when the
    /// table is empty. Unlike kappa it stays meaningful when nearly every item passes.
    package var gwetAC1: Double? {
        guard let pa = self.percentAgreement else { return nil }
        let (a, b) = self.marginals
        let pe = zip(a, b).reduce(0) { total, pair in
            let pi = (pair.0 + pair.1) / 2
            return total + pi * (1 - pi)
        } / Double(self.categories - 1)
        guard 1 - pe > 1e-12 else { return nil }
        return (pa - pe) / (1 - pe)
    }
}

/// The exact one-sided sign test of paired differences: is the provider's total systematically above head office's?
///
/// Each pair's difference d = provider total − head-office total; |d| ≤ ``tieTolerance`` is a tie and is dropped. With
/// m = positive + negative differences, p = P(X ≥ positive) for X ~ Binomial(m, ½) (exact sum), the probability of at
/// least so many positive differences if neither side were more lenient.
package struct SignTest: Sendable, Hashable, Codable {
    /// A difference this small (points of 0–100) is a tie.
    package static let tieTolerance = 0.01

    /// Pairs given (ties included).
    package var pairs: Int
    /// Pairs where the provider scored higher.
    package var positive: Int
    /// Pairs where head office scored higher.
    package var negative: Int
    /// Pairs scored alike (within the tolerance).
    package var ties: Int
    /// The one-sided p-value; 1 when no pair differs.
    package var pValue: Double
    /// The mean difference (provider − head office) over all pairs; `nil` without pairs.
    package var meanDifference: Double?
    /// The median difference over all pairs; `nil` without pairs.
    package var medianDifference: Double?

    /// Tests `differences` (provider total − head-office total, one per pair).
    package init(differences: [Double]) {
        self.pairs = differences.count
        self.positive = differences.filter { $0 > Self.tieTolerance }.count
        self.negative = differences.filter { $0 < -Self.tieTolerance }.count
        self.ties = self.pairs - self.positive - self.negative
        self.pValue = Self.upperTail(self.positive, of: self.positive + self.negative)
        if !differences.isEmpty {
            self.meanDifference = differences.reduce(0, +) / Double(differences.count)
            let sorted = differences.sorted()
            let middle = sorted.count / 2
            self.medianDifference = sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
        }
    }

    /// P(X ≥ k) for X ~ Binomial(m, ½), summed exactly (in log space); 1 when m is 0.
    package static func upperTail(_ k: Int, of m: Int) -> Double {
        guard m > 0, k > 0 else { return 1 }
        guard k <= m else { return 0 }
        var total = 0.0
        for i in k...m { total += exp(Probability.logChoose(m, i) - Double(m) * log(2.0)) }
        return min(1, total)
    }
}

/// When the provider's QA is called significantly more lenient than head office (the alert's rule).
package enum LeniencyRule {
    /// The fewest pairs (ties included) the verdict needs: with fewer, no alert whatever the p-value. (With 10 pairs and
    /// no tie, 9 or more positive differences give p = 0.0107, 8 give 0.0547.)
    package static let minimumPairs = 10
    /// The one-sided significance level.
    package static let significance = 0.05

    /// Whether `test` shows the provider significantly more lenient: at least ``minimumPairs`` pairs and p < 0.05.
    package static func isLenient(_ test: SignTest) -> Bool {
        test.pairs >= self.minimumPairs && test.pValue < self.significance
    }
}
