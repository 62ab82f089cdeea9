//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Invoices through the console end to end: a real agent syncs a closed month; head office uploads the provider's
// invoice through the JSON API over TLS with a real API token (refusals first: a viewer, provider staff, a file with a
// wrong amount — nothing stored), reads the reconciliation back with the over-billed line and its evidence, and the net
// follows the credits after an accepted dispute of the month's miss (1403.70 − 300.00 = 1103.70 as measured; the whole
// month excluded, 1403.70 − 0.00 after). A second version is uploaded through the page's multipart form with a signed-in
// session and its CSRF token, and the page shows the reconciliation, the evidence and both nets.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightModel
import OversightTesting
import Testing

extension EndToEnd {
    @Suite struct InvoiceConsoleTests {
        /// The invoice suite's contract with a `disputes:` section.
        static let contract = InvoiceTests.contract + """

                disputes:
                  reasons: [client_caused_delay, force_majeure, wrong_clock_holder, data_error]
                  decide_within_business_days: 10
                  default_decision: rejected
            """

        func object(_ body: String) throws -> [String: Any] {
            try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any], "\(body)")
        }

        /// The JSON envelope of an upload.
        func envelope(_ file: String, name: String = "invoice.csv") throws -> String {
            String(decoding: try JSONSerialization.data(withJSONObject: ["file": file, "name": name]), as: UTF8.self)
        }

        /// curl against the console with a cookie jar: the status and body.
        func curl(_ jar: URL, _ arguments: [String]) async throws -> (status: Int, body: String) {
            let result = try await runCommand(
                "/usr/bin/env", ["curl", "-sk", "--max-time", "20", "-b", jar.path, "-c", jar.path, "-w", "\n%{http_code}"] + arguments
            )
            let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
            return (Int(lines.last ?? "") ?? 0, lines.dropLast().joined(separator: "\n"))
        }

        /// The value of the first hidden `csrf` field of `html`.
        func csrf(_ html: String) throws -> String {
            let marker = "name=\"csrf\" value=\""
            let start = try #require(html.range(of: marker), "no csrf field in \(html.prefix(400))")
            return String(html[start.upperBound...].prefix { $0 != "\"" })
        }

        @Test(.timeLimit(.minutes(5)))
        func anUploadThroughTheConsoleIsReconciledAndTheNetFollowsTheAcceptedDispute() async throws {
            try await withHarness("invoice-console") { harness in
                // InvoiceTests' month: 300 EUR of first-reply credits owed; 360 phone contacts, 1,800 handle minutes, 6 staffed hours.
                let (coordinator, _, store, _, month) = try await InvoiceTests.startMonth(
                    harness, contract: Self.contract, consolePort: try freeLoopbackPort()
                )
                var tokens: [String: String] = [:]
                for (user, role) in [("sup1", "supervisor"), ("prov1", "provider"), ("view1", "viewer")] {
                    let added = try await runCommand(
                        try Binaries.coordinator(),
                        ["users", "add", user, "--role", role, "--data", coordinator.dataDirectory.path] + (role == "provider" ? ["--provider", "acme"] : []),
                        input: Data("a-long-enough-password\n".utf8)
                    )
                    #expect(added.exitCode == 0, "\(added)")
                    let issued = try await runCommand(try Binaries.coordinator(), ["users", "token", user, "--data", coordinator.dataDirectory.path])
                    try #require(issued.exitCode == 0, "\(issued)")
                    tokens[user] = issued.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
                }
                let port = coordinator.consolePort
                let (sup1, prov1, view1) = (tokens["sup1"] ?? "", tokens["prov1"] ?? "", tokens["view1"] ?? "")
                let invoice = InvoiceTests.invoice(month: month)

                // Nothing stored yet; an unknown provider is 404 before anything else.
                let empty = try await consoleAPI(port, sup1, "/api/v1/providers/acme/invoices/\(month)")
                #expect(empty.status == 200, "\(empty)")
                #expect((try self.object(empty.body)["invoices"] as? [Any])?.isEmpty == true && !empty.body.contains("reconciliation"), "\(empty)")
                #expect(try await consoleAPI(port, sup1, "/api/v1/providers/nobody/invoices/\(month)").status == 404)
                #expect(try await consoleAPI(port, sup1, "/api/v1/providers/nobody/invoices", json: try self.envelope(invoice)).status == 404)

                // Refusals: a viewer, provider staff, a wrong amount (named by line and field) — nothing is stored.
                let viewer = try await consoleAPI(port, view1, "/api/v1/providers/acme/invoices", json: try self.envelope(invoice))
                #expect(viewer.status == 403, "\(viewer)")
                let provider = try await consoleAPI(port, prov1, "/api/v1/providers/acme/invoices", json: try self.envelope(invoice))
                #expect(provider.status == 403, "\(provider)")
                let broken = try await consoleAPI(
                    port, sup1, "/api/v1/providers/acme/invoices",
                    json: try self.envelope(invoice.replacingOccurrences(of: "33,1.50,49.50", with: "33,1.50,49.00"), name: "broken.csv")
                )
                #expect(broken.status == 400 && broken.body.contains("broken.csv:3 (amount): amount 49.00 is not quantity × unit_price"), "\(broken)")
                let quoted = try await consoleAPI(
                    port, sup1, "/api/v1/providers/acme/invoices",
                    json: try self.envelope(invoice.replacingOccurrences(of: ",360,0.80,288.00", with: ",\"1,360\",0.80,288.00"), name: "quoted.csv")
                )
                // The CSV reader refuses a quoted field (docs/invoices.md).
                #expect(quoted.status == 400 && quoted.body.contains("quoted.csv:2: a quote inside an unquoted field"), "\(quoted)")
                #expect(try await store.latestInvoice(provider: "acme", month: month) == nil)

                // The upload: version 1, L2 beyond tolerance with its evidence (30 tickets, no interval report in scope).
                let uploaded = try await consoleAPI(port, sup1, "/api/v1/providers/acme/invoices", json: try self.envelope(invoice))
                #expect(uploaded.status == 201, "\(uploaded)")
                let document = try self.object(uploaded.body)
                let versions = try #require(document["invoices"] as? [[String: Any]])
                #expect(versions.count == 1 && versions.first?["uploadedBy"] as? String == "sup1" && versions.first?["version"] as? Int == 1, "\(versions)")
                let reconciliation = try #require(document["reconciliation"] as? [String: Any], "\(document)")
                let lines = try #require(reconciliation["lines"] as? [[String: Any]])
                let states = Dictionary(uniqueKeysWithValues: lines.map { ($0["id"] as? String ?? "", $0["state"] as? String ?? "") })
                #expect(states == ["L1": "within", "L2": "beyond", "L3": "within", "L4": "within", "L5": "not measured"], "\(reconciliation)")
                #expect(reconciliation["beyond"] as? Int == 1)
                let l2 = try #require(lines.first { $0["id"] as? String == "L2" })
                #expect(l2["billed"] as? String == "33" && l2["measured"] as? String == "30" && l2["difference"] as? String == "3" && l2["allowed"] as? String == "2")
                #expect(l2["tolerance"] as? String == "2% or 2 contacts" && l2["differenceAmount"] as? String == "4.5", "\(l2)")
                let evidence = try #require(l2["evidence"] as? [String: Any], "\(l2)")
                #expect(evidence["tickets"] as? Int == 30 && (evidence["ticketIds"] as? [String])?.count == 30 && evidence["intervals"] as? Int == 0, "\(evidence)")
                #expect((evidence["ticketIds"] as? [String])?.first == "EV-0", "\(evidence)")
                #expect(lines.first { $0["id"] as? String == "L1" }?["evidence"] == nil)
                // As measured, no dispute yet: 1,403.70 − 300.00 = 1,103.70.
                let net = try #require(document["net"] as? [String: Any], "\(document)")
                #expect(net["invoiceTotal"] as? String == "1403.7" && net["creditsOwed"] as? String == "300" && net["measuredCreditsOwed"] as? String == "300")
                #expect(net["net"] as? String == "1103.7" && net["measuredNet"] as? String == "1103.7" && net["acceptedDisputes"] as? Int == 0, "\(net)")

                // One alert names the over-billed line.
                let alerts = try await coordinator.cli(["alerts", "list", "--json"])
                let listed = try #require(try JSONSerialization.jsonObject(with: Data(alerts.stdout.utf8)) as? [[String: Any]], "\(alerts)")
                let invoiceAlerts = listed.filter { $0["kind"] as? String == "invoice_line_beyond_tolerance" }
                #expect(invoiceAlerts.count == 1 && (invoiceAlerts.first?["labels"] as? [String: String])?["detail"] == "invoice INV-7 v1 line L2", "\(alerts)")

                // Provider staff dispute the month's miss (the whole month), head office accepts: the period has no data and
                // owes nothing, so the net is the invoice total: 1,403.70 − 0.00.
                let opened = try await consoleAPI(
                    port, prov1, "/api/v1/providers/acme/period-disputes",
                    json: #"{"target": "first-reply-attainment", "period": "\#(month)", "reason": "data_error", "note": "the ticket export was wrong"}"#
                )
                #expect(opened.status == 201, "\(opened)")
                let disputeId = try #require(try self.object(opened.body)["id"] as? Int)
                let accepted = try await consoleAPI(
                    port, sup1, "/api/v1/providers/acme/period-disputes/\(disputeId)/decision", json: #"{"decision": "accepted", "note": "agreed"}"#
                )
                #expect(accepted.status == 200, "\(accepted)")
                let after = try self.object(try await consoleAPI(port, sup1, "/api/v1/providers/acme/invoices/\(month)").body)
                let netAfter = try #require(after["net"] as? [String: Any], "\(after)")
                #expect(netAfter["creditsOwed"] as? String == "0" && netAfter["net"] as? String == "1403.7", "\(netAfter)")
                #expect(netAfter["measuredCreditsOwed"] as? String == "300" && netAfter["measuredNet"] as? String == "1103.7" && netAfter["acceptedDisputes"] as? Int == 1)
                // The credit statement's API carries the same net.
                let credits = try await consoleAPI(port, sup1, "/api/v1/providers/acme/credits/\(month)")
                let statement = try self.object(credits.body)
                #expect(statement["owedAmount"] as? Double == 0 && statement["measuredOwedAmount"] as? Double == 300, "\(statement)")
                let statementNet = try #require(statement["invoice"] as? [String: Any], "\(statement)")
                #expect(statementNet["net"] as? String == "1403.7" && statementNet["measuredNet"] as? String == "1103.7" && statementNet["invoiceVersion"] as? Int == 1)

                // The page, signed in with a session: a second version through the multipart form (with the session's
                // CSRF token; without it, refused), then the reconciliation, the evidence and both nets on the page.
                let jar = harness.directory.child("cookies.txt")
                let site = "https://127.0.0.1:\(port)"
                let login = try await self.curl(jar, ["\(site)/login"])
                let signedIn = try await self.curl(
                    jar, ["--data-urlencode", "csrf=\(try self.csrf(login.body))", "--data-urlencode", "username=sup1", "--data-urlencode", "password=a-long-enough-password", "\(site)/login"]
                )
                #expect(signedIn.status == 303, "\(signedIn)")
                let page = try await self.curl(jar, ["\(site)/providers/acme/invoices?month=\(month)"])
                #expect(page.status == 200 && page.body.contains("enctype=\"multipart/form-data\""), "\(page.status)")
                let file = harness.directory.child("invoice-v2.csv")
                try invoice.replacingOccurrences(of: "INV-7", with: "INV-7B").write(to: file, atomically: true, encoding: .utf8)
                let forged = try await self.curl(jar, ["-F", "csrf=wrong", "-F", "month=\(month)", "-F", "file=@\(file.path);type=text/csv", "\(site)/providers/acme/invoices"])
                #expect(forged.status == 403, "\(forged.status)")
                let refused = try await self.curl(
                    jar, ["-F", "csrf=\(try self.csrf(page.body))", "-F", "month=\(month)", "-F", "text=invoice,provider\n1,2", "\(site)/providers/acme/invoices"]
                )
                #expect(refused.status == 400 && refused.body.contains("invoice:1: the header must be exactly"), "\(refused.body.prefix(3000))")
                #expect(try await store.invoices(provider: "acme", month: month).count == 1)
                let posted = try await self.curl(
                    jar, ["-F", "csrf=\(try self.csrf(page.body))", "-F", "month=\(month)", "-F", "file=@\(file.path);type=text/csv", "\(site)/providers/acme/invoices"]
                )
                #expect(posted.status == 303, "\(posted)")
                #expect(try await store.latestInvoice(provider: "acme", month: month)?.version == 2)
                let shown = try await self.curl(jar, ["\(site)/providers/acme/invoices?month=\(month)"])
                #expect(shown.status == 200)
                #expect(shown.body.contains("Invoice INV-7B, version 2") && shown.body.contains("beyond tolerance"), "\(shown.body.prefix(3000))")
                #expect(shown.body.contains("id=\"evidence-L2\"") && shown.body.contains("href=\"/tickets/acme/EV-0\""), "\(shown.body.prefix(3000))")
                #expect(shown.body.contains("= net 1403.70 EUR") && shown.body.contains("net 1103.70 EUR"), "\(shown.body.prefix(3000))")
                #expect(shown.body.contains("sup1") && shown.body.contains("INV-7B"))
                // The alert's link leads to the page; the credit page shows the net and links to it.
                let redirect = try await self.curl(jar, ["\(site)/providers/acme/invoices/\(month)"])
                #expect(redirect.status == 303)
                let creditPage = try await self.curl(jar, ["\(site)/providers/acme/credits?month=\(month)"])
                #expect(creditPage.body.contains("= net 1403.70 EUR") && creditPage.body.contains("/providers/acme/invoices?month=\(month)"), "\(creditPage.body.prefix(3000))")
                // The reconciliation table exports as CSV like every console table.
                let csv = try await self.curl(jar, ["\(site)/providers/acme/invoices?month=\(month)&format=csv&table=reconciliation"])
                #expect(csv.status == 200 && csv.body.contains("L2,") && csv.body.contains("beyond tolerance"), "\(csv)")
            }
        }
    }
}
