//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Invoices on SQLite: `invoice` and `invoice_line`, append-only (triggers refuse updates and deletes); a re-upload of a
// provider's month is the next version.
//
//===----------------------------------------------------------------------===//

import Foundation
import GRDB

extension SQLiteStore {
    /// The `v16-invoices` migration.
    static func migrateInvoices(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE invoice (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    provider TEXT NOT NULL,
                    month TEXT NOT NULL,
                    version INTEGER NOT NULL CHECK (version >= 1),
                    number TEXT NOT NULL CHECK (number <> ''),
                    currency TEXT NOT NULL,
                    format TEXT NOT NULL CHECK (format IN ('csv', 'json')),
                    original TEXT NOT NULL,
                    total TEXT NOT NULL,
                    uploaded_by TEXT NOT NULL,
                    uploaded_at REAL NOT NULL,
                    UNIQUE (provider, month, version)
                );
                CREATE TABLE invoice_line (
                    invoice_id INTEGER NOT NULL REFERENCES invoice (id),
                    position INTEGER NOT NULL,
                    line_id TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    channel TEXT,
                    site TEXT,
                    queue TEXT,
                    quantity TEXT NOT NULL,
                    unit_price TEXT NOT NULL,
                    amount TEXT NOT NULL,
                    PRIMARY KEY (invoice_id, position),
                    UNIQUE (invoice_id, line_id)
                );
                CREATE TRIGGER invoice_unchanged BEFORE UPDATE ON invoice
                    BEGIN SELECT RAISE(ABORT, 'invoices are evidence and do not change'); END;
                CREATE TRIGGER invoice_kept BEFORE DELETE ON invoice
                    BEGIN SELECT RAISE(ABORT, 'invoices are evidence and are not deleted'); END;
                CREATE TRIGGER invoice_line_unchanged BEFORE UPDATE ON invoice_line
                    BEGIN SELECT RAISE(ABORT, 'invoices are evidence and do not change'); END;
                CREATE TRIGGER invoice_line_kept BEFORE DELETE ON invoice_line
                    BEGIN SELECT RAISE(ABORT, 'invoices are evidence and are not deleted'); END;
                """
        )
    }

    static func invoiceLines(_ db: Database, invoiceId: Int64) throws -> [StoredInvoiceLine] {
        try Row.fetchAll(
            db,
            sql: "SELECT line_id, kind, channel, site, queue, quantity, unit_price, amount FROM invoice_line WHERE invoice_id = ? ORDER BY position",
            arguments: [invoiceId]
        ).map { row in
            StoredInvoiceLine(
                lineId: row[0], kind: row[1], channel: row[2], site: row[3], queue: row[4], quantity: row[5], unitPrice: row[6], amount: row[7]
            )
        }
    }

    static func storedInvoice(_ db: Database, _ row: Row) throws -> StoredInvoice {
        let id: Int64 = row["id"]
        return StoredInvoice(
            id: id, version: row["version"],
            invoice: NewInvoice(
                provider: row["provider"], month: row["month"], number: row["number"], currency: row["currency"], format: row["format"],
                original: row["original"], total: row["total"], lines: try Self.invoiceLines(db, invoiceId: id), uploadedBy: row["uploaded_by"],
                uploadedAt: Date(timeIntervalSince1970: row["uploaded_at"])
            )
        )
    }

    package func addInvoice(_ invoice: NewInvoice) async throws -> StoredInvoice {
        try InvoiceStoreLimits.check(invoice)
        return try await self.writer.write { db in
            let version =
                (try Int.fetchOne(db, sql: "SELECT MAX(version) FROM invoice WHERE provider = ? AND month = ?", arguments: [invoice.provider, invoice.month])
                    ?? 0) + 1
            try db.execute(
                sql: """
                    INSERT INTO invoice (provider, month, version, number, currency, format, original, total, uploaded_by, uploaded_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    invoice.provider, invoice.month, version, invoice.number, invoice.currency, invoice.format, invoice.original, invoice.total,
                    invoice.uploadedBy, invoice.uploadedAt.timeIntervalSince1970,
                ]
            )
            let id = db.lastInsertedRowID
            let statement = try db.cachedStatement(
                sql: """
                    INSERT INTO invoice_line (invoice_id, position, line_id, kind, channel, site, queue, quantity, unit_price, amount)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """
            )
            for (position, line) in invoice.lines.enumerated() {
                try statement.execute(arguments: [
                    id, position, line.lineId, line.kind, line.channel, line.site, line.queue, line.quantity, line.unitPrice, line.amount,
                ])
            }
            return StoredInvoice(id: id, version: version, invoice: invoice)
        }
    }

    package func invoices(provider: String, month: String) async throws -> [StoredInvoice] {
        try await self.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM invoice WHERE provider = ? AND month = ? ORDER BY version", arguments: [provider, month]).map {
                try Self.storedInvoice(db, $0)
            }
        }
    }

    package func latestInvoice(provider: String, month: String) async throws -> StoredInvoice? {
        try await self.writer.read { db in
            try Row.fetchOne(
                db, sql: "SELECT * FROM invoice WHERE provider = ? AND month = ? ORDER BY version DESC LIMIT 1", arguments: [provider, month]
            ).map { try Self.storedInvoice(db, $0) }
        }
    }

    package func invoiceMonths(provider: String) async throws -> [(month: String, version: Int)] {
        try await self.writer.read { db in
            try Row.fetchAll(
                db, sql: "SELECT month, MAX(version) FROM invoice WHERE provider = ? GROUP BY month ORDER BY month DESC", arguments: [provider]
            ).map { (month: $0[0], version: $0[1]) }
        }
    }

    package func invoiceTickets(provider: String, from: Date, to: Date, limit: Int) async throws -> [InvoiceTicketRow] {
        try await self.writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT id, site, queue, channel, created_at FROM ticket
                    WHERE provider = ? AND created_at >= ? AND created_at < ? ORDER BY id LIMIT ?
                    """,
                arguments: [provider, from.timeIntervalSince1970, to.timeIntervalSince1970, limit]
            ).map { row in
                InvoiceTicketRow(id: row[0], site: row[1], queue: row[2], channel: row[3], createdAt: Date(timeIntervalSince1970: row[4]))
            }
        }
    }
}
