//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// `oversight-agent enroll`: keys, CSR + token over TLS pinned to the CA fingerprint, certificate stored.
//
//===----------------------------------------------------------------------===//

import Crypto
import Foundation
import NIOCore
import OversightModel
import OversightWire
import X509

/// Enrolls an agent with a one-time token.
package enum Enrollment {
    /// What enrollment needs.
    package struct Request: Sendable {
        package var coordinatorHost: String
        package var coordinatorPort: Int
        package var token: String
        package var caFingerprint: String
        package var proxy: ProxyConfiguration?
        package var version: String
        /// Creates a request.
        package init(coordinatorHost: String, coordinatorPort: Int, token: String, caFingerprint: String, proxy: ProxyConfiguration?, version: String) {
            self.coordinatorHost = coordinatorHost
            self.coordinatorPort = coordinatorPort
            self.token = token
            self.caFingerprint = caFingerprint
            self.proxy = proxy
            self.version = version
        }
    }

    /// Enrolls and writes the agent's files into `paths.directory`; nothing is written unless enrollment succeeds.
    package static func enroll(_ request: Request, paths: AgentPaths) async throws -> AgentIdentityFile {
        try await Self.enroll(request, paths: paths, attempt: 1)
    }

    /// Waits this long at most, and this often, when the coordinator paces enrollments from this address.
    private static let maxPacedWait = 120
    private static let maxAttempts = 3

    private static func enroll(_ request: Request, paths: AgentPaths, attempt: Int) async throws -> AgentIdentityFile {
        let fingerprint = request.caFingerprint.lowercased()
        guard fingerprint.hasPrefix("sha256:"), fingerprint.utf8.count == 71,
            fingerprint.dropFirst(7).allSatisfy({ $0.isHexDigit })
        else {
            throw AgentError(.invalidArgument, "--ca-fingerprint must be sha256: followed by 64 hex digits (see `oversight-coordinator ca fingerprint`)")
        }
        if FileManager.default.fileExists(atPath: paths.identity) {
            throw AgentError(.alreadyEnrolled, "\(paths.directory) already holds an enrolled agent; use another --data directory or remove it first")
        }

        let tlsKey = P256.Signing.PrivateKey()
        let signingKey = Curve25519.Signing.PrivateKey()
        let csr = try CertificateAuthority.makeCSR(key: tlsKey)
        let outcome = VerificationOutcome()
        let verifier = ServerCertificateVerifier(trust: .fingerprint(fingerprint))
        let context = try TLSSetup.clientContext(certificatePEM: nil, keyPEM: nil)
        let channel: FrameChannel
        do {
            channel = try await WireClient.connect(
                host: request.coordinatorHost, port: request.coordinatorPort, context: context,
                verification: verifier.callback(outcome: outcome), proxy: request.proxy, maxFrameBytes: 1 << 20
            )
        } catch let error as WireError {
            throw AgentError(.connection, error.message)
        }
        let message = AgentMessage.enroll(
            .init(token: request.token, csr: csr, signingKey: JWS.jwk(of: signingKey.publicKey), hostname: ProcessInfo.processInfo.hostName, version: request.version)
        )
        let reply: CoordinatorMessage
        do {
            reply = try await channel.executeThenClose { inbound, outbound in
                try await outbound.write(try MessageCodec.frame(message))
                var iterator = inbound.makeAsyncIterator()
                guard let frame = try await iterator.next() else {
                    throw AgentError(.connection, "the coordinator closed the connection without answering")
                }
                return try MessageCodec.decode(CoordinatorMessage.self, from: frame)
            }
        } catch {
            if let problem = outcome.problem { throw AgentError(.untrustedCoordinator, problem) }
            if let error = error as? AgentError { throw error }
            throw AgentError(.connection, "enrollment failed: \(error)")
        }
        let enrolled: CoordinatorMessage.Enrolled
        switch reply {
        case .enrolled(let value): enrolled = value
        case .error(let error):
            if error.code == ProtocolErrorCode.rateLimited.rawValue, let wait = error.retryAfterSeconds, wait <= Self.maxPacedWait,
                attempt < Self.maxAttempts
            {
                FileHandle.standardError.write(Data("the coordinator is pacing enrollments from this address; retrying in \(wait) s\n".utf8))
                try await Task.sleep(for: .seconds(wait))
                return try await Self.enroll(request, paths: paths, attempt: attempt + 1)
            }
            throw AgentError(.enrollmentRefused, "the coordinator refused enrollment (\(error.code)): \(error.message)")
        default:
            throw AgentError(.protocolError, "unexpected answer '\(reply.type)' to enroll")
        }
        // The CA must be the pinned one, and the certificate must be ours.
        let ca = try Certificate(pemEncoded: enrolled.caCertificate)
        guard CertificateAuthority.fingerprint(of: ca) == fingerprint else {
            throw AgentError(.untrustedCoordinator, "the CA certificate sent at enrollment does not match the pinned fingerprint")
        }
        let certificate = try Certificate(pemEncoded: enrolled.certificate)
        guard certificate.publicKey == Certificate.PublicKey(tlsKey.publicKey) else {
            throw AgentError(.protocolError, "the issued certificate is not for this agent's key")
        }

        let identity = AgentIdentityFile(
            agentId: enrolled.agentId, provider: enrolled.provider, site: enrolled.site,
            coordinator: "\(request.coordinatorHost):\(request.coordinatorPort)", caFingerprint: fingerprint,
            coordinatorKey: enrolled.coordinatorKey, enrolledAt: Date()
        )
        try FileManager.default.createDirectory(atPath: paths.directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        var pseudonymKey = [UInt8](repeating: 0, count: 32)
        var generator = SystemRandomNumberGenerator()
        for index in pseudonymKey.indices { pseudonymKey[index] = UInt8.random(in: 0...255, using: &generator) }
        try AtomicFile.write(paths.clientKey, Data(tlsKey.pemRepresentation.utf8), mode: 0o600)
        try AtomicFile.write(paths.signingKey, Data((Base64URL.encode(signingKey.rawRepresentation) + "\n").utf8), mode: 0o600)
        if !FileManager.default.fileExists(atPath: paths.pseudonymKey) {
            try AtomicFile.write(paths.pseudonymKey, Data((Base64URL.encode(pseudonymKey) + "\n").utf8), mode: 0o600)
        }
        try AtomicFile.write(paths.caCertificate, Data(enrolled.caCertificate.utf8), mode: 0o644)
        try AtomicFile.write(paths.clientCertificate, Data(enrolled.certificate.utf8), mode: 0o644)
        // Last: its presence marks a complete enrollment.
        try AtomicFile.write(paths.identity, try WireJSON.encode(identity), mode: 0o644)
        return identity
    }
}
