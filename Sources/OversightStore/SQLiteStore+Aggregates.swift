//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Aggregate figures at the coordinator: the standing of each contract target in its period (written by the SLA
// engine's aggregate watch, read by the console and `status`), the ticket counts a period's figures are computed
// from, and the records and batches that back a figure (the evidence of a credit statement).
//
//===----------------------------------------------------------------------===//

import Foundation
import GRDB
import OversightModel

/// The standing of one aggregate target of a provider's contract in one period, as last evaluated.
package struct AggregateStandingRow: Sendable, Hashable, Codable {
    package var provider: String
    /// The target's id in the contract.
    package var targetId: String
    /// The figure's name (`service_level`, `csat`, …).
    package var figure: String
    /// The contract's variant of the figure, if it has variants.
    package var variant: String?
    /// `day`, `week` or `month`.
    package var periodKind: String
    /// The period's label (`2026-11-25`, `2026-W48`, `2026-11`).
    package var periodLabel: String
    package var periodStart: Date
    package var periodEnd: Date
    /// The figure so far (a fraction for percentages, seconds for durations); `nil` without data.
    package var value: Double?
    /// The same figure by head office's reference variant.
    package var referenceValue: Double?
    /// The reference variant's name.
    package var referenceVariant: String?
    /// The projected value at the period's end.
    package var projected: Double?
    /// The target value.
    package var target: Double
    /// `>=` or `<=`.
    package var comparison: String
    /// `percentage`, `duration` or `score`.
    package var unit: String
    /// `met`, `on track`, `at risk`, `missed` or `no data`.
    package var state: String
    /// A sentence: "at the current rate the month ends at 76.4 %, target ≥ 80 %".
    package var summary: String
    /// Share of the period elapsed at the evaluation, 0–1.
    package var elapsedShare: Double
    package var evaluatedAt: Date

    /// Creates a row.
    package init(
        provider: String, targetId: String, figure: String, variant: String?, periodKind: String, periodLabel: String, periodStart: Date,
        periodEnd: Date, value: Double?, referenceValue: Double?, referenceVariant: String?, projected: Double?, target: Double,
        comparison: String, unit: String, state: String, summary: String, elapsedShare: Double, evaluatedAt: Date
    ) {
        self.provider = provider
        self.targetId = targetId
        self.figure = figure
        self.variant = variant
        self.periodKind = periodKind
        self.periodLabel = periodLabel
        self.periodStart = periodStart
        self.periodEnd = periodEnd
        self.value = value
        self.referenceValue = referenceValue
        self.referenceVariant = referenceVariant
        self.projected = projected
        self.target = target
        self.comparison = comparison
        self.unit = unit
        self.state = state
        self.summary = summary
        self.elapsedShare = elapsedShare
        self.evaluatedAt = evaluatedAt
    }
}

/// One ticket of a period's sampling frame.
package struct SampleFrameRow: Sendable, Hashable {
    package var id: String
    package var site: String
    package var channel: String
    package var status: String
    package var createdAt: Date
    package var assignee: String?
    package var csat: Int?
    package var reopenCount: Int
    /// A first-reply or resolution breach is recorded for the ticket.
    package var breached: Bool

    package init(
        id: String, site: String, channel: String, status: String, createdAt: Date, assignee: String?, csat: Int?, reopenCount: Int, breached: Bool
    ) {
        self.id = id
        self.site = site
        self.channel = channel
        self.status = status
        self.createdAt = createdAt
        self.assignee = assignee
        self.csat = csat
        self.reopenCount = reopenCount
        self.breached = breached
    }
}

/// The frame query's text, the same for both backends but for the placeholders.
package enum SampleFrameSQL {
    package static func select(provider: String, from: String, to: String, limit: String) -> String {
        """
        SELECT t.id, t.site, t.channel, t.status, t.created_at, t.assignee, t.csat, t.reopen_count,
            EXISTS (SELECT 1 FROM sla_event e WHERE e.provider = t.provider AND e.ticket_id = t.id AND e.kind = 'breach')
        FROM ticket t WHERE t.provider = \(provider) AND t.created_at >= \(from) AND t.created_at < \(to)
        ORDER BY t.id LIMIT \(limit)
        """
    }
}

