//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The simulator's QA totals agree with head office's recomputation on the shipped scorecard the demo loads.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightModel
import OversightSLA
import OversightSimulator
import Testing

@Suite struct QAScorecardAgreementTests {
    static let scorecardFile = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("deploy/scorecards/support-v2.scorecard.yaml").path

    /// Thousands of drawn evaluations, with error rates high enough to fail every item often: the demo's providers never
    /// show as DIFFERS on the audits page unless a test makes them.
    @Test func simulatedTotalsMatchTheRecomputation() throws {
        var profile = QAErrorProfile()
        profile.highImpactErrorRate = 0.2
        profile.lowImpactErrorRate = 0.3
        let recomputations = try Self.recompute(profile: profile, count: 3_000)
        for (drawn, recomputed) in recomputations {
            #expect(recomputed.status == "recomputed" && !recomputed.differs, "\(drawn.items) \(drawn.score) vs \(recomputed.score ?? -1)")
        }
        #expect(recomputations.filter { $0.1.score == 0 }.count > 500)
    }

    /// The demo's globex-care does not zero: exactly its evaluations with a high-impact error differ (unless every item
    /// failed, when its weighted total is 0 too).
    @Test func globexCaresTotalsDifferWhereAHighImpactErrorShouldZeroThem() throws {
        var profile = ProviderProfile.globexCare.quality
        profile.highImpactErrorRate = 0.2
        let recomputations = try Self.recompute(profile: profile, count: 1_000)
        for (drawn, recomputed) in recomputations {
            #expect(recomputed.differs == (drawn.highImpactErrors > 0 && drawn.score > 0), "\(drawn.items) \(drawn.score) vs \(recomputed.score ?? -1)")
        }
        #expect(recomputations.filter { $0.1.differs }.count > 100)
    }

    static func recompute(profile: QAErrorProfile, count: Int) throws -> [(QAEvaluation, ScoreRecomputation)] {
        let catalog = ScorecardCatalog([try Scorecard.load(file: Self.scorecardFile)])
        var random = SimulationRandom(seed: 11, stream: "qa-agreement")
        var result: [(QAEvaluation, ScoreRecomputation)] = []
        for index in 0..<count {
            let drawn = QAEvaluation.draw(ticket: "T\(index)", at: Date(timeIntervalSince1970: 1_790_000_000), profile: profile, random: &random)
            let record = EvaluationRecord(
                provider: "acme", site: "lisbon", id: "E\(index)", interactionRef: drawn.interactionRef, evaluator: drawn.evaluator,
                scorecard: drawn.scorecard, scorecardVersion: String(drawn.scorecardVersion), evaluatedAt: drawn.evaluatedAt,
                items: drawn.items.map { EvaluationItem(item: $0.item, passed: $0.passed, impact: $0.impact == "high" ? .high : .low) },
                highImpactErrors: drawn.highImpactErrors, lowImpactErrors: drawn.lowImpactErrors, score: drawn.score,
                updatedAt: drawn.evaluatedAt
            )
            result.append((drawn, ScoreRecomputation(record, catalog: catalog)))
        }
        return result
    }
}
