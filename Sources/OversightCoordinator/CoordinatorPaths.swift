//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The coordinator's data directory: CA, server certificate, signing key, SQLite store.
//
//===----------------------------------------------------------------------===//

import Crypto
import Foundation
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
    package var store: String { self.directory + "/oversight.sqlite" }

    /// Every file `init` creates.
    package var all: [String] { [self.caCertificate, self.caKey, self.serverCertificate, self.serverKey, self.signingKey, self.store] }

    /// The documented default data directory: `$OVERSIGHT_COORDINATOR_DATA`, else `/var/lib/oversight/coordinator`.
    package static var defaultDirectory: String {
        ProcessInfo.processInfo.environment["OVERSIGHT_COORDINATOR_DATA"] ?? "/var/lib/oversight/coordinator"
    }
}

/// Loaded key material of an initialised coordinator.
package struct CoordinatorIdentity: Sendable {
    package let authority: CertificateAuthority
    package let caPEM: String
    package let serverCertificatePEM: String
    package let serverKeyPEM: String
    package let signingKey: Curve25519.Signing.PrivateKey

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
        return CoordinatorIdentity(
            authority: authority, caPEM: caPEM, serverCertificatePEM: try read(paths.serverCertificate),
            serverKeyPEM: try read(paths.serverKey), signingKey: signing
        )
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
