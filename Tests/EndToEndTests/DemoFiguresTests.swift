//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightTesting
import Testing

extension EndToEnd {
    /// Issue 16: the real `oversight-coordinator demo`, run for about a minute, shows a value for every aggregate
    /// target of every contract it installs — service level, abandonment, ASA, AHT, CSAT, FCR, QA, high-impact errors,
    /// resolution attainment — in the current period, through the real CLI (`sla figures --json`) and the console's
    /// JSON API (`/api/v1/figures/overview`, with an API token made by `users token`).
    @Suite struct DemoFiguresTests {
        /// `provider` → the ids of its contract's aggregate targets, read from the contract files the demo installed.
        static func contractTargets(in folder: String) throws -> [String: Set<String>] {
            var targets: [String: Set<String>] = [:]
            for file in try FileManager.default.contentsOfDirectory(atPath: folder) where file.hasSuffix(".contract.yaml") {
                let text = try String(contentsOfFile: folder + "/" + file, encoding: .utf8)
                let provider = try #require(text.firstMatch(of: /(?m)^provider:\s*(\S+)/)?.1, "no provider in \(file)")
                var inAggregates = false
                for line in text.split(separator: "\n") {
                    if line.hasPrefix("    aggregates:") { inAggregates = true } else if line.hasPrefix("    ") && !line.hasPrefix("      ") {
                        inAggregates = false
                    }
                    if inAggregates, let id = line.firstMatch(of: /^\s+- id:\s*(\S+)/)?.1 { targets[String(provider), default: []].insert(String(id)) }
                }
            }
            return targets
        }

        @Test(.timeLimit(.minutes(5)))
        func everyContractTargetOfEveryProviderHasAValueAfterAboutAMinute() async throws {
            let directory = try TemporaryDirectory(prefix: "oversight-e2e-demo-figures")
            defer { directory.remove() }
            let consolePort = try freeLoopbackPort()
            let coordinatorData = directory.child("data").path + "/coordinator"
            let demo = try ChildProcess(
                name: "demo", executable: try Binaries.coordinator(),
                arguments: ["demo", "--data", directory.child("data").path, "--console-port", "\(consolePort)"],
                logFile: directory.child("demo.log")
            )
            var stopped = false
            defer { if !stopped { demo.signal(SIGTERM) } }
            try await eventually("tickets synced from three providers", timeout: .seconds(90)) {
                demo.log().contains("Synced, as stored at the coordinator:")
            }
            let expected = try Self.contractTargets(in: coordinatorData + "/contracts")
            #expect(Set(expected.keys) == ["acme-support", "globex-care", "initech-help"])
            #expect(expected.values.map(\.count).reduce(0, +) >= 20, "the demo's contracts have fewer aggregate targets than expected: \(expected)")

            // The coordinator evaluates every 5 s; the figures fill in as the simulated sites' first minute is exported.
            var missing: [String] = []
            var rows: [[String: Any]] = []
            do {
                try await eventually("a value for every contract target", timeout: .seconds(150), interval: .seconds(3)) {
                    let result = try await runCommand(try Binaries.coordinator(), ["sla", "figures", "--json", "--data", coordinatorData])
                    guard result.exitCode == 0,
                        let parsed = try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]]
                    else { return false }
                    rows = parsed
                    missing = expected.flatMap { provider, ids in
                        ids.filter { id in
                            !parsed.contains { $0["provider"] as? String == provider && $0["targetId"] as? String == id && $0["value"] is Double }
                        }.map { "\(provider)/\($0)" }
                    }.sorted()
                    return missing.isEmpty
                }
            } catch {
                Issue.record("targets without a value: \(missing)\n\(rows.map { "\($0["provider"] ?? "")/\($0["targetId"] ?? ""): \($0["state"] ?? "")" })")
            }
            #expect(missing.isEmpty)
            // Every value is in the current period, which contains now; interval figures are not ahead of the clock.
            let now = Date()
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            for row in rows {
                let start = (row["periodStart"] as? String).flatMap(formatter.date(from:))
                let end = (row["periodEnd"] as? String).flatMap(formatter.date(from:))
                #expect(start.map { $0 <= now } == true && end.map { $0 > now.addingTimeInterval(-60) } == true, "\(row)")
            }

            // The console's overview: a service level for every provider (the column that stayed "—").
            let token = try await runCommand(try Binaries.coordinator(), ["users", "token", "admin", "--data", coordinatorData])
            try #require(token.exitCode == 0, "users token failed: \(token)")
            let overview = try await runCommand(
                "/usr/bin/env",
                [
                    "curl", "-sk", "--max-time", "20", "-H", "Authorization: Bearer \(token.stdout.trimmingCharacters(in: .whitespacesAndNewlines))",
                    "https://127.0.0.1:\(consolePort)/api/v1/figures/overview",
                ]
            )
            let overviewRows = try #require(
                try? JSONSerialization.jsonObject(with: Data(overview.stdout.utf8)) as? [[String: Any]], "not an overview: \(overview)"
            )
            #expect(overviewRows.count == 3)
            for row in overviewRows {
                let serviceLevel = row["serviceLevel"] as? [String: Any]
                #expect(serviceLevel?["value"] is Double, "no service level in the overview for \(row["provider"] ?? "?"): \(serviceLevel ?? [:])")
            }

            demo.signal(SIGINT)
            #expect(await demo.waitForExit(timeout: .seconds(30)))
            stopped = true
        }
    }
}
