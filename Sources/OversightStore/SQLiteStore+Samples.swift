//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Sample requests sent to agents and the interactions they return (docs/audits.md, "The sample request").
//
//===----------------------------------------------------------------------===//

import Foundation
import GRDB
import OversightModel

extension SQLiteStore {
    static func migrateSampleRequests(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE sample_request (
                    id TEXT PRIMARY KEY,
                    provider TEXT NOT NULL,
                    site TEXT NOT NULL,
                    agent_id TEXT NOT NULL REFERENCES agent(id),
                    period TEXT NOT NULL,
                    seed_commitment TEXT NOT NULL,
                    ticket_ids TEXT NOT NULL,
                    created_at REAL NOT NULL,
                    acknowledged_at REAL
                );
                CREATE INDEX sample_request_by_agent ON sample_request (agent_id, acknowledged_at);
                CREATE TABLE interaction (
                    provider TEXT NOT NULL,
                    request_id TEXT NOT NULL,
                    ticket_id TEXT NOT NULL,
                    site TEXT NOT NULL,
                    agent_id TEXT NOT NULL,
                    batch_seq INTEGER NOT NULL,
                    status TEXT NOT NULL,
                    reason TEXT,
                    format TEXT,
                    text TEXT,
                    redactions TEXT,
                    updated_at REAL NOT NULL,
                    PRIMARY KEY (provider, request_id, ticket_id)
                );
                """
        )
    }

    static let sampleRequestColumns =
        "id, provider, site, agent_id, period, seed_commitment, ticket_ids, created_at, acknowledged_at"

    static func sampleRequest(_ row: Row) throws -> SampleRequestRow {
        let ids: String = row[6]
        return SampleRequestRow(
            id: row[0], provider: row[1], site: row[2], agentId: row[3], period: row[4], seedCommitment: row[5],
            ticketIds: try WireJSON.decode([String].self, from: Data(ids.utf8)), createdAt: Date(timeIntervalSince1970: row[7]),
            acknowledgedAt: (row[8] as Double?).map(Date.init(timeIntervalSince1970:))
        )
    }

    package func createSampleRequests(_ requests: [SampleRequestRow]) async throws {
        try await self.writer.write { db in
            for request in requests {
                try db.execute(
                    sql: "INSERT INTO sample_request (\(Self.sampleRequestColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    arguments: [
                        request.id, request.provider, request.site, request.agentId, request.period, request.seedCommitment,
                        String(decoding: try WireJSON.encode(request.ticketIds), as: UTF8.self), request.createdAt.timeIntervalSince1970,
                        request.acknowledgedAt?.timeIntervalSince1970,
                    ]
                )
            }
        }
    }

    package func sampleRequest(id: String) async throws -> SampleRequestRow? {
        try await self.writer.read { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.sampleRequestColumns) FROM sample_request WHERE id = ?", arguments: [id]).map(Self.sampleRequest)
        }
    }

    package func pendingSampleRequests(agentId: String) async throws -> [SampleRequestRow] {
        try await self.writer.read { db in
            try Row.fetchAll(
                db, sql: "SELECT \(Self.sampleRequestColumns) FROM sample_request WHERE agent_id = ? AND acknowledged_at IS NULL ORDER BY created_at, id",
                arguments: [agentId]
            ).map(Self.sampleRequest)
        }
    }

    package func acknowledgeSampleRequest(id: String, agentId: String, now: Date) async throws {
        try await self.writer.write { db in
            try db.execute(
                sql: "UPDATE sample_request SET acknowledged_at = ? WHERE id = ? AND agent_id = ? AND acknowledged_at IS NULL",
                arguments: [now.timeIntervalSince1970, id, agentId]
            )
        }
    }

    package func sampleRequests(provider: String?, period: String?) async throws -> [SampleRequestRow] {
        try await self.writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT \(Self.sampleRequestColumns) FROM sample_request
                    WHERE (? IS NULL OR provider = ?) AND (? IS NULL OR period = ?) ORDER BY created_at DESC, id
                    """,
                arguments: [provider, provider, period, period]
            ).map(Self.sampleRequest)
        }
    }

    package func interactions(requestId: String) async throws -> [StoredInteraction] {
        try await self.writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT provider, site, request_id, ticket_id, status, reason, format, text, redactions, updated_at, agent_id, batch_seq
                    FROM interaction WHERE request_id = ? ORDER BY ticket_id
                    """,
                arguments: [requestId]
            ).map { row in
                let redactions: String? = row[8]
                let status: String = row[4]
                let format: String? = row[6]
                return StoredInteraction(
                    record: InteractionRecord(
                        provider: row[0], site: row[1], requestId: row[2], ticketId: row[3], status: InteractionStatus(rawValue: status) ?? .missing,
                        reason: row[5], format: format.flatMap(InteractionFormat.init(rawValue:)), text: row[7],
                        redactions: try redactions.map { try WireJSON.decode([String: Int].self, from: Data($0.utf8)) },
                        updatedAt: Date(timeIntervalSince1970: row[9])
                    ),
                    agentId: row[10], batchSeq: row[11]
                )
            }
        }
    }

    /// Upserts a batch's interactions inside its commit transaction (newer `updatedAt` wins); returns how many changed.
    static func upsertInteractions(_ batch: IncomingBatch, provider: String, db: Database) throws -> Int {
        guard !batch.interactions.isEmpty else { return 0 }
        var applied = 0
        for interaction in batch.interactions {
            try db.execute(
                sql: """
                    INSERT INTO interaction (provider, request_id, ticket_id, site, agent_id, batch_seq, status, reason, format, text, redactions, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (provider, request_id, ticket_id) DO UPDATE SET
                        site = excluded.site, agent_id = excluded.agent_id, batch_seq = excluded.batch_seq, status = excluded.status,
                        reason = excluded.reason, format = excluded.format, text = excluded.text, redactions = excluded.redactions,
                        updated_at = excluded.updated_at
                    WHERE excluded.updated_at > interaction.updated_at
                    """,
                arguments: [
                    provider, interaction.requestId, interaction.ticketId, interaction.site, batch.agentId, batch.seq, interaction.status.rawValue,
                    interaction.reason, interaction.format?.rawValue, interaction.text,
                    try interaction.redactions.map { String(decoding: try WireJSON.encode($0), as: UTF8.self) },
                    interaction.updatedAt.timeIntervalSince1970,
                ]
            )
            if db.changesCount > 0 { applied += 1 }
        }
        return applied
    }
}
