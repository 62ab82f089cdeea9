//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Reading an invoice file, CSV or JSON, strictly: every problem names the file and the line (CSV) or the JSON path.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightModel

/// A problem in an invoice file: where (`invoice.csv:4`, `invoice.json at $.lines[2].amount`) and what.
package struct InvoiceError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The file and the line or JSON path.
    package var location: String
    package var message: String

    /// Creates an error.
    package init(_ location: String, _ message: String) {
        self.location = location
        self.message = message
    }

    package var description: String { "\(self.location): \(self.message)" }
}

extension Invoice {
    /// The formats an invoice file may have.
    package enum FileFormat: String, Sendable, Hashable, CaseIterable {
        case csv
        case json
    }

    /// The CSV columns, in this order, on the header line.
    package static let csvColumns = [
        "invoice", "provider", "month", "currency", "line", "kind", "channel", "site", "queue", "quantity", "unit_price", "amount",
    ]

    /// Reads an invoice file. The format is JSON when the first character that is not white space is `{`, else CSV.
    /// - Parameters:
    ///   - data: The file's bytes (at most ``Limits/maxBytes``).
    ///   - file: The name used in errors.
    /// - Throws: ``InvoiceError`` naming the line (CSV) or the JSON path of the first problem.
    package static func parse(_ data: Data, file: String) throws(InvoiceError) -> Invoice {
        try self.parse(data, file: file, format: self.format(of: data))
    }

    /// The format of `data`: JSON when it starts (after white space) with `{`.
    package static func format(of data: Data) -> FileFormat {
        data.first { ![0x20, 0x09, 0x0A, 0x0D, 0xEF, 0xBB, 0xBF].contains($0) } == UInt8(ascii: "{") ? .json : .csv
    }

    /// Reads an invoice file of a known format.
    package static func parse(_ data: Data, file: String, format: FileFormat) throws(InvoiceError) -> Invoice {
        guard data.count <= Limits.maxBytes else {
            throw InvoiceError(file, "the file has \(data.count) bytes; an invoice file may have at most \(Limits.maxBytes)")
        }
        guard !data.isEmpty else { throw InvoiceError(file, "the file is empty") }
        guard let text = String(data: data, encoding: .utf8) else { throw InvoiceError(file, "the file is not UTF-8 text") }
        guard !text.unicodeScalars.contains("\0") else { throw InvoiceError(file, "the file holds a NUL character") }
        let invoice = switch format {
        case .csv: try self.parseCSV(text, file: file)
        case .json: try self.parseJSON(data, file: file)
        }
        return invoice
    }

    // MARK: Fields

    /// Checks one field value; `where` names it in errors.
    static func identifier(_ value: String, _ name: String, at location: String) throws(InvoiceError) -> String {
        guard !value.isEmpty else { throw InvoiceError(location, "\(name) is empty") }
        guard value.utf8.count <= Limits.maxIdentifierBytes else {
            throw InvoiceError(location, "\(name) is longer than \(Limits.maxIdentifierBytes) bytes")
        }
        guard value.unicodeScalars.allSatisfy({ !CharacterSet.controlCharacters.contains($0) }), value == value.trimmingCharacters(in: .whitespaces)
        else { throw InvoiceError(location, "\(name) holds control characters or leading or trailing spaces") }
        return value
    }

    static func month(_ value: String, at location: String) throws(InvoiceError) -> String {
        let parts = value.split(separator: "-", omittingEmptySubsequences: false)
        guard value.count == 7, parts.count == 2, parts[0].count == 4, parts[1].count == 2, let year = Int(parts[0]), let month = Int(parts[1]),
            (2000...2999).contains(year), (1...12).contains(month)
        else { throw InvoiceError(location, "month '\(value.prefix(40))' is not a month YYYY-MM (such as 2026-11)") }
        return value
    }

    static func currency(_ value: String, at location: String) throws(InvoiceError) -> String {
        guard value.count == 3, value.allSatisfy({ $0.isASCII && $0.isUppercase }) else {
            throw InvoiceError(location, "currency '\(value.prefix(40))' is not an ISO 4217 code of three capital letters (such as EUR)")
        }
        return value
    }

