//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// TLS contexts and certificate verification for both ends (TLS 1.3; 1.2 only with ECDHE + AEAD).
//
//===----------------------------------------------------------------------===//

import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOSSL
@_spi(FixedExpiryValidationTime) import X509

/// TLS settings shared by both ends.
package enum TLSSetup {
    /// TLS 1.2 suites allowed (ECDHE key exchange, AEAD ciphers, ECDSA certificates); TLS 1.3 suites are all AEAD.
    package static let tls12CipherSuites =
        "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305"

    /// The coordinator's server context: presents `[server, ca]`, asks for a client certificate but lets
    /// connections without one through (they may only enroll); presented certificates go to the custom verifier.
    /// - Parameter clientRootsPEM: the CAs whose client certificates are accepted (during a CA rollover the current,
    ///   the next and the previous one); `nil` for `caPEM` alone.
    package static func serverContext(certificatePEM: String, caPEM: String, keyPEM: String, clientRootsPEM: [String]? = nil) throws
        -> NIOSSLContext
    {
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: [
                .certificate(try NIOSSLCertificate(bytes: Array(certificatePEM.utf8), format: .pem)),
                .certificate(try NIOSSLCertificate(bytes: Array(caPEM.utf8), format: .pem)),
            ],
            privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(keyPEM.utf8), format: .pem))
        )
        configuration.minimumTLSVersion = .tlsv12
        configuration.cipherSuites = Self.tls12CipherSuites
        configuration.certificateVerification = .optionalVerification
        configuration.trustRoots = .certificates(
            try (clientRootsPEM ?? [caPEM]).map { try NIOSSLCertificate(bytes: Array($0.utf8), format: .pem) }
        )
        configuration.sendCANameList = true
        return try NIOSSLContext(configuration: configuration)
    }

    /// An agent's client context; with a certificate and key once enrolled, without them for enrollment.
    package static func clientContext(certificatePEM: String?, keyPEM: String?) throws -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = .tlsv12
        configuration.cipherSuites = Self.tls12CipherSuites
        configuration.certificateVerification = .noHostnameVerification
        configuration.trustRoots = .certificates([])
        if let certificatePEM, let keyPEM {
            configuration.certificateChain = [
                .certificate(try NIOSSLCertificate(bytes: Array(certificatePEM.utf8), format: .pem))
            ]
            configuration.privateKey = .privateKey(try NIOSSLPrivateKey(bytes: Array(keyPEM.utf8), format: .pem))
        }
        return try NIOSSLContext(configuration: configuration)
    }

    static func certificates(_ chain: [NIOSSLCertificate]) -> [Certificate]? {
        var result: [Certificate] = []
        for certificate in chain {
            guard let der = try? certificate.toDERBytes(), let parsed = try? Certificate(derEncoded: der) else {
                return nil
            }
            result.append(parsed)
        }
        return result
    }
}

/// A custom verification callback that may be called from any event loop.
package typealias VerificationCallback = @Sendable ([NIOSSLCertificate], EventLoopPromise<NIOSSLVerificationResult>) -> Void

/// What the agent trusts the coordinator by: the CA fingerprint given at enrollment, or the CA certificate after it.
package enum CoordinatorTrust: Sendable {
    case fingerprint(String)
    case certificate(Certificate)
    /// Any of these CA certificates (during a CA rollover an agent trusts the old and the new CA).
    case certificates([Certificate])
}

