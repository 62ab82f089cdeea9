//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightTesting
import Testing

extension EndToEnd {
    /// `oversight-coordinator demo`, the README's main-job command, as a newcomer runs it: within its first minute the
    /// simulated providers' tickets flow, a ticket goes at risk, a breach alert reaches the demo's alert receiver, and the
    /// console lists that alert; then this week's audit sample is requested and the agents return the interactions
    /// redacted, ready to score on the audits page.
    @Suite struct DemoTests {
        /// Signs in to the console with the printed one-time password and returns the alerts page (Python's standard
        /// library: a cookie jar and the console's own sign-in form with its CSRF token; the demo's CA is self-made).
        static func consoleAlertsPage(port: Int, password: String) async throws -> String {
            try await Self.consolePage(port: port, password: password, path: "/alerts")
        }

        /// Signs in as ``consoleAlertsPage(port:password:)`` does and returns the body at `path` (a page, or the JSON
        /// API with the session cookie).
        static func consolePage(port: Int, password: String, path: String) async throws -> String {
            let script = """
                import http.cookiejar, re, ssl, sys, urllib.parse, urllib.request
                base, password = sys.argv[1], sys.argv[2]
                context = ssl.create_default_context(); context.check_hostname = False; context.verify_mode = ssl.CERT_NONE
                opener = urllib.request.build_opener(urllib.request.HTTPSHandler(context=context), urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
                form = opener.open(base + "/login", timeout=10).read().decode()
                csrf = re.search(r'name="csrf" value="([^"]+)"', form).group(1)
                body = urllib.parse.urlencode({"csrf": csrf, "username": "admin", "password": password}).encode()
                opener.open(base + "/login", data=body, timeout=10).read()
                print(opener.open(base + sys.argv[3], timeout=10).read().decode())
                """
            let result = try await runCommand("/usr/bin/env", ["python3", "-c", script, "https://127.0.0.1:\(port)", password, path])
            guard result.exitCode == 0 else { throw HarnessError("console sign-in failed: \(result)") }
            return result.stdout
        }

        @Test(.timeLimit(.minutes(4)))
        func aNewcomerSeesTicketsAtRiskABreachAlertAndItsConsoleEntryWithinAMinute() async throws {
            let directory = try TemporaryDirectory(prefix: "oversight-e2e-demo")
            defer { directory.remove() }
            let consolePort = try freeLoopbackPort()
            let demo = try ChildProcess(
                name: "demo", executable: try Binaries.coordinator(),
                arguments: ["demo", "--data", directory.child("data").path, "--console-port", "\(consolePort)"],
                logFile: directory.child("demo.log")
            )
            let started = ContinuousClock.now
            var stopped = false
            defer { if !stopped { demo.signal(SIGTERM) } }

            try await eventually("tickets synced from three providers", timeout: .seconds(60)) {
                demo.log().contains("Synced, as stored at the coordinator:")
            }
            try await eventually("a ticket at risk", timeout: .seconds(60)) { demo.log().contains("SLA at risk: ") }
            // The receiver prints the first delivery of each alert kind; a ticket breach reads "… ticket X missed its … target".
            func breachLine(_ log: String) -> Substring? {
                log.split(separator: "\n").first { $0.contains("Alert receiver ◀ FIRING [critical]") && $0.contains(/ticket \S+ missed its/) }
            }
            try await eventually("a ticket breach alert at the demo's alert receiver", timeout: .seconds(60)) { breachLine(demo.log()) != nil }
            // Not a timing assertion on the machine's speed: the simulator's drifting provider is built to breach early,
            // and this is the promise to a newcomer. Report the figure either way.
            let elapsed = ContinuousClock.now - started
            print("demo: first breach alert at the receiver after \(elapsed)")

            let log = demo.log()
            let password = try #require(
                log.firstMatch(of: /one-time password (\S+)/)?.1, "the demo printed no one-time admin password:\n\(demo.logTail())"
            )
            let alertLine = try #require(breachLine(log))
            let ticket = try #require(alertLine.firstMatch(of: /ticket (\S+) missed/)?.1, "no ticket in \(alertLine)")
            #expect(alertLine.contains("signature verified"))

            let page = try await Self.consoleAlertsPage(port: consolePort, password: String(password))
            #expect(page.contains(String(ticket)), "the console's alerts page does not list the breached ticket \(ticket)")

            // Audit samples: this week's sample of the providers with a sampling plan is requested once the tickets have
            // synced; the agents return the interactions from their transcript folders, redacted at the "provider".
            try await eventually("this week's audit sample requested", timeout: .seconds(60)) {
                demo.log().contains(/acme-support \d{4}-W\d{2}: requested \d+ interactions/)
            }
            var returned: [[String: Any]] = []
            try await eventually("sampled interactions returned", timeout: .seconds(60), interval: .seconds(2)) {
                let body = try await Self.consolePage(port: consolePort, password: String(password), path: "/api/v1/samples?provider=acme-support")
                returned = (try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [[String: Any]]) ?? []
                return returned.contains { ($0["returned"] as? Int ?? 0) > 0 }
            }
            let request = try #require(returned.first { ($0["returned"] as? Int ?? 0) > 0 })
            let requestId = try #require(request["id"] as? String)
            #expect(request["missing"] as? Int == 0, "every sampled simulator ticket has a transcript: \(request)")
            let detail = try #require(
                try JSONSerialization.jsonObject(
                    with: Data(try await Self.consolePage(port: consolePort, password: String(password), path: "/api/v1/samples/acme-support/\(requestId)").utf8)
                ) as? [String: Any]
            )
            let sampled = try #require((detail["interactions"] as? [[String: Any]])?.first { $0["status"] as? String == "returned" }?["ticketId"] as? String)
            let interaction = try #require(
                try JSONSerialization.jsonObject(
                    with: Data(
                        try await Self.consolePage(port: consolePort, password: String(password), path: "/api/v1/samples/acme-support/\(requestId)/\(sampled)").utf8
                    )
                ) as? [String: Any]
            )
            let text = try #require((interaction["interaction"] as? [String: Any])?["text"] as? String)
            // The transcript's fake card, IBAN, e-mail address and phone number never left the agent; its placeholders did.
            for secret in ["4111 1111 1111 1111", "5555 5555 5555 4444", "2200 1234 5678 9019", "3782 822463 10005", "4000-0566-5566-5556",
                           "DE89 3704", "GB82 WEST", "PT50 0002", "FR1420041010", "@example", "@beispiel", "@пример"] {
                #expect(!text.contains(secret), "\(secret) reached the coordinator: \(text)")
            }
            #expect(text.contains("[card]") && text.contains("[iban]") && text.contains("[email]") && text.contains("[phone]"), "\(text)")
            #expect(interaction["scorecard"] is [String: Any], "the interaction is ready to score on the demo's scorecard")
            let audits = try await Self.consolePage(port: consolePort, password: String(password), path: "/audits?provider=acme-support")
            #expect(audits.contains(requestId) && audits.contains("id=\"audit-periods\"") && audits.contains("in progress:"))

            demo.signal(SIGINT)
            #expect(await demo.waitForExit(timeout: .seconds(30)))
            stopped = true
            #expect(demo.exitStatus == 0)
            #expect(demo.log().contains("every process it started has exited"))
        }
    }
}
