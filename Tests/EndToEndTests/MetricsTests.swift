//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightTesting
import Testing

extension EndToEnd {
    @Suite struct MetricsTests {
        /// The samples of a Prometheus text exposition, by series (`name{labels}` as written).
        static func samples(_ text: String) -> [String: Double] {
            var samples: [String: Double] = [:]
            for line in text.split(separator: "\n") where !line.hasPrefix("#") {
                guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
                samples[String(line[..<space])] = value
            }
            return samples
        }

        /// GET /metrics on the console port, without credentials.
        static func scrape(_ port: Int) async throws -> (text: String, samples: [String: Double]) {
            let result = try await runCommand("/usr/bin/curl", ["-ksf", "https://127.0.0.1:\(port)/metrics"])
            guard result.exitCode == 0 else { throw HarnessError("scrape failed: \(result)") }
            return (result.stdout, Self.samples(result.stdout))
        }

        @Test(.timeLimit(.minutes(3)))
        func scrapedFiguresMoveWhenARealAgentSyncs() async throws {
            try await withHarness("metrics") { harness in
                let coordinator = try await harness.startCoordinator()
                await coordinator.stop()
                coordinator.consolePort = try freeLoopbackPort()
                try await coordinator.start()
                let port = coordinator.consolePort

                let before = try await Self.scrape(port)
                #expect(before.text.contains("# TYPE oversight_agents_connected gauge"))
                #expect(before.samples["oversight_agents_connected"] == 0)
                #expect(before.samples["oversight_store_up"] == 1)
                #expect(before.samples.keys.allSatisfy { $0.hasPrefix("oversight_") }, "every metric is oversight_*: \(before.samples.keys.sorted())")

                let agent = try await harness.startAgent(name: "a", coordinator: coordinator, provider: "acme", site: "paris")
                let agentId = try agent.agentId()
                try agent.drop("export-1.csv", ExportFile.csv(ticketRows("M", count: 30)))
                try await eventually("30 records counted") {
                    let samples = try await Self.scrape(port).samples
                    return samples[#"oversight_records_ingested_total{provider="acme"}"#] == 30 && samples["oversight_agents_connected"] == 1
                }
                try await eventually("the agent's outbox reported") {
                    try await Self.scrape(port).text.contains(#"oversight_agent_outbox_records{agent="\#(agentId)",provider="acme",site="paris"} 0"#)
                }
                let middle = try await Self.scrape(port).samples
                let batches = try #require(middle[#"oversight_batches_ingested_total{provider="acme"}"#])
                #expect(batches >= 1)
                #expect(middle[#"oversight_agents_enrolled{state="active"}"#] == 1)
                // The agent's mutual-TLS handshakes completed, and every committed batch timed its store transaction.
                #expect(try #require(middle[#"oversight_tls_handshakes_total{result="completed"}"#]) >= 1)
                let commits = middle.filter { $0.key.hasPrefix("oversight_batch_commit_duration_seconds_count{") && $0.key.contains(#"outcome="committed""#) }
                #expect(commits.values.reduce(0, +) >= batches, "commit durations: \(commits), batches \(batches)")

                // Plain HTTP on the agent port is no TLS handshake at all: it is counted as failed.
                let failedBefore = middle[#"oversight_tls_handshakes_total{result="failed"}"#] ?? 0
                let stranger = try await runCommand("/usr/bin/curl", ["-s", "--max-time", "5", "http://\(coordinator.address)/"])
                #expect(stranger.exitCode != 0, "the agent port answered plain HTTP")
                try await eventually("the failed handshake counted") {
                    (try await Self.scrape(port).samples[#"oversight_tls_handshakes_total{result="failed"}"#] ?? 0) > failedBefore
                }

                // More records: the counters move on; a refused enrollment shows as a security event.
                try agent.drop("export-2.csv", ExportFile.csv(ticketRows("N", count: 20, offset: 30)))
                let refused = try await harness.makeAgent(name: "b").enroll(
                    coordinator: coordinator.address, token: "ovt_not-a-token", fingerprint: try await coordinator.fingerprint()
                )
                #expect(refused.exitCode != 0)
                try await eventually("50 records counted and the refusal") {
                    let samples = try await Self.scrape(port).samples
                    return samples[#"oversight_records_ingested_total{provider="acme"}"#] == 50
                        && samples[#"oversight_security_events_total{kind="enrollment_refused"}"#] == 1
                }
                let after = try await Self.scrape(port).samples
                #expect(try #require(after[#"oversight_batches_ingested_total{provider="acme"}"#]) > batches)

                // The console's requests are counted by route template and status.
                let scrapes = try #require(after[#"oversight_http_requests_total{route="/metrics",method="GET",status="200"}"#])
                #expect(scrapes >= 4)
                let healthz = try await runCommand("/usr/bin/curl", ["-ksf", "https://127.0.0.1:\(port)/healthz"])
                #expect(healthz.exitCode == 0)
                let last = try await Self.scrape(port).samples
                #expect(last[#"oversight_http_requests_total{route="/healthz",method="GET",status="200"}"#] == 1)
                #expect(try #require(last[#"oversight_http_requests_total{route="/metrics",method="GET",status="200"}"#]) > scrapes)
                #expect(last.keys.contains { $0.hasPrefix("oversight_http_request_duration_seconds_bucket{") })
            }
        }
    }
}
