//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Scores recomputed from item results, against hand-computed cases: weights, N/A, zeroing, problems, the 0.01 flag.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightModel
import OversightSLA
import Testing

@Suite struct ScorecardScoreTests {
    /// greeting 1 (low, style), verification 2 (high, N/A allowed), accuracy 3 (high), tone 2 (low, style, N/A allowed).
    static func version(zeroes: Bool) -> ScorecardVersion {
        ScorecardVersion(
            version: "7", effectiveFrom: CivilDate(year: 2026, month: 1, day: 1), highImpactZeroes: zeroes,
            sections: [
                ScorecardSection(id: "a", items: [
                    ScorecardItem(id: "greeting", text: "g", weight: 1, impact: .low, communicationStyle: true),
                    ScorecardItem(id: "verification", text: "v", weight: 2, impact: .high, naAllowed: true),
                ]),
                ScorecardSection(id: "b", items: [
                    ScorecardItem(id: "accuracy", text: "a", weight: 3, impact: .high),
                    ScorecardItem(id: "tone", text: "t", weight: 2, impact: .low, naAllowed: true, communicationStyle: true),
                ]),
            ]
        )
    }

    static func results(_ spec: [(String, Bool)]) -> [EvaluationItem] {
        spec.map { EvaluationItem(item: $0.0, passed: $0.1, impact: ["verification", "accuracy"].contains($0.0) ? .high : .low) }
    }

    static func score(_ spec: [(String, Bool)], zeroes: Bool = true) throws -> ScorecardScore {
        try Self.version(zeroes: zeroes).score(Self.results(spec)).get()
    }

    @Test func allPassedIs100() throws {
        let score = try Self.score([("greeting", true), ("verification", true), ("accuracy", true), ("tone", true)])
        #expect(score.score == 100 && score.earned == 8 && score.possible == 8 && !score.zeroed && score.communicationStyleScore == 100)
    }

    @Test func weightsCount() throws {
        // tone (2) failed: 6 of 8 = 75; style items 1 of 3 = 33.33….
        let score = try Self.score([("greeting", true), ("verification", true), ("accuracy", true), ("tone", false)])
        #expect(score.score == 75 && score.failedLowImpact == ["tone"] && score.failedHighImpact.isEmpty)
        #expect(abs(try #require(score.communicationStyleScore) - 100.0 / 3) < 1e-12)
    }

    @Test func notApplicableLeavesTheDenominator() throws {
        // verification N/A: greeting 1 + accuracy 3 + tone 2 = 6 possible; tone failed: 4 of 6 = 66.67.
        let score = try Self.score([("greeting", true), ("accuracy", true), ("tone", false)])
        #expect(score.possible == 6 && score.earned == 4 && score.notApplicable == ["verification"])
        #expect(abs(score.score - 200.0 / 3) < 1e-12)
        // Both N/A-allowed items N/A: 4 possible, greeting failed: 3 of 4.
        #expect(try Self.score([("greeting", false), ("accuracy", true)]).score == 75)
    }

    @Test func failedHighImpactZeroesOnlyWhenConfigured() throws {
        let spec = [("greeting", true), ("verification", true), ("accuracy", false), ("tone", true)]
        let zeroed = try Self.score(spec, zeroes: true)
        #expect(zeroed.score == 0 && zeroed.zeroed && zeroed.weightedScore == 62.5 && zeroed.failedHighImpact == ["accuracy"])
        // Without zeroing, a failed high-impact item only loses its weight: 5 of 8.
        let weighted = try Self.score(spec, zeroes: false)
        #expect(weighted.score == 62.5 && !weighted.zeroed && weighted.failedHighImpact == ["accuracy"])
        // A failed low-impact item never zeroes.
        #expect(try Self.score([("greeting", false), ("verification", true), ("accuracy", true), ("tone", true)]).score == 87.5)
    }

    @Test func theScorecardsImpactCountsNotTheExports() throws {
        // The export calls accuracy low-impact; the scorecard says high, so the evaluation is zeroed anyway.
        let results = [
            EvaluationItem(item: "greeting", passed: true, impact: .low), EvaluationItem(item: "accuracy", passed: false, impact: .low),
        ]
        let score = try Self.version(zeroes: true).score(results).get()
        #expect(score.score == 0 && score.impactMismatches == ["accuracy"])
    }

    @Test(arguments: [
        ([("greeting", true), ("accuracy", true), ("upsell", true)], "item 'upsell' is not on scorecard version 7"),
        ([("greeting", true), ("accuracy", true), ("accuracy", false)], "item 'accuracy' has more than one result"),
        ([("greeting", true), ("verification", true)], "item 'accuracy' has no result and may not be N/A"),
    ])
    func resultsThatDoNotFit(spec: [(String, Bool)], message: String) {
        #expect(throws: ScorecardScoreProblem(message: message)) { try Self.version(zeroes: true).score(Self.results(spec)).get() }
    }

    @Test func everyItemNotApplicableCannotBeScored() {
        let version = ScorecardVersion(
            version: "1", effectiveFrom: CivilDate(year: 2026, month: 1, day: 1), highImpactZeroes: false,
            sections: [ScorecardSection(id: "s", items: [ScorecardItem(id: "x", text: "x", weight: 1, impact: .low, naAllowed: true)])]
        )
        #expect(throws: ScorecardScoreProblem(message: "every item is N/A")) { try version.score([]).get() }
    }

