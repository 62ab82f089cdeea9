//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The coordinator's data directory: CA, server certificate, signing key, SQLite store.
//
//===----------------------------------------------------------------------===//

import Crypto
import Foundation
import OversightModel
import OversightWire
import X509

/// Files in the coordinator's data directory.
package struct CoordinatorPaths: Sendable {
    package let directory: String
    /// Creates the layout for `directory`.
    package init(directory: String) { self.directory = directory }

    package var caCertificate: String { self.directory + "/ca.pem" }
    package var caKey: String { self.directory + "/ca.key" }
    package var serverCertificate: String { self.directory + "/server.pem" }
    package var serverKey: String { self.directory + "/server.key" }
    package var signingKey: String { self.directory + "/signing.key" }
    /// A CA rollover's new CA, from `ca rollover stage` until `ca rollover promote` (docs/operations.md).
    package var nextCACertificate: String { self.directory + "/ca.next.pem" }
    package var nextCAKey: String { self.directory + "/ca.next.key" }
    /// The CA before the last promote: its agent certificates are still accepted until `ca rollover retire`.
    package var previousCACertificate: String { self.directory + "/ca.previous.pem" }
    /// The next command-signing key, announced to agents from `signing-key stage` until `signing-key promote`.
    package var nextSigningKey: String { self.directory + "/signing.next.key" }
    /// Every key and certificate file, for noticing a rotation made by another process.
    package var trustFiles: [String] {
        [
            self.caCertificate, self.caKey, self.serverCertificate, self.serverKey, self.signingKey, self.nextCACertificate,
            self.nextCAKey, self.previousCACertificate, self.nextSigningKey,
        ]
    }
    package var store: String { self.directory + "/oversight.sqlite" }

    /// Every file `init` creates.
    package var all: [String] { [self.caCertificate, self.caKey, self.serverCertificate, self.serverKey, self.signingKey, self.store] }

    /// The documented default data directory: `$OVERSIGHT_COORDINATOR_DATA`, else `/var/lib/oversight/coordinator`.
    package static var defaultDirectory: String {
        ProcessInfo.processInfo.environment["OVERSIGHT_COORDINATOR_DATA"] ?? "/var/lib/oversight/coordinator"
    }
}

/// Loaded key material of an initialised coordinator, a rotation in progress included.
package struct CoordinatorIdentity: Sendable {
    /// The current CA: its certificate is the one the server presents and new agents pin.
    package let authority: CertificateAuthority
    package let caPEM: String
    package let serverCertificatePEM: String
    package let serverKeyPEM: String
    /// The key commands are signed with.
    package let signingKey: Curve25519.Signing.PrivateKey
    /// A staged CA rollover's new CA (`ca.next.*`): agents are told to trust it and renew from it.
    package var nextAuthority: CertificateAuthority? = nil
    package var nextCAPEM: String? = nil
    /// The CA before the last promote (`ca.previous.pem`), until it is retired.
    package var previousCAPEM: String? = nil
    /// A staged next command key (`signing.next.key`): agents are told to accept it too.
    package var nextSigningKey: Curve25519.Signing.PrivateKey? = nil

    /// The CA that issues agent certificates now: the next one while a rollover is staged.
    package var issuingAuthority: CertificateAuthority { self.nextAuthority ?? self.authority }

    /// Every CA whose agent certificates are accepted, and that agents are to trust: current, next, previous.
    package var trustedCAPEMs: [String] {
        var seen: Set<String> = []
        return ([self.caPEM] + [self.nextCAPEM, self.previousCAPEM].compactMap { $0 }).filter { pem in
            guard let certificate = try? Certificate(pemEncoded: pem) else { return false }
            return seen.insert(CertificateAuthority.fingerprint(of: certificate)).inserted
        }
    }

    /// The CA certificates of ``trustedCAPEMs``.
    package var trustedCAs: [Certificate] { self.trustedCAPEMs.compactMap { try? Certificate(pemEncoded: $0) } }

    /// Fingerprints of ``trustedCAPEMs``.
    package var trustedCAFingerprints: [String] {
        self.trustedCAPEMs.compactMap { try? Certificate(pemEncoded: $0) }.map(CertificateAuthority.fingerprint(of:))
    }

    /// The command keys agents are to accept: the signing one first, then the staged next one.
    package var commandKeys: [PublicJWK] {
        [JWS.jwk(of: self.signingKey.publicKey)] + (self.nextSigningKey.map { [JWS.jwk(of: $0.publicKey)] } ?? [])
    }

    /// Loads the identity from an initialised data directory.
    package static func load(_ paths: CoordinatorPaths) throws -> CoordinatorIdentity {
        func read(_ path: String) throws -> String {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw CoordinatorError(.notInitialised, "cannot read \(path); run `oversight-coordinator init --data \(paths.directory)` first")
            }
            return text
        }
        let caPEM = try read(paths.caCertificate)
        let authority = try CertificateAuthority.load(certificatePEM: caPEM, keyPEM: try read(paths.caKey))
        let signing = try Curve25519.Signing.PrivateKey(pemRepresentation: try read(paths.signingKey))
        let serverPEM = try read(paths.serverCertificate)
        guard authority.signed(try Certificate(pemEncoded: serverPEM)) else {
            throw CoordinatorError(.badKey, "\(paths.serverCertificate) is not issued by the CA in \(paths.caCertificate) (a CA rollover half done?)")
        }
        var identity = CoordinatorIdentity(
            authority: authority, caPEM: caPEM, serverCertificatePEM: serverPEM, serverKeyPEM: try read(paths.serverKey), signingKey: signing
        )
        let fileManager = FileManager.default
        if fileManager.fileExists(atPath: paths.nextCACertificate) {
            let pem = try read(paths.nextCACertificate)
            identity.nextAuthority = try CertificateAuthority.load(certificatePEM: pem, keyPEM: try read(paths.nextCAKey))
            identity.nextCAPEM = pem
        }
        if fileManager.fileExists(atPath: paths.previousCACertificate) {
            let pem = try read(paths.previousCACertificate)
            _ = try Certificate(pemEncoded: pem)
            identity.previousCAPEM = pem
        }
        if fileManager.fileExists(atPath: paths.nextSigningKey) {
            identity.nextSigningKey = try Curve25519.Signing.PrivateKey(pemRepresentation: try read(paths.nextSigningKey))
        }
        return identity
    }

    /// What an agent reporting `report` should be told, or `nil` when it already trusts exactly what it should and
    /// its certificate (issued by `certificateIssuer`) is from the issuing CA.
    package func trustUpdate(for report: TrustReport, certificateIssuer: String?) -> TrustUpdate? {
        let keys = self.commandKeys
        let renew = certificateIssuer != nil && certificateIssuer != self.issuingAuthority.fingerprint
        let wantedCAs = self.trustedCAFingerprints
        if Set(report.caFingerprints) == Set(wantedCAs), Set(report.coordinatorKeys) == Set(keys.map(JWS.thumbprint(of:))), !renew {
            return nil
        }
        return TrustUpdate(caCertificates: self.trustedCAPEMs, coordinatorKeys: keys, renewCertificate: renew)
    }
}

