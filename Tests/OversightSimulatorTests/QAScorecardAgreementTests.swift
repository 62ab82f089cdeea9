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
        let catalog = ScorecardCatalog([try Scorecard.load(file: Self.scorecardFile)])
        var profile = QAErrorProfile()
        profile.highImpactErrorRate = 0.2
        profile.lowImpactErrorRate = 0.3
        var random = SimulationRandom(seed: 11, stream: "qa-agreement")
        var zeroed = 0
        for index in 0..<3_000 {
            let drawn = QAEvaluation.draw(ticket: "T\(index)", at: Date(timeIntervalSince1970: 1_790_000_000), profile: profile, random: &random)
            let record = EvaluationRecord(
                provider: "acme", site: "lisbon", id: "E\(index)", interactionRef: drawn.interactionRef, evaluator: drawn.evaluator,
                scorecard: drawn.scorecard, scorecardVersion: String(drawn.scorecardVersion), evaluatedAt: drawn.evaluatedAt,
                items: drawn.items.map { EvaluationItem(item: $0.item, passed: $0.passed, impact: $0.impact == "high" ? .high : .low) },
                highImpactErrors: drawn.highImpactErrors, lowImpactErrors: drawn.lowImpactErrors, score: drawn.score,
                updatedAt: drawn.evaluatedAt
            )
            let recomputed = ScoreRecomputation(record, catalog: catalog)
            #expect(recomputed.status == "recomputed" && !recomputed.differs, "\(drawn.items) \(drawn.score) vs \(recomputed.score ?? -1)")
            if recomputed.score == 0 { zeroed += 1 }
        }
        #expect(zeroed > 500)
    }
}
