//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// A table of a page, rendered as HTML or exported as CSV (RFC 4180, with a formula-injection guard).
//
//===----------------------------------------------------------------------===//

import Foundation
import Hummingbird
import OversightLocalization

/// CSV text (RFC 4180: CRLF line ends, fields with a comma, quote or line break in double quotes, quotes doubled).
///
/// Spreadsheets run a cell that starts with `=`, `+`, `-` or `@` (or a tab or carriage return) as a formula; such a
/// cell is prefixed with `'` so it stays text. Plain numbers (`-12`, `-0.5`) are left as they are.
package enum CSV {
    /// One field, guarded and quoted as needed.
    package static func field(_ text: String) -> String {
        var value = text
        if let first = value.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first), !Self.isPlainNumber(value) {
            value = "'" + value
        }
        if value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) {
            return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return value
    }

    /// Whether `text` is an optionally negative decimal number and nothing else.
    static func isPlainNumber(_ text: String) -> Bool {
        var digits = Substring(text)
        if digits.hasPrefix("-") { digits = digits.dropFirst() }
        guard let first = digits.first, first.isASCII, first.isNumber else { return false }
        var seenPoint = false
        for character in digits {
            if character == "." {
                if seenPoint { return false }
                seenPoint = true
            } else if !(character.isASCII && character.isNumber) {
                return false
            }
        }
        return !digits.hasSuffix(".")
    }

    /// A whole document: the header line, then the rows.
    package static func render(header: [String], rows: [[String]]) -> String {
        ([header] + rows).map { $0.map(Self.field).joined(separator: ",") + "\r\n" }.joined()
    }

    /// A `text/csv` download named `filename`.
    package static func response(_ text: String, filename: String) -> Response {
        let safe = String(filename.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." ? $0 : "_" })
        return Response(
            status: .ok,
            headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"\(safe)\""],
            body: .init(byteBuffer: ByteBuffer(string: text))
        )
    }
}

/// A table on a page: HTML for the page, plain text for its CSV export.
package struct ConsoleTable: Sendable {
    /// One cell: the text (CSV and, escaped, HTML), or ready HTML for the page.
    package struct Cell: Sendable {
        package var text: String
        package var html: String?
        package var className: String?

        /// Plain text.
        package static func text(_ text: String, class className: String? = nil) -> Cell { Cell(text: text, html: nil, className: className) }
        /// A number, right-aligned, grouped as the language groups digits (`12,345`, `12.345`, `12 345`).
        package static func number(_ value: Int, _ l: Localizer = .english) -> Cell { Cell(text: l.integer(value), html: nil, className: "num") }
        /// A link.
        package static func link(_ text: String, _ href: String) -> Cell {
            Cell(text: text, html: "<a href=\"\(HTML.escape(href))\">\(HTML.escape(text))</a>", className: nil)
        }
        /// Text for CSV, `html` on the page.
        package static func html(_ html: String, text: String, class className: String? = nil) -> Cell {
            Cell(text: text, html: html, className: className)
        }
        /// A red/amber/green status that also reads without colour.
        package static func rag(_ word: String) -> Cell { Cell(text: word.uppercased(), html: nil, className: "rag \(word)") }
        var rendered: String { self.html ?? HTML.escape(self.text) }
    }

    /// Identifies the table in `?format=csv&table=ID` and in the CSV's file name.
    package var id: String
    /// Its heading on the page, if any.
    package var title: String?
    package var columns: [String]
    package var rows: [[Cell]]
    /// What the page shows when there are no rows (`nil`: "None." in the page's language).
    package var empty: String?
    /// The table's class: `grid` (rows) or `fields` (name–value pairs).
    package var className = "grid"

    /// Creates a table.
    package init(id: String, title: String? = nil, columns: [String], rows: [[Cell]] = [], empty: String? = nil) {
        self.id = id
        self.title = title
        self.columns = columns
        self.rows = rows
        self.empty = empty
    }

    /// The CSV export.
    package var csv: String { CSV.render(header: self.columns, rows: self.rows.map { $0.map(\.text) }) }

    /// The table as HTML, with a "CSV" link to `csvHref` when given.
    package func html(csvHref: String?, localizer l: Localizer) -> String {
        var out = ""
        if let title { out += "<h2>\(HTML.escape(title))</h2>" }
        if let csvHref {
            out += "<p class=\"export\"><a href=\"\(HTML.escape(csvHref))\" download>CSV</a></p>"
        }
        out += "<table class=\"\(self.className)\" id=\"table-\(HTML.escape(self.id))\"><thead><tr>"
        out += self.columns.map { "<th>\(HTML.escape($0))</th>" }.joined()
        out += "</tr></thead><tbody>"
        if self.rows.isEmpty {
            out += "<tr><td colspan=\"\(max(1, self.columns.count))\">\(HTML.escape(self.empty ?? l.t("table.none")))</td></tr>"
        }
        for row in self.rows {
            out += "<tr>" + row.map { cell in
                "<td\(cell.className.map { " class=\"\(HTML.escape($0))\"" } ?? "")>\(cell.rendered)</td>"
            }.joined() + "</tr>"
        }
        return out + "</tbody></table>"
    }
}

/// A page made of HTML fragments and tables, answered as HTML or, with `?format=csv`, as the CSV of one table.
package struct ConsolePage: Sendable {
    package enum Part: Sendable {
        case html(String)
        case table(ConsoleTable)
    }

    package var title: String
    /// Names the CSV files: `NAME-TABLE.csv`.
    package var name: String
    package var parts: [Part] = []
    /// The page's own path for CSV links, when the request's is not it (a form's POST answered with the page).
    package var path: String?

    /// Creates an empty page.
    package init(title: String, name: String) {
        self.title = title
        self.name = name
    }

    package mutating func add(_ html: String) { self.parts.append(.html(html)) }
    package mutating func add(_ table: ConsoleTable) { self.parts.append(.table(table)) }

    var tables: [ConsoleTable] {
        self.parts.compactMap {
            if case .table(let table) = $0 { return table }
            return nil
        }
    }

    /// The HTML or CSV response for `request`: `?format=csv` picks the table named by `table` (the first by default).
    package func response(for request: Request, context: ConsoleRequestContext) throws -> Response {
        let query = request.uri.queryParameters
        if let format = query.get("format") {
            guard format == "csv" else { throw ConsoleError.badRequest("error.format_csv") }
            let wanted = query.get("table")
            guard let table = wanted.map({ id in self.tables.first { $0.id == id } }) ?? self.tables.first else {
                throw ConsoleError.notFound("error.no_table", ["table": wanted ?? ""])
            }
            return CSV.response(table.csv, filename: "\(self.name)-\(table.id).csv")
        }
        var kept: [String] = []
        for (key, value) in query where key != "format" && key != "table" && self.path == nil {
            kept.append("\(Self.encode(String(key)))=\(Self.encode(String(value)))")
        }
        let base = (self.path ?? request.uri.path) + "?" + kept.map { $0 + "&" }.joined()
        var body = ""
        for part in self.parts {
            switch part {
            case .html(let html): body += html
            case .table(let table): body += table.html(csvHref: base + "format=csv&table=" + Self.encode(table.id), localizer: context.localizer)
            }
        }
        let path = request.uri.query.map { request.uri.path + "?" + $0 } ?? request.uri.path
        return HTML.response(HTML.page(title: self.title, identity: context.identity, body: body, localizer: context.localizer, path: self.path ?? path))
    }

    static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? ""
    }
}