/// Verifies the coordinator's chain on the agent side: it must lead to the pinned Oversight CA, and the leaf must
/// be a server certificate. Hostnames are not checked: the CA is private and pinned, and only the coordinator
/// holds a certificate with the serverAuth usage from it.
package struct ServerCertificateVerifier: Sendable {
    package let trust: CoordinatorTrust
    /// Creates a verifier.
    package init(trust: CoordinatorTrust) { self.trust = trust }

    /// Checks a presented chain; `nil` when it is acceptable, else a message for the operator.
    package func problem(with presented: [Certificate], now: Date) async -> String? {
        guard let leaf = presented.first else { return "the coordinator presented no certificate" }
        let pinned: String
        var roots: [Certificate]
        switch self.trust {
        case .fingerprint(let fingerprint):
            pinned = fingerprint.lowercased()
            roots = presented.filter { CertificateAuthority.fingerprint(of: $0) == pinned }
        case .certificate(let ca):
            pinned = CertificateAuthority.fingerprint(of: ca)
            roots = [ca]
        case .certificates(let cas):
            pinned = cas.map(CertificateAuthority.fingerprint(of:)).joined(separator: " or ")
            roots = cas
        }
        let inspection =
            "the server's certificate (subject '\(leaf.subject)', issuer '\(leaf.issuer)') does not lead to the pinned "
            + "Oversight CA \(pinned): a TLS-inspecting proxy may be intercepting the connection (exempt the "
            + "coordinator's address from inspection), or the address is not an Oversight coordinator"
        var valid = false
        // Each trusted CA on its own: during a rollover the old and the new CA may carry the same name.
        for root in roots where !valid {
            var verifier = Verifier(rootCertificates: CertificateStore([root])) {
                RFC5280Policy(fixedExpiryValidationTime: now)
            }
            let result = await verifier.validate(leaf: leaf, intermediates: CertificateStore(presented.dropFirst()))
            if case .validCertificate = result { valid = true }
        }
        guard valid else { return inspection }
        let usage = try? leaf.extensions.extendedKeyUsage
        guard let usage, usage.contains(.serverAuth) else {
            return "the certificate presented is not an Oversight server certificate (no serverAuth usage)"
        }
        return nil
    }

    /// A NIOSSL callback that runs ``problem(with:now:)`` and stores any problem in `outcome`.
    package func callback(outcome: VerificationOutcome) -> VerificationCallback {
        { chain, promise in
            promise.completeWithTask {
                guard let certificates = TLSSetup.certificates(chain) else {
                    outcome.set("the coordinator's certificate could not be parsed")
                    return .failed
                }
                if let problem = await self.problem(with: certificates, now: Date()) {
                    outcome.set(problem)
                    return .failed
                }
                outcome.accepted(certificates)
                return .certificateVerified
            }
        }
    }
}

/// Verifies an agent's client certificate on the coordinator: issued by our CA, in date, a client certificate
/// with an agent identity, and not revoked.
package struct AgentCertificateVerifier: Sendable {
    /// The CAs whose agent certificates are accepted (more than one during a CA rollover).
    package let cas: [Certificate]
    package let isRevoked: @Sendable (String) -> Bool
    /// Creates a verifier for one CA.
    package init(ca: Certificate, isRevoked: @escaping @Sendable (String) -> Bool) {
        self.init(cas: [ca], isRevoked: isRevoked)
    }
    /// Creates a verifier accepting certificates of any of `cas`.
    package init(cas: [Certificate], isRevoked: @escaping @Sendable (String) -> Bool) {
        self.cas = cas
        self.isRevoked = isRevoked
    }

    /// The agent's identity, or why the chain is refused.
    package func verify(_ presented: [Certificate], now: Date) async -> Result<AgentIdentity, WireError> {
        await self.verifyReportingIssuer(presented, now: now).map(\.identity)
    }

    /// The agent's identity and the fingerprint of the CA that issued its certificate, or why the chain is refused.
    package func verifyReportingIssuer(_ presented: [Certificate], now: Date) async -> Result<(identity: AgentIdentity, issuer: String), WireError> {
        guard let leaf = presented.first else { return .failure(WireError(.badCertificate, "no client certificate")) }
        var issuer: Certificate?
        for ca in self.cas where issuer == nil {
            var verifier = Verifier(rootCertificates: CertificateStore([ca])) {
                RFC5280Policy(fixedExpiryValidationTime: now)
            }
            if case .validCertificate = await verifier.validate(leaf: leaf, intermediates: CertificateStore(presented.dropFirst())) {
                issuer = ca
            }
        }
        guard let issuer else {
            return .failure(WireError(.badCertificate, "client certificate is not issued by this coordinator or has expired"))
        }
        guard let usage = try? leaf.extensions.extendedKeyUsage, usage.contains(.clientAuth),
            let identity = AgentIdentity(certificate: leaf)
        else {
            return .failure(WireError(.badCertificate, "client certificate is not an Oversight agent certificate"))
        }
        if self.isRevoked(identity.agentId) {
            return .failure(WireError(.badCertificate, "agent \(identity.agentId) is revoked"))
        }
        return .success((identity, CertificateAuthority.fingerprint(of: issuer)))
    }

    /// A NIOSSL callback that accepts only valid agent certificates and records the identity in `peer`.
    package func callback(peer: ConnectionPeer) -> VerificationCallback {
        { chain, promise in
            promise.completeWithTask {
                guard let certificates = TLSSetup.certificates(chain) else {
                    peer.refuse("client certificate could not be parsed")
                    return .failed
                }
                switch await self.verifyReportingIssuer(certificates, now: Date()) {
                case .success(let verified):
                    peer.accept(verified.identity, notAfter: certificates[0].notValidAfter, issuer: verified.issuer)
                    return .certificateVerified
                case .failure(let error):
                    peer.refuse(error.message, claimedAgentId: certificates.first.flatMap(AgentIdentity.init(certificate:))?.agentId)
                    return .failed
                }
            }
        }
    }
}

