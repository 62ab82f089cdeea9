//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Head-office evaluations: an auditor's scoring of a sampled interaction the provider's agent returned (docs/audits.md,
// "Head-office scoring"). Append-only on both backends; a re-score is a new evaluation, the newest counts.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightModel

/// What a dispute is about: a provider's QA evaluation or a head-office evaluation. Both share the dispute table
/// and flow (one open dispute per evaluation, decided once); the subject keeps their ids apart.
package enum DisputeSubject: String, Sendable, Hashable, Codable, CaseIterable {
    /// A provider's QA evaluation (the `evaluation` record, table `qa_evaluation`).
    case evaluation
    /// A head-office evaluation (`hoe_…`, table `head_office_evaluation`).
    case headOfficeEvaluation = "head_office_evaluation"

    /// The table the disputed evaluation must exist in.
    package var table: String {
        switch self {
        case .evaluation: "qa_evaluation"
        case .headOfficeEvaluation: "head_office_evaluation"
        }
    }
}

/// A head-office auditor's scoring of one returned interaction on one scorecard version.
package struct HeadOfficeEvaluation: Sendable, Hashable, Codable {
    /// `hoe_` and 32 hex digits.
    package var id: String
    package var provider: String
    /// The site whose interaction it is.
    package var site: String
    /// The sample request that brought the interaction.
    package var requestId: String
    /// The sampled ticket (the interaction's ticket id).
    package var ticketId: String
    /// The sample request's period (`2026-W49`, `2026-11`): the period calibration and leniency are reported for.
    package var period: String
    package var scorecard: String
    package var scorecardVersion: String
    /// One result per scored item (the scorecard's impact); an item without a result is N/A.
    package var items: [EvaluationItem]
    /// The total as the scorecard computes it (ScorecardVersion.score: weights, N/A, high-impact zeroing), 0–100.
    package var score: Double
    /// Whether a failed high-impact item zeroed it.
    package var zeroed: Bool
    package var highImpactErrors: Int
    package var lowImpactErrors: Int
    /// The console user who scored it, and their role then.
    package var evaluator: String
    package var evaluatorRole: String
    package var evaluatedAt: Date
    /// The auditor's remark, if any.
    package var comments: String?

    /// Creates an evaluation.
    package init(
        id: String, provider: String, site: String, requestId: String, ticketId: String, period: String, scorecard: String,
        scorecardVersion: String, items: [EvaluationItem], score: Double, zeroed: Bool, highImpactErrors: Int, lowImpactErrors: Int,
        evaluator: String, evaluatorRole: String, evaluatedAt: Date, comments: String? = nil
    ) {
        self.id = id
        self.provider = provider
        self.site = site
        self.requestId = requestId
        self.ticketId = ticketId
        self.period = period
        self.scorecard = scorecard
        self.scorecardVersion = scorecardVersion
        self.items = items
        self.score = score
        self.zeroed = zeroed
        self.highImpactErrors = highImpactErrors
        self.lowImpactErrors = lowImpactErrors
        self.evaluator = evaluator
        self.evaluatorRole = evaluatorRole
        self.evaluatedAt = evaluatedAt
        self.comments = comments
    }

    /// A new random id (`hoe_` and 32 hex digits).
    package static func newId() -> String {
        var generator = SystemRandomNumberGenerator()
        return "hoe_" + (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }
}

/// What head-office scoring and calibration need from the store.
package protocol HeadOfficeEvaluationStore: Sendable {
    /// Stores a head-office evaluation. The interaction (provider, request, ticket) must exist and have been returned.
    /// - Throws: ``AnnotationError``: `notFound` (no such interaction), `conflict` (it was reported missing, or the id is taken).
    func addHeadOfficeEvaluation(_ evaluation: HeadOfficeEvaluation) async throws
    /// One head-office evaluation of `provider`, or `nil`.
    func headOfficeEvaluation(provider: String, id: String) async throws -> HeadOfficeEvaluation?
    /// Head-office evaluations of `provider`, of one period and/or ticket when given, newest first, at most `limit`.
    func headOfficeEvaluations(provider: String, period: String?, ticketId: String?, limit: Int) async throws -> [HeadOfficeEvaluation]
    /// The provider's own QA evaluations of `provider` whose interaction is one of `interactionRefs` (at most 10,000 refs).
    func providerEvaluations(provider: String, interactionRefs: [String]) async throws -> [StoredEvaluation]
    /// The disputes of one provider or head-office evaluation, oldest first.
    func disputes(provider: String, evaluationId: String, subject: DisputeSubject) async throws -> [StoredDispute]
    /// Opens a dispute of a provider or head-office evaluation (as ``AnnotationStore/openDispute(provider:evaluationId:by:reason:at:)``).
    func openDispute(provider: String, evaluationId: String, subject: DisputeSubject, by user: String, reason: String, at: Date) async throws
        -> StoredDispute
    /// Decides the open dispute of a provider or head-office evaluation.
    func decideDispute(
        provider: String, evaluationId: String, subject: DisputeSubject, decision: DisputeState, by user: String, note: String, at: Date
    ) async throws -> StoredDispute
}
