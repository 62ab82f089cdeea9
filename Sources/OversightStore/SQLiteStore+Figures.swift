//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Ticket-derived figures for the console: SLA attainment per day, backlog and its age, CSAT, newest records.
//
//===----------------------------------------------------------------------===//

import Foundation
import GRDB
import OversightModel
import Synchronization

/// Met and due ticket targets of one provider × site on one local day.
///
/// A clock counts on the day it is decided: **missed** at its breach instant (from `sla_event`), **met** at the
/// moment it stopped in time — the first public reply (or the solve, for a ticket solved without one) for the
/// first-reply clock, the solve or close for the resolution clock — when no breach of that clock is recorded.
/// Only tickets the SLA engine evaluated (a contract applies) count.
package struct DailyAttainment: Sendable, Hashable, Codable {
    package var provider: String
    package var site: String
    /// The local day, `YYYY-MM-DD`, in the provider's time zone.
    package var day: String
    /// `first_reply` or `resolution`.
    package var clock: String
    /// Targets decided that day.
    package var due: Int
    /// Of those, met.
    package var met: Int
    /// Creates a figure.
    package init(provider: String, site: String, day: String, clock: String, due: Int, met: Int) {
        self.provider = provider
        self.site = site
        self.day = day
        self.clock = clock
        self.due = due
        self.met = met
    }
}

/// CSAT responses of one provider × site on one local day (tickets with a score, by the day they were solved).
package struct DailyCSAT: Sendable, Hashable, Codable {
    package var provider: String
    package var site: String
    /// The local day, `YYYY-MM-DD`.
    package var day: String
    /// Tickets with a CSAT score.
    package var responses: Int
    /// Of those, scored 4 or 5 (of 5).
    package var satisfied: Int
    /// Sum of the scores (for the mean).
    package var scoreSum: Int
    /// Creates a figure.
    package init(provider: String, site: String, day: String, responses: Int, satisfied: Int, scoreSum: Int) {
        self.provider = provider
        self.site = site
        self.day = day
        self.responses = responses
        self.satisfied = satisfied
        self.scoreSum = scoreSum
    }
}

/// Open tickets of one provider × site and how old they are (from creation).
package struct BacklogFigure: Sendable, Hashable, Codable {
    package var provider: String
    package var site: String
    /// Open tickets (not solved or closed).
    package var open: Int
    /// Creation time of the oldest open ticket.
    package var oldestCreatedAt: Date?
    /// Median age of open tickets, seconds.
    package var medianAgeSeconds: Double?
    /// 90th percentile age of open tickets (nearest rank), seconds.
    package var p90AgeSeconds: Double?
    /// Creates a figure (for other store backends).
    package init(provider: String, site: String, open: Int, oldestCreatedAt: Date?, medianAgeSeconds: Double?, p90AgeSeconds: Double?) {
        self.provider = provider
        self.site = site
        self.open = open
        self.oldestCreatedAt = oldestCreatedAt
        self.medianAgeSeconds = medianAgeSeconds
        self.p90AgeSeconds = p90AgeSeconds
    }
}

/// An open ticket at risk of missing a target, with the deadline it runs towards.
package struct AtRiskTicket: Sendable, Hashable, Codable {
    package var provider: String
    package var site: String
    package var ticketId: String
    /// The clock whose deadline comes first: `first_reply` or `resolution`.
    package var clock: String
    /// When that clock breaches if it keeps running.
    package var deadline: Date
    /// When it became at risk.
    package var atRiskAt: Date?
    /// Creates an entry (for other store backends).
    package init(provider: String, site: String, ticketId: String, clock: String, deadline: Date, atRiskAt: Date?) {
        self.provider = provider
        self.site = site
        self.ticketId = ticketId
        self.clock = clock
        self.deadline = deadline
        self.atRiskAt = atRiskAt
    }
}

extension SQLiteStore {
    /// Indexes the figure queries use, as a migration after the store's own:
    /// `migrator.registerMigration("v5-figures", migrate: Self.migrateFigures)`. Idempotent: until it is registered,
    /// the figure queries create the indexes themselves (``ensureFigureIndexes()``).
    static func migrateFigures(_ db: Database) throws {
        try Self.createFigureIndexes(db)
    }

