//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Aggregate targets end to end: interval reports from a real agent become a contract figure at the real coordinator,
// an aggregate alert, and the evidence of the month's credit statement.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightModel
import OversightTesting
import OversightWire
import Testing

extension EndToEnd {
    @Suite struct AggregateTests {
        /// 24/7 in UTC; phone service level (20 s) ≥ 80 % per day; 1 % of a 1,000 EUR fee per missed day, capped at 10 %.
        static let contract = """
            provider: acme
            calendars:
              always:
                time_zone: UTC
                hours: 24/7
            versions:
              - effective_from: 2020-01-01
                calendar: always
                targets:
                  first_reply: 1h
                aggregates:
                  - id: phone-sl
                    figure: service_level
                    match: {channel: phone}
                    period: day
                    target: 80%
                    threshold: 20s
                credits:
                  monthly_fee: 1000
                  currency: EUR
                  monthly_cap: 10%
                  per_miss:
                    - {target: phone-sl, share: 1%}
            """

        @Test(.timeLimit(.minutes(3)))
        func intervalReportsBecomeAContractFigureAnAlertAndCreditEvidence() async throws {
            try await withHarness("aggregates") { harness in
                let contracts = harness.directory.child("contracts")
                try FileManager.default.createDirectory(at: contracts, withIntermediateDirectories: true)
                try Self.contract.write(to: contracts.appendingPathComponent("acme.contract.yaml"), atomically: true, encoding: .utf8)
                let coordinator = try await harness.startCoordinator(
                    configYAML: "contracts: \(contracts.path)\naggregates: { evaluate_every: 1s }\n"
                )
                let agent = try await harness.startAgent(name: "a", coordinator: coordinator, provider: "acme", site: "lisbon")
                let agentId = try agent.agentId()

                // Four 15-minute reports from the start of today (UTC): 100 offered, 90 answered, 50 of them within 20 s,
                // 10 abandoned (none short) each — a service level of 200 / 400 = 50 %.
                let day = (Date().timeIntervalSince1970 / 86_400).rounded(.down) * 86_400
                var lines = [IntervalTests.header]
                for slot in 0..<4 {
                    let start = Date(timeIntervalSince1970: day + Double(slot) * 900)
                    lines.append("\(WireJSON.format(start)),15,billing,100,90,50,20,10,0,1800,27000,6,9,0.5000")
                }
                try agent.dropIntervals("intervals-lisbon-today.csv", lines.joined(separator: "\n") + "\n")

                // The figure, as `sla figures` prints it from the coordinator's own evaluation.
                var standing: [String: Any] = [:]
                try await eventually("the phone service level is evaluated from the four reports") {
                    let result = try await coordinator.cli(["sla", "figures", "--json"])
                    let rows = (try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8))) as? [[String: Any]] ?? []
                    guard let row = rows.first(where: { $0["targetId"] as? String == "phone-sl" && $0["value"] is Double }) else { return false }
                    standing = row
                    return true
                }
                #expect(standing["value"] as? Double == 0.5)
                #expect(standing["referenceValue"] as? Double == 0.5)
                #expect(["at risk", "missed"].contains(standing["state"] as? String ?? ""), "\(standing)")
                #expect((standing["summary"] as? String ?? "").contains("80.0 %"))

                // The aggregate alert, as `alerts list` shows it.
                try await eventually("an aggregate alert for phone-sl") {
                    let result = try await coordinator.cli(["alerts", "list"])
                    return result.stdout.contains("aggregate_") && result.stdout.contains("phone-sl")
                }

                // The month's credit statement carries every report as evidence, with the batch that signed it.
                let month = String(WireJSON.format(Date(timeIntervalSince1970: day)).prefix(7))
                let credits = try await coordinator.cli(["sla", "credits", "--provider", "acme", "--month", month, "--contracts", contracts.path, "--json"])
                #expect(credits.exitCode == 0, "\(credits)")
                let statement = try #require(try JSONSerialization.jsonObject(with: Data(credits.stdout.utf8)) as? [String: Any])
                let evidence = statement["evidence"] as? [[String: Any]] ?? []
                #expect(evidence.filter { $0["kind"] as? String == "interval" }.count == 4)
                #expect(evidence.allSatisfy { $0["agent"] as? String == agentId && ($0["seq"] as? Int ?? 0) >= 1 })
                #expect(statement["month"] as? String == month)

                // A month that is not one is refused with a clear message.
                let bad = try await coordinator.cli(["sla", "credits", "--provider", "acme", "--month", "2026-13", "--contracts", contracts.path])
                #expect(bad.exitCode != 0)
                #expect(bad.stderr.contains("2026-13"))
            }
        }
    }
}
