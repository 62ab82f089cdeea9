//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// What each agent trusts and which CA issued its certificate, on PostgreSQL (as SQLiteStore+Trust.swift).
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightModel
import OversightStore
import PostgresNIO

extension PostgresStore {
    /// The `v7-agent-trust` migration: `agent_trust` as in SQLite's `v13-agent-trust`.
    static let agentTrustMigration = Migration(
        identifier: "v7-agent-trust",
        statements: [
            """
            CREATE TABLE agent_trust (
                agent_id text PRIMARY KEY REFERENCES agent(id),
                ca_fingerprints text,
                coordinator_keys text,
                certificate_issuer text,
                reported_at double precision NOT NULL
            )
            """
        ]
    )

    package func recordAgentTrust(agentId: String, report: TrustReport?, certificateIssuer: String?, now: Date) async throws {
        let cas = AgentTrustRow.join(report?.caFingerprints)
        let keys = AgentTrustRow.join(report?.coordinatorKeys)
        try await self.execute(
            """
            INSERT INTO agent_trust (agent_id, ca_fingerprints, coordinator_keys, certificate_issuer, reported_at)
            VALUES (\(agentId), \(cas), \(keys), \(certificateIssuer), \(now.timeIntervalSince1970))
            ON CONFLICT (agent_id) DO UPDATE SET
                ca_fingerprints = COALESCE(excluded.ca_fingerprints, agent_trust.ca_fingerprints),
                coordinator_keys = COALESCE(excluded.coordinator_keys, agent_trust.coordinator_keys),
                certificate_issuer = COALESCE(excluded.certificate_issuer, agent_trust.certificate_issuer),
                reported_at = excluded.reported_at
            """
        )
    }

    package func agentTrust() async throws -> [String: AgentTrustRow] {
        var result: [String: AgentTrustRow] = [:]
        for row in try await self.rows("SELECT agent_id, ca_fingerprints, coordinator_keys, certificate_issuer, reported_at FROM agent_trust") {
            let (id, cas, keys, issuer, at) = try row.decode((String, String?, String?, String?, Double).self)
            result[id] = AgentTrustRow(
                agentId: id, caFingerprints: AgentTrustRow.split(cas), coordinatorKeys: AgentTrustRow.split(keys), certificateIssuer: issuer,
                reportedAt: Date(timeIntervalSince1970: at)
            )
        }
        return result
    }
}
