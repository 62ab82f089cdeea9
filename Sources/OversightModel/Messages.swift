//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Every message of the agent protocol, both directions (docs/protocol.md).
//
//===----------------------------------------------------------------------===//

import Foundation

/// Protocol version spoken by this build.
public let oversightProtocolVersion = 1

/// SHA-256 "hash" of the batch before the first one: 64 zeros.
public let genesisBatchHash = String(repeating: "0", count: 64)

/// An Ed25519 public key as an RFC 8037 OKP JWK.
public struct PublicJWK: Codable, Sendable, Hashable {
    public var kty: String
    public var crv: String
    /// Base64url (no padding) of the 32-byte public key.
    public var x: String
    /// Creates an OKP Ed25519 JWK from the base64url public key.
    public init(x: String) {
        self.kty = "OKP"
        self.crv = "Ed25519"
        self.x = x
    }
}

/// A JWS in the flattened JSON serialization (RFC 7515 §7.2.2), without an unprotected header.
public struct FlattenedJWS: Codable, Sendable, Hashable {
    /// Base64url of the protected header JSON.
    public var protected: String
    /// Base64url of the payload bytes.
    public var payload: String
    /// Base64url of the signature.
    public var signature: String
    /// Creates a flattened JWS from its three base64url parts.
    public init(protected: String, payload: String, signature: String) {
        self.protected = protected
        self.payload = payload
        self.signature = signature
    }
}

/// The signed content of a batch (the JWS payload).
public struct BatchPayload: Codable, Sendable, Hashable {
    /// Payload format version (1).
    public var v: Int
    public var agentId: String
    public var provider: String
    public var site: String
    /// Per-agent sequence number, from 1, no gaps.
    public var seq: Int64
    /// Lowercase hex SHA-256 of the previous batch's payload bytes (``genesisBatchHash`` before seq 1).
    public var prev: String
    /// When the agent sealed the batch.
    public var sealedAt: Date
    public var records: [Record]

    /// Creates a batch payload.
    public init(
        agentId: String, provider: String, site: String, seq: Int64, prev: String, sealedAt: Date, records: [Record]
    ) {
        self.v = 1
        self.agentId = agentId
        self.provider = provider
        self.site = site
        self.seq = seq
        self.prev = prev
        self.sealedAt = sealedAt
        self.records = records
    }
}

/// Heartbeat figures an agent reports.
public struct HeartbeatInfo: Codable, Sendable, Hashable {
    public var version: String
    /// Records in the outbox not yet acknowledged.
    public var outboxDepth: Int
    /// Bytes the outbox holds.
    public var outboxBytes: Int64
    /// Age in seconds of the oldest unacknowledged record, 0 when empty.
    public var oldestUnsentAgeSeconds: Double
    /// Whether the outbox reached its disk limit (new source files are left in place).
    public var outboxFull: Bool
    /// Last error of any source, if its latest attempt failed.
    public var lastSourceError: String?
    public var lastAckedSeq: Int64
    public var sentAt: Date

    /// Creates heartbeat figures.
    public init(
        version: String, outboxDepth: Int, outboxBytes: Int64, oldestUnsentAgeSeconds: Double, outboxFull: Bool,
        lastSourceError: String?, lastAckedSeq: Int64, sentAt: Date
    ) {
        self.version = version
        self.outboxDepth = outboxDepth
        self.outboxBytes = outboxBytes
        self.oldestUnsentAgeSeconds = oldestUnsentAgeSeconds
        self.outboxFull = outboxFull
        self.lastSourceError = lastSourceError
        self.lastAckedSeq = lastAckedSeq
        self.sentAt = sentAt
    }
}

/// Messages from an agent to the coordinator.
public enum AgentMessage: Sendable, Hashable {
    /// Enrollment on a connection without a client certificate.
    case enroll(Enroll)
    /// First message on a mutual-TLS connection.
    case hello(Hello)
    case batch(FlattenedJWS)
    case heartbeat(HeartbeatInfo)
    /// Certificate renewal: a new CSR for the agent's TLS key.
    case renew(Renew)
    /// The outcome of a coordinator's `command`.
    case commandResult(CommandResult)

