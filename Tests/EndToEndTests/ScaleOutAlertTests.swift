//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Deadlines and alerts leave exactly once across coordinators (issue 12): PostgreSQL, two coordinators and haproxy
// started by the test, real agents streaming, a real webhook receiver (a Python HTTP server checking every
// signature and writing down every POST). The lease holder is killed with kill -9 just before a breach is due: the
// other coordinator takes the lease within 5 s and sends that breach; every expected alert arrives exactly once.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightStore
import OversightTesting
import Testing

extension EndToEnd.ScaleOutTests {
    /// A real webhook receiver: answers every POST 200 and appends one JSON line per POST to `file` (event, alert key
    /// and kind, idempotency key of the body and of the header, whether the HMAC signature verified).
    struct WebhookReceiver {
        let port: Int
        let file: URL
        let process: ChildProcess

        static let script = #"""
            import hashlib, hmac, http.server, json, os, sys
            port, out, secret = int(sys.argv[1]), sys.argv[2], open(sys.argv[3], 'rb').read().strip()
            class Hook(http.server.BaseHTTPRequestHandler):
                def do_POST(self):
                    body = self.rfile.read(int(self.headers.get('Content-Length', '0')))
                    signature = self.headers.get('X-Oversight-Signature', '')
                    signed = hmac.compare_digest(signature, 'sha256=' + hmac.new(secret, body, hashlib.sha256).hexdigest())
                    payload = json.loads(body)
                    line = json.dumps({'event': payload['event'], 'key': payload['alert']['key'], 'kind': payload['alert']['kind'],
                        'idempotencyKey': payload.get('idempotencyKey'), 'header': self.headers.get('X-Oversight-Idempotency-Key'),
                        'signed': signed})
                    with open(out, 'a') as f:
                        f.write(line + '\n')
                        f.flush()
                        os.fsync(f.fileno())
                    self.send_response(200)
                    self.send_header('Content-Length', '0')
                    self.end_headers()
                def log_message(self, *args):
                    pass
            http.server.ThreadingHTTPServer(('127.0.0.1', port), Hook).serve_forever()
            """#

        static func start(_ harness: Harness, secretFile: URL) async throws -> WebhookReceiver {
            let port = try freeLoopbackPort()
            let script = harness.directory.child("webhook-receiver.py")
            try Data(Self.script.utf8).write(to: script)
            let file = harness.directory.child("webhook-deliveries.jsonl")
            let process = try harness.startProcess(
                name: "webhook-receiver", executable: "/usr/bin/env", arguments: ["python3", script.path, String(port), file.path, secretFile.path]
            )
            try await eventually("the webhook receiver listens", timeout: .seconds(30)) {
                // A GET is not a delivery: the receiver answers 501 without writing anything down.
                let probe = try await runCommand("/usr/bin/env", ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:\(port)/"])
                return probe.stdout == "501"
            }
            return WebhookReceiver(port: port, file: file, process: process)
        }

        /// Every delivery received so far, in order.
        func deliveries() throws -> [[String: Any]] {
            guard let data = FileManager.default.contents(atPath: self.file.path) else { return [] }
            return String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap {
                try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }
        }

        /// How many deliveries of `event` for an alert of `kind` about `ticket` (and `clock`) arrived.
        func count(_ event: String, _ kind: String, ticket: String, clock: String) throws -> Int {
            try self.deliveries().filter {
                $0["event"] as? String == event && $0["kind"] as? String == kind
                    && ($0["key"] as? String)?.contains("|ticket=\(ticket)|") == true && ($0["key"] as? String)?.hasSuffix("|clock=\(clock)") == true
            }.count
        }
    }

    static let leaseContract = """
        provider: acme
        calendars:
          always:
            time_zone: UTC
            hours: 24/7
        versions:
          - effective_from: 2020-01-01
            calendar: always
            targets:
              first_reply: 1m
              resolution: 10m
        """

    /// A new ticket (no reply yet) created at `created`: its first reply is due 60 s later, at risk after 48 s.
    static func ticket(_ id: String, created: Date) -> TicketRow {
        var ticket = TicketRow.make(id: id, n: 0)
        ticket.status = "new"
        ticket.created = created
        ticket.updated = created
        return ticket
    }

    /// The deployment of the lease tests: the contract, a webhook receiver, PostgreSQL, two coordinators sending to it,
    /// haproxy.
    func startLeaseDeployment(_ harness: Harness) async throws -> (ScaleOutDeployment, WebhookReceiver) {
        let secret = harness.directory.child("webhook-secret")
        try Data("lease-test-webhook-secret-0123456789".utf8).write(to: secret)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: secret.path)
        let contracts = try harness.directory.makeFolder("contracts")
        try Data(Self.leaseContract.utf8).write(to: contracts.appendingPathComponent("acme.contract.yaml"))
        let receiver = try await WebhookReceiver.start(harness, secretFile: secret)
        let deployment = try await ScaleOutDeployment.start(
            harness,
            extraYAML: """
                contracts: \(contracts.path)
                alerts:
                  webhooks:
                    - name: hook
                      url: http://127.0.0.1:\(receiver.port)/hooks/oversight
                      secret_file: \(secret.path)

