//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// What a folder source needs from the mapper of its kind: the mapped columns, and one row → one record.
//
//===----------------------------------------------------------------------===//

package import Foundation
package import OversightConfig
package import OversightModel

/// Why a row cannot become a record.
package struct RowProblem: Error, Sendable, Hashable {
    /// `column "Created": '31/02/2026' does not match date format dd/MM/yyyy`.
    package var message: String

    /// Creates a problem.
    package init(message: String) {
        self.message = message
    }
}

/// Maps one row of an export (CSV or JSON Lines, seen through a lookup from a field to its cell) onto a record.
///
/// ``FolderSource`` reads files the same way for every record kind; the kind's mapper says which columns it needs
/// and builds the record.
package protocol RowMapper: Sendable {
    /// The fields of the record kind that columns map to.
    associatedtype Field: Hashable & Sendable & RawRepresentable where Field.RawValue == String

    /// Mapped field → provider column (CSV header name) or key (JSON Lines, dotted path).
    var columns: [Field: String] { get }

    /// Builds a record from one row.
    /// - Parameters:
    ///   - provider: The agent's provider.
    ///   - site: The site the record belongs to.
    ///   - fileDate: When the file was written (its modification time): the version of records whose row has no
    ///     update time of its own.
    ///   - names: The values of the row's name fields (`redaction.name_fields`), removed from its free text.
    ///   - cell: The row's value for a mapped field; `nil` when the row has none.
    ///   - label: How to name a field's source in messages: `column "Created"` or `key "created"`.
    func mapRecord(
        provider: String, site: String, fileDate: Date, names: [String], cell: @escaping (Field) -> JSONValue?,
        label: @escaping (Field) -> String
    ) throws(RowProblem) -> Record
}

extension TicketRowMapper: RowMapper {
    package var columns: [TicketField: String] { self.mapping.fields }

    package func mapRecord(
        provider: String, site: String, fileDate: Date, names: [String], cell: @escaping (TicketField) -> JSONValue?,
        label: @escaping (TicketField) -> String
    ) throws(RowProblem) -> Record {
        .ticket(try self.record(provider: provider, site: site, names: names, cell: cell, label: label))
    }
}

/// A row's cells by field, with the value checks every mapper shares; each failure names the column or key.
struct RowCells<Field: Hashable> {
    let columns: [Field: String]
    let cell: (Field) -> JSONValue?
    let label: (Field) -> String

    func problem(_ field: Field, _ message: String) -> RowProblem {
        RowProblem(message: "\(self.label(field)): \(message)")
    }

    func shown(_ text: String) -> String {
        "'\(text.count > 60 ? String(text.prefix(57)) + "..." : text)'"
    }

    /// The field's text; `nil` when unmapped, missing, null or empty.
    func text(_ field: Field) throws(RowProblem) -> String? {
        guard self.columns[field] != nil, let value = self.cell(field) else { return nil }
        switch value.text {
        case .success(let text): return text
        case .failure(let notText): throw self.problem(field, "expected a single value, got \(notText.kind)")
        }
    }

    /// A whole number in `range` (`12.0` is read as 12); `nil` when the cell is empty.
    func integer(_ field: Field, in range: ClosedRange<Int>) throws(RowProblem) -> Int? {
        guard let text = try self.text(field) else { return nil }
        var digits = Substring(text)
        if let dot = digits.firstIndex(of: "."), digits[digits.index(after: dot)...].allSatisfy({ $0 == "0" }) {
            digits = digits[..<dot]
        }
        guard let value = Int(digits), range.contains(value) else {
            throw self.problem(field, "\(self.shown(text)) is not a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    /// A decimal number (`12`, `12.5`) from 0 to `maximum`; `nil` when the cell is empty.
    func seconds(_ field: Field, maximum: Double) throws(RowProblem) -> Double? {
        guard let text = try self.text(field) else { return nil }
        let allowed = text.utf8.allSatisfy { ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || $0 == UInt8(ascii: ".") }
        guard allowed, let value = Double(text), value.isFinite, value >= 0, value <= maximum else {
            throw self.problem(field, "\(self.shown(text)) is not a number of seconds from 0 to \(Int(maximum))")
        }
        return value
    }

    /// One of `Value`'s cases, by the provider's name in `table` or Oversight's own; `defaultValue` when empty.
    func choice<Value: RawRepresentable & CaseIterable>(
        _ field: Field, _ table: [String: Value], default defaultValue: Value, section: String
    ) throws(RowProblem) -> Value where Value.RawValue == String {
        guard let text = try self.text(field) else { return defaultValue }
        let lowered = text.lowercased()
        if let value = table[lowered] ?? Value(rawValue: lowered) { return value }
        throw self.problem(
            field,
            "unknown value \(self.shown(text)); map it under mapping.\(section) to one of " + Value.allCases.map(\.rawValue).joined(separator: ", ")
        )
    }
}
