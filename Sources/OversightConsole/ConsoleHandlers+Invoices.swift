//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// A provider's invoices in the console: the upload form (head office), the stored versions with who uploaded them and
// when, and the latest version reconciled line by line against what the agents measured, with the evidence of each line
// beyond tolerance and the net (invoice total minus the service credits after the accepted disputes). The JSON API
// returns the same document and takes an upload as a JSON envelope (docs/invoices.md, "Console and API").
//
//===----------------------------------------------------------------------===//

import Foundation
import Hummingbird
import OversightLocalization
import OversightSLA
import OversightStore

/// What the invoice page needs from the coordinator: a month's invoices reconciled, and an upload (parse, store the next
/// version, reconcile, alert).
package struct ConsoleInvoices: Sendable {
    /// The stored versions of `provider`'s `month` and the latest one reconciled. Throws ``ConsoleInvoiceRefusal`` for a
    /// month the contract does not cover.
    package var month: @Sendable (_ provider: String, _ month: String) async throws -> InvoiceMonthDocument
    /// Stores `file` as the next version of `provider`'s `month` uploaded by `user` (raising the alerts of its lines beyond
    /// tolerance) and returns the month. Throws ``ConsoleInvoiceRefusal`` (naming file:line or the JSON path) when the file
    /// is refused; nothing is stored then.
    package var upload: @Sendable (_ provider: String, _ month: String, _ file: Data, _ name: String, _ user: String) async throws -> InvoiceMonthDocument

    /// Creates the hooks.
    package init(
        month: @escaping @Sendable (_ provider: String, _ month: String) async throws -> InvoiceMonthDocument,
        upload: @escaping @Sendable (_ provider: String, _ month: String, _ file: Data, _ name: String, _ user: String) async throws -> InvoiceMonthDocument
    ) {
        self.month = month
        self.upload = upload
    }
}

/// The coordinator's refusal of an invoice file or month, in English (the parser's `file:line (field): …`).
package struct ConsoleInvoiceRefusal: Error, Sendable {
    package var message: String
    package init(_ message: String) { self.message = message }
}

/// The net of a month: the latest invoice's total minus the service credits, as measured and after the accepted disputes.
package struct InvoiceNet: Codable, Sendable, Hashable {
    package var invoiceNumber: String
    package var invoiceVersion: Int
    /// The invoice's currency.
    package var currency: String
    package var invoiceTotal: ExactDecimal
    /// The credits owed as measured (from the records alone), rounded to the cent.
    package var measuredCreditsOwed: ExactDecimal?
    /// The credits owed after the accepted breach disputes, rounded to the cent: the ones the net uses.
    package var creditsOwed: ExactDecimal?
    /// The credit statement's currency, if it states one.
    package var creditsCurrency: String?
    /// Invoice total − measured credits.
    package var measuredNet: ExactDecimal?
    /// Invoice total − credits after the accepted disputes.
    package var net: ExactDecimal?
    /// How many accepted disputes changed the statement.
    package var acceptedDisputes: Int
    /// Why there is no net: `no credits` (the contract has no credits or no monthly fee in the month) or `currency`
    /// (the statement's currency is not the invoice's).
    package var noNet: String?

    /// Creates a net.
    package init(
        invoiceNumber: String, invoiceVersion: Int, currency: String, invoiceTotal: ExactDecimal, measuredCreditsOwed: ExactDecimal?,
        creditsOwed: ExactDecimal?, creditsCurrency: String?, acceptedDisputes: Int
    ) {
        self.invoiceNumber = invoiceNumber
        self.invoiceVersion = invoiceVersion
        self.currency = currency
        self.invoiceTotal = invoiceTotal
        self.measuredCreditsOwed = measuredCreditsOwed
        self.creditsOwed = creditsOwed
        self.creditsCurrency = creditsCurrency
        self.acceptedDisputes = acceptedDisputes
        if creditsOwed == nil {
            self.noNet = "no credits"
        } else if let creditsCurrency, creditsCurrency != currency {
            self.noNet = "currency"
        } else {
            self.net = creditsOwed.map { invoiceTotal - $0 }
            self.measuredNet = measuredCreditsOwed.map { invoiceTotal - $0 }
        }
    }
}

