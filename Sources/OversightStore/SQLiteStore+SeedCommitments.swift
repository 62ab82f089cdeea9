//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Published seed commitments on SQLite (SeedCommitment.swift).
//
//===----------------------------------------------------------------------===//

import Foundation
import GRDB

extension SQLiteStore {
    /// The `v19-seed-commitments` migration: `seed_commitment`, append-only (triggers refuse UPDATE and DELETE).
    static func migrateSeedCommitments(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE seed_commitment (
                    provider TEXT NOT NULL,
                    period TEXT NOT NULL,
                    commitment TEXT NOT NULL,
                    published_at REAL NOT NULL,
                    PRIMARY KEY (provider, period, commitment)
                );
                CREATE TRIGGER seed_commitment_no_update BEFORE UPDATE ON seed_commitment
                BEGIN SELECT RAISE(ABORT, 'seed commitments are append-only'); END;
                CREATE TRIGGER seed_commitment_no_delete BEFORE DELETE ON seed_commitment
                BEGIN SELECT RAISE(ABORT, 'seed commitments are append-only'); END;
                """
        )
    }

    package func publishSeedCommitments(_ rows: [SeedCommitmentRow]) async throws {
        guard !rows.isEmpty else { return }
        try await self.writer.write { db in
            for row in rows {
                try db.execute(
                    sql: "INSERT INTO seed_commitment (provider, period, commitment, published_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                    arguments: [row.provider, row.period, row.commitment, row.publishedAt.timeIntervalSince1970]
                )
            }
        }
    }

    package func seedCommitments(provider: String, period: String?, limit: Int) async throws -> [SeedCommitmentRow] {
        try await self.writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT provider, period, commitment, published_at FROM seed_commitment
                    WHERE provider = ? AND (? IS NULL OR period = ?) ORDER BY published_at, period, commitment LIMIT ?
                    """,
                arguments: [provider, period, period, max(0, limit)]
            ).map { SeedCommitmentRow(provider: $0[0], period: $0[1], commitment: $0[2], publishedAt: Date(timeIntervalSince1970: $0[3])) }
        }
    }
}
