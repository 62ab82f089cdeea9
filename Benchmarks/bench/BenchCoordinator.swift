//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// A real `oversight-coordinator serve` process for the benchmark, and enrolled agent identities for it.
//
//===----------------------------------------------------------------------===//

import Crypto
import Foundation
import OversightAgent
import OversightCoordinator
import OversightModel
import Logging
import OversightStore
import OversightStorePostgres
import OversightTesting
import OversightWire

#if canImport(Glibc)
import Glibc
#endif

/// Settings written to the coordinator's YAML configuration.
struct CoordinatorOptions: Sendable {
    var synchronous = "full"
    var handshakeRate: Int?
    var handshakeBurst: Int?
    var heartbeatInterval: String?
    /// A command prepended to the serve command line, e.g. `perf record -g -o FILE --`.
    var wrapper: [String] = []
    /// The PostgreSQL database to serve from (`store.backend: postgresql`); SQLite in the data directory when `nil`.
    var postgres: PostgresStore.Configuration?
}

/// An initialised coordinator data directory and its serve process (the release binary beside the benchmark).
///
/// `@unchecked Sendable`: the benchmark drives it from one task at a time; `process` and `port` are not shared.
final class BenchCoordinator: @unchecked Sendable {
    let paths: CoordinatorPaths
    let root: URL
    let options: CoordinatorOptions
    private(set) var process: ChildProcess?
    private(set) var port = 0
    private var starts = 0
    let fingerprint: String
    let caPEM: String

    /// Initialises `root/coordinator` in-process (CA, server certificate, signing key, store) and writes the config.
    init(root: URL, options: CoordinatorOptions) throws {
        self.root = root
        self.options = options
        self.paths = CoordinatorPaths(directory: root.appendingPathComponent("coordinator").path)
        switch try CoordinatorSetup.initialise(self.paths, hostnames: ["127.0.0.1", "localhost"]) {
        case .created(let fingerprint): self.fingerprint = fingerprint
        case .alreadyInitialised: throw BenchError("\(self.paths.directory) is already initialised")
        }
        _ = try SQLiteStore(path: self.paths.store)
        self.caPEM = try String(contentsOfFile: self.paths.caCertificate, encoding: .utf8)
        var yaml = "store:\n  synchronous: \(options.synchronous)\n"
        if let postgres = options.postgres {
            yaml = "store:\n  backend: postgresql\n  url: postgresql://\(postgres.username)@\(postgres.host):\(postgres.port)/\(postgres.database)\n"
                + "  tls: \(postgres.tls.mode)\n"
        }
        if options.handshakeRate != nil || options.handshakeBurst != nil {
            yaml += "handshakes:\n"
            if let rate = options.handshakeRate { yaml += "  rate: \(rate)\n" }
            if let burst = options.handshakeBurst { yaml += "  burst: \(burst)\n" }
        }
        if let interval = options.heartbeatInterval { yaml += "heartbeat:\n  interval: \(interval)\n" }
        try Data(yaml.utf8).write(to: self.configFile)
    }

    var configFile: URL { self.root.appendingPathComponent("coordinator.yaml") }
    var address: String { "127.0.0.1:\(self.port)" }
    var pid: Int32? { self.process?.pid }

    /// Opens the store from the benchmark process (WAL: safe while the coordinator serves).
    func openStore() throws -> SQLiteStore { try SQLiteStore(path: self.paths.store, synchronous: .normal) }

