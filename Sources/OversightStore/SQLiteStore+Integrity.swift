//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Finding stored rows that break the integrity rules: written by another site's agent, dated in the future.
//
//===----------------------------------------------------------------------===//

import Foundation
import GRDB
import OversightModel

extension SQLiteStore {
    package func integrityFindings(latest: Date, limit: Int) async throws -> [IntegrityFinding] {
        let earliest = RecordIntegrity.earliestTimestamp.timeIntervalSince1970
        let latest = latest.timeIntervalSince1970
        // `other_site`: the agent that wrote the stored version is not enrolled for the row's site (or is gone).
        func query(kind: String, table: String, key: String, times: [String]) -> String {
            let otherSite = "(a.id IS NULL OR (r.site <> a.site AND instr(',' || a.extra_sites || ',', ',' || r.site || ',') = 0))"
            let future = times.map { "r.\($0) > :latest" }.joined(separator: " OR ")
            let early = times.map { "r.\($0) < :earliest" }.joined(separator: " OR ")
            return """
                SELECT '\(kind)', r.provider, r.site, \(key), r.agent_id, r.batch_seq, r.updated_at,
                    CASE WHEN \(otherSite) THEN 'other_site' WHEN \(future) THEN 'future' ELSE 'too_early' END
                FROM \(table) r LEFT JOIN agent a ON a.id = r.agent_id
                WHERE \(otherSite) OR \(future) OR \(early)
                """
        }
        let sql = [
            query(kind: "ticket", table: "ticket", key: "r.id", times: ["created_at", "updated_at"]),
            query(
                kind: "interval", table: "interval_metric",
                key: "r.queue || '|' || strftime('%Y-%m-%dT%H:%M:%fZ', r.start, 'unixepoch')", times: ["start", "updated_at"]
            ),
            query(kind: "evaluation", table: "qa_evaluation", key: "r.id", times: ["evaluated_at", "updated_at"]),
        ].joined(separator: "\nUNION ALL\n") + "\nORDER BY 2, 3, 1, 4 LIMIT :limit"
        return try await self.writer.read { db in
            try Row.fetchAll(db, sql: sql, arguments: ["latest": latest, "earliest": earliest, "limit": limit]).map { row in
                IntegrityFinding(
                    kind: row[0], provider: row[1], site: row[2], key: row[3], agentId: row[4], batchSeq: row[5],
                    problem: row[7], updatedAt: Date(timeIntervalSince1970: row[6])
                )
            }
        }
    }
}
