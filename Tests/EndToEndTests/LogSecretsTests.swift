//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

import Crypto
import Foundation
import OversightTesting
import Testing

extension EndToEnd {
    @Suite struct LogSecretsTests {
        /// The forms in which a key file's secret could leak: its lines, and its raw bytes in base64, base64url and hex.
        static func fragments(ofKeyFile path: URL) throws -> [String] {
            let text = try String(contentsOf: path, encoding: .utf8)
            // The first two lines of a PEM body hold the private scalar (a PKCS#8 P-256 key's third line is its public key,
            // which certificates carry too); the whole of a one-line key file is secret.
            var fragments = Array(
                text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.hasPrefix("-----") && !$0.isEmpty }.prefix(2)
            )
            var raw: [Data] = []
            if let key = try? Curve25519.Signing.PrivateKey(pemRepresentation: text) { raw.append(key.rawRepresentation) }
            if let key = try? P256.Signing.PrivateKey(pemRepresentation: text) { raw.append(key.rawRepresentation) }
            if fragments.count == 1, !text.contains("-----") {  // one base64url line (the agent's signing and pseudonym keys)
                var base64 = fragments[0].replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
                while base64.count % 4 != 0 { base64 += "=" }
                if let bytes = Data(base64Encoded: base64) { raw.append(bytes) }
            }
            for bytes in raw {
                let base64 = bytes.base64EncodedString()
                fragments += [
                    base64.trimmingCharacters(in: ["="]),
                    base64.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").trimmingCharacters(in: ["="]),
                    bytes.map { String(format: "%02x", $0) }.joined(),
                ]
            }
            return fragments
        }

        /// `curl -ks` with a cookie jar; returns stdout.
        static func curl(_ arguments: [String], jar: URL) async throws -> String {
            let result = try await runCommand("/usr/bin/curl", ["-ks", "-c", jar.path, "-b", jar.path] + arguments)
            return result.stdout
        }

