//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// When each provider-period's seed commitment was first published (docs/audits.md, "Seed commitments").
//
//===----------------------------------------------------------------------===//

import Foundation

/// A seed commitment (the SHA-256 of a provider-period's seed) and when the coordinator first published it: sent it to
/// an agent of the provider or showed it in the console or API.
package struct SeedCommitmentRow: Sendable, Equatable, Codable {
    package var provider: String
    /// `2026-W49` or `2026-11`.
    package var period: String
    /// 64 lower-case hex digits.
    package var commitment: String
    package var publishedAt: Date

    package init(provider: String, period: String, commitment: String, publishedAt: Date) {
        self.provider = provider
        self.period = period
        self.commitment = commitment
        self.publishedAt = publishedAt
    }
}

/// The record of published seed commitments. A row is never changed or removed: publishing a commitment already
/// recorded for its provider and period keeps the first time; a different commitment for the same period (the sampling
/// secret was replaced) is a second row, which the console shows as a changed commitment.
package protocol SeedCommitmentStore: Sendable {
    /// Records `rows` not recorded yet (by provider, period and commitment); the first publication time stays.
    func publishSeedCommitments(_ rows: [SeedCommitmentRow]) async throws
    /// The recorded commitments of `provider`, of `period` when given, oldest publication first, at most `limit`.
    func seedCommitments(provider: String, period: String?, limit: Int) async throws -> [SeedCommitmentRow]
}
