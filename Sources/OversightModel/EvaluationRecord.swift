//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// One QA evaluation (audit sample) of an interaction, as the agent normalised it from a QA tool's export.
//
//===----------------------------------------------------------------------===//

import Foundation

/// How much a failed scorecard item weighs in the audit (PRODUCT.md §4.3).
public enum EvaluationImpact: String, Codable, Sendable, CaseIterable {
    /// A critical item: failing it is a high-impact error (flagged; the scorecard may score the evaluation 0).
    case high
    /// A failure that is coached, not flagged.
    case low
    /// An item that is scored but counts as no error when failed.
    case none
}

/// One scorecard item's result in an evaluation.
public struct EvaluationItem: Codable, Sendable, Hashable {
    /// The item's id on the scorecard (`greeting`, `verification`, …).
    public var item: String
    /// Whether the interaction passed it.
    public var passed: Bool
    /// The item's impact when failed.
    public var impact: EvaluationImpact
    /// The item's weight on the scorecard, if the export says.
    public var weight: Double?

    /// Creates an item result.
    public init(item: String, passed: Bool, impact: EvaluationImpact, weight: Double? = nil) {
        self.item = item
        self.passed = passed
        self.impact = impact
        self.weight = weight
    }
}

/// One QA evaluation of an interaction (an audit sample, PRODUCT.md §4.3): who evaluated which interaction on which
/// scorecard, the item results, the high- and low-impact error counts and the weighted score (0–100) as the QA tool
/// computed it (already 0 when the scorecard zeroes an evaluation with a high-impact error).
///
/// It carries no transcript; ``comments`` is bounded (``Limits/maxCommentsLength``). Evaluations are upserted at the
/// coordinator by `(provider, id)` and ordered by ``updatedAt``, like tickets: a re-sent evaluation whose `updatedAt` is
/// not newer than the stored one changes nothing.
public struct EvaluationRecord: Sendable, Hashable {
    /// Provider whose interaction was evaluated (the agent's provider; the coordinator rejects any other).
    public var provider: String
    /// Site within the provider that handled the interaction.
    public var site: String
    /// Provider-scoped evaluation id (the QA tool's, or one the agent derived from scorecard, interaction and evaluator).
    public var id: String
    /// The evaluated interaction (usually a ticket id).
    public var interactionRef: String
    /// Contact channel of the interaction, if known.
    public var channel: ContactChannel?
    /// Queue of the interaction, if known.
    public var queue: String?
    /// The evaluated agent, pseudonymised at the agent (never a name), if known.
    public var agent: String?
    /// The evaluator, pseudonymised at the agent (never a name).
    public var evaluator: String
    /// Scorecard id.
    public var scorecard: String
    /// Scorecard version (`3`, `2026.1`).
    public var scorecardVersion: String
    /// When the evaluation was completed; the period a figure counts it in.
    public var evaluatedAt: Date
    /// Item results, possibly empty when the export gives only the counts and score.
    public var items: [EvaluationItem]
    /// Failed high-impact items.
    public var highImpactErrors: Int
    /// Failed low-impact items.
    public var lowImpactErrors: Int
    /// Weighted scorecard score, 0–100.
    public var score: Double
    /// The evaluator's comment, bounded.
    public var comments: String?
    /// When the QA tool produced this version of the evaluation; orders re-sent corrections.
    public var updatedAt: Date

    /// Creates an evaluation record.
    public init(
        provider: String, site: String, id: String, interactionRef: String, channel: ContactChannel? = nil, queue: String? = nil,
        agent: String? = nil, evaluator: String, scorecard: String, scorecardVersion: String, evaluatedAt: Date, items: [EvaluationItem] = [],
        highImpactErrors: Int, lowImpactErrors: Int, score: Double, comments: String? = nil, updatedAt: Date
    ) {
        self.provider = provider
        self.site = site
        self.id = id
        self.interactionRef = interactionRef
        self.channel = channel
        self.queue = queue
        self.agent = agent
        self.evaluator = evaluator
        self.scorecard = scorecard
        self.scorecardVersion = scorecardVersion
        self.evaluatedAt = evaluatedAt
        self.items = items
        self.highImpactErrors = highImpactErrors
        self.lowImpactErrors = lowImpactErrors
        self.score = score
        self.comments = comments
        self.updatedAt = updatedAt
    }

    /// Whether the evaluation has at least one high-impact error (it is flagged, and counts in the high-impact error rate).
    public var isFlagged: Bool { self.highImpactErrors > 0 }
}

extension EvaluationRecord: Codable {
    private enum CodingKeys: String, CodingKey {
        case provider, site, id, interactionRef, channel, queue, agent, evaluator, scorecard, scorecardVersion, evaluatedAt, items
        case highImpactErrors, lowImpactErrors, score, comments, updatedAt
    }

