//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Commands the coordinator signs for an agent (docs/protocol.md 4.6) and what the agent reports it trusts.
//
//===----------------------------------------------------------------------===//

import Foundation

/// What an agent trusts, reported in `hello` and in a `commandResult`.
public struct TrustReport: Codable, Sendable, Hashable {
    /// `sha256:` fingerprints of the CA certificates the agent verifies the coordinator's chain against.
    public var caFingerprints: [String]
    /// RFC 7638 thumbprints (base64url SHA-256) of the coordinator command keys the agent accepts.
    public var coordinatorKeys: [String]
    /// A fresh random value per connection (base64url of 16 bytes): a command is valid only on the connection whose
    /// `hello` carried it, so a command recorded on one connection cannot be replayed on another.
    public var nonce: String
    /// Creates a report.
    public init(caFingerprints: [String], coordinatorKeys: [String], nonce: String) {
        self.caFingerprints = caFingerprints
        self.coordinatorKeys = coordinatorKeys
        self.nonce = nonce
    }
}

/// The signed content of a `command` (the JWS payload, `typ` `oversight-command+jws`).
public struct CommandPayload: Codable, Sendable, Hashable {
    /// Payload format version (1).
    public var v: Int
    /// `cmd_` and 20 lowercase hex digits, unique per command.
    public var id: String
    /// What to do: `trust` (``TrustUpdate``).
    public var kind: String
    /// The agent the command is for.
    public var agentId: String
    /// The nonce of the `hello` of the connection the command is sent on.
    public var nonce: String
    public var issuedAt: Date
    /// After this the agent refuses the command.
    public var expiresAt: Date
    /// With `kind` `trust`: what the agent is to trust from now on.
    public var trust: TrustUpdate?
    /// With `kind` `sample-request`: the interactions head office asks for.
    public var sample: SampleRequestCommand?
    /// With `kind` `sample-seeds`: the published seed commitments of the provider's current and next periods.
    public var seeds: SampleSeedsCommand?

    /// Creates a payload.
    public init(
        id: String, kind: String, agentId: String, nonce: String, issuedAt: Date, expiresAt: Date, trust: TrustUpdate? = nil,
        sample: SampleRequestCommand? = nil, seeds: SampleSeedsCommand? = nil
    ) {
        self.sample = sample
        self.seeds = seeds
        self.v = 1
        self.id = id
        self.kind = kind
        self.agentId = agentId
        self.nonce = nonce
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
        self.trust = trust
    }

    /// `kind` of a trust update.
    public static let trustKind = "trust"
    /// `kind` of a sample request.
    public static let sampleRequestKind = "sample-request"
    /// `kind` of a seed announcement.
    public static let sampleSeedsKind = "sample-seeds"
}

/// The SHA-256 of the sampling seeds of a provider's current and next periods, sent before the periods start: the agent
/// keeps the first one it hears for each period, and refuses a later different one and any sample request whose seed
/// commitment differs from it (head office cannot change a period's seed after publishing it).
public struct SampleSeedsCommand: Codable, Sendable, Hashable {
    public var provider: String
    public var seeds: [PeriodSeed]

    /// One period's commitment.
    public struct PeriodSeed: Codable, Sendable, Hashable {
        /// `2026-W49` or `2026-11`.
        public var period: String
        /// SHA-256 (hex) of the period's seed.
        public var seedCommitment: String
        /// Creates a value.
        public init(period: String, seedCommitment: String) {
            self.period = period
            self.seedCommitment = seedCommitment
        }
    }

    /// Creates an announcement.
    public init(provider: String, seeds: [PeriodSeed]) {
        self.provider = provider
        self.seeds = seeds
    }
}

/// A head-office sample request: return these tickets' interactions, redacted, as `interaction` records.
public struct SampleRequestCommand: Codable, Sendable, Hashable {
    /// `smp_` and 20 lowercase hex digits; each interaction record names it.
    public var requestId: String
    /// The provider whose tickets they are: an agent of another provider refuses the request.
    public var provider: String
    /// The site whose tickets they are.
    public var site: String
    /// The sample's period (`2026-W49`).
    public var period: String
    /// SHA-256 (hex) of the period's sampling seed, as published before the period; the seed itself is revealed
    /// when the period closes, so the provider can recompute the draw (docs/audits.md).
    public var seedCommitment: String
    /// The sampled tickets, at most ``maxTickets``.
    public var ticketIds: [String]

    /// Most tickets one request names.
    public static let maxTickets = 2_000

    /// Creates a request.
    public init(requestId: String, provider: String, site: String, period: String, seedCommitment: String, ticketIds: [String]) {
        self.requestId = requestId
        self.provider = provider
        self.site = site
        self.period = period
        self.seedCommitment = seedCommitment
        self.ticketIds = ticketIds
    }
}

/// The whole set of CA certificates and command keys an agent is to trust (it replaces the agent's sets), and
/// whether it should renew its certificate now (a CA rollover issues renewals from the new CA).
public struct TrustUpdate: Codable, Sendable, Hashable {
    /// PEM CA certificates, the coordinator's current one first.
    public var caCertificates: [String]
    /// The coordinator's command keys, the one it signs with first.
    public var coordinatorKeys: [PublicJWK]
    /// Send `renew` now, whatever the certificate's expiry.
    public var renewCertificate: Bool

    /// Creates an update.
    public init(caCertificates: [String], coordinatorKeys: [PublicJWK], renewCertificate: Bool) {
        self.caCertificates = caCertificates
        self.coordinatorKeys = coordinatorKeys
        self.renewCertificate = renewCertificate
    }
}
