//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Invoices on every backend: each upload of a provider's month is the next version, the latest counts, none is
// rewritten or deleted in SQL; the month's tickets as reconciliation reads them.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightModel
import OversightTesting
import Testing

@testable import OversightStore

extension StoreBackendTests {
    func newInvoice(month: String = "2026-11", number: String = "INV-1", quantity: String = "10", provider: String = "acme") -> NewInvoice {
        NewInvoice(
            provider: provider, month: month, number: number, currency: "EUR", format: "csv", original: "invoice,provider\n\(number),\(provider)\n",
            total: "15.00",
            lines: [
                StoredInvoiceLine(lineId: "L1", kind: "contacts", channel: "email", site: nil, queue: nil, quantity: quantity, unitPrice: "1.5", amount: "15.00"),
                StoredInvoiceLine(lineId: "L2", kind: "handle_minutes", channel: nil, site: "paris", queue: "billing", quantity: "0.4350", unitPrice: "1", amount: "0.44"),
            ],
            uploadedBy: "sup1", uploadedAt: self.now
        )
    }

    @Test(arguments: StoreBackend.available)
    func invoicesAreVersionedAndKept(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            #expect(try await store.latestInvoice(provider: "acme", month: "2026-11") == nil)
            let first = try await store.addInvoice(self.newInvoice())
            let second = try await store.addInvoice(self.newInvoice(number: "INV-1b", quantity: "12"))
            let other = try await store.addInvoice(self.newInvoice(month: "2026-10"))
            let elsewhere = try await store.addInvoice(self.newInvoice(provider: "initech"))
            #expect(first.version == 1 && second.version == 2 && other.version == 1 && elsewhere.version == 1)
            // Decimals come back as the exact text stored; optional scope fields as nil.
            #expect(try await store.invoices(provider: "acme", month: "2026-11") == [first, second])
            let latest = try #require(try await store.latestInvoice(provider: "acme", month: "2026-11"))
            #expect(latest == second && latest.invoice.lines[0].quantity == "12" && latest.invoice.lines[1].quantity == "0.4350")
            #expect(latest.invoice.lines[0].site == nil && latest.invoice.lines[1].queue == "billing" && latest.invoice.uploadedAt == self.now)
            let months = try await store.invoiceMonths(provider: "acme")
            #expect(months.map(\.month) == ["2026-11", "2026-10"] && months.map(\.version) == [2, 1])

            await #expect(throws: AnnotationError.invalid("an invoice has 1 to 1000 lines")) {
                var empty = self.newInvoice()
                empty.lines = []
                _ = try await store.addInvoice(empty)
            }
            await Self.expectRefused("UPDATE invoice SET total = '1.00' WHERE id = \(first.id)", "invoices are evidence and do not change", on: store)
            await Self.expectRefused("DELETE FROM invoice WHERE id = \(first.id)", "invoices are evidence and are not deleted", on: store)
            await Self.expectRefused("UPDATE invoice_line SET quantity = '1' WHERE invoice_id = \(first.id)", "invoices are evidence and do not change", on: store)
            await Self.expectRefused("DELETE FROM invoice_line WHERE invoice_id = \(first.id)", "invoices are evidence and are not deleted", on: store)
            if backend == .postgresql {
                await Self.expectRefused("TRUNCATE invoice_line", "invoices are evidence and are not deleted", on: store)
            }
            #expect(try await store.invoices(provider: "acme", month: "2026-11").count == 2)
        }
    }

    @Test(arguments: StoreBackend.available)
    func invoiceTicketsAreTheMonthsCreatedTickets(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            try await Self.enroll(store)
            let tickets = [
                TicketRecord(provider: "acme", site: "paris", id: "B", channel: .chat, status: .open, createdAt: self.now + 10, updatedAt: self.now + 20, queue: "billing"),
                TicketRecord(provider: "acme", site: "paris", id: "A", status: .open, createdAt: self.now, updatedAt: self.now + 20),
                TicketRecord(provider: "acme", site: "paris", id: "C", status: .open, createdAt: self.now + 100, updatedAt: self.now + 120),
            ]
            _ = try await store.commit(self.batch(1, prev: genesisBatchHash, hash: "h-1", tickets))
            let rows = try await store.invoiceTickets(provider: "acme", from: self.now, to: self.now + 100, limit: 10)
            #expect(rows == [
                InvoiceTicketRow(id: "A", site: "paris", queue: nil, channel: "email", createdAt: self.now),
                InvoiceTicketRow(id: "B", site: "paris", queue: "billing", channel: "chat", createdAt: self.now + 10),
            ])
            #expect(try await store.invoiceTickets(provider: "acme", from: self.now, to: self.now + 1000, limit: 1).map(\.id) == ["A"])
            #expect(try await store.invoiceTickets(provider: "other", from: self.now, to: self.now + 1000, limit: 10).isEmpty)
        }
    }
}