    public struct Enroll: Codable, Sendable, Hashable {
        public var token: String
        /// PEM PKCS#10 request for the agent's TLS key (P-256).
        public var csr: String
        /// The agent's Ed25519 batch-signing key.
        public var signingKey: PublicJWK
        public var hostname: String
        public var version: String
        /// Creates an enrollment request.
        public init(token: String, csr: String, signingKey: PublicJWK, hostname: String, version: String) {
            self.token = token
            self.csr = csr
            self.signingKey = signingKey
            self.hostname = hostname
            self.version = version
        }
    }

    public struct Hello: Codable, Sendable, Hashable {
        public var `protocol`: Int
        public var agentId: String
        public var version: String
        /// What the agent trusts, with this connection's command nonce; an agent that sends it accepts `command`
        /// messages (section 4.6). Agents without it are never sent commands.
        public var trust: TrustReport?
        /// Creates a hello.
        public init(agentId: String, version: String, trust: TrustReport? = nil) {
            self.protocol = oversightProtocolVersion
            self.agentId = agentId
            self.version = version
            self.trust = trust
        }
    }

    /// The agent's answer to a `command`.
    public struct CommandResult: Codable, Sendable, Hashable {
        /// The command's `id` (from its payload), or `""` when the payload could not be read.
        public var id: String
        /// `applied` or `refused`.
        public var status: String
        /// Why it was refused (for people; never parse it).
        public var message: String?
        /// What the agent trusts after applying it.
        public var trust: TrustReport?
        /// Creates a result.
        public init(id: String, status: String, message: String? = nil, trust: TrustReport? = nil) {
            self.id = id
            self.status = status
            self.message = message
            self.trust = trust
        }
    }

    public struct Renew: Codable, Sendable, Hashable {
        public var csr: String
        /// Creates a renewal request.
        public init(csr: String) { self.csr = csr }
    }
}

/// Messages from the coordinator to an agent.
public enum CoordinatorMessage: Sendable, Hashable {
    case enrolled(Enrolled)
    case welcome(Welcome)
    case ack(Ack)
    case resend(Resend)
    case renewed(Renewed)
    /// A command signed by the coordinator (section 4.6), sent only to agents whose `hello` carried `trust`.
    case command(FlattenedJWS)
    case error(ProtocolErrorMessage)

    public struct Enrolled: Codable, Sendable, Hashable {
        public var agentId: String
        public var provider: String
        public var site: String
        /// PEM of the issued client certificate.
        public var certificate: String
        /// PEM of the coordinator's CA certificate.
        public var caCertificate: String
        /// The coordinator's Ed25519 key that signs commands.
        public var coordinatorKey: PublicJWK
        /// Creates an enrollment answer.
        public init(
            agentId: String, provider: String, site: String, certificate: String, caCertificate: String,
            coordinatorKey: PublicJWK
        ) {
            self.agentId = agentId
            self.provider = provider
            self.site = site
            self.certificate = certificate
            self.caCertificate = caCertificate
            self.coordinatorKey = coordinatorKey
        }
    }

    public struct Welcome: Codable, Sendable, Hashable {
        public var `protocol`: Int
        public var agentId: String
        public var provider: String
        public var site: String
        /// Highest batch seq the coordinator has committed for this agent (0 if none).
        public var lastSeq: Int64
        /// Hash of that batch (``genesisBatchHash`` if none).
        public var lastHash: String
        public var serverTime: Date
        public var maxFrameBytes: Int
        public var maxRecordsPerBatch: Int
        public var heartbeatIntervalSeconds: Int
        /// When the agent's certificate expires; the agent renews before.
        public var certificateNotAfter: Date?
        /// Creates a welcome.
        public init(
            agentId: String, provider: String, site: String, lastSeq: Int64, lastHash: String, serverTime: Date,
            maxFrameBytes: Int, maxRecordsPerBatch: Int, heartbeatIntervalSeconds: Int, certificateNotAfter: Date?
        ) {
            self.protocol = oversightProtocolVersion
            self.agentId = agentId
            self.provider = provider
            self.site = site
            self.lastSeq = lastSeq
            self.lastHash = lastHash
            self.serverTime = serverTime
            self.maxFrameBytes = maxFrameBytes
            self.maxRecordsPerBatch = maxRecordsPerBatch
            self.heartbeatIntervalSeconds = heartbeatIntervalSeconds
            self.certificateNotAfter = certificateNotAfter
        }
    }

