//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Published seed commitments on PostgreSQL (as SQLiteStore+SeedCommitments.swift).
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightStore
import PostgresNIO

extension PostgresStore {
    /// The `v15-seed-commitments` migration: as SQLite's `v19-seed-commitments`.
    static let seedCommitmentsMigration = Migration(
        identifier: "v15-seed-commitments",
        statements: [
            """
            CREATE TABLE seed_commitment (
                provider text NOT NULL,
                period text NOT NULL,
                commitment text NOT NULL,
                published_at double precision NOT NULL,
                PRIMARY KEY (provider, period, commitment)
            )
            """,
            """
            CREATE TRIGGER seed_commitment_append_only BEFORE UPDATE OR DELETE ON seed_commitment FOR EACH ROW
                EXECUTE FUNCTION oversight_refuse_change('seed commitments are append-only')
            """,
            """
            CREATE TRIGGER seed_commitment_append_only_truncate BEFORE TRUNCATE ON seed_commitment FOR EACH STATEMENT
                EXECUTE FUNCTION oversight_refuse_change('seed commitments are append-only')
            """,
        ]
    )

    package func publishSeedCommitments(_ rows: [SeedCommitmentRow]) async throws {
        guard !rows.isEmpty else { return }
        try await self.transaction { connection in
            for row in rows {
                try await connection.query(
                    """
                    INSERT INTO seed_commitment (provider, period, commitment, published_at)
                    VALUES (\(row.provider), \(row.period), \(row.commitment), \(row.publishedAt.timeIntervalSince1970)) ON CONFLICT DO NOTHING
                    """,
                    logger: self.logger
                )
            }
        }
    }

    package func seedCommitments(provider: String, period: String?, limit: Int) async throws -> [SeedCommitmentRow] {
        try await self.rows(
            """
            SELECT provider, period, commitment, published_at FROM seed_commitment
            WHERE provider = \(provider) AND (\(period)::text IS NULL OR period = \(period))
            ORDER BY published_at, period, commitment LIMIT \(max(0, limit))
            """
        ).map { row in
            let (provider, period, commitment, published) = try row.decode((String, String, String, Double).self)
            return SeedCommitmentRow(provider: provider, period: period, commitment: commitment, publishedAt: Date(timeIntervalSince1970: published))
        }
    }
}
