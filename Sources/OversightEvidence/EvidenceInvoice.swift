//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The invoice of a bundle's month and the coordinator's reconciliation of it (docs/evidence.md, "Invoice"), and their
// check: the reconciliation recomputed from the invoice file, the contract and the signed batches alone.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightModel
import OversightSLA

extension EvidenceFormat {
    /// The latest invoice version of the month: number, version, who uploaded it and when, and its file (absent when no
    /// invoice was uploaded for the month).
    package static let invoice = "invoice.json"
    /// The invoice file as uploaded: `invoice/original.csv` or `invoice/original.json`.
    package static func invoiceOriginal(format: String) -> String { "invoice/original.\(format == "json" ? "json" : "csv")" }
    /// The coordinator's reconciliation of that invoice.
    package static let reconciliation = "reconciliation.json"
}

extension VerificationFinding.Kind {
    /// A reconciliation line, total or the net differs from the recomputed one, or the invoice file does not match.
    package static let reconciliation = VerificationFinding.Kind(rawValue: "reconciliation difference")
}

/// `invoice.json`: which invoice version the bundle carries.
package struct EvidenceInvoice: Codable, Sendable, Hashable {
    package var provider: String
    package var month: String
    package var number: String
    package var version: Int
    /// `csv` or `json`.
    package var format: String
    /// The bundle path of the file as uploaded.
    package var file: String
    package var uploadedBy: String
    package var uploadedAt: Date
    /// Every version stored for the month (the latest counts).
    package var versions: Int

    /// Creates the document.
    package init(provider: String, month: String, number: String, version: Int, format: String, file: String, uploadedBy: String, uploadedAt: Date, versions: Int) {
        self.provider = provider
        self.month = month
        self.number = number
        self.version = version
        self.format = format
        self.file = file
        self.uploadedBy = uploadedBy
        self.uploadedAt = uploadedAt
        self.versions = versions
    }
}

