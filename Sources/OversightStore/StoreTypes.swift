//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// What the coordinator stores: agents, enrollment tokens, signed batches, tickets, security events.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightModel

/// An enrolled agent as the coordinator knows it.
package struct AgentRow: Sendable, Hashable, Codable {
    package var id: String
    package var provider: String
    package var site: String
    package var hostname: String
    /// Base64url Ed25519 public key (the JWK `x`) that signs this agent's batches.
    package var signingKey: String
    package var certificateSerial: String
    package var certificateNotAfter: Date
    package var enrolledAt: Date
    package var revokedAt: Date?
    package var lastSeq: Int64
    package var lastHash: String
    package var lastBatchAt: Date?
    package var lastHeartbeatAt: Date?
    package var version: String?
    package var outboxDepth: Int?
    package var outboxBytes: Int64?
    package var oldestUnsentAgeSeconds: Double?
    package var outboxFull: Bool
    package var lastSourceError: String?
    package var connected: Bool
    /// Sites beyond ``site`` that head office enrolled the agent for (`token create --also-site`); usually none.
    package var extraSites: [String] = []

    /// Every site the agent may write records for: its own and the extra ones.
    package var sites: [String] { [self.site] + self.extraSites }

    /// Whether the agent may write a record of `site`.
    package func mayWrite(site: String) -> Bool {
        site == self.site || self.extraSites.contains(site)
    }

    /// Whether the agent counts as online at `now`: heard from within `offlineAfter`, and not revoked.
    package func isOnline(now: Date, offlineAfter: Duration) -> Bool {
        guard self.revokedAt == nil, let heartbeat = self.lastHeartbeatAt ?? self.lastBatchAt else { return false }
        return now.timeIntervalSince(heartbeat) <= Double(offlineAfter.components.seconds)
    }
    /// Creates a value (for other store backends).
    package init(id: String, provider: String, site: String, hostname: String, signingKey: String, certificateSerial: String, certificateNotAfter: Date, enrolledAt: Date, revokedAt: Date? = nil, lastSeq: Int64, lastHash: String, lastBatchAt: Date? = nil, lastHeartbeatAt: Date? = nil, version: String? = nil, outboxDepth: Int? = nil, outboxBytes: Int64? = nil, oldestUnsentAgeSeconds: Double? = nil, outboxFull: Bool, lastSourceError: String? = nil, connected: Bool, extraSites: [String] = []) {
        self.id = id
        self.provider = provider
        self.site = site
        self.hostname = hostname
        self.signingKey = signingKey
        self.certificateSerial = certificateSerial
        self.certificateNotAfter = certificateNotAfter
        self.enrolledAt = enrolledAt
        self.revokedAt = revokedAt
        self.lastSeq = lastSeq
        self.lastHash = lastHash
        self.lastBatchAt = lastBatchAt
        self.lastHeartbeatAt = lastHeartbeatAt
        self.version = version
        self.outboxDepth = outboxDepth
        self.outboxBytes = outboxBytes
        self.oldestUnsentAgeSeconds = oldestUnsentAgeSeconds
        self.outboxFull = outboxFull
        self.lastSourceError = lastSourceError
        self.connected = connected
        self.extraSites = extraSites
    }
}

/// What an agent last reported it trusts, and the CA of its latest certificate (docs/operations.md, rotations).
package struct AgentTrustRow: Sendable, Hashable, Codable {
    package var agentId: String
    /// `sha256:` CA fingerprints the agent trusts; `nil` until an agent that reports them connects.
    package var caFingerprints: [String]?
    /// Thumbprints of the coordinator command keys the agent accepts; `nil` until reported.
    package var coordinatorKeys: [String]?
    /// `sha256:` fingerprint of the CA that issued the agent's latest certificate; `nil` until known.
    package var certificateIssuer: String?
    package var reportedAt: Date
    /// Creates a row.
    package init(agentId: String, caFingerprints: [String]?, coordinatorKeys: [String]?, certificateIssuer: String?, reportedAt: Date) {
        self.agentId = agentId
        self.caFingerprints = caFingerprints
        self.coordinatorKeys = coordinatorKeys
        self.certificateIssuer = certificateIssuer
        self.reportedAt = reportedAt
    }

    /// The comma-separated form both stores keep lists in (fingerprints and thumbprints hold no comma).
    package static func join(_ values: [String]?) -> String? { values.map { $0.joined(separator: ",") } }
    /// The list of a stored comma-separated text.
    package static func split(_ text: String?) -> [String]? {
        text.map { $0.isEmpty ? [] : $0.split(separator: ",").map(String.init) }
    }
}