        @Test(.timeLimit(.minutes(3)))
        func noTokenPasswordOrKeyReachesTheLogsAtTraceLevel() async throws {
            try await withHarness("log-secrets") { harness in
                // Both programs at their most talkative, in JSON lines.
                let coordinator = try await harness.startCoordinator(configYAML: "log_level: trace\nlog_format: json\n")
                await coordinator.stop()
                coordinator.consolePort = try freeLoopbackPort()
                try await coordinator.start()
                let console = "https://127.0.0.1:\(coordinator.consolePort)"

                // The console's one-time admin password goes to a 0600 file, not to the log.
                let passwordFile = coordinator.dataDirectory.appendingPathComponent("console-admin-password")
                let adminPassword = try String(contentsOf: passwordFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
                #expect(adminPassword.count >= 16)
                #expect((try FileManager.default.attributesOfItem(atPath: passwordFile.path)[.posixPermissions] as? Int) == 0o600)

                var options = AgentOptions()
                options.logLevel = "trace"
                let agent = try harness.makeAgent(name: "a", options: options)
                let handle = try FileHandle(forWritingTo: agent.configFile)
                try handle.seekToEnd()
                try handle.write(contentsOf: Data("log_format: json\n".utf8))
                try handle.close()

                // Enrollment: a good token, then the same token again (used), and a token that never existed.
                var outputs: [String] = []
                let fingerprint = try await coordinator.fingerprint()
                let token = try await coordinator.createToken(provider: "acme", site: "paris")
                let enrolled = try await agent.enroll(coordinator: coordinator.address, token: token, fingerprint: fingerprint)
                #expect(enrolled.exitCode == 0, "\(enrolled)")
                let again = try await harness.makeAgent(name: "b").enroll(coordinator: coordinator.address, token: token, fingerprint: fingerprint)
                #expect(again.exitCode != 0)
                let unknownToken = "ovt_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
                let unknown = try await harness.makeAgent(name: "c").enroll(coordinator: coordinator.address, token: unknownToken, fingerprint: fingerprint)
                #expect(unknown.exitCode != 0)
                outputs += [enrolled, again, unknown].flatMap { [$0.stdout, $0.stderr] }

                try agent.start()
                try agent.drop("export-1.csv", ExportFile.csv(ticketRows("S", count: 20)))
                let store = try coordinator.openStore()
                try await eventually("the tickets stored") { try await store.ticketCount() == 20 }

                // Console: a wrong password, the right one (a session cookie), an API token, a user added with a password.
                let jar = harness.directory.child("cookies.txt")
                let wrongPassword = "wrong-" + UUID().uuidString
                for password in [wrongPassword, adminPassword] {
                    let page = try await Self.curl(["\(console)/login"], jar: jar)
                    let csrf = try #require(page.firstMatch(of: /name="csrf" value="([^"]+)"/)?.1, "no login form: \(page.prefix(300))")
                    _ = try await Self.curl(
                        ["-X", "POST", "--data-urlencode", "username=admin", "--data-urlencode", "password=\(password)", "--data-urlencode", "csrf=\(csrf)",
                         "\(console)/login"], jar: jar
                    )
                }
                let cookies = try String(contentsOf: jar, encoding: .utf8)
                let session = try #require(cookies.firstMatch(of: /ovc_session\t([^\s]+)/)?.1, "not signed in: \(cookies)")
                let overview = try await Self.curl(["\(console)/"], jar: jar)
                #expect(overview.contains("acme"), "the session works")
                let apiToken = try await coordinator.createAPIToken(for: "admin")
                let status = try await runCommand("/usr/bin/curl", ["-ks", "-H", "Authorization: Bearer \(apiToken)", "\(console)/api/v1/status"])
                #expect(status.stdout.contains("acme"), "the API token works")
                let supervisorPassword = "supervisor-" + UUID().uuidString
                try await coordinator.addConsoleUser("sup", role: "supervisor", password: supervisorPassword, providers: ["acme"])

                await agent.stop()
                await coordinator.stop()

                var secrets = [
                    "enrollment token": token, "unknown token": unknownToken, "admin password": adminPassword, "wrong password": wrongPassword,
                    "supervisor password": supervisorPassword, "API token": apiToken, "session cookie": String(session),
                ]
                for name in ["ca.key", "server.key", "signing.key"] {
                    for (index, fragment) in try Self.fragments(ofKeyFile: coordinator.dataDirectory.appendingPathComponent(name)).enumerated() {
                        secrets["coordinator \(name) #\(index)"] = fragment
                    }
                }
                for name in ["client.key", "signing.key", "pseudonym.key"] {
                    for (index, fragment) in try Self.fragments(ofKeyFile: agent.dataDirectory.appendingPathComponent(name)).enumerated() {
                        secrets["agent \(name) #\(index)"] = fragment
                    }
                }

                let coordinatorLogs = try FileManager.default.contentsOfDirectory(at: coordinator.logDirectory, includingPropertiesForKeys: nil)
                    .map { try String(contentsOf: $0, encoding: .utf8) }.joined(separator: "\n")
                let logs = [coordinatorLogs, agent.allLogs()] + outputs
                let everything = logs.joined(separator: "\n")
                #expect(everything.count > 10_000, "trace level logged plenty (\(everything.count) bytes)")
                for (name, secret) in secrets.sorted(by: { $0.key < $1.key }) {
                    if let range = everything.range(of: secret) {
                        let before: Substring = everything[..<range.lowerBound].suffix(300)
                        Issue.record("the \(name) appears in a log, after: …\(before)")
                    }
                }

                // JSON lines: every line either program wrote to its log parses as one object with the event's fields.
                var events = 0
                for line in (coordinatorLogs + "\n" + agent.allLogs()).split(separator: "\n") where !line.isEmpty {
                    let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
                    #expect(object?["level"] is String && object?["message"] is String && object?["time"] is String, "not a JSON log line: \(line)")
                    events += 1
                }
                #expect(events > 50)
                #expect(coordinatorLogs.contains(#""message":"coordinator ready""#))
                #expect(coordinatorLogs.contains(passwordFile.path), "the log names the password file")
            }
        }
    }
}
