//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Interval reports and QA evaluations as stored, and the records behind a period's figures (a scorecard's evidence).
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightModel
import OversightStore
import PostgresNIO

extension PostgresStore {
    /// `provider`'s interval reports that start in `[from, to)`, optionally of one site, by start, site and queue (byte
    /// order, as SQLite sorts), at most `limit`.
    package func intervals(provider: String, site: String?, from: Date, to: Date, limit: Int) async throws -> [StoredInterval] {
        var q = QueryBuilder()
        q.sql = """
            SELECT site, queue, start, agent_id, batch_seq, channel, minutes, threshold_seconds, offered, answered,
                answered_within_threshold, abandoned, short_abandons, short_abandon_seconds, total_answer_delay_seconds, handled,
                total_handle_time_seconds, csat_responses, csat_satisfied, csat_score_sum, fcr_responses, fcr_yes, agents_staffed,
                updated_at
            FROM interval_metric
            """
        q.sql += " WHERE provider = \(try q.bind(provider)) AND start >= \(try q.bind(from.timeIntervalSince1970))"
        q.sql += " AND start < \(try q.bind(to.timeIntervalSince1970))"
        if let site { q.sql += " AND site = \(try q.bind(site))" }
        q.sql += " ORDER BY start, site COLLATE \"C\", queue COLLATE \"C\" LIMIT \(try q.bind(Int64(max(0, limit))))"
        return try await self.rows(q.query).map { row in
            var columns = Columns(row, of: "interval_metric")
            let site: String = try columns.next()
            let queue: String = try columns.next()
            let start: Double = try columns.next()
            let agentId: String = try columns.next()
            let batchSeq: Int64 = try columns.next()
            let channel: String = try columns.next()
            let record = IntervalRecord(
                provider: provider, site: site, queue: queue, channel: ContactChannel(rawValue: channel) ?? .phone,
                start: Date(timeIntervalSince1970: start), minutes: try columns.next(), thresholdSeconds: try columns.next(),
                offered: try columns.next(), answered: try columns.next(), answeredWithinThreshold: try columns.next(),
                abandoned: try columns.next(), shortAbandons: try columns.next(), shortAbandonSeconds: try columns.next(Int?.self),
                totalAnswerDelaySeconds: try columns.next(), handled: try columns.next(), totalHandleTimeSeconds: try columns.next(),
                csatResponses: try columns.next(), csatSatisfied: try columns.next(), csatScoreSum: try columns.next(Int?.self),
                fcrResponses: try columns.next(), fcrYes: try columns.next(), agentsStaffed: try columns.next(Int?.self),
                updatedAt: Date(timeIntervalSince1970: try columns.next(Double.self))
            )
            return StoredInterval(record: record, agentId: agentId, batchSeq: batchSeq)
        }
    }

    /// `provider`'s QA evaluations completed in `[from, to)`, optionally of one site, by completion then id, at most
    /// `limit` (100,000 at most).
    package func evaluations(provider: String, site: String?, from: Date, to: Date, limit: Int) async throws -> [StoredEvaluation] {
        var q = QueryBuilder()
        q.sql = "SELECT \(Self.evaluationColumns) FROM qa_evaluation e"
        q.sql += " WHERE e.provider = \(try q.bind(provider)) AND e.evaluated_at >= \(try q.bind(from.timeIntervalSince1970))"
        q.sql += " AND e.evaluated_at < \(try q.bind(to.timeIntervalSince1970))"
        if let site { q.sql += " AND e.site = \(try q.bind(site))" }
        q.sql += " ORDER BY e.evaluated_at, e.id COLLATE \"C\" LIMIT \(try q.bind(Int64(max(0, min(limit, 100_000)))))"
        let decoder = WireJSON.decoder()
        return try await self.rows(q.query).map { row in
            var columns = Columns(row, of: "qa_evaluation")
            return try Self.storedEvaluation(&columns, decoder: decoder)
        }
    }

    /// The columns ``storedEvaluation(_:decoder:)`` reads, of `qa_evaluation e`.
    static let evaluationColumns = """
        e.provider, e.id, e.site, e.agent_id, e.batch_seq, e.interaction_ref, e.channel, e.queue, e.agent, e.evaluator, e.scorecard,
        e.scorecard_version, e.evaluated_at, e.items, e.high_impact_errors, e.low_impact_errors, e.score, e.comments, e.updated_at
        """

