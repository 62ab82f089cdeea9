//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// An invoice's billed lines against what the agents measured, with the contract's tolerance, and the statement's net
// (invoice total minus the month's service credits owed). A pure function of plain values, so the coordinator (from its
// store) and oversight-verify (from the signed batches alone) compute the same reconciliation.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightModel

/// The measured records an invoice is reconciled against: the month's tickets and interval reports of the provider.
package struct InvoiceMeasurements: Sendable, Hashable {
    /// A ticket as reconciliation needs it.
    package struct Ticket: Sendable, Hashable {
        package var id: String
        package var site: String
        package var queue: String?
        package var channel: String
        package var createdAt: Date

        /// Creates a ticket.
        package init(id: String, site: String, queue: String?, channel: String, createdAt: Date) {
            self.id = id
            self.site = site
            self.queue = queue
            self.channel = channel
            self.createdAt = createdAt
        }
    }

    /// An interval report as reconciliation needs it.
    package struct Interval: Sendable, Hashable {
        package var site: String
        package var queue: String
        package var channel: String
        package var start: Date
        package var minutes: Int
        package var handled: Int
        /// Handle time, milliseconds (the record's seconds rounded to the millisecond, so sums are exact and in any order).
        package var handleMilliseconds: Int64
        package var agentsStaffed: Int?

        /// Creates an interval; `handleSeconds` is rounded to the millisecond.
        package init(site: String, queue: String, channel: String, start: Date, minutes: Int, handled: Int, handleSeconds: Double, agentsStaffed: Int?) {
            self.site = site
            self.queue = queue
            self.channel = channel
            self.start = start
            self.minutes = minutes
            self.handled = handled
            self.handleMilliseconds = handleSeconds.isFinite ? Int64((handleSeconds * 1000).rounded()) : 0
            self.agentsStaffed = agentsStaffed
        }

        /// `site/queue/start` with the start in the wire form (the interval's key in evidence).
        package var key: String { "\(self.site)/\(self.queue)/\(WireJSON.format(self.start))" }

    }

    package var tickets: [Ticket]
    package var intervals: [Interval]

    /// Creates measurements.
    package init(tickets: [Ticket], intervals: [Interval]) {
        self.tickets = tickets
        self.intervals = intervals
    }
}

