//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Breach disputes end to end: a real agent syncs a closed month of tickets, provider staff dispute two breaches with the
// CLI, head office rejects one and accepts the other; the rejected one changes nothing, the accepted one moves the
// month's first-reply attainment and credit by exactly the hand-computed amount.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightModel
import OversightTesting
import Testing

extension EndToEnd {
    @Suite struct BreachDisputeTests {
        /// 24/7 UTC; first reply 1 h; monthly first-reply attainment ≥ 85 %, a miss costs 5 % of 10,000 EUR (cap 10 %).
        static let contract = """
            provider: acme
            versions:
              - effective_from: 2020-01-01
                calendar: {time_zone: UTC, hours: 24/7}
                targets: {first_reply: 1h}
                aggregates:
                  - {id: frt, figure: ticket_attainment, ticket_target: first_reply, period: month, target: 85%}
                credits:
                  monthly_fee: 10000
                  currency: EUR
                  monthly_cap: 10%
                  per_miss: [{target: frt, share: 5%}]
                disputes:
                  reasons: [client_caused_delay, force_majeure, wrong_clock_holder, data_error]
                  decide_within_business_days: 10
                  default_decision: rejected
            """

        /// Ten solved tickets of the month's second day: BD-1…BD-8 replied after 20 minutes, BD-9 and BD-10 after 90.
        static func tickets(base: Date) -> String {
            var lines = ["id,status,created,updated,channel,priority,queue,first_reply,solved,csat"]
            for n in 1...10 {
                let created = base.addingTimeInterval(Double(n) * 600)
                let reply = created.addingTimeInterval(n > 8 ? 90 * 60 : 20 * 60)
                let solved = created.addingTimeInterval(3 * 3600)
                lines.append(
                    ["BD-\(n)", "solved", WireJSON.format(created), WireJSON.format(solved), "email", "normal", "billing", WireJSON.format(reply),
                     WireJSON.format(solved), ""].joined(separator: ",")
                )
            }
            return lines.joined(separator: "\n") + "\n"
        }

        /// 8 / 9, within what a JSON round trip through `JSONSerialization` may change.
        static func isEightNinths(_ value: Double?) -> Bool { value.map { abs($0 - 8.0 / 9.0) < 1e-12 } ?? false }

        func json(_ result: CommandResult) throws -> [String: Any] {
            try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result)")
        }

