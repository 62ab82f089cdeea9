//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// CA rollover and command-key rotation: the file steps, and what each step waits for (docs/operations.md).
//
//===----------------------------------------------------------------------===//

import Crypto
import Foundation
import OversightModel
import OversightStore
import OversightWire
import X509

/// The steps of a CA rollover and a command-key rotation, on the files of a data directory. A running coordinator
/// notices each step within a second (``TrustWatcher``) and tells its agents through signed `trust` commands.
///
/// - CA rollover: `stage` makes `ca.next.*` (agents are told to trust it, renewals and enrollments are issued from it);
///   `promote` (once every agent trusts it) makes it the CA the server presents, keeping the old one as
///   `ca.previous.pem`; `retire` (once every agent's certificate is from the new CA) drops the old one.
/// - Command key: `stage` makes `signing.next.key` (agents are told to accept it); `promote` (once every agent
///   accepts it) signs with it and drops the old key.
package enum TrustRotation {
    /// One agent that a step still waits for, and why.
    package struct Laggard: Sendable, Hashable, Codable {
        package var agentId: String
        package var provider: String
        package var site: String
        package var reason: String
    }

    /// A step refused because agents are not ready; `--force` goes ahead (those agents then need enrolling again).
    package struct NotReady: Error, CustomStringConvertible {
        package var step: String
        package var laggards: [Laggard]
        package var description: String {
            let names = self.laggards.prefix(10).map { "\($0.agentId) (\($0.provider)/\($0.site): \($0.reason))" }.joined(separator: "; ")
            let more = self.laggards.count > 10 ? " and \(self.laggards.count - 10) more" : ""
            return "\(self.step) would cut off \(self.laggards.count) agent(s): \(names)\(more). Wait until they have connected "
                + "(see `ca status` / `signing-key status`), revoke the ones that are gone, or pass --force (they must then be enrolled again)"
        }
    }

    // MARK: CA rollover

    /// Creates the next CA (`ca.next.pem`, `ca.next.key`). Returns its fingerprint.
    package static func stageCA(_ paths: CoordinatorPaths, now: Date = Date()) throws -> String {
        let fileManager = FileManager.default
        let identity = try CoordinatorIdentity.load(paths)
        guard identity.nextAuthority == nil else {
            throw CoordinatorError(.invalidArgument, "a CA rollover is already staged (\(paths.nextCACertificate)); promote it first")
        }
        guard identity.previousCAPEM == nil else {
            throw CoordinatorError(
                .invalidArgument, "the previous CA is not retired yet (\(paths.previousCACertificate)); run `ca rollover retire` first"
            )
        }
        let day = now.formatted(Date.ISO8601FormatStyle().year().month().day())
        let next = try CertificateAuthority.create(commonName: "Oversight Coordinator CA \(day)", now: now)
        try? fileManager.removeItem(atPath: paths.nextCAKey)
        try SecureFile.writeNew(paths.nextCAKey, next.privateKey.pemRepresentation, mode: 0o600)
        try SecureFile.writeNew(paths.nextCACertificate, try next.certificate.pemString, mode: 0o644)
        return next.fingerprint
    }

    /// Makes the next CA the current one: the old CA certificate becomes `ca.previous.pem` (its agent certificates are
    /// still accepted), the server certificate is issued again from the new CA for the same names and key, and the
    /// old CA key is deleted. Refused while an agent does not trust the new CA yet, unless `force`.
    package static func promoteCA(
        _ paths: CoordinatorPaths, agents: [AgentRow], trust: [String: AgentTrustRow], force: Bool, now: Date = Date()
    ) throws -> (previous: String, current: String) {
        let identity = try CoordinatorIdentity.load(paths)
        guard let next = identity.nextAuthority else {
            throw CoordinatorError(.invalidArgument, "no CA rollover is staged; run `ca rollover stage` first")
        }
        let laggards = Self.active(agents).compactMap { agent -> Laggard? in
            guard let cas = trust[agent.id]?.caFingerprints else {
                return Laggard(agent: agent, reason: "has not reported what it trusts since the rollover was staged")
            }
            return cas.contains(next.fingerprint) ? nil : Laggard(agent: agent, reason: "does not trust the new CA yet")
        }
        if !laggards.isEmpty && !force { throw NotReady(step: "promoting the new CA", laggards: laggards) }
        let serverKey = try P256.Signing.PrivateKey(pemRepresentation: try String(contentsOfFile: paths.serverKey, encoding: .utf8))
        let oldServer = try Certificate(pemEncoded: identity.serverCertificatePEM)
        let server = try next.reissueServerCertificate(oldServer, publicKey: serverKey.publicKey, now: now)
        try SecureFile.replace(paths.previousCACertificate, identity.caPEM, mode: 0o644)
        // Key before certificate: until both are renamed `load` refuses the pair (key and certificate differ), so a
        // coordinator reloading in between keeps what it had.
        try Self.rename(paths.nextCAKey, to: paths.caKey)
        try Self.rename(paths.nextCACertificate, to: paths.caCertificate)
        try SecureFile.replace(paths.serverCertificate, try server.pemString, mode: 0o644)
        return (identity.authority.fingerprint, next.fingerprint)
    }

    /// Drops the previous CA: its agent certificates are refused from now on, and agents are told to stop trusting
    /// it. Refused while an agent's certificate is still from it, unless `force`.
    package static func retireCA(_ paths: CoordinatorPaths, agents: [AgentRow], trust: [String: AgentTrustRow], force: Bool) throws -> String {
        let identity = try CoordinatorIdentity.load(paths)
        guard identity.nextAuthority == nil else {
            throw CoordinatorError(.invalidArgument, "a CA rollover is staged but not promoted; run `ca rollover promote` first")
        }
        guard let previousPEM = identity.previousCAPEM else {
            throw CoordinatorError(.invalidArgument, "there is no previous CA to retire")
        }
        let current = identity.authority.fingerprint
        let laggards = Self.active(agents).compactMap { agent -> Laggard? in
            switch trust[agent.id]?.certificateIssuer {
            case current: nil
            case nil: Laggard(agent: agent, reason: "has not connected since the rollover, so its certificate is from the old CA")
            default: Laggard(agent: agent, reason: "its certificate is still from the old CA (it renews when it next connects)")
            }
        }
        if !laggards.isEmpty && !force { throw NotReady(step: "retiring the old CA", laggards: laggards) }
        try FileManager.default.removeItem(atPath: paths.previousCACertificate)
        return CertificateAuthority.fingerprint(of: try Certificate(pemEncoded: previousPEM))
    }

    // MARK: Command key

    /// Creates the next command key (`signing.next.key`). Returns its thumbprint.
    package static func stageSigningKey(_ paths: CoordinatorPaths) throws -> String {
        let identity = try CoordinatorIdentity.load(paths)
        guard identity.nextSigningKey == nil else {
            throw CoordinatorError(.invalidArgument, "a next command key is already staged (\(paths.nextSigningKey)); promote it first")
        }
        let key = Curve25519.Signing.PrivateKey()
        try SecureFile.writeNew(paths.nextSigningKey, key.pemRepresentation, mode: 0o600)
        return JWS.thumbprint(of: JWS.jwk(of: key.publicKey))
    }

    /// Signs commands with the next key from now on and deletes the old one. Refused while an agent does not accept
    /// the next key yet, unless `force`.
    package static func promoteSigningKey(
        _ paths: CoordinatorPaths, agents: [AgentRow], trust: [String: AgentTrustRow], force: Bool
    ) throws -> (previous: String, current: String) {
        let identity = try CoordinatorIdentity.load(paths)
        guard let next = identity.nextSigningKey else {
            throw CoordinatorError(.invalidArgument, "no next command key is staged; run `signing-key stage` first")
        }
        let thumbprint = JWS.thumbprint(of: JWS.jwk(of: next.publicKey))
        let laggards = Self.active(agents).compactMap { agent -> Laggard? in
            guard let keys = trust[agent.id]?.coordinatorKeys else {
                return Laggard(agent: agent, reason: "has not reported what it trusts since the key was staged")
            }
            return keys.contains(thumbprint) ? nil : Laggard(agent: agent, reason: "does not accept the next key yet")
        }
        if !laggards.isEmpty && !force { throw NotReady(step: "promoting the next command key", laggards: laggards) }
        try Self.rename(paths.nextSigningKey, to: paths.signingKey)
        return (JWS.thumbprint(of: JWS.jwk(of: identity.signingKey.publicKey)), thumbprint)
    }

    // MARK: Status

    /// Where rotations stand, and each agent's part in them.
    package struct Status: Sendable, Codable {
        package struct Authority: Sendable, Codable {
            package var role: String
            package var fingerprint: String
            package var subject: String
            package var notAfter: Date
        }
        package struct Key: Sendable, Codable {
            package var role: String
            package var thumbprint: String
        }
        package struct Agent: Sendable, Codable {
            package var agentId: String
            package var provider: String
            package var site: String
            package var trustsCAs: [String]?
            package var acceptsKeys: [String]?
            package var certificateIssuer: String?
            package var reportedAt: Date?
            /// What the agent still lacks for the next step, if anything.
            package var pending: String?
        }
        /// `none`, `staged` (next CA made), `promoted` (previous CA still accepted).
        package var caRollover: String
        package var authorities: [Authority]
        /// `none` or `staged`.
        package var keyRotation: String
        package var keys: [Key]
        package var agents: [Agent]
    }

    /// The status of `paths` with the agents' reports.
    package static func status(_ paths: CoordinatorPaths, agents: [AgentRow], trust: [String: AgentTrustRow]) throws -> Status {
        let identity = try CoordinatorIdentity.load(paths)
        func authority(_ role: String, _ certificate: Certificate) -> Status.Authority {
            .init(
                role: role, fingerprint: CertificateAuthority.fingerprint(of: certificate), subject: "\(certificate.subject)",
                notAfter: certificate.notValidAfter
            )
        }
        var authorities = [authority("current", identity.authority.certificate)]
        if let next = identity.nextAuthority { authorities.append(authority("next", next.certificate)) }
        if let pem = identity.previousCAPEM, let previous = try? Certificate(pemEncoded: pem) {
            authorities.append(authority("previous", previous))
        }
        var keys = [Status.Key(role: "current", thumbprint: JWS.thumbprint(of: JWS.jwk(of: identity.signingKey.publicKey)))]
        if let next = identity.nextSigningKey { keys.append(.init(role: "next", thumbprint: JWS.thumbprint(of: JWS.jwk(of: next.publicKey)))) }
        let issuing = identity.issuingAuthority.fingerprint
        let wantedCAs = Set(identity.trustedCAFingerprints)
        let wantedKeys = Set(identity.commandKeys.map(JWS.thumbprint(of:)))
        let rows = Self.active(agents).map { agent -> Status.Agent in
            let row = trust[agent.id]
            var pending: [String] = []
            if let cas = row?.caFingerprints {
                if Set(cas) != wantedCAs { pending.append("CA trust not updated yet") }
            } else {
                pending.append("has not reported its trust (agent older than this coordinator, or not connected since)")
            }
            if let keys = row?.coordinatorKeys, Set(keys) != wantedKeys { pending.append("command keys not updated yet") }
            if row?.certificateIssuer != issuing { pending.append("certificate not yet issued by the current CA") }
            return Status.Agent(
                agentId: agent.id, provider: agent.provider, site: agent.site, trustsCAs: row?.caFingerprints,
                acceptsKeys: row?.coordinatorKeys, certificateIssuer: row?.certificateIssuer, reportedAt: row?.reportedAt,
                pending: pending.isEmpty ? nil : pending.joined(separator: "; ")
            )
        }
        return Status(
            caRollover: identity.nextAuthority != nil ? "staged" : identity.previousCAPEM != nil ? "promoted" : "none",
            authorities: authorities, keyRotation: identity.nextSigningKey != nil ? "staged" : "none", keys: keys, agents: rows
        )
    }

    static func active(_ agents: [AgentRow]) -> [AgentRow] { agents.filter { $0.revokedAt == nil } }

    private static func rename(_ from: String, to: String) throws {
        guard Foundation.rename(from, to) == 0 else {
            throw CoordinatorError(.io, "cannot rename \(from) to \(to): \(String(cString: strerror(errno)))")
        }
    }
}

extension TrustRotation.Laggard {
    init(agent: AgentRow, reason: String) {
        self.init(agentId: agent.id, provider: agent.provider, site: agent.site, reason: reason)
    }
}
