//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// What `GET /metrics` reads from the store at each scrape.
//
//===----------------------------------------------------------------------===//

import GRDB

/// Store figures for Prometheus, read at scrape time from the agent table and the event tables, never from a scan
/// of the stored batches or records (``recordCount(agentId:after:through:)`` reads only batches new since a scrape).
package struct StoreMetricsSnapshot: Sendable, Equatable {
    /// One enrolled agent.
    package struct Agent: Sendable, Equatable {
        package var id: String
        package var provider: String
        package var site: String
        package var connected: Bool
        package var revoked: Bool
        /// Batches committed (the agent's last sequence number).
        package var batches: Int64
        /// Records waiting in the agent's outbox, as it last reported; nil before its first heartbeat.
        package var outboxDepth: Int64?
        /// When its certificate expires (seconds since 1970).
        package var certificateNotAfter: Double
        /// Creates a value (for other store backends).
        package init(id: String, provider: String, site: String, connected: Bool, revoked: Bool, batches: Int64, outboxDepth: Int64? = nil, certificateNotAfter: Double) {
            self.id = id
            self.provider = provider
            self.site = site
            self.connected = connected
            self.revoked = revoked
            self.batches = batches
            self.outboxDepth = outboxDepth
            self.certificateNotAfter = certificateNotAfter
        }
    }
    package var agents: [Agent]
    /// Security events per kind.
    package var securityEventsByKind: [String: Int64]
    /// SLA events (at risk, breach) per provider and kind.
    package var slaEvents: [SLAEventCount]

    /// A count of SLA events.
    package struct SLAEventCount: Sendable, Equatable {
        package var provider: String
        package var kind: String
        package var count: Int64
        /// Creates a value (for other store backends).
        package init(provider: String, kind: String, count: Int64) {
            self.provider = provider
            self.kind = kind
            self.count = count
        }
    }
    /// Creates a value (for other store backends).
    package init(agents: [Agent], securityEventsByKind: [String: Int64], slaEvents: [SLAEventCount]) {
        self.agents = agents
        self.securityEventsByKind = securityEventsByKind
        self.slaEvents = slaEvents
    }
}

extension SQLiteStore {
    /// Reads the figures of ``StoreMetricsSnapshot`` in one read transaction.
    package func metricsSnapshot() async throws -> StoreMetricsSnapshot {
        try await self.writer.read { db in
            let agents = try Row.fetchAll(
                db,
                sql: """
                    SELECT id, provider, site, connected, revoked_at IS NOT NULL AS revoked, last_seq, outbox_depth, certificate_not_after
                    FROM agent ORDER BY id
                    """
            ).map { row in
                StoreMetricsSnapshot.Agent(
                    id: row["id"], provider: row["provider"], site: row["site"], connected: row["connected"], revoked: row["revoked"],
                    batches: row["last_seq"], outboxDepth: row["outbox_depth"], certificateNotAfter: row["certificate_not_after"]
                )
            }
            var security: [String: Int64] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT kind, COUNT(*) AS n FROM security_event GROUP BY kind") { security[row["kind"]] = row["n"] }
            let sla = try Row.fetchAll(db, sql: "SELECT provider, kind, COUNT(*) AS n FROM sla_event GROUP BY provider, kind ORDER BY provider, kind").map {
                StoreMetricsSnapshot.SLAEventCount(provider: $0["provider"], kind: $0["kind"], count: $0["n"])
            }
            return StoreMetricsSnapshot(agents: agents, securityEventsByKind: security, slaEvents: sla)
        }
    }
}

extension SQLiteStore {
    /// Records carried by the batches `after < seq <= through` of one agent (a primary-key range: the batches new
    /// since the last scrape).
    package func recordCount(agentId: String, after: Int64, through: Int64) async throws -> Int64 {
        guard through > after else { return 0 }
        return try await self.writer.read { db in
            try Int64.fetchOne(
                db, sql: "SELECT COALESCE(SUM(record_count), 0) FROM batch WHERE agent_id = ? AND seq > ? AND seq <= ?",
                arguments: [agentId, after, through]
            ) ?? 0
        }
    }
}
