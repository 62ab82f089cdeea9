//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Invoice files, the contract's invoicing terms, exact decimals and the reconciliation, with hand-computed figures.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightConfig
import OversightSLA
import Testing

@Suite struct InvoiceTests {
    static let header = "invoice,provider,month,currency,line,kind,channel,site,queue,quantity,unit_price,amount"

    static func csv(_ lines: [String]) -> Data {
        Data((([Self.header] + lines).joined(separator: "\n") + "\n").utf8)
    }

    /// The invoice of the hand computation below (and of the end-to-end test).
    static let handComputed = [
        "INV-7,acme,2026-11,EUR,L1,contacts,phone,,,360,0.80,288.00",
        "INV-7,acme,2026-11,EUR,L2,contacts,email,,,33,1.50,49.50",
        "INV-7,acme,2026-11,EUR,L3,handle_minutes,,,,1836,0.45,826.20",
        "INV-7,acme,2026-11,EUR,L4,staffed_hours,,lisbon,,6.5,20,130.00",
        "INV-7,acme,2026-11,EUR,L5,productive_hours,,,,5,22,110.00",
    ]

    // MARK: Exact decimals

    @Test func decimalsAreExact() throws {
        let a = try #require(ExactDecimal(parsing: "0.1"))
        let b = try #require(ExactDecimal(parsing: "0.2"))
        #expect((a + b) == ExactDecimal(parsing: "0.3"))
        #expect(ExactDecimal(parsing: "1836")?.multiplied(by: ExactDecimal(parsing: "0.45")!, roundedTo: 2)?.money == "826.20")
        #expect(ExactDecimal(parsing: "0.005")?.rounded(to: 2).money == "0.01")
        #expect(ExactDecimal(parsing: "-0.005")?.rounded(to: 2).money == "-0.01")
        #expect(ExactDecimal(ratio: 1, 3)?.description == "0.3333")
        #expect(ExactDecimal(ratio: 2, 3)?.description == "0.6667")
        #expect(ExactDecimal(parsing: "1800")?.percent(ExactDecimal(2))?.description == "36")
        #expect(ExactDecimal(roundingToCent: 300.004)?.money == "300.00")
        for bad in ["", "-", "1.", ".5", "1,000", "1e3", "+1", " 1", "1.23456", "1234567890123"] {
            #expect(ExactDecimal(parsing: bad) == nil, "\(bad)")
        }
        #expect(ExactDecimal(parsing: "1.234", places: 2) == nil)
        let json = try JSONEncoder().encode(ExactDecimal(parsing: "1843.75"))
        #expect(String(decoding: json, as: UTF8.self) == "\"1843.75\"")
    }

    // MARK: Parsing

    @Test func readsACSVInvoice() throws {
        let invoice = try Invoice.parse(Self.csv(Self.handComputed), file: "inv.csv")
        #expect(invoice.number == "INV-7" && invoice.provider == "acme" && invoice.month == "2026-11" && invoice.currency == "EUR")
        #expect(invoice.lines.map(\.id) == ["L1", "L2", "L3", "L4", "L5"])
        #expect(invoice.lines[1].channel == "email" && invoice.lines[3].site == "lisbon" && invoice.lines[3].queue == nil)
        #expect(invoice.total.money == "1403.70")
    }

    @Test func readsAJSONInvoice() throws {
        let json = """
            {"invoice": "INV-7", "provider": "acme", "month": "2026-11", "currency": "EUR", "total": "337.50",
             "lines": [{"id": "L1", "kind": "contacts", "channel": "phone", "quantity": "360", "unit_price": "0.80", "amount": "288.00"},
                       {"id": "L2", "kind": "contacts", "channel": "email", "site": "lisbon", "queue": "billing", "quantity": "33", "unit_price": "1.50", "amount": "49.50"}]}
            """
        let invoice = try Invoice.parse(Data(json.utf8), file: "inv.json")
        #expect(invoice.lines.count == 2 && invoice.lines[1].queue == "billing" && invoice.total.money == "337.50")
    }

