//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The ticket page's evidence check: the stored batch's JWS verified again, on every view, with the agent's key.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightLocalization
import OversightModel
import OversightStore
import OversightWire

/// The result of checking, at view time, the signed batch a ticket last came in.
///
/// `valid` is true only when the stored JWS verifies with the agent's Ed25519 signing key (its `kid` the agent,
/// its `typ` a batch), the stored hash is the SHA-256 of the signed payload, the payload names the same agent and
/// sequence number as the stored row, and the ticket is among the payload's records.
package struct SignatureCheck: Sendable, Codable, Hashable {
    /// What the check found.
    package enum Result: String, Sendable, Codable, Hashable {
        /// Everything above holds.
        case valid
        /// The signature, the hash, or the payload's agent or sequence does not match: `reason` says which.
        case invalid
        /// No stored batch row for the ticket's agent and sequence.
        case batchMissing = "batch-missing"
        /// The agent is not in the store, or its stored signing key is not an Ed25519 key.
        case keyMissing = "key-missing"
        /// The signature is good but the ticket is not among the signed payload's records.
        case notInPayload = "not-in-payload"
    }

    /// Whether the ticket is backed by a batch whose signature verifies and whose payload holds it.
    package var valid: Bool
    /// What the check found.
    package var result: Result
    /// The signature algorithm checked for (`Ed25519`).
    package var algorithm: String
    /// The agent whose signing key was used.
    package var agentId: String
    /// Why the check failed; `nil` when valid.
    package var reason: String?
    /// When the check ran (on this request).
    package var checkedAt: Date

    /// Checks `batch` against `agent`'s signing key and looks for `ticket` among its records.
    /// - Parameters:
    ///   - batch: the stored batch the ticket last came in, or `nil` when the row is missing.
    ///   - agent: the agent that sent it, or `nil` when unknown.
    ///   - agentId: the agent named by the ticket's row.
    ///   - seq: the sequence number named by the ticket's row.
    ///   - ticket: the stored record.
    ///   - now: when the check runs.
    package static func check(
        batch: StoredBatch?, agent: AgentRow?, agentId: String, seq: Int64, ticket: TicketRecord, now: Date
    ) -> SignatureCheck {
        Self.check(batch: batch, agent: agent, agentId: agentId, seq: seq, kind: "ticket", id: ticket.id, provider: ticket.provider, now: now)
    }

    /// Checks `batch` against `agent`'s signing key and looks for the record of `kind` with `id` of `provider` among its
    /// records (a ticket, a QA evaluation, …).
    package static func check(
        batch: StoredBatch?, agent: AgentRow?, agentId: String, seq: Int64, kind: String, id: String, provider: String, now: Date
    ) -> SignatureCheck {
        func result(_ result: Result, _ reason: String?) -> SignatureCheck {
            SignatureCheck(valid: result == .valid, result: result, algorithm: "Ed25519", agentId: agentId, reason: reason, checkedAt: now)
        }
        guard let batch else { return result(.batchMissing, "batch \(seq) of agent \(agentId) is not in the store") }
        guard let agent else { return result(.keyMissing, "agent \(agentId) is not in the store") }
        guard let key = try? JWS.publicKey(of: PublicJWK(x: agent.signingKey)) else {
            return result(.keyMissing, "the stored signing key of agent \(agentId) is not an Ed25519 public key")
        }
        let payload: Data
        switch JWS.verify(batch.jws, key: key, expectedKid: agentId, expectedType: JWS.batchType, parsePayload: false) {
        case .invalid(let failure): return result(.invalid, failure.reason)
        case .valid(let bytes): payload = bytes
        }
        guard JWS.sha256Hex(payload) == batch.hash else {
            return result(.invalid, "the stored hash is not the SHA-256 of the signed payload")
        }
        guard let digest = try? JSONDecoder().decode(PayloadDigest.self, from: payload) else {
            return result(.invalid, "the signed payload is not a batch")
        }
        guard digest.agentId == agentId, digest.seq == seq else {
            return result(.invalid, "the signed payload is batch \(digest.seq) of agent \(digest.agentId), not batch \(seq) of \(agentId)")
        }
        guard digest.records.contains(where: { $0.kind == kind && $0.id == id && ($0.provider ?? digest.provider) == provider }) else {
            return result(.notInPayload, "\(kind) \(id) is not among the \(digest.records.count) records of the signed payload")
        }
        return result(.valid, nil)
    }

    /// Just what the check reads of a batch payload.
    private struct PayloadDigest: Decodable {
        struct Entry: Decodable {
            var kind: String
            var id: String?
            var provider: String?
        }
        var agentId: String
        var provider: String
        var seq: Int64
        var records: [Entry]
    }

    /// The sentence the ticket page shows, in English.
    package var summary: String { self.summary(of: "ticket", localizer: .english) }

    /// The sentence a page shows, naming the record (`ticket`, `evaluation`), in `l`'s language. The `reason` is the
    /// verifier's own diagnostic and stays as it is (as in the API).
    package func summary(of noun: String, localizer l: Localizer) -> String {
        let arguments = ["agent": self.agentId, "reason": self.reason ?? ""]
        switch self.result {
        case .valid: return l.t(noun == "evaluation" ? "signature.valid_evaluation" : "signature.valid_ticket", arguments)
        case .invalid: return l.t("signature.invalid", arguments)
        case .batchMissing: return l.t("signature.batch_missing", arguments)
        case .keyMissing: return l.t("signature.key_missing", arguments)
        case .notInPayload: return l.t(noun == "evaluation" ? "signature.not_in_payload_evaluation" : "signature.not_in_payload_ticket", arguments)
        }
    }
}