/// Recomputes a bundle's reconciliation and names each difference.
package enum InvoiceCheck {
    /// The measurements the batches give: tickets and interval reports as the coordinator keeps them.
    package static func measurements(_ records: RecordSet) -> InvoiceMeasurements {
        InvoiceMeasurements(
            tickets: records.tickets.values.map { kept in
                let ticket = kept.record
                return .init(id: ticket.id, site: ticket.site, queue: ticket.queue, channel: ticket.channel.rawValue, createdAt: ticket.createdAt)
            },
            intervals: records.intervals.values.map { kept in
                let interval = kept.record
                return .init(
                    site: interval.site, queue: interval.queue, channel: interval.channel.rawValue, start: interval.start, minutes: interval.minutes,
                    handled: interval.handled, handleSeconds: interval.totalHandleTimeSeconds, agentsStaffed: interval.agentsStaffed
                )
            }
        )
    }

    /// Checks `invoice.json`, the invoice file and `reconciliation.json` of the bundle; returns the lines compared.
    static func check(reader: BundleReader, info: EvidenceBundleInfo, records: RecordSet, findings: inout [VerificationFinding]) -> Int {
        let root = reader.root
        let hasInvoice = FileManager.default.fileExists(atPath: root.appendingPathComponent(EvidenceFormat.invoice).path)
        let hasReconciliation = FileManager.default.fileExists(atPath: root.appendingPathComponent(EvidenceFormat.reconciliation).path)
        guard hasInvoice || hasReconciliation else { return 0 }
        func fail(_ subject: String, _ message: String) -> Int {
            findings.append(VerificationFinding(.reconciliation, subject, message))
            return 0
        }
        let document: EvidenceInvoice
        let stored: InvoiceReconciliation
        do {
            document = try reader.json(EvidenceInvoice.self, EvidenceFormat.invoice)
            stored = try reader.json(InvoiceReconciliation.self, EvidenceFormat.reconciliation)
        } catch {
            return fail("invoice", "\(error.message)")
        }
        guard document.file == EvidenceFormat.invoiceOriginal(format: document.format), BundleReader.isSafe(document.file) else {
            return fail(EvidenceFormat.invoice, "names the invoice file \(document.file.prefix(200)), not \(EvidenceFormat.invoiceOriginal(format: document.format))")
        }
        let invoice: Invoice
        do {
            let bytes = try reader.data(document.file, limit: Invoice.Limits.maxBytes)
            invoice = try Invoice.parse(bytes, file: document.file, format: document.format == "json" ? .json : .csv)
        } catch let error as InvoiceError {
            return fail(document.file, "does not parse: \(error.description)")
        } catch {
            return fail(document.file, "\(error)")
        }
        if invoice.provider != info.provider || invoice.month != info.month || invoice.number != document.number
            || document.provider != info.provider || document.month != info.month
        {
            findings.append(
                VerificationFinding(.reconciliation, EvidenceFormat.invoice, "provider, month or invoice number differ from the invoice file or \(EvidenceFormat.bundle)")
            )
        }
        let contract: Contract
        let plan: MonthFigurePlan
        do {
            contract = try Contract.load(file: root.appendingPathComponent(info.contractFile).path)
            plan = try MonthFigurePlan(contract: contract, month: info.month, now: info.exportedAt)
        } catch {
            return fail(EvidenceFormat.reconciliation, "not recomputed: the contract does not load: \(error)")
        }
        var owed: ExactDecimal?
        var currency: String?
        if info.hasCreditStatement {
            // The statement itself is checked against the batches by the credit check; a difference there is named there.
            do {
                let credits = try reader.json(EvidenceCreditStatement.self, EvidenceFormat.credits)
                owed = credits.owedAmount.flatMap { ExactDecimal(roundingToCent: $0) }
                currency = credits.currency
            } catch {
                return fail(EvidenceFormat.reconciliation, "not recomputed: \(EvidenceFormat.credits): \(error.message)")
            }
        }
        let mine = InvoiceReconciliation.reconcile(
            invoice: invoice, version: document.version, terms: plan.version.invoicing ?? contract.versions.last?.invoicing,
            measurements: Self.measurements(records), monthStart: plan.month.start, monthEnd: plan.month.end, creditsOwed: owed, creditsCurrency: currency
        )
        findings += Self.differences(stored: stored, recomputed: mine)
        return mine.lines.count
    }

    /// Every field of `stored` that differs from `recomputed`, each naming the line and the field.
    package static func differences(stored: InvoiceReconciliation, recomputed: InvoiceReconciliation) -> [VerificationFinding] {
        var findings: [VerificationFinding] = []
        let file = EvidenceFormat.reconciliation
        func compare<T: Equatable>(_ subject: String, _ name: String, _ a: T, _ b: T, _ show: (T) -> String) {
            if a != b { findings.append(VerificationFinding(.reconciliation, subject, "\(name): coordinator \(show(a)), recomputed \(show(b))")) }
        }
        func text(_ value: ExactDecimal?) -> String { value?.description ?? "none" }
        compare(file, "provider", stored.provider, recomputed.provider) { $0 }
        compare(file, "month", stored.month, recomputed.month) { $0 }
        compare(file, "invoiceNumber", stored.invoiceNumber, recomputed.invoiceNumber) { $0 }
        compare(file, "invoiceVersion", stored.invoiceVersion, recomputed.invoiceVersion) { String($0) }
        compare(file, "currency", stored.currency, recomputed.currency) { $0 }
        compare(file, "beyond", stored.beyond, recomputed.beyond) { String($0) }
        compare(file, "invoiceTotal", stored.invoiceTotal, recomputed.invoiceTotal) { $0.money }
        compare(file, "creditsOwed", stored.creditsOwed, recomputed.creditsOwed, text)
        compare(file, "net", stored.net, recomputed.net, text)
        let storedLines = Dictionary(stored.lines.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let mineIds = Set(recomputed.lines.map(\.id))
        for line in stored.lines where !mineIds.contains(line.id) {
            findings.append(VerificationFinding(.reconciliation, "\(file) line \(line.id.prefix(64))", "not a line of the invoice file"))
        }
        for line in recomputed.lines {
            let subject = "\(file) line \(line.id) (\(line.kind.rawValue), \(line.scopeText))"
            guard let kept = storedLines[line.id] else {
                findings.append(VerificationFinding(.reconciliation, subject, "missing from the coordinator's reconciliation"))
                continue
            }
            compare(subject, "kind", kept.kind.rawValue, line.kind.rawValue) { $0 }
            compare(subject, "billed", kept.billed, line.billed) { $0.description }
            compare(subject, "amount", kept.amount, line.amount) { $0.money }
            compare(subject, "measured", kept.measured, line.measured, text)
            compare(subject, "difference", kept.difference, line.difference, text)
            compare(subject, "allowed", kept.allowed, line.allowed, text)
            compare(subject, "state", kept.state.rawValue, line.state.rawValue) { $0 }
            compare(subject, "source", kept.source, line.source) { $0 }
            compare(subject, "evidence", kept.evidence, line.evidence) { evidence in
                evidence.map { "\($0.intervals) intervals, \($0.tickets) tickets" } ?? "none"
            }
        }
        return findings
    }
}