    /// Starts `serve` and waits for "coordinator ready" (the same port after the first start).
    func start(timeout: Duration = .seconds(120)) async throws {
        self.starts += 1
        let arguments = [
            "serve", "--data", self.paths.directory, "--config", self.configFile.path, "--host", "127.0.0.1", "--port", "\(self.port)", "--console-port", "0",
            "--log-level", "notice",
        ]
        let executable = try Binaries.coordinator()
        let command = self.options.wrapper.isEmpty ? [executable] + arguments : self.options.wrapper + [executable] + arguments
        let child = try ChildProcess(
            name: "coordinator#\(self.starts)", executable: Self.resolve(command[0]), arguments: Array(command.dropFirst()),
            logFile: self.root.appendingPathComponent("coordinator-\(self.starts).log")
        )
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let log = child.log()
            if log.contains("coordinator ready"), let range = log.range(of: #"oversight\.listen\.port=(\d+)"#, options: .regularExpression),
                let port = Int(log[range].split(separator: "=").last ?? "")
            {
                self.port = port
                self.process = child
                return
            }
            if !child.isRunning { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        let tail = child.logTail()
        await child.kill9()
        throw BenchError("the coordinator did not become ready; its log ends with:\n\(tail)")
    }

    /// The pid of the coordinator itself (not of a wrapper such as `perf`).
    var servePid: Int32? {
        guard let pid = self.pid else { return nil }
        if self.options.wrapper.isEmpty { return pid }
        // The wrapper's child.
        let children = (try? String(contentsOfFile: "/proc/\(pid)/task/\(pid)/children", encoding: .utf8)) ?? ""
        return children.split(separator: " ").first.flatMap { Int32($0) } ?? pid
    }

    /// SIGTERM, and waits for the exit.
    func stop() async {
        if !self.options.wrapper.isEmpty, let serve = self.servePid, serve != self.pid {
            kill(serve, SIGTERM)
            await self.process?.waitForExit(timeout: .seconds(60))
        }
        await self.process?.terminate(grace: .seconds(60))
        self.process = nil
    }

    /// Runs `body` on the store the coordinator serves from: its SQLite file, or a client of its PostgreSQL database.
    func withStore<Result: Sendable>(_ body: @Sendable (any CoordinatorStore) async throws -> Result) async throws -> Result {
        guard let postgres = self.options.postgres else { return try await body(try self.openStore()) }
        var logger = Logger(label: "oversight.bench.postgres")
        logger.logLevel = .warning
        return try await PostgresStore.withStore(configuration: postgres, logger: logger, migrating: false) { try await body($0) }
    }

    /// Tickets stored, in whichever store the coordinator serves from.
    func ticketCount() async throws -> Int { try await self.withStore { try await $0.ticketCount() } }

    /// Creates a one-time enrollment token in the store.
    func createToken(provider: String, site: String) async throws -> String {
        try await self.withStore { store in
            try await EnrollmentTokens.create(store: store, provider: provider, site: site, ttl: .seconds(3600)).token
        }
    }

    /// Enrolls an agent in-process with `Enrollment.enroll` (real token, real TLS) into `directory`.
    func enroll(provider: String, site: String, directory: URL) async throws -> AgentCredentials {
        let token = try await self.createToken(provider: provider, site: site)
        let paths = AgentPaths(directory: directory.path)
        _ = try await Enrollment.enroll(
            .init(coordinatorHost: "127.0.0.1", coordinatorPort: self.port, token: token, caFingerprint: self.fingerprint, proxy: nil, version: "bench"),
            paths: paths
        )
        return try AgentCredentials.load(paths)
    }

    /// Registers `count` agents without the enrollment protocol (which is rate-limited to a few per second):
    /// one token per agent is created and consumed in the store, and the coordinator's CA issues each agent's
    /// certificate for `template`'s TLS key. The agents share `template`'s keys; ids and certificates are distinct.
    func registerAgents(count: Int, template: AgentCredentials) async throws -> [AgentCredentials] {
        let identity = try CoordinatorIdentity.load(self.paths)
        let store = try self.openStore()
        let tlsKey = try P256.Signing.PrivateKey(pemRepresentation: template.keyPEM)
        let csr = try CertificateAuthority.makeCSR(key: tlsKey)
        let provider = template.identity.provider
        let site = template.identity.site
        var credentials: [AgentCredentials] = []
        credentials.reserveCapacity(count)
        let now = Date()
        for index in 0..<count {
            let agentId = String(format: "agt_bench%08d", index)
            let certificate = try identity.authority.issueAgentCertificate(
                csrPEM: csr, identity: AgentIdentity(agentId: agentId, provider: provider, site: site), validity: .seconds(30 * 86400)
            )
            let tokenHash = JWS.sha256Hex(Data("bench-token-\(agentId)-\(UUID().uuidString)".utf8))
            try await store.createToken(hash: tokenHash, provider: provider, site: site, createdAt: now, expiresAt: now.addingTimeInterval(3600))
            _ = try await store.consumeToken(
                hash: tokenHash,
                agent: NewAgent(
                    id: agentId, hostname: "bench-\(index)", signingKey: JWS.jwk(of: template.signingKey.publicKey).x,
                    certificateSerial: String(describing: certificate.serialNumber), certificateNotAfter: certificate.notValidAfter
                ),
                now: now
            )
            var agent = template
            agent.identity.agentId = agentId
            agent.certificatePEM = try certificate.pemString
            credentials.append(agent)
            if index % 1000 == 999 { progress("  registered \(index + 1)/\(count) agents") }
        }
        return credentials
    }

    static func resolve(_ command: String) -> String {
        if command.contains("/") { return command }
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") {
            let path = "\(directory)/\(command)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return command
    }
}
