//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Ticket-derived figures for the console on PostgreSQL: attainment and CSAT per local day, backlog and its age
// percentiles, newest records, at-risk tickets, breach lists. Same rules as SQLiteStore+Figures.swift, computed in SQL.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightModel
import OversightStore
import PostgresNIO

extension PostgresStore {
    /// The `v3-figure-indexes` migration: the indexes of the figure queries, as SQLite's `v6-figure-indexes` (for the
    /// reads over every provider; those of one provider use the provider-led indexes of `v1`), and one of the at-risk
    /// standings, so the at-risk list reads only those.
    static let figureIndexesMigration = Migration(
        identifier: "v3-figure-indexes",
        statements: [
            "CREATE INDEX ticket_first_settled ON ticket (COALESCE(first_reply_at, solved_at))",
            "CREATE INDEX ticket_resolved ON ticket (COALESCE(solved_at, closed_at)) WHERE status IN ('solved', 'closed')",
            "CREATE INDEX ticket_open_age ON ticket (provider, site, created_at) WHERE status NOT IN ('solved', 'closed')",
            "CREATE INDEX ticket_csat_day ON ticket (COALESCE(solved_at, closed_at, updated_at)) WHERE csat IS NOT NULL",
            "CREATE INDEX ticket_newest ON ticket (provider, site, updated_at)",
            "CREATE INDEX sla_event_by_time ON sla_event (kind, at)",
            "CREATE INDEX ticket_sla_at_risk ON ticket_sla (provider, id) WHERE state = 'at_risk'",
        ]
    )

    /// Slots of 15 minutes, as in the SQLite store: an instant counts on the local day of the start of its slot (every
    /// time zone's offset being a multiple of 15 minutes, that is the instant's own local day).
    static let slotSeconds = 900.0

    /// The zone's IANA name for `AT TIME ZONE`, or `nil` for a fixed-offset zone (`TimeZone(secondsFromGMT:)`, named
    /// `GMT+0530` by Foundation), which goes by its offset: PostgreSQL would read `GMT+0530` as a POSIX zone, whose
    /// sign is the other way round.
    private static func zoneName(_ zone: TimeZone) -> String? {
        let identifier = zone.identifier
        guard identifier.hasPrefix("GMT") || identifier.hasPrefix("UTC"), identifier.count > 3 else { return identifier }
        let sign = identifier[identifier.index(identifier.startIndex, offsetBy: 3)]
        return sign == "+" || sign == "-" ? nil : identifier
    }

    /// `WITH zone AS (…)`: each provider's time zone, as an IANA name or, for a fixed-offset zone, its offset in seconds.
    private static func zoneTable(_ timeZones: [String: TimeZone], _ q: inout QueryBuilder) throws -> String {
        let entries = timeZones.sorted { $0.key < $1.key }
        let providers = try q.bind(entries.map(\.key))
        let names = try q.bind(NullableArray(entries.map { Self.zoneName($0.value) }))
        let offsets = try q.bind(entries.map { Int64($0.value.secondsFromGMT()) })
        return "zone AS (SELECT * FROM UNNEST(\(providers)::text[], \(names)::text[], \(offsets)::int8[]) AS z(provider, name, seconds))"
    }

    /// The local day (`YYYY-MM-DD`) of the slot `slot` of `zone z` (UTC for a provider without one): the zone's rules
    /// through `AT TIME ZONE`, or its fixed offset.
    private static func localDay(slot: String) -> String {
        """
        to_char(CASE WHEN z.name IS NOT NULL THEN to_timestamp(\(slot) * \(Self.slotSeconds)) AT TIME ZONE z.name
                     ELSE to_timestamp(\(slot) * \(Self.slotSeconds) + COALESCE(z.seconds, 0)) AT TIME ZONE 'UTC' END, 'YYYY-MM-DD')
        """
    }

    /// ` AND column = $n` when `provider` is given.
    private static func providerFilter(_ column: String, _ provider: String?, _ q: inout QueryBuilder) throws -> String {
        guard let provider else { return "" }
        return " AND \(column) = \(try q.bind(provider))"
    }

