//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// A provider evaluation's score recomputed at head office, and whether it differs from the provider's own total.
//
//===----------------------------------------------------------------------===//

import OversightModel

/// A provider's QA evaluation recomputed at head office from its item results on the scorecard version it names.
package struct ScoreRecomputation: Sendable, Hashable {
    /// The outcome of recomputing one evaluation.
    package enum Outcome: Sendable, Hashable {
        /// Recomputed; `differs` when it is more than ``ScoreRecomputation/tolerance`` from the provider's total.
        case recomputed(ScorecardScore, differs: Bool)
        /// The evaluation names a scorecard head office has not loaded.
        case unknownScorecard
        /// The scorecard is loaded but has no such version.
        case unknownVersion
        /// The evaluation carries only counts and a score, no item results.
        case noItems
        /// The item results do not fit the scorecard version (an unknown item, a missing one that may not be N/A, …).
        case unscorable(ScorecardScoreProblem)
    }

    /// A recomputed score further than this from the provider's total (in points of 0–100) is flagged.
    package static let tolerance = 0.01

    /// The outcome.
    package var outcome: Outcome
    /// Whether the named version was the one in force when the evaluation was completed (its `effective_from` not
    /// after it, and no later version in force yet); `nil` when the scorecard or version is unknown. The score is
    /// recomputed with the named version either way.
    package var versionInForce: Bool?

    /// Recomputes `evaluation` with `catalog`.
    /// - Parameters:
    ///   - evaluation: A provider's evaluation.
    ///   - catalog: Head office's scorecards.
    package init(_ evaluation: EvaluationRecord, catalog: ScorecardCatalog) {
        guard let scorecard = catalog.scorecards[evaluation.scorecard] else {
            self.outcome = .unknownScorecard
            return
        }
        guard let version = scorecard.version(named: evaluation.scorecardVersion) else {
            self.outcome = .unknownVersion
            return
        }
        self.versionInForce = scorecard.version(at: evaluation.evaluatedAt)?.version == version.version
        guard !evaluation.items.isEmpty else {
            self.outcome = .noItems
            return
        }
        switch version.score(evaluation.items) {
        case .success(let score):
            // A hair of slack so that 0.01 apart in decimal is not flagged by binary rounding.
            self.outcome = .recomputed(score, differs: abs(score.score - evaluation.score) > Self.tolerance + 1e-9)
        case .failure(let problem):
            self.outcome = .unscorable(problem)
        }
    }

    /// The recomputed score, when there is one.
    package var score: Double? {
        if case .recomputed(let score, _) = self.outcome { return score.score }
        return nil
    }

    /// Whether the recomputed score differs from the provider's total.
    package var differs: Bool {
        if case .recomputed(_, let differs) = self.outcome { return differs }
        return false
    }

    /// `recomputed`, `unknown_scorecard`, `unknown_version`, `no_items` or `unscorable`.
    package var status: String {
        switch self.outcome {
        case .recomputed: "recomputed"
        case .unknownScorecard: "unknown_scorecard"
        case .unknownVersion: "unknown_version"
        case .noItems: "no_items"
        case .unscorable: "unscorable"
        }
    }

    /// Why it was not recomputed, in words; `nil` when it was.
    package var reason: String? {
        switch self.outcome {
        case .recomputed: nil
        case .unknownScorecard: "head office has no scorecard with this id"
        case .unknownVersion: "head office's scorecard has no such version"
        case .noItems: "the evaluation has no item results"
        case .unscorable(let problem): problem.message
        }
    }
}
