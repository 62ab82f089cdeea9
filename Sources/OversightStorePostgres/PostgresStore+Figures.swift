//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Sums for the SLA engine and the aggregate watch, status, standings and the operations reads.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightModel
import OversightStore
import PostgresNIO

extension PostgresStore {
    package func status(now: Date, offlineAfter: Duration) async throws -> StatusReport {
        let agents = try await self.agents()
        var counts: [(provider: String, site: String, tickets: Int, open: Int, newest: Double?)] = []
        for row in try await self.rows(
            """
            SELECT provider, site, COUNT(*), COUNT(*) FILTER (WHERE status NOT IN ('solved', 'closed')), MAX(updated_at)
            FROM ticket GROUP BY provider, site
            """
        ) {
            let (provider, site, tickets, open, newest) = try row.decode((String, String, Int, Int, Double?).self)
            counts.append((provider, site, tickets, open, newest))
        }
        var sla: [(provider: String, site: String, atRisk: Int, breached: Int)] = []
        for row in try await self.rows(
            """
            SELECT t.provider, t.site, COUNT(*) FILTER (WHERE s.state = 'at_risk'), COUNT(*) FILTER (WHERE s.state = 'breached')
            FROM ticket_sla s JOIN ticket t ON t.provider = s.provider AND t.id = s.id
            WHERE t.status NOT IN ('solved', 'closed') GROUP BY t.provider, t.site
            """
        ) {
            let (provider, site, atRisk, breached) = try row.decode((String, String, Int, Int).self)
            sla.append((provider, site, atRisk, breached))
        }
        struct Key: Hashable {
            var provider: String
            var site: String
        }
        var sites: [Key: StatusReport.Site] = [:]
        for agent in agents where agent.revokedAt == nil {
            let key = Key(provider: agent.provider, site: agent.site)
            var site = sites[key] ?? StatusReport.Site(site: agent.site, agentsOnline: 0, agentsTotal: 0, tickets: 0, openTickets: 0)
            site.agentsTotal += 1
            if agent.isOnline(now: now, offlineAfter: offlineAfter) { site.agentsOnline += 1 }
            sites[key] = site
        }
        for row in counts {
            let key = Key(provider: row.provider, site: row.site)
            var site = sites[key] ?? StatusReport.Site(site: key.site, agentsOnline: 0, agentsTotal: 0, tickets: 0, openTickets: 0)
            site.tickets = row.tickets
            site.openTickets = row.open
            site.newestRecordAt = Self.date(row.newest)
            sites[key] = site
        }
        for row in sla {
            let key = Key(provider: row.provider, site: row.site)
            guard var site = sites[key] else { continue }
            site.atRisk = row.atRisk
            site.breached = row.breached
            sites[key] = site
        }
        var providers: [String: StatusReport.Provider] = [:]
        for (key, site) in sites {
            var provider =
                providers[key.provider]
                ?? StatusReport.Provider(provider: key.provider, agentsOnline: 0, agentsTotal: 0, tickets: 0, openTickets: 0, sites: [])
            provider.agentsOnline += site.agentsOnline
            provider.agentsTotal += site.agentsTotal
            provider.tickets += site.tickets
            provider.openTickets += site.openTickets
            provider.atRisk += site.atRisk
            provider.breached += site.breached
            if let newest = site.newestRecordAt, newest > (provider.newestRecordAt ?? .distantPast) { provider.newestRecordAt = newest }
            provider.sites.append(site)
            providers[key.provider] = provider
        }
        let sorted = providers.values.sorted { $0.provider < $1.provider }.map { provider in
            var provider = provider
            provider.sites.sort { $0.site < $1.site }
            return provider
        }
        return StatusReport(generatedAt: now, providers: sorted)
    }

    // MARK: Interval metrics and QA evaluations

    package func intervalTotals(provider: String, site: String?, queue: String?, from: Date, to: Date) async throws -> IntervalMetricTotals {
        try await self.intervalTotals(
            provider: provider, scope: RecordScope(sites: site.map { [$0] }, queues: queue.map { [$0] }), from: from, to: to
        )
    }

