//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Invoices on PostgreSQL: the same rules as SQLiteStore+Invoices.swift, append-only by triggers (rows and TRUNCATE);
// versions of a provider's month are numbered under a transaction-scoped advisory lock.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightStore
import PostgresNIO

extension PostgresStore {
    /// The `v10-invoices` migration: `invoice` and `invoice_line` as in SQLite's `v16-invoices`, with the triggers of
    /// `v2-annotations` (its `oversight_refuse_change` function).
    static let invoicesMigration = Migration(
        identifier: "v10-invoices",
        statements: [
            """
            CREATE TABLE invoice (
                id bigserial PRIMARY KEY,
                provider text NOT NULL,
                month text NOT NULL,
                version integer NOT NULL CHECK (version >= 1),
                number text NOT NULL CHECK (number <> ''),
                currency text NOT NULL,
                format text NOT NULL CHECK (format IN ('csv', 'json')),
                original text NOT NULL,
                total text NOT NULL,
                uploaded_by text NOT NULL,
                uploaded_at double precision NOT NULL,
                UNIQUE (provider, month, version)
            )
            """,
            """
            CREATE TABLE invoice_line (
                invoice_id bigint NOT NULL REFERENCES invoice (id),
                position integer NOT NULL,
                line_id text NOT NULL,
                kind text NOT NULL,
                channel text,
                site text,
                queue text,
                quantity text NOT NULL,
                unit_price text NOT NULL,
                amount text NOT NULL,
                PRIMARY KEY (invoice_id, position),
                UNIQUE (invoice_id, line_id)
            )
            """,
            """
            CREATE TRIGGER invoice_unchanged BEFORE UPDATE ON invoice FOR EACH ROW
                EXECUTE FUNCTION oversight_refuse_change('invoices are evidence and do not change')
            """,
            """
            CREATE TRIGGER invoice_kept BEFORE DELETE ON invoice FOR EACH ROW
                EXECUTE FUNCTION oversight_refuse_change('invoices are evidence and are not deleted')
            """,
            """
            CREATE TRIGGER invoice_kept_truncate BEFORE TRUNCATE ON invoice FOR EACH STATEMENT
                EXECUTE FUNCTION oversight_refuse_change('invoices are evidence and are not deleted')
            """,
            """
            CREATE TRIGGER invoice_line_unchanged BEFORE UPDATE ON invoice_line FOR EACH ROW
                EXECUTE FUNCTION oversight_refuse_change('invoices are evidence and do not change')
            """,
            """
            CREATE TRIGGER invoice_line_kept BEFORE DELETE ON invoice_line FOR EACH ROW
                EXECUTE FUNCTION oversight_refuse_change('invoices are evidence and are not deleted')
            """,
            """
            CREATE TRIGGER invoice_line_kept_truncate BEFORE TRUNCATE ON invoice_line FOR EACH STATEMENT
                EXECUTE FUNCTION oversight_refuse_change('invoices are evidence and are not deleted')
            """,
        ]
    )

    private static let invoiceColumns = "id, version, provider, month, number, currency, format, original, total, uploaded_by, uploaded_at"

    private func storedInvoices(_ rows: [PostgresRow]) async throws -> [StoredInvoice] {
        var result: [StoredInvoice] = []
        for row in rows {
            let (id, version, provider, month, number, currency, format, original, total, uploadedBy, uploadedAt) =
                try row.decode((Int64, Int, String, String, String, String, String, String, String, String, Double).self)
            var lines: [StoredInvoiceLine] = []
            for line in try await self.rows(
                """
                SELECT line_id, kind, channel, site, queue, quantity, unit_price, amount FROM invoice_line
                WHERE invoice_id = \(id) ORDER BY position
                """
            ) {
                let (lineId, kind, channel, site, queue, quantity, unitPrice, amount) =
                    try line.decode((String, String, String?, String?, String?, String, String, String).self)
                lines.append(
                    StoredInvoiceLine(lineId: lineId, kind: kind, channel: channel, site: site, queue: queue, quantity: quantity, unitPrice: unitPrice, amount: amount)
                )
            }
            result.append(
                StoredInvoice(
                    id: id, version: version,
                    invoice: NewInvoice(
                        provider: provider, month: month, number: number, currency: currency, format: format, original: original, total: total,
                        lines: lines, uploadedBy: uploadedBy, uploadedAt: Date(timeIntervalSince1970: uploadedAt)
                    )
                )
            )
        }
        return result
    }

