//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Providers' invoices as uploaded by head office: append-only, one version per upload of a provider's month (the
// latest counts, earlier ones are kept as evidence).
//
//===----------------------------------------------------------------------===//

import Foundation

/// One billed line as stored; decimals are kept as their exact text (`1843.75`), never as binary floating point.
package struct StoredInvoiceLine: Sendable, Hashable, Codable {
    package var lineId: String
    package var kind: String
    package var channel: String?
    package var site: String?
    package var queue: String?
    package var quantity: String
    package var unitPrice: String
    package var amount: String

    /// Creates a line.
    package init(
        lineId: String, kind: String, channel: String?, site: String?, queue: String?, quantity: String, unitPrice: String, amount: String
    ) {
        self.lineId = lineId
        self.kind = kind
        self.channel = channel
        self.site = site
        self.queue = queue
        self.quantity = quantity
        self.unitPrice = unitPrice
        self.amount = amount
    }
}

/// An invoice to store: what the parser read and the file as uploaded.
package struct NewInvoice: Sendable, Hashable {
    package var provider: String
    /// `YYYY-MM`.
    package var month: String
    /// The provider's invoice number.
    package var number: String
    package var currency: String
    /// `csv` or `json`.
    package var format: String
    /// The file's text as uploaded (kept for evidence bundles).
    package var original: String
    /// The sum of the lines' amounts, as exact text.
    package var total: String
    package var lines: [StoredInvoiceLine]
    /// Who uploaded it (a console user or `cli:<name>`), and when.
    package var uploadedBy: String
    package var uploadedAt: Date

    /// Creates an invoice to store.
    package init(
        provider: String, month: String, number: String, currency: String, format: String, original: String, total: String,
        lines: [StoredInvoiceLine], uploadedBy: String, uploadedAt: Date
    ) {
        self.provider = provider
        self.month = month
        self.number = number
        self.currency = currency
        self.format = format
        self.original = original
        self.total = total
        self.lines = lines
        self.uploadedBy = uploadedBy
        self.uploadedAt = uploadedAt
    }
}

/// A stored invoice version.
package struct StoredInvoice: Sendable, Hashable {
    package var id: Int64
    /// 1 for the first upload of the provider's month, then 2, 3, …
    package var version: Int
    package var invoice: NewInvoice

    /// Creates a stored invoice.
    package init(id: Int64, version: Int, invoice: NewInvoice) {
        self.id = id
        self.version = version
        self.invoice = invoice
    }
}

/// A ticket as invoice reconciliation reads it.
package struct InvoiceTicketRow: Sendable, Hashable {
    package var id: String
    package var site: String
    package var queue: String?
    package var channel: String
    package var createdAt: Date

    /// Creates a row.
    package init(id: String, site: String, queue: String?, channel: String, createdAt: Date) {
        self.id = id
        self.site = site
        self.queue = queue
        self.channel = channel
        self.createdAt = createdAt
    }
}

/// What invoice reconciliation needs from a store. Both backends keep invoices append-only with triggers.
package protocol InvoiceStore: Sendable {
    /// Stores `invoice` as the next version of its provider's month and returns it.
    /// - Throws: ``AnnotationError/invalid(_:)`` for an invoice without lines or with more than 1,000, or an original
    ///   text larger than 1 MiB.
    func addInvoice(_ invoice: NewInvoice) async throws -> StoredInvoice
    /// The versions of `provider`'s `month`, oldest first.
    func invoices(provider: String, month: String) async throws -> [StoredInvoice]
    /// The latest version of `provider`'s `month`, or `nil`.
    func latestInvoice(provider: String, month: String) async throws -> StoredInvoice?
    /// The months `provider` has invoices for, newest first, with their latest version.
    func invoiceMonths(provider: String) async throws -> [(month: String, version: Int)]
    /// The tickets of `provider` created in `from ..< to`, by id, at most `limit`.
    func invoiceTickets(provider: String, from: Date, to: Date, limit: Int) async throws -> [InvoiceTicketRow]
}

/// The limits both backends enforce on a stored invoice.
package enum InvoiceStoreLimits {
    package static let maxLines = 1_000
    package static let maxOriginalBytes = 1024 * 1024

    /// Checks `invoice` against the limits.
    package static func check(_ invoice: NewInvoice) throws {
        guard !invoice.lines.isEmpty, invoice.lines.count <= Self.maxLines else {
            throw AnnotationError.invalid("an invoice has 1 to \(Self.maxLines) lines")
        }
        guard invoice.original.utf8.count <= Self.maxOriginalBytes else {
            throw AnnotationError.invalid("an invoice file is at most \(Self.maxOriginalBytes) bytes")
        }
        guard ["csv", "json"].contains(invoice.format) else { throw AnnotationError.invalid("an invoice file is csv or json") }
    }
}
