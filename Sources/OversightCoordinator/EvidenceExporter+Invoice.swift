//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The invoice part of an evidence bundle: the latest invoice of the month as uploaded, and the coordinator's
// reconciliation of it (docs/evidence.md, "Invoice").
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightEvidence
import OversightSLA
import OversightStore

extension EvidenceExporter {
    /// Writes `invoice.json`, the invoice file and `reconciliation.json` when `provider` has an invoice for `month`;
    /// returns the reconciled lines (0 without an invoice: nothing is written).
    func writeInvoice(provider: String, month: String, now: Date, writer: inout BundleWriter) async throws -> Int {
        let versions = try await self.store.invoices(provider: provider, month: month)
        guard let latest = versions.last else { return 0 }
        let outcome = try await InvoiceDesk(store: self.store, contracts: self.contracts).reconcile(stored: latest, now: now)
        let file = EvidenceFormat.invoiceOriginal(format: latest.invoice.format)
        try writer.write(Data(latest.invoice.original.utf8), to: file)
        try writer.writeJSON(
            EvidenceInvoice(
                provider: provider, month: month, number: latest.invoice.number, version: latest.version, format: latest.invoice.format, file: file,
                uploadedBy: latest.invoice.uploadedBy, uploadedAt: latest.invoice.uploadedAt, versions: versions.count
            ),
            to: EvidenceFormat.invoice
        )
        try writer.writeJSON(outcome.reconciliation, to: EvidenceFormat.reconciliation)
        return outcome.reconciliation.lines.count
    }
}
