//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightAgent
import OversightStore
import OversightTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

extension EndToEnd {
    /// The agent reaching the coordinator through a real HTTP CONNECT proxy (tinyproxy).
    @Suite struct ProxyTests {
        /// The tinyproxy executable, installed with apt-get if missing.
        static func tinyproxy() async throws -> String {
            let candidates = ["/usr/bin/tinyproxy", "/usr/sbin/tinyproxy"]
            if let found = candidates.first(where: FileManager.default.isExecutableFile(atPath:)) { return found }
            var result = try await runCommand("/usr/bin/apt-get", ["install", "-y", "-q", "tinyproxy"], timeout: .seconds(300))
            if result.exitCode != 0 {
                _ = try await runCommand("/usr/bin/apt-get", ["update", "-q"], timeout: .seconds(300))
                result = try await runCommand("/usr/bin/apt-get", ["install", "-y", "-q", "tinyproxy"], timeout: .seconds(300))
            }
            guard let found = candidates.first(where: FileManager.default.isExecutableFile(atPath:)) else {
                throw HarnessError("tinyproxy is not installed and `apt-get install -y tinyproxy` failed: \(result)")
            }
            return found
        }

        /// Starts tinyproxy on a free loopback port allowing CONNECT to `targetPort`, with Basic auth if given.
        static func startProxy(harness: Harness, targetPort: Int, user: String?, password: String?) async throws -> (port: Int, log: URL) {
            let executable = try await Self.tinyproxy()
            let port = try freeLoopbackPort()
            let log = harness.directory.child("tinyproxy.log")
            var config = """
                Port \(port)
                Listen 127.0.0.1
                Timeout 600
                MaxClients 50
                Allow 127.0.0.1
                ConnectPort \(targetPort)
                LogFile "\(log.path)"
                LogLevel Info
                PidFile "\(harness.directory.child("tinyproxy.pid").path)"

                """
            if getuid() == 0 { config += "User root\nGroup root\n" }
            if let user, let password { config += "BasicAuth \(user) \(password)\n" }
            let configFile = harness.directory.child("tinyproxy.conf")
            try Data(config.utf8).write(to: configFile)
            let proxy = try harness.startProcess(name: "tinyproxy", executable: executable, arguments: ["-d", "-c", configFile.path])
            try await eventually("tinyproxy listening on \(port)", timeout: .seconds(30)) {
                guard proxy.isRunning else { throw HarnessError("tinyproxy exited: \(proxy.log())") }
                let probe = try? await LeanClient.connectRaw(port: port)
                await probe?.close()
                return probe != nil
            }
            return (port, log)
        }

        static func writeSecret(_ text: String, to url: URL) throws {
            try Data("\(text)\n".utf8).write(to: url)
            _ = chmod(url.path, 0o600)
        }

        @Test(.timeLimit(.minutes(3)))
        func recordsArriveThroughAnOpenProxy() async throws {
            try await withHarness("proxy-open") { harness in
                let coordinator = try await harness.startCoordinator()
                let store = try coordinator.openStore()
                let proxy = try await Self.startProxy(harness: harness, targetPort: coordinator.port, user: nil, password: nil)
                var options = AgentOptions()
                options.proxyURL = "http://127.0.0.1:\(proxy.port)"
                let agent = try await harness.startAgent(name: "proxied", coordinator: coordinator, provider: "acme", site: "paris", options: options)
                try agent.drop("via-proxy.csv", ExportFile.csv(ticketRows("PX", count: 30)))
                try await eventually("records arrive through the proxy") {
                    try agent.ensureRunning()
                    return try await store.ticketCount() == 30
                }
                let proxyLog = (try? String(contentsOf: proxy.log, encoding: .utf8)) ?? ""
                #expect(proxyLog.contains("CONNECT 127.0.0.1:\(coordinator.port)"), "tinyproxy logged no CONNECT: the agent did not use the proxy")
                #expect(try await agent.status().connection?.contains("connected since") == true)
            }
        }

        @Test(.timeLimit(.minutes(3)))
        func authenticatingProxyWithWrongThenRightCredentials() async throws {
            try await withHarness("proxy-auth") { harness in
                let coordinator = try await harness.startCoordinator()
                let store = try coordinator.openStore()
                let proxy = try await Self.startProxy(harness: harness, targetPort: coordinator.port, user: "oversight", password: "s3cret-pass")
                let wrongFile = harness.directory.child("wrong-password")
                try Self.writeSecret("not-the-password", to: wrongFile)
                var options = AgentOptions()
                options.proxyURL = "http://127.0.0.1:\(proxy.port)"
                options.proxyUsername = "oversight"

                // Wrong credentials: the agent's status says the proxy refused it; nothing arrives; the password never shows.
                options.proxyPasswordFile = wrongFile.path
                let refused = try await harness.startAgent(
                    name: "refused", coordinator: coordinator, provider: "acme", site: "lyon", options: options
                )
                try refused.drop("never.csv", ExportFile.csv(ticketRows("NEVER", count: 3)))
                try await eventually("status shows a proxy authentication error") {
                    try refused.ensureRunning()
                    let connection = try await refused.status().connection ?? ""
                    // tinyproxy answers a failed BasicAuth with 401 (other proxies with 407).
                    return connection.contains("proxy") && ["401", "407", "authentication"].contains { connection.contains($0) }
                }
                let connection = try await refused.status().connection ?? ""
                #expect(!connection.contains("not-the-password"), "the proxy password leaked into the status")
                #expect(!refused.allLogs().contains("not-the-password"), "the proxy password leaked into the log")
                #expect(try await store.ticket(provider: "acme", id: "NEVER-0") == nil)
                await refused.stop()

                // The right credentials: records arrive through the proxy.
                let passwordFile = harness.directory.child("proxy-password")
                try Self.writeSecret("s3cret-pass", to: passwordFile)
                options.proxyPasswordFile = passwordFile.path
                let agent = try await harness.startAgent(name: "proxied", coordinator: coordinator, provider: "acme", site: "paris", options: options)
                try agent.drop("via-proxy.csv", ExportFile.csv(ticketRows("PX", count: 30)))
                try await eventually("records arrive through the authenticating proxy") {
                    try agent.ensureRunning()
                    return try await store.ticket(provider: "acme", id: "PX-29") != nil
                }
                #expect(!agent.allLogs().contains("s3cret-pass"), "the proxy password leaked into the log")
            }
        }
    }
}