/// One invoice reconciled: every billed line against the measured quantity, and the net after service credits.
package struct InvoiceReconciliation: Sendable, Hashable, Codable {
    /// Where a line stands.
    package enum State: String, Sendable, Hashable, Codable {
        /// The difference is within the contract's tolerance.
        case within
        /// The difference is beyond the tolerance: alerted, with evidence.
        case beyond
        /// Nothing the agents send measures this line (or not for every record in its scope): no figure is invented.
        case notMeasured = "not measured"
    }

    /// The records behind a line, bounded.
    package struct Evidence: Sendable, Hashable, Codable {
        /// Interval reports in the line's scope and month.
        package var intervals: Int
        /// Their keys (`site/queue/start`), sorted, at most ``InvoiceReconciliation/maxEvidenceKeys``.
        package var intervalKeys: [String]
        /// Tickets created in the month in the line's scope (contacts lines).
        package var tickets: Int
        /// Their ids, sorted, at most ``InvoiceReconciliation/maxEvidenceKeys``.
        package var ticketIds: [String]

        /// Creates evidence.
        package init(intervals: Int = 0, intervalKeys: [String] = [], tickets: Int = 0, ticketIds: [String] = []) {
            self.intervals = intervals
            self.intervalKeys = intervalKeys
            self.tickets = tickets
            self.ticketIds = ticketIds
        }
    }

    /// One billed line reconciled.
    package struct Line: Sendable, Hashable, Codable {
        package var id: String
        package var kind: Invoice.LineKind
        package var channel: String?
        package var site: String?
        package var queue: String?
        /// `contacts`, `minutes` or `hours`.
        package var unit: String
        package var billed: ExactDecimal
        package var unitPrice: ExactDecimal
        package var amount: ExactDecimal
        /// The measured quantity; `nil` when not measured.
        package var measured: ExactDecimal?
        /// What the measured quantity comes from (`interval reports (handled)`, `tickets created`), or why it is not measured.
        package var source: String
        /// Billed − measured; `nil` when not measured.
        package var difference: ExactDecimal?
        /// The difference priced at the line's unit price, rounded to the cent; `nil` when not measured.
        package var differenceAmount: ExactDecimal?
        /// The contract's tolerance for the line's kind, as text (`2% or 5 contacts`, `exact`).
        package var tolerance: String
        /// The difference allowed for this line; `nil` when not measured.
        package var allowed: ExactDecimal?
        package var state: State
        /// Only for lines beyond tolerance.
        package var evidence: Evidence?

        /// The line's scope as one text.
        package var scopeText: String {
            Invoice.Line(id: self.id, kind: self.kind, channel: self.channel, site: self.site, queue: self.queue, quantity: .zero, unitPrice: .zero, amount: .zero)
                .scopeText
        }
    }

    package var provider: String
    package var month: String
    package var invoiceNumber: String
    /// The stored version of the invoice for this provider and month (1 for the first upload).
    package var invoiceVersion: Int
    package var currency: String
    package var lines: [Line]
    /// Lines beyond tolerance.
    package var beyond: Int
    /// The invoice total.
    package var invoiceTotal: ExactDecimal
    /// The month's service credits owed (the credit statement's owed amount, rounded to the cent); `nil` when the
    /// contract has no credits for the month or no monthly fee.
    package var creditsOwed: ExactDecimal?
    /// The credit statement's currency, if it states one.
    package var creditsCurrency: String?
    /// Invoice total − credits owed; `nil` without credits or when the currencies differ.
    package var net: ExactDecimal?
    /// Why there is no net, if there is none.
    package var netNote: String?

    /// Most keys listed per line in ``Evidence``.
    package static let maxEvidenceKeys = 50

    /// The unit of a line kind.
    package static func unit(of kind: Invoice.LineKind) -> String {
        switch kind {
        case .contacts: "contacts"
        case .handleMinutes: "minutes"
        case .staffedHours, .productiveHours: "hours"
        }
    }

    /// Reconciles `invoice` against `measurements`.
    /// - Parameters:
    ///   - invoice: The invoice.
    ///   - version: Its stored version.
    ///   - terms: The contract's invoicing terms in force in the month (`nil`: every line must match exactly).
    ///   - measurements: The provider's tickets and interval reports (any range; only those of the month count).
    ///   - monthStart: The month's first instant in the contract's time zone.
    ///   - monthEnd: The next month's first instant.
    ///   - creditsOwed: The credit statement's owed amount (`nil` without a statement or fee) and its currency.
    package static func reconcile(
        invoice: Invoice, version: Int, terms: InvoiceTerms?, measurements: InvoiceMeasurements, monthStart: Date, monthEnd: Date,
        creditsOwed: ExactDecimal?, creditsCurrency: String?
    ) -> InvoiceReconciliation {
        let terms = terms ?? InvoiceTerms()
        let tickets = measurements.tickets.filter { $0.createdAt >= monthStart && $0.createdAt < monthEnd }
        let intervals = measurements.intervals.filter { $0.start >= monthStart && $0.start < monthEnd }
        var lines: [Line] = []
        for billed in invoice.lines {
            func inScope(site: String, queue: String?, channel: String) -> Bool {
                (billed.channel.map { $0 == channel } ?? true) && (billed.site.map { $0 == site } ?? true) && (billed.queue.map { $0 == queue } ?? true)
            }
            let scopedIntervals = intervals.filter { inScope(site: $0.site, queue: $0.queue, channel: $0.channel) }
            let scopedTickets = billed.kind == .contacts ? tickets.filter { inScope(site: $0.site, queue: $0.queue, channel: $0.channel) } : []
            var measured: ExactDecimal?
            var source: String
            switch billed.kind {
            case .contacts:
                if !scopedIntervals.isEmpty {
                    measured = ExactDecimal(scopedIntervals.reduce(0) { $0 + $1.handled })
                    source = "interval reports (handled contacts)"
                } else if !scopedTickets.isEmpty {
                    measured = ExactDecimal(scopedTickets.count)
                    source = "tickets created in the month"
                } else {
                    measured = .zero
                    source = "no interval reports or tickets in scope"
                }
            case .handleMinutes:
                if scopedIntervals.isEmpty {
                    source = "not measured: no interval reports in scope"
                } else {
                    measured = ExactDecimal(ratio: scopedIntervals.reduce(Int64(0)) { $0 + $1.handleMilliseconds }, 60_000)
                    source = "interval reports (handle time)"
                }
            case .staffedHours:
                let reporting = scopedIntervals.filter { $0.agentsStaffed != nil }
                if scopedIntervals.isEmpty {
                    source = "not measured: no interval reports in scope"
                } else if reporting.count < scopedIntervals.count {
                    source = "not measured: \(reporting.count) of \(scopedIntervals.count) interval reports give agents staffed"
                } else {
                    let agentMinutes = reporting.reduce(Int64(0)) { $0 + Int64($1.agentsStaffed ?? 0) * Int64($1.minutes) }
                    measured = ExactDecimal(ratio: agentMinutes, 60)
                    source = "interval reports (agents staffed × interval length)"
                }
            case .productiveHours:
                source = "not measured: interval reports carry no productive time"
            }
            let tolerance = terms.tolerance(for: billed.kind)
            let unit = Self.unit(of: billed.kind)
            var line = Line(
                id: billed.id, kind: billed.kind, channel: billed.channel, site: billed.site, queue: billed.queue, unit: unit, billed: billed.quantity,
                unitPrice: billed.unitPrice, amount: billed.amount, measured: measured, source: source, difference: nil, differenceAmount: nil,
                tolerance: tolerance.text(unit: unit), allowed: nil, state: .notMeasured, evidence: nil
            )
            if let measured {
                let difference = billed.quantity - measured
                let allowed = tolerance.allowance(measured: measured)
                line.difference = difference
                line.differenceAmount = difference.multiplied(by: billed.unitPrice, roundedTo: 2)
                line.allowed = allowed
                line.state = difference.magnitude <= allowed ? .within : .beyond
                if line.state == .beyond {
                    line.evidence = Evidence(
                        intervals: scopedIntervals.count, intervalKeys: Array(scopedIntervals.map(\.key).sorted().prefix(Self.maxEvidenceKeys)),
                        tickets: scopedTickets.count, ticketIds: Array(scopedTickets.map(\.id).sorted().prefix(Self.maxEvidenceKeys))
                    )
                }
            }
            lines.append(line)
        }
        let total = invoice.total
        var net: ExactDecimal?
        var netNote: String?
        if let creditsOwed {
            if let creditsCurrency, creditsCurrency != invoice.currency {
                netNote = "the credit statement is in \(creditsCurrency), the invoice in \(invoice.currency): no net is computed"
            } else {
                net = total - creditsOwed
            }
        } else {
            netNote = "no service credits are computed for the month (no credit statement or no monthly fee)"
        }
        return InvoiceReconciliation(
            provider: invoice.provider, month: invoice.month, invoiceNumber: invoice.number, invoiceVersion: version, currency: invoice.currency,
            lines: lines, beyond: lines.filter { $0.state == .beyond }.count, invoiceTotal: total, creditsOwed: creditsOwed,
            creditsCurrency: creditsCurrency, net: net, netNote: netNote
        )
    }
}
