//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The console's invoice document from the invoice desk, and the net of a month (invoice total minus the service credits
// as measured and after the accepted disputes) from the evaluator's disputed statement.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightAlerts
import OversightConsole
import OversightCoordinator
import OversightSLA
import OversightStore

extension InvoiceNet {
    /// The net of `invoice` (stored as `version`) against `disputed`; without a statement (the contract has no credits or
    /// no monthly fee in the month), a net that says so.
    init(invoice: Invoice, version: Int, disputed: DisputedCreditStatement?) {
        let measured = disputed?.measured.owedAmount.flatMap { ExactDecimal(roundingToCent: $0) }
        let after = disputed?.statement.owedAmount.flatMap { ExactDecimal(roundingToCent: $0) }
        self.init(
            invoiceNumber: invoice.number, invoiceVersion: version, currency: invoice.currency, invoiceTotal: invoice.total, measuredCreditsOwed: measured,
            creditsOwed: after, creditsCurrency: disputed?.statement.currency, acceptedDisputes: disputed?.steps.count ?? 0
        )
    }

    /// The net of `provider`'s latest invoice for `month` against `disputed`, or `nil` while none is stored.
    static func latest(provider: String, month: String, disputed: DisputedCreditStatement?, store: any CoordinatorStore) async throws -> InvoiceNet? {
        guard let stored = try await store.latestInvoice(provider: provider, month: month) else { return nil }
        return InvoiceNet(invoice: try InvoiceDesk.invoice(stored), version: stored.version, disputed: disputed)
    }
}

extension ConsoleWiring {
    /// The invoice page's hooks: reconciliation by the invoice desk, the net from the disputed credit statement.
    static func invoices(store: any CoordinatorStore, contracts: [String: Contract], alerts: AlertCenter) -> ConsoleInvoices {
        let desk = InvoiceDesk(store: store, contracts: contracts)
        let evaluator = AggregateEvaluator(store: store, contracts: contracts, disputes: store)
        @Sendable func document(provider: String, month: String, outcome: InvoiceDesk.Outcome?) async throws -> InvoiceMonthDocument {
            let versions = try await store.invoices(provider: provider, month: month).map { stored in
                InvoiceMonthDocument.Version(
                    version: stored.version, number: stored.invoice.number, currency: stored.invoice.currency, format: stored.invoice.format,
                    total: stored.invoice.total, lines: stored.invoice.lines.count, uploadedBy: stored.invoice.uploadedBy, uploadedAt: stored.invoice.uploadedAt
                )
            }
            var net: InvoiceNet?
            if let outcome {
                // No statement when the contract has no credits in the month (the evaluator refuses): the net says so.
                var disputed: DisputedCreditStatement?
                do {
                    disputed = try await evaluator.disputedCreditStatement(provider: provider, month: month, disputes: store)
                } catch is CoordinatorError {
                    disputed = nil
                }
                net = InvoiceNet(invoice: outcome.invoice, version: outcome.stored.version, disputed: disputed)
            }
            return InvoiceMonthDocument(
                provider: provider, month: month, invoices: versions, reconciliation: outcome.map { .init($0.reconciliation) }, net: net
            )
        }
        return ConsoleInvoices(
            month: { provider, month in
                do {
                    return try await document(provider: provider, month: month, outcome: try await desk.reconcile(provider: provider, month: month))
                } catch let error as CoordinatorError {
                    throw ConsoleInvoiceRefusal(error.message)
                }
            },
            upload: { provider, month, data, name, user in
                do {
                    let outcome = try await desk.importInvoice(provider: provider, month: month, data: data, file: name, uploadedBy: user, alerts: alerts)
                    return try await document(provider: provider, month: month, outcome: outcome)
                } catch let error as CoordinatorError {
                    throw ConsoleInvoiceRefusal(error.message)
                }
            }
        )
    }
}