    package func addInvoice(_ invoice: NewInvoice) async throws -> StoredInvoice {
        try InvoiceStoreLimits.check(invoice)
        return try await self.transaction { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(hashtext(\(invoice.provider + "|" + invoice.month)))", logger: self.logger)
            var version = 1
            for try await current in try await connection.query(
                "SELECT COALESCE(MAX(version), 0) FROM invoice WHERE provider = \(invoice.provider) AND month = \(invoice.month)", logger: self.logger
            ).decode(Int.self) {
                version = current + 1
            }
            guard
                let row = try await connection.query(
                    """
                    INSERT INTO invoice (provider, month, version, number, currency, format, original, total, uploaded_by, uploaded_at)
                    VALUES (\(invoice.provider), \(invoice.month), \(version), \(invoice.number), \(invoice.currency), \(invoice.format),
                        \(invoice.original), \(invoice.total), \(invoice.uploadedBy), \(invoice.uploadedAt.timeIntervalSince1970))
                    RETURNING id
                    """,
                    logger: self.logger
                ).collect().first
            else { throw PostgresStoreError.unexpectedRow("invoice") }
            let id = try row.decode(Int64.self)
            for (position, line) in invoice.lines.enumerated() {
                try await connection.query(
                    """
                    INSERT INTO invoice_line (invoice_id, position, line_id, kind, channel, site, queue, quantity, unit_price, amount)
                    VALUES (\(id), \(position), \(line.lineId), \(line.kind), \(line.channel), \(line.site), \(line.queue), \(line.quantity),
                        \(line.unitPrice), \(line.amount))
                    """,
                    logger: self.logger
                )
            }
            return StoredInvoice(id: id, version: version, invoice: invoice)
        }
    }

    package func invoices(provider: String, month: String) async throws -> [StoredInvoice] {
        try await self.storedInvoices(
            try await self.rows(
                "SELECT \(unescaped: Self.invoiceColumns) FROM invoice WHERE provider = \(provider) AND month = \(month) ORDER BY version"
            )
        )
    }

    package func latestInvoice(provider: String, month: String) async throws -> StoredInvoice? {
        try await self.storedInvoices(
            try await self.rows(
                "SELECT \(unescaped: Self.invoiceColumns) FROM invoice WHERE provider = \(provider) AND month = \(month) ORDER BY version DESC LIMIT 1"
            )
        ).first
    }

    package func invoiceMonths(provider: String) async throws -> [(month: String, version: Int)] {
        try await self.rows(
            """
            SELECT month, MAX(version) FROM invoice WHERE provider = \(provider) GROUP BY month ORDER BY month COLLATE "C" DESC
            """
        ).map { row in
            let (month, version) = try row.decode((String, Int).self)
            return (month: month, version: version)
        }
    }

    package func invoiceTickets(provider: String, from: Date, to: Date, limit: Int) async throws -> [InvoiceTicketRow] {
        try await self.rows(
            """
            SELECT id, site, queue, channel, created_at FROM ticket
            WHERE provider = \(provider) AND created_at >= \(from.timeIntervalSince1970) AND created_at < \(to.timeIntervalSince1970)
            ORDER BY id COLLATE "C" LIMIT \(limit)
            """
        ).map { row in
            let (id, site, queue, channel, created) = try row.decode((String, String, String?, String, Double).self)
            return InvoiceTicketRow(id: id, site: site, queue: queue, channel: channel, createdAt: Date(timeIntervalSince1970: created))
        }
    }
}