    @Test(arguments: [
        (["INV-7,acme,2026-11,EUR,L1,contacts,phone,,,360,0.80,288.00", "INV-7,acme,2026-11,EUR,L2,contacts,email,,,33,1.50,49.00"], "inv.csv:3 (amount)", "is not quantity × unit_price = 33 × 1.5 = 49.50"),
        (["INV-7,acme,2026-11,EUR,L1,calls,phone,,,360,0.80,288.00"], "inv.csv:2 (kind)", "is not one of contacts"),
        (["INV-7,acme,2026-11,EUR,L1,contacts,,,,360,0.80,288.00"], "inv.csv:2 (channel)", "must name its channel"),
        (["INV-7,acme,2026-11,EUR,L1,contacts,fax,,,360,0.80,288.00"], "inv.csv:2 (channel)", "is not one of email"),
        (["INV-7,acme,2026-11,EUR,L1,contacts,phone,,,360.5,0.80,288.40"], "inv.csv:2 (quantity)", "whole contacts"),
        (["INV-7,acme,2026-11,EUR,L1,contacts,phone,,,\"1,000\",0.80,800.00"], "inv.csv:2", "quote"),
        (["INV-7,acme,2026-11,EUR,L1,contacts,phone,,,360,0.80,288.00", "INV-7,acme,2026-12,EUR,L2,contacts,email,,,33,1.50,49.50"], "inv.csv:3 (month)", "differs from '2026-11'"),
        (["INV-7,acme,2026-11,EUR,L1,contacts,phone,,,360,0.80,288.00", "INV-7,acme,2026-11,EUR,L1,contacts,email,,,33,1.50,49.50"], "inv.csv:3", "used twice (first at inv.csv:2)"),
        (["INV-7,acme,2026-11,EUR,L1,contacts,phone,,,360,0.80,288.00", "INV-7,acme,2026-11,EUR,L2,contacts,phone,,,33,1.50,49.50"], "inv.csv:3", "same scope"),
        (["INV-7,acme,2026-11,EUR,L1,contacts,phone,,,360,0.80"], "inv.csv:2", "11 fields"),
        (["INV-7,acme,2026-13,EUR,L1,contacts,phone,,,360,0.80,288.00"], "inv.csv:2 (month)", "not a month YYYY-MM"),
        (["INV-7,acme,2026-11,eur,L1,contacts,phone,,,360,0.80,288.00"], "inv.csv:2 (currency)", "ISO 4217"),
        (["INV-7,acme,2026-11,EUR,L1,contacts,phone,,,360,0.80,288.00", "", "INV-7,acme,2026-11,EUR,L2,contacts,email,,,33,1.50,49.50"], "inv.csv:3", "an empty line"),
        (["INV-7,acme,2026-11,EUR,\"L1,contacts,phone,,,360,0.80,288.00"], "inv.csv:2", "quote"),
    ])
    func csvProblemsNameTheirLine(lines: [String], location: String, fragment: String) {
        #expect {
            _ = try Invoice.parse(Self.csv(lines), file: "inv.csv")
        } throws: { error in
            guard let error = error as? InvoiceError else { return false }
            let matches = error.location == location && error.message.contains(fragment)
            if !matches { Issue.record("got \(error)") }
            return matches
        }
    }

    @Test func aWrongHeaderIsNamed() {
        #expect(throws: InvoiceError("inv.csv:1", "the header must be exactly: \(Invoice.csvColumns.joined(separator: ","))")) {
            _ = try Invoice.parse(Data("invoice,provider\nINV-7,acme\n".utf8), file: "inv.csv")
        }
    }

    @Test(arguments: [
        (#"{"invoice": "I", "provider": "acme", "month": "2026-11", "currency": "EUR", "lines": [{"id": "L1", "kind": "contacts", "channel": "phone", "quantity": 360, "unit_price": "0.80", "amount": "288.00"}]}"#, "inv.json at $.lines[0].quantity", "binary floating point"),
        (#"{"invoice": "I", "provider": "acme", "month": "2026-11", "currency": "EUR", "lines": [{"id": "L1", "kind": "contacts", "channel": "phone", "quantity": "360", "unit_price": "0.80", "amount": "288.00", "note": "x"}]}"#, "inv.json at $.lines[0].note", "unknown member"),
        (#"{"invoice": "I", "provider": "acme", "month": "2026-11", "currency": "EUR", "lines": [{"id": "L1", "kind": "contacts", "channel": "phone", "quantity": "360", "unit_price": "0.80", "amount": "288.01"}]}"#, "inv.json at $.lines[0].amount", "is not quantity × unit_price"),
        (#"{"invoice": "I", "provider": "acme", "month": "2026-11", "currency": "EUR", "total": "1.00", "lines": [{"id": "L1", "kind": "contacts", "channel": "phone", "quantity": "360", "unit_price": "0.80", "amount": "288.00"}]}"#, "inv.json at $.total", "not the sum"),
        (#"{"invoice": "I", "provider": "acme", "currency": "EUR", "lines": []}"#, "inv.json at $.month", "missing"),
        (#"{"invoice": "I", "invoice": "J", "provider": "acme", "month": "2026-11", "currency": "EUR", "lines": []}"#, "inv.json at $", "appears twice"),
        (#"{"invoice": "I", "provider": "acme", "month": "2026-11", "currency": "EUR", "lines": []}"#, "inv.json", "no billed lines"),
    ])
    func jsonProblemsNameTheirPath(json: String, location: String, fragment: String) {
        #expect {
            _ = try Invoice.parse(Data(json.utf8), file: "inv.json")
        } throws: { error in
            guard let error = error as? InvoiceError else { return false }
            let matches = error.location == location && error.message.contains(fragment)
            if !matches { Issue.record("got \(error)") }
            return matches
        }
    }

    @Test func limitsAreEnforced() {
        let big = Data(repeating: UInt8(ascii: "a"), count: Invoice.Limits.maxBytes + 1)
        #expect(throws: InvoiceError.self) { _ = try Invoice.parse(big, file: "big.csv") }
        let many = (1...1_001).map { "I,acme,2026-11,EUR,L\($0),contacts,phone,s\($0),,1,1,1.00" }
        #expect {
            _ = try Invoice.parse(Self.csv(many), file: "many.csv")
        } throws: { error in
            (error as? InvoiceError)?.message.contains("at most 1000 billed lines") ?? false
        }
    }

    // MARK: Contract terms

    static func contract(_ invoicing: String) throws -> Contract {
        let yaml = """
            provider: p
            versions:
              - effective_from: 2025-01-01
                calendar: {time_zone: UTC, hours: 24/7}
                targets: {first_reply: 1h}
                invoicing:
            \(invoicing)
            """
        return try Contract(yaml: yaml, file: "p.contract.yaml", baseDirectory: "/nonexistent")
    }

    @Test func readsToleranceTerms() throws {
        let contract = try Self.contract(
            """
                  tolerance:
                    contacts: {percent: 2%, absolute: 2}
                    handle_minutes: {percent: 2.5%}
                    staffed_hours: {absolute: 0.5}
            """
        )
        let terms = try #require(contract.versions.first?.invoicing)
        #expect(terms.tolerance(for: .contacts) == .init(percent: ExactDecimal(2), absolute: ExactDecimal(2)))
        #expect(terms.tolerance(for: .handleMinutes).percent == ExactDecimal(parsing: "2.5"))
        #expect(terms.tolerance(for: .productiveHours) == .init())
        #expect(terms.tolerance(for: .contacts).text(unit: "contacts") == "2% or 2 contacts")
        // The larger of the two: 2 % of 30 is 0.6, so the absolute 2 allows; 2 % of 1000 is 20.
        #expect(terms.tolerance(for: .contacts).allowance(measured: ExactDecimal(30)) == ExactDecimal(2))
        #expect(terms.tolerance(for: .contacts).allowance(measured: ExactDecimal(1000)) == ExactDecimal(20))
        #expect(terms.tolerance(for: .productiveHours).allowance(measured: ExactDecimal(1000)) == .zero)
    }

    @Test func theShippedAcmeContractHasInvoicingTerms() throws {
        let file = TestSupport.repositoryRoot.appendingPathComponent("deploy/contracts/acme-support.contract.yaml").path
        let terms = try #require(try Contract.load(file: file).versions.last?.invoicing)
        #expect(terms.tolerances[.contacts] != nil)
    }

    @Test(arguments: [
        ("      tolerance:\n        calls: {percent: 2%}", 8, "unknown key 'calls'"),
        ("      tolerance:\n        contacts: {}", 8, "needs percent, absolute or both"),
        ("      tolerance:\n        contacts: {percent: 200%}", 8, "0% to 100%"),
        ("      tolerance:\n        contacts: {percent: 2}", 8, "0% to 100%"),
        ("      tolerance:\n        contacts: {absolute: -1}", 8, "≥ 0"),
        ("      tolerance:\n        contacts: {relative: 1}", 8, "relative"),
        ("      tolerances: {}", 7, "tolerances"),
    ])
    func termProblemsNameTheirFileAndLine(section: String, line: Int, fragment: String) {
        #expect {
            _ = try Self.contract(section)
        } throws: { error in
            guard let error = error as? ConfigError else { return false }
            let matches = error.file == "p.contract.yaml" && error.line == line && error.description.contains(fragment)
            if !matches { Issue.record("got \(error)") }
            return matches
        }
    }

    // MARK: Reconciliation

    /// November 2026 in UTC: four phone intervals of the billing queue at lisbon on the 2nd (90 handled, 27,000 s handle
    /// time, 6 agents staffed each), one in October and one in December (outside), and 30 email tickets created on the
    /// 2nd plus one created in October.
    static func measurements(staffedEverywhere: Bool = true) -> (InvoiceMeasurements, Date, Date) {
        let start = Date(timeIntervalSince1970: 1_793_491_200)  // 2026-11-01T00:00:00Z
        let end = Date(timeIntervalSince1970: 1_796_083_200)  // 2026-12-01T00:00:00Z
        var intervals = (0..<4).map { slot in
            InvoiceMeasurements.Interval(
                site: "lisbon", queue: "billing", channel: "phone", start: start.addingTimeInterval(86_400 + Double(slot) * 900), minutes: 15,
                handled: 90, handleSeconds: 27_000, agentsStaffed: 6
            )
        }
        if !staffedEverywhere { intervals[3].agentsStaffed = nil }
        for outside in [start.addingTimeInterval(-900), end] {
            intervals.append(
                .init(site: "lisbon", queue: "billing", channel: "phone", start: outside, minutes: 15, handled: 500, handleSeconds: 1, agentsStaffed: 50)
            )
        }
        var tickets = (1...30).map { n in
            InvoiceMeasurements.Ticket(id: "EV-\(n)", site: "lisbon", queue: "billing", channel: "email", createdAt: start.addingTimeInterval(86_400 + Double(n) * 60))
        }
        tickets.append(.init(id: "OLD-1", site: "lisbon", queue: "billing", channel: "email", createdAt: start.addingTimeInterval(-60)))
        return (InvoiceMeasurements(tickets: tickets, intervals: intervals), start, end)
    }

    static let terms = InvoiceTerms(tolerances: [
        .contacts: .init(percent: ExactDecimal(2), absolute: ExactDecimal(2)),
        .handleMinutes: .init(percent: ExactDecimal(2)),
        .staffedHours: .init(absolute: ExactDecimal(parsing: "0.5")),
    ])

    @Test func reconcilesAgainstHandComputedFigures() throws {
        let invoice = try Invoice.parse(Self.csv(Self.handComputed), file: "inv.csv")
        let (measurements, start, end) = Self.measurements()
        let result = InvoiceReconciliation.reconcile(
            invoice: invoice, version: 2, terms: Self.terms, measurements: measurements, monthStart: start, monthEnd: end,
            creditsOwed: ExactDecimal(300), creditsCurrency: "EUR"
        )
        let byId = Dictionary(uniqueKeysWithValues: result.lines.map { ($0.id, $0) })
        // L1: 4 × 90 = 360 handled phone contacts, billed 360: within.
        let l1 = try #require(byId["L1"])
        #expect(l1.measured == ExactDecimal(360) && l1.difference == .zero && l1.state == .within && l1.source.contains("interval reports"))
        // L2: 30 email tickets (not the October one), billed 33: 3 over, allowed max(2 % × 30 = 0.6, 2) = 2: beyond, 4.50 EUR.
        let l2 = try #require(byId["L2"])
        #expect(l2.measured == ExactDecimal(30) && l2.difference == ExactDecimal(3) && l2.allowed == ExactDecimal(2) && l2.state == .beyond)
        #expect(l2.differenceAmount?.money == "4.50" && l2.source.contains("tickets"))
        let evidence = try #require(l2.evidence)
        #expect(evidence.tickets == 30 && evidence.ticketIds.count == 30 && evidence.ticketIds.first == "EV-1" && !evidence.ticketIds.contains("OLD-1"))
        #expect(evidence.intervals == 0)
        // L3: 4 × 27,000 s = 1,800 min, billed 1,836: 36 over, allowed 2 % × 1,800 = 36: within (the bound is inclusive).
        let l3 = try #require(byId["L3"])
        #expect(l3.measured == ExactDecimal(1800) && l3.difference == ExactDecimal(36) && l3.allowed == ExactDecimal(36) && l3.state == .within)
        #expect(l3.evidence == nil)
        // L4: 4 × 6 agents × 15 min = 6 h at lisbon, billed 6.5: 0.5 over, allowed 0.5: within.
        let l4 = try #require(byId["L4"])
        #expect(l4.measured == ExactDecimal(6) && l4.difference == ExactDecimal(parsing: "0.5") && l4.state == .within)
        // L5: productive hours are not measured: no figure, no state either way.
        let l5 = try #require(byId["L5"])
        #expect(l5.measured == nil && l5.difference == nil && l5.state == .notMeasured && l5.source.hasPrefix("not measured"))
        // 288 + 49.50 + 826.20 + 130 + 110 = 1,403.70; less 300 credits = 1,103.70.
        #expect(result.beyond == 1 && result.invoiceTotal.money == "1403.70" && result.net?.money == "1103.70" && result.invoiceVersion == 2)
    }

    @Test func staffedHoursAreNotMeasuredWhenAReportLacksThem() throws {
        let invoice = try Invoice.parse(Self.csv(Self.handComputed), file: "inv.csv")
        let (measurements, start, end) = Self.measurements(staffedEverywhere: false)
        let result = InvoiceReconciliation.reconcile(
            invoice: invoice, version: 1, terms: nil, measurements: measurements, monthStart: start, monthEnd: end, creditsOwed: nil, creditsCurrency: nil
        )
        let l4 = try #require(result.lines.first { $0.id == "L4" })
        #expect(l4.state == .notMeasured && l4.source == "not measured: 3 of 4 interval reports give agents staffed")
        // Without terms every line must match exactly: L3 is now beyond; no credits, no net.
        #expect(result.lines.first { $0.id == "L3" }?.state == .beyond)
        #expect(result.net == nil && result.netNote != nil)
    }

    @Test func aCurrencyMismatchGivesNoNet() throws {
        let invoice = try Invoice.parse(Self.csv(Self.handComputed), file: "inv.csv")
        let (measurements, start, end) = Self.measurements()
        let result = InvoiceReconciliation.reconcile(
            invoice: invoice, version: 1, terms: Self.terms, measurements: measurements, monthStart: start, monthEnd: end,
            creditsOwed: ExactDecimal(300), creditsCurrency: "USD"
        )
        #expect(result.net == nil && result.netNote?.contains("USD") == true)
    }
}
