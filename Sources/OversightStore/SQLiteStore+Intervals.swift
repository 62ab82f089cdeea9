//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Interval metrics in the store: the table, the ordered upsert inside a batch's commit, sums for the SLA engine.
//
//===----------------------------------------------------------------------===//

import Foundation
import GRDB
import OversightModel

/// Reading interval metrics, for the SLA engine and the console.
package protocol IntervalMetricStore: Sendable {
    /// Summed counts and sums of the intervals of `provider` that start in `from ..< to`, optionally of one site and
    /// one queue (`nil` means all). Percentages are computed from these sums, never averaged.
    func intervalTotals(provider: String, site: String?, queue: String?, from: Date, to: Date) async throws -> IntervalMetricTotals
    /// Stored intervals of `provider` (optionally one site) that start in `from ..< to`, oldest first, at most `limit`.
    func intervals(provider: String, site: String?, from: Date, to: Date, limit: Int) async throws -> [StoredInterval]
    /// Stored intervals per provider.
    func intervalCounts() async throws -> [String: Int]
}

/// The sums of a set of intervals (SQL `SUM`); every figure of PRODUCT.md §5 for intervals is a ratio of these.
package struct IntervalMetricTotals: Sendable, Hashable, Codable {
    /// Intervals summed.
    package var intervals: Int = 0
    package var offered: Int = 0
    package var answered: Int = 0
    package var answeredWithinThreshold: Int = 0
    package var abandoned: Int = 0
    package var shortAbandons: Int = 0
    package var totalAnswerDelaySeconds: Double = 0
    package var handled: Int = 0
    package var totalHandleTimeSeconds: Double = 0
    package var csatResponses: Int = 0
    package var csatSatisfied: Int = 0
    /// Sum of CSAT scores over the intervals that report one.
    package var csatScoreSum: Int = 0
    /// CSAT responses of the intervals that report a score sum (the divisor of the mean-score variant).
    package var csatScoredResponses: Int = 0
    package var fcrResponses: Int = 0
    package var fcrYes: Int = 0
    /// Smallest and largest service-level threshold among the intervals (`nil` when there are none); when they
    /// differ, the within-threshold counts were taken against different thresholds.
    package var minThresholdSeconds: Int?
    package var maxThresholdSeconds: Int?
    /// Minutes covered (sum of the intervals' lengths).
    package var minutes: Int = 0
    /// Agent minutes staffed: for each interval that reports its staffing, agents × minutes, summed.
    package var staffedMinutes: Int = 0

    /// Creates empty totals.
    package init() {}
}

/// A stored interval with the agent and batch it last came in (the evidence).
package struct StoredInterval: Sendable, Hashable {
    package var record: IntervalRecord
    package var agentId: String
    package var batchSeq: Int64

    /// Creates a stored record (for other store backends).
    package init(record: IntervalRecord, agentId: String, batchSeq: Int64) {
        self.record = record
        self.agentId = agentId
        self.batchSeq = batchSeq
    }
}

