//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Providers' invoices at head office: import (parse, store a new version, reconcile, alert) and reconciliation of the
// latest version against the store's tickets and interval reports, for the CLI, the console and evidence bundles.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightAlerts
import OversightSLA
import OversightStore

/// Imports and reconciles invoices through the store protocols (SQLite and PostgreSQL alike).
package struct InvoiceDesk: Sendable {
    let store: any CoordinatorStore
    let contracts: [String: Contract]

    /// Most tickets and interval reports of one month read for a reconciliation; a month with more is refused.
    package static let maxRecords = 500_000

    /// Creates a desk.
    package init(store: any CoordinatorStore, contracts: [String: Contract]) {
        self.store = store
        self.contracts = contracts
    }

    /// A reconciled invoice version.
    package struct Outcome: Sendable {
        package var stored: StoredInvoice
        package var invoice: Invoice
        package var reconciliation: InvoiceReconciliation
        /// Alerts raised now (lines beyond tolerance not alerted before for this version).
        package var alertsRaised: Int = 0
    }

    /// The month plan of `provider`'s `month`, or an error naming what is wrong.
    func plan(provider: String, month: String, now: Date) throws -> (Contract, MonthFigurePlan) {
        guard let contract = self.contracts[provider] else {
            throw CoordinatorError(.invalidArgument, "no contract is loaded for provider '\(provider.prefix(64))'; its invoices cannot be reconciled")
        }
        do {
            return (contract, try MonthFigurePlan(contract: contract, month: month, now: now))
        } catch {
            throw CoordinatorError(.invalidArgument, error.message)
        }
    }

    /// Parses `data` and stores it as the next version of `provider`'s `month`, then reconciles it and raises one alert per
    /// line beyond tolerance through `alerts` (when given).
    /// - Throws: ``CoordinatorError`` (`invalidArgument`) for a file that does not parse (naming file:line or the JSON path),
    ///   an invoice of another provider or month, or a provider without a contract; nothing is stored then.
    package func importInvoice(
        provider: String, month: String, data: Data, file: String, uploadedBy: String, alerts: AlertCenter?, now: Date = Date()
    ) async throws -> Outcome {
        _ = try self.plan(provider: provider, month: month, now: now)
        let format = Invoice.format(of: data)
        let invoice: Invoice
        do {
            invoice = try Invoice.parse(data, file: file, format: format)
        } catch {
            throw CoordinatorError(.invalidArgument, error.description)
        }
        guard invoice.provider == provider else {
            throw CoordinatorError(.invalidArgument, "\(file): the invoice is from provider '\(invoice.provider.prefix(64))', not '\(provider.prefix(64))'")
        }
        guard invoice.month == month else {
            throw CoordinatorError(.invalidArgument, "\(file): the invoice is for \(invoice.month), not \(month)")
        }
        let stored = try await self.store.addInvoice(
            NewInvoice(
                provider: provider, month: month, number: invoice.number, currency: invoice.currency, format: format.rawValue,
                original: String(decoding: data, as: UTF8.self), total: invoice.total.money,
                lines: invoice.lines.map { line in
                    StoredInvoiceLine(
                        lineId: line.id, kind: line.kind.rawValue, channel: line.channel, site: line.site, queue: line.queue, quantity: line.quantity.text(),
                        unitPrice: line.unitPrice.text(), amount: line.amount.money
                    )
                },
                uploadedBy: uploadedBy, uploadedAt: now
            )
        )
        var outcome = try await self.reconcile(stored: stored, now: now)
        if let alerts { outcome.alertsRaised = try await Self.raiseAlerts(outcome, center: alerts) }
        return outcome
    }

    /// Reconciles the latest version of `provider`'s `month` (raising the alerts of its lines beyond tolerance that were
    /// not raised before, when `alerts` is given); `nil` when no invoice is stored for that month.
    package func reconcile(provider: String, month: String, alerts: AlertCenter? = nil, now: Date = Date()) async throws -> Outcome? {
        _ = try self.plan(provider: provider, month: month, now: now)
        guard let stored = try await self.store.latestInvoice(provider: provider, month: month) else { return nil }
        var outcome = try await self.reconcile(stored: stored, now: now)
        if let alerts { outcome.alertsRaised = try await Self.raiseAlerts(outcome, center: alerts) }
        return outcome
    }

    /// Reconciles one stored version.
    package func reconcile(stored: StoredInvoice, now: Date = Date()) async throws -> Outcome {
        let provider = stored.invoice.provider
        let month = stored.invoice.month
        let (contract, plan) = try self.plan(provider: provider, month: month, now: now)
        let invoice = try Self.invoice(stored)
        let measurements = try await self.measurements(provider: provider, from: plan.month.start, to: plan.month.end)
        var owed: ExactDecimal?
        var currency: String?
        if plan.credits != nil {
            let statement = try await AggregateEvaluator(store: self.store, contracts: self.contracts).creditStatement(provider: provider, month: month, now: now)
            owed = statement.owedAmount.flatMap { ExactDecimal(roundingToCent: $0) }
            currency = statement.currency
        }
        let reconciliation = InvoiceReconciliation.reconcile(
            invoice: invoice, version: stored.version, terms: plan.version.invoicing ?? contract.versions.last?.invoicing,
            measurements: measurements, monthStart: plan.month.start, monthEnd: plan.month.end, creditsOwed: owed, creditsCurrency: currency
        )
        return Outcome(stored: stored, invoice: invoice, reconciliation: reconciliation)
    }

    /// The stored invoice read back from its original text (the same parse as at import).
    package static func invoice(_ stored: StoredInvoice) throws -> Invoice {
        do {
            let format = Invoice.FileFormat(rawValue: stored.invoice.format) ?? .csv
            return try Invoice.parse(Data(stored.invoice.original.utf8), file: "invoice v\(stored.version)", format: format)
        } catch {
            throw CoordinatorError(.invalidArgument, "the stored invoice does not parse any more: \(error.description)")
        }
    }

    /// The provider's tickets created and interval reports started in `from ..< to`.
    package func measurements(provider: String, from: Date, to: Date) async throws -> InvoiceMeasurements {
        let tickets = try await self.store.invoiceTickets(provider: provider, from: from, to: to, limit: Self.maxRecords + 1)
        let intervals = try await self.store.intervals(provider: provider, site: nil, from: from, to: to, limit: Self.maxRecords + 1)
        guard tickets.count <= Self.maxRecords, intervals.count <= Self.maxRecords else {
            throw CoordinatorError(.invalidArgument, "more than \(Self.maxRecords) tickets or interval reports in the month: too many to reconcile")
        }
        return InvoiceMeasurements(
            tickets: tickets.map { .init(id: $0.id, site: $0.site, queue: $0.queue, channel: $0.channel, createdAt: $0.createdAt) },
            intervals: intervals.map { stored in
                let record = stored.record
                return .init(
                    site: record.site, queue: record.queue, channel: record.channel.rawValue, start: record.start, minutes: record.minutes, handled: record.handled,
                    handleSeconds: record.totalHandleTimeSeconds, agentsStaffed: record.agentsStaffed
                )
            }
        )
    }

    // MARK: Alerts

    /// The alert of one line beyond tolerance. Its key (kind and subject: provider, month, invoice number, version and line)
    /// is the idempotency key: one alert per invoice version and line.
    package static func alert(for line: InvoiceReconciliation.Line, of reconciliation: InvoiceReconciliation) -> NewAlert {
        let subject = AlertSubject(
            provider: reconciliation.provider, period: reconciliation.month,
            detail: "invoice \(reconciliation.invoiceNumber) v\(reconciliation.invoiceVersion) line \(line.id)"
        )
        let texts = [
            "provider": reconciliation.provider, "month": reconciliation.month, "invoice": reconciliation.invoiceNumber,
            "version": String(reconciliation.invoiceVersion), "line": line.id, "scope": line.scopeText, "billed": line.billed.text(),
            "measured": line.measured?.text() ?? "", "difference": line.difference?.text() ?? "", "allowed": line.allowed?.text() ?? "",
        ]
        return NewAlert(
            kind: .invoiceLineBeyondTolerance, subject: subject,
            message: AlertMessage("invoice.alert.line_beyond", texts: texts, terms: ["kind": "invoice.kind.\(line.kind.rawValue)", "unit": "invoice.unit.\(line.unit)"]),
            consolePath: "/providers/\(reconciliation.provider)/invoices/\(reconciliation.month)"
        )
    }

    /// Raises the alert of each line beyond tolerance whose key has no alert yet (in any state: an acknowledged or
    /// resolved one is not raised again). Returns how many were raised.
    package static func raiseAlerts(_ outcome: Outcome, center: AlertCenter) async throws -> Int {
        var raised = 0
        for line in outcome.reconciliation.lines where line.state == .beyond {
            let alert = Self.alert(for: line, of: outcome.reconciliation)
            guard try await center.history(key: alert.key, limit: 1).isEmpty else { continue }
            _ = try await center.raise(alert)
            raised += 1
        }
        return raised
    }
}
