//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// QA evaluations (audit samples) in the store: the table, the ordered upsert inside a batch's commit, sums for the
// SLA engine's QA score and high-impact error rate.
//
//===----------------------------------------------------------------------===//

import Foundation
import GRDB
import OversightModel

/// Reading QA evaluations, for the SLA engine, the console and `status`.
package protocol EvaluationStore: Sendable {
    /// Summed evaluations of `provider` completed in `from ..< to` within `scope` (SQL `COUNT`/`SUM`).
    func qaTotals(provider: String, scope: RecordScope, from: Date, to: Date) async throws -> QAEvaluationTotals
    /// Stored evaluations of `provider` (optionally one site) completed in `from ..< to`, oldest first, at most `limit`.
    func evaluations(provider: String, site: String?, from: Date, to: Date, limit: Int) async throws -> [StoredEvaluation]
    /// Stored evaluations per provider.
    func evaluationCounts() async throws -> [String: Int]
}

/// The sums of a set of QA evaluations: the QA score is `scoreSum ÷ evaluations`, the high-impact error rate
/// `flagged ÷ evaluations` (PRODUCT.md §5).
package struct QAEvaluationTotals: Sendable, Hashable, Codable {
    /// Evaluations summed.
    package var evaluations: Int = 0
    /// Sum of their scores (each 0–100, as the QA tool scored it).
    package var scoreSum: Double = 0
    /// Evaluations with at least one high-impact error.
    package var flagged: Int = 0

    /// Creates totals; empty by default.
    package init(evaluations: Int = 0, scoreSum: Double = 0, flagged: Int = 0) {
        self.evaluations = evaluations
        self.scoreSum = scoreSum
        self.flagged = flagged
    }
}

/// A stored evaluation with the agent and batch it last came in (the evidence).
package struct StoredEvaluation: Sendable, Hashable {
    package var record: EvaluationRecord
    package var agentId: String
    package var batchSeq: Int64

    /// Creates a stored record (for other store backends).
    package init(record: EvaluationRecord, agentId: String, batchSeq: Int64) {
        self.record = record
        self.agentId = agentId
        self.batchSeq = batchSeq
    }
}