/// A head-office request for a sample's interactions, sent to the agent of the sampled tickets' site.
package struct SampleRequestRow: Sendable, Hashable, Codable {
    /// `smp_` and 20 lowercase hex digits.
    package var id: String
    package var provider: String
    package var site: String
    /// The agent it is sent to.
    package var agentId: String
    /// The sample's period (`2026-W49`).
    package var period: String
    /// SHA-256 (hex) of the period's seed, as published.
    package var seedCommitment: String
    package var ticketIds: [String]
    package var createdAt: Date
    /// When the agent said it took the request (its `commandResult` `applied`); `nil` while it is still to be sent.
    package var acknowledgedAt: Date?
    /// Creates a row.
    package init(
        id: String, provider: String, site: String, agentId: String, period: String, seedCommitment: String, ticketIds: [String], createdAt: Date,
        acknowledgedAt: Date? = nil
    ) {
        self.id = id
        self.provider = provider
        self.site = site
        self.agentId = agentId
        self.period = period
        self.seedCommitment = seedCommitment
        self.ticketIds = ticketIds
        self.createdAt = createdAt
        self.acknowledgedAt = acknowledgedAt
    }
}

/// A stored interaction, with the agent and batch that sent it.
package struct StoredInteraction: Sendable, Hashable, Codable {
    package var record: InteractionRecord
    package var agentId: String
    package var batchSeq: Int64
    /// Creates a value.
    package init(record: InteractionRecord, agentId: String, batchSeq: Int64) {
        self.record = record
        self.agentId = agentId
        self.batchSeq = batchSeq
    }
}

/// A new agent to register when its token is consumed.
package struct NewAgent: Sendable, Hashable {
    package var id: String
    package var hostname: String
    package var signingKey: String
    package var certificateSerial: String
    package var certificateNotAfter: Date
    /// Creates a registration.
    package init(id: String, hostname: String, signingKey: String, certificateSerial: String, certificateNotAfter: Date) {
        self.id = id
        self.hostname = hostname
        self.signingKey = signingKey
        self.certificateSerial = certificateSerial
        self.certificateNotAfter = certificateNotAfter
    }
}

/// An enrollment token's scope, found by the token's hash.
package struct TokenRow: Sendable, Hashable {
    package var provider: String
    package var site: String
    package var expiresAt: Date
    package var usedAt: Date?
    /// Sites beyond ``site`` the agent enrolled with this token may write for.
    package var extraSites: [String] = []
    /// Creates a value (for other store backends).
    package init(provider: String, site: String, expiresAt: Date, usedAt: Date? = nil, extraSites: [String] = []) {
        self.provider = provider
        self.site = site
        self.expiresAt = expiresAt
        self.usedAt = usedAt
        self.extraSites = extraSites
    }
}

/// Why a token cannot be used.
package enum TokenProblem: Error, Sendable, Hashable {
    case unknown
    case used
    case expired
}

/// A verified batch ready to be stored.
package struct IncomingBatch: Sendable {
    package var agentId: String
    package var seq: Int64
    package var hash: String
    package var prev: String
    package var jws: FlattenedJWS
    package var receivedAt: Date
    package var tickets: [TicketRecord]
    /// Interval metric records, stored in the same transaction as the tickets.
    package var intervals: [IntervalRecord]
    /// QA evaluations (audit samples), stored in the same transaction as the tickets.
    package var evaluations: [EvaluationRecord]
    /// Interactions returned for sample requests, stored in the same transaction.
    package var interactions: [InteractionRecord] = []
    /// Creates a batch to store.
    package init(
        agentId: String, seq: Int64, hash: String, prev: String, jws: FlattenedJWS, receivedAt: Date, tickets: [TicketRecord],
        intervals: [IntervalRecord] = [], evaluations: [EvaluationRecord] = [], interactions: [InteractionRecord] = []
    ) {
        self.interactions = interactions
        self.agentId = agentId
        self.seq = seq
        self.hash = hash
        self.prev = prev
        self.jws = jws
        self.receivedAt = receivedAt
        self.tickets = tickets
        self.intervals = intervals
        self.evaluations = evaluations
    }

    /// Records of every kind in the batch.
    package var recordCount: Int { self.tickets.count + self.intervals.count + self.evaluations.count + self.interactions.count }
}