        @Test(.timeLimit(.minutes(4)))
        func anAcceptedDisputeMovesAttainmentAndCreditARejectedOneChangesNothing() async throws {
            try await withHarness("breach-disputes") { harness in
                let contracts = harness.directory.child("contracts")
                try FileManager.default.createDirectory(at: contracts, withIntermediateDirectories: true)
                try Self.contract.write(to: contracts.appendingPathComponent("acme.contract.yaml"), atomically: true, encoding: .utf8)
                let coordinator = try await harness.startCoordinator(configYAML: "contracts: \(contracts.path)\n")
                var options = AgentOptions()
                options.ticketMapping = EvidenceTests.mapping
                let agent = try await harness.startAgent(name: "a", coordinator: coordinator, provider: "acme", site: "lisbon", options: options)
                let store = try coordinator.openStore()
                let (monthStart, month) = EvidenceTests.previousMonth()
                try agent.drop("tickets.csv", Self.tickets(base: monthStart.addingTimeInterval(86_400 + 8 * 3600)))
                try await eventually("two first-reply breaches recorded") {
                    let breaches = try await store.breaches(provider: "acme", from: monthStart, to: monthStart.addingTimeInterval(40 * 86_400), limit: 100)
                    return breaches.filter { $0.clock == "first_reply" }.count == 2
                }
                for (user, role) in [("prov1", "provider"), ("sup1", "supervisor")] {
                    let added = try await runCommand(
                        try Binaries.coordinator(), ["users", "add", user, "--role", role, "--data", coordinator.dataDirectory.path, "--provider", "acme"],
                        input: Data("a-long-enough-password\n".utf8)
                    )
                    #expect(added.exitCode == 0, "\(added)")
                }
                func cli(_ arguments: [String]) async throws -> CommandResult {
                    try await coordinator.cli(["sla"] + arguments + ["--contracts", contracts.path])
                }
                func credits() async throws -> [String: Any] {
                    let result = try await cli(["credits", "--provider", "acme", "--month", month, "--json"])
                    #expect(result.exitCode == 0, "\(result)")
                    return try self.json(result)
                }
                func frt(_ statement: [String: Any]) -> Double? {
                    ((statement["lines"] as? [[String: Any]]) ?? []).first { $0["target"] as? String == "frt" }?["actual"] as? Double
                }

                // As measured: 8 / 10 = 80 % < 85 % → 5 % × 10,000 = 500.00 EUR.
                let measured = try await credits()
                #expect(frt(measured) == 0.8 && measured["owedAmount"] as? Double == 500, "\(measured)")

                // Only provider staff open, only head office decides; reasons come from the contract.
                let wrongRole = try await cli(["dispute", "open", "--provider", "acme", "--ticket", "BD-9", "--clock", "first_reply", "--as", "sup1", "--reason", "data_error", "--note", "x"])
                #expect(wrongRole.exitCode != 0 && wrongRole.stderr.contains("a supervisor cannot open a breach dispute for acme"), "\(wrongRole)")
                let badReason = try await cli(["dispute", "open", "--provider", "acme", "--ticket", "BD-9", "--clock", "first_reply", "--as", "prov1", "--reason", "bad_luck", "--note", "x"])
                #expect(badReason.exitCode != 0 && badReason.stderr.contains("'bad_luck' is not a dispute reason"), "\(badReason)")

                // BD-9: disputed, rejected → nothing changes.
                let first = try await cli(["dispute", "open", "--provider", "acme", "--ticket", "BD-9", "--clock", "first_reply", "--as", "prov1", "--reason", "data_error", "--note", "our log shows a reply", "--json"])
                #expect(first.exitCode == 0, "\(first)")
                let firstId = try #require(try self.json(first)["id"] as? Int)
                let providerDecides = try await cli(["dispute", "decide", "--provider", "acme", "\(firstId)", "--decision", "accepted", "--as", "prov1", "--note", "x"])
                #expect(providerDecides.exitCode != 0 && providerDecides.stderr.contains("a provider cannot decide"), "\(providerDecides)")
                let rejected = try await cli(["dispute", "decide", "--provider", "acme", "\(firstId)", "--decision", "rejected", "--as", "sup1", "--note", "reply was late"])
                #expect(rejected.exitCode == 0, "\(rejected)")
                let afterRejection = try await credits()
                #expect(frt(afterRejection) == 0.8 && afterRejection["owedAmount"] as? Double == 500, "\(afterRejection)")
                #expect((afterRejection["acceptedDisputes"] as? [Any])?.isEmpty == true)

                // BD-10: disputed, accepted → 8 / 9 = 88.9 % ≥ 85 %: met, owed 0.00 EUR (500.00 less).
                let second = try await cli(["dispute", "open", "--provider", "acme", "--ticket", "BD-10", "--clock", "first_reply", "--as", "prov1", "--reason", "client_caused_delay", "--note", "waited on the client", "--json"])
                let secondId = try #require(try self.json(second)["id"] as? Int)
                let accepted = try await cli(["dispute", "decide", "--provider", "acme", "\(secondId)", "--decision", "accepted", "--as", "sup1", "--note", "agreed"])
                #expect(accepted.exitCode == 0, "\(accepted)")
                let afterAcceptance = try await credits()
                #expect(Self.isEightNinths(frt(afterAcceptance)) && afterAcceptance["owedAmount"] as? Double == 0, "\(afterAcceptance)")
                #expect(afterAcceptance["measuredOwedAmount"] as? Double == 500)
                let step = try #require((afterAcceptance["acceptedDisputes"] as? [[String: Any]])?.first)
                let line = try #require((step["lines"] as? [[String: Any]])?.first)
                #expect(line["actualBefore"] as? Double == 0.8 && Self.isEightNinths(line["actualAfter"] as? Double), "\(line)")
                #expect(line["amountBefore"] as? Double == 500 && line["amountAfter"] as? Double == 0, "\(line)")

                // Overturn rates: data_error 0 %, client_caused_delay 100 %, all 50 %.
                let disputes = try await cli(["disputes", "--provider", "acme", "--month", month, "--json"])
                let rates = (try self.json(disputes)["overturnRates"] as? [[String: Any]]) ?? []
                #expect(rates.map { $0["reason"] as? String } == ["data_error", "client_caused_delay", "all"], "\(disputes)")
                #expect(rates.map { $0["rate"] as? Double } == [0, 1, 0.5], "\(disputes)")
                let text = try await cli(["disputes", "--provider", "acme", "--month", month])
                #expect(text.stdout.contains("owed 500.00 EUR → 0.00 EUR") && text.stdout.contains("80.0 % → 88.9 %"), "\(text)")

                // The evidence bundle carries both disputes and still verifies clean (its figures are the measured ones).
                let bundle = harness.directory.child("bundle")
                let exported = try await coordinator.cli(["evidence", "export", "--provider", "acme", "--month", month, "--to", bundle.path, "--contracts", contracts.path])
                #expect(exported.exitCode == 0, "\(exported)")
                let verified = try await runCommand(try Binaries.verify(), [bundle.path])
                #expect(verified.exitCode == 0 && verified.stdout.contains("no differences"), "\(verified)")
                let breachDisputes = try #require(
                    try JSONSerialization.jsonObject(with: Data(contentsOf: bundle.appendingPathComponent("breach-disputes.json"))) as? [[String: Any]]
                )
                #expect(breachDisputes.map { $0["ticketId"] as? String } == ["BD-9", "BD-10"])
                #expect(breachDisputes.map { $0["effectiveState"] as? String } == ["rejected", "accepted"])
            }
        }

        /// The contract above with a second, lenient first-reply target that does not bear credit (80 % ≥ 50 %: met).
        static let periodContract = contract.replacingOccurrences(
            of: "- {id: frt, figure: ticket_attainment, ticket_target: first_reply, period: month, target: 85%}",
            with: "- {id: frt, figure: ticket_attainment, ticket_target: first_reply, period: month, target: 85%}\n"
                + "      - {id: frt-lenient, figure: ticket_attainment, ticket_target: first_reply, period: month, target: 50%}"
        )

        func api(_ port: Int, _ token: String, _ path: String, json: String? = nil) async throws -> (status: Int, body: String) {
            try await consoleAPI(port, token, path, json: json)
        }

        /// A dispute of the aggregate miss itself: provider staff dispute the month's first-reply attainment (80 % < 85 %)
        /// through the console's API, asking that 10:20–11:00 of the second day (when BD-9's and BD-10's first replies
        /// breached) be excluded; head office accepts: 8 / 8 = 100 %, owed 500.00 → 0.00 EUR, on the API, the credits page
        /// and its CSV, in `sla disputes`, and in the evidence bundle, where the verifier recomputes the disputed statement
        /// and names an edited one. A whole-month dispute rejected before changes nothing.
        @Test(.timeLimit(.minutes(4)))
        func anAcceptedDisputeOfAMissRecomputesThePeriodWithoutTheExcludedTime() async throws {
            try await withHarness("period-disputes") { harness in
                let contracts = harness.directory.child("contracts")
                try FileManager.default.createDirectory(at: contracts, withIntermediateDirectories: true)
                try Self.periodContract.write(to: contracts.appendingPathComponent("acme.contract.yaml"), atomically: true, encoding: .utf8)
                let coordinator = try await harness.startCoordinator(configYAML: "contracts: \(contracts.path)\n", consolePort: try freeLoopbackPort())
                var options = AgentOptions()
                options.ticketMapping = EvidenceTests.mapping
                let agent = try await harness.startAgent(name: "a", coordinator: coordinator, provider: "acme", site: "lisbon", options: options)
                let store = try coordinator.openStore()
                let (monthStart, month) = EvidenceTests.previousMonth()
                let base = monthStart.addingTimeInterval(86_400 + 8 * 3600)
                try agent.drop("tickets.csv", Self.tickets(base: base))
                try await eventually("two first-reply breaches recorded") {
                    let breaches = try await store.breaches(provider: "acme", from: monthStart, to: monthStart.addingTimeInterval(40 * 86_400), limit: 100)
                    return breaches.filter { $0.clock == "first_reply" }.count == 2
                }
                var tokens: [String: String] = [:]
                for (user, role) in [("prov1", "provider"), ("sup1", "supervisor")] {
                    let added = try await runCommand(
                        try Binaries.coordinator(), ["users", "add", user, "--role", role, "--data", coordinator.dataDirectory.path, "--provider", "acme"],
                        input: Data("a-long-enough-password\n".utf8)
                    )
                    #expect(added.exitCode == 0, "\(added)")
                    let issued = try await runCommand(try Binaries.coordinator(), ["users", "token", user, "--data", coordinator.dataDirectory.path])
                    try #require(issued.exitCode == 0, "\(issued)")
                    tokens[user] = issued.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
                }
                let port = coordinator.consolePort
                let (prov1, sup1) = (tokens["prov1"] ?? "", tokens["sup1"] ?? "")
                func cli(_ arguments: [String]) async throws -> CommandResult {
                    try await coordinator.cli(["sla"] + arguments + ["--contracts", contracts.path])
                }
                func statement() async throws -> [String: Any] {
                    let reply = try await self.api(port, sup1, "/api/v1/providers/acme/credits/\(month)")
                    #expect(reply.status == 200, "\(reply)")
                    return try #require(try JSONSerialization.jsonObject(with: Data(reply.body.utf8)) as? [String: Any], "\(reply)")
                }
                func frt(_ document: [String: Any]) -> [String: Any] {
                    ((document["lines"] as? [[String: Any]]) ?? []).first { $0["target"] as? String == "frt" } ?? [:]
                }

                // As measured: 8 / 10 = 80 % < 85 % → 5 % × 10,000 = 500.00 EUR.
                let measured = try await statement()
                #expect(frt(measured)["measuredActual"] as? Double == 0.8 && measured["owedAmount"] as? Double == 500, "\(measured)")

                // Refused by the contract's rules: a met figure, a period not closed, a window outside the period.
                let met = try await cli(["dispute", "open", "--provider", "acme", "--target", "frt-lenient", "--period", month, "--as", "prov1", "--reason", "data_error", "--note", "x"])
                #expect(met.exitCode != 0 && met.stderr.contains("did not miss its target"), "\(met)")
                let current = String(WireJSON.format(Date()).prefix(7))
                let open = try await cli(["dispute", "open", "--provider", "acme", "--target", "frt", "--period", current, "--as", "prov1", "--reason", "data_error", "--note", "x"])
                #expect(open.exitCode != 0 && open.stderr.contains("has not closed yet"), "\(open)")
                let outside = try await self.api(
                    port, prov1, "/api/v1/providers/acme/period-disputes",
                    json: #"{"target": "frt", "period": "\#(month)", "from": "\#(WireJSON.format(monthStart.addingTimeInterval(-3600)))", "reason": "force_majeure", "note": "x"}"#
                )
                #expect(outside.status == 409 && outside.body.contains("excluded window"), "\(outside)")
                let asSupervisor = try await self.api(
                    port, sup1, "/api/v1/providers/acme/period-disputes", json: #"{"target": "frt", "period": "\#(month)", "reason": "force_majeure", "note": "x"}"#
                )
                #expect(asSupervisor.status == 403, "\(asSupervisor)")

                // The whole month disputed (CLI), rejected → nothing changes.
                let whole = try await cli(["dispute", "open", "--provider", "acme", "--target", "frt", "--period", month, "--as", "prov1", "--reason", "data_error", "--note", "the month does not count", "--json"])
                #expect(whole.exitCode == 0, "\(whole)")
                let wholeId = try #require(try self.json(whole)["id"] as? Int)
                let rejected = try await self.api(
                    port, sup1, "/api/v1/providers/acme/period-disputes/\(wholeId)/decision", json: #"{"decision": "rejected", "note": "it counts"}"#
                )
                #expect(rejected.status == 200 && rejected.body.contains(#""state":"rejected""#), "\(rejected)")
                let afterRejection = try await statement()
                #expect(frt(afterRejection)["actual"] as? Double == 0.8 && afterRejection["owedAmount"] as? Double == 500, "\(afterRejection)")
                #expect((afterRejection["steps"] as? [Any])?.isEmpty == true, "\(afterRejection)")

                // 10:20–11:00 of the second day excluded (the console's API), accepted → 8 / 8 = 100 %: met, 0.00 EUR.
                let from = WireJSON.format(base.addingTimeInterval(8400))
                let to = WireJSON.format(base.addingTimeInterval(10_800))
                let windowed = try await self.api(
                    port, prov1, "/api/v1/providers/acme/period-disputes",
                    json: #"{"target": "frt", "period": "\#(month)", "from": "\#(from)", "to": "\#(to)", "reason": "force_majeure", "note": "power cut at the site"}"#
                )
                #expect(windowed.status == 201 && windowed.body.contains(#""kind":"period""#), "\(windowed)")
                let windowedId = try #require((try JSONSerialization.jsonObject(with: Data(windowed.body.utf8)) as? [String: Any])?["id"] as? Int)
                let accepted = try await self.api(
                    port, sup1, "/api/v1/providers/acme/period-disputes/\(windowedId)/decision", json: #"{"decision": "accepted", "note": "outage confirmed"}"#
                )
                #expect(accepted.status == 200, "\(accepted)")
                let afterAcceptance = try await statement()
                #expect(frt(afterAcceptance)["actual"] as? Double == 1 && frt(afterAcceptance)["state"] as? String == "met", "\(afterAcceptance)")
                #expect(afterAcceptance["owedAmount"] as? Double == 0 && afterAcceptance["measuredOwedAmount"] as? Double == 500, "\(afterAcceptance)")
                let step = try #require((afterAcceptance["steps"] as? [[String: Any]])?.first, "\(afterAcceptance)")
                #expect(step["dispute"] as? Int == windowedId && step["owedAmountBefore"] as? Double == 500 && step["owedAmountAfter"] as? Double == 0)
                let change = try #require((step["changes"] as? [[String: Any]])?.first)
                #expect(change["actualBefore"] as? Double == 0.8 && change["actualAfter"] as? Double == 1, "\(change)")
                let rates = (afterAcceptance["overturnRates"] as? [[String: Any]]) ?? []
                #expect(rates.map { $0["reason"] as? String } == ["data_error", "force_majeure", "all"], "\(afterAcceptance)")
                #expect(rates.map { $0["rate"] as? Double } == [0, 1, 0.5], "\(afterAcceptance)")
                let again = try await cli(["dispute", "open", "--provider", "acme", "--target", "frt", "--period", month, "--as", "prov1", "--reason", "data_error", "--note", "x"])
                #expect(again.exitCode != 0 && again.stderr.contains("did not miss its target"), "\(again)")

                // The credits page shows measured and after-dispute figures; its disputes table exports as CSV.
                let page = try await self.api(port, sup1, "/providers/acme/credits?month=\(month)")
                #expect(page.status == 200 && page.body.contains("500.00 EUR") && page.body.contains("0.00 EUR") && page.body.contains("#\(windowedId)"), "\(page.body.prefix(400))")
                let csv = try await self.api(port, sup1, "/providers/acme/credits?month=\(month)&format=csv&table=disputes")
                #expect(csv.status == 200 && csv.body.contains("frt \(month)") && csv.body.contains("power cut at the site"), "\(csv)")

                // sla disputes lists both, with the accepted one's effect.
                let text = try await cli(["disputes", "--provider", "acme", "--month", month])
                #expect(text.stdout.contains("frt \(month)") && text.stdout.contains("owed 500.00 EUR → 0.00 EUR") && text.stdout.contains("80.0 % → 100.0 %"), "\(text)")

                // The bundle carries the disputed statement; the verifier recomputes it from the batches and the disputes.
                let bundle = harness.directory.child("bundle")
                let exported = try await coordinator.cli(["evidence", "export", "--provider", "acme", "--month", month, "--to", bundle.path, "--contracts", contracts.path])
                #expect(exported.exitCode == 0, "\(exported)")
                let verified = try await runCommand(try Binaries.verify(), [bundle.path])
                #expect(verified.exitCode == 0 && verified.stdout.contains("no differences"), "\(verified)")
                let disputed = try #require(
                    try JSONSerialization.jsonObject(with: Data(contentsOf: bundle.appendingPathComponent("disputed-credits.json"))) as? [String: Any]
                )
                #expect(disputed["owedAmount"] as? Double == 0, "\(disputed)")

                // An edited disputed statement is named; so is a dispute whose effective state was edited.
                let edited = harness.directory.child("edited")
                try FileManager.default.copyItem(at: bundle, to: edited)
                var tampered = disputed
                tampered["owedAmount"] = 250.0
                try JSONSerialization.data(withJSONObject: tampered, options: [.sortedKeys]).write(to: edited.appendingPathComponent("disputed-credits.json"))
                let caught = try await runCommand(try Binaries.verify(), [edited.path])
                #expect(caught.exitCode != 0 && caught.stdout.contains("disputed-credits.json owedAmount"), "\(caught)")
                let flipped = harness.directory.child("flipped")
                try FileManager.default.copyItem(at: bundle, to: flipped)
                var disputes = try #require(
                    try JSONSerialization.jsonObject(with: Data(contentsOf: bundle.appendingPathComponent("breach-disputes.json"))) as? [[String: Any]]
                )
                let index = try #require(disputes.firstIndex { $0["id"] as? Int == windowedId })
                disputes[index]["state"] = "open"
                disputes[index]["decidedBy"] = nil
                disputes[index]["decidedAt"] = nil
                try JSONSerialization.data(withJSONObject: disputes, options: [.sortedKeys]).write(to: flipped.appendingPathComponent("breach-disputes.json"))
                let reopened = try await runCommand(try Binaries.verify(), [flipped.path])
                #expect(reopened.exitCode != 0 && reopened.stdout.contains("breach-disputes.json #\(windowedId)"), "\(reopened)")
                #expect(reopened.stdout.contains("disputed-credits.json owedAmount"), "\(reopened)")
            }
        }
    }
}
