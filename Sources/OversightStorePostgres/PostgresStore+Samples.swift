//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Sample requests and the interactions they return, on PostgreSQL (as SQLiteStore+Samples.swift).
//
//===----------------------------------------------------------------------===//

import Foundation
import Logging
import OversightModel
import OversightStore
import PostgresNIO

extension PostgresStore {
    /// The `v8-sample-requests` migration: `sample_request` and `interaction` as in SQLite's `v14-sample-requests`.
    static let sampleRequestsMigration = Migration(
        identifier: "v8-sample-requests",
        statements: [
            """
            CREATE TABLE sample_request (
                id text PRIMARY KEY,
                provider text NOT NULL,
                site text NOT NULL,
                agent_id text NOT NULL REFERENCES agent(id),
                period text NOT NULL,
                seed_commitment text NOT NULL,
                ticket_ids text NOT NULL,
                created_at double precision NOT NULL,
                acknowledged_at double precision
            )
            """,
            "CREATE INDEX sample_request_by_agent ON sample_request (agent_id, acknowledged_at)",
            """
            CREATE TABLE interaction (
                provider text NOT NULL,
                request_id text NOT NULL,
                ticket_id text NOT NULL,
                site text NOT NULL,
                agent_id text NOT NULL,
                batch_seq bigint NOT NULL,
                status text NOT NULL,
                reason text,
                format text,
                text text,
                redactions text,
                updated_at double precision NOT NULL,
                PRIMARY KEY (provider, request_id, ticket_id)
            )
            """,
        ]
    )

    static let sampleRequestColumns = "id, provider, site, agent_id, period, seed_commitment, ticket_ids, created_at, acknowledged_at"

    static func sampleRequest(_ row: PostgresRow) throws -> SampleRequestRow {
        let (id, provider, site, agent, period, seed, ids, created, acknowledged) =
            try row.decode((String, String, String, String, String, String, String, Double, Double?).self)
        return SampleRequestRow(
            id: id, provider: provider, site: site, agentId: agent, period: period, seedCommitment: seed,
            ticketIds: try WireJSON.decode([String].self, from: Data(ids.utf8)), createdAt: Date(timeIntervalSince1970: created),
            acknowledgedAt: acknowledged.map(Date.init(timeIntervalSince1970:))
        )
    }

    package func createSampleRequests(_ requests: [SampleRequestRow]) async throws {
        try await self.transaction { connection in
            for request in requests {
                let ids = String(decoding: try WireJSON.encode(request.ticketIds), as: UTF8.self)
                try await connection.query(
                    """
                    INSERT INTO sample_request (id, provider, site, agent_id, period, seed_commitment, ticket_ids, created_at, acknowledged_at)
                    VALUES (\(request.id), \(request.provider), \(request.site), \(request.agentId), \(request.period), \(request.seedCommitment),
                        \(ids), \(request.createdAt.timeIntervalSince1970), \(request.acknowledgedAt?.timeIntervalSince1970))
                    """,
                    logger: self.logger
                )
            }
        }
    }

    package func sampleRequest(id: String) async throws -> SampleRequestRow? {
        try await self.rows("SELECT \(unescaped: Self.sampleRequestColumns) FROM sample_request WHERE id = \(id)").first.map(Self.sampleRequest)
    }

    package func pendingSampleRequests(agentId: String) async throws -> [SampleRequestRow] {
        try await self.rows(
            """
            SELECT \(unescaped: Self.sampleRequestColumns) FROM sample_request
            WHERE agent_id = \(agentId) AND acknowledged_at IS NULL ORDER BY created_at, id
            """
        ).map(Self.sampleRequest)
    }

    package func acknowledgeSampleRequest(id: String, agentId: String, now: Date) async throws {
        try await self.execute(
            """
            UPDATE sample_request SET acknowledged_at = \(now.timeIntervalSince1970)
            WHERE id = \(id) AND agent_id = \(agentId) AND acknowledged_at IS NULL
            """
        )
    }

    package func sampleRequests(provider: String?, period: String?) async throws -> [SampleRequestRow] {
        try await self.rows(
            """
            SELECT \(unescaped: Self.sampleRequestColumns) FROM sample_request
            WHERE (\(provider)::text IS NULL OR provider = \(provider)) AND (\(period)::text IS NULL OR period = \(period))
            ORDER BY created_at DESC, id
            """
        ).map(Self.sampleRequest)
    }

    package func interactions(requestId: String) async throws -> [StoredInteraction] {
        try await self.rows(
            """
            SELECT provider, site, request_id, ticket_id, status, reason, format, text, redactions, updated_at, agent_id, batch_seq
            FROM interaction WHERE request_id = \(requestId) ORDER BY ticket_id
            """
        ).map { row in
            let (provider, site, request, ticket, status, reason, format, text, redactions, updated, agent, seq) =
                try row.decode((String, String, String, String, String, String?, String?, String?, String?, Double, String, Int64).self)
            return StoredInteraction(
                record: InteractionRecord(
                    provider: provider, site: site, requestId: request, ticketId: ticket, status: InteractionStatus(rawValue: status) ?? .missing,
                    reason: reason, format: format.flatMap(InteractionFormat.init(rawValue:)), text: text,
                    redactions: try redactions.map { try WireJSON.decode([String: Int].self, from: Data($0.utf8)) },
                    updatedAt: Date(timeIntervalSince1970: updated)
                ),
                agentId: agent, batchSeq: seq
            )
        }
    }

    /// Upserts a batch's interactions inside its commit transaction (newer `updatedAt` wins); returns how many changed.
    static func upsertInteractions(_ batch: IncomingBatch, provider: String, connection: PostgresConnection, logger: Logger) async throws -> Int {
        var applied = 0
        for interaction in batch.interactions {
            let redactions = try interaction.redactions.map { String(decoding: try WireJSON.encode($0), as: UTF8.self) }
            let rows = try await connection.query(
                """
                INSERT INTO interaction (provider, request_id, ticket_id, site, agent_id, batch_seq, status, reason, format, text, redactions, updated_at)
                VALUES (\(provider), \(interaction.requestId), \(interaction.ticketId), \(interaction.site), \(batch.agentId), \(batch.seq),
                    \(interaction.status.rawValue), \(interaction.reason), \(interaction.format?.rawValue), \(interaction.text), \(redactions),
                    \(interaction.updatedAt.timeIntervalSince1970))
                ON CONFLICT (provider, request_id, ticket_id) DO UPDATE SET
                    site = excluded.site, agent_id = excluded.agent_id, batch_seq = excluded.batch_seq, status = excluded.status,
                    reason = excluded.reason, format = excluded.format, text = excluded.text, redactions = excluded.redactions,
                    updated_at = excluded.updated_at
                WHERE excluded.updated_at > interaction.updated_at
                RETURNING 1
                """,
                logger: logger
            ).collect()
            applied += rows.count
        }
        return applied
    }
}
