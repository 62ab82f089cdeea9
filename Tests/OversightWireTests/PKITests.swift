//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The coordinator's CA, agent certificates from CSRs, and both ends' certificate checks.
//
//===----------------------------------------------------------------------===//

import Crypto
import Foundation
import OversightWire
import Testing
import X509

@Suite struct PKITests {
    let ca: CertificateAuthority
    let serverCertificate: Certificate
    let agentKey = P256.Signing.PrivateKey()
    let identity = AgentIdentity(agentId: "agt_0123456789abcdef0123", provider: "acme-bpo", site: "manila-1")
    let agentCertificate: Certificate

    init() throws {
        self.ca = try CertificateAuthority.create()
        self.serverCertificate = try self.ca.issueServerCertificate(
            publicKey: P256.Signing.PrivateKey().publicKey, hostnames: ["coordinator.example", "127.0.0.1", "::1"]
        )
        self.agentCertificate = try self.ca.issueAgentCertificate(
            csrPEM: try CertificateAuthority.makeCSR(key: self.agentKey), identity: self.identity, validity: .seconds(90 * 86400)
        )
    }

    /// PEM of DER bytes with the given label, 64 columns.
    static func pem(_ label: String, _ der: [UInt8]) -> String {
        let body = Data(der).base64EncodedString(options: [.lineLength64Characters, .endLineWithLineFeed])
        return "-----BEGIN \(label)-----\n\(body)\n-----END \(label)-----\n"
    }

