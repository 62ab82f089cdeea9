//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightStore
import OversightWire

/// One-time enrollment tokens: 32 random bytes, shown once, stored only as their SHA-256.
package enum EnrollmentTokens {
    /// A freshly created token.
    package struct Issued: Sendable {
        package var token: String
        package var expiresAt: Date
    }

    /// Creates and stores a token for `provider`/`site` valid for `ttl`; the agent enrolled with it may also write
    /// records of `extraSites` (head office's explicit choice, for an agent that exports several sites).
    package static func create(
        store: any IngestStore, provider: String, site: String, extraSites: [String] = [], ttl: Duration, now: Date = Date()
    ) async throws -> Issued {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let token = "ovt_" + Base64URL.encode(bytes)
        let expiresAt = now.addingTimeInterval(ttl.seconds)
        try await store.createToken(
            hash: JWS.sha256Hex(Data(token.utf8)), provider: provider, site: site, extraSites: extraSites, createdAt: now,
            expiresAt: expiresAt
        )
        return Issued(token: token, expiresAt: expiresAt)
    }
}