    public struct Ack: Codable, Sendable, Hashable {
        public var seq: Int64
        public var hash: String
        /// `committed` (stored now) or `duplicate` (stored before; not applied again).
        public var status: String
        /// Records that changed stored state.
        public var applied: Int
        /// Records older than (or equal to) what was stored, so not applied.
        public var stale: Int
        /// Creates an acknowledgement.
        public init(seq: Int64, hash: String, status: String, applied: Int, stale: Int) {
            self.seq = seq
            self.hash = hash
            self.status = status
            self.applied = applied
            self.stale = stale
        }
    }

    public struct Resend: Codable, Sendable, Hashable {
        public var fromSeq: Int64
        public var lastHash: String
        public var reason: String
        /// Creates a resend request.
        public init(fromSeq: Int64, lastHash: String, reason: String) {
            self.fromSeq = fromSeq
            self.lastHash = lastHash
            self.reason = reason
        }
    }

    public struct Renewed: Codable, Sendable, Hashable {
        public var certificate: String
        /// Creates a renewal answer.
        public init(certificate: String) { self.certificate = certificate }
    }
}

/// An error the coordinator reports to an agent; `fatal` errors close the connection.
public struct ProtocolErrorMessage: Codable, Sendable, Hashable {
    public var code: String
    public var message: String
    public var seq: Int64?
    public var fatal: Bool
    /// With `rate_limited`: whole seconds to wait before trying again.
    public var retryAfterSeconds: Int?
    /// Creates an error message.
    public init(code: ProtocolErrorCode, message: String, seq: Int64? = nil, fatal: Bool, retryAfterSeconds: Int? = nil) {
        self.code = code.rawValue
        self.message = message
        self.seq = seq
        self.fatal = fatal
        self.retryAfterSeconds = retryAfterSeconds
    }
}

/// Error codes of the protocol (docs/protocol.md, "Errors").
public struct ProtocolErrorCode: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
    public var rawValue: String
    /// Wraps a raw code.
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { self.rawValue }

    public static let badFrame = Self(rawValue: "bad_frame")
    public static let frameTooLarge = Self(rawValue: "frame_too_large")
    public static let badMessage = Self(rawValue: "bad_message")
    public static let unsupportedProtocol = Self(rawValue: "unsupported_protocol")
    public static let helloRequired = Self(rawValue: "hello_required")
    public static let certificateRequired = Self(rawValue: "certificate_required")
    public static let unknownAgent = Self(rawValue: "unknown_agent")
    public static let revoked = Self(rawValue: "revoked")
    public static let tokenUnknown = Self(rawValue: "token_unknown")
    public static let tokenUsed = Self(rawValue: "token_used")
    public static let tokenExpired = Self(rawValue: "token_expired")
    public static let badCSR = Self(rawValue: "bad_csr")
    public static let badSignature = Self(rawValue: "bad_signature")
    public static let kidMismatch = Self(rawValue: "kid_mismatch")
    public static let chainMismatch = Self(rawValue: "chain_mismatch")
    public static let wrongProvider = Self(rawValue: "wrong_provider")
    /// A record of a site the agent is not enrolled for, or one that would replace another site's record.
    public static let wrongSite = Self(rawValue: "wrong_site")
    public static let badRecord = Self(rawValue: "bad_record")
    public static let tooManyRecords = Self(rawValue: "too_many_records")
    public static let rateLimited = Self(rawValue: "rate_limited")
    public static let timeout = Self(rawValue: "timeout")
    public static let shuttingDown = Self(rawValue: "shutting_down")
    /// The coordinator could not store a batch (a full disk, its database away); the batch is not acknowledged.
    public static let storeUnavailable = Self(rawValue: "store_unavailable")
    public static let internalError = Self(rawValue: "internal")
}

