//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// What each agent trusts (CA certificates, coordinator command keys) and which CA issued its certificate.
//
//===----------------------------------------------------------------------===//

import Foundation
import GRDB
import OversightModel

extension SQLiteStore {
    static func migrateAgentTrust(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE agent_trust (
                    agent_id TEXT PRIMARY KEY REFERENCES agent(id),
                    ca_fingerprints TEXT,
                    coordinator_keys TEXT,
                    certificate_issuer TEXT,
                    reported_at REAL NOT NULL
                );
                """
        )
    }

    package func recordAgentTrust(agentId: String, report: TrustReport?, certificateIssuer: String?, now: Date) async throws {
        try await self.writer.write { db in
            try db.execute(
                sql: """
                    INSERT INTO agent_trust (agent_id, ca_fingerprints, coordinator_keys, certificate_issuer, reported_at)
                    VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (agent_id) DO UPDATE SET
                        ca_fingerprints = COALESCE(excluded.ca_fingerprints, ca_fingerprints),
                        coordinator_keys = COALESCE(excluded.coordinator_keys, coordinator_keys),
                        certificate_issuer = COALESCE(excluded.certificate_issuer, certificate_issuer),
                        reported_at = excluded.reported_at
                    """,
                arguments: [
                    agentId, AgentTrustRow.join(report?.caFingerprints), AgentTrustRow.join(report?.coordinatorKeys), certificateIssuer,
                    now.timeIntervalSince1970,
                ]
            )
        }
    }

    package func agentTrust() async throws -> [String: AgentTrustRow] {
        try await self.writer.read { db in
            let rows = try Row.fetchAll(
                db, sql: "SELECT agent_id, ca_fingerprints, coordinator_keys, certificate_issuer, reported_at FROM agent_trust"
            )
            var result: [String: AgentTrustRow] = [:]
            for row in rows {
                let id: String = row[0]
                result[id] = AgentTrustRow(
                    agentId: id, caFingerprints: AgentTrustRow.split(row[1]), coordinatorKeys: AgentTrustRow.split(row[2]),
                    certificateIssuer: row[3], reportedAt: Date(timeIntervalSince1970: row[4])
                )
            }
            return result
        }
    }
}