    /// Decodes an evaluation; `items` defaults to none when absent.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            provider: try container.decode(String.self, forKey: .provider),
            site: try container.decode(String.self, forKey: .site),
            id: try container.decode(String.self, forKey: .id),
            interactionRef: try container.decode(String.self, forKey: .interactionRef),
            channel: try container.decodeIfPresent(ContactChannel.self, forKey: .channel),
            queue: try container.decodeIfPresent(String.self, forKey: .queue),
            agent: try container.decodeIfPresent(String.self, forKey: .agent),
            evaluator: try container.decode(String.self, forKey: .evaluator),
            scorecard: try container.decode(String.self, forKey: .scorecard),
            scorecardVersion: try container.decode(String.self, forKey: .scorecardVersion),
            evaluatedAt: try container.decode(Date.self, forKey: .evaluatedAt),
            items: try container.decodeIfPresent([EvaluationItem].self, forKey: .items) ?? [],
            highImpactErrors: try container.decode(Int.self, forKey: .highImpactErrors),
            lowImpactErrors: try container.decode(Int.self, forKey: .lowImpactErrors),
            score: try container.decode(Double.self, forKey: .score),
            comments: try container.decodeIfPresent(String.self, forKey: .comments),
            updatedAt: try container.decode(Date.self, forKey: .updatedAt)
        )
    }
}

extension EvaluationRecord {
    /// Limits on a record that comes from outside.
    public enum Limits {
        /// Longest id, in UTF-8 bytes (as a ticket's).
        public static let maxIdLength = TicketRecord.Limits.maxIdLength
        /// Longest provider, site, interaction ref, queue, agent, evaluator, scorecard and item id, in UTF-8 bytes.
        public static let maxStringLength = TicketRecord.Limits.maxStringLength
        /// Longest scorecard version, in UTF-8 bytes.
        public static let maxVersionLength = 64
        /// Longest comment, in UTF-8 bytes: a remark, not a transcript.
        public static let maxCommentsLength = 2_000
        /// Most item results of one evaluation.
        public static let maxItems = 200
        /// Largest error count (high or low impact).
        public static let maxErrors = 10_000
        /// Largest item weight.
        public static let maxWeight: Double = 1_000_000
    }

    /// Checks the record's own consistency; returns the first problem found, naming the field.
    public func validationProblem() -> String? {
        if self.id.isEmpty { return "id is empty" }
        if self.id.utf8.count > Limits.maxIdLength { return "id is longer than \(Limits.maxIdLength) bytes" }
        let required = [
            ("provider", self.provider), ("site", self.site), ("interactionRef", self.interactionRef), ("evaluator", self.evaluator),
            ("scorecard", self.scorecard), ("scorecardVersion", self.scorecardVersion),
        ]
        for (name, value) in required where value.isEmpty { return "\(name) is empty" }
        let strings = required.filter { $0.0 != "scorecardVersion" } + [("queue", self.queue ?? ""), ("agent", self.agent ?? "")]
        for (name, value) in strings where value.utf8.count > Limits.maxStringLength {
            return "\(name) is longer than \(Limits.maxStringLength) bytes"
        }
        if self.scorecardVersion.utf8.count > Limits.maxVersionLength {
            return "scorecardVersion is longer than \(Limits.maxVersionLength) bytes"
        }
        if let comments = self.comments, comments.utf8.count > Limits.maxCommentsLength {
            return "comments are longer than \(Limits.maxCommentsLength) bytes (\(comments.utf8.count)); send a remark, not a transcript"
        }
        if !self.score.isFinite || !(0...100).contains(self.score) { return "score must be a number from 0 to 100, got \(self.score)" }
        for (name, value) in [("highImpactErrors", self.highImpactErrors), ("lowImpactErrors", self.lowImpactErrors)] {
            if value < 0 { return "\(name) is negative (\(value))" }
            if value > Limits.maxErrors { return "\(name) is larger than \(Limits.maxErrors)" }
        }
        if self.items.count > Limits.maxItems { return "more than \(Limits.maxItems) items (\(self.items.count))" }
        for (index, item) in self.items.enumerated() {
            if item.item.isEmpty { return "items[\(index)].item is empty" }
            if item.item.utf8.count > Limits.maxStringLength { return "items[\(index)].item is longer than \(Limits.maxStringLength) bytes" }
            if let weight = item.weight, !weight.isFinite || !(0...Limits.maxWeight).contains(weight) {
                return "items[\(index)].weight must be a number from 0 to \(Int(Limits.maxWeight)), got \(weight)"
            }
        }
        if !self.items.isEmpty {
            let failedHigh = self.items.filter { !$0.passed && $0.impact == .high }.count
            if failedHigh != self.highImpactErrors {
                return "highImpactErrors (\(self.highImpactErrors)) differs from the \(failedHigh) failed high-impact items"
            }
            let failedLow = self.items.filter { !$0.passed && $0.impact == .low }.count
            if failedLow != self.lowImpactErrors {
                return "lowImpactErrors (\(self.lowImpactErrors)) differs from the \(failedLow) failed low-impact items"
            }
        }
        return nil
    }
}
