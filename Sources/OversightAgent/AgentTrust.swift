//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// What the agent trusts: the coordinator's CA certificates (ca.pem, one or more) and command keys (agent.json),
// and how a verified `trust` command changes them (docs/protocol.md 4.6, docs/operations.md).
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightModel
import OversightWire
import SwiftASN1
import X509

/// The CA certificates and command keys an agent trusts.
package struct AgentTrust: Sendable {
    package var cas: [Certificate]
    package var keys: [PublicJWK]

    /// The trust of loaded credentials: every certificate of `ca.pem`, and the accepted command keys.
    package init(credentials: AgentCredentials) throws {
        self.cas = try Self.certificates(inPEM: credentials.caPEM)
        self.keys = credentials.identity.acceptedCoordinatorKeys
    }

    init(cas: [Certificate], keys: [PublicJWK]) {
        self.cas = cas
        self.keys = keys
    }

    /// Every certificate of a PEM bundle (at least one).
    package static func certificates(inPEM pem: String) throws -> [Certificate] {
        let documents = try PEMDocument.parseMultiple(pemString: pem).filter { $0.discriminator == "CERTIFICATE" }
        guard !documents.isEmpty else { throw AgentError(.io, "ca.pem holds no certificate") }
        return try documents.map { try Certificate(derEncoded: $0.derBytes) }
    }

    /// What `hello` and `commandResult` report.
    package func report(nonce: String) -> TrustReport {
        TrustReport(
            caFingerprints: self.cas.map(CertificateAuthority.fingerprint(of:)), coordinatorKeys: self.keys.map(JWS.thumbprint(of:)),
            nonce: nonce
        )
    }

    /// The trust a verified update asks for, after checking it: every certificate is a CA certificate in date, and the
    /// chain of the coordinator this agent is talking to still leads to one of them (an update never cuts the agent
    /// off from the coordinator that sent it).
    package static func checked(_ update: TrustUpdate, presentedChain: [Certificate], now: Date) async throws -> AgentTrust {
        var cas: [Certificate] = []
        for (index, pem) in update.caCertificates.enumerated() {
            guard pem.utf8.count <= 16 * 1024, let certificate = try? Certificate(pemEncoded: pem) else {
                throw AgentError(.protocolError, "trust.caCertificates[\(index)] is not a PEM certificate")
            }
            guard let constraints = try? certificate.extensions.basicConstraints, case .isCertificateAuthority = constraints else {
                throw AgentError(.protocolError, "trust.caCertificates[\(index)] is not a CA certificate")
            }
            guard certificate.notValidAfter > now else {
                throw AgentError(.protocolError, "trust.caCertificates[\(index)] expired at \(WireJSON.format(certificate.notValidAfter))")
            }
            cas.append(certificate)
        }
        let verifier = ServerCertificateVerifier(trust: .certificates(cas))
        if let problem = await verifier.problem(with: presentedChain, now: now) {
            throw AgentError(.protocolError, "the update would no longer trust the coordinator it came from: \(problem)")
        }
        return AgentTrust(cas: cas, keys: update.coordinatorKeys)
    }

    /// Writes this trust: `ca.pem` (every CA, atomically) first, then `agent.json` with the command keys. A crash in
    /// between leaves the new CAs with the old keys, which the next update (sent on every connection until the agent
    /// reports the wanted trust) completes.
    package func save(paths: AgentPaths, identity: AgentIdentityFile) throws -> AgentIdentityFile {
        let bundle = try self.cas.map { try $0.serializeAsPEM().pemString }.joined(separator: "\n") + "\n"
        try AtomicFile.write(paths.caCertificate, Data(bundle.utf8), mode: 0o644)
        var identity = identity
        identity.coordinatorKeys = self.keys
        try AtomicFile.write(paths.identity, try WireJSON.encode(identity), mode: 0o644)
        return identity
    }
}
