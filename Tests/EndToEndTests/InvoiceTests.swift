//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Invoice reconciliation end to end: a real agent syncs a closed month of tickets and interval reports, head office
// imports the provider's invoice with one over-billed line; exactly one alert names that line, the other lines
// reconcile within tolerance, the exported bundle verifies clean, and an edited reconciliation figure is caught.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightModel
import OversightStore
import OversightTesting
import Testing

extension EndToEnd {
    @Suite struct InvoiceTests {
        /// 24/7 UTC; first-reply attainment ≥ 90 % a month, a miss costs 3 % of 10,000 EUR; invoice tolerances.
        static let contract = """
            provider: acme
            versions:
              - effective_from: 2020-01-01
                calendar: {time_zone: UTC, hours: 24/7}
                targets: {first_reply: 1h, resolution: 8h}
                aggregates:
                  - {id: first-reply-attainment, figure: ticket_attainment, ticket_target: first_reply, period: month, target: 90%}
                credits:
                  monthly_fee: 10000
                  currency: EUR
                  monthly_cap: 10%
                  per_miss: [{target: first-reply-attainment, share: 3%}]
                invoicing:
                  tolerance:
                    contacts: {percent: 2%, absolute: 2}
                    handle_minutes: {percent: 2%}
                    staffed_hours: {absolute: 0.5}
            """

        /// The invoice of the hand computation in OversightSLATests/InvoiceTests: L2 bills 33 email contacts for 30 tickets.
        static func invoice(month: String) -> String {
            let lines = [
                "L1,contacts,phone,,,360,0.80,288.00", "L2,contacts,email,,,33,1.50,49.50", "L3,handle_minutes,,,,1836,0.45,826.20",
                "L4,staffed_hours,,lisbon,,6.5,20,130.00", "L5,productive_hours,,,,5,22,110.00",
            ]
            return (["invoice,provider,month,currency,line,kind,channel,site,queue,quantity,unit_price,amount"]
                + lines.map { "INV-7,acme,\(month),EUR,\($0)" }).joined(separator: "\n") + "\n"
        }

        func json(_ result: CommandResult) throws -> [String: Any] {
            try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result)")
        }

        /// A coordinator with `contract`, an agent of acme/lisbon, and the previous month's data stored: 30 email tickets
        /// of the month's second day (a third replied late, a third never: first-reply attainment 10 / 30 misses 90 %, so
        /// 300 EUR of credits are owed), and four phone intervals of the billing queue: 4 × 90 handled = 360 contacts,
        /// 4 × 27,000 s = 1,800 handle minutes, 4 × 6 agents × 15 min = 6 staffed hours.
        static func startMonth(
            _ harness: Harness, contract: String, consolePort: Int = 0
        ) async throws -> (CoordinatorProcess, AgentProcess, SQLiteStore, Date, String) {
            let contracts = harness.directory.child("contracts")
            try FileManager.default.createDirectory(at: contracts, withIntermediateDirectories: true)
            try contract.write(to: contracts.appendingPathComponent("acme.contract.yaml"), atomically: true, encoding: .utf8)
            let coordinator = try await harness.startCoordinator(configYAML: "contracts: \(contracts.path)\n", consolePort: consolePort)
            var options = AgentOptions()
            options.ticketMapping = EvidenceTests.mapping
            let agent = try await harness.startAgent(name: "a", coordinator: coordinator, provider: "acme", site: "lisbon", options: options)
            let store = try coordinator.openStore()
            let (monthStart, month) = EvidenceTests.previousMonth()
            let base = monthStart.addingTimeInterval(86_400 + 8 * 3600)
            try agent.drop("tickets-1.csv", EvidenceTests.tickets((0..<30).map { EvidenceTests.ticket($0, base: base) }))
            var lines = [IntervalTests.header]
            for slot in 0..<4 {
                let start = monthStart.addingTimeInterval(86_400 + Double(slot) * 900)
                lines.append("\(WireJSON.format(start)),15,billing,100,90,50,20,10,0,1800,27000,6,9,0.5000")
            }
            try agent.dropIntervals("intervals-1.csv", lines.joined(separator: "\n") + "\n")
            try await eventually("tickets and interval reports stored") {
                let tickets = try await store.ticketCount()
                let intervals = try await store.intervalCounts()["acme"]
                return tickets == 30 && intervals == 4
            }
            return (coordinator, agent, store, monthStart, month)
        }

