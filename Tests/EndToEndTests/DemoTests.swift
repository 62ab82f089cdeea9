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
    /// console lists that alert.
    @Suite struct DemoTests {
        /// Signs in to the console with the printed one-time password and returns the alerts page (Python's standard
        /// library: a cookie jar and the console's own sign-in form with its CSRF token; the demo's CA is self-made).
        static func consoleAlertsPage(port: Int, password: String) async throws -> String {
            let script = """
                import http.cookiejar, re, ssl, sys, urllib.parse, urllib.request
                base, password = sys.argv[1], sys.argv[2]
                context = ssl.create_default_context(); context.check_hostname = False; context.verify_mode = ssl.CERT_NONE
                opener = urllib.request.build_opener(urllib.request.HTTPSHandler(context=context), urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
                form = opener.open(base + "/login", timeout=10).read().decode()
                csrf = re.search(r'name="csrf" value="([^"]+)"', form).group(1)
                body = urllib.parse.urlencode({"csrf": csrf, "username": "admin", "password": password}).encode()
                opener.open(base + "/login", data=body, timeout=10).read()
                print(opener.open(base + "/alerts", timeout=10).read().decode())
                """
            let result = try await runCommand("/usr/bin/env", ["python3", "-c", script, "https://127.0.0.1:\(port)", password])
            guard result.exitCode == 0 else { throw HarnessError("console sign-in failed: \(result)") }
            return result.stdout
        }

        @Test(.timeLimit(.minutes(3)))
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

            demo.signal(SIGINT)
            #expect(await demo.waitForExit(timeout: .seconds(30)))
            stopped = true
            #expect(demo.exitStatus == 0)
            #expect(demo.log().contains("every process it started has exited"))
        }
    }
}