                """
        )
        return (deployment, receiver)
    }

    /// `count` real agents enrolled through haproxy, then started, connected (some to each coordinator).
    func startAgents(_ harness: Harness, _ deployment: ScaleOutDeployment, count: Int) async throws -> [AgentProcess] {
        let (a, b) = (deployment.first, deployment.second)
        let fingerprint = try await a.fingerprint()
        var made: [AgentProcess] = []
        for index in 0..<count {
            let agent = try harness.makeAgent(name: "l\(index)")
            let token = try await enrollmentToken(a.consolePort, deployment.firstToken, provider: "acme", site: "paris")
            let enrolled = try await agent.enroll(coordinator: deployment.haproxy.address, token: token, fingerprint: fingerprint)
            try #require(enrolled.exitCode == 0, "enroll of l\(index): \(enrolled)")
            made.append(agent)
        }
        let agents = made
        // Enrolled all, then started all, so roundrobin puts some on each coordinator.
        for agent in agents { try agent.start() }
        let ids = try agents.map { try $0.agentId() }
        try await eventually("every agent connected, some to each coordinator", timeout: .seconds(90)) {
            for agent in agents { try agent.ensureRunning() }
            let onA = ids.filter { self.lines(a.process?.log() ?? "", "agent connected", $0) > 0 }
            let onB = ids.filter { self.lines(b.process?.log() ?? "", "agent connected", $0) > 0 }
            return Set(onA + onB).count == ids.count && !onA.isEmpty && !onB.isEmpty
        }
        return agents
    }

    @Test(.timeLimit(.minutes(6)))
    func alertLeaderKilledAsABreachIsDueAndEveryAlertArrivesExactlyOnce() async throws {
        try await withHarness("scale-out-lease") { harness in
            let (deployment, receiver) = try await self.startLeaseDeployment(harness)
            let (a, b) = (deployment.first, deployment.second)
            func log(_ coordinator: CoordinatorProcess) -> String { coordinator.process?.log() ?? "" }
            let took = "took the leader lease"

            // One leader: A, started first; B stands by.
            try await eventually("A holds the lease, B stands by", timeout: .seconds(30)) {
                log(a).contains(took) && log(b).contains("standing by")
            }
            #expect(!log(b).contains(took))
            let firstLease = try await deployment.withStore { store in try await store.lease(name: "alerts") }
            try await eventually("/metrics shows A leading and B standing by", timeout: .seconds(10)) {
                let leader = try await runCommand("/usr/bin/env", ["curl", "-sk", "https://127.0.0.1:\(a.consolePort)/metrics"])
                let standby = try await runCommand("/usr/bin/env", ["curl", "-sk", "https://127.0.0.1:\(b.consolePort)/metrics"])
                return leader.stdout.contains(#"oversight_lease_leader{lease="alerts"} 1"#)
                    && standby.stdout.contains(#"oversight_lease_leader{lease="alerts"} 0"#)
            }
            for coordinator in [a, b] {
                let ready = try await runCommand("/usr/bin/env", ["curl", "-sk", "-o", "/dev/null", "-w", "%{http_code}", "https://127.0.0.1:\(coordinator.consolePort)/readyz"])
                #expect(ready.stdout == "200", "readiness of a \(coordinator === a ? "leader" : "stand-by"): \(ready)")
            }

            let agents = try await self.startAgents(harness, deployment, count: 4)
            let ids = try agents.map { try $0.agentId() }
            let onA = ids.filter { self.lines(log(a), "agent connected", $0) > 0 }

            // Breaches found at once (tickets two hours old), through both coordinators: the leader sends them all.
            for (index, agent) in agents.enumerated() {
                try agent.drop("early.csv", ExportFile.csv([Self.ticket("EARLY-\(index)", created: Date().addingTimeInterval(-7200))]))
            }
            try await eventually("the early breaches delivered", timeout: .seconds(90)) {
                try (0..<agents.count).allSatisfy { index in
                    try ["first_reply", "resolution"].allSatisfy { try receiver.count("firing", "ticket_breached", ticket: "EARLY-\(index)", clock: $0) >= 1 }
                }
            }

            // A ticket whose first reply is due 20 s from now: at risk in 8 s (sent by A), breached at `due`.
            let due = Date().addingTimeInterval(20)
            try agents[0].drop("due.csv", ExportFile.csv([Self.ticket("DUE-1", created: due.addingTimeInterval(-60))]))
            try await eventually("DUE-1's at-risk alert delivered by the leader", timeout: .seconds(17)) {
                try receiver.count("firing", "ticket_at_risk", ticket: "DUE-1", clock: "first_reply") == 1
            }
            #expect(try receiver.count("firing", "ticket_breached", ticket: "DUE-1", clock: "first_reply") == 0)
            // kill -9 of the leader one second before the breach is due (a wait for an instant, not for a condition).
            let untilKill = due.addingTimeInterval(-1).timeIntervalSinceNow
            try #require(untilKill > 0, "DUE-1 was not at risk in time to kill A before its deadline")
            try await Task.sleep(for: .milliseconds(Int(untilKill * 1000)))
            await a.kill9()
            let killedAt = ContinuousClock.now

            try await eventually("B took the lease", timeout: .seconds(15), interval: .milliseconds(50)) { log(b).contains(took) }
            let takeover = ContinuousClock.now - killedAt
            print("[scale-out-lease] B took the lease \(takeover) after A was killed")
            #expect(takeover <= .seconds(5), "B took over only after \(takeover)")
            let secondLease = try #require(try await deployment.withStore { store in try await store.lease(name: "alerts") })
            #expect(secondLease.holder != firstLease?.holder && secondLease.epoch > (firstLease?.epoch ?? 0), "\(String(describing: firstLease)) → \(secondLease)")
            try await eventually("/metrics shows B leading", timeout: .seconds(10)) {
                let metrics = try await runCommand("/usr/bin/env", ["curl", "-sk", "https://127.0.0.1:\(b.consolePort)/metrics"])
                return metrics.stdout.contains(#"oversight_lease_leader{lease="alerts"} 1"#)
            }

            try await eventually("DUE-1's breach delivered by B", timeout: .seconds(30)) {
                try receiver.count("firing", "ticket_breached", ticket: "DUE-1", clock: "first_reply") >= 1
                    && receiver.count("resolved", "ticket_at_risk", ticket: "DUE-1", clock: "first_reply") >= 1
            }
            // A breach after the takeover, found by the new leader from its own agents.
            try agents[1].drop("after.csv", ExportFile.csv([Self.ticket("AFTER-1", created: Date().addingTimeInterval(-7200))]))
            try await eventually("AFTER-1's breaches delivered", timeout: .seconds(90)) {
                try ["first_reply", "resolution"].allSatisfy { try receiver.count("firing", "ticket_breached", ticket: "AFTER-1", clock: $0) >= 1 }
            }
            // Nothing more is on its way: give a duplicate time to arrive (B re-checks its queue at least every second).
            try await Task.sleep(for: .seconds(3))

            // Exactly once, each: every expected delivery arrived once, nothing else arrived, every one signed.
            var expected: [(String, String, String, String)] = []
            for index in 0..<agents.count {
                expected.append(("firing", "ticket_breached", "EARLY-\(index)", "first_reply"))
                expected.append(("firing", "ticket_breached", "EARLY-\(index)", "resolution"))
            }
            expected += [
                ("firing", "ticket_at_risk", "DUE-1", "first_reply"), ("firing", "ticket_breached", "DUE-1", "first_reply"),
                ("resolved", "ticket_at_risk", "DUE-1", "first_reply"),
                ("firing", "ticket_breached", "AFTER-1", "first_reply"), ("firing", "ticket_breached", "AFTER-1", "resolution"),
            ]
            for (event, kind, ticket, clock) in expected {
                #expect(try receiver.count(event, kind, ticket: ticket, clock: clock) == 1, "\(event) \(kind) \(ticket) \(clock)")
            }
            // Security events are each coordinator's own (haproxy's TCP health checks are connections without TLS):
            // not leader-only, not counted here.
            let all = try receiver.deliveries().filter { $0["kind"] as? String != "security_event" }
            #expect(all.count == expected.count, "deliveries: \(all)")
            #expect(all.allSatisfy { $0["signed"] as? Bool == true }, "an unsigned delivery: \(all)")
            let keys = all.compactMap { $0["idempotencyKey"] as? String }
            #expect(keys.count == all.count && Set(keys).count == keys.count, "idempotency keys: \(keys)")
            #expect(all.allSatisfy { $0["idempotencyKey"] as? String == $0["header"] as? String })

            // Every agent of the killed coordinator reconnected by itself to the survivor.
            for id in onA {
                try await eventually("agent \(id) reconnected to B", timeout: .seconds(60)) { self.lines(log(b), "agent connected", id) > 0 }
            }
            // The survivor's console shows everything: every ticket, every agent, every breach alert (the ones A sent
            // too, recovered at the takeover).
            let status = try await consoleAPI(b.consolePort, deployment.secondToken, "/api/v1/status")
            #expect(status.body.contains(#""tickets":\#(agents.count + 2)"#), "\(status)")
            let listed = try await consoleAPI(b.consolePort, deployment.secondToken, "/api/v1/agents")
            for id in ids { #expect(listed.body.contains(id), "agent \(id) missing from the survivor's agent list") }
            let alerts = try await consoleAPI(b.consolePort, deployment.secondToken, "/api/v1/alerts?limit=100")
            for ticket in (0..<agents.count).map({ "EARLY-\($0)" }) + ["DUE-1", "AFTER-1"] {
                #expect(alerts.body.contains("ticket=\(ticket)|"), "the survivor's alerts miss \(ticket): \(alerts.body.prefix(3000))")
            }
            for agent in agents { await agent.stop() }
        }
    }

    /// A holder that stops (SIGSTOP: a long pause, a partition) past its lease is deposed while alive: the other
    /// coordinator takes over and sends the breach; when the old holder resumes it notices the lost lease, records and
    /// sends nothing, and every alert still arrives exactly once.
    @Test(.timeLimit(.minutes(5)))
    func pausedLeaderIsDeposedAndSendsNothingWhenItResumes() async throws {
        try await withHarness("scale-out-lease-pause") { harness in
            let (deployment, receiver) = try await self.startLeaseDeployment(harness)
            let (a, b) = (deployment.first, deployment.second)
            func log(_ coordinator: CoordinatorProcess) -> String { coordinator.process?.log() ?? "" }
            try await eventually("A holds the lease", timeout: .seconds(30)) { log(a).contains("took the leader lease") }
            let agents = try await self.startAgents(harness, deployment, count: 2)

            let due = Date().addingTimeInterval(20)
            try agents[0].drop("due.csv", ExportFile.csv([Self.ticket("PAUSE-1", created: due.addingTimeInterval(-60))]))
            try await eventually("PAUSE-1's at-risk alert delivered by A", timeout: .seconds(17)) {
                try receiver.count("firing", "ticket_at_risk", ticket: "PAUSE-1", clock: "first_reply") == 1
            }
            let untilPause = due.addingTimeInterval(-1).timeIntervalSinceNow
            try #require(untilPause > 0, "PAUSE-1 was not at risk in time to pause A before its deadline")
            try await Task.sleep(for: .milliseconds(Int(untilPause * 1000)))
            let paused = try #require(a.process)
            paused.signal(SIGSTOP)
            try await eventually("B took the lease", timeout: .seconds(15), interval: .milliseconds(50)) { log(b).contains("took the leader lease") }
            try await eventually("PAUSE-1's breach delivered by B", timeout: .seconds(30)) {
                try receiver.count("firing", "ticket_breached", ticket: "PAUSE-1", clock: "first_reply") >= 1
                    && receiver.count("resolved", "ticket_at_risk", ticket: "PAUSE-1", clock: "first_reply") >= 1
            }
            // A resumes, with PAUSE-1's deadline long due in its scheduler: it finds its lease gone and stands by.
            paused.signal(SIGCONT)
            try await eventually("A noticed it lost the lease", timeout: .seconds(15)) { log(a).contains("lost the leader lease") }
            try agents[1].drop("after.csv", ExportFile.csv([Self.ticket("PAUSE-2", created: Date().addingTimeInterval(-7200))]))
            try await eventually("PAUSE-2's breaches delivered", timeout: .seconds(90)) {
                try ["first_reply", "resolution"].allSatisfy { try receiver.count("firing", "ticket_breached", ticket: "PAUSE-2", clock: $0) >= 1 }
            }
            try await Task.sleep(for: .seconds(3))
            let expected: [(String, String, String, String)] = [
                ("firing", "ticket_at_risk", "PAUSE-1", "first_reply"), ("firing", "ticket_breached", "PAUSE-1", "first_reply"),
                ("resolved", "ticket_at_risk", "PAUSE-1", "first_reply"),
                ("firing", "ticket_breached", "PAUSE-2", "first_reply"), ("firing", "ticket_breached", "PAUSE-2", "resolution"),
            ]
            for (event, kind, ticket, clock) in expected {
                #expect(try receiver.count(event, kind, ticket: ticket, clock: clock) == 1, "\(event) \(kind) \(ticket) \(clock)")
            }
            let all = try receiver.deliveries().filter { $0["kind"] as? String != "security_event" }
            #expect(all.count == expected.count, "deliveries: \(all)")
            #expect(!log(b).contains("lost the leader lease"), "B lost the lease to the resumed A")
            // A graceful stop of the holder gives the lease up: A takes it at its next try, not after the time to live.
            let stopping = ContinuousClock.now
            await b.stop()
            try await eventually("A took the lease again", timeout: .seconds(15), interval: .milliseconds(50)) {
                log(a).components(separatedBy: "took the leader lease").count == 3
            }
            print("[scale-out-lease-pause] A took the lease back \(ContinuousClock.now - stopping) after B was asked to stop")
            let lease = try #require(try await deployment.withStore { store in try await store.lease(name: "alerts") })
            #expect(lease.epoch >= 3, "\(lease)")
            for agent in agents { await agent.stop() }
        }
    }
}