    package func intervalTotals(provider: String, scope: RecordScope, from: Date, to: Date) async throws -> IntervalMetricTotals {
        var q = QueryBuilder()
        q.sql = """
            SELECT COUNT(*), COALESCE(SUM(offered), 0)::int8, COALESCE(SUM(answered), 0)::int8, COALESCE(SUM(answered_within_threshold), 0)::int8,
                COALESCE(SUM(abandoned), 0)::int8, COALESCE(SUM(short_abandons), 0)::int8, COALESCE(SUM(total_answer_delay_seconds), 0)::float8,
                COALESCE(SUM(handled), 0)::int8, COALESCE(SUM(total_handle_time_seconds), 0)::float8, COALESCE(SUM(csat_responses), 0)::int8,
                COALESCE(SUM(csat_satisfied), 0)::int8, COALESCE(SUM(csat_score_sum), 0)::int8,
                COALESCE(SUM(CASE WHEN csat_score_sum IS NULL THEN 0 ELSE csat_responses END), 0)::int8,
                COALESCE(SUM(fcr_responses), 0)::int8, COALESCE(SUM(fcr_yes), 0)::int8, MIN(threshold_seconds), MAX(threshold_seconds),
                COALESCE(SUM(minutes), 0)::int8, COALESCE(SUM(COALESCE(agents_staffed, 0) * minutes), 0)::int8
            FROM interval_metric
            """
        q.sql += " WHERE provider = \(try q.bind(provider)) AND start >= \(try q.bind(from.timeIntervalSince1970)) AND start < \(try q.bind(to.timeIntervalSince1970))"
        try q.scope(scope, site: "site", queue: "queue", channel: "channel", priority: nil)
        guard let row = try await self.rows(q.query).first else { return IntervalMetricTotals() }
        let (intervals, offered, answered, within, abandoned, shortAbandons, delay, handled, handle, csatResponses) =
            try row.decode((Int, Int, Int, Int, Int, Int, Double, Int, Double, Int).self)
        var columns = row.makeIterator()
        for _ in 0..<10 { _ = columns.next() }
        func next<T: PostgresDecodable>(_: T.Type) throws -> T { try columns.next()!.decode(T.self) }
        var totals = IntervalMetricTotals()
        totals.intervals = intervals
        totals.offered = offered
        totals.answered = answered
        totals.answeredWithinThreshold = within
        totals.abandoned = abandoned
        totals.shortAbandons = shortAbandons
        totals.totalAnswerDelaySeconds = delay
        totals.handled = handled
        totals.totalHandleTimeSeconds = handle
        totals.csatResponses = csatResponses
        totals.csatSatisfied = try next(Int.self)
        totals.csatScoreSum = try next(Int.self)
        totals.csatScoredResponses = try next(Int.self)
        totals.fcrResponses = try next(Int.self)
        totals.fcrYes = try next(Int.self)
        totals.minThresholdSeconds = try next(Int?.self)
        totals.maxThresholdSeconds = try next(Int?.self)
        totals.minutes = try next(Int.self)
        totals.staffedMinutes = try next(Int.self)
        return totals
    }

