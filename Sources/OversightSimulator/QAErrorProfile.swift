//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// How a site's QA evaluations come out: sample share, scorecard, error rates.
//
//===----------------------------------------------------------------------===//

import Foundation

/// A site's quality assurance: which solved tickets are evaluated, on which scorecard, and how often each kind
/// of item fails.
package struct QAErrorProfile: Sendable, Hashable {
    /// One scorecard item.
    package struct Item: Sendable, Hashable {
        /// Item id on the scorecard.
        package var id: String
        /// Weight in the score.
        package var weight: Double
        /// Whether failing it is a high-impact error (compliance, wrong information) rather than a low-impact one.
        package var highImpact: Bool

        /// Creates an item.
        /// - Parameters:
        ///   - id: item id.
        ///   - weight: weight in the score.
        ///   - highImpact: whether a failure is high-impact.
        package init(_ id: String, weight: Double, highImpact: Bool) {
            self.id = id
            self.weight = weight
            self.highImpact = highImpact
        }
    }

    /// Share of solved tickets that get an evaluation.
    package var sampleShare: Double = 0.15
    /// The scorecard's id.
    package var scorecard: String = "support-v2"
    /// The scorecard's version.
    package var scorecardVersion: Int = 2
    /// The scorecard's items.
    package var items: [Item] = [
        Item("greeting", weight: 1, highImpact: false),
        Item("verification", weight: 2, highImpact: true),
        Item("accuracy", weight: 3, highImpact: true),
        Item("tone", weight: 2, highImpact: false),
        Item("resolution-notes", weight: 1, highImpact: false),
    ]
    /// Probability that one high-impact item fails.
    package var highImpactErrorRate: Double = 0.01
    /// Probability that one low-impact item fails.
    package var lowImpactErrorRate: Double = 0.06
    /// Whether an evaluation with a high-impact error scores 0 (PRODUCT.md §5).
    package var zeroOnHighImpact: Bool = true
    /// Evaluators' ids, drawn uniformly.
    package var evaluators: [String] = ["qa-1", "qa-2"]
    /// Time from the solve to the evaluation.
    package var delay: LogNormal = LogNormal(median: 30, sigma: 0.5)

    /// Creates a profile with the defaults above.
    package init() {}
}
