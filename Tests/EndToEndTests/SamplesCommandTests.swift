//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Issue 10, the reproducible draw end to end: a real agent syncs last week's tickets to a real coordinator; `samples
// draw` prints the same selection twice, reveals the seed of the closed week, and the independent Python recomputation
// of docs/audits.md gets the same selection from the revealed seed and the tickets the agent sent.
//
//===----------------------------------------------------------------------===//

import Crypto
import Foundation
import OversightModel
import OversightTesting
import Testing

extension EndToEnd {
    @Suite struct SamplesCommandTests {
        /// Monday 00:00 UTC of last ISO week, and its label (`2026-W49`).
        static func lastWeek() -> (start: Date, label: String) {
            var calendar = Calendar(identifier: .iso8601)
            calendar.timeZone = TimeZone(identifier: "UTC")!
            let thisWeek = calendar.dateInterval(of: .weekOfYear, for: Date())!.start
            let start = thisWeek.addingTimeInterval(-7 * 86_400)
            let parts = calendar.dateComponents([.yearForWeekOfYear, .weekOfYear], from: start)
            return (start, String(format: "%04d-W%02d", parts.yearForWeekOfYear!, parts.weekOfYear!))
        }

        @Test(.timeLimit(.minutes(3)))
        func theDrawIsReproducibleAndRecomputedFromTheRevealedSeed() async throws {
            try await withHarness("samples") { harness in
                let coordinator = try await harness.startCoordinator()
                var options = AgentOptions()
                options.ticketMapping = EvidenceTests.mapping
                let agent = try await harness.startAgent(name: "a", coordinator: coordinator, provider: "acme", site: "lisbon", options: options)
                let store = try coordinator.openStore()
                let (start, week) = Self.lastWeek()
                // 40 tickets of last Tuesday (open, solved in time with CSAT 5, solved late with CSAT 2), and one of the
                // week before, outside the frame.
                let base = start.addingTimeInterval(86_400 + 8 * 3600)
                let lines = (0..<40).map { EvidenceTests.ticket($0, base: base) } + [EvidenceTests.ticket(0, base: start - 86_400).replacingOccurrences(of: "EV-0,", with: "OLD-1,")]
                try agent.drop("tickets.csv", EvidenceTests.tickets(lines))
                try await eventually("41 tickets stored") { try await store.ticketCount() == 41 }

                let plan = harness.directory.child("acme.sampling.yaml")
                try """
                    provider: acme
                    size: { method: fixed, count: 7 }
                    strata: [channel, outcome]
                    targeted: { low_csat: 3 }

                    """.write(to: plan, atomically: true, encoding: .utf8)
                let arguments = ["samples", "draw", "--provider", "acme", "--period", week, "--plan", plan.path, "--json"]
                let first = try await coordinator.cli(arguments)
                let second = try await coordinator.cli(arguments)
                #expect(first.exitCode == 0 && first.stdout == second.stdout, "\(first)")
                let draw = try #require(try JSONSerialization.jsonObject(with: Data(first.stdout.utf8)) as? [String: Any])
                #expect(draw["population"] as? Int == 40 && draw["size"] as? Int == 7 && draw["closed"] as? Bool == true)
                let seed = try #require(draw["seed"] as? String)
                let seedBytes = try #require(Data(hexString: seed))
                #expect(SHA256.hash(data: seedBytes).map { String(format: "%02x", $0) }.joined() == draw["seedSha256"] as? String)
                let strata = try #require(draw["strata"] as? [[String: Any]])
                #expect(strata.compactMap { $0["name"] as? String } == ["email/open", "email/solved"])
                #expect(strata.compactMap { $0["drawn"] as? Int }.reduce(0, +) == 7)
                let selections = try #require(draw["selections"] as? [[String: Any]])
                #expect(selections.filter { $0["purpose"] as? String == "targeted" }.count == 3)
                #expect(!selections.contains { $0["ticketId"] as? String == "OLD-1" })

                // The seed command agrees, and the independent script recomputes the selection from what the agent sent.
                let seedCommand = try await coordinator.cli(["samples", "seed", "--provider", "acme", "--period", week, "--plan", plan.path])
                #expect(seedCommand.stdout.contains("seed sha256 \(draw["seedSha256"] as? String ?? "-")") && seedCommand.stdout.contains("seed \(seed)"))
                let tickets = (0..<40).map { n -> [String: Any] in
                    let solved = n % 3 != 1
                    let csat: Any = n % 3 == 0 ? 5 : (n % 3 == 2 ? 2 as Any : NSNull())
                    return [
                        "id": "EV-\(n)", "channel": "email", "solved": solved, "week": week, "assignee": NSNull(), "csat": csat, "reopen_count": 0,
                        "breached": false,
                    ]
                }
                let spec: [String: Any] = [
                    "seed": seed, "size": 7, "strata": ["channel", "outcome"], "allocation": "proportional", "expected_rates": [String: Double](),
                    "default_rate": 0.1, "per_staff_per_week": NSNull(), "targeted": [["low_csat", 3]], "tickets": tickets,
                ]
                let script = Binaries.repositoryRoot.appendingPathComponent("Tests/OversightSamplingTests/Fixtures/recompute_draw.py").path
                let recomputed = try await runCommand("/usr/bin/env", ["python3", script], input: try JSONSerialization.data(withJSONObject: spec))
                let expected = selections.map { "\($0["ticketId"] ?? "")\t\($0["stratum"] ?? "")\t\($0["purpose"] ?? "")\t\($0["rank"] ?? "")" }
                #expect(recomputed.stdout.split(separator: "\n").map(String.init) == expected, "\(recomputed)")

                // Explain names a ticket's place; a bad period and a missing plan are refused with what is wrong.
                let notDrawn = try #require((0..<40).map { "EV-\($0)" }.first { id in !selections.contains { $0["ticketId"] as? String == id } })
                let explained = try await coordinator.cli(["samples", "explain", "--provider", "acme", "--period", week, "--plan", plan.path, "--ticket", notDrawn])
                #expect(explained.exitCode == 0 && explained.stdout.contains("\(notDrawn) was not drawn: email/"), "\(explained)")
                let badPeriod = try await coordinator.cli(["samples", "draw", "--provider", "acme", "--period", "2026-W99", "--plan", plan.path])
                #expect(badPeriod.exitCode != 0 && badPeriod.stderr.contains("2026-W99"), "\(badPeriod)")
                let noPlan = try await coordinator.cli(["samples", "draw", "--provider", "acme", "--period", week])
                #expect(noPlan.exitCode != 0 && noPlan.stderr.contains("no sampling plan at"), "\(noPlan)")
                let secret = try FileManager.default.attributesOfItem(atPath: coordinator.dataDirectory.appendingPathComponent("sampling-secret").path)
                #expect((secret[.posixPermissions] as? Int) == 0o600)
            }
        }
    }
}

extension Data {
    /// Bytes from hexadecimal digits; `nil` for anything else.
    fileprivate init?(hexString: String) {
        guard hexString.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        var index = hexString.startIndex
        while index < hexString.endIndex {
            let next = hexString.index(index, offsetBy: 2)
            guard let byte = UInt8(hexString[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        self.init(bytes)
    }
}