/// A provider's invoices of one month and the latest one reconciled (`GET /api/v1/providers/{provider}/invoices/{month}`).
package struct InvoiceMonthDocument: Codable, Sendable, Hashable {
    /// One stored version.
    package struct Version: Codable, Sendable, Hashable {
        package var version: Int
        package var number: String
        package var currency: String
        /// `csv` or `json`.
        package var format: String
        package var total: String
        package var lines: Int
        package var uploadedBy: String
        package var uploadedAt: Date

        package init(version: Int, number: String, currency: String, format: String, total: String, lines: Int, uploadedBy: String, uploadedAt: Date) {
            self.version = version
            self.number = number
            self.currency = currency
            self.format = format
            self.total = total
            self.lines = lines
            self.uploadedBy = uploadedBy
            self.uploadedAt = uploadedAt
        }
    }

    /// The latest version reconciled.
    package struct Reconciliation: Codable, Sendable, Hashable {
        package var invoiceNumber: String
        package var invoiceVersion: Int
        package var currency: String
        package var invoiceTotal: ExactDecimal
        /// Lines beyond tolerance.
        package var beyond: Int
        package var lines: [InvoiceReconciliation.Line]

        /// The reconciliation's lines and totals (its measured-credit net is left out: ``InvoiceNet`` carries both).
        package init(_ reconciliation: InvoiceReconciliation) {
            self.invoiceNumber = reconciliation.invoiceNumber
            self.invoiceVersion = reconciliation.invoiceVersion
            self.currency = reconciliation.currency
            self.invoiceTotal = reconciliation.invoiceTotal
            self.beyond = reconciliation.beyond
            self.lines = reconciliation.lines
        }
    }

    package var provider: String
    package var month: String
    /// Every stored version, oldest first.
    package var invoices: [Version]
    /// The latest version reconciled; absent while none is stored.
    package var reconciliation: Reconciliation?
    /// The month's net; absent while no invoice is stored.
    package var net: InvoiceNet?

    package init(provider: String, month: String, invoices: [Version], reconciliation: Reconciliation?, net: InvoiceNet?) {
        self.provider = provider
        self.month = month
        self.invoices = invoices
        self.reconciliation = reconciliation
        self.net = net
    }
}

/// The body of `POST /api/v1/providers/{provider}/invoices`: the invoice file's text (CSV or JSON as docs/invoices.md
/// documents; JSON when its first character that is not white space is `{`) and an optional file name for errors.
struct InvoiceUploadBody: Decodable {
    var file: String
    var name: String?
}

extension ConsoleRole {
    /// Head office uploads invoices: supervisors and admins.
    package var canUploadInvoices: Bool { self == .supervisor || self == .admin }
}

extension ConsoleHandlers {
    /// Largest upload body: the 1 MiB file, percent- or JSON-escaped, and the form's other fields.
    static let maxInvoiceUploadBytes = 4 * 1024 * 1024

    /// The invoice hooks, or 404 when the coordinator gave none.
    func invoiceHooks() throws -> ConsoleInvoices {
        guard let invoices = self.configuration.invoices else { throw ConsoleError.notFound() }
        return invoices
    }

    /// 404 unless `user` sees `provider` and it has a contract (checked before anything else).
    func checkInvoiceProvider(_ provider: String, for user: ConsoleUser) throws {
        guard user.canSee(provider: provider), self.configuration.contracts[provider] != nil, self.configuration.invoices != nil else {
            throw ConsoleError.notFound("invoices.error_no_provider", ["provider": provider])
        }
    }

    /// The month's document for `user`.
    func invoiceMonth(provider: String, month: String, for user: ConsoleUser) async throws -> InvoiceMonthDocument {
        try self.checkInvoiceProvider(provider, for: user)
        do {
            return try await self.invoiceHooks().month(provider, month)
        } catch let refusal as ConsoleInvoiceRefusal {
            throw ConsoleError.notFound("invoices.error_month_refused", ["detail": refusal.message])
        }
    }