extension SQLiteStore {
    /// The `v3-interval-metric` migration: one row per (provider, site, queue, start).
    static func migrateIntervals(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE interval_metric (
                    provider TEXT NOT NULL,
                    site TEXT NOT NULL,
                    queue TEXT NOT NULL,
                    start REAL NOT NULL,
                    agent_id TEXT NOT NULL,
                    batch_seq INTEGER NOT NULL,
                    channel TEXT NOT NULL,
                    minutes INTEGER NOT NULL,
                    threshold_seconds INTEGER NOT NULL,
                    offered INTEGER NOT NULL,
                    answered INTEGER NOT NULL,
                    answered_within_threshold INTEGER NOT NULL,
                    abandoned INTEGER NOT NULL,
                    short_abandons INTEGER NOT NULL,
                    short_abandon_seconds INTEGER,
                    total_answer_delay_seconds REAL NOT NULL,
                    handled INTEGER NOT NULL,
                    total_handle_time_seconds REAL NOT NULL,
                    csat_responses INTEGER NOT NULL,
                    csat_satisfied INTEGER NOT NULL,
                    csat_score_sum INTEGER,
                    fcr_responses INTEGER NOT NULL,
                    fcr_yes INTEGER NOT NULL,
                    agents_staffed INTEGER,
                    updated_at REAL NOT NULL,
                    PRIMARY KEY (provider, site, queue, start)
                ) WITHOUT ROWID;
                CREATE INDEX interval_metric_by_start ON interval_metric (provider, start);
                """
        )
    }

    /// The interval upsert: a row changes only when the incoming `updated_at` is newer (as tickets).
    package static let upsertIntervalSQL = """
        INSERT INTO interval_metric (provider, site, queue, start, agent_id, batch_seq, channel, minutes, threshold_seconds,
            offered, answered, answered_within_threshold, abandoned, short_abandons, short_abandon_seconds,
            total_answer_delay_seconds, handled, total_handle_time_seconds, csat_responses, csat_satisfied, csat_score_sum,
            fcr_responses, fcr_yes, agents_staffed, updated_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (provider, site, queue, start) DO UPDATE SET
            agent_id = excluded.agent_id, batch_seq = excluded.batch_seq, channel = excluded.channel,
            minutes = excluded.minutes, threshold_seconds = excluded.threshold_seconds, offered = excluded.offered,
            answered = excluded.answered, answered_within_threshold = excluded.answered_within_threshold,
            abandoned = excluded.abandoned, short_abandons = excluded.short_abandons,
            short_abandon_seconds = excluded.short_abandon_seconds,
            total_answer_delay_seconds = excluded.total_answer_delay_seconds, handled = excluded.handled,
            total_handle_time_seconds = excluded.total_handle_time_seconds, csat_responses = excluded.csat_responses,
            csat_satisfied = excluded.csat_satisfied, csat_score_sum = excluded.csat_score_sum,
            fcr_responses = excluded.fcr_responses, fcr_yes = excluded.fcr_yes, agents_staffed = excluded.agents_staffed,
            updated_at = excluded.updated_at
        WHERE excluded.updated_at > interval_metric.updated_at
        """

    /// Upserts a batch's intervals inside its commit transaction; returns how many changed stored state.
    static func upsertIntervals(_ batch: IncomingBatch, provider: String, db: Database) throws -> Int {
        guard !batch.intervals.isEmpty else { return 0 }
        let upsert = try db.cachedStatement(sql: Self.upsertIntervalSQL)
        var applied = 0
        for interval in batch.intervals {
            try upsert.execute(arguments: [
                provider, interval.site, interval.queue, interval.start.timeIntervalSince1970, batch.agentId, batch.seq,
                interval.channel.rawValue, interval.minutes, interval.thresholdSeconds, interval.offered, interval.answered,
                interval.answeredWithinThreshold, interval.abandoned, interval.shortAbandons, interval.shortAbandonSeconds,
                interval.totalAnswerDelaySeconds, interval.handled, interval.totalHandleTimeSeconds, interval.csatResponses,
                interval.csatSatisfied, interval.csatScoreSum, interval.fcrResponses, interval.fcrYes, interval.agentsStaffed,
                interval.updatedAt.timeIntervalSince1970,
            ])
            if db.changesCount > 0 { applied += 1 }
        }
        return applied
    }

    package func intervalTotals(provider: String, site: String?, queue: String?, from: Date, to: Date) async throws -> IntervalMetricTotals {
        try await self.intervalTotals(
            provider: provider, scope: RecordScope(sites: site.map { [$0] }, queues: queue.map { [$0] }), from: from, to: to
        )
    }

    package func intervals(provider: String, site: String?, from: Date, to: Date, limit: Int) async throws -> [StoredInterval] {
        try await self.writer.read { db in
            var sql = """
                SELECT site, queue, start, agent_id, batch_seq, channel, minutes, threshold_seconds, offered, answered,
                    answered_within_threshold, abandoned, short_abandons, short_abandon_seconds, total_answer_delay_seconds, handled,
                    total_handle_time_seconds, csat_responses, csat_satisfied, csat_score_sum, fcr_responses, fcr_yes, agents_staffed,
                    updated_at
                FROM interval_metric WHERE provider = ? AND start >= ? AND start < ?
                """
            var arguments: StatementArguments = [provider, from.timeIntervalSince1970, to.timeIntervalSince1970]
            if let site {
                sql += " AND site = ?"
                arguments += [site]
            }
            sql += " ORDER BY start, site, queue LIMIT ?"
            arguments += [max(0, limit)]
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                let record = IntervalRecord(
                    provider: provider, site: row[0], queue: row[1], channel: ContactChannel(rawValue: row[5]) ?? .phone,
                    start: Date(timeIntervalSince1970: row[2]), minutes: row[6], thresholdSeconds: row[7], offered: row[8],
                    answered: row[9], answeredWithinThreshold: row[10], abandoned: row[11], shortAbandons: row[12],
                    shortAbandonSeconds: row[13], totalAnswerDelaySeconds: row[14], handled: row[15], totalHandleTimeSeconds: row[16],
                    csatResponses: row[17], csatSatisfied: row[18], csatScoreSum: row[19], fcrResponses: row[20], fcrYes: row[21],
                    agentsStaffed: row[22], updatedAt: Date(timeIntervalSince1970: row[23])
                )
                return StoredInterval(record: record, agentId: row[3], batchSeq: row[4])
            }
        }
    }


    package func intervalCounts() async throws -> [String: Int] {
        try await self.writer.read { db in
            var counts: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT provider, COUNT(*) FROM interval_metric GROUP BY provider") {
                counts[row[0]] = row[1]
            }
            return counts
        }
    }
}
