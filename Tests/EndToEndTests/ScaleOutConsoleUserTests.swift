//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Console users across coordinators (issue 12): on PostgreSQL the users, API tokens, sessions and login throttle are
// the database's. A user added once (through one coordinator's CLI) signs in on both consoles; a session opened on
// one is valid on the other; a logout on one ends it on both; failed logins on A count on B.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightTesting
import Testing

extension EndToEnd {
    @Suite(
        .enabled(
            if: (PostgresCluster.unavailableReason == nil && HAProxy.executable != nil) || ProcessInfo.processInfo.environment["CI"] != nil,
            "PostgreSQL binaries or haproxy not found"
        )
    )
    struct ScaleOutConsoleUserTests {
        /// `curl -ks` with `arguments`, plus the status code (last line).
        static func curl(_ arguments: [String]) async throws -> (status: Int, body: String) {
            let result = try await runCommand("/usr/bin/curl", ["-ks", "--max-time", "20", "-w", "\n%{http_code}"] + arguments)
            let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
            return (Int(lines.last ?? "") ?? 0, lines.dropLast().joined(separator: "\n"))
        }

        /// Signs in on the console at `port` (the login form, its CSRF cookie, the POST) and returns the status and the
        /// session id the response set (nil when it set none).
        static func signIn(_ port: Int, _ username: String, _ password: String, jar: URL) async throws -> (status: Int, session: String?) {
            try? FileManager.default.removeItem(at: jar)
            let page = try await Self.curl(["-c", jar.path, "-b", jar.path, "https://127.0.0.1:\(port)/login"])
            let csrf = try #require(page.body.firstMatch(of: /name="csrf" value="([^"]+)"/)?.1, "no login form on \(port): \(page.body.prefix(300))")
            let posted = try await Self.curl(
                [
                    "-c", jar.path, "-b", jar.path, "-X", "POST", "--data-urlencode", "username=\(username)", "--data-urlencode", "password=\(password)",
                    "--data-urlencode", "csrf=\(csrf)", "https://127.0.0.1:\(port)/login",
                ]
            )
            let cookies = (try? String(contentsOf: jar, encoding: .utf8)) ?? ""
            let session = cookies.firstMatch(of: /ovc_session\t([^\s]+)/).map { String($0.1) }
            return (posted.status, session.flatMap { $0.isEmpty ? nil : $0 })
        }

        /// GET `path` on the console at `port` with the session cookie `session`.
        static func page(_ port: Int, _ path: String, session: String) async throws -> (status: Int, body: String) {
            try await Self.curl(["-H", "Cookie: ovc_session=\(session)", "https://127.0.0.1:\(port)\(path)"])
        }

        @Test(.timeLimit(.minutes(4)))
        func usersSessionsAndFailedLoginsAreSharedAcrossCoordinators() async throws {
            try await withHarness("scale-out-users") { harness in
                let deployment = try await ScaleOutDeployment.start(harness)
                let (a, b) = (deployment.first, deployment.second)
                // One admin for both, made by whichever coordinator started first: A wrote its one-time password, B
                // found the user there and wrote none.
                let adminPassword = try String(contentsOf: a.dataDirectory.appendingPathComponent("console-admin-password"), encoding: .utf8)
                    .trimmingCharacters(in: .whitespacesAndNewlines)
                #expect(!FileManager.default.fileExists(atPath: b.dataDirectory.appendingPathComponent("console-admin-password").path))
                // Both admin API tokens (one made through each coordinator's CLI) work on both consoles.
                for token in [deployment.firstToken, deployment.secondToken] {
                    for port in [a.consolePort, b.consolePort] {
                        let status = try await consoleAPI(port, token, "/api/v1/status")
                        #expect(status.status == 200, "an API token on \(port): \(status)")
                    }
                }

                // A user added once, through A's CLI, is listed by B's and signs in on both consoles.
                let password = "shared-" + UUID().uuidString
                try await a.addConsoleUser("alice", role: "supervisor", password: password, providers: ["acme"])
                let listed = try await b.cli(["users", "list"] + b.configArguments)
                #expect(listed.exitCode == 0 && listed.stdout.contains("alice") && listed.stdout.contains("supervisor"), "\(listed)")
                // Without --config the CLI reads B's own console.sqlite, which has no users.
                let local = try await b.cli(["users", "list"])
                #expect(!local.stdout.contains("alice"), "\(local)")

                let jar = harness.directory.child("cookies.txt")
                let onA = try await Self.signIn(a.consolePort, "alice", password, jar: jar)
                #expect(onA.status == 303, "sign-in on A: \(onA)")
                let sessionOfB = try #require(try await Self.signIn(b.consolePort, "alice", password, jar: jar).session, "no session from B")
                let session = try #require(onA.session, "no session from A")
                for port in [a.consolePort, b.consolePort] {
                    let overview = try await Self.page(port, "/", session: session)
                    #expect(overview.status == 200 && overview.body.contains("alice"), "A's session on \(port): \(overview.status)")
                }
                // A logout on B ends A's session on both; B's own session goes on.
                let page = try await Self.page(b.consolePort, "/", session: session)
                let csrf = try #require(page.body.firstMatch(of: /name="csrf" value="([^"]+)"/)?.1, "no CSRF field on B's page")
                let logout = try await Self.curl(
                    ["-H", "Cookie: ovc_session=\(session)", "-X", "POST", "--data-urlencode", "csrf=\(csrf)", "https://127.0.0.1:\(b.consolePort)/logout"]
                )
                #expect(logout.status == 303, "logout on B: \(logout)")
                for port in [a.consolePort, b.consolePort] {
                    let after = try await Self.page(port, "/", session: session)
                    #expect(after.status != 200 && !after.body.contains("alice"), "a logged-out session still works on \(port): \(after.status)")
                }
                #expect(try await Self.page(a.consolePort, "/", session: sessionOfB).status == 200)

                // Failed logins: four on A, the fifth on B locks the pair out on both — even for the right password.
                for attempt in 0..<4 {
                    let failed = try await Self.signIn(a.consolePort, "alice", "wrong-\(attempt)-" + UUID().uuidString, jar: jar)
                    #expect(failed.status == 401, "failure \(attempt + 1) on A: \(failed)")
                }
                let fifth = try await Self.signIn(b.consolePort, "alice", "wrong-" + UUID().uuidString, jar: jar)
                #expect(fifth.status == 401, "the fifth failure, on B: \(fifth)")
                for port in [b.consolePort, a.consolePort] {
                    let locked = try await Self.signIn(port, "alice", password, jar: jar)
                    #expect(locked.status == 429 && locked.session == nil, "the right password during the lockout on \(port): \(locked)")
                }
                // Another user is not locked out; the admin's one-time password signs in on B.
                #expect(try await Self.signIn(b.consolePort, "admin", adminPassword, jar: jar).status == 303)

                // Disabling through B's CLI ends the remaining session on A at once.
                let disabled = try await b.cli(["users", "disable", "alice"] + b.configArguments)
                #expect(disabled.exitCode == 0, "\(disabled)")
                let gone = try await Self.page(a.consolePort, "/", session: sessionOfB)
                #expect(gone.status != 200 && !gone.body.contains("alice"), "a disabled user's session still works on A: \(gone.status)")
            }
        }
    }
}
