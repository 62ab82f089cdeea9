//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The steps of a CA rollover and a command-key rotation on a data directory, and what each waits for.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightModel
import OversightStore
import OversightWire
import Testing
import X509

@testable import OversightCoordinator

@Suite struct TrustRotationTests {
    let directory: String
    var paths: CoordinatorPaths { CoordinatorPaths(directory: self.directory) }

    init() throws {
        self.directory = FileManager.default.temporaryDirectory.appendingPathComponent("rotation-\(UUID().uuidString)").path
        _ = try CoordinatorSetup.initialise(CoordinatorPaths(directory: self.directory), hostnames: ["localhost", "127.0.0.1"])
    }

    static func agent(_ id: String, revoked: Bool = false) -> AgentRow {
        AgentRow(
            id: id, provider: "acme", site: "paris", hostname: "h", signingKey: "k", certificateSerial: "1", certificateNotAfter: Date(),
            enrolledAt: Date(), revokedAt: revoked ? Date() : nil, lastSeq: 0, lastHash: genesisBatchHash, outboxFull: false, connected: false
        )
    }

    static func trust(_ id: String, cas: [String]?, keys: [String]? = nil, issuer: String?) -> AgentTrustRow {
        AgentTrustRow(agentId: id, caFingerprints: cas, coordinatorKeys: keys, certificateIssuer: issuer, reportedAt: Date())
    }

