//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The coordinator's CA: creates itself, issues the server certificate and agents' client certificates.
//
//===----------------------------------------------------------------------===//

import Crypto
import Foundation
import SwiftASN1
import X509

/// Who an agent certificate says the agent is: CN = agent id, O = provider, OU = site.
package struct AgentIdentity: Sendable, Hashable {
    package var agentId: String
    package var provider: String
    package var site: String
    /// Creates an identity.
    package init(agentId: String, provider: String, site: String) {
        self.agentId = agentId
        self.provider = provider
        self.site = site
    }

    /// Reads the identity from an agent certificate's subject.
    package init?(certificate: Certificate) {
        var cn: String?
        var o: String?
        var ou: String?
        for rdn in certificate.subject {
            for attribute in rdn {
                switch attribute.type {
                case .RDNAttributeType.commonName: cn = String(describing: attribute.value)
                case .RDNAttributeType.organizationName: o = String(describing: attribute.value)
                case .RDNAttributeType.organizationalUnitName: ou = String(describing: attribute.value)
                default: break
                }
            }
        }
        guard let cn, let o, let ou else { return nil }
        self.init(agentId: cn, provider: o, site: ou)
    }
}

/// The coordinator's certificate authority (ECDSA P-256).
package struct CertificateAuthority: Sendable {
    package let certificate: Certificate
    package let privateKey: P256.Signing.PrivateKey

    /// Wraps an existing CA.
    package init(certificate: Certificate, privateKey: P256.Signing.PrivateKey) {
        self.certificate = certificate
        self.privateKey = privateKey
    }

    /// Creates a new self-signed CA valid for `years`.
    package static func create(commonName: String = "Oversight Coordinator CA", now: Date = Date(), years: Int = 10) throws
        -> CertificateAuthority
    {
        let key = P256.Signing.PrivateKey()
        let name = try DistinguishedName {
            OrganizationName("Oversight")
            CommonName(commonName)
        }
        let certificate = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: .init(key.publicKey),
            notValidBefore: now.addingTimeInterval(-3600),
            notValidAfter: now.addingTimeInterval(Double(years) * 365 * 86400),
            issuer: name,
            subject: name,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: .init(key.publicKey))
            },
            issuerPrivateKey: .init(key)
        )
        return CertificateAuthority(certificate: certificate, privateKey: key)
    }

    /// Loads a CA from PEM files; the key must be the certificate's (a rotation half done is refused, not mixed).
    package static func load(certificatePEM: String, keyPEM: String) throws -> CertificateAuthority {
        let authority = CertificateAuthority(
            certificate: try Certificate(pemEncoded: certificatePEM),
            privateKey: try P256.Signing.PrivateKey(pemRepresentation: keyPEM)
        )
        guard authority.certificate.publicKey == Certificate.PublicKey(authority.privateKey.publicKey) else {
            throw WireError(.badKey, "the CA key does not belong to the CA certificate")
        }
        return authority
    }

    /// Whether `certificate` carries this CA's signature.
    package func signed(_ certificate: Certificate) -> Bool {
        certificate.issuer == self.certificate.subject && self.certificate.publicKey.isValidSignature(certificate.signature, for: certificate)
    }

    /// A new server certificate with the subject and names of `old`, for `publicKey`, issued by this CA (a CA
    /// rollover's promote).
    package func reissueServerCertificate(_ old: Certificate, publicKey: P256.Signing.PublicKey, now: Date = Date(), days: Int = 825) throws
        -> Certificate
    {
        let names = try old.extensions.subjectAlternativeNames ?? SubjectAlternativeNames([])
        return try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: .init(publicKey),
            notValidBefore: now.addingTimeInterval(-3600),
            notValidAfter: now.addingTimeInterval(Double(days) * 86400 - 3600),
            issuer: self.certificate.subject,
            subject: old.subject,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth])
                names
            },
            issuerPrivateKey: .init(self.privateKey)
        )
    }

    /// `sha256:` and the lowercase hex SHA-256 of the CA certificate's DER.
    package var fingerprint: String { Self.fingerprint(of: self.certificate) }

    /// `sha256:` and the lowercase hex SHA-256 of a certificate's DER.
    package static func fingerprint(of certificate: Certificate) -> String {
        var serializer = DER.Serializer()
        try? serializer.serialize(certificate)
        return "sha256:" + JWS.sha256Hex(serializer.serializedBytes)
    }

    /// Issues the coordinator's TLS server certificate for `hostnames` (DNS names and IP literals).
    package func issueServerCertificate(
        publicKey: P256.Signing.PublicKey, hostnames: [String], now: Date = Date(), days: Int = 825
    ) throws -> Certificate {
        var names: [GeneralName] = []
        for host in hostnames {
            if let address = Self.ipAddressBytes(host) {
                names.append(.ipAddress(ASN1OctetString(contentBytes: address[...])))
            } else {
                names.append(.dnsName(host))
            }
        }
        let subject = try DistinguishedName {
            OrganizationName("Oversight")
            CommonName(hostnames.first ?? "oversight-coordinator")
        }
        return try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: .init(publicKey),
            // `days` in total, the hour of backdating included: Apple platforms refuse TLS server certificates valid
            // for more than 825 days, and testssl rates them MEDIUM (scripts/tls-scan).
            notValidBefore: now.addingTimeInterval(-3600),
            notValidAfter: now.addingTimeInterval(Double(days) * 86400 - 3600),
            issuer: self.certificate.subject,
            subject: subject,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames(names)
            },
            issuerPrivateKey: .init(self.privateKey)
        )
    }

    /// Issues an agent's client certificate from its CSR, after checking the CSR's own signature.
    package func issueAgentCertificate(
        csrPEM: String, identity: AgentIdentity, now: Date = Date(), validity: Duration
    ) throws -> Certificate {
        let csr: CertificateSigningRequest
        do {
            csr = try CertificateSigningRequest(pemEncoded: csrPEM)
        } catch {
            throw WireError(.badCertificate, "the certificate request is not a PEM PKCS#10 CSR")
        }
        guard P256.Signing.PublicKey(csr.publicKey) != nil else {
            throw WireError(.badCertificate, "the certificate request must be for an ECDSA P-256 key")
        }
        guard csr.publicKey.isValidSignature(csr.signature, for: csr) else {
            throw WireError(.badCertificate, "the certificate request's signature does not verify")
        }
        let subject = try DistinguishedName {
            OrganizationName(identity.provider)
            OrganizationalUnitName(identity.site)
            CommonName(identity.agentId)
        }
        return try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: csr.publicKey,
            notValidBefore: now.addingTimeInterval(-300),
            notValidAfter: now.addingTimeInterval(Double(validity.components.seconds)),
            issuer: self.certificate.subject,
            subject: subject,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.clientAuth])
            },
            issuerPrivateKey: .init(self.privateKey)
        )
    }

    /// Makes a PEM CSR for an agent's TLS key.
    package static func makeCSR(key: P256.Signing.PrivateKey) throws -> String {
        let subject = try DistinguishedName { CommonName("oversight-agent") }
        let csr = try CertificateSigningRequest(
            version: .v1,
            subject: subject,
            privateKey: .init(key),
            attributes: .init(),
            signatureAlgorithm: .ecdsaWithSHA256
        )
        return try csr.serializeAsPEM().pemString
    }

    private static func ipAddressBytes(_ host: String) -> [UInt8]? {
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        if parts.count == 4 {
            let bytes = parts.compactMap { UInt8($0) }
            return bytes.count == 4 ? bytes : nil
        }
        if host.contains(":") {
            var address = in6_addr()
            if inet_pton(AF_INET6, host, &address) == 1 {
                return withUnsafeBytes(of: &address) { Array($0) }
            }
        }
        return nil
    }
}

extension Certificate {
    /// The certificate as PEM text.
    package var pemString: String {
        get throws { try self.serializeAsPEM().pemString }
    }

    /// The certificate's DER bytes.
    package var derBytes: [UInt8] {
        get throws {
            var serializer = DER.Serializer()
            try serializer.serialize(self)
            return serializer.serializedBytes
        }
    }
}