    /// Ticket SLA attainment per provider × site × clock × local day, for clocks decided in `[from, to)`, by the rules
    /// of ``DailyAttainment`` (the same as ``SQLiteStore/dailyAttainment(from:to:provider:timeZones:)``).
    package func dailyAttainment(from: Date, to: Date, provider: String?, timeZones: [String: TimeZone]) async throws -> [DailyAttainment] {
        var q = QueryBuilder()
        let zone = try Self.zoneTable(timeZones, &q)
        let lower = try q.bind(from.timeIntervalSince1970)
        let upper = try q.bind(to.timeIntervalSince1970)
        let slot = Self.slotSeconds
        let missed = try Self.providerFilter("provider", provider, &q)
        let decided = try Self.providerFilter("t.provider", provider, &q)
        q.sql = """
            WITH \(zone), decided AS (
                SELECT provider, site, clock, trunc(at / \(slot)) AS slot, COUNT(*) AS due, 0::int8 AS met
                FROM sla_event WHERE kind = 'breach' AND at >= \(lower) AND at < \(upper)\(missed)
                GROUP BY 1, 2, 3, 4
                UNION ALL
                SELECT t.provider, t.site, 'first_reply', trunc(COALESCE(t.first_reply_at, t.solved_at) / \(slot)), COUNT(*), COUNT(*)
                FROM ticket t JOIN ticket_sla s ON s.provider = t.provider AND s.id = t.id
                WHERE COALESCE(t.first_reply_at, t.solved_at) >= \(lower) AND COALESCE(t.first_reply_at, t.solved_at) < \(upper)\(decided)
                  AND NOT EXISTS (SELECT 1 FROM sla_event e WHERE e.provider = t.provider AND e.ticket_id = t.id AND e.clock = 'first_reply'
                                  AND e.kind = 'breach')
                GROUP BY 1, 2, 4
                UNION ALL
                SELECT t.provider, t.site, 'resolution', trunc(COALESCE(t.solved_at, t.closed_at) / \(slot)), COUNT(*), COUNT(*)
                FROM ticket t JOIN ticket_sla s ON s.provider = t.provider AND s.id = t.id
                WHERE t.status IN ('solved', 'closed') AND COALESCE(t.solved_at, t.closed_at) >= \(lower)
                  AND COALESCE(t.solved_at, t.closed_at) < \(upper)\(decided)
                  AND NOT EXISTS (SELECT 1 FROM sla_event e WHERE e.provider = t.provider AND e.ticket_id = t.id AND e.clock = 'resolution'
                                  AND e.kind = 'breach')
                GROUP BY 1, 2, 4
            )
            SELECT d.provider, d.site, \(Self.localDay(slot: "d.slot")) AS day, d.clock, SUM(d.due)::int8, SUM(d.met)::int8
            FROM decided d LEFT JOIN zone z ON z.provider = d.provider
            GROUP BY 1, 2, 3, 4
            """
        return try await self.rows(q.query).map { row in
            let (provider, site, day, clock, due, met) = try row.decode((String, String, String, String, Int, Int).self)
            return DailyAttainment(provider: provider, site: site, day: day, clock: clock, due: due, met: met)
        }
        .sorted { ($0.provider, $0.site, $0.day, $0.clock) < ($1.provider, $1.site, $1.day, $1.clock) }
    }

    /// CSAT from tickets per provider × site × local day: tickets with a score, on the day they were solved (or closed,
    /// or last updated when neither), in `[from, to)`.
    package func dailyCSAT(from: Date, to: Date, provider: String?, timeZones: [String: TimeZone]) async throws -> [DailyCSAT] {
        var q = QueryBuilder()
        let zone = try Self.zoneTable(timeZones, &q)
        let lower = try q.bind(from.timeIntervalSince1970)
        let upper = try q.bind(to.timeIntervalSince1970)
        let filter = try Self.providerFilter("provider", provider, &q)
        let decided = "COALESCE(solved_at, closed_at, updated_at)"
        q.sql = """
            WITH \(zone), scored AS (
                SELECT provider, site, trunc(\(decided) / \(Self.slotSeconds)) AS slot, COUNT(*) AS responses,
                       COUNT(*) FILTER (WHERE csat >= 4) AS satisfied, SUM(csat) AS score_sum
                FROM ticket WHERE csat IS NOT NULL AND \(decided) >= \(lower) AND \(decided) < \(upper)\(filter)
                GROUP BY 1, 2, 3
            )
            SELECT d.provider, d.site, \(Self.localDay(slot: "d.slot")) AS day, SUM(d.responses)::int8, SUM(d.satisfied)::int8,
                   SUM(d.score_sum)::int8
            FROM scored d LEFT JOIN zone z ON z.provider = d.provider
            GROUP BY 1, 2, 3
            """
        return try await self.rows(q.query).map { row in
            let (provider, site, day, responses, satisfied, scoreSum) = try row.decode((String, String, String, Int, Int, Int).self)
            return DailyCSAT(provider: provider, site: site, day: day, responses: responses, satisfied: satisfied, scoreSum: scoreSum)
        }
        .sorted { ($0.provider, $0.site, $0.day) < ($1.provider, $1.site, $1.day) }
    }

