//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The real coordinator on PostgreSQL: an agent enrolled through the API syncs tickets, and the console's API pages
// that read figures, scorecards, audits and notes answer (they failed with "not available on the PostgreSQL store"
// before every read was ported), and QA evaluations stored in PostgreSQL are recomputed with head office's scorecards.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightTesting
import Testing

extension EndToEnd {
    @Suite(.enabled(if: PostgresCluster.unavailableReason == nil || ProcessInfo.processInfo.environment["CI"] != nil, "PostgreSQL binaries not found"))
    struct PostgresServeTests {
        /// `curl` against the console with `token`: the status code and the body.
        func api(_ port: Int, _ token: String, _ path: String, json: String? = nil) async throws -> (status: Int, body: String) {
            try await consoleAPI(port, token, path, json: json)
        }

        @Test(.timeLimit(.minutes(3)))
        func anAgentSyncsIntoPostgreSQLAndTheConsoleReadsAnswer() async throws {
            try await withHarness("postgres-serve") { harness in
                let cluster = try PostgresCluster.shared()
                let database = try cluster.createDatabase()
                // Head office's scorecard for EvaluationTests' lines: greeting 1, verification 2 (high), tone 2; zeroing.
                let scorecards = harness.directory.child("scorecards")
                try FileManager.default.createDirectory(at: scorecards, withIntermediateDirectories: true)
                try """
                    id: support
                    versions:
                      - version: "3"
                        effective_from: 2026-01-01
                        high_impact_zeroes: true
                        sections:
                          - id: all
                            items:
                              - {id: greeting, text: Greets, weight: 1, impact: low}
                              - {id: verification, text: Verifies, weight: 2, impact: high}
                              - {id: tone, text: Tone, weight: 2, impact: low}

                    """.write(to: scorecards.appendingPathComponent("support.scorecard.yaml"), atomically: true, encoding: .utf8)
                let coordinator = try await harness.startCoordinator(
                    configYAML: "store:\n  backend: postgresql\n  url: postgresql://\(cluster.username)@127.0.0.1:\(cluster.port)/\(database)\n  tls: disable\n"
                        + "scorecards: \(scorecards.path)\n"
                )
                await coordinator.stop()
                coordinator.consolePort = try freeLoopbackPort()
                try await coordinator.start()
                let port = coordinator.consolePort
                let issued = try await runCommand(try Binaries.coordinator(), ["users", "token", "admin", "--data", coordinator.dataDirectory.path] + coordinator.configArguments)
                try #require(issued.exitCode == 0, "users token failed: \(issued)")
                let token = issued.stdout.trimmingCharacters(in: .whitespacesAndNewlines)

                // Enrollment tokens live in the shared store: created through the API, not the SQLite-only CLI.
                let created = try await self.api(port, token, "/api/v1/enrollment-tokens", json: #"{"provider": "acme", "site": "paris"}"#)
                #expect(created.status == 201, "\(created)")
                let enrollment = try #require(
                    (try? JSONSerialization.jsonObject(with: Data(created.body.utf8)) as? [String: Any])?["token"] as? String, "\(created)"
                )
                let agent = try harness.makeAgent(name: "a")
                let enrolled = try await agent.enroll(coordinator: coordinator.address, token: enrollment, fingerprint: try await coordinator.fingerprint())
                try #require(enrolled.exitCode == 0, "\(enrolled)")
                try agent.start()
                try agent.drop("export-1.csv", ExportFile.csv(ticketRows("P", count: 12)))
                try await eventually("the tickets stored in PostgreSQL") {
                    try await self.api(port, token, "/api/v1/status").body.contains(#""tickets":12"#)
                }

                for path in [
                    "/api/v1/figures/overview", "/api/v1/figures/providers/acme", "/api/v1/scorecards/acme", "/api/v1/providers/acme",
                    "/api/v1/audits", "/api/v1/tickets/acme/P-1", "/api/v1/tickets/acme/P-1/notes", "/api/v1/sla-events",
                ] {
                    let reply = try await self.api(port, token, path)
                    #expect(reply.status == 200, "\(path): \(reply)")
                    #expect(!reply.body.contains("not available on the PostgreSQL store"), "\(path): \(reply)")
                }
                // QA evaluations in PostgreSQL, recomputed at read time: n = 1 all passed (100, matches), n = 3 tone failed
                // (the line says 77.8; 3 of 5 is 60: differs), n = 5 verification failed (0, zeroed: matches).
                try agent.dropEvaluations("qa-1.jsonl", [1, 3, 5].map { EvaluationTests.line($0).text }.joined(separator: "\n") + "\n")
                try await eventually("the evaluations recomputed from PostgreSQL") {
                    let page = try await self.api(port, token, "/api/v1/audits")
                    let object = try? JSONSerialization.jsonObject(with: Data(page.body.utf8)) as? [String: Any]
                    let counts = (object?["providers"] as? [[String: Any]])?.first
                    return counts?["evaluations"] as? Int == 3 && counts?["recomputed"] as? Int == 3 && counts?["differs"] as? Int == 1
                }
                let audits = try #require(
                    (try? JSONSerialization.jsonObject(with: Data(try await self.api(port, token, "/api/v1/audits").body.utf8)) as? [String: Any])?["audits"]
                        as? [[String: Any]]
                )
                let differing = audits.filter { $0["scoreDiffers"] as? Bool == true }
                #expect(differing.count == 1 && differing.first?["recomputedScore"] as? Double == 60 && differing.first?["score"] as? Double == 77.8)

                // Nothing to migrate: serve applied every migration at start.
                let configFile = try #require(coordinator.configFile)
                let dryRun = try await runCommand(try Binaries.coordinator(), ["migrate", "--dry-run", "--config", configFile.path])
                #expect(dryRun.stdout == "nothing to do\n", "\(dryRun)")
                await agent.stop()
                await coordinator.stop()
            }
        }
    }
}