extension SQLiteStore {
    /// The `v5-qa-evaluation` migration: one row per (provider, id).
    static func migrateEvaluations(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE qa_evaluation (
                    provider TEXT NOT NULL,
                    id TEXT NOT NULL,
                    site TEXT NOT NULL,
                    agent_id TEXT NOT NULL,
                    batch_seq INTEGER NOT NULL,
                    interaction_ref TEXT NOT NULL,
                    channel TEXT,
                    queue TEXT,
                    agent TEXT,
                    evaluator TEXT NOT NULL,
                    scorecard TEXT NOT NULL,
                    scorecard_version TEXT NOT NULL,
                    evaluated_at REAL NOT NULL,
                    items TEXT NOT NULL,
                    high_impact_errors INTEGER NOT NULL,
                    low_impact_errors INTEGER NOT NULL,
                    score REAL NOT NULL,
                    comments TEXT,
                    updated_at REAL NOT NULL,
                    PRIMARY KEY (provider, id)
                ) WITHOUT ROWID;
                CREATE INDEX qa_evaluation_by_evaluated_at ON qa_evaluation (provider, evaluated_at);
                """
        )
    }

    /// The evaluation upsert: a row changes only when the incoming `updated_at` is newer (as tickets).
    package static let upsertEvaluationSQL = """
        INSERT INTO qa_evaluation (provider, id, site, agent_id, batch_seq, interaction_ref, channel, queue, agent, evaluator,
            scorecard, scorecard_version, evaluated_at, items, high_impact_errors, low_impact_errors, score, comments, updated_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (provider, id) DO UPDATE SET
            site = excluded.site, agent_id = excluded.agent_id, batch_seq = excluded.batch_seq,
            interaction_ref = excluded.interaction_ref, channel = excluded.channel, queue = excluded.queue, agent = excluded.agent,
            evaluator = excluded.evaluator, scorecard = excluded.scorecard, scorecard_version = excluded.scorecard_version,
            evaluated_at = excluded.evaluated_at, items = excluded.items, high_impact_errors = excluded.high_impact_errors,
            low_impact_errors = excluded.low_impact_errors, score = excluded.score, comments = excluded.comments,
            updated_at = excluded.updated_at
        WHERE excluded.updated_at > qa_evaluation.updated_at AND excluded.site = qa_evaluation.site
        """

    /// Upserts a batch's evaluations inside its commit transaction; returns how many changed stored state.
    static func upsertEvaluations(_ batch: IncomingBatch, provider: String, db: Database) throws -> Int {
        guard !batch.evaluations.isEmpty else { return 0 }
        let upsert = try db.cachedStatement(sql: Self.upsertEvaluationSQL)
        let encoder = WireJSON.encoder()
        var applied = 0
        for evaluation in batch.evaluations {
            let items = String(decoding: try encoder.encode(evaluation.items), as: UTF8.self)
            let values: [(any DatabaseValueConvertible)?] = [
                provider, evaluation.id, evaluation.site, batch.agentId, batch.seq, evaluation.interactionRef, evaluation.channel?.rawValue,
                evaluation.queue, evaluation.agent, evaluation.evaluator, evaluation.scorecard, evaluation.scorecardVersion,
                evaluation.evaluatedAt.timeIntervalSince1970, items, evaluation.highImpactErrors, evaluation.lowImpactErrors,
                evaluation.score, evaluation.comments, evaluation.updatedAt.timeIntervalSince1970,
            ]
            try upsert.execute(arguments: StatementArguments(values))
            if db.changesCount > 0 {
                applied += 1
            } else {
                try Self.checkSameSite(
                    kind: "evaluation", table: "qa_evaluation", provider: provider, id: evaluation.id, site: evaluation.site, db: db
                )
            }
        }
        return applied
    }

    package func qaTotals(provider: String, scope: RecordScope = .all, from: Date, to: Date) async throws -> QAEvaluationTotals {
        var arguments: StatementArguments = [provider, from.timeIntervalSince1970, to.timeIntervalSince1970]
        let scoped = scope.conditions(site: "site", queue: "queue", channel: "channel", priority: nil, arguments: &arguments)
        let sql = """
            SELECT COUNT(*), COALESCE(SUM(score), 0.0), COALESCE(SUM(high_impact_errors > 0), 0)
            FROM qa_evaluation WHERE provider = ? AND evaluated_at >= ? AND evaluated_at < ?\(scoped)
            """
        let statementArguments = arguments
        return try await self.writer.read { db in
            guard let row = try Row.fetchOne(db, sql: sql, arguments: statementArguments) else { return QAEvaluationTotals() }
            return QAEvaluationTotals(evaluations: row[0], scoreSum: row[1], flagged: row[2])
        }
    }

    package func evaluations(provider: String, site: String? = nil, from: Date, to: Date, limit: Int) async throws -> [StoredEvaluation] {
        var sql = """
            SELECT id, site, agent_id, batch_seq, interaction_ref, channel, queue, agent, evaluator, scorecard, scorecard_version,
                evaluated_at, items, high_impact_errors, low_impact_errors, score, comments, updated_at
            FROM qa_evaluation WHERE provider = ? AND evaluated_at >= ? AND evaluated_at < ?
            """
        var arguments: StatementArguments = [provider, from.timeIntervalSince1970, to.timeIntervalSince1970]
        if let site {
            sql += " AND site = ?"
            arguments += [site]
        }
        sql += " ORDER BY evaluated_at, id LIMIT ?"
        arguments += [max(0, min(limit, 100_000))]
        let statementSQL = sql
        let statementArguments = arguments
        return try await self.writer.read { db in
            let decoder = WireJSON.decoder()
            return try Row.fetchAll(db, sql: statementSQL, arguments: statementArguments).map { row in
                let items = (try? decoder.decode([EvaluationItem].self, from: Data((row[12] as String).utf8))) ?? []
                let channel: String? = row[5]
                let record = EvaluationRecord(
                    provider: provider, site: row[1], id: row[0], interactionRef: row[4], channel: channel.flatMap(ContactChannel.init(rawValue:)),
                    queue: row[6], agent: row[7], evaluator: row[8], scorecard: row[9], scorecardVersion: row[10],
                    evaluatedAt: Date(timeIntervalSince1970: row[11]), items: items, highImpactErrors: row[13], lowImpactErrors: row[14],
                    score: row[15], comments: row[16], updatedAt: Date(timeIntervalSince1970: row[17])
                )
                return StoredEvaluation(record: record, agentId: row[2], batchSeq: row[3])
            }
        }
    }

    package func evaluationCounts() async throws -> [String: Int] {
        try await self.writer.read { db in
            var counts: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT provider, COUNT(*) FROM qa_evaluation GROUP BY provider") {
                counts[row[0]] = row[1]
            }
            return counts
        }
    }

}