/// Ticket counts of one provider in a period, from which ticket-derived figures are computed.
package struct PeriodTicketCounts: Sendable, Hashable {
    /// Tickets whose first-reply target came due in the period: breached in it, or met by a reply (or a solve) in it.
    package var firstReplyDue = 0
    package var firstReplyMet = 0
    /// Tickets whose resolution target came due in the period: breached in it, or met by a solve in it.
    package var resolutionDue = 0
    package var resolutionMet = 0
    /// Tickets solved (or closed) in the period.
    package var solved = 0
    /// Of those, solved at first contact: never reopened and one contact.
    package var solvedFirstContact = 0
    /// CSAT answers on tickets solved in the period.
    package var csatAnswers = 0
    package var csatSatisfied = 0
    package var csatScoreSum = 0

    /// No tickets.
    package init() {}
}

/// Which records of a provider a figure counts: all by default; each set given narrows it (a contract target's `match`).
package struct RecordScope: Sendable, Hashable {
    package var sites: Set<String>?
    package var queues: Set<String>?
    /// Channel names (`chat`, `phone`, …).
    package var channels: Set<String>?
    /// Priority names (tickets only; interval reports and QA evaluations have none and are not narrowed by it).
    package var priorities: Set<String>?

    /// Creates a scope; `nil` sets match everything.
    package init(sites: Set<String>? = nil, queues: Set<String>? = nil, channels: Set<String>? = nil, priorities: Set<String>? = nil) {
        self.sites = sites
        self.queues = queues
        self.channels = channels
        self.priorities = priorities
    }

    /// Everything.
    package static let all = RecordScope()

    /// `AND column IN (?, …)` conditions for the given columns, with their arguments.
    func conditions(
        site: String?, queue: String?, channel: String?, priority: String?, arguments: inout StatementArguments
    ) -> String {
        var sql = ""
        for (column, values) in [(site, self.sites), (queue, self.queues), (channel, self.channels), (priority, self.priorities)] {
            guard let column, let values else { continue }
            let sorted = values.sorted()
            sql += " AND \(column) IN (\(Array(repeating: "?", count: sorted.count).joined(separator: ", ")))"
            arguments += StatementArguments(sorted)
        }
        return sql
    }
}

/// A record that a figure was computed from, with the signed batch that carried it.
package struct EvidenceRow: Sendable, Hashable {
    /// `ticket`, `interval` or `evaluation`.
    package var kind: String
    /// The ticket id, `queue|start` of an interval, or the evaluation id.
    package var key: String
    package var agentId: String
    package var batchSeq: Int64

    /// Creates a row.
    package init(kind: String, key: String, agentId: String, batchSeq: Int64) {
        self.kind = kind
        self.key = key
        self.agentId = agentId
        self.batchSeq = batchSeq
    }
}