    static func decimal(_ value: String, _ name: String, places: Int, at location: String) throws(InvoiceError) -> ExactDecimal {
        guard let decimal = ExactDecimal(parsing: value, places: places) else {
            throw InvoiceError(
                location,
                "\(name) '\(value.prefix(40))' is not a decimal number with at most \(places) decimals and 12 integer digits (such as 1843.75; no thousands separators)"
            )
        }
        return decimal
    }

    /// Builds one line from its field texts (empty optional fields are `nil`), checking kind, scope and arithmetic.
    static func line(
        id: String, kind: String, channel: String?, site: String?, queue: String?, quantity: String, unitPrice: String, amount: String,
        at location: (String) -> String
    ) throws(InvoiceError) -> Line {
        let id = try Self.identifier(id, "the line id", at: location("line"))
        guard let lineKind = LineKind(rawValue: kind) else {
            throw InvoiceError(
                location("kind"), "kind '\(kind.prefix(40))' is not one of \(LineKind.allCases.map(\.rawValue).joined(separator: ", "))"
            )
        }
        if let channel, !Self.channels.contains(channel) {
            throw InvoiceError(location("channel"), "channel '\(channel.prefix(40))' is not one of \(Self.channels.joined(separator: ", "))")
        }
        if lineKind == .contacts, channel == nil {
            throw InvoiceError(location("channel"), "a contacts line must name its channel (\(Self.channels.joined(separator: ", ")))")
        }
        let site = try site.map { s throws(InvoiceError) in try Self.identifier(s, "site", at: location("site")) }
        let queue = try queue.map { q throws(InvoiceError) in try Self.identifier(q, "queue", at: location("queue")) }
        let quantityValue = try Self.decimal(quantity, "quantity", places: 4, at: location("quantity"))
        let priceValue = try Self.decimal(unitPrice, "unit_price", places: 4, at: location("unit_price"))
        let amountValue = try Self.decimal(amount, "amount", places: 2, at: location("amount"))
        guard quantityValue.units >= 0 else { throw InvoiceError(location("quantity"), "quantity is negative") }
        if lineKind == .contacts, !quantityValue.isWhole {
            throw InvoiceError(location("quantity"), "a contacts line bills whole contacts, not \(quantityValue)")
        }
        guard let expected = quantityValue.multiplied(by: priceValue, roundedTo: 2) else {
            throw InvoiceError(location("amount"), "quantity × unit_price is too large")
        }
        guard expected == amountValue else {
            throw InvoiceError(
                location("amount"), "amount \(amountValue.money) is not quantity × unit_price = \(quantityValue) × \(priceValue) = \(expected.money)"
            )
        }
        return Line(id: id, kind: lineKind, channel: channel, site: site, queue: queue, quantity: quantityValue, unitPrice: priceValue, amount: amountValue)
    }

    /// Checks what spans lines: at least one line, unique ids, no two lines of the same kind and scope.
    static func checked(_ invoice: Invoice, file: String, lineLocation: (Int) -> String) throws(InvoiceError) -> Invoice {
        guard !invoice.lines.isEmpty else { throw InvoiceError(file, "the invoice has no billed lines") }
        var ids: [String: Int] = [:]
        var scopes: [String: Int] = [:]
        for (index, line) in invoice.lines.enumerated() {
            if let first = ids.updateValue(index, forKey: line.id) {
                throw InvoiceError(lineLocation(index), "line id '\(line.id.prefix(64))' is used twice (first at \(lineLocation(first)))")
            }
            let scope = "\(line.kind.rawValue)|\(line.channel ?? "")|\(line.site ?? "")|\(line.queue ?? "")"
            if let first = scopes.updateValue(index, forKey: scope) {
                throw InvoiceError(
                    lineLocation(index), "line '\(line.id.prefix(64))' bills \(line.kind.rawValue) of the same scope (\(line.scopeText)) as \(lineLocation(first))"
                )
            }
        }
        return invoice
    }

    // MARK: CSV

