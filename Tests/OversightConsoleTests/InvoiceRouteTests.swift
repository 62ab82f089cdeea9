//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The invoice page and its API in the console: who may upload (head office only; an unknown provider is 404 before
// anything else), the multipart form with its CSRF token, refusals shown with the file's line and nothing handed on,
// and the reconciliation, evidence and net rendered from the coordinator's document. The hooks here store through the
// real store and reconcile with the real `InvoiceReconciliation.reconcile` against fixed measurements; the coordinator's
// own hooks (invoice desk, disputed credit statement) run in EndToEnd.InvoiceConsoleTests.
//
//===----------------------------------------------------------------------===//

import Foundation
import Hummingbird
import HummingbirdTesting
import OversightSLA
import OversightStore
import Synchronization
import Testing

@testable import OversightConsole

@Suite(.timeLimit(.minutes(1))) struct InvoiceRouteTests {
    static let month = "2026-10"

    static func invoice(number: String = "INV-1", emailContacts: Int = 33) -> String {
        """
        invoice,provider,month,currency,line,kind,channel,site,queue,quantity,unit_price,amount
        \(number),acme,2026-10,EUR,L1,contacts,phone,,,360,0.80,288.00
        \(number),acme,2026-10,EUR,L2,contacts,email,,,\(emailContacts),1.50,\(String(format: "%.2f", Double(emailContacts) * 1.5))

        """
    }

    /// 30 email tickets and one phone interval report of 360 handled contacts in October 2026 (UTC).
    static var measurements: InvoiceMeasurements {
        let start = Date(timeIntervalSince1970: 1_790_000_000)
        return InvoiceMeasurements(
            tickets: (0..<30).map { .init(id: "T\($0)", site: "paris", queue: "billing", channel: "email", createdAt: start + Double($0)) },
            intervals: [.init(site: "paris", queue: "billing", channel: "phone", start: start, minutes: 15, handled: 360, handleSeconds: 0, agentsStaffed: nil)]
        )
    }

    /// The fixture's console with acme's contract and invoice hooks over the fixture's store: `calls` counts the uploads
    /// handed to the hooks.
    func application(_ fixture: ConsoleFixture, calls: UploadCounter) throws -> some ApplicationProtocol {
        var configuration = ConsoleConfiguration(port: 0)
        configuration.now = { [now = fixture.now] in now + 60 }
        configuration.contracts = ["acme": ConsoleContract(provider: "acme", effectiveFrom: "2026-01-01")]
        let store = fixture.store
        @Sendable func document(_ provider: String, _ month: String) async throws -> InvoiceMonthDocument {
            let stored = try await store.invoices(provider: provider, month: month)
            guard let latest = stored.last else { return InvoiceMonthDocument(provider: provider, month: month, invoices: [], reconciliation: nil, net: nil) }
            let invoice = try Invoice.parse(Data(latest.invoice.original.utf8), file: "stored")
            let start = Date(timeIntervalSince1970: 1_790_000_000 - 86_400)
            let reconciliation = InvoiceReconciliation.reconcile(
                invoice: invoice, version: latest.version, terms: InvoiceTerms(tolerances: [.contacts: .init(absolute: ExactDecimal(2))]),
                measurements: Self.measurements, monthStart: start, monthEnd: start + 31 * 86_400, creditsOwed: nil, creditsCurrency: nil
            )
            return InvoiceMonthDocument(
                provider: provider, month: month,
                invoices: stored.map {
                    .init(
                        version: $0.version, number: $0.invoice.number, currency: $0.invoice.currency, format: $0.invoice.format, total: $0.invoice.total,
                        lines: $0.invoice.lines.count, uploadedBy: $0.invoice.uploadedBy, uploadedAt: $0.invoice.uploadedAt
                    )
                },
                reconciliation: .init(reconciliation),
                net: InvoiceNet(
                    invoiceNumber: invoice.number, invoiceVersion: latest.version, currency: "EUR", invoiceTotal: invoice.total,
                    measuredCreditsOwed: ExactDecimal(300), creditsOwed: ExactDecimal(100), creditsCurrency: "EUR", acceptedDisputes: 1
                )
            )
        }
        configuration.invoices = ConsoleInvoices(
            month: { provider, month in try await document(provider, month) },
            upload: { provider, month, data, name, user in
                calls.add()
                let invoice: Invoice
                do {
                    invoice = try Invoice.parse(data, file: name)
                } catch {
                    throw ConsoleInvoiceRefusal("\(error)")
                }
                guard invoice.month == month else { throw ConsoleInvoiceRefusal("\(name): the invoice is for \(invoice.month), not \(month)") }
                _ = try await store.addInvoice(
                    NewInvoice(
                        provider: provider, month: month, number: invoice.number, currency: invoice.currency, format: "csv",
                        original: String(decoding: data, as: UTF8.self), total: invoice.total.money,
                        lines: invoice.lines.map {
                            StoredInvoiceLine(
                                lineId: $0.id, kind: $0.kind.rawValue, channel: $0.channel, site: nil, queue: nil, quantity: $0.quantity.text(),
                                unitPrice: $0.unitPrice.text(), amount: $0.amount.money
                            )
                        },
                        uploadedBy: user, uploadedAt: fixture.now
                    )
                )
                return try await document(provider, month)
            }
        )
        return try buildApplication(configuration: configuration, store: fixture.store, alerts: fixture.alerts, users: fixture.users, logger: .init(label: "t"))
    }

    /// Counts the uploads the console handed on.
    final class UploadCounter: Sendable {
        let count = Mutex(0)
        func add() { self.count.withLock { $0 += 1 } }
        var value: Int { self.count.withLock { $0 } }
    }

    func envelope(_ file: String, name: String = "invoice.csv") throws -> ByteBuffer {
        ByteBuffer(bytes: [UInt8](try JSONSerialization.data(withJSONObject: ["file": file, "name": name])))
    }

    func json(_ response: TestResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any], "\(String(buffer: response.body))")
    }

    /// A multipart/form-data body of `fields` and an optional file part.
    static func multipart(_ fields: [(String, String)], file: (name: String, content: String)? = nil) -> (HTTPFields, ByteBuffer) {
        let boundary = "----oversight-test-boundary"
        var body = ""
        for (name, value) in fields {
            body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n"
        }
        if let file {
            body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(file.name)\"\r\nContent-Type: text/csv\r\n\r\n\(file.content)\r\n"
        }
        body += "--\(boundary)--\r\n"
        return ([.contentType: "multipart/form-data; boundary=\(boundary)"], ByteBuffer(string: body))
    }

    @Test func theAPIUploadsForHeadOfficeOnlyAndAnUnknownProviderIsNotFoundFirst() async throws {
        let fixture = try await ConsoleFixture()
        let calls = UploadCounter()
        try await self.application(fixture, calls: calls).test(.router) { client in
            let path = "/api/v1/providers/acme/invoices"
            // Unknown (or unseen) provider: 404 before the role or the body is looked at.
            for (user, provider) in [("admin", "nobody"), ("view", "nobody"), ("acmestaff", "globex"), ("sup", "globex")] {
                let post = try await client.execute(uri: "/api/v1/providers/\(provider)/invoices", method: .post, headers: bearer(fixture.tokens[user]), body: ByteBuffer(string: "x"))
                #expect(post.status == .notFound, "\(user) \(provider)")
                let get = try await client.execute(uri: "/api/v1/providers/\(provider)/invoices/\(Self.month)", method: .get, headers: bearer(fixture.tokens[user]))
                #expect(get.status == .notFound, "\(user) \(provider)")
            }
            // Viewers, auditors and provider staff may read but not upload.
            for user in ["view", "audit", "acmestaff"] {
                let refused = try await client.execute(uri: path, method: .post, headers: bearer(fixture.tokens[user]), body: try self.envelope(Self.invoice()))
                #expect(refused.status == .forbidden, "\(user)")
                let read = try await client.execute(uri: "\(path)/\(Self.month)", method: .get, headers: bearer(fixture.tokens[user]))
                #expect(read.status == .ok, "\(user)")
            }
            // A body that is not the envelope, a file that does not parse: 400 naming the line; nothing handed on.
            let notJSON = try await client.execute(uri: path, method: .post, headers: bearer(fixture.tokens["sup"]), body: ByteBuffer(string: "invoice,provider"))
            #expect(notJSON.status == .badRequest)
            let broken = try await client.execute(
                uri: path, method: .post, headers: bearer(fixture.tokens["sup"]),
                body: try self.envelope(Self.invoice().replacingOccurrences(of: "360,0.80,288.00", with: "360,0.80,280.00"), name: "../x/broken.csv")
            )
            #expect(broken.status == .badRequest && String(buffer: broken.body).contains("broken.csv:2 (amount)"), "\(String(buffer: broken.body))")
            #expect(calls.value == 0)
            #expect(try await fixture.store.invoices(provider: "acme", month: Self.month).isEmpty)

            // The upload: 201 with the reconciliation (L2 bills 33 for 30 tickets, 2 allowed: beyond, with its tickets).
            let created = try await client.execute(uri: path, method: .post, headers: bearer(fixture.tokens["sup"]), body: try self.envelope(Self.invoice()))
            #expect(created.status == .created)
            let document = try self.json(created)
            #expect((document["invoices"] as? [[String: Any]])?.first?["uploadedBy"] as? String == "sup")
            let lines = try #require((document["reconciliation"] as? [String: Any])?["lines"] as? [[String: Any]])
            #expect(lines.map { $0["state"] as? String } == ["within", "beyond"])
            #expect(((lines[1]["evidence"] as? [String: Any])?["ticketIds"] as? [String])?.count == 30)
            #expect((document["net"] as? [String: Any])?["net"] as? String == "237.5" && (document["net"] as? [String: Any])?["measuredNet"] as? String == "37.5")
            let read = try await client.execute(uri: "\(path)/\(Self.month)", method: .get, headers: bearer(fixture.tokens["view"]))
            #expect(try self.json(read)["reconciliation"] != nil)
        }
    }

    @Test func thePageUploadsThroughItsMultipartFormAndShowsTheReconciliation() async throws {
        let fixture = try await ConsoleFixture()
        let calls = UploadCounter()
        try await self.application(fixture, calls: calls).test(.router) { client in
            var supervisor = Browser()
            _ = try await supervisor.login(client, "sup")
            let empty = try await supervisor.get(client, "/providers/acme/invoices?month=\(Self.month)")
            #expect(empty.status == .ok)
            let html = String(buffer: empty.body)
            #expect(html.contains("No invoice is stored for this month yet.") && html.contains("enctype=\"multipart/form-data\""))
            #expect(try await supervisor.get(client, "/providers/nobody/invoices").status == .notFound)
            #expect(try await supervisor.get(client, "/providers/acme/invoices?month=2026-13").status == .badRequest)

            func upload(_ fields: [(String, String)], file: (name: String, content: String)? = nil) async throws -> TestResponse {
                var (headers, body) = Self.multipart(fields, file: file)
                headers.append(contentsOf: supervisor.cookieHeader)
                return try await client.execute(uri: "/providers/acme/invoices", method: .post, headers: headers, body: body)
            }
            // Without the session's CSRF token, refused; a form that is not multipart, refused.
            #expect(try await upload([("csrf", "forged"), ("month", Self.month)], file: ("invoice.csv", Self.invoice())).status == .forbidden)
            var urlencoded = supervisor.cookieHeader
            urlencoded[.contentType] = "application/x-www-form-urlencoded"
            let plain = try await client.execute(uri: "/providers/acme/invoices", method: .post, headers: urlencoded, body: ByteBuffer(string: "csrf=\(supervisor.csrf)"))
            #expect(plain.status == .badRequest)
            // A refused file: the page again, with the line and what is wrong; nothing stored.
            let refused = try await upload([("csrf", supervisor.csrf), ("month", Self.month), ("text", "invoice,provider\n")])
            #expect(refused.status == .badRequest)
            #expect(String(buffer: refused.body).contains("invoice:1: the header must be exactly"), "\(String(buffer: refused.body))")
            let otherMonth = try await upload([("csrf", supervisor.csrf), ("month", "2026-09")], file: ("oct.csv", Self.invoice()))
            #expect(otherMonth.status == .badRequest && String(buffer: otherMonth.body).contains("oct.csv: the invoice is for 2026-10, not 2026-09"))
            #expect(try await upload([("csrf", supervisor.csrf), ("month", Self.month)]).status == .badRequest)
            #expect(try await fixture.store.invoices(provider: "acme", month: Self.month).isEmpty)
            // The file part wins over the text area; 303 back to the page.
            let stored = try await upload([("csrf", supervisor.csrf), ("month", Self.month), ("text", "")], file: ("acme-oct.csv", Self.invoice()))
            #expect(stored.status == .seeOther && stored.headers[.location] == "/providers/acme/invoices?month=\(Self.month)#reconciliation")
            let page = String(buffer: try await supervisor.get(client, "/providers/acme/invoices?month=\(Self.month)").body)
            #expect(page.contains("Invoice INV-1, version 1") && page.contains("beyond tolerance") && page.contains("within tolerance"))
            #expect(page.contains("id=\"evidence-L2\"") && page.contains("Tickets in scope: 30") && page.contains("href=\"/tickets/acme/T0\""), "\(page)")
            #expect(page.contains("= net 237.50 EUR") && page.contains("credits 300.00 EUR, net 37.50 EUR"), "\(page)")
            #expect(page.contains("<td>sup</td>") || page.contains(">sup<"))

            // Provider staff see the page without the form; their upload is refused.
            var staff = Browser()
            _ = try await staff.login(client, "acmestaff")
            let seen = String(buffer: try await staff.get(client, "/providers/acme/invoices?month=\(Self.month)").body)
            #expect(seen.contains("beyond tolerance") && !seen.contains("enctype=\"multipart/form-data\""))
            var (headers, body) = Self.multipart([("csrf", staff.csrf), ("month", Self.month)], file: ("x.csv", Self.invoice(number: "INV-2")))
            headers.append(contentsOf: staff.cookieHeader)
            #expect(try await client.execute(uri: "/providers/acme/invoices", method: .post, headers: headers, body: body).status == .forbidden)
            // Handed on: the refused text, the other month's file and the stored one (the hook parses them).
            #expect(calls.value == 3)
            // The alert's link redirects to the page.
            let redirect = try await staff.get(client, "/providers/acme/invoices/\(Self.month)")
            #expect(redirect.status == .seeOther && redirect.headers[.location] == "/providers/acme/invoices?month=\(Self.month)")
        }
    }

    @Test func multipartBodiesAreSplitStrictly() throws {
        let (headers, body) = Self.multipart([("csrf", "abc"), ("month", "2026-10")], file: ("a.csv", "x,y\r\n1,2\n"))
        let contentType = headers[.contentType] ?? ""
        let parts: [MultipartForm.Part]? = try #require(MultipartForm.parse(Data(buffer: body), contentType: contentType))
        #expect(parts?.map(\.name) == ["csrf", "month", "file"])
        #expect(parts?.last?.filename == "a.csv" && parts?.last.map { String(decoding: $0.content, as: UTF8.self) } == "x,y\r\n1,2\n")
        #expect(MultipartForm.parse(Data(buffer: body), contentType: "multipart/form-data") == nil, "no boundary")
        #expect(MultipartForm.parse(Data(buffer: body), contentType: "text/plain; boundary=x") == nil)
        let unclosed = String(buffer: body).replacingOccurrences(of: "--\r\n", with: "\r\n")
        #expect(MultipartForm.parse(Data(unclosed.utf8), contentType: contentType) == nil, "no closing delimiter")
        let nameless = "--b\r\nContent-Disposition: form-data\r\n\r\nx\r\n--b--\r\n"
        #expect(MultipartForm.parse(Data(nameless.utf8), contentType: "multipart/form-data; boundary=b") == nil)
        #expect(ConsoleHandlers.invoiceFileName("../../etc/passwd") == "passwd" && ConsoleHandlers.invoiceFileName("\u{1B}[31m") == "[31m")
        #expect(ConsoleHandlers.invoiceFileName(nil) == "invoice")
    }
}