        @Test(.timeLimit(.minutes(5)))
        func anOverBilledLineRaisesOneAlertAndTheBundleVerifies() async throws {
            try await withHarness("invoices") { harness in
                let (coordinator, _, store, _, month) = try await Self.startMonth(harness, contract: Self.contract)
                let contracts = harness.directory.child("contracts")
                try await coordinator.addConsoleUser("sup1", role: "supervisor", password: "a-long-enough-password")
                try await coordinator.addConsoleUser("view1", role: "viewer", password: "a-long-enough-password")

                let file = harness.directory.child("invoice.csv")
                try Self.invoice(month: month).write(to: file, atomically: true, encoding: .utf8)
                func importInvoice(_ path: URL, as user: String = "sup1") async throws -> CommandResult {
                    try await coordinator.cli(["invoices", "import", "--provider", "acme", "--month", month, "--as", user, path.path, "--contracts", contracts.path])
                }

                // Refusals first: nothing is stored, nothing alerted.
                let viewer = try await importInvoice(file, as: "view1")
                #expect(viewer.exitCode != 0 && viewer.stderr.contains("a viewer cannot upload invoices"), "\(viewer)")
                let broken = harness.directory.child("broken.csv")
                try Self.invoice(month: month).replacingOccurrences(of: "33,1.50,49.50", with: "33,1.50,49.00").write(
                    to: broken, atomically: true, encoding: .utf8
                )
                let badLine = try await importInvoice(broken)
                #expect(badLine.exitCode != 0 && badLine.stderr.contains("broken.csv:3 (amount): amount 49.00 is not quantity × unit_price"), "\(badLine)")
                #expect(try await store.latestInvoice(provider: "acme", month: month) == nil)

                // The import: stored as version 1, one line beyond tolerance, one alert.
                let imported = try await importInvoice(file)
                #expect(imported.exitCode == 0, "\(imported)")
                #expect(imported.stdout.contains("as version 1") && imported.stdout.contains("Alerts raised: 1"), "\(imported)")
                #expect(imported.stdout.contains("L2: measured from tickets created in the month; 0 interval reports, 30 tickets"), "\(imported)")

                // Reconciling again raises nothing new: one alert per invoice version and line.
                let reconciled = try await coordinator.cli(["invoices", "reconcile", "--provider", "acme", "--month", month, "--json", "--contracts", contracts.path])
                #expect(reconciled.exitCode == 0, "\(reconciled)")
                let result = try self.json(reconciled)
                let resultLines = try #require(result["lines"] as? [[String: Any]])
                let states = Dictionary(uniqueKeysWithValues: resultLines.map { ($0["id"] as? String ?? "", $0["state"] as? String ?? "") })
                #expect(states == ["L1": "within", "L2": "beyond", "L3": "within", "L4": "within", "L5": "not measured"], "\(result)")
                let l2 = try #require(resultLines.first { $0["id"] as? String == "L2" })
                #expect(l2["measured"] as? String == "30" && l2["difference"] as? String == "3" && l2["allowed"] as? String == "2", "\(l2)")
                let l3 = try #require(resultLines.first { $0["id"] as? String == "L3" })
                #expect(l3["measured"] as? String == "1800" && l3["allowed"] as? String == "36", "\(l3)")
                #expect(result["invoiceTotal"] as? String == "1403.7" && result["creditsOwed"] as? String == "300" && result["net"] as? String == "1103.7", "\(result)")

                let alerts = try await coordinator.cli(["alerts", "list", "--json"])
                let listed = try #require(try JSONSerialization.jsonObject(with: Data(alerts.stdout.utf8)) as? [[String: Any]], "\(alerts)")
                let invoiceAlerts = listed.filter { $0["kind"] as? String == "invoice_line_beyond_tolerance" }
                #expect(invoiceAlerts.count == 1, "\(alerts)")
                let summary = invoiceAlerts.first?["summary"] as? String ?? ""
                #expect(summary.contains("line L2 (contacts, channel email) bills 33 contacts, the agents measured 30"), "\(summary)")
                #expect((invoiceAlerts.first?["labels"] as? [String: String])?["detail"] == "invoice INV-7 v1 line L2", "\(invoiceAlerts)")

                // The bundle carries the invoice and the reconciliation, and verifies clean.
                let bundle = harness.directory.child("bundle")
                let exported = try await coordinator.cli(["evidence", "export", "--provider", "acme", "--month", month, "--to", bundle.path, "--contracts", contracts.path])
                #expect(exported.exitCode == 0 && exported.stdout.contains("5 reconciled invoice lines"), "\(exported)")
                #expect(FileManager.default.fileExists(atPath: bundle.appendingPathComponent("invoice/original.csv").path))
                let clean = try await runCommand(try Binaries.verify(), [bundle.path])
                #expect(clean.exitCode == 0 && clean.stdout.contains("no differences") && clean.stdout.contains("5 reconciled invoice lines"), "\(clean)")

                // An edited reconciliation figure is caught and named.
                let edited = harness.directory.child("edited")
                try FileManager.default.copyItem(at: bundle, to: edited)
                let reconciliationURL = edited.appendingPathComponent("reconciliation.json")
                var document = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: reconciliationURL)) as? [String: Any])
                var documentLines = try #require(document["lines"] as? [[String: Any]])
                let index = try #require(documentLines.firstIndex { $0["id"] as? String == "L1" })
                documentLines[index]["measured"] = "350"
                document["lines"] = documentLines
                try JSONSerialization.data(withJSONObject: document, options: [.sortedKeys, .prettyPrinted]).write(to: reconciliationURL)
                let caught = try await runCommand(try Binaries.verify(), [edited.path])
                #expect(caught.exitCode != 0, "\(caught)")
                #expect(
                    caught.stdout.contains("reconciliation difference: reconciliation.json line L1 (contacts, channel phone): measured: coordinator 350, recomputed 360"),
                    "\(caught)"
                )
                #expect(caught.stdout.contains("manifest: reconciliation.json"), "\(caught)")
            }
        }
    }
}