extension SQLiteStore {
    /// The `v4-aggregate-standing` migration.
    static func migrateAggregates(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE aggregate_standing (
                    provider TEXT NOT NULL,
                    target_id TEXT NOT NULL,
                    period_start REAL NOT NULL,
                    period_end REAL NOT NULL,
                    period_kind TEXT NOT NULL,
                    period_label TEXT NOT NULL,
                    figure TEXT NOT NULL,
                    variant TEXT,
                    value REAL,
                    reference_value REAL,
                    reference_variant TEXT,
                    projected REAL,
                    target REAL NOT NULL,
                    comparison TEXT NOT NULL,
                    unit TEXT NOT NULL,
                    state TEXT NOT NULL,
                    summary TEXT NOT NULL,
                    elapsed_share REAL NOT NULL,
                    evaluated_at REAL NOT NULL,
                    PRIMARY KEY (provider, target_id, period_start)
                ) WITHOUT ROWID;
                CREATE INDEX aggregate_standing_by_period ON aggregate_standing (provider, period_kind, period_start);
                CREATE INDEX sla_event_breach_by_provider ON sla_event (provider, kind, at);
                CREATE INDEX ticket_solved_by_provider ON ticket (provider, solved_at);
                CREATE INDEX ticket_first_reply_by_provider ON ticket (provider, first_reply_at);
                """
        )
    }

    /// The `v8-period-indexes` migration: the ticket indexes of ``periodTicketCounts(provider:scope:from:to:)`` lead with the
    /// provider and hold the instant the period is matched on (the reply or solve that decided a first-reply clock, the solve
    /// or close of a resolved ticket), so a period's count reads only that provider's tickets decided in the period. They
    /// replace two indexes on (provider, solved_at) and (provider, first_reply_at) that could only narrow to the provider.
    static func migratePeriodIndexes(_ db: Database) throws {
        try db.execute(
            sql: """
                DROP INDEX IF EXISTS ticket_solved_by_provider;
                DROP INDEX IF EXISTS ticket_first_reply_by_provider;
                CREATE INDEX ticket_first_decided_by_provider ON ticket (provider, COALESCE(first_reply_at, solved_at));
                CREATE INDEX ticket_resolved_by_provider ON ticket (provider, COALESCE(solved_at, closed_at))
                    WHERE status IN ('solved', 'closed');
                """
        )
    }

    /// Records the standings (one row per provider, target and period; a newer evaluation replaces the older).
    package func recordAggregateStandings(_ rows: [AggregateStandingRow]) async throws {
        guard !rows.isEmpty else { return }
        try await self.writer.write { db in
            let statement = try db.cachedStatement(
                sql: """
                    INSERT INTO aggregate_standing (provider, target_id, period_start, period_end, period_kind, period_label, figure, variant,
                        value, reference_value, reference_variant, projected, target, comparison, unit, state, summary, elapsed_share, evaluated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (provider, target_id, period_start) DO UPDATE SET
                        period_end = excluded.period_end, period_kind = excluded.period_kind, period_label = excluded.period_label,
                        figure = excluded.figure, variant = excluded.variant, value = excluded.value,
                        reference_value = excluded.reference_value, reference_variant = excluded.reference_variant,
                        projected = excluded.projected, target = excluded.target, comparison = excluded.comparison, unit = excluded.unit,
                        state = excluded.state, summary = excluded.summary, elapsed_share = excluded.elapsed_share,
                        evaluated_at = excluded.evaluated_at
                    """
            )
            for row in rows {
                let values: [(any DatabaseValueConvertible)?] = [
                    row.provider, row.targetId, row.periodStart.timeIntervalSince1970, row.periodEnd.timeIntervalSince1970, row.periodKind,
                    row.periodLabel, row.figure, row.variant, row.value, row.referenceValue, row.referenceVariant, row.projected, row.target,
                    row.comparison, row.unit, row.state, row.summary, row.elapsedShare, row.evaluatedAt.timeIntervalSince1970,
                ]
                try statement.execute(arguments: StatementArguments(values))
            }
        }
    }

    /// Standings, newest period first within each target: of one provider or all, optionally only of periods that
    /// contain `instant` (the current ones), at most `limit` rows.
    package func aggregateStandings(provider: String? = nil, containing instant: Date? = nil, limit: Int = 1_000) async throws
        -> [AggregateStandingRow]
    {
        var conditions: [String] = []
        var arguments = StatementArguments()
        if let provider {
            conditions.append("provider = ?")
            arguments += [provider]
        }
        if let instant {
            conditions.append("period_start <= ? AND ? < period_end")
            arguments += [instant.timeIntervalSince1970, instant.timeIntervalSince1970]
        }
        arguments += [max(1, min(limit, 100_000))]
        let sql = """
            SELECT provider, target_id, figure, variant, period_kind, period_label, period_start, period_end, value, reference_value,
                reference_variant, projected, target, comparison, unit, state, summary, elapsed_share, evaluated_at
            FROM aggregate_standing \(conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "))
            ORDER BY provider, target_id, period_start DESC LIMIT ?
            """
        let statementArguments = arguments
        return try await self.writer.read { db in
            try Row.fetchAll(db, sql: sql, arguments: statementArguments).map { row in
                AggregateStandingRow(
                    provider: row[0], targetId: row[1], figure: row[2], variant: row[3], periodKind: row[4], periodLabel: row[5],
                    periodStart: Date(timeIntervalSince1970: row[6]), periodEnd: Date(timeIntervalSince1970: row[7]), value: row[8],
                    referenceValue: row[9], referenceVariant: row[10], projected: row[11], target: row[12], comparison: row[13], unit: row[14],
                    state: row[15], summary: row[16], elapsedShare: row[17], evaluatedAt: Date(timeIntervalSince1970: row[18])
                )
            }
        }
    }

    /// The tickets of `provider` created in `[from, to)`, by id, at most `limit`.
    package func sampleFrame(provider: String, from: Date, to: Date, limit: Int) async throws -> [SampleFrameRow] {
        let sql = SampleFrameSQL.select(provider: "?", from: "?", to: "?", limit: "?")
        return try await self.writer.read { db in
            try Row.fetchAll(db, sql: sql, arguments: [provider, from.timeIntervalSince1970, to.timeIntervalSince1970, limit]).map { row in
                SampleFrameRow(
                    id: row[0], site: row[1], channel: row[2], status: row[3], createdAt: Date(timeIntervalSince1970: row[4]), assignee: row[5],
                    csat: row[6], reopenCount: row[7], breached: row[8]
                )
            }
        }
    }

    /// The ticket counts of `provider` in `[from, to)`. Only tickets the SLA engine evaluated (those under a contract)
    /// count towards attainment; a clock is due in the period when it breached in it, or was met by a reply or solve in it.
    package func periodTicketCounts(provider: String, scope: RecordScope = .all, from: Date, to: Date) async throws -> PeriodTicketCounts {
        let lower = from.timeIntervalSince1970
        let upper = to.timeIntervalSince1970
        var arguments = StatementArguments()
        let scoped = scope.conditions(site: "t.site", queue: "t.queue", channel: "t.channel", priority: "t.priority", arguments: &arguments)
        let scopeArguments = arguments
        return try await self.writer.read { db in
            var counts = PeriodTicketCounts()
            let breaches = try Row.fetchAll(
                db,
                sql: """
                    SELECT e.clock, COUNT(DISTINCT e.ticket_id) FROM sla_event e JOIN ticket t ON t.provider = e.provider AND t.id = e.ticket_id
                    WHERE e.provider = ? AND e.kind = 'breach' AND e.at >= ? AND e.at < ?\(scoped) GROUP BY e.clock
                    """,
                arguments: [provider, lower, upper] + scopeArguments
            )
            for row in breaches {
                let clock: String = row[0]
                let count: Int = row[1]
                if clock == "first_reply" { counts.firstReplyDue += count }
                if clock == "resolution" { counts.resolutionDue += count }
            }
            counts.firstReplyMet =
                try Int.fetchOne(
                    db,
                    sql: """
                        SELECT COUNT(*) FROM ticket t JOIN ticket_sla s ON s.provider = t.provider AND s.id = t.id
                        WHERE t.provider = ? AND COALESCE(t.first_reply_at, t.solved_at) >= ? AND COALESCE(t.first_reply_at, t.solved_at) < ?
                          AND NOT EXISTS (SELECT 1 FROM sla_event e WHERE e.provider = t.provider AND e.ticket_id = t.id
                                          AND e.clock = 'first_reply' AND e.kind = 'breach')\(scoped)
                        """,
                    arguments: [provider, lower, upper] + scopeArguments
                ) ?? 0
            counts.firstReplyDue += counts.firstReplyMet
            let solved = try Row.fetchOne(
                db,
                sql: """
                    SELECT COUNT(*),
                        COALESCE(SUM(t.reopen_count = 0 AND t.contact_count <= 1), 0),
                        COALESCE(SUM(t.csat IS NOT NULL), 0), COALESCE(SUM(t.csat >= 4), 0), COALESCE(SUM(t.csat), 0),
                        COALESCE(SUM(s.id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM sla_event e WHERE e.provider = t.provider
                            AND e.ticket_id = t.id AND e.clock = 'resolution' AND e.kind = 'breach')), 0)
                    FROM ticket t LEFT JOIN ticket_sla s ON s.provider = t.provider AND s.id = t.id
                    WHERE t.provider = ? AND t.status IN ('solved', 'closed')
                      AND COALESCE(t.solved_at, t.closed_at) >= ? AND COALESCE(t.solved_at, t.closed_at) < ?\(scoped)
                    """,
                arguments: [provider, lower, upper] + scopeArguments
            )
            if let solved {
                counts.solved = solved[0]
                counts.solvedFirstContact = solved[1]
                counts.csatAnswers = solved[2]
                counts.csatSatisfied = solved[3]
                counts.csatScoreSum = solved[4]
                counts.resolutionMet = solved[5]
                counts.resolutionDue += counts.resolutionMet
            }
            return counts
        }
    }

    /// The records behind `provider`'s figures in `[from, to)` and the signed batches that carried them: the tickets that
    /// breached a target in the period, the interval reports and the QA evaluations of the period, at most `limit` of each.
    package func evidence(provider: String, from: Date, to: Date, limit: Int = 10_000) async throws -> [EvidenceRow] {
        let lower = from.timeIntervalSince1970
        let upper = to.timeIntervalSince1970
        let bound = max(1, min(limit, 100_000))
        return try await self.writer.read { db in
            var rows: [EvidenceRow] = []
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT DISTINCT e.ticket_id, t.agent_id, t.batch_seq FROM sla_event e
                    JOIN ticket t ON t.provider = e.provider AND t.id = e.ticket_id
                    WHERE e.provider = ? AND e.kind = 'breach' AND e.at >= ? AND e.at < ? ORDER BY e.ticket_id LIMIT ?
                    """,
                arguments: [provider, lower, upper, bound]
            ) {
                rows.append(EvidenceRow(kind: "ticket", key: row[0], agentId: row[1], batchSeq: row[2]))
            }
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT queue, start, agent_id, batch_seq FROM interval_metric
                    WHERE provider = ? AND start >= ? AND start < ? ORDER BY start, queue LIMIT ?
                    """,
                arguments: [provider, lower, upper, bound]
            ) {
                let queue: String = row[0]
                let start = Date(timeIntervalSince1970: row[1])
                rows.append(EvidenceRow(kind: "interval", key: queue + "|" + WireJSON.format(start), agentId: row[2], batchSeq: row[3]))
            }
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT id, agent_id, batch_seq FROM qa_evaluation
                    WHERE provider = ? AND evaluated_at >= ? AND evaluated_at < ? ORDER BY evaluated_at, id LIMIT ?
                    """,
                arguments: [provider, lower, upper, bound]
            ) {
                rows.append(EvidenceRow(kind: "evaluation", key: row[0], agentId: row[1], batchSeq: row[2]))
            }
            return rows
        }
    }
}

