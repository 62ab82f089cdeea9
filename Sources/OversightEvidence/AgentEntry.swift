//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// agents.json: each agent of the provider with its registered keys.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightModel

/// One agent in `agents.json`, as the coordinator registered it at enrollment.
package struct EvidenceAgent: Codable, Sendable, Hashable {
    /// The agent id: the `kid` of its batches and the CN of its certificate.
    package var id: String
    package var provider: String
    /// Its own site, and the sites head office added (`token create --also-site`).
    package var site: String
    package var extraSites: [String]
    /// The Ed25519 batch-signing public key sent in `enroll.signingKey` (RFC 8037 OKP JWK).
    package var signingKey: PublicJWK
    /// Serial (hex) and expiry of its current TLS client certificate, issued by `ca.pem`. The coordinator keeps the
    /// serial and expiry, not the certificate itself; TLS certificates do not sign batches.
    package var certificateSerial: String
    package var certificateNotAfter: Date
    package var enrolledAt: Date
    package var revokedAt: Date?
    /// The agent's committed chain head at export: its last batch's seq and hash.
    package var lastSeq: Int64
    package var lastHash: String

    /// Creates an entry.
    package init(
        id: String, provider: String, site: String, extraSites: [String], signingKey: PublicJWK, certificateSerial: String,
        certificateNotAfter: Date, enrolledAt: Date, revokedAt: Date?, lastSeq: Int64, lastHash: String
    ) {
        self.id = id
        self.provider = provider
        self.site = site
        self.extraSites = extraSites
        self.signingKey = signingKey
        self.certificateSerial = certificateSerial
        self.certificateNotAfter = certificateNotAfter
        self.enrolledAt = enrolledAt
        self.revokedAt = revokedAt
        self.lastSeq = lastSeq
        self.lastHash = lastHash
    }
}

/// One stored batch in `batches.json`; its JWS is in `file`.
package struct EvidenceBatch: Codable, Sendable, Hashable {
    package var agentId: String
    package var seq: Int64
    /// Lowercase hex SHA-256 of the payload bytes, as the coordinator stored it.
    package var hash: String
    /// The previous batch's hash (64 zeros for seq 1).
    package var prev: String
    package var recordCount: Int
    /// When the coordinator committed it; the order in which batches were applied.
    package var receivedAt: Date
    /// The file holding the flattened JWS exactly as received, relative to the bundle.
    package var file: String

    /// Creates an entry.
    package init(agentId: String, seq: Int64, hash: String, prev: String, recordCount: Int, receivedAt: Date, file: String) {
        self.agentId = agentId
        self.seq = seq
        self.hash = hash
        self.prev = prev
        self.recordCount = recordCount
        self.receivedAt = receivedAt
        self.file = file
    }
}

/// One QA dispute in `disputes.json`, with its decision (append-only at the coordinator).
package struct EvidenceDispute: Codable, Sendable, Hashable {
    package var id: Int64
    package var evaluationId: String
    package var openedBy: String
    package var openedAt: Date
    package var reason: String
    /// `open`, `upheld` or `rejected`.
    package var state: String
    package var decidedBy: String?
    package var decidedAt: Date?
    package var decisionNote: String?

    /// Creates an entry.
    package init(
        id: Int64, evaluationId: String, openedBy: String, openedAt: Date, reason: String, state: String, decidedBy: String?,
        decidedAt: Date?, decisionNote: String?
    ) {
        self.id = id
        self.evaluationId = evaluationId
        self.openedBy = openedBy
        self.openedAt = openedAt
        self.reason = reason
        self.state = state
        self.decidedBy = decidedBy
        self.decidedAt = decidedAt
        self.decisionNote = decisionNote
    }
}