    func mode(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    @Test func aCARolloverStagesPromotesAndRetiresWhenEveryAgentIsReady() throws {
        defer { try? FileManager.default.removeItem(atPath: self.directory) }
        let before = try CoordinatorIdentity.load(self.paths)
        let old = before.authority.fingerprint
        let agents = [Self.agent("agt_a"), Self.agent("agt_b"), Self.agent("agt_gone", revoked: true)]

        let new = try TrustRotation.stageCA(self.paths)
        #expect(try self.mode(self.paths.nextCAKey) == 0o600)
        var identity = try CoordinatorIdentity.load(self.paths)
        #expect(identity.issuingAuthority.fingerprint == new)
        #expect(identity.trustedCAFingerprints == [old, new])
        #expect(throws: CoordinatorError.self) { try TrustRotation.stageCA(self.paths) }
        // What an agent that trusts only the old CA, with an old-CA certificate, is told: trust both, renew.
        let update = try #require(identity.trustUpdate(for: TrustReport(caFingerprints: [old], coordinatorKeys: [], nonce: "n"), certificateIssuer: old))
        #expect(update.caCertificates.count == 2 && update.renewCertificate)
        let keys = identity.commandKeys.map(JWS.thumbprint(of:))
        #expect(identity.trustUpdate(for: TrustReport(caFingerprints: [new, old], coordinatorKeys: keys, nonce: "n"), certificateIssuer: new) == nil)

        // Promote waits for every active agent to trust the new CA (the revoked one does not count).
        var trust = ["agt_a": Self.trust("agt_a", cas: [old, new], issuer: new), "agt_b": Self.trust("agt_b", cas: [old], issuer: old)]
        do {
            _ = try TrustRotation.promoteCA(self.paths, agents: agents, trust: trust, force: false)
            Issue.record("promote went ahead with agt_b not ready")
        } catch let notReady as TrustRotation.NotReady {
            #expect(notReady.laggards.map(\.agentId) == ["agt_b"])
            #expect(notReady.description.contains("agt_b") && notReady.description.contains("--force"))
        }
        #expect(try CoordinatorIdentity.load(self.paths).authority.fingerprint == old, "a refused step changed the files")
        trust["agt_b"] = Self.trust("agt_b", cas: [old, new], issuer: old)
        let promoted = try TrustRotation.promoteCA(self.paths, agents: agents, trust: trust, force: false)
        #expect(promoted == (old, new))
        identity = try CoordinatorIdentity.load(self.paths)
        #expect(identity.authority.fingerprint == new && identity.nextAuthority == nil)
        #expect(identity.trustedCAFingerprints == [new, old])
        // The server certificate is issued again by the new CA, for the same names and key.
        let server = try Certificate(pemEncoded: identity.serverCertificatePEM)
        #expect(identity.authority.signed(server))
        #expect(try server.extensions.subjectAlternativeNames == (try Certificate(pemEncoded: before.serverCertificatePEM).extensions.subjectAlternativeNames))
        #expect(server.publicKey == (try Certificate(pemEncoded: before.serverCertificatePEM)).publicKey)
        #expect(try self.mode(self.paths.caKey) == 0o600)

        // Retire waits for every agent's certificate to come from the new CA.
        #expect(throws: TrustRotation.NotReady.self) { try TrustRotation.retireCA(self.paths, agents: agents, trust: trust, force: false) }
        trust["agt_a"] = Self.trust("agt_a", cas: [new, old], issuer: new)
        trust["agt_b"] = Self.trust("agt_b", cas: [new, old], issuer: new)
        #expect(try TrustRotation.retireCA(self.paths, agents: agents, trust: trust, force: false) == old)
        identity = try CoordinatorIdentity.load(self.paths)
        #expect(identity.trustedCAFingerprints == [new] && identity.previousCAPEM == nil)
        #expect(throws: CoordinatorError.self) { try TrustRotation.retireCA(self.paths, agents: agents, trust: trust, force: false) }
        // A second rollover may start now.
        #expect(try TrustRotation.stageCA(self.paths) != new)
    }

    @Test func forceGoesAheadAndStatusNamesWhatEachAgentLacks() throws {
        defer { try? FileManager.default.removeItem(atPath: self.directory) }
        let old = try CoordinatorIdentity.load(self.paths).authority.fingerprint
        let new = try TrustRotation.stageCA(self.paths)
        let agents = [Self.agent("agt_a"), Self.agent("agt_silent")]
        let trust = ["agt_a": Self.trust("agt_a", cas: [old, new], keys: [], issuer: new)]
        let status = try TrustRotation.status(self.paths, agents: agents, trust: trust)
        #expect(status.caRollover == "staged" && status.authorities.map(\.role) == ["current", "next"])
        #expect(status.agents.first { $0.agentId == "agt_silent" }?.pending?.contains("has not reported") == true)
        #expect(status.agents.first { $0.agentId == "agt_a" }?.pending?.contains("command keys") == true)
        #expect(throws: TrustRotation.NotReady.self) { try TrustRotation.promoteCA(self.paths, agents: agents, trust: trust, force: false) }
        _ = try TrustRotation.promoteCA(self.paths, agents: agents, trust: trust, force: true)
        #expect(try TrustRotation.status(self.paths, agents: agents, trust: trust).caRollover == "promoted")
    }

    @Test func aCommandKeyIsStagedThenPromoted() throws {
        defer { try? FileManager.default.removeItem(atPath: self.directory) }
        let current = JWS.thumbprint(of: JWS.jwk(of: try CoordinatorIdentity.load(self.paths).signingKey.publicKey))
        let next = try TrustRotation.stageSigningKey(self.paths)
        #expect(try self.mode(self.paths.nextSigningKey) == 0o600)
        let identity = try CoordinatorIdentity.load(self.paths)
        #expect(identity.commandKeys.map(JWS.thumbprint(of:)) == [current, next])
        let agents = [Self.agent("agt_a")]
        #expect(throws: TrustRotation.NotReady.self) {
            try TrustRotation.promoteSigningKey(self.paths, agents: agents, trust: ["agt_a": Self.trust("agt_a", cas: [], keys: [current], issuer: nil)], force: false)
        }
        let promoted = try TrustRotation.promoteSigningKey(
            self.paths, agents: agents, trust: ["agt_a": Self.trust("agt_a", cas: [], keys: [current, next], issuer: nil)], force: false
        )
        #expect(promoted == (current, next))
        let after = try CoordinatorIdentity.load(self.paths)
        #expect(after.commandKeys.map(JWS.thumbprint(of:)) == [next] && after.nextSigningKey == nil)
        #expect(try self.mode(self.paths.signingKey) == 0o600)
        #expect(!FileManager.default.fileExists(atPath: self.paths.nextSigningKey))
    }

    @Test func aHalfDoneRotationIsRefusedNotMixed() throws {
        defer { try? FileManager.default.removeItem(atPath: self.directory) }
        _ = try TrustRotation.stageCA(self.paths)
        // The new CA's key moved in but not its certificate yet: the pair does not match, so loading refuses it.
        #expect(rename(self.paths.nextCAKey, self.paths.caKey) == 0)
        #expect(throws: (any Error).self) { try CoordinatorIdentity.load(self.paths) }
    }
}