/// What storing a batch did. The sequence and chain are checked inside the storing transaction.
package enum CommitOutcome: Sendable, Hashable {
    /// Stored now; `applied` records changed state, `stale` were older than or equal to what was stored.
    case committed(applied: Int, stale: Int)
    /// This exact batch was stored before; nothing was applied again.
    case duplicate
    /// The batch skips ahead: the coordinator expects `expected` (after `lastHash`).
    case gap(expected: Int64, lastHash: String)
    /// The batch's `prev` does not match the stored chain, or a different batch already holds this seq.
    case chainMismatch(expectedPrev: String)
    case unknownAgent
    case revoked
    /// A record would replace a stored `kind` record `key` of another site (`storedSite`); nothing was stored.
    case wrongSite(kind: String, key: String, storedSite: String)
}

/// The outcome of storing a batch, with the tickets that changed stored state (for the SLA engine).
package struct CommitResult: Sendable {
    package var outcome: CommitOutcome
    /// Tickets whose stored row changed (not the stale ones), in batch order.
    package var appliedTickets: [TicketRecord]
    /// Creates a value (for other store backends).
    package init(outcome: CommitOutcome, appliedTickets: [TicketRecord]) {
        self.outcome = outcome
        self.appliedTickets = appliedTickets
    }
}

/// Consolidated status per provider and site.
package struct StatusReport: Sendable, Codable, Hashable {
    package var generatedAt: Date
    package var providers: [Provider]

    package struct Provider: Sendable, Codable, Hashable {
        package var provider: String
        package var agentsOnline: Int
        package var agentsTotal: Int
        package var tickets: Int
        package var openTickets: Int
        package var newestRecordAt: Date?
        package var atRisk: Int = 0
        package var breached: Int = 0
        /// Interval reports stored (filled by ``SQLiteStore/addingIntervalCounts(to:)``).
        package var intervals: Int = 0
        /// QA evaluations stored (filled by ``SQLiteStore/addingEvaluationCounts(to:)``).
        package var evaluations: Int = 0
        package var sites: [Site]
        /// Creates a value (for other store backends).
        package init(provider: String, agentsOnline: Int, agentsTotal: Int, tickets: Int, openTickets: Int, newestRecordAt: Date? = nil, atRisk: Int = 0, breached: Int = 0, intervals: Int = 0, evaluations: Int = 0, sites: [Site]) {
            self.provider = provider
            self.agentsOnline = agentsOnline
            self.agentsTotal = agentsTotal
            self.tickets = tickets
            self.openTickets = openTickets
            self.newestRecordAt = newestRecordAt
            self.atRisk = atRisk
            self.breached = breached
            self.intervals = intervals
            self.evaluations = evaluations
            self.sites = sites
        }
    }

    package struct Site: Sendable, Codable, Hashable {
        package var site: String
        package var agentsOnline: Int
        package var agentsTotal: Int
        package var tickets: Int
        package var openTickets: Int
        package var newestRecordAt: Date?
        /// Open tickets at risk of missing a target now.
        package var atRisk: Int = 0
        /// Open tickets that missed a target.
        package var breached: Int = 0
        /// Creates a value (for other store backends).
        package init(site: String, agentsOnline: Int, agentsTotal: Int, tickets: Int, openTickets: Int, newestRecordAt: Date? = nil, atRisk: Int = 0, breached: Int = 0) {
            self.site = site
            self.agentsOnline = agentsOnline
            self.agentsTotal = agentsTotal
            self.tickets = tickets
            self.openTickets = openTickets
            self.newestRecordAt = newestRecordAt
            self.atRisk = atRisk
            self.breached = breached
        }
    }
    /// Creates a value (for other store backends).
    package init(generatedAt: Date, providers: [Provider]) {
        self.generatedAt = generatedAt
        self.providers = providers
    }
}

/// A stored ticket with the batch it last came in.
package struct StoredTicket: Sendable, Hashable {
    package var record: TicketRecord
    package var agentId: String
    package var batchSeq: Int64
    /// Creates a value (for other store backends).
    package init(record: TicketRecord, agentId: String, batchSeq: Int64) {
        self.record = record
        self.agentId = agentId
        self.batchSeq = batchSeq
    }
}