    /// Uploads `file` for `provider`'s `month` (`nil`: the month the file names) as `user`.
    func uploadInvoice(provider: String, month requested: String?, file: Data, name: String, by user: ConsoleUser) async throws -> InvoiceMonthDocument {
        try self.checkInvoiceProvider(provider, for: user)
        guard user.role.canUploadInvoices else { throw ConsoleError.forbidden("invoices.error_upload_role") }
        guard file.count <= Invoice.Limits.maxBytes else {
            throw ConsoleError.badRequest("invoices.error_too_large", ["bytes": String(file.count), "max": String(Invoice.Limits.maxBytes)])
        }
        let month: String
        if let given = requested {
            month = given
        } else {
            do {
                month = try Invoice.parse(file, file: name).month
            } catch {
                throw ConsoleError.badRequest("invoices.error_refused", ["detail": error.description])
            }
        }
        do {
            return try await self.invoiceHooks().upload(provider, month, file, name, user.username)
        } catch let refusal as ConsoleInvoiceRefusal {
            throw ConsoleError.badRequest("invoices.error_refused", ["detail": refusal.message])
        }
    }

    /// A file name from outside, safe for messages: its last path component, printable ASCII, at most 100 characters.
    static func invoiceFileName(_ name: String?) -> String {
        let last = (name ?? "").split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        let safe = String(last.unicodeScalars.filter { $0.isASCII && $0.value >= 0x20 && $0.value < 0x7F }.prefix(100).map(Character.init))
        return safe.trimmingCharacters(in: .whitespaces).isEmpty ? "invoice" : safe
    }

    // MARK: Page

