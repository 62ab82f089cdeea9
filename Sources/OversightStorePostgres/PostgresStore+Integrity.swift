//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Finding stored rows that break the integrity rules on PostgreSQL: written by another site's agent, dated in the
// future or before the earliest allowed date. Same rules and order as SQLiteStore+Integrity.swift.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightModel
import OversightStore
import PostgresNIO

extension PostgresStore {
    /// An interval's `queue|start` key as SQLite's `strftime('%Y-%m-%dT%H:%M:%fZ', start, 'unixepoch')` writes it: the
    /// instant rounded to the millisecond the way SQLite rounds (half up, on its Julian-day milliseconds).
    private static let intervalKey = """
        r.queue || '|' || to_char(to_timestamp((floor(r.start * 1000::float8 + 210866760000000::float8 + 0.5::float8)
            - 210866760000000::float8) / 1000::float8) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
        """

    /// Rows that break the integrity rules of docs/security.md ("Integrity of stored records"), by provider, site, kind
    /// and key (byte order), at most `limit` (every one when negative).
    package func integrityFindings(latest: Date, limit: Int) async throws -> [IntegrityFinding] {
        var q = QueryBuilder()
        let earliest = try q.bind(RecordIntegrity.earliestTimestamp.timeIntervalSince1970)
        let latest = try q.bind(latest.timeIntervalSince1970)
        let bound = try q.bind(limit < 0 ? nil : Int64(limit))
        // `other_site`: the agent that wrote the stored version is not enrolled for the row's site (or is gone).
        func query(kind: String, table: String, key: String, times: [String]) -> String {
            let otherSite = "(a.id IS NULL OR (r.site <> a.site AND strpos(',' || a.extra_sites || ',', ',' || r.site || ',') = 0))"
            let future = times.map { "r.\($0) > \(latest)" }.joined(separator: " OR ")
            let early = times.map { "r.\($0) < \(earliest)" }.joined(separator: " OR ")
            return """
                SELECT '\(kind)'::text AS kind, r.provider, r.site, \(key) AS key, r.agent_id, r.batch_seq, r.updated_at,
                    CASE WHEN \(otherSite) THEN 'other_site' WHEN \(future) THEN 'future' ELSE 'too_early' END AS problem
                FROM \(table) r LEFT JOIN agent a ON a.id = r.agent_id
                WHERE \(otherSite) OR \(future) OR \(early)
                """
        }
        q.sql = "SELECT kind, provider, site, key, agent_id, batch_seq, updated_at, problem FROM ("
        q.sql += [
            query(kind: "ticket", table: "ticket", key: "r.id", times: ["created_at", "updated_at"]),
            query(kind: "interval", table: "interval_metric", key: Self.intervalKey, times: ["start", "updated_at"]),
            query(kind: "evaluation", table: "qa_evaluation", key: "r.id", times: ["evaluated_at", "updated_at"]),
        ].joined(separator: "\nUNION ALL\n")
        q.sql += ") finding ORDER BY provider COLLATE \"C\", site COLLATE \"C\", kind COLLATE \"C\", key COLLATE \"C\" LIMIT \(bound)"
        return try await self.rows(q.query).map { row in
            let (kind, provider, site, key, agentId, batchSeq, updatedAt, problem) =
                try row.decode((String, String, String, String, String, Int64, Double, String).self)
            return IntegrityFinding(
                kind: kind, provider: provider, site: site, key: key, agentId: agentId, batchSeq: batchSeq, problem: problem,
                updatedAt: Date(timeIntervalSince1970: updatedAt)
            )
        }
    }
}
