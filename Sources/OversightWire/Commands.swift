//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Coordinator commands (docs/protocol.md 4.6): signed by the coordinator's command key, checked by the agent.
//
//===----------------------------------------------------------------------===//

import Crypto
import Foundation
import OversightModel

/// Signs and checks `oversight-command+jws` objects.
package enum CommandSigning {
    /// The longest a command is valid for.
    package static let maxLifetime: TimeInterval = 15 * 60
    /// How far in the future a command's `issuedAt` may lie (the coordinator's clock may run ahead).
    package static let maxClockSkew: TimeInterval = 5 * 60
    /// Most CA certificates or keys a trust update may list.
    package static let maxTrustEntries = 4

    /// Signs `payload` with the coordinator's command key; `kid` is the key's RFC 7638 thumbprint.
    package static func sign(_ payload: CommandPayload, key: Curve25519.Signing.PrivateKey) throws -> FlattenedJWS {
        try JWS.sign(
            payload: try WireJSON.encode(payload), kid: JWS.thumbprint(of: JWS.jwk(of: key.publicKey)), type: JWS.commandType, key: key
        )
    }

    /// A fresh command id: `cmd_` and 20 lowercase hex digits.
    package static func newId() -> String {
        "cmd_" + (0..<10).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
    }

    /// A fresh connection nonce: base64url of 16 random bytes.
    package static func newNonce() -> String {
        Base64URL.encode(Data((0..<16).map { _ in UInt8.random(in: 0...255) }))
    }

    /// Why an agent refused a command.
    package struct Refusal: Error, Sendable, Hashable, CustomStringConvertible {
        /// The command's id when its payload could be read.
        package var id: String
        package var reason: String
        package var description: String { self.reason }
    }

    /// Checks a command on the agent: signed by one of `keys` (picked by `kid`), `typ` `oversight-command+jws`, for
    /// `agentId`, carrying this connection's `nonce`, issued no later than `maxClockSkew` ahead of `now` and not
    /// expired, with a lifetime of at most `maxLifetime`. Returns the payload or why it is refused.
    package static func verify(
        _ jws: FlattenedJWS, keys: [PublicJWK], agentId: String, nonce: String, now: Date
    ) -> Result<CommandPayload, Refusal> {
        func refuse(_ reason: String, id: String = "") -> Result<CommandPayload, Refusal> {
            .failure(Refusal(id: id, reason: reason))
        }
        guard let kid = JWS.kid(of: jws) else { return refuse("the command's protected header has no readable kid") }
        guard let jwk = keys.first(where: { JWS.thumbprint(of: $0) == kid }), let key = try? JWS.publicKey(of: jwk) else {
            return refuse("the command is signed with key \(kid.prefix(64)), which this agent does not trust as the coordinator's")
        }
        let bytes: Data
        switch JWS.verify(jws, key: key, expectedKid: kid, expectedType: JWS.commandType) {
        case .valid(let payload): bytes = payload
        case .invalid(let failure): return refuse("the command's signature is not valid: \(failure.reason)")
        }
        let payload: CommandPayload
        do {
            payload = try WireJSON.decode(CommandPayload.self, from: bytes)
        } catch let error as DecodingError {
            return refuse("the command payload is malformed: \(MessageCodec.describe(error))")
        } catch {
            return refuse("the command payload is malformed")
        }
        let id = String(payload.id.prefix(64))
        guard payload.v == 1 else { return refuse("command payload version \(payload.v) is not supported (expected 1)", id: id) }
        guard payload.agentId == agentId else { return refuse("the command is for agent \(payload.agentId.prefix(64)), not this one", id: id) }
        guard payload.nonce == nonce else {
            return refuse("the command was not issued for this connection (its nonce differs): a replay", id: id)
        }
        guard payload.issuedAt.timeIntervalSince(now) <= Self.maxClockSkew else {
            return refuse("the command is issued in the future (\(WireJSON.format(payload.issuedAt)))", id: id)
        }
        guard payload.expiresAt > now else { return refuse("the command expired at \(WireJSON.format(payload.expiresAt))", id: id) }
        guard payload.expiresAt.timeIntervalSince(payload.issuedAt) <= Self.maxLifetime else {
            return refuse("the command is valid for longer than \(Int(Self.maxLifetime / 60)) minutes", id: id)
        }
        switch payload.kind {
        case CommandPayload.trustKind:
            guard let trust = payload.trust else { return refuse("a trust command without a trust update", id: id) }
            guard (1...Self.maxTrustEntries).contains(trust.caCertificates.count) else {
                return refuse("a trust update must list 1 to \(Self.maxTrustEntries) CA certificates", id: id)
            }
            guard (1...Self.maxTrustEntries).contains(trust.coordinatorKeys.count) else {
                return refuse("a trust update must list 1 to \(Self.maxTrustEntries) coordinator keys", id: id)
            }
            for (index, key) in trust.coordinatorKeys.enumerated() where (try? JWS.publicKey(of: key)) == nil {
                return refuse("trust.coordinatorKeys[\(index)] is not an OKP Ed25519 JWK", id: id)
            }
        case CommandPayload.sampleRequestKind:
            guard let sample = payload.sample else { return refuse("a sample request without its sample", id: id) }
            guard sample.requestId.hasPrefix("smp_"), sample.requestId.utf8.count <= 64 else {
                return refuse("sample.requestId must be smp_ and at most 64 bytes", id: id)
            }
            guard (1...SampleRequestCommand.maxTickets).contains(sample.ticketIds.count) else {
                return refuse("a sample request must name 1 to \(SampleRequestCommand.maxTickets) tickets", id: id)
            }
            for (index, ticket) in sample.ticketIds.enumerated()
            where ticket.isEmpty || ticket.utf8.count > TicketRecord.Limits.maxIdLength || RecordIntegrity.textProblem(ticket, field: "") != nil {
                return refuse("sample.ticketIds[\(index)] is not a ticket id", id: id)
            }
            guard sample.seedCommitment.utf8.count == 64, sample.seedCommitment.allSatisfy(\.isHexDigit) else {
                return refuse("sample.seedCommitment must be 64 hex digits", id: id)
            }
        case CommandPayload.sampleSeedsKind:
            guard let seeds = payload.seeds else { return refuse("a seed announcement without its seeds", id: id) }
            guard (1...8).contains(seeds.seeds.count) else { return refuse("a seed announcement must list 1 to 8 periods", id: id) }
            for (index, seed) in seeds.seeds.enumerated() {
                guard (7...8).contains(seed.period.utf8.count), seed.period.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "-" || $0 == "W") }) else {
                    return refuse("seeds[\(index)].period is not a week (2026-W49) or a month (2026-11)", id: id)
                }
                guard seed.seedCommitment.utf8.count == 64, seed.seedCommitment.allSatisfy(\.isHexDigit) else {
                    return refuse("seeds[\(index)].seedCommitment must be 64 hex digits", id: id)
                }
            }
        default:
            return refuse("command kind '\(payload.kind.prefix(40))' is not known to this agent", id: id)
        }
        return .success(payload)
    }
}
