//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// One QA evaluation of a solved ticket, as a QA tool exports it.
//
//===----------------------------------------------------------------------===//

import Foundation

/// One QA evaluation (PRODUCT.md §4.3): the interaction, evaluator, scorecard, item results, errors and score.
package struct QAEvaluation: Sendable, Hashable, Encodable {
    /// One item's outcome.
    package struct ItemResult: Sendable, Hashable, Encodable {
        /// Item id.
        package var item: String
        /// Whether the agent passed it.
        package var passed: Bool
        /// `high` or `low`.
        package var impact: String
    }

    /// The evaluated ticket's id.
    package var interactionRef: String
    /// Who evaluated.
    package var evaluator: String
    /// Scorecard id.
    package var scorecard: String
    /// Scorecard version.
    package var scorecardVersion: Int
    /// When the evaluation was completed.
    package var evaluatedAt: Date
    /// Per-item outcomes.
    package var items: [ItemResult]
    /// Failed high-impact items.
    package var highImpactErrors: Int
    /// Failed low-impact items.
    package var lowImpactErrors: Int
    /// Weighted score 0–100 (0 with a high-impact error when the scorecard says so).
    package var score: Double
    /// Evaluator's comment.
    package var comments: String

    /// Draws an evaluation by the profile's error rates.
    /// - Parameters:
    ///   - ticket: the ticket id.
    ///   - at: when it is completed.
    ///   - profile: the QA profile.
    ///   - random: the stream to draw from.
    package static func draw(ticket: String, at: Date, profile: QAErrorProfile, random: inout SimulationRandom) -> QAEvaluation {
        var results: [ItemResult] = []
        var passedWeight = 0.0
        for item in profile.items {
            let passed = !random.bernoulli(item.highImpact ? profile.highImpactErrorRate : profile.lowImpactErrorRate)
            if passed { passedWeight += item.weight }
            results.append(ItemResult(item: item.id, passed: passed, impact: item.highImpact ? "high" : "low"))
        }
        let high = results.filter { !$0.passed && $0.impact == "high" }.count
        let low = results.filter { !$0.passed && $0.impact == "low" }.count
        let total = profile.items.reduce(0) { $0 + $1.weight }
        // Rounded to two decimals, within the 0.01 that head office tolerates when it recomputes the score.
        var score = total > 0 ? (100 * passedWeight / total * 100).rounded() / 100 : 0
        if high > 0 && profile.zeroOnHighImpact { score = 0 }
        let comments =
            high > 0 ? "High-impact error: " + results.filter { !$0.passed && $0.impact == "high" }.map(\.item).joined(separator: ", ")
            : low > 0 ? "Coaching: " + results.filter { !$0.passed }.map(\.item).joined(separator: ", ") : "Good interaction."
        return QAEvaluation(
            interactionRef: ticket, evaluator: random.element(of: profile.evaluators), scorecard: profile.scorecard,
            scorecardVersion: profile.scorecardVersion, evaluatedAt: at, items: results, highImpactErrors: high, lowImpactErrors: low,
            score: score, comments: comments
        )
    }

    private enum CodingKeys: String, CodingKey {
        case interactionRef = "interaction_ref"
        case evaluator
        case scorecard = "scorecard_id"
        case scorecardVersion = "scorecard_version"
        case evaluatedAt = "evaluated_at"
        case items
        case highImpactErrors = "high_impact_errors"
        case lowImpactErrors = "low_impact_errors"
        case score, comments
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.interactionRef, forKey: .interactionRef)
        try container.encode(self.evaluator, forKey: .evaluator)
        try container.encode(self.scorecard, forKey: .scorecard)
        try container.encode(self.scorecardVersion, forKey: .scorecardVersion)
        try container.encode(TimestampText.iso8601(self.evaluatedAt, timeZone: TimestampText.utc), forKey: .evaluatedAt)
        try container.encode(self.items, forKey: .items)
        try container.encode(self.highImpactErrors, forKey: .highImpactErrors)
        try container.encode(self.lowImpactErrors, forKey: .lowImpactErrors)
        try container.encode(self.score, forKey: .score)
        try container.encode(self.comments, forKey: .comments)
    }

    /// The evaluation as one JSON line (keys sorted, so the output is byte-for-byte reproducible).
    package func jsonLine() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(self)) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
