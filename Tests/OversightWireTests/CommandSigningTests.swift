//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Coordinator commands: only a trusted key's signature, for this agent, on this connection, in date, is accepted.
//
//===----------------------------------------------------------------------===//

import Crypto
import Foundation
import OversightModel
import Testing

@testable import OversightWire

@Suite struct CommandSigningTests {
    let coordinatorKey = Curve25519.Signing.PrivateKey()
    let now = Date(timeIntervalSince1970: 1_790_000_000)
    let nonce = "bm9uY2Utb2YtdGhpcy1jb25u"

    func payload(
        agentId: String = "agt_0123456789abcdef0123", nonce: String? = nil, issuedAt: Date? = nil, lifetime: TimeInterval = 600,
        kind: String = CommandPayload.trustKind, keys: Int = 1
    ) -> CommandPayload {
        let issued = issuedAt ?? self.now
        let jwks = (0..<keys).map { _ in JWS.jwk(of: Curve25519.Signing.PrivateKey().publicKey) }
        return CommandPayload(
            id: "cmd_00112233445566778899", kind: kind, agentId: agentId, nonce: nonce ?? self.nonce, issuedAt: issued,
            expiresAt: issued.addingTimeInterval(lifetime),
            trust: TrustUpdate(caCertificates: ["-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n"], coordinatorKeys: jwks, renewCertificate: false)
        )
    }

    func verify(_ jws: FlattenedJWS, keys: [PublicJWK]? = nil, at: Date? = nil) -> Result<CommandPayload, CommandSigning.Refusal> {
        CommandSigning.verify(
            jws, keys: keys ?? [JWS.jwk(of: self.coordinatorKey.publicKey)], agentId: "agt_0123456789abcdef0123", nonce: self.nonce,
            now: at ?? self.now
        )
    }

    func refusal(_ result: Result<CommandPayload, CommandSigning.Refusal>) -> String? {
        if case .failure(let refusal) = result { return refusal.reason }
        return nil
    }

    @Test func aCommandSignedByTheTrustedKeyForThisConnectionIsAccepted() throws {
        let sent = self.payload()
        let jws = try CommandSigning.sign(sent, key: self.coordinatorKey)
        guard case .success(let received) = self.verify(jws) else {
            Issue.record("refused: \(String(describing: self.refusal(self.verify(jws))))")
            return
        }
        #expect(received == sent)
        // Either of two trusted keys (the current and the announced next one) is accepted, picked by kid.
        let next = Curve25519.Signing.PrivateKey()
        let keys = [JWS.jwk(of: self.coordinatorKey.publicKey), JWS.jwk(of: next.publicKey)]
        #expect(self.refusal(self.verify(try CommandSigning.sign(sent, key: next), keys: keys)) == nil)
        #expect(JWS.kid(of: jws) == JWS.thumbprint(of: JWS.jwk(of: self.coordinatorKey.publicKey)))
    }

    @Test func theThumbprintIsRFC7638() {
        // RFC 8037 appendix A.3: the thumbprint of its Ed25519 example key.
        let jwk = PublicJWK(x: "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo")
        #expect(JWS.thumbprint(of: jwk) == "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k")
    }

    @Test func aForgedCommandIsRefused() throws {
        // Signed by a key the agent does not trust.
        let mallory = Curve25519.Signing.PrivateKey()
        let forged = try CommandSigning.sign(self.payload(), key: mallory)
        #expect(self.refusal(self.verify(forged))?.contains("does not trust") == true)
        // Signed by another key but naming the trusted key's kid.
        let trustedKid = JWS.thumbprint(of: JWS.jwk(of: self.coordinatorKey.publicKey))
        let relabelled = try JWS.sign(payload: try WireJSON.encode(self.payload()), kid: trustedKid, type: JWS.commandType, key: mallory)
        #expect(self.refusal(self.verify(relabelled))?.contains("signature") == true)
        // A changed payload under the genuine signature.
        var tampered = try CommandSigning.sign(self.payload(), key: self.coordinatorKey)
        tampered.payload = Base64URL.encode(try WireJSON.encode(self.payload(agentId: "agt_ffffffffffffffffffff")))
        #expect(self.refusal(self.verify(tampered))?.contains("signature") == true)
        // A batch-typed object signed by the coordinator key is not a command.
        let batchTyped = try JWS.sign(payload: try WireJSON.encode(self.payload()), kid: trustedKid, type: JWS.batchType, key: self.coordinatorKey)
        #expect(self.refusal(self.verify(batchTyped))?.contains("typ") == true)
    }

    @Test func aReplayedExpiredOrMisaddressedCommandIsRefused() throws {
        let key = self.coordinatorKey
        // Recorded on another connection: another nonce.
        #expect(self.refusal(self.verify(try CommandSigning.sign(self.payload(nonce: "b3RoZXItY29ubmVjdGlvbg"), key: key)))?.contains("replay") == true)
        // Expired, and from the future.
        #expect(self.refusal(self.verify(try CommandSigning.sign(self.payload(), key: key), at: self.now + 601))?.contains("expired") == true)
        #expect(self.refusal(self.verify(try CommandSigning.sign(self.payload(issuedAt: self.now + 3600), key: key)))?.contains("future") == true)
        // Valid for too long.
        #expect(self.refusal(self.verify(try CommandSigning.sign(self.payload(lifetime: 86400), key: key)))?.contains("longer") == true)
        // For another agent.
        #expect(
            self.refusal(self.verify(try CommandSigning.sign(self.payload(agentId: "agt_ffffffffffffffffffff"), key: key)))?.contains("not this one")
                == true
        )
        // Unknown kind, too many keys, no keys.
        #expect(self.refusal(self.verify(try CommandSigning.sign(self.payload(kind: "wipe"), key: key)))?.contains("not known") == true)
        #expect(self.refusal(self.verify(try CommandSigning.sign(self.payload(keys: 5), key: key)))?.contains("1 to 4") == true)
        #expect(self.refusal(self.verify(try CommandSigning.sign(self.payload(keys: 0), key: key)))?.contains("1 to 4") == true)
    }

    @Test func theCommandMessagesRoundTrip() throws {
        let jws = try CommandSigning.sign(self.payload(), key: self.coordinatorKey)
        let frame = try MessageCodec.frame(CoordinatorMessage.command(jws))
        #expect(try MessageCodec.decode(CoordinatorMessage.self, from: frame) == .command(jws))
        let result = AgentMessage.commandResult(
            .init(id: "cmd_1", status: "applied", trust: TrustReport(caFingerprints: ["sha256:aa"], coordinatorKeys: ["k"], nonce: self.nonce))
        )
        let resultBody = try MessageCodec.frame(result)
        #expect(try MessageCodec.decode(AgentMessage.self, from: resultBody) == result)
    }
}
