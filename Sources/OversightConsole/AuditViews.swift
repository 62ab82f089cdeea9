//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// What the audit routes return and take: evaluations, their dispute threads, a ticket's breach notes.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightModel
import OversightSLA
import OversightStore

/// A QA evaluation as the audits list shows it.
package struct AuditView: Sendable, Codable {
    /// The signed batch the evaluation last came in.
    package struct BatchRef: Sendable, Codable {
        package var agentId: String
        package var seq: Int64
    }
    package var provider: String
    package var site: String
    package var id: String
    package var interactionRef: String
    package var channel: String?
    package var queue: String?
    /// The evaluated agent, pseudonymised at the agent.
    package var agent: String?
    /// The evaluator, pseudonymised at the agent.
    package var evaluator: String
    package var scorecard: String
    package var scorecardVersion: String
    package var evaluatedAt: Date
    package var updatedAt: Date
    package var score: Double
    package var highImpactErrors: Int
    package var lowImpactErrors: Int
    /// Whether it has a high-impact error (counts in the high-impact error rate).
    package var flagged: Bool
    package var batch: BatchRef
    /// The latest dispute's state (`open`, `upheld`, `rejected`); absent when never disputed.
    package var dispute: DisputeState?
    /// The score head office recomputed from the item results on the named scorecard version; absent when it could not.
    package var recomputedScore: Double?
    /// Whether ``recomputedScore`` is more than 0.01 from the provider's ``score``.
    package var scoreDiffers: Bool
    /// `recomputed`, `unknown_scorecard`, `unknown_version`, `no_items` or `unscorable`.
    package var recomputation: String

    init(_ row: AuditRow, recomputation: ScoreRecomputation) {
        let record = row.evaluation.record
        self.provider = record.provider
        self.site = record.site
        self.id = record.id
        self.interactionRef = record.interactionRef
        self.channel = record.channel?.rawValue
        self.queue = record.queue
        self.agent = record.agent
        self.evaluator = record.evaluator
        self.scorecard = record.scorecard
        self.scorecardVersion = record.scorecardVersion
        self.evaluatedAt = record.evaluatedAt
        self.updatedAt = record.updatedAt
        self.score = record.score
        self.highImpactErrors = record.highImpactErrors
        self.lowImpactErrors = record.lowImpactErrors
        self.flagged = record.highImpactErrors > 0
        self.batch = BatchRef(agentId: row.evaluation.agentId, seq: row.evaluation.batchSeq)
        self.dispute = row.dispute
        self.recomputedScore = recomputation.score
        self.scoreDiffers = recomputation.differs
        self.recomputation = recomputation.status
    }
}

/// A page of the audits list; pass `nextOffset` as `offset` for the next.
package struct AuditPage: Sendable, Codable {
    package var audits: [AuditView]
    package var nextOffset: Int?
    /// Per provider in the filter (all pages): evaluations, those recomputed at head office, and those that differ.
    package var providers: [AuditProviderCount]
}

/// One evaluation with its items, comments, signed batch and dispute thread.
package struct AuditDetail: Sendable, Codable {
    package var audit: AuditView
    package var items: [EvaluationItem]
    package var comments: String?
    /// Head office's recomputation of the score from ``items``.
    package var recomputation: RecomputationDetail
    package var batch: TicketView.BatchRef
    /// The batch's signature and the evaluation's presence in it, checked on this view.
    package var signature: SignatureCheck
    /// Oldest first; at most one is open.
    package var disputes: [StoredDispute]
}

/// A ticket's breaches and the notes on them.
package struct BreachNotesView: Sendable, Codable {
    /// One breach of the ticket.
    package struct Breach: Sendable, Codable {
        package var clock: String
        package var at: Date
        package var detectedAt: Date
        package var lateData: Bool
    }
    package var provider: String
    package var ticketId: String
    package var breaches: [Breach]
    /// Oldest first; never edited or deleted.
    package var notes: [StoredBreachNote]
}

/// `POST /api/v1/audits/{provider}/{id}/disputes`.
struct DisputeRequest: Decodable {
    var reason: String
}

/// `POST /api/v1/audits/{provider}/{id}/disputes/decision`.
struct DisputeDecisionRequest: Decodable {
    var decision: String
    var note: String
}

/// `POST /api/v1/tickets/{provider}/{id}/notes`.
struct BreachNoteRequest: Decodable {
    var text: String
    var clock: String?
}
