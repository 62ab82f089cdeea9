//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Provider evaluations recomputed at head office on the audit pages: per evaluation, in detail, and counted per provider.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightModel
import OversightSLA
import OversightStore

/// How head office's recomputation of an evaluation's score came out, in detail (the evaluation page and `GET /audits/{provider}/{id}`).
package struct RecomputationDetail: Sendable, Codable {
    /// `recomputed`, `unknown_scorecard`, `unknown_version`, `no_items` or `unscorable`.
    package var status: String
    /// Why it was not recomputed; absent when it was.
    package var reason: String?
    /// The recomputed score, 0–100.
    package var score: Double?
    /// Whether it is more than 0.01 from the provider's own total.
    package var differs: Bool
    /// Weight of the passed items.
    package var earned: Double?
    /// Weight of the items with a result.
    package var possible: Double?
    /// Whether a failed high-impact item zeroed it.
    package var zeroed: Bool?
    /// Items without a result, left out of the denominator.
    package var notApplicable: [String]?
    /// Failed high-impact items by the scorecard.
    package var failedHighImpact: [String]?
    /// Items whose exported impact is not the scorecard's.
    package var impactMismatches: [String]?
    /// Score of the communication-style items alone.
    package var communicationStyleScore: Double?
    /// Whether the named version was in force when the evaluation was completed; absent when it is unknown.
    package var versionInForce: Bool?

    init(_ recomputation: ScoreRecomputation) {
        self.status = recomputation.status
        self.reason = recomputation.reason
        self.differs = recomputation.differs
        self.versionInForce = recomputation.versionInForce
        guard case .recomputed(let score, _) = recomputation.outcome else { return }
        self.score = score.score
        self.earned = score.earned
        self.possible = score.possible
        self.zeroed = score.zeroed
        self.notApplicable = score.notApplicable
        self.failedHighImpact = score.failedHighImpact
        self.impactMismatches = score.impactMismatches
        self.communicationStyleScore = score.communicationStyleScore
    }
}

/// One provider's evaluations in the audits filter and how many head office recomputed and found different.
package struct AuditProviderCount: Sendable, Codable, Hashable {
    package var provider: String
    /// Evaluations matching the filter (at most ``ConsoleHandlers/recomputationCountLimit`` of the newest).
    package var evaluations: Int
    /// Those that name a loaded scorecard version and whose items fit it.
    package var recomputed: Int
    /// Those whose recomputed score is more than 0.01 from the provider's total.
    package var differs: Int
}

extension ConsoleHandlers {
    /// The newest evaluations per filter that the per-provider counts look at.
    static let recomputationCountLimit = 20_000

    /// Head office's recomputation of `record` with the loaded scorecards.
    func recomputation(of record: EvaluationRecord) -> ScoreRecomputation {
        ScoreRecomputation(record, catalog: self.configuration.scorecards)
    }

    /// Per provider of `windows`: evaluations, recomputed ones and those that differ, read from stored item results.
    func recomputationCounts(windows: [AuditWindow], site: String?) async throws -> [AuditProviderCount] {
        var counts: [String: AuditProviderCount] = [:]
        for window in windows { counts[window.provider] = AuditProviderCount(provider: window.provider, evaluations: 0, recomputed: 0, differs: 0) }
        let rows = try await self.store.auditRows(windows: windows, site: site, limit: Self.recomputationCountLimit, offset: 0)
        for row in rows {
            let record = row.evaluation.record
            let recomputation = self.recomputation(of: record)
            var count = counts[record.provider] ?? AuditProviderCount(provider: record.provider, evaluations: 0, recomputed: 0, differs: 0)
            count.evaluations += 1
            if recomputation.score != nil { count.recomputed += 1 }
            if recomputation.differs { count.differs += 1 }
            counts[record.provider] = count
        }
        return counts.values.sorted { $0.provider < $1.provider }
    }
}