    func invoicePage(provider: String, month: String, request: Request, context: ConsoleRequestContext, error: String? = nil) async throws -> Response {
        let user = try context.requireUser()
        let l = context.localizer.in(timeZone: self.timeZone(of: provider))
        let document = try await self.invoiceMonth(provider: provider, month: month, for: user)
        let base = "/providers/\(HTML.path(provider))"
        var page = ConsolePage(title: l.t("invoices.title", ["provider": provider, "month": month]), name: "invoices-\(provider)-\(month)")
        page.add(
            """
            <h1>\(HTML.escape(l.t("invoices.title", ["provider": provider, "month": month])))</h1>
            <p class="meta"><a href="\(base)">\(HTML.escape(provider))</a> ·
            \(self.configuration.credits != nil ? "<a href=\"\(base)/credits?month=\(month)\">\(HTML.escape(l.t("credits.link")))</a> ·" : "")
            \(HTML.escape(l.t("common.times_in", ["zone": l.timeZoneName])))</p>
            <form method="get" action="\(base)/invoices"><label>\(HTML.escape(l.t("credits.month")))
            <input type="month" name="month" value="\(HTML.escape(month))"></label> <button type="submit">\(HTML.escape(l.t("credits.show")))</button></form>
            """
        )
        if let error { page.add("<p class=\"error\" role=\"alert\" id=\"upload-error\">\(HTML.escape(error))</p>") }
        if let net = document.net { page.add("<p id=\"net\"><strong>\(HTML.escape(Self.netText(net, l)))</strong></p>") }
        if let reconciliation = document.reconciliation {
            page.add(
                "<p class=\"meta\">\(HTML.escape(l.t("invoices.reconciled", ["number": reconciliation.invoiceNumber, "version": String(reconciliation.invoiceVersion), "beyond": String(reconciliation.beyond)])))</p>"
            )
            var table = ConsoleTable(
                id: "reconciliation", title: l.t("invoices.reconciliation"),
                columns: [
                    l.t("invoices.line"), l.t("invoices.kind"), l.t("invoices.scope"), l.t("invoices.billed"), l.t("invoices.measured"),
                    l.t("invoices.difference"), l.t("invoices.difference_amount"), l.t("invoices.tolerance"), l.t("invoices.allowed"), l.t("invoices.state"),
                    l.t("invoices.source"),
                ]
            )
            table.rows = reconciliation.lines.map { line in
                let unit = l.term("invoice.unit", line.unit)
                return [
                    line.state == .beyond ? .link(line.id, "#evidence-\(line.id)") : .text(line.id), .text(l.term("invoice.kind", line.kind.rawValue)),
                    .text(line.scopeText), .text("\(line.billed.text()) \(unit)", class: "num"),
                    .text(line.measured.map { "\($0.text()) \(unit)" } ?? "—", class: "num"), .text(line.difference?.text() ?? "—", class: "num"),
                    .text(line.differenceAmount.map { "\($0.money) \(reconciliation.currency)" } ?? "—", class: "num"),
                    .text(line.tolerance), .text(line.allowed.map { "\($0.text()) \(unit)" } ?? "—", class: "num"),
                    .text(l.term("invoices.state", line.state.rawValue.replacingOccurrences(of: " ", with: "_"))), .text(line.source),
                ]
            }
            page.add(table)
            for line in reconciliation.lines where line.state == .beyond {
                guard let evidence = line.evidence else { continue }
                let tickets = evidence.ticketIds.map { "<a href=\"/tickets/\(HTML.path(provider))/\(HTML.path($0))\">\(HTML.escape($0))</a>" }
                let intervals = evidence.intervalKeys.map { "<code>\(HTML.escape($0))</code>" }
                func more(_ shown: Int, _ total: Int) -> String {
                    total > shown ? " " + HTML.escape(l.t("invoices.evidence_more", ["n": String(total - shown)])) : ""
                }
                page.add(
                    """
                    <section id="evidence-\(HTML.escape(line.id))" class="evidence"><h3>\(HTML.escape(l.t("invoices.evidence_of", ["line": line.id])))</h3>
                    <p>\(HTML.escape(l.t("invoices.evidence_intervals", ["n": String(evidence.intervals)])))\(intervals.isEmpty ? "" : ": " + intervals.joined(separator: " "))\(more(intervals.count, evidence.intervals))</p>
                    <p>\(HTML.escape(l.t("invoices.evidence_tickets", ["n": String(evidence.tickets)])))\(tickets.isEmpty ? "" : ": " + tickets.joined(separator: " "))\(more(tickets.count, evidence.tickets))</p>
                    </section>
                    """
                )
            }
        } else {
            page.add("<p id=\"no-invoice\">\(HTML.escape(l.t("invoices.none")))</p>")
        }
        var versions = ConsoleTable(
            id: "invoices", title: l.t("invoices.versions"),
            columns: [
                l.t("invoices.version"), l.t("invoices.number"), l.t("invoices.total"), l.t("invoices.lines"), l.t("invoices.format"),
                l.t("invoices.uploaded_by"), l.t("invoices.uploaded_at"),
            ],
            empty: l.t("invoices.none")
        )
        versions.rows = document.invoices.reversed().map { version in
            [
                .number(version.version, l), .text(version.number), .text("\(version.total) \(version.currency)", class: "num"), .number(version.lines, l),
                .text(version.format.uppercased()), .text(version.uploadedBy), .text(l.time(version.uploadedAt)),
            ]
        }
        page.add(versions)
        if user.role.canUploadInvoices {
            page.add(
                """
                <form method="post" action="\(base)/invoices" enctype="multipart/form-data" class="annotate" id="upload">\(HTML.csrfField(context.identity))
                <input type="hidden" name="month" value="\(HTML.escape(month))">
                <label>\(HTML.escape(l.t("invoices.file"))) <input type="file" name="file" accept=".csv,.json,text/csv,application/json"></label>
                <label>\(HTML.escape(l.t("invoices.paste"))) <textarea name="text" rows="6"></textarea></label>
                <button type="submit">\(HTML.escape(l.t("invoices.upload")))</button></form>
                <p class="meta">\(HTML.escape(l.t("invoices.upload_explained", ["max": String(Invoice.Limits.maxBytes / 1024)])))</p>
                """
            )
        }
        page.add("<p class=\"meta\">\(HTML.escape(l.t("invoices.explained")))</p>")
        var response = try page.response(for: request, context: context)
        if error != nil { response.status = .badRequest }
        return response
    }