/// The outcome of a client-side verification, kept so a failed connection can say why.
package final class VerificationOutcome: Sendable {
    private let box = NIOLockedValueBox<String?>(nil)
    private let chain = NIOLockedValueBox<[Certificate]>([])
    /// Creates an empty outcome.
    package init() {}
    /// Records a problem.
    package func set(_ problem: String) { self.box.withLockedValue { $0 = problem } }
    /// The problem recorded, if any.
    package var problem: String? { self.box.withLockedValue { $0 } }
    /// Records the chain the server presented and that was accepted.
    package func accepted(_ certificates: [Certificate]) { self.chain.withLockedValue { $0 = certificates } }
    /// The accepted server chain (empty before the handshake verified it).
    package var presentedChain: [Certificate] { self.chain.withLockedValue { $0 } }
}

/// What the coordinator learned about the peer of one connection during the TLS handshake.
package final class ConnectionPeer: Sendable {
    private struct State {
        var identity: AgentIdentity?
        var notAfter: Date?
        var issuer: String?
        var refusal: String?
        var claimedAgentId: String?
    }
    private let state = NIOLockedValueBox(State())
    /// Creates an empty record.
    package init() {}
    func accept(_ identity: AgentIdentity, notAfter: Date, issuer: String? = nil) {
        self.state.withLockedValue {
            $0.identity = identity
            $0.notAfter = notAfter
            $0.issuer = issuer
        }
    }
    func refuse(_ reason: String, claimedAgentId: String? = nil) {
        self.state.withLockedValue {
            $0.refusal = reason
            $0.claimedAgentId = claimedAgentId
        }
    }
    /// The agent id a refused certificate claimed (for logging; not verified).
    package var claimedAgentId: String? { self.state.withLockedValue { $0.claimedAgentId } }
    /// The verified agent, or `nil` when the client presented no certificate.
    package var identity: AgentIdentity? { self.state.withLockedValue { $0.identity } }
    /// `sha256:` fingerprint of the CA that issued the verified client certificate.
    package var certificateIssuer: String? { self.state.withLockedValue { $0.issuer } }
    /// Expiry of the verified client certificate.
    package var certificateNotAfter: Date? { self.state.withLockedValue { $0.notAfter } }
    /// Why a presented certificate was refused, if it was.
    package var refusal: String? { self.state.withLockedValue { $0.refusal } }
}