    /// Open tickets per provider × site (byte order) with the oldest creation time and the median and 90th percentile
    /// age at `now`, by nearest rank as the SQLite store computes them: the value at rank ⌈p·n⌉ (at least 1) of the
    /// ages in ascending order — exactly `percentile_disc(p)` (PostgreSQL's `rownum = ceil(percentile * rowcount)`),
    /// never an interpolation (`percentile_cont` would average the two middle ages of an even count).
    package func backlog(now: Date, provider: String?) async throws -> [BacklogFigure] {
        var q = QueryBuilder()
        let reference = try q.bind(now.timeIntervalSince1970)
        let filter = try Self.providerFilter("provider", provider, &q)
        let age = "GREATEST(0::float8, \(reference) - created_at)"
        q.sql = """
            SELECT provider, site, COUNT(*), MIN(created_at),
                   percentile_disc(0.5::float8) WITHIN GROUP (ORDER BY \(age)),
                   percentile_disc(0.9::float8) WITHIN GROUP (ORDER BY \(age))
            FROM ticket WHERE status NOT IN ('solved', 'closed')\(filter)
            GROUP BY provider, site ORDER BY provider COLLATE "C", site COLLATE "C"
            """
        return try await self.rows(q.query).map { row in
            let (provider, site, open, oldest, median, p90) = try row.decode((String, String, Int, Double, Double, Double).self)
            return BacklogFigure(
                provider: provider, site: site, open: open, oldestCreatedAt: Date(timeIntervalSince1970: oldest), medianAgeSeconds: median,
                p90AgeSeconds: p90
            )
        }
    }

    /// Newest record time (greatest `updated_at`) per provider × site.
    package func newestRecords(provider: String?) async throws -> [String: [String: Date]] {
        var q = QueryBuilder()
        q.sql = "SELECT provider, site, MAX(updated_at) FROM ticket WHERE true"
        q.sql += try Self.providerFilter("provider", provider, &q)
        q.sql += " GROUP BY provider, site"
        var result: [String: [String: Date]] = [:]
        for row in try await self.rows(q.query) {
            let (provider, site, newest) = try row.decode((String, String, Double).self)
            result[provider, default: [:]][site] = Date(timeIntervalSince1970: newest)
        }
        return result
    }

    /// Open tickets at risk, soonest deadline first (the earlier of the two clocks' due times), at most `limit` (every
    /// one when negative, as SQLite's `LIMIT`).
    package func atRiskTickets(provider: String?, limit: Int) async throws -> [AtRiskTicket] {
        var q = QueryBuilder()
        let filter = try Self.providerFilter("t.provider", provider, &q)
        let bound = try q.bind(limit < 0 ? nil : Int64(limit))
        q.sql = """
            SELECT t.provider, t.site, t.id, s.first_reply_due, s.resolution_due, s.at_risk_at, d.due
            FROM ticket_sla s JOIN ticket t ON t.provider = s.provider AND t.id = s.id
            CROSS JOIN LATERAL (SELECT LEAST(COALESCE(s.first_reply_due, s.resolution_due), COALESCE(s.resolution_due, s.first_reply_due)) AS due) d
            WHERE s.state = 'at_risk' AND t.status NOT IN ('solved', 'closed') AND d.due IS NOT NULL\(filter)
            ORDER BY d.due LIMIT \(bound)
            """
        return try await self.rows(q.query).map { row in
            let (provider, site, id, first, resolution, atRiskAt, due) =
                try row.decode((String, String, String, Double?, Double?, Double?, Double).self)
            return AtRiskTicket(
                provider: provider, site: site, ticketId: id,
                clock: first == due ? "first_reply" : (resolution == due ? "resolution" : "first_reply"),
                deadline: Date(timeIntervalSince1970: due), atRiskAt: Self.date(atRiskAt)
            )
        }
    }

    /// Breach events of `provider` in `[from, to)`, newest first, at most `limit` (every one when negative).
    package func breaches(provider: String, from: Date, to: Date, limit: Int) async throws -> [SLAEventRow] {
        let bound: Int64? = limit < 0 ? nil : Int64(limit)
        return try await self.rows(
            """
            SELECT id, provider, site, ticket_id, clock, kind, at, detected_at, late_data FROM sla_event
            WHERE kind = 'breach' AND provider = \(provider) AND at >= \(from.timeIntervalSince1970) AND at < \(to.timeIntervalSince1970)
            ORDER BY at DESC, id DESC LIMIT \(bound)
            """
        ).map { try Self.slaEvent($0).event }
    }
}