    /// Splits one CSV line into fields (RFC 4180 quoting; a quoted field may not hold a line break).
    static func csvFields(_ line: Substring, at location: String) throws(InvoiceError) -> [String] {
        var fields: [String] = []
        var field = ""
        var quoted = false
        var afterQuote = false
        var iterator = line.makeIterator()
        var started = true
        while let character = iterator.next() {
            if quoted {
                if character == "\"" {
                    quoted = false
                    afterQuote = true
                } else {
                    field.append(character)
                }
                continue
            }
            switch character {
            case ",":
                fields.append(field)
                field = ""
                afterQuote = false
                started = true
            case "\"":
                if afterQuote {
                    field.append("\"")
                    quoted = true
                    afterQuote = false
                } else if started && field.isEmpty {
                    quoted = true
                } else {
                    throw InvoiceError(location, "a quote inside an unquoted field")
                }
            default:
                if afterQuote { throw InvoiceError(location, "text after a closing quote") }
                field.append(character)
            }
            started = false
        }
        if quoted { throw InvoiceError(location, "an unclosed quote (a field may not hold a line break)") }
        fields.append(field)
        return fields
    }

    static func parseCSV(_ text: String, file: String) throws(InvoiceError) -> Invoice {
        var text = Substring(text)
        if text.hasPrefix("\u{FEFF}") { text = text.dropFirst() }
        let rawLines = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.hasSuffix("\r") ? $0.dropLast() : $0 }
        guard rawLines.count <= Limits.maxLines + 2 else {
            throw InvoiceError(file, "the file has \(rawLines.count) lines; an invoice may have at most \(Limits.maxLines) billed lines")
        }
        guard let headerLine = rawLines.first else { throw InvoiceError(file, "the file is empty") }
        let header = try Self.csvFields(headerLine, at: "\(file):1")
        guard header == Self.csvColumns else {
            throw InvoiceError("\(file):1", "the header must be exactly: \(Self.csvColumns.joined(separator: ","))")
        }
        var number: String?
        var provider: String?
        var month: String?
        var currency: String?
        var lines: [Line] = []
        var lineNumbers: [Int] = []
        for (offset, raw) in rawLines.enumerated().dropFirst() {
            let lineNumber = offset + 1
            let location = "\(file):\(lineNumber)"
            if raw.isEmpty {
                if offset == rawLines.count - 1 { break }
                throw InvoiceError(location, "an empty line")
            }
            let fields = try Self.csvFields(raw, at: location)
            guard fields.count == Self.csvColumns.count else {
                throw InvoiceError(location, "\(fields.count) fields; every line has the \(Self.csvColumns.count) columns of the header")
            }
            func column(_ name: String) -> String { fields[Self.csvColumns.firstIndex(of: name) ?? 0] }
            func optional(_ name: String) -> String? { column(name).isEmpty ? nil : column(name) }
            func at(_ name: String) -> String { "\(location) (\(name))" }
            // The invoice's own fields repeat on every line and must be the same on each.
            let lineNumberText = try Self.identifier(column("invoice"), "invoice", at: at("invoice"))
            let lineProvider = try Self.identifier(column("provider"), "provider", at: at("provider"))
            let lineMonth = try Self.month(column("month"), at: at("month"))
            let lineCurrency = try Self.currency(column("currency"), at: at("currency"))
            for (name, value, kept) in [
                ("invoice", lineNumberText, number), ("provider", lineProvider, provider), ("month", lineMonth, month), ("currency", lineCurrency, currency),
            ] {
                if let kept, kept != value {
                    throw InvoiceError(at(name), "\(name) '\(value.prefix(64))' differs from '\(kept.prefix(64))' on line 2; one file is one invoice")
                }
            }
            number = lineNumberText
            provider = lineProvider
            month = lineMonth
            currency = lineCurrency
            lines.append(
                try Self.line(
                    id: column("line"), kind: column("kind"), channel: optional("channel"), site: optional("site"), queue: optional("queue"),
                    quantity: column("quantity"), unitPrice: column("unit_price"), amount: column("amount"), at: at
                )
            )
            lineNumbers.append(lineNumber)
            guard lines.count <= Limits.maxLines else { throw InvoiceError(location, "more than \(Limits.maxLines) billed lines") }
        }
        guard let number, let provider, let month, let currency else { throw InvoiceError("\(file):2", "the invoice has no billed lines") }
        return try Self.checked(
            Invoice(number: number, provider: provider, month: month, currency: currency, lines: lines), file: file,
            lineLocation: { "\(file):\(lineNumbers[$0])" }
        )
    }

    // MARK: JSON

    static func parseJSON(_ data: Data, file: String) throws(InvoiceError) -> Invoice {
        if let problem = StrictJSON.problem(in: data) {
            throw InvoiceError("\(file) at $\(problem.path == "(root)" ? "" : "." + problem.path)", problem.message)
        }
        let root: Any
        do {
            root = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            throw InvoiceError(file, "not JSON")
        }
        func at(_ path: String) -> String { "\(file) at \(path)" }
        guard let object = root as? [String: Any] else { throw InvoiceError(at("$"), "the invoice must be a JSON object") }
        let topKeys = ["invoice", "provider", "month", "currency", "lines", "total"]
        func rejectUnknown(_ object: [String: Any], allowed: [String], path: String) throws(InvoiceError) {
            for key in object.keys.sorted() where !allowed.contains(key) {
                throw InvoiceError(at("\(path).\(key.prefix(64))"), "unknown member; allowed: \(allowed.joined(separator: ", "))")
            }
        }
        try rejectUnknown(object, allowed: topKeys, path: "$")
        func string(_ object: [String: Any], _ key: String, path: String, required: Bool = true) throws(InvoiceError) -> String? {
            guard let value = object[key], !(value is NSNull) else {
                if required { throw InvoiceError(at("\(path).\(key)"), "missing") }
                return nil
            }
            guard let text = value as? String else {
                let hint = value is NSNumber ? " (write numbers as strings such as \"1843.75\": binary floating point cannot carry money exactly)" : ""
                throw InvoiceError(at("\(path).\(key)"), "must be a string\(hint)")
            }
            return text
        }
        let number = try Self.identifier(try string(object, "invoice", path: "$") ?? "", "invoice", at: at("$.invoice"))
        let provider = try Self.identifier(try string(object, "provider", path: "$") ?? "", "provider", at: at("$.provider"))
        let month = try Self.month(try string(object, "month", path: "$") ?? "", at: at("$.month"))
        let currency = try Self.currency(try string(object, "currency", path: "$") ?? "", at: at("$.currency"))
        guard let items = object["lines"] as? [Any] else { throw InvoiceError(at("$.lines"), "missing, or not a list of lines") }
        guard items.count <= Limits.maxLines else {
            throw InvoiceError(at("$.lines"), "\(items.count) lines; an invoice may have at most \(Limits.maxLines) billed lines")
        }
        let lineKeys = ["id", "kind", "channel", "site", "queue", "quantity", "unit_price", "amount"]
        var lines: [Line] = []
        for (index, item) in items.enumerated() {
            let path = "$.lines[\(index)]"
            guard let line = item as? [String: Any] else { throw InvoiceError(at(path), "a line must be a JSON object") }
            try rejectUnknown(line, allowed: lineKeys, path: path)
            lines.append(
                try Self.line(
                    id: try string(line, "id", path: path) ?? "", kind: try string(line, "kind", path: path) ?? "",
                    channel: try string(line, "channel", path: path, required: false), site: try string(line, "site", path: path, required: false),
                    queue: try string(line, "queue", path: path, required: false), quantity: try string(line, "quantity", path: path) ?? "",
                    unitPrice: try string(line, "unit_price", path: path) ?? "", amount: try string(line, "amount", path: path) ?? "",
                    at: { at("\(path).\($0 == "line" ? "id" : $0)") }
                )
            )
        }
        let invoice = try Self.checked(
            Invoice(number: number, provider: provider, month: month, currency: currency, lines: lines), file: file,
            lineLocation: { at("$.lines[\($0)]") }
        )
        if let totalText = try string(object, "total", path: "$", required: false) {
            let total = try Self.decimal(totalText, "total", places: 2, at: at("$.total"))
            guard total == invoice.total else {
                throw InvoiceError(at("$.total"), "total \(total.money) is not the sum of the lines' amounts, \(invoice.total.money)")
            }
        }
        return invoice
    }
}
