//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Published seed commitments on every backend: the first publication time stays, a changed commitment is a second
// row, and the table is append-only against SQL.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightTesting
import Testing

@testable import OversightStore

extension StoreBackendTests {
    @Test(arguments: StoreBackend.available)
    func seedCommitmentsKeepTheirFirstPublication(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let a = String(repeating: "a", count: 64)
            let b = String(repeating: "b", count: 64)
            #expect(try await store.seedCommitments(provider: "acme", period: nil, limit: 10).isEmpty)
            try await store.publishSeedCommitments([
                SeedCommitmentRow(provider: "acme", period: "2026-W50", commitment: a, publishedAt: self.now),
                SeedCommitmentRow(provider: "acme", period: "2026-12", commitment: b, publishedAt: self.now),
                SeedCommitmentRow(provider: "globex", period: "2026-W50", commitment: b, publishedAt: self.now),
            ])
            // Published again later: the first time stays.
            try await store.publishSeedCommitments([SeedCommitmentRow(provider: "acme", period: "2026-W50", commitment: a, publishedAt: self.now + 600)])
            var rows = try await store.seedCommitments(provider: "acme", period: "2026-W50", limit: 10)
            #expect(rows == [SeedCommitmentRow(provider: "acme", period: "2026-W50", commitment: a, publishedAt: self.now)])
            // Another commitment for the same period (a replaced secret) is recorded beside the first.
            try await store.publishSeedCommitments([SeedCommitmentRow(provider: "acme", period: "2026-W50", commitment: b, publishedAt: self.now + 900)])
            rows = try await store.seedCommitments(provider: "acme", period: "2026-W50", limit: 10)
            #expect(rows.map(\.commitment) == [a, b] && rows.map(\.publishedAt) == [self.now, self.now + 900])
            #expect(try await store.seedCommitments(provider: "acme", period: nil, limit: 10).count == 3)
            #expect(try await store.seedCommitments(provider: "acme", period: nil, limit: 2).count == 2)
            #expect(try await store.seedCommitments(provider: "globex", period: nil, limit: 10).map(\.period) == ["2026-W50"])
            await Self.expectRefused("UPDATE seed_commitment SET published_at = 0", "seed commitments are append-only", on: store)
            await Self.expectRefused("DELETE FROM seed_commitment", "seed commitments are append-only", on: store)
        }
    }
}