    /// An evaluation from the next columns of ``evaluationColumns``.
    static func storedEvaluation(_ columns: inout Columns, decoder: JSONDecoder) throws -> StoredEvaluation {
        let provider: String = try columns.next()
        let id: String = try columns.next()
        let site: String = try columns.next()
        let agentId: String = try columns.next()
        let batchSeq: Int64 = try columns.next()
        let interactionRef: String = try columns.next()
        let channel: String? = try columns.next()
        let queue: String? = try columns.next()
        let agent: String? = try columns.next()
        let evaluator: String = try columns.next()
        let scorecard: String = try columns.next()
        let scorecardVersion: String = try columns.next()
        let evaluatedAt: Double = try columns.next()
        let items: String = try columns.next()
        let record = EvaluationRecord(
            provider: provider, site: site, id: id, interactionRef: interactionRef, channel: channel.flatMap(ContactChannel.init(rawValue:)),
            queue: queue, agent: agent, evaluator: evaluator, scorecard: scorecard, scorecardVersion: scorecardVersion,
            evaluatedAt: Date(timeIntervalSince1970: evaluatedAt),
            items: (try? decoder.decode([EvaluationItem].self, from: Data(items.utf8))) ?? [], highImpactErrors: try columns.next(),
            lowImpactErrors: try columns.next(), score: try columns.next(), comments: try columns.next(String?.self),
            updatedAt: Date(timeIntervalSince1970: try columns.next(Double.self))
        )
        return StoredEvaluation(record: record, agentId: agentId, batchSeq: batchSeq)
    }

    /// The records behind `provider`'s figures in `[from, to)` and the batches that carried them, by the same rules and
    /// in the same order as ``SQLiteStore/evidence(provider:from:to:limit:)``: the tickets that breached a target in the
    /// period (by id), the period's interval reports (by start, queue) and QA evaluations (by completion, id), at most
    /// `limit` of each.
    package func evidence(provider: String, from: Date, to: Date, limit: Int) async throws -> [EvidenceRow] {
        let lower = from.timeIntervalSince1970
        let upper = to.timeIntervalSince1970
        let bound = Int64(max(1, min(limit, 100_000)))
        var rows: [EvidenceRow] = []
        for row in try await self.rows(
            """
            SELECT ticket_id, agent_id, batch_seq FROM (
                SELECT DISTINCT e.ticket_id, t.agent_id, t.batch_seq FROM sla_event e
                JOIN ticket t ON t.provider = e.provider AND t.id = e.ticket_id
                WHERE e.provider = \(provider) AND e.kind = 'breach' AND e.at >= \(lower) AND e.at < \(upper)
            ) breached ORDER BY ticket_id COLLATE "C" LIMIT \(bound)
            """
        ) {
            let (ticketId, agentId, batchSeq) = try row.decode((String, String, Int64).self)
            rows.append(EvidenceRow(kind: "ticket", key: ticketId, agentId: agentId, batchSeq: batchSeq))
        }
        for row in try await self.rows(
            """
            SELECT queue, start, agent_id, batch_seq FROM interval_metric
            WHERE provider = \(provider) AND start >= \(lower) AND start < \(upper) ORDER BY start, queue COLLATE "C" LIMIT \(bound)
            """
        ) {
            let (queue, start, agentId, batchSeq) = try row.decode((String, Double, String, Int64).self)
            let key = queue + "|" + WireJSON.format(Date(timeIntervalSince1970: start))
            rows.append(EvidenceRow(kind: "interval", key: key, agentId: agentId, batchSeq: batchSeq))
        }
        for row in try await self.rows(
            """
            SELECT id, agent_id, batch_seq FROM qa_evaluation
            WHERE provider = \(provider) AND evaluated_at >= \(lower) AND evaluated_at < \(upper) ORDER BY evaluated_at, id COLLATE "C" LIMIT \(bound)
            """
        ) {
            let (id, agentId, batchSeq) = try row.decode((String, String, Int64).self)
            rows.append(EvidenceRow(kind: "evaluation", key: id, agentId: agentId, batchSeq: batchSeq))
        }
        return rows
    }
}