    /// DER bytes of a single-block PEM.
    static func der(_ pem: String) throws -> [UInt8] {
        let body = pem.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
        return Array(try #require(Data(base64Encoded: body)))
    }

    @Test func caIsSelfSignedAndHasAFingerprint() throws {
        #expect(self.ca.certificate.subject == self.ca.certificate.issuer)
        let fingerprint = self.ca.fingerprint
        #expect(fingerprint.hasPrefix("sha256:"))
        #expect(fingerprint.utf8.count == 7 + 64)
        let expected = SHA256.hash(data: try self.ca.certificate.derBytes).map { String(format: "%02x", $0) }.joined()
        #expect(fingerprint == "sha256:" + expected)
        #expect(CertificateAuthority.fingerprint(of: self.ca.certificate) == fingerprint)
    }

    @Test func caRoundTripsThroughPEM() throws {
        let loaded = try CertificateAuthority.load(
            certificatePEM: try self.ca.certificate.pemString, keyPEM: self.ca.privateKey.pemRepresentation
        )
        #expect(loaded.fingerprint == self.ca.fingerprint)
    }

    @Test func agentCertificateCarriesTheIdentityAndTheCSRKey() throws {
        #expect(AgentIdentity(certificate: self.agentCertificate) == self.identity)
        #expect(self.agentCertificate.publicKey == Certificate.PublicKey(self.agentKey.publicKey))
        #expect(self.agentCertificate.issuer == self.ca.certificate.subject)
        let usage = try #require(try self.agentCertificate.extensions.extendedKeyUsage)
        #expect(usage.contains(.clientAuth))
        #expect(!usage.contains(.serverAuth))
        // About 90 days.
        let days = self.agentCertificate.notValidAfter.timeIntervalSince(self.agentCertificate.notValidBefore) / 86400
        #expect(days > 89.9 && days < 90.1)
    }

    @Test func identityNeedsCNOandOU() {
        #expect(AgentIdentity(certificate: self.ca.certificate) == nil)
        #expect(AgentIdentity(certificate: self.serverCertificate) == nil)
    }

    @Test func serverCertificateIsForServerAuthWithTheHostnames() throws {
        let usage = try #require(try self.serverCertificate.extensions.extendedKeyUsage)
        #expect(usage.contains(.serverAuth))
        #expect(!usage.contains(.clientAuth))
        let names = try #require(try self.serverCertificate.extensions.subjectAlternativeNames)
        #expect(names.contains(.dnsName("coordinator.example")))
        #expect(names.count == 3)
    }

    // MARK: The coordinator's check of agents

    func agentVerifier(revoked: Set<String> = []) -> AgentCertificateVerifier {
        AgentCertificateVerifier(ca: self.ca.certificate) { revoked.contains($0) }
    }

    @Test func agentVerifierAcceptsTheAgentCertificate() async throws {
        let result = await self.agentVerifier().verify([self.agentCertificate], now: Date())
        #expect(try result.get() == self.identity)
        // With the CA sent along as well.
        let withCA = await self.agentVerifier().verify([self.agentCertificate, self.ca.certificate], now: Date())
        #expect(try withCA.get() == self.identity)
    }

    @Test func agentVerifierRefusesACertificateFromAnotherCA() async throws {
        let other = try CertificateAuthority.create(commonName: "Oversight Coordinator CA")
        let foreign = try other.issueAgentCertificate(
            csrPEM: try CertificateAuthority.makeCSR(key: self.agentKey), identity: self.identity, validity: .seconds(86400)
        )
        guard case .failure(let error) = await self.agentVerifier().verify([foreign], now: Date()) else {
            Issue.record("a certificate of another CA was accepted")
            return
        }
        #expect(error.code == .badCertificate)
        guard case .failure = await self.agentVerifier().verify([foreign, other.certificate], now: Date()) else {
            Issue.record("a certificate of another CA, with that CA, was accepted")
            return
        }
    }

    @Test func agentVerifierRefusesARevokedAgent() async throws {
        guard case .failure(let error) = await self.agentVerifier(revoked: [self.identity.agentId]).verify([self.agentCertificate], now: Date())
        else {
            Issue.record("a revoked agent was accepted")
            return
        }
        #expect(error.code == .badCertificate)
        #expect(error.message.contains("revoked"))
        // Another agent's revocation does not matter.
        let result = await self.agentVerifier(revoked: ["agt_other"]).verify([self.agentCertificate], now: Date())
        #expect(try result.get() == self.identity)
    }

    @Test func agentVerifierRefusesTheServerCertificate() async throws {
        guard case .failure(let error) = await self.agentVerifier().verify([self.serverCertificate], now: Date()) else {
            Issue.record("the server certificate was accepted as an agent")
            return
        }
        #expect(error.code == .badCertificate)
        #expect(error.message.contains("not an Oversight agent certificate"))
    }

    @Test func agentVerifierRefusesNoCertificateAndTheCAItself() async throws {
        guard case .failure = await self.agentVerifier().verify([], now: Date()) else {
            Issue.record("an empty chain was accepted")
            return
        }
        guard case .failure = await self.agentVerifier().verify([self.ca.certificate], now: Date()) else {
            Issue.record("the CA certificate was accepted as an agent")
            return
        }
    }

    // MARK: The agent's check of the coordinator

    @Test func serverVerifierAcceptsTheRightChainByFingerprint() async {
        let verifier = ServerCertificateVerifier(trust: .fingerprint(self.ca.fingerprint))
        #expect(await verifier.problem(with: [self.serverCertificate, self.ca.certificate], now: Date()) == nil)
        // The fingerprint is compared case-insensitively.
        let upper = ServerCertificateVerifier(trust: .fingerprint(self.ca.fingerprint.uppercased().replacingOccurrences(of: "SHA256:", with: "sha256:")))
        #expect(await upper.problem(with: [self.serverCertificate, self.ca.certificate], now: Date()) == nil)
    }

    @Test func serverVerifierAcceptsTheRightChainByStoredCA() async {
        let verifier = ServerCertificateVerifier(trust: .certificate(self.ca.certificate))
        #expect(await verifier.problem(with: [self.serverCertificate, self.ca.certificate], now: Date()) == nil)
        #expect(await verifier.problem(with: [self.serverCertificate], now: Date()) == nil)
    }

    /// What an agent behind a TLS-inspecting proxy sees: a chain from another CA.
    @Test func serverVerifierNamesATLSInspectingProxyForAnotherCA() async throws {
        let proxyCA = try CertificateAuthority.create(commonName: "Corporate Inspection CA")
        let forged = try proxyCA.issueServerCertificate(publicKey: P256.Signing.PrivateKey().publicKey, hostnames: ["coordinator.example"])
        for trust in [CoordinatorTrust.fingerprint(self.ca.fingerprint), .certificate(self.ca.certificate)] {
            let verifier = ServerCertificateVerifier(trust: trust)
            let problem = try #require(await verifier.problem(with: [forged, proxyCA.certificate], now: Date()))
            #expect(problem.contains("TLS-inspecting proxy"))
            #expect(problem.contains(self.ca.fingerprint))
        }
    }

    @Test func serverVerifierByFingerprintNeedsTheCAInTheChain() async throws {
        let verifier = ServerCertificateVerifier(trust: .fingerprint(self.ca.fingerprint))
        let problem = try #require(await verifier.problem(with: [self.serverCertificate], now: Date()))
        #expect(problem.contains("pinned"))
    }

    @Test func serverVerifierRefusesAnAgentCertificateAsServer() async throws {
        let verifier = ServerCertificateVerifier(trust: .certificate(self.ca.certificate))
        let problem = try #require(await verifier.problem(with: [self.agentCertificate, self.ca.certificate], now: Date()))
        #expect(problem.contains("serverAuth"))
    }

    @Test func serverVerifierRefusesAnEmptyChain() async throws {
        let verifier = ServerCertificateVerifier(trust: .fingerprint(self.ca.fingerprint))
        let problem = try #require(await verifier.problem(with: [], now: Date()))
        #expect(problem.contains("no certificate"))
    }

    // MARK: CSRs

    @Test func aCSRWhoseSignatureDoesNotVerifyIsRefused() throws {
        var der = try Self.der(try CertificateAuthority.makeCSR(key: self.agentKey))
        // The last byte belongs to the ECDSA signature's s: the CSR still parses, its signature no longer verifies.
        der[der.count - 1] ^= 0x01
        let tampered = Self.pem("CERTIFICATE REQUEST", der)
        #expect(throws: Never.self) { try CertificateSigningRequest(pemEncoded: tampered) }
        let error = #expect(throws: WireError.self) {
            try self.ca.issueAgentCertificate(csrPEM: tampered, identity: self.identity, validity: .seconds(86400))
        }
        #expect(error?.code == .badCertificate)
        #expect(error?.message.contains("signature does not verify") == true)
    }

    @Test func aCSRThatIsNotPEMIsRefused() throws {
        for text in ["", "not a csr", Self.pem("CERTIFICATE", try self.agentCertificate.derBytes)] {
            let error = #expect(throws: WireError.self) {
                try self.ca.issueAgentCertificate(csrPEM: text, identity: self.identity, validity: .seconds(86400))
            }
            #expect(error?.code == .badCertificate)
        }
    }

    @Test func makeCSRProducesAVerifiableRequestForTheKey() throws {
        let csr = try CertificateSigningRequest(pemEncoded: try CertificateAuthority.makeCSR(key: self.agentKey))
        #expect(csr.publicKey == Certificate.PublicKey(self.agentKey.publicKey))
        #expect(csr.publicKey.isValidSignature(csr.signature, for: csr))
    }
}