/// Creates a coordinator's state.
package enum CoordinatorSetup {
    /// What `init` did.
    package enum Outcome: Sendable, Equatable {
        case created(fingerprint: String)
        case alreadyInitialised(existing: [String])
    }

    /// Creates CA, server certificate, signing key and store in `paths.directory`; never overwrites anything.
    package static func initialise(_ paths: CoordinatorPaths, hostnames: [String], now: Date = Date()) throws -> Outcome {
        let fileManager = FileManager.default
        let existing = paths.all.filter { fileManager.fileExists(atPath: $0) }
        if !existing.isEmpty { return .alreadyInitialised(existing: existing) }
        try fileManager.createDirectory(atPath: paths.directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])

        let authority = try CertificateAuthority.create(now: now)
        let serverKey = P256.Signing.PrivateKey()
        let server = try authority.issueServerCertificate(publicKey: serverKey.publicKey, hostnames: hostnames, now: now)
        let signing = Curve25519.Signing.PrivateKey()

        try SecureFile.writeNew(paths.caKey, authority.privateKey.pemRepresentation, mode: 0o600)
        try SecureFile.writeNew(paths.serverKey, serverKey.pemRepresentation, mode: 0o600)
        try SecureFile.writeNew(paths.signingKey, signing.pemRepresentation, mode: 0o600)
        try SecureFile.writeNew(paths.caCertificate, try authority.certificate.pemString, mode: 0o644)
        try SecureFile.writeNew(paths.serverCertificate, try server.pemString, mode: 0o644)
        return .created(fingerprint: authority.fingerprint)
    }
}

extension Curve25519.Signing.PrivateKey {
    /// PKCS#8 PEM of an Ed25519 private key (RFC 8410).
    package var pemRepresentation: String {
        // PKCS#8 prefix for Ed25519: SEQUENCE { INTEGER 0, SEQUENCE { OID 1.3.101.112 }, OCTET STRING { OCTET STRING key } }
        let prefix: [UInt8] = [0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20]
        let der = Data(prefix + Array(self.rawRepresentation))
        let body = der.base64EncodedString(options: [.lineLength64Characters, .endLineWithLineFeed])
        return "-----BEGIN PRIVATE KEY-----\n\(body)\n-----END PRIVATE KEY-----\n"
    }

    /// Reads a PKCS#8 PEM Ed25519 private key.
    package init(pemRepresentation pem: String) throws {
        let body = pem.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
        guard let der = Data(base64Encoded: body), der.count == 48 else {
            throw CoordinatorError(.badKey, "not a PKCS#8 Ed25519 private key")
        }
        try self.init(rawRepresentation: der.suffix(32))
    }
}