    /// `Invoice INV-7 (version 1): 1,403.70 EUR − credits after disputes 0.00 EUR = net 1,403.70 EUR (as measured: …)`.
    static func netText(_ net: InvoiceNet, _ l: Localizer) -> String {
        let invoice = ["number": net.invoiceNumber, "version": String(net.invoiceVersion), "total": net.invoiceTotal.money, "currency": net.currency]
        guard let after = net.creditsOwed, let value = net.net else {
            return l.t(net.noNet == "currency" ? "invoices.net_currency" : "invoices.net_no_credits", invoice.merging(["credits_currency": net.creditsCurrency ?? ""]) { a, _ in a })
        }
        var text = l.t("invoices.net", invoice.merging(["credits": after.money, "net": value.money]) { a, _ in a })
        if let measured = net.measuredCreditsOwed, let measuredNet = net.measuredNet, measured != after {
            text += " " + l.t("invoices.net_measured", ["credits": measured.money, "net": measuredNet.money, "currency": net.currency, "disputes": String(net.acceptedDisputes)])
        }
        return text
    }

    /// `YYYY-MM` from the page's query (the month before the current one in the contract zone when absent).
    func invoiceMonthParameter(_ text: String?, provider: String) throws -> String {
        do {
            return try self.creditMonth(text, provider: provider)
        } catch {
            throw ConsoleError.badRequest("invoices.error_month")
        }
    }

    /// The invoice page, its upload form and the alert's link (`/providers/P/invoices/MONTH`).
    func addInvoiceRoutes(to group: RouterGroup<ConsoleRequestContext>) {
        group.get("/providers/:provider/invoices") { request, context in
            let provider = try context.parameters.require("provider")
            try self.checkInvoiceProvider(provider, for: try context.requireUser())
            let month = try self.invoiceMonthParameter(request.uri.queryParameters.get("month"), provider: provider)
            return try await self.invoicePage(provider: provider, month: month, request: request, context: context)
        }
        group.get("/providers/:provider/invoices/:month") { _, context in
            let provider = try context.parameters.require("provider")
            try self.checkInvoiceProvider(provider, for: try context.requireUser())
            let month = try self.invoiceMonthParameter(try context.parameters.require("month"), provider: provider)
            return Response(status: .seeOther, headers: [.location: "/providers/\(HTML.path(provider))/invoices?month=\(month)"])
        }
        group.post("/providers/:provider/invoices") { request, context in
            let provider = try context.parameters.require("provider")
            try self.checkInvoiceProvider(provider, for: try context.requireUser())
            let body = try await request.body.collect(upTo: Self.maxInvoiceUploadBytes)
            guard let parts = MultipartForm.parse(Data(buffer: body), contentType: request.headers[.contentType] ?? "") else {
                throw ConsoleError.badRequest("invoices.error_form")
            }
            var fields: [String: String] = [:]
            for part in parts where part.filename == nil { fields[part.name] = String(decoding: part.content, as: UTF8.self) }
            let user = try self.checkPost(fields, context: context)
            let month = try self.invoiceMonthParameter(fields["month"], provider: provider)
            let uploaded = parts.first { $0.name == "file" && !$0.content.isEmpty }
            let file = uploaded?.content ?? Data((fields["text"] ?? "").utf8)
            let name = Self.invoiceFileName(uploaded?.filename ?? "invoice")
            guard !file.isEmpty else {
                return try await self.invoicePage(provider: provider, month: month, request: request, context: context, error: context.localizer.t("invoices.error_empty"))
            }
            do {
                _ = try await self.uploadInvoice(provider: provider, month: month, file: file, name: name, by: user)
            } catch let error as ConsoleError where error.status == .badRequest {
                return try await self.invoicePage(provider: provider, month: month, request: request, context: context, error: error.message(in: context.localizer))
            }
            return Response(status: .seeOther, headers: [.location: "/providers/\(HTML.path(provider))/invoices?month=\(month)#reconciliation"])
        }
    }