extension SQLiteStore {
    /// The sums of `provider`'s interval reports that start in `[from, to)` within `scope` (SQL `SUM`: percentages are
    /// computed from these, never averaged).
    package func intervalTotals(provider: String, scope: RecordScope, from: Date, to: Date) async throws -> IntervalMetricTotals {
        var arguments: StatementArguments = [provider, from.timeIntervalSince1970, to.timeIntervalSince1970]
        let scoped = scope.conditions(site: "site", queue: "queue", channel: "channel", priority: nil, arguments: &arguments)
        let sql = """
            SELECT COUNT(*), COALESCE(SUM(offered), 0), COALESCE(SUM(answered), 0), COALESCE(SUM(answered_within_threshold), 0),
                COALESCE(SUM(abandoned), 0), COALESCE(SUM(short_abandons), 0), COALESCE(SUM(total_answer_delay_seconds), 0.0),
                COALESCE(SUM(handled), 0), COALESCE(SUM(total_handle_time_seconds), 0.0), COALESCE(SUM(csat_responses), 0),
                COALESCE(SUM(csat_satisfied), 0), COALESCE(SUM(csat_score_sum), 0),
                COALESCE(SUM(CASE WHEN csat_score_sum IS NULL THEN 0 ELSE csat_responses END), 0),
                COALESCE(SUM(fcr_responses), 0), COALESCE(SUM(fcr_yes), 0), MIN(threshold_seconds), MAX(threshold_seconds),
                COALESCE(SUM(minutes), 0), COALESCE(SUM(COALESCE(agents_staffed, 0) * minutes), 0)
            FROM interval_metric WHERE provider = ? AND start >= ? AND start < ?\(scoped)
            """
        let statementArguments = arguments
        return try await self.writer.read { db in
            guard let row = try Row.fetchOne(db, sql: sql, arguments: statementArguments) else { return IntervalMetricTotals() }
            var totals = IntervalMetricTotals()
            totals.intervals = row[0]
            totals.offered = row[1]
            totals.answered = row[2]
            totals.answeredWithinThreshold = row[3]
            totals.abandoned = row[4]
            totals.shortAbandons = row[5]
            totals.totalAnswerDelaySeconds = row[6]
            totals.handled = row[7]
            totals.totalHandleTimeSeconds = row[8]
            totals.csatResponses = row[9]
            totals.csatSatisfied = row[10]
            totals.csatScoreSum = row[11]
            totals.csatScoredResponses = row[12]
            totals.fcrResponses = row[13]
            totals.fcrYes = row[14]
            totals.minThresholdSeconds = row[15]
            totals.maxThresholdSeconds = row[16]
            totals.minutes = row[17]
            totals.staffedMinutes = row[18]
            return totals
        }
    }
}
