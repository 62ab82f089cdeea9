//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// A folder into which a provider's export jobs drop ticket, interval or QA evaluation files.
//
//===----------------------------------------------------------------------===//

internal import Crypto
package import Foundation
package import OversightConfig
internal import OversightModel

/// Reads the CSV and JSON Lines files that a provider's export jobs drop into a folder.
///
/// The agent drives it: ``readyFiles(now:)`` lists the files that have settled, ``read(file:provider:site:)``
/// maps their rows to records and rejects, and once the records are safely in the outbox,
/// ``markDone(file:rejects:)`` moves the file to `done/` (writing `rejects/<name>.rejects.jsonl` if
/// some rows were bad). A file that cannot be read at all goes to `rejects/` with ``markRejected(file:reason:)``.
package struct FolderSource: Sendable {
    /// Caps that protect the agent's memory from a runaway export.
    package struct Limits: Sendable {
        /// Largest file read, in bytes.
        package var maxFileBytes: Int = 256 << 20
        /// Most data rows in one file.
        package var maxRows: Int = 1_000_000
        /// Longest raw row kept in a reject, in bytes.
        package var maxRawBytes: Int = 4_096

        /// Creates the default limits.
        package init() {}
    }

    /// The source's configuration.
    package let configuration: SourceConfiguration
    /// The watched folder.
    package let folder: URL
    /// Caps on file size and rows.
    package var limits: Limits = .init()
    private let mapper: Mapper
    /// Redacts the rejects: a rejected row's reason and raw text never hold what redaction removes from records.
    private let redactor: Redactor
    /// The columns or keys whose values are people's names: `redaction.name_fields` and the mapped person fields
    /// (ticket assignee; evaluated agent and evaluator), removed from the row's free text and from its reject.
    private let nameColumns: [String]

    /// The mapper of the source's kind.
    private enum Mapper: Sendable {
        case tickets(TicketRowMapper)
        case intervals(IntervalRowMapper)
        case evaluations(EvaluationRowMapper)
    }

    /// Creates a folder source.
    /// - Parameters:
    ///   - configuration: The source's configuration; its `kind` chooses the record kind and mapping.
    ///   - pseudonymKey: The agent's secret key for pseudonymising fields (HMAC-SHA256).
    ///   - redaction: The personal data removed from records' free text and from rejected rows (on by default).
    package init(configuration: SourceConfiguration, pseudonymKey: [UInt8], redaction: RedactionConfiguration = .init()) {
        self.configuration = configuration
        self.folder = URL(fileURLWithPath: configuration.path, isDirectory: true)
        self.redactor = Redactor(configuration: redaction)
        var nameColumns = redaction.nameFields
        switch configuration.kind {
        case .tickets: nameColumns += [configuration.mapping.fields[.assignee]].compactMap { $0 }
        case .evaluations: nameColumns += [EvaluationField.agent, .evaluator].compactMap { configuration.evaluationMapping.fields[$0] }
        case .intervals: break
        }
        self.nameColumns = nameColumns
        switch configuration.kind {
        case .tickets:
            self.mapper = .tickets(TicketRowMapper(mapping: configuration.mapping, pseudonymKey: pseudonymKey, redaction: redaction))
        case .intervals: self.mapper = .intervals(IntervalRowMapper(mapping: configuration.intervalMapping, redaction: redaction))
        case .evaluations:
            self.mapper = .evaluations(
                EvaluationRowMapper(mapping: configuration.evaluationMapping, pseudonymKey: pseudonymKey, redaction: redaction)
            )
        }
    }

    /// A reject whose reason and raw text are redacted (with the row's names), the raw text cut to
    /// ``Limits/maxRawBytes`` without leaving a fragment of a number or address at the cut.
    func reject(line: Int, reason: String, raw: String?, names: [String] = []) -> Reject {
        let limit = self.limits.maxRawBytes
        return Reject(
            line: line, reason: self.redactor.redact(reason, names: names),
            raw: raw.map { self.redactor.redactedExcerpt($0, names: names, maxBytes: limit, truncated: $0.utf8.count >= limit - 3) }
        )
    }

    /// The texts of a row's name columns, looked up by key in a JSON object.
    func names(in value: JSONValue) -> [String] {
        self.nameColumns.compactMap { key in
            guard case .success(let text?)? = value.value(at: key)?.text else { return nil }
            return text
        }
    }

    /// How a file is parsed.
    enum FileFormat {
        case csv, jsonLines
        /// A helpdesk's JSON export, read by its preset (``PresetExport``).
        case preset(ExportPreset)
    }

    /// The format of a file by the source's `format` and the file's extension; `nil` if `auto` does not know it.
    func fileFormat(of name: String) -> FileFormat? {
        if self.configuration.kind == .tickets, let preset = self.configuration.mapping.preset {
            let lowered = name.lowercased()
            let known = lowered.hasSuffix(".json") || lowered.hasSuffix(".jsonl") || lowered.hasSuffix(".ndjson")
            return known || self.configuration.format != .auto ? .preset(preset) : nil
        }
        switch self.configuration.format {
        case .csv: return .csv
        case .jsonl: return .jsonLines
        case .auto:
            let lowered = name.lowercased()
            if lowered.hasSuffix(".csv") { return .csv }
            if lowered.hasSuffix(".jsonl") || lowered.hasSuffix(".ndjson") { return .jsonLines }
            return nil
        }
    }

    /// Reads one file and maps its rows.
    /// - Parameters:
    ///   - file: A file returned by ``readyFiles(now:)``.
    ///   - provider: The agent's provider.
    ///   - site: The agent's enrolled site, used unless the source names its own `site`.
    /// - Returns: The records, the rejected rows with line and reason, the row count and the file's SHA-256.
    /// - Throws: ``ConnectorError`` if the file cannot be read, is too large, has too many rows or an unknown format.
    package func read(file: URL, provider: String, site: String) throws(ConnectorError) -> FileReadResult {
        let path = file.path
        guard let format = self.fileFormat(of: file.lastPathComponent) else {
            let expected = self.configuration.mapping.preset == nil ? ".csv, .jsonl or .ndjson" : ".json, .jsonl or .ndjson"
            throw ConnectorError(code: .unknownFormat, path: path, message: "unknown extension; expected \(expected)")
        }
        if let size = fileSize(path), size > self.limits.maxFileBytes {
            throw ConnectorError(
                code: .fileTooLarge, path: path,
                message: "the file has \(size) bytes, more than the \(self.limits.maxFileBytes) this source reads; split the export"
            )
        }
        let data: Data
        do {
            data = try Data(contentsOf: file)
        } catch {
            throw ConnectorError(code: .fileUnreadable, path: path, message: "cannot read the file: \(error.localizedDescription)")
        }
        guard data.count <= self.limits.maxFileBytes else {
            throw ConnectorError(code: .fileTooLarge, path: path, message: "the file grew past \(self.limits.maxFileBytes) bytes while read")
        }
        let fingerprint = SHA256.hash(data: data).map { byte in (byte < 16 ? "0" : "") + String(byte, radix: 16) }.joined()
        let site = self.configuration.site ?? site
        let fileDate = Date(timeIntervalSince1970: fileStatus(path)?.modified ?? Date().timeIntervalSince1970)
        var result = FileReadResult(records: [], rejects: [], rows: 0, fingerprint: fingerprint)
        let bytes = Array(data)
        switch self.mapper {
        case .tickets(let mapper):
            let context = RowContext(mapper: mapper, provider: provider, site: site, fileDate: fileDate)
            try self.read(bytes, format: format, path: path, context: context, into: &result)
        case .intervals(let mapper):
            let context = RowContext(mapper: mapper, provider: provider, site: site, fileDate: fileDate)
            try self.read(bytes, format: format, path: path, context: context, into: &result)
        case .evaluations(let mapper):
            let context = RowContext(mapper: mapper, provider: provider, site: site, fileDate: fileDate)
            try self.read(bytes, format: format, path: path, context: context, into: &result)
        }
        return result
    }

    private func read<Mapper: RowMapper>(
        _ bytes: [UInt8], format: FileFormat, path: String, context: RowContext<Mapper>, into result: inout FileReadResult
    ) throws(ConnectorError) {
        switch format {
        case .csv: try self.readCSV(bytes, path: path, context: context, into: &result)
        case .jsonLines: try self.readJSONLines(bytes, path: path, context: context, into: &result)
        case .preset(let preset): try self.readPreset(bytes, preset: preset, path: path, context: context, into: &result)
        }
    }

    // MARK: - Helpdesk exports (mapping presets)

    private func readPreset<Mapper: RowMapper>(
        _ bytes: [UInt8], preset: ExportPreset, path: String, context: RowContext<Mapper>, into result: inout FileReadResult
    ) throws(ConnectorError) {
        let contents = PresetExport.tickets(in: bytes, preset: preset, maxRawBytes: self.limits.maxRawBytes)
        for problem in contents.problems {
            result.rejects.append(self.reject(line: problem.line, reason: "line \(problem.line): \(problem.reason)", raw: problem.raw))
        }
        let fields = context.mapper.columns
        for ticket in contents.tickets {
            result.rows += 1
            guard result.rows <= self.limits.maxRows else {
                throw ConnectorError(code: .tooManyRows, path: path, message: "more than \(self.limits.maxRows) tickets; split the export")
            }
            let id = ticket.value.value(at: "id")?.string.map { " (id \($0.prefix(64)))" } ?? ""
            let names = self.names(in: ticket.value)
            func reject(_ reason: String) {
                let raw = String(PresetExport.text(of: ticket.value).prefix(self.limits.maxRawBytes))
                result.rejects.append(
                    self.reject(line: ticket.line, reason: "line \(ticket.line), \(ticket.location)\(id): \(reason)", raw: raw, names: names)
                )
            }
            if let problem = ticket.problem {
                reject(problem)
                continue
            }
            do {
                let record = try context.mapper.mapRecord(
                    provider: context.provider, site: context.site, fileDate: context.fileDate, names: names,
                    cell: { field in fields[field].flatMap { ticket.value.value(at: $0) } },
                    label: { field in "key \"\(fields[field] ?? field.rawValue)\"" }
                )
                result.records.append(record)
            } catch {
                reject(error.message)
            }
        }
    }

    /// What every row of a file is mapped with.
    private struct RowContext<Mapper: RowMapper> {
        var mapper: Mapper
        var provider: String
        var site: String
        var fileDate: Date
    }

    // MARK: - CSV

    private func readCSV<Mapper: RowMapper>(
        _ bytes: [UInt8], path: String, context: RowContext<Mapper>, into result: inout FileReadResult
    ) throws(ConnectorError) {
        var reader = CSVReader(bytes: bytes, delimiter: self.configuration.csv.delimiter, quote: self.configuration.csv.quote)
        guard let header = reader.next() else { return }
        let names = header.fields.map { $0.trimmingWhitespace() }

        // Every mapped column must be in the header exactly once, or no row can be trusted.
        let columns = context.mapper.columns
        var indexes: [Mapper.Field: Int] = [:]
        var headerProblem = header.problem.map { "the header row is malformed: \($0)" }
        for (field, column) in columns.sorted(by: { $0.key.rawValue < $1.key.rawValue }) where headerProblem == nil {
            let matches = names.indices.filter { names[$0] == column }
            if matches.count == 1 {
                indexes[field] = matches[0]
            } else {
                let shownColumns = names.prefix(40).map { "\"\($0.prefix(64))\"" }.joined(separator: ", ")
                headerProblem =
                    matches.isEmpty
                    ? "the header has no column \"\(column)\" (mapped from \(field.rawValue)); its columns are \(shownColumns)"
                    : "the header has \(matches.count) columns named \"\(column)\" (mapped from \(field.rawValue))"
            }
        }

        // The columns holding people's names that this file has.
        let nameIndexes = self.nameColumns.compactMap { column in names.firstIndex(of: column) }
        while let row = reader.next() {
            result.rows += 1
            guard result.rows <= self.limits.maxRows else {
                throw ConnectorError(code: .tooManyRows, path: path, message: "more than \(self.limits.maxRows) rows; split the export")
            }
            if headerProblem != nil { continue }
            let rowNames = nameIndexes.compactMap { $0 < row.fields.count ? row.fields[$0] : nil }
            func reject(_ reason: String) {
                let raw = reader.text(of: row, maxBytes: self.limits.maxRawBytes)
                result.rejects.append(self.reject(line: row.line, reason: "line \(row.line): \(reason)", raw: raw, names: rowNames))
            }
            if let problem = row.problem {
                reject(problem)
                continue
            }
            guard row.fields.count == names.count else {
                reject("expected \(names.count) columns as in the header, found \(row.fields.count)")
                continue
            }
            do {
                let record = try context.mapper.mapRecord(
                    provider: context.provider, site: context.site, fileDate: context.fileDate, names: rowNames,
                    cell: { field in indexes[field].map { .string(row.fields[$0]) } },
                    label: { field in "column \"\(columns[field] ?? field.rawValue)\"" }
                )
                result.records.append(record)
            } catch {
                reject(error.message)
            }
        }
        if let headerProblem {
            result.rejects = [self.reject(line: header.line, reason: "line \(header.line): \(headerProblem)", raw: reader.text(of: header))]
        }
    }

    // MARK: - JSON Lines

    private func readJSONLines<Mapper: RowMapper>(
        _ bytes: [UInt8], path: String, context: RowContext<Mapper>, into result: inout FileReadResult
    ) throws(ConnectorError) {
        let decoder = JSONDecoder()
        var start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        var line = 0
        while start < bytes.count {
            line += 1
            let end = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
            var contentEnd = end
            if contentEnd > start, bytes[contentEnd - 1] == UInt8(ascii: "\r") { contentEnd -= 1 }
            let slice = bytes[start..<contentEnd]
            let lineNumber = line
            start = end + 1
            guard slice.contains(where: { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") }) else { continue }

            result.rows += 1
            guard result.rows <= self.limits.maxRows else {
                throw ConnectorError(code: .tooManyRows, path: path, message: "more than \(self.limits.maxRows) rows; split the export")
            }
            var rowNames: [String] = []
            func reject(_ reason: String) {
                let raw = String(decoding: slice.prefix(self.limits.maxRawBytes), as: UTF8.self)
                result.rejects.append(self.reject(line: lineNumber, reason: "line \(lineNumber): \(reason)", raw: raw, names: rowNames))
            }
            guard let value = try? decoder.decode(JSONValue.self, from: Data(slice)) else {
                reject("not valid JSON")
                continue
            }
            guard case .object = value else {
                reject("expected a JSON object on the line")
                continue
            }
            let fields = context.mapper.columns
            rowNames = self.names(in: value)
            do {
                let record = try context.mapper.mapRecord(
                    provider: context.provider, site: context.site, fileDate: context.fileDate, names: rowNames,
                    cell: { field in fields[field].flatMap { value.value(at: $0) } },
                    label: { field in "key \"\(fields[field] ?? field.rawValue)\"" }
                )
                result.records.append(record)
            } catch {
                reject(error.message)
            }
        }
    }
}