    /// `GET /api/v1/providers/{provider}/invoices/{month}` and `POST /api/v1/providers/{provider}/invoices`.
    func addInvoiceAPIRoutes(to group: RouterGroup<ConsoleRequestContext>) {
        group.get("providers/:provider/invoices/:month") { _, context in
            let provider = try context.parameters.require("provider")
            let user = try context.requireUser()
            try self.checkInvoiceProvider(provider, for: user)
            let month = try self.invoiceMonthParameter(try context.parameters.require("month"), provider: provider)
            return try Self.json(try await self.invoiceMonth(provider: provider, month: month, for: user))
        }
        group.post("providers/:provider/invoices") { request, context in
            let provider = try context.parameters.require("provider")
            try self.checkInvoiceProvider(provider, for: try context.requireUser())
            let user = try self.checkAPIWrite(request, context: context)
            guard user.role.canUploadInvoices else { throw ConsoleError.forbidden("invoices.error_upload_role") }
            let buffer = try await request.body.collect(upTo: Self.maxInvoiceUploadBytes)
            let body: InvoiceUploadBody
            do {
                body = try JSONDecoder().decode(InvoiceUploadBody.self, from: Data(buffer: buffer))
            } catch {
                throw ConsoleError.badRequest("error.body_not_json")
            }
            let document = try await self.uploadInvoice(
                provider: provider, month: nil, file: Data(body.file.utf8), name: Self.invoiceFileName(body.name), by: user
            )
            var response = try Self.json(document)
            response.status = .created
            return response
        }
    }
}

/// A `multipart/form-data` body (RFC 7578) split into its parts; only what the upload form sends is read.
enum MultipartForm {
    struct Part {
        var name: String
        var filename: String?
        var content: Data
    }

    /// Most parts read.
    static let maxParts = 16

    /// The parts of `body`, or `nil` when it is not multipart/form-data with a boundary, or malformed.
    static func parse(_ body: Data, contentType: String) -> [Part]? {
        let parameters = contentType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard parameters.first?.lowercased() == "multipart/form-data",
            var boundary = parameters.dropFirst().first(where: { $0.lowercased().hasPrefix("boundary=") }).map({ String($0.dropFirst(9)) })
        else { return nil }
        if boundary.hasPrefix("\""), boundary.hasSuffix("\""), boundary.count >= 2 { boundary = String(boundary.dropFirst().dropLast()) }
        guard (1...70).contains(boundary.utf8.count) else { return nil }
        let bytes = [UInt8]("\r\n".utf8) + [UInt8](body)
        let delimiter = [UInt8]("\r\n--\(boundary)".utf8)
        var positions: [Int] = []
        var index = 0
        while index + delimiter.count <= bytes.count {
            if bytes[index] == delimiter[0], bytes[index..<(index + delimiter.count)].elementsEqual(delimiter) {
                positions.append(index)
                guard positions.count <= Self.maxParts + 1 else { return nil }
                index += delimiter.count
            } else {
                index += 1
            }
        }
        guard positions.count >= 2 else { return nil }
        var parts: [Part] = []
        for (start, end) in zip(positions, positions.dropFirst()) {
            var segment = Array(bytes[(start + delimiter.count)..<end])
            guard segment.count >= 2, segment[0] == 0x0D, segment[1] == 0x0A else { return nil }
            segment.removeFirst(2)
            let separator: [UInt8] = [0x0D, 0x0A, 0x0D, 0x0A]
            guard let headerEnd = (0...(max(0, segment.count - 4))).first(where: { segment.count >= 4 && segment[$0..<($0 + 4)].elementsEqual(separator) }) else {
                return nil
            }
            let headers = String(decoding: segment[0..<headerEnd], as: UTF8.self)
            let content = Data(segment[(headerEnd + 4)...])
            var name: String?
            var filename: String?
            for header in headers.components(separatedBy: "\r\n") where header.lowercased().hasPrefix("content-disposition:") {
                for item in header.split(separator: ";").dropFirst().map({ $0.trimmingCharacters(in: .whitespaces) }) {
                    let pair = item.split(separator: "=", maxSplits: 1).map(String.init)
                    guard pair.count == 2 else { continue }
                    var value = pair[1]
                    if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
                    switch pair[0].lowercased() {
                    case "name": name = value
                    case "filename": filename = value
                    default: break
                    }
                }
            }
            guard let name else { return nil }
            parts.append(Part(name: name, filename: filename, content: content))
        }
        // The closing delimiter is followed by `--`.
        let last = positions[positions.count - 1] + delimiter.count
        guard last + 2 <= bytes.count, bytes[last] == 0x2D, bytes[last + 1] == 0x2D else { return nil }
        return parts
    }
}
