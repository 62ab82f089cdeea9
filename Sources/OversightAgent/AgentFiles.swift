//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The agent's data directory: identity, keys, certificates, outbox.
//
//===----------------------------------------------------------------------===//

import Crypto
import Foundation
import OversightModel
import OversightWire

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Files in the agent's data directory.
package struct AgentPaths: Sendable {
    package let directory: String
    /// Creates the layout for `directory`.
    package init(directory: String) { self.directory = directory }

    /// Written last at enrollment: its presence means enrollment completed.
    package var identity: String { self.directory + "/agent.json" }
    package var caCertificate: String { self.directory + "/ca.pem" }
    package var clientCertificate: String { self.directory + "/client.pem" }
    package var clientKey: String { self.directory + "/client.key" }
    package var signingKey: String { self.directory + "/signing.key" }
    package var pseudonymKey: String { self.directory + "/pseudonym.key" }
    package var outbox: String { self.directory + "/outbox.sqlite" }

    /// The documented default: `$OVERSIGHT_AGENT_DATA`, else `/var/lib/oversight/agent`.
    package static var defaultDirectory: String {
        ProcessInfo.processInfo.environment["OVERSIGHT_AGENT_DATA"] ?? "/var/lib/oversight/agent"
    }
}

/// What enrollment established (`agent.json`).
package struct AgentIdentityFile: Codable, Sendable, Hashable {
    package var agentId: String
    package var provider: String
    package var site: String
    /// `host:port` used at enrollment; the default coordinator address.
    package var coordinator: String
    package var caFingerprint: String
    /// The coordinator's command-signing key given at enrollment.
    package var coordinatorKey: PublicJWK
    package var enrolledAt: Date
    /// The command keys accepted since the coordinator last said (a `trust` command); `nil`: ``coordinatorKey`` only.
    package var coordinatorKeys: [PublicJWK]? = nil

    /// Every coordinator command key this agent accepts.
    package var acceptedCoordinatorKeys: [PublicJWK] { self.coordinatorKeys ?? [self.coordinatorKey] }
}

/// An enrolled agent's loaded material.
package struct AgentCredentials: Sendable {
    package var identity: AgentIdentityFile
    package var caPEM: String
    package var certificatePEM: String
    package var keyPEM: String
    package var signingKey: Curve25519.Signing.PrivateKey
    package var pseudonymKey: [UInt8]

    /// Loads the credentials of an enrolled agent.
    package static func load(_ paths: AgentPaths) throws -> AgentCredentials {
        guard let identityData = FileManager.default.contents(atPath: paths.identity) else {
            throw AgentError(.notEnrolled, "\(paths.directory) holds no enrolled agent; run `oversight-agent enroll … --data \(paths.directory)` first")
        }
        func read(_ path: String) throws -> String {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw AgentError(.io, "cannot read \(path)")
            }
            return text
        }
        let identity = try WireJSON.decode(AgentIdentityFile.self, from: identityData)
        let signingRaw = try read(paths.signingKey).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let signingBytes = Base64URL.decode(signingRaw) else { throw AgentError(.io, "\(paths.signingKey) is not a key file") }
        let pseudonymRaw = try read(paths.pseudonymKey).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let pseudonymBytes = Base64URL.decode(pseudonymRaw) else { throw AgentError(.io, "\(paths.pseudonymKey) is not a key file") }
        return AgentCredentials(
            identity: identity, caPEM: try read(paths.caCertificate), certificatePEM: try read(paths.clientCertificate),
            keyPEM: try read(paths.clientKey), signingKey: try Curve25519.Signing.PrivateKey(rawRepresentation: signingBytes),
            pseudonymKey: Array(pseudonymBytes)
        )
    }
}

/// Atomic, durable file writes with a chosen mode.
package enum AtomicFile {
    /// Writes `contents` to a temporary file with `mode`, fsyncs it and renames it over `path`, then fsyncs the folder.
    package static func write(_ path: String, _ contents: some DataProtocol, mode: mode_t) throws {
        let temporary = path + ".tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard fd >= 0 else { throw AgentError(.io, "cannot create \(temporary): \(String(cString: strerror(errno)))") }
        _ = fchmod(fd, mode)
        let bytes = Array(contents)
        var written = 0
        while written < bytes.count {
            let result = bytes[written...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            guard result > 0 else {
                close(fd)
                throw AgentError(.io, "cannot write \(temporary): \(String(cString: strerror(errno)))")
            }
            written += result
        }
        guard fsync(fd) == 0 else {
            close(fd)
            throw AgentError(.io, "cannot fsync \(temporary)")
        }
        close(fd)
        guard rename(temporary, path) == 0 else {
            unlink(temporary)
            throw AgentError(.io, "cannot rename \(temporary) to \(path): \(String(cString: strerror(errno)))")
        }
        Self.syncDirectory(of: path)
    }

    /// fsyncs the folder holding `path`, so a rename survives power loss.
    package static func syncDirectory(of path: String) {
        let directory = (path as NSString).deletingLastPathComponent
        let fd = open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd >= 0 {
            _ = fsync(fd)
            close(fd)
        }
    }
}