/// A stored batch (the evidence of what an agent sent).
package struct StoredBatch: Sendable, Hashable {
    package var agentId: String
    package var seq: Int64
    package var hash: String
    package var prev: String
    package var jws: FlattenedJWS
    package var recordCount: Int
    package var receivedAt: Date
    /// Creates a value (for other store backends).
    package init(agentId: String, seq: Int64, hash: String, prev: String, jws: FlattenedJWS, recordCount: Int, receivedAt: Date) {
        self.agentId = agentId
        self.seq = seq
        self.hash = hash
        self.prev = prev
        self.jws = jws
        self.recordCount = recordCount
        self.receivedAt = receivedAt
    }
}

/// A security-relevant event (forged signature, chain mismatch, revoked agent, …).
package struct SecurityEvent: Sendable, Hashable, Codable {
    package var at: Date
    package var agentId: String?
    package var address: String?
    package var kind: String
    package var detail: String
    /// Creates an event.
    package init(at: Date, agentId: String?, address: String?, kind: String, detail: String) {
        self.at = at
        self.agentId = agentId
        self.address = address
        self.kind = kind
        self.detail = detail
    }
}

/// A ticket's SLA standing as the engine last evaluated it.
package struct TicketSLAState: Sendable, Hashable, Codable {
    package var provider: String
    package var ticketId: String
    /// `ok`, `at_risk`, `breached`, `met` or `paused`.
    package var state: String
    package var firstReplyDue: Date?
    package var resolutionDue: Date?
    package var atRiskAt: Date?
    package var breachedAt: Date?
    /// The breach was found after its moment because the data arrived late.
    package var lateData: Bool
    /// Open business seconds held by the provider, the client (head office) and the customer.
    package var providerSeconds: Double
    package var clientSeconds: Double
    package var customerSeconds: Double
    package var evaluatedAt: Date
    /// Creates a state.
    package init(
        provider: String, ticketId: String, state: String, firstReplyDue: Date?, resolutionDue: Date?, atRiskAt: Date?, breachedAt: Date?,
        lateData: Bool, providerSeconds: Double, clientSeconds: Double, customerSeconds: Double, evaluatedAt: Date
    ) {
        self.provider = provider
        self.ticketId = ticketId
        self.state = state
        self.firstReplyDue = firstReplyDue
        self.resolutionDue = resolutionDue
        self.atRiskAt = atRiskAt
        self.breachedAt = breachedAt
        self.lateData = lateData
        self.providerSeconds = providerSeconds
        self.clientSeconds = clientSeconds
        self.customerSeconds = customerSeconds
        self.evaluatedAt = evaluatedAt
    }
}

/// An at-risk or breach moment of one ticket clock, recorded once.
package struct SLAEventRow: Sendable, Hashable, Codable {
    package var provider: String
    package var site: String
    package var ticketId: String
    /// `first_reply` or `resolution`.
    package var clock: String
    /// `at-risk` or `breach`.
    package var kind: String
    /// The true moment (from the ticket's timeline).
    package var at: Date
    /// When the engine found it.
    package var detectedAt: Date
    package var lateData: Bool
    /// Creates an event.
    package init(provider: String, site: String, ticketId: String, clock: String, kind: String, at: Date, detectedAt: Date, lateData: Bool) {
        self.provider = provider
        self.site = site
        self.ticketId = ticketId
        self.clock = clock
        self.kind = kind
        self.at = at
        self.detectedAt = detectedAt
        self.lateData = lateData
    }
}

/// A stored row that breaks an integrity rule (see ``CoordinatorStore/integrityFindings(latest:limit:)``).
package struct IntegrityFinding: Sendable, Hashable, Codable {
    /// `ticket`, `interval` or `evaluation`.
    package var kind: String
    package var provider: String
    package var site: String
    /// The ticket or evaluation id, or the interval's `queue|start`.
    package var key: String
    /// The agent that wrote the stored version, and the batch.
    package var agentId: String
    package var batchSeq: Int64
    /// `other_site` (the writing agent is not enrolled for the row's site), `future` or `too_early`.
    package var problem: String
    /// The row's `updatedAt`.
    package var updatedAt: Date

    /// Creates a finding (for other store backends).
    package init(kind: String, provider: String, site: String, key: String, agentId: String, batchSeq: Int64, problem: String, updatedAt: Date) {
        self.kind = kind
        self.provider = provider
        self.site = site
        self.key = key
        self.agentId = agentId
        self.batchSeq = batchSeq
        self.problem = problem
        self.updatedAt = updatedAt
    }
}
