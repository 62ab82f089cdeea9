//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// A real `oversight-coordinator`: init, serve on a free port, admin commands, kill and restart.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightStore

/// An initialised coordinator data directory and, while it serves, its process.
///
/// `@unchecked Sendable`: a test drives it from one task at a time; the mutable `process`/`port` are not shared.
package final class CoordinatorProcess: @unchecked Sendable {
    /// The data directory (`ca.pem`, `oversight.sqlite`, …).
    package let dataDirectory: URL
    /// Where the serve logs go (one file per start).
    package let logDirectory: URL
    /// Optional `serve --config` file.
    package let configFile: URL?
    /// The port it listens on (known after the first start; kept across restarts).
    package private(set) var port: Int = 0
    /// The running serve process, if any.
    package private(set) var process: ChildProcess?
    /// The console's HTTPS port for the next start; 0 (the default) keeps the console off.
    package var consolePort: Int = 0
    private var starts = 0
    private let onStart: @Sendable (ChildProcess) -> Void

    /// The address `serve` listens on: 127.0.0.1, or `0.0.0.0` for agents on another network (a namespace of the test's).
    package var listenHost = "127.0.0.1"

    /// `oversight-coordinator init --data DIR --hostname 127.0.0.1 localhost` (and any further names or addresses the
    /// server certificate must carry).
    package init(
        dataDirectory: URL, logDirectory: URL, configFile: URL? = nil, extraHostnames: [String] = [],
        onStart: @escaping @Sendable (ChildProcess) -> Void
    ) async throws {
        self.dataDirectory = dataDirectory
        self.logDirectory = logDirectory
        self.configFile = configFile
        self.onStart = onStart
        try FileManager.default.createDirectory(at: logDirectory, withIntermediateDirectories: true)
        let result = try await runCommand(
            try Binaries.coordinator(), ["init", "--data", dataDirectory.path, "--hostname", "127.0.0.1", "localhost"] + extraHostnames
        )
        guard result.exitCode == 0 else { throw HarnessError("oversight-coordinator init failed: \(result)") }
    }

    /// A second coordinator of one deployment: a data directory of its own holding copies of `original`'s CA,
    /// server certificate and signing key (what `init` made; no `init` is run), so agents that trust the first trust
    /// it too. Its store is the one its `serve --config` names (a shared PostgreSQL), not the SQLite file of the copy.
    package init(
        sharingKeysOf original: CoordinatorProcess, dataDirectory: URL, logDirectory: URL, configFile: URL?,
        onStart: @escaping @Sendable (ChildProcess) -> Void
    ) throws {
        self.dataDirectory = dataDirectory
        self.logDirectory = logDirectory
        self.configFile = configFile
        self.onStart = onStart
        let fileManager = FileManager.default
        try fileManager.createDirectory(at: logDirectory, withIntermediateDirectories: true)
        try fileManager.createDirectory(at: dataDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        for file in ["ca.pem", "ca.key", "server.pem", "server.key", "signing.key"] {
            // copyItem keeps the 0600 mode of the keys.
            try fileManager.copyItem(at: original.dataDirectory.appendingPathComponent(file), to: dataDirectory.appendingPathComponent(file))
        }
    }

    /// `host:port` for agents.
    package var address: String { "127.0.0.1:\(self.port)" }

    /// Starts `serve` (on port 0 the first time, on the same port after) and waits for "coordinator ready".
    package func start() async throws {
        guard self.process?.isRunning != true else { throw HarnessError("the coordinator is already running") }
        var lastLog = ""
        // A restart right after kill -9 may race the kernel releasing the port: retry a few times.
        for _ in 0..<5 {
            self.starts += 1
            // The console stays off unless a test asks for it on a free port (`consolePort`): tests never contend for 8443.
            var arguments = [
                "serve", "--data", self.dataDirectory.path, "--host", self.listenHost, "--port", "\(self.port)", "--console-port", "\(self.consolePort)",
            ]
            if let configFile { arguments += ["--config", configFile.path] }
            let child = try ChildProcess(
                name: "coordinator#\(self.starts)", executable: try Binaries.coordinator(), arguments: arguments,
                logFile: self.logDirectory.appendingPathComponent("coordinator-\(self.starts).log")
            )
            self.onStart(child)
            let deadline = ContinuousClock.now + .seconds(60)
            while ContinuousClock.now < deadline {
                let log = child.log()
                if log.contains("coordinator ready"), let port = Self.port(in: log) {
                    self.port = port
                    self.process = child
                    return
                }
                if !child.isRunning { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            lastLog = child.logTail()
            await child.kill9()
            try await Task.sleep(for: .milliseconds(500))
        }
        throw HarnessError("the coordinator did not become ready; its log ends with:\n\(lastLog)")
    }

    static func port(in log: String) -> Int? {
        // Text (`oversight.listen.port=7443`) or JSON lines (`"oversight.listen.port":"7443"`).
        guard let match = log.firstMatch(of: /oversight\.listen\.port(?:=|":")(\d+)/) else { return nil }
        return Int(match.1)
    }

    /// SIGTERM and wait (SIGKILL after a grace period).
    package func stop() async {
        await self.process?.terminate()
        self.process = nil
    }

    /// kill -9.
    package func kill9() async {
        await self.process?.kill9()
        self.process = nil
    }

    /// Whether the serve process is alive.
    package var isRunning: Bool { self.process?.isRunning == true }

    /// Runs an admin command with `--data` added.
    package func cli(_ arguments: [String]) async throws -> CommandResult {
        try await runCommand(try Binaries.coordinator(), arguments + ["--data", self.dataDirectory.path])
    }

    /// `--config FILE` when the coordinator serves with one: the users commands then work on the store it names (the
    /// shared PostgreSQL's users in a scale-out deployment).
    package var configArguments: [String] { self.configFile.map { ["--config", $0.path] } ?? [] }

    /// `token create --provider P --site S [--also-site X …] --ttl T -q`.
    package func createToken(provider: String, site: String, alsoSites: [String] = [], ttl: String = "1h") async throws -> String {
        let result = try await self.cli(
            ["token", "create", "--provider", provider, "--site", site, "--ttl", ttl, "-q"] + alsoSites.flatMap { ["--also-site", $0] }
                + self.configArguments
        )
        let token = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        guard result.exitCode == 0, !token.isEmpty, !token.contains("\n") else { throw HarnessError("token create failed: \(result)") }
        return token
    }

    /// `users add NAME --role ROLE [--provider …]` with the password on standard input (never on the command line).
    package func addConsoleUser(_ username: String, role: String, password: String, providers: [String] = []) async throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("oversight-pw-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(at: scratch) }
        let passwordFile = scratch.appendingPathComponent("password")
        try Data((password + "\n").utf8).write(to: passwordFile)
        var arguments = ["users", "add", username, "--role", role, "--data", self.dataDirectory.path] + self.configArguments
        if !providers.isEmpty { arguments += ["--provider"] + providers }
        let quoted = ([try Binaries.coordinator()] + arguments).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }
        let result = try await runCommand("/bin/sh", ["-c", quoted.joined(separator: " ") + " < '\(passwordFile.path)'"])
        guard result.exitCode == 0 else { throw HarnessError("users add \(username) failed: \(result)") }
    }

    /// `users token NAME`: a new API token (`ovc_…`) for a console user.
    package func createAPIToken(for username: String) async throws -> String {
        let result = try await self.cli(["users", "token", username] + self.configArguments)
        let token = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        guard result.exitCode == 0, token.hasPrefix("ovc_"), !token.contains("\n") else { throw HarnessError("users token failed: \(result)") }
        return token
    }

    /// `ca fingerprint`.
    package func fingerprint() async throws -> String {
        let result = try await self.cli(["ca", "fingerprint"])
        let fingerprint = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        guard result.exitCode == 0, fingerprint.hasPrefix("sha256:") else { throw HarnessError("ca fingerprint failed: \(result)") }
        return fingerprint
    }

    /// The CA certificate PEM.
    package func caPEM() throws -> String {
        try String(contentsOf: self.dataDirectory.appendingPathComponent("ca.pem"), encoding: .utf8)
    }

    /// Opens the coordinator's SQLite store (WAL: safe while it serves).
    package func openStore() throws -> SQLiteStore {
        try SQLiteStore(path: self.dataDirectory.appendingPathComponent("oversight.sqlite").path)
    }
}