    static func evaluation(scorecard: String = "qa", version: String = "7", items: [EvaluationItem], score: Double) -> EvaluationRecord {
        EvaluationRecord(
            provider: "acme", site: "lisbon", id: "E1", interactionRef: "T1", evaluator: "p_1", scorecard: scorecard, scorecardVersion: version,
            evaluatedAt: Date(timeIntervalSince1970: 1_780_000_000), items: items, highImpactErrors: 0, lowImpactErrors: 0, score: score,
            updatedAt: Date(timeIntervalSince1970: 1_780_000_000)
        )
    }

    @Test func whetherTheNamedVersionWasInForce() throws {
        let scorecard = try Scorecard(yaml: ScorecardTests.valid, file: "qa.scorecard.yaml")
        let catalog = ScorecardCatalog([scorecard])
        func evaluation(_ version: String, _ at: String) -> EvaluationRecord {
            var record = Self.evaluation(scorecard: "qa-main", version: version, items: [EvaluationItem(item: "greeting", passed: true, impact: .low)], score: 100)
            record.evaluatedAt = ISO8601DateFormatter().date(from: at)!
            return record
        }
        // Version 1 is in force from 2026-01-01 until 2026-07-01, 2026.2 after; verification may be N/A in version 1.
        #expect(ScoreRecomputation(evaluation("1", "2026-03-01T10:00:00Z"), catalog: catalog).versionInForce == true)
        #expect(ScoreRecomputation(evaluation("1", "2026-07-01T00:00:00Z"), catalog: catalog).versionInForce == false)
        #expect(ScoreRecomputation(evaluation("2026.2", "2026-03-01T10:00:00Z"), catalog: catalog).versionInForce == false)
        #expect(ScoreRecomputation(evaluation("2026.2", "2026-08-01T10:00:00Z"), catalog: catalog).versionInForce == true)
        // Recomputed with the named version either way.
        #expect(ScoreRecomputation(evaluation("1", "2025-12-31T10:00:00Z"), catalog: catalog).score == 100)
        #expect(ScoreRecomputation(evaluation("9", "2026-03-01T10:00:00Z"), catalog: catalog).versionInForce == nil)
    }

    @Test func recomputationFlagsADifferenceBeyondOneHundredth() {
        let catalog = ScorecardCatalog([Scorecard(id: "qa", versions: [Self.version(zeroes: true)])])
        let items = Self.results([("greeting", true), ("accuracy", true), ("tone", false)])  // 66.666…
        for (total, differs) in [(66.67, false), (66.66, false), (66.68, true), (66.65, true), (70.0, true), (0, true)] {
            let recomputed = ScoreRecomputation(Self.evaluation(items: items, score: total), catalog: catalog)
            #expect(recomputed.status == "recomputed" && recomputed.differs == differs, "provider total \(total)")
            #expect(abs((recomputed.score ?? 0) - 200.0 / 3) < 1e-12)
        }
        let cases: [(EvaluationRecord, String)] = [
            (Self.evaluation(scorecard: "other", items: items, score: 50), "unknown_scorecard"),
            (Self.evaluation(version: "8", items: items, score: 50), "unknown_version"),
            (Self.evaluation(items: [], score: 50), "no_items"),
            (Self.evaluation(items: Self.results([("greeting", true)]), score: 50), "unscorable"),
        ]
        for (evaluation, status) in cases {
            let recomputed = ScoreRecomputation(evaluation, catalog: catalog)
            #expect(recomputed.status == status && recomputed.score == nil && !recomputed.differs && recomputed.reason != nil)
        }
    }
}

/// The worked example of docs/audits.md ("How the score is computed"), on the shipped support-v2 scorecard.
@Suite struct ScorecardWorkedExampleTests {
    static func version(_ name: String) throws -> ScorecardVersion {
        let file = TestSupport.repositoryRoot.appendingPathComponent("deploy/scorecards/support-v2.scorecard.yaml").path
        return try #require(try Scorecard.load(file: file).version(named: name))
    }

    static func results(failed: Set<String> = [], missing: Set<String> = [], of version: ScorecardVersion) -> [EvaluationItem] {
        version.items.filter { !missing.contains($0.id) }.map {
            EvaluationItem(item: $0.id, passed: !failed.contains($0.id), impact: $0.impact == .high ? .high : .low)
        }
    }

    @Test func theDocumentedRows() throws {
        let v2 = try Self.version("2")
        func score(_ results: [EvaluationItem]) throws -> Double { try v2.score(results).get().score }
        #expect(try score(Self.results(of: v2)) == 100)
        #expect(try String(format: "%.2f", score(Self.results(failed: ["tone"], of: v2))) == "77.78")
        let na = try v2.score(Self.results(failed: ["tone"], missing: ["verification"], of: v2)).get()
        #expect(na.possible == 7 && na.earned == 5 && String(format: "%.2f", na.score) == "71.43")
        let zeroed = try v2.score(Self.results(failed: ["accuracy"], of: v2)).get()
        #expect(zeroed.score == 0 && String(format: "%.2f", zeroed.weightedScore) == "66.67")
        #expect(throws: ScorecardScoreProblem(message: "item 'resolution-notes' has no result and may not be N/A")) {
            try v2.score(Self.results(missing: ["resolution-notes"], of: v2)).get()
        }
        let v1 = try Self.version("1")
        #expect(try v1.score(Self.results(failed: ["accuracy"], of: v1)).get().score == 62.5)
    }
}
