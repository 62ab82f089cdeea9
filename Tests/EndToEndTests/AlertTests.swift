//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightTesting
import Testing

extension EndToEnd {
    /// A breach found by the running coordinator reaches a real Prometheus Alertmanager, and ends when the ticket is solved.
    @Suite struct AlertTests {
        static func alertmanager() async throws -> String {
            let path = "/usr/bin/prometheus-alertmanager"
            if !FileManager.default.isExecutableFile(atPath: path) {
                let environment = ["DEBIAN_FRONTEND": "noninteractive"]
                _ = try await runCommand("/usr/bin/apt-get", ["update", "-qq"], environment: environment, timeout: .seconds(600))
                _ = try await runCommand(
                    "/usr/bin/apt-get", ["install", "-y", "-qq", "prometheus-alertmanager"], environment: environment, timeout: .seconds(600)
                )
            }
            guard FileManager.default.isExecutableFile(atPath: path) else { throw HarnessError("prometheus-alertmanager could not be installed") }
            return path
        }

        /// Alertmanager's alerts (`GET /api/v2/alerts`), read with Python's standard library.
        static func activeAlerts(port: Int) async throws -> [[String: Any]] {
            let script = "import sys,urllib.request;print(urllib.request.urlopen(sys.argv[1], timeout=5).read().decode())"
            let result = try await runCommand(
                "/usr/bin/env", ["python3", "-c", script, "http://127.0.0.1:\(port)/api/v2/alerts?active=true&silenced=false&inhibited=false"]
            )
            guard result.exitCode == 0 else { return [] }
            return (try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]]) ?? []
        }

        @Test(.timeLimit(.minutes(3)))
        func breachReachesAlertmanagerAndResolvesWhenSolved() async throws {
            try await withHarness("alerts") { harness in
                let amPort = try freeLoopbackPort()
                let amConfig = harness.directory.child("alertmanager.yml")
                try Data(
                    """
                    route:
                      receiver: "null"
                      group_wait: 1s
                    receivers:
                      - name: "null"

                    """.utf8
                ).write(to: amConfig)
                let storage = try harness.directory.makeFolder("am-data")
                let manager = try harness.startProcess(
                    name: "alertmanager", executable: try await Self.alertmanager(),
                    arguments: [
                        "--config.file=\(amConfig.path)", "--storage.path=\(storage.path)", "--web.listen-address=127.0.0.1:\(amPort)",
                        "--cluster.listen-address=", "--log.level=warn",
                    ]
                )

                let coordinator = try await harness.startCoordinator(
                    configYAML: """
                        alerts:
                          console_url: https://oversight.example.test:8443
                          alertmanager:
                            - name: am
                              url: http://127.0.0.1:\(amPort)
                              resend_interval: 2s

                        """
                )
                await coordinator.stop()
                let contracts = coordinator.dataDirectory.appendingPathComponent("contracts")
                try FileManager.default.createDirectory(at: contracts, withIntermediateDirectories: true)
                try SLATests.contract.write(to: contracts.appendingPathComponent("acme.contract.yaml"), atomically: true, encoding: .utf8)
                try await coordinator.start()
                let agent = try await harness.startAgent(name: "a", coordinator: coordinator, provider: "acme", site: "paris")

                var ticket = TicketRow.make(id: "AM-1", n: 0)
                ticket.status = "new"
                ticket.created = Date().addingTimeInterval(-7200)
                ticket.updated = ticket.created
                try agent.drop("late.csv", ExportFile.csv([ticket]))

                var breach: [String: Any]?
                try await eventually("the breach reaches Alertmanager", timeout: .seconds(90)) {
                    #expect(manager.isRunning)
                    breach = try await Self.activeAlerts(port: amPort).first {
                        let labels = $0["labels"] as? [String: String]
                        return labels?["kind"] == "ticket_breached" && labels?["ticket"] == "AM-1"
                    }
                    return breach != nil
                }
                let labels = try #require(breach?["labels"] as? [String: String])
                #expect(labels["provider"] == "acme" && labels["site"] == "paris" && labels["clock"] == "first_reply")
                #expect(labels["severity"] == "critical")
                let annotations = try #require(breach?["annotations"] as? [String: String])
                #expect(annotations.values.contains { $0.contains("AM-1") })
                #expect(annotations.values.contains { $0.hasPrefix("https://oversight.example.test:8443") })

                // The provider solves the ticket: the alert ends in Alertmanager.
                ticket.status = "solved"
                ticket.updated = Date()
                try agent.drop("solved.csv", ExportFile.csv([ticket]))
                try await eventually("the alert is resolved in Alertmanager", timeout: .seconds(90)) {
                    try await !Self.activeAlerts(port: amPort).contains { ($0["labels"] as? [String: String])?["ticket"] == "AM-1" }
                }
                let open = try await coordinator.cli(["alerts", "list"])
                #expect(!open.stdout.contains("AM-1"), "\(open)")
            }
        }
    }
}