    /// Creates the figure indexes if missing.
    static func createFigureIndexes(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE INDEX IF NOT EXISTS ticket_first_settled ON ticket (COALESCE(first_reply_at, solved_at));
                CREATE INDEX IF NOT EXISTS ticket_resolved ON ticket (COALESCE(solved_at, closed_at)) WHERE status IN ('solved', 'closed');
                CREATE INDEX IF NOT EXISTS ticket_open_age ON ticket (provider, site, created_at) WHERE status NOT IN ('solved', 'closed');
                CREATE INDEX IF NOT EXISTS ticket_csat_day ON ticket (COALESCE(solved_at, closed_at, updated_at)) WHERE csat IS NOT NULL;
                CREATE INDEX IF NOT EXISTS ticket_newest ON ticket (provider, site, updated_at);
                CREATE INDEX IF NOT EXISTS sla_event_by_time ON sla_event (kind, at);
                """
        )
    }

    /// Stores whose figure indexes this process made sure of.
    private static let indexed = Mutex<Set<ObjectIdentifier>>([])

    /// Makes sure the figure indexes exist (for stores whose migrator does not register them); once per store.
    package func ensureFigureIndexes() async throws {
        let id = ObjectIdentifier(self)
        guard !Self.indexed.withLock({ $0.contains(id) }) else { return }
        try await self.writer.write { db in try Self.createFigureIndexes(db) }
        Self.indexed.withLock { _ = $0.insert(id) }
    }

    /// SQLite's plan for `sql` (`EXPLAIN QUERY PLAN`), its steps joined by `; ` — to check that a query uses an index.
    package func queryPlan(_ sql: String) async throws -> String {
        try await self.writer.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql).map { $0["detail"] as String }.joined(separator: "; ")
        }
    }

    /// Slots of 15 minutes: every time zone's offset is a multiple of 15 minutes, so a slot never straddles a local midnight.
    private static let slot = 900.0

    /// The local day of a slot.
    private static func day(slot: Int64, timeZone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day], from: Date(timeIntervalSince1970: Double(slot) * Self.slot))
        return String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
    }

    private static func providerFilter(_ column: String, _ provider: String?, _ arguments: inout StatementArguments) -> String {
        guard let provider else { return "" }
        arguments += [provider]
        return " AND \(column) = ?"
    }

    /// Ticket SLA attainment per provider × site × clock × local day, for clocks decided in `[from, to)`.
    /// - Parameters:
    ///   - from: start of the range (inclusive).
    ///   - to: end of the range (exclusive).
    ///   - provider: one provider, or every provider when `nil`.
    ///   - timeZones: the local time zone of each provider (its contract's); UTC for others.
    package func dailyAttainment(from: Date, to: Date, provider: String? = nil, timeZones: [String: TimeZone] = [:]) async throws
        -> [DailyAttainment]
    {
        try await self.ensureFigureIndexes()
        let lower = from.timeIntervalSince1970
        let upper = to.timeIntervalSince1970
        var arguments = StatementArguments()
        arguments += [Self.slot, lower, upper]
        let missedFilter = Self.providerFilter("provider", provider, &arguments)
        arguments += [Self.slot, lower, upper]
        let firstFilter = Self.providerFilter("t.provider", provider, &arguments)
        arguments += [Self.slot, lower, upper]
        let resolvedFilter = Self.providerFilter("t.provider", provider, &arguments)
        let sql = """
            SELECT provider, site, clock, CAST(at / ? AS INTEGER) AS slot, COUNT(*) AS due, 0 AS met
            FROM sla_event WHERE kind = 'breach' AND at >= ? AND at < ?\(missedFilter)
            GROUP BY provider, site, clock, slot
            UNION ALL
            SELECT t.provider, t.site, 'first_reply', CAST(COALESCE(t.first_reply_at, t.solved_at) / ? AS INTEGER) AS slot, COUNT(*), COUNT(*)
            FROM ticket t JOIN ticket_sla s ON s.provider = t.provider AND s.id = t.id
            WHERE COALESCE(t.first_reply_at, t.solved_at) >= ? AND COALESCE(t.first_reply_at, t.solved_at) < ?\(firstFilter)
              AND NOT EXISTS (SELECT 1 FROM sla_event e WHERE e.provider = t.provider AND e.ticket_id = t.id AND e.clock = 'first_reply' AND e.kind = 'breach')
            GROUP BY t.provider, t.site, slot
            UNION ALL
            SELECT t.provider, t.site, 'resolution', CAST(COALESCE(t.solved_at, t.closed_at) / ? AS INTEGER) AS slot, COUNT(*), COUNT(*)
            FROM ticket t JOIN ticket_sla s ON s.provider = t.provider AND s.id = t.id
            WHERE t.status IN ('solved', 'closed') AND COALESCE(t.solved_at, t.closed_at) >= ? AND COALESCE(t.solved_at, t.closed_at) < ?\(resolvedFilter)
              AND NOT EXISTS (SELECT 1 FROM sla_event e WHERE e.provider = t.provider AND e.ticket_id = t.id AND e.clock = 'resolution' AND e.kind = 'breach')
            GROUP BY t.provider, t.site, slot
            """
        let statementArguments = arguments
        let rows = try await self.writer.read { db in try Row.fetchAll(db, sql: sql, arguments: statementArguments) }
        struct Key: Hashable {
            var provider: String
            var site: String
            var day: String
            var clock: String
        }
        var totals: [Key: (due: Int, met: Int)] = [:]
        for row in rows {
            let provider: String = row[0]
            let key = Key(provider: provider, site: row[1], day: Self.day(slot: row[3], timeZone: timeZones[provider] ?? .gmt), clock: row[2])
            let due: Int = row[4]
            let met: Int = row[5]
            totals[key, default: (0, 0)].due += due
            totals[key, default: (0, 0)].met += met
        }
        return totals.map { DailyAttainment(provider: $0.key.provider, site: $0.key.site, day: $0.key.day, clock: $0.key.clock, due: $0.value.due, met: $0.value.met) }
            .sorted { ($0.provider, $0.site, $0.day, $0.clock) < ($1.provider, $1.site, $1.day, $1.clock) }
    }

    /// CSAT from tickets per provider × site × local day: tickets with a score, counted on the day they were solved
    /// (or closed, or last updated when neither), in `[from, to)`.
    package func dailyCSAT(from: Date, to: Date, provider: String? = nil, timeZones: [String: TimeZone] = [:]) async throws -> [DailyCSAT] {
        try await self.ensureFigureIndexes()
        var arguments = StatementArguments()
        arguments += [Self.slot, from.timeIntervalSince1970, to.timeIntervalSince1970]
        let filter = Self.providerFilter("provider", provider, &arguments)
        let sql = """
            SELECT provider, site, CAST(COALESCE(solved_at, closed_at, updated_at) / ? AS INTEGER) AS slot,
                   COUNT(*), SUM(csat >= 4), SUM(csat)
            FROM ticket WHERE csat IS NOT NULL
              AND COALESCE(solved_at, closed_at, updated_at) >= ? AND COALESCE(solved_at, closed_at, updated_at) < ?\(filter)
            GROUP BY provider, site, slot
            """
        let statementArguments = arguments
        let rows = try await self.writer.read { db in try Row.fetchAll(db, sql: sql, arguments: statementArguments) }
        struct Key: Hashable {
            var provider: String
            var site: String
            var day: String
        }
        var totals: [Key: DailyCSAT] = [:]
        for row in rows {
            let provider: String = row[0]
            let site: String = row[1]
            let day = Self.day(slot: row[2], timeZone: timeZones[provider] ?? .gmt)
            let key = Key(provider: provider, site: site, day: day)
            var figure = totals[key] ?? DailyCSAT(provider: provider, site: site, day: day, responses: 0, satisfied: 0, scoreSum: 0)
            figure.responses += row[3] as Int
            figure.satisfied += row[4] as Int
            figure.scoreSum += row[5] as Int
            totals[key] = figure
        }
        return totals.values.sorted { ($0.provider, $0.site, $0.day) < ($1.provider, $1.site, $1.day) }
    }

    /// Open tickets per provider × site with the age of the oldest, the median and the 90th percentile at `now`.
    package func backlog(now: Date, provider: String? = nil) async throws -> [BacklogFigure] {
        try await self.ensureFigureIndexes()
        var arguments = StatementArguments()
        let filter = Self.providerFilter("provider", provider, &arguments)
        let sql = """
            SELECT provider, site, created_at FROM ticket
            WHERE status NOT IN ('solved', 'closed')\(filter) ORDER BY provider, site, created_at
            """
        let statementArguments = arguments
        let reference = now.timeIntervalSince1970
        return try await self.writer.read { db in
            var figures: [BacklogFigure] = []
            var current: (provider: String, site: String, created: [Double])?
            func flush() {
                guard let group = current, !group.created.isEmpty else { return }
                // Oldest first, so ages are descending: the rank-th youngest is at count - rank.
                let ages = group.created.map { max(0, reference - $0) }
                func percentile(_ share: Double) -> Double {
                    let rank = max(1, Int((share * Double(ages.count)).rounded(.up)))
                    return ages[ages.count - rank]
                }
                figures.append(
                    BacklogFigure(
                        provider: group.provider, site: group.site, open: ages.count,
                        oldestCreatedAt: Date(timeIntervalSince1970: group.created[0]),
                        medianAgeSeconds: percentile(0.5), p90AgeSeconds: percentile(0.9)
                    )
                )
            }
            let cursor = try Row.fetchCursor(db, sql: sql, arguments: statementArguments)
            while let row = try cursor.next() {
                let provider: String = row[0]
                let site: String = row[1]
                let created: Double = row[2]
                if current?.provider != provider || current?.site != site {
                    flush()
                    current = (provider, site, [])
                }
                current?.created.append(created)
            }
            flush()
            return figures
        }
    }

    /// Newest record time (greatest `updated_at`) per provider × site.
    package func newestRecords(provider: String? = nil) async throws -> [String: [String: Date]] {
        var arguments = StatementArguments()
        let filter = provider == nil ? "" : " WHERE provider = ?"
        if let provider { arguments += [provider] }
        let statementArguments = arguments
        return try await self.writer.read { db in
            var result: [String: [String: Date]] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT provider, site, MAX(updated_at) FROM ticket\(filter) GROUP BY provider, site",
                arguments: statementArguments
            ) {
                result[row[0], default: [:]][row[1]] = Date(timeIntervalSince1970: row[2])
            }
            return result
        }
    }

    /// Open tickets at risk, soonest deadline first.
    /// - Parameters:
    ///   - provider: one provider, or all when `nil`.
    ///   - limit: at most this many.
    package func atRiskTickets(provider: String? = nil, limit: Int = 100) async throws -> [AtRiskTicket] {
        try await self.ensureFigureIndexes()
        var arguments = StatementArguments()
        let filter = Self.providerFilter("t.provider", provider, &arguments)
        arguments += [limit]
        let sql = """
            SELECT t.provider, t.site, t.id, s.first_reply_due, s.resolution_due, s.at_risk_at,
                   MIN(COALESCE(s.first_reply_due, s.resolution_due), COALESCE(s.resolution_due, s.first_reply_due)) AS due
            FROM ticket_sla s JOIN ticket t ON t.provider = s.provider AND t.id = s.id
            WHERE s.state = 'at_risk' AND t.status NOT IN ('solved', 'closed') AND due IS NOT NULL\(filter)
            ORDER BY due LIMIT ?
            """
        let statementArguments = arguments
        return try await self.writer.read { db in
            try Row.fetchAll(db, sql: sql, arguments: statementArguments).map { row in
                let first: Double? = row[3]
                let resolution: Double? = row[4]
                let due: Double = row[6]
                return AtRiskTicket(
                    provider: row[0], site: row[1], ticketId: row[2], clock: first == due ? "first_reply" : (resolution == due ? "resolution" : "first_reply"),
                    deadline: Date(timeIntervalSince1970: due), atRiskAt: (row[5] as Double?).map(Date.init(timeIntervalSince1970:))
                )
            }
        }
    }

    /// Breach events of a provider in `[from, to)`, newest first.
    package func breaches(provider: String, from: Date, to: Date, limit: Int = 200) async throws -> [SLAEventRow] {
        try await self.ensureFigureIndexes()
        return try await self.writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT provider, site, ticket_id, clock, kind, at, detected_at, late_data FROM sla_event
                    WHERE kind = 'breach' AND provider = ? AND at >= ? AND at < ? ORDER BY at DESC LIMIT ?
                    """,
                arguments: [provider, from.timeIntervalSince1970, to.timeIntervalSince1970, limit]
            ).map { row in
                SLAEventRow(
                    provider: row[0], site: row[1], ticketId: row[2], clock: row[3], kind: row[4], at: Date(timeIntervalSince1970: row[5]),
                    detectedAt: Date(timeIntervalSince1970: row[6]), lateData: row[7]
                )
            }
        }
    }
}
