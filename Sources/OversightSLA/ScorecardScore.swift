//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The score of an evaluation's item results on a scorecard version: weights, N/A, zeroing.
//
//===----------------------------------------------------------------------===//

import OversightModel

/// An evaluation's score as head office computes it from the item results (docs/audits.md "How the score is computed").
///
/// Every scorecard item with a result counts its weight in ``possible``; a passed one also in ``earned``. An item without
/// a result is N/A and leaves the denominator (only where `na_allowed`). The score is `100 × earned / possible`, or 0
/// when the version zeroes on a high-impact error and one failed. Impacts are the scorecard's, whatever the export said.
package struct ScorecardScore: Sendable, Hashable {
    /// The score, 0–100.
    package var score: Double
    /// `100 × earned / possible`, before zeroing.
    package var weightedScore: Double
    /// Weight of the passed items.
    package var earned: Double
    /// Weight of the items with a result (passed or failed).
    package var possible: Double
    /// Whether a failed high-impact item zeroed the score.
    package var zeroed: Bool
    /// Items without a result (N/A), in scorecard order.
    package var notApplicable: [String]
    /// Failed high-impact items, in scorecard order.
    package var failedHighImpact: [String]
    /// Failed low-impact items, in scorecard order.
    package var failedLowImpact: [String]
    /// Items whose result states another impact than the scorecard's (the scorecard's counts).
    package var impactMismatches: [String]
    /// The score of the communication-style items alone (`100 × earned / possible` over them); `nil` when none has a result.
    package var communicationStyleScore: Double?
}

/// Why item results cannot be scored on a scorecard version.
package struct ScorecardScoreProblem: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong, naming the item.
    package var message: String
    /// A problem described by `message`.
    /// - Parameter message: What is wrong, naming the item.
    package init(message: String) {
        self.message = message
    }

    /// The message.
    package var description: String { self.message }
}

extension ScorecardVersion {
    /// Scores item results on this version.
    /// - Parameter results: The evaluation's item results.
    /// - Returns: The score, or why it cannot be computed: a result for an item the version does not have, two results
    ///   for one item, no result for an item that may not be N/A, or every item N/A.
    package func score(_ results: [EvaluationItem]) -> Result<ScorecardScore, ScorecardScoreProblem> {
        let items = self.items
        var byId: [String: EvaluationItem] = [:]
        for result in results {
            guard items.contains(where: { $0.id == result.item }) else {
                return .failure(.init(message: "item '\(result.item)' is not on scorecard version \(self.version)"))
            }
            guard byId.updateValue(result, forKey: result.item) == nil else {
                return .failure(.init(message: "item '\(result.item)' has more than one result"))
            }
        }
        var score = ScorecardScore(
            score: 0, weightedScore: 0, earned: 0, possible: 0, zeroed: false, notApplicable: [], failedHighImpact: [], failedLowImpact: [],
            impactMismatches: [], communicationStyleScore: nil
        )
        var style = (earned: 0.0, possible: 0.0)
        for item in items {
            guard let result = byId[item.id] else {
                guard item.naAllowed else { return .failure(.init(message: "item '\(item.id)' has no result and may not be N/A")) }
                score.notApplicable.append(item.id)
                continue
            }
            if result.impact.rawValue != item.impact.rawValue { score.impactMismatches.append(item.id) }
            score.possible += item.weight
            if item.communicationStyle { style.possible += item.weight }
            if result.passed {
                score.earned += item.weight
                if item.communicationStyle { style.earned += item.weight }
            } else if item.impact == .high {
                score.failedHighImpact.append(item.id)
            } else {
                score.failedLowImpact.append(item.id)
            }
        }
        guard score.possible > 0 else { return .failure(.init(message: "every item is N/A")) }
        score.weightedScore = 100 * score.earned / score.possible
        score.zeroed = self.highImpactZeroes && !score.failedHighImpact.isEmpty
        score.score = score.zeroed ? 0 : score.weightedScore
        if style.possible > 0 { score.communicationStyleScore = 100 * style.earned / style.possible }
        return .success(score)
    }
}