// MARK: - Codable with a `type` discriminator

private enum TypeKey: String, CodingKey { case type }

extension AgentMessage: Codable {
    /// The message's `type` on the wire.
    public var type: String {
        switch self {
        case .enroll: "enroll"
        case .hello: "hello"
        case .batch: "batch"
        case .heartbeat: "heartbeat"
        case .renew: "renew"
        case .commandResult: "commandResult"
        }
    }

    /// Decodes a message by its `type`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: TypeKey.self)
        let type = try container.decode(String.self, forKey: .type)
        switch type {
        case "enroll": self = .enroll(try Enroll(from: decoder))
        case "hello": self = .hello(try Hello(from: decoder))
        case "batch":
            struct Wrapper: Decodable { var jws: FlattenedJWS }
            self = .batch(try Wrapper(from: decoder).jws)
        case "heartbeat": self = .heartbeat(try HeartbeatInfo(from: decoder))
        case "renew": self = .renew(try Renew(from: decoder))
        case "commandResult": self = .commandResult(try CommandResult(from: decoder))
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .type, in: container, debugDescription: "unknown message type '\(type.prefix(40))'"
            )
        }
    }

    /// Encodes the message with its `type`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: TypeKey.self)
        try container.encode(self.type, forKey: .type)
        switch self {
        case .enroll(let value): try value.encode(to: encoder)
        case .hello(let value): try value.encode(to: encoder)
        case .batch(let jws):
            struct Wrapper: Encodable { var jws: FlattenedJWS }
            try Wrapper(jws: jws).encode(to: encoder)
        case .heartbeat(let value): try value.encode(to: encoder)
        case .renew(let value): try value.encode(to: encoder)
        case .commandResult(let value): try value.encode(to: encoder)
        }
    }
}

extension CoordinatorMessage: Codable {
    /// The message's `type` on the wire.
    public var type: String {
        switch self {
        case .enrolled: "enrolled"
        case .welcome: "welcome"
        case .ack: "ack"
        case .resend: "resend"
        case .renewed: "renewed"
        case .command: "command"
        case .error: "error"
        }
    }

    /// Decodes a message by its `type`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: TypeKey.self)
        let type = try container.decode(String.self, forKey: .type)
        switch type {
        case "enrolled": self = .enrolled(try Enrolled(from: decoder))
        case "welcome": self = .welcome(try Welcome(from: decoder))
        case "ack": self = .ack(try Ack(from: decoder))
        case "resend": self = .resend(try Resend(from: decoder))
        case "renewed": self = .renewed(try Renewed(from: decoder))
        case "command":
            struct Wrapper: Decodable { var jws: FlattenedJWS }
            self = .command(try Wrapper(from: decoder).jws)
        case "error": self = .error(try ProtocolErrorMessage(from: decoder))
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .type, in: container, debugDescription: "unknown message type '\(type.prefix(40))'"
            )
        }
    }

    /// Encodes the message with its `type`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: TypeKey.self)
        try container.encode(self.type, forKey: .type)
        switch self {
        case .enrolled(let value): try value.encode(to: encoder)
        case .welcome(let value): try value.encode(to: encoder)
        case .ack(let value): try value.encode(to: encoder)
        case .resend(let value): try value.encode(to: encoder)
        case .renewed(let value): try value.encode(to: encoder)
        case .command(let jws):
            struct Wrapper: Encodable { var jws: FlattenedJWS }
            try Wrapper(jws: jws).encode(to: encoder)
        case .error(let value): try value.encode(to: encoder)
        }
    }
}
