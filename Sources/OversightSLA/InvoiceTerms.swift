//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// A contract's rules for reconciling invoices: how far a billed quantity may be from the measured one, per line kind.
//
//===----------------------------------------------------------------------===//

/// How invoices are reconciled under a contract version (`invoicing:` in the contract file; docs/sla.md, "Invoicing").
package struct InvoiceTerms: Hashable, Sendable {
    /// How far a billed quantity may be from the measured one.
    package struct Tolerance: Hashable, Sendable, Codable {
        /// A share of the measured quantity, in percent (`2` for 2 %).
        package var percent: ExactDecimal?
        /// A quantity in the line's unit (contacts, minutes, hours).
        package var absolute: ExactDecimal?

        /// Creates a tolerance; with neither, a line must match exactly.
        package init(percent: ExactDecimal? = nil, absolute: ExactDecimal? = nil) {
            self.percent = percent
            self.absolute = absolute
        }

        /// The allowed difference for `measured`: the larger of `percent` % of the measured quantity (rounded to four
        /// decimals) and `absolute`; zero when neither is set.
        package func allowance(measured: ExactDecimal) -> ExactDecimal {
            let byShare = self.percent.flatMap { measured.magnitude.percent($0) } ?? .zero
            return max(byShare, self.absolute ?? .zero)
        }

        /// `2% or 5 contacts`, `exact`.
        package func text(unit: String) -> String {
            let parts = [self.percent.map { "\($0)%" }, self.absolute.map { "\($0) \(unit)" }].compactMap { $0 }
            return parts.isEmpty ? "exact" : parts.joined(separator: " or ")
        }
    }

    /// The tolerance per line kind; a kind not listed must match exactly.
    package var tolerances: [Invoice.LineKind: Tolerance]

    /// Creates terms.
    package init(tolerances: [Invoice.LineKind: Tolerance] = [:]) {
        self.tolerances = tolerances
    }

    /// The tolerance of `kind` (exact when the contract names none).
    package func tolerance(for kind: Invoice.LineKind) -> Tolerance {
        self.tolerances[kind] ?? Tolerance()
    }
}