    package func intervalCounts() async throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for row in try await self.rows("SELECT provider, COUNT(*) FROM interval_metric GROUP BY provider") {
            let (provider, count) = try row.decode((String, Int).self)
            counts[provider] = count
        }
        return counts
    }

    package func qaTotals(provider: String, scope: RecordScope, from: Date, to: Date) async throws -> QAEvaluationTotals {
        var q = QueryBuilder()
        q.sql = "SELECT COUNT(*), COALESCE(SUM(score), 0)::float8, COUNT(*) FILTER (WHERE high_impact_errors > 0) FROM qa_evaluation"
        q.sql += " WHERE provider = \(try q.bind(provider)) AND evaluated_at >= \(try q.bind(from.timeIntervalSince1970)) AND evaluated_at < \(try q.bind(to.timeIntervalSince1970))"
        try q.scope(scope, site: "site", queue: "queue", channel: "channel", priority: nil)
        guard let row = try await self.rows(q.query).first else { return QAEvaluationTotals() }
        let (evaluations, scoreSum, flagged) = try row.decode((Int, Double, Int).self)
        return QAEvaluationTotals(evaluations: evaluations, scoreSum: scoreSum, flagged: flagged)
    }

    package func evaluationCounts() async throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for row in try await self.rows("SELECT provider, COUNT(*) FROM qa_evaluation GROUP BY provider") {
            let (provider, count) = try row.decode((String, Int).self)
            counts[provider] = count
        }
        return counts
    }

    // MARK: Aggregates

    /// The tickets of `provider` created in `[from, to)`, by id, at most `limit`.
    package func sampleFrame(provider: String, from: Date, to: Date, limit: Int) async throws -> [SampleFrameRow] {
        var query = QueryBuilder()
        query.sql = SampleFrameSQL.select(
            provider: try query.bind(provider), from: try query.bind(from.timeIntervalSince1970), to: try query.bind(to.timeIntervalSince1970),
            limit: try query.bind(limit)
        )
        return try await self.rows(query.query).map { row in
            let (id, site, channel, status, created, assignee, csat, reopens, breached) =
                try row.decode((String, String, String, String, Double, String?, Int?, Int, Bool).self)
            return SampleFrameRow(
                id: id, site: site, channel: channel, status: status, createdAt: Date(timeIntervalSince1970: created), assignee: assignee, csat: csat,
                reopenCount: reopens, breached: breached
            )
        }
    }

    /// The ticket counts of `provider` in `[from, to)`, by the same rules as ``SQLiteStore/periodTicketCounts(provider:scope:from:to:)``.
    package func periodTicketCounts(provider: String, scope: RecordScope, from: Date, to: Date) async throws -> PeriodTicketCounts {
        let lower = from.timeIntervalSince1970
        let upper = to.timeIntervalSince1970
        var counts = PeriodTicketCounts()
        var breaches = QueryBuilder()
        breaches.sql = """
            SELECT e.clock, COUNT(DISTINCT e.ticket_id) FROM sla_event e JOIN ticket t ON t.provider = e.provider AND t.id = e.ticket_id
            WHERE e.kind = 'breach'
            """
        breaches.sql += " AND e.provider = \(try breaches.bind(provider)) AND e.at >= \(try breaches.bind(lower)) AND e.at < \(try breaches.bind(upper))"
        try breaches.scope(scope, site: "t.site", queue: "t.queue", channel: "t.channel", priority: "t.priority")
        breaches.sql += " GROUP BY e.clock"
        for row in try await self.rows(breaches.query) {
            let (clock, count) = try row.decode((String, Int).self)
            if clock == "first_reply" { counts.firstReplyDue += count }
            if clock == "resolution" { counts.resolutionDue += count }
        }
        var met = QueryBuilder()
        met.sql = """
            SELECT COUNT(*) FROM ticket t JOIN ticket_sla s ON s.provider = t.provider AND s.id = t.id
            WHERE NOT EXISTS (SELECT 1 FROM sla_event e WHERE e.provider = t.provider AND e.ticket_id = t.id
                              AND e.clock = 'first_reply' AND e.kind = 'breach')
            """
        met.sql += " AND t.provider = \(try met.bind(provider)) AND COALESCE(t.first_reply_at, t.solved_at) >= \(try met.bind(lower))"
        met.sql += " AND COALESCE(t.first_reply_at, t.solved_at) < \(try met.bind(upper))"
        try met.scope(scope, site: "t.site", queue: "t.queue", channel: "t.channel", priority: "t.priority")
        counts.firstReplyMet = try await self.rows(met.query).first?.decode(Int.self) ?? 0
        counts.firstReplyDue += counts.firstReplyMet
        var solved = QueryBuilder()
        solved.sql = """
            SELECT COUNT(*),
                COUNT(*) FILTER (WHERE t.reopen_count = 0 AND t.contact_count <= 1),
                COUNT(t.csat), COUNT(*) FILTER (WHERE t.csat >= 4), COALESCE(SUM(t.csat), 0)::int8,
                COUNT(*) FILTER (WHERE s.id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM sla_event e WHERE e.provider = t.provider
                    AND e.ticket_id = t.id AND e.clock = 'resolution' AND e.kind = 'breach'))
            FROM ticket t LEFT JOIN ticket_sla s ON s.provider = t.provider AND s.id = t.id
            WHERE t.status IN ('solved', 'closed')
            """
        solved.sql += " AND t.provider = \(try solved.bind(provider)) AND COALESCE(t.solved_at, t.closed_at) >= \(try solved.bind(lower))"
        solved.sql += " AND COALESCE(t.solved_at, t.closed_at) < \(try solved.bind(upper))"
        try solved.scope(scope, site: "t.site", queue: "t.queue", channel: "t.channel", priority: "t.priority")
        if let row = try await self.rows(solved.query).first {
            let (count, firstContact, answers, satisfied, scoreSum, resolutionMet) = try row.decode((Int, Int, Int, Int, Int, Int).self)
            counts.solved = count
            counts.solvedFirstContact = firstContact
            counts.csatAnswers = answers
            counts.csatSatisfied = satisfied
            counts.csatScoreSum = scoreSum
            counts.resolutionMet = resolutionMet
            counts.resolutionDue += resolutionMet
        }
        return counts
    }

    package func recordAggregateStandings(_ rows: [AggregateStandingRow]) async throws {
        guard !rows.isEmpty else { return }
        var last: [String: AggregateStandingRow] = [:]
        var order: [String] = []
        for row in rows {
            let key = "\(row.provider)\u{1F}\(row.targetId)\u{1F}\(row.periodStart.timeIntervalSince1970.bitPattern)"
            if last[key] == nil { order.append(key) }
            last[key] = row
        }
        let unique = order.map { last[$0]! }
        var q = QueryBuilder()
        let columns: [(String, String)] = [
            (try q.bind(unique.map(\.provider)), "text"), (try q.bind(unique.map(\.targetId)), "text"),
            (try q.bind(unique.map(\.periodStart.timeIntervalSince1970)), "float8"), (try q.bind(unique.map(\.periodEnd.timeIntervalSince1970)), "float8"),
            (try q.bind(unique.map(\.periodKind)), "text"), (try q.bind(unique.map(\.periodLabel)), "text"), (try q.bind(unique.map(\.figure)), "text"),
            (try q.bind(NullableArray(unique.map(\.variant))), "text"), (try q.bind(NullableArray(unique.map(\.value))), "float8"),
            (try q.bind(NullableArray(unique.map(\.referenceValue))), "float8"), (try q.bind(NullableArray(unique.map(\.referenceVariant))), "text"),
            (try q.bind(NullableArray(unique.map(\.projected))), "float8"), (try q.bind(unique.map(\.target)), "float8"),
            (try q.bind(unique.map(\.comparison)), "text"), (try q.bind(unique.map(\.unit)), "text"), (try q.bind(unique.map(\.state)), "text"),
            (try q.bind(unique.map(\.summary)), "text"), (try q.bind(unique.map(\.elapsedShare)), "float8"),
            (try q.bind(unique.map(\.evaluatedAt.timeIntervalSince1970)), "float8"),
        ]
        q.sql = """
            INSERT INTO aggregate_standing (provider, target_id, period_start, period_end, period_kind, period_label, figure, variant,
                value, reference_value, reference_variant, projected, target, comparison, unit, state, summary, elapsed_share, evaluated_at)
            SELECT * FROM UNNEST(\(columns.map { "\($0.0)::\($0.1)[]" }.joined(separator: ", ")))
            ON CONFLICT (provider, target_id, period_start) DO UPDATE SET
                period_end = excluded.period_end, period_kind = excluded.period_kind, period_label = excluded.period_label,
                figure = excluded.figure, variant = excluded.variant, value = excluded.value,
                reference_value = excluded.reference_value, reference_variant = excluded.reference_variant,
                projected = excluded.projected, target = excluded.target, comparison = excluded.comparison, unit = excluded.unit,
                state = excluded.state, summary = excluded.summary, elapsed_share = excluded.elapsed_share,
                evaluated_at = excluded.evaluated_at
            """
        try await self.execute(q.query)
    }

    package func aggregateStandings(provider: String?, containing instant: Date?, limit: Int) async throws -> [AggregateStandingRow] {
        var q = QueryBuilder()
        q.sql = """
            SELECT provider, target_id, figure, variant, period_kind, period_label, period_start, period_end, value, reference_value,
                reference_variant, projected, target, comparison, unit, state, summary, elapsed_share, evaluated_at
            FROM aggregate_standing WHERE true
            """
        if let provider { q.sql += " AND provider = \(try q.bind(provider))" }
        if let instant {
            let at = try q.bind(instant.timeIntervalSince1970)
            q.sql += " AND period_start <= \(at) AND \(at) < period_end"
        }
        q.sql += " ORDER BY provider, target_id, period_start DESC LIMIT \(try q.bind(Int64(max(1, min(limit, 100_000)))))"
        return try await self.rows(q.query).map { row in
            let (provider, targetId, figure, variant, periodKind, periodLabel, periodStart, periodEnd, value, referenceValue) =
                try row.decode((String, String, String, String?, String, String, Double, Double, Double?, Double?).self)
            var columns = row.makeIterator()
            for _ in 0..<10 { _ = columns.next() }
            func next<T: PostgresDecodable>(_: T.Type) throws -> T { try columns.next()!.decode(T.self) }
            return AggregateStandingRow(
                provider: provider, targetId: targetId, figure: figure, variant: variant, periodKind: periodKind, periodLabel: periodLabel,
                periodStart: Date(timeIntervalSince1970: periodStart), periodEnd: Date(timeIntervalSince1970: periodEnd), value: value,
                referenceValue: referenceValue, referenceVariant: try next(String?.self), projected: try next(Double?.self),
                target: try next(Double.self), comparison: try next(String.self), unit: try next(String.self), state: try next(String.self),
                summary: try next(String.self), elapsedShare: try next(Double.self), evaluatedAt: Date(timeIntervalSince1970: try next(Double.self))
            )
        }
    }

    // MARK: Operations

    package func metricsSnapshot() async throws -> StoreMetricsSnapshot {
        try await self.transaction { connection in
            func run(_ query: PostgresQuery) async throws -> [PostgresRow] { try await connection.query(query, logger: self.logger).collect() }
            try await connection.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", logger: self.logger)
            let agents = try await run(
                "SELECT id, provider, site, connected, revoked_at IS NOT NULL, last_seq, outbox_depth, certificate_not_after FROM agent ORDER BY id"
            ).map { row in
                let (id, provider, site, connected, revoked, batches, depth, notAfter) =
                    try row.decode((String, String, String, Bool, Bool, Int64, Int64?, Double).self)
                return StoreMetricsSnapshot.Agent(
                    id: id, provider: provider, site: site, connected: connected, revoked: revoked, batches: batches, outboxDepth: depth,
                    certificateNotAfter: notAfter
                )
            }
            var security: [String: Int64] = [:]
            for row in try await run("SELECT kind, COUNT(*) FROM security_event GROUP BY kind") {
                let (kind, count) = try row.decode((String, Int64).self)
                security[kind] = count
            }
            let sla = try await run("SELECT provider, kind, COUNT(*) FROM sla_event GROUP BY provider, kind ORDER BY provider, kind").map { row in
                let (provider, kind, count) = try row.decode((String, String, Int64).self)
                return StoreMetricsSnapshot.SLAEventCount(provider: provider, kind: kind, count: count)
            }
            return StoreMetricsSnapshot(agents: agents, securityEventsByKind: security, slaEvents: sla)
        }
    }

    package func recordCount(agentId: String, after: Int64, through: Int64) async throws -> Int64 {
        guard through > after else { return 0 }
        return try await self.rows(
            "SELECT COALESCE(SUM(record_count), 0)::int8 FROM batch WHERE agent_id = \(agentId) AND seq > \(after) AND seq <= \(through)"
        ).first?.decode(Int64.self) ?? 0
    }
}
