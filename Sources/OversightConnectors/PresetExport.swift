//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// A helpdesk's JSON export file → one normalised JSON object per ticket, for a mapping preset.
//
//===----------------------------------------------------------------------===//

internal import Foundation
package import OversightConfig

/// Reads the files of a source with a `mapping.preset` (``OversightConfig/ExportPreset``).
///
/// A file holds one or more JSON documents, one after the other (whitespace or line breaks between them): API
/// responses as the vendor documents them, written as they came (`curl … >> export.json` for each page), or one
/// object per line. ``tickets(in:preset:)`` splits the documents, gathers the file's tickets with whatever else the
/// file says about them (Zendesk's metric events, audits and metric sets; Freshdesk's stats), and returns each
/// ticket as the vendor's object with a `_oversight` member holding the derived values, which the preset's mapping
/// reads. A ticket that appears several times (an incremental export repeats updated tickets) is taken once, in its
/// latest version.
package enum PresetExport {
    /// One exported ticket, normalised, or why it cannot be taken.
    package struct Ticket: Sendable {
        /// Line of the file where the ticket's document starts.
        package var line: Int
        /// Where in the document: `tickets[3] (id 35436)`.
        package var location: String
        /// The vendor's ticket with the derived `_oversight` member.
        package var value: JSONValue
        /// Why the ticket is not taken (`deleted in Zendesk`), or `nil`.
        package var problem: String?
    }

    /// What a file held: its tickets, and documents that could not be read (with their line and reason).
    package struct Contents: Sendable {
        /// The tickets, in file order of their latest version.
        package var tickets: [Ticket] = []
        /// Documents that are not JSON, or not of the preset's shape: line and reason.
        package var problems: [(line: Int, reason: String, raw: String)] = []
    }

    /// Reads a file's bytes.
    /// - Parameters:
    ///   - bytes: the file.
    ///   - preset: the source's preset.
    ///   - maxRawBytes: longest raw text kept for a problem.
    package static func tickets(in bytes: [UInt8], preset: ExportPreset, maxRawBytes: Int = 4_096) -> Contents {
        var contents = Contents()
        var documents: [(line: Int, value: JSONValue)] = []
        let decoder = JSONDecoder()
        for document in Self.documents(in: bytes) {
            let raw = String(decoding: bytes[document.range].prefix(maxRawBytes), as: UTF8.self)
            if let problem = document.problem {
                contents.problems.append((document.line, problem, raw))
                continue
            }
            guard let value = try? decoder.decode(JSONValue.self, from: Data(bytes[document.range])) else {
                contents.problems.append((document.line, "not valid JSON", raw))
                continue
            }
            documents.append((document.line, value))
        }
        let result: (tickets: [Ticket], problems: [(line: Int, reason: String)])
        switch preset {
        case .zendesk: result = ZendeskExport.normalise(documents)
        default: result = FreshdeskExport.normalise(documents)
        }
        contents.tickets = result.tickets
        for problem in result.problems {
            let raw = documents.first { $0.line == problem.line }.map { String(Self.text(of: $0.value).prefix(maxRawBytes)) } ?? ""
            contents.problems.append((problem.line, problem.reason, raw))
        }
        return contents
    }

    /// The top-level JSON values of a file, by bracket matching outside strings: their byte ranges and first lines.
    /// A value that does not close before the end of the file is a problem; so is text that is not an object or array.
    static func documents(in bytes: [UInt8]) -> [(line: Int, range: Range<Int>, problem: String?)] {
        var documents: [(line: Int, range: Range<Int>, problem: String?)] = []
        var index = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        var line = 1
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\n") {
                line += 1
                index += 1
                continue
            }
            if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r") || byte == UInt8(ascii: ",") {
                index += 1
                continue
            }
            let start = index
            let startLine = line
            guard byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") else {
                // Not a document: skip to the end of the line.
                while index < bytes.count, bytes[index] != UInt8(ascii: "\n") { index += 1 }
                documents.append((startLine, start..<index, "expected a JSON object or array"))
                continue
            }
            var depth = 0
            var inString = false
            var escaped = false
            var closed = false
            while index < bytes.count {
                let current = bytes[index]
                index += 1
                if current == UInt8(ascii: "\n") { line += 1 }
                if inString {
                    if escaped {
                        escaped = false
                    } else if current == UInt8(ascii: "\\") {
                        escaped = true
                    } else if current == UInt8(ascii: "\"") {
                        inString = false
                    }
                    continue
                }
                switch current {
                case UInt8(ascii: "\""): inString = true
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 { closed = true }
                default: break
                }
                if closed { break }
            }
            documents.append((startLine, start..<index, closed ? nil : "the JSON document starting here does not end before the end of the file"))
        }
        return documents
    }

    /// Compact JSON text of a value (for reject reports).
    static func text(of value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool(let value): return value ? "true" : "false"
        case .integer(let value): return String(value)
        case .number(let value): return value.isFinite ? String(value) : "null"
        case .string(let text):
            var out = "\""
            for scalar in text.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                default:
                    if scalar.value < 0x20 {
                        let hex = String(scalar.value, radix: 16)
                        out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                    } else {
                        out.unicodeScalars.append(scalar)
                    }
                }
            }
            return out + "\""
        case .array(let items): return "[" + items.map(Self.text(of:)).joined(separator: ",") + "]"
        case .object(let members):
            return "{" + members.sorted { $0.key < $1.key }.map { Self.text(of: .string($0.key)) + ":" + Self.text(of: $0.value) }.joined(separator: ",")
                + "}"
        }
    }
}

extension JSONValue {
    /// The value as text (strings, numbers, booleans), `nil` otherwise or when empty.
    var string: String? {
        guard case .success(let text?) = self.text else { return nil }
        return text
    }

    /// The members of an object, or `nil`.
    var members: [String: JSONValue]? {
        guard case .object(let members) = self else { return nil }
        return members
    }

    /// The items of an array, or `nil`.
    var items: [JSONValue]? {
        guard case .array(let items) = self else { return nil }
        return items
    }

    /// The object with `member` set to `value`.
    func setting(_ member: String, to value: JSONValue) -> JSONValue {
        guard case .object(var members) = self else { return self }
        members[member] = value
        return .object(members)
    }
}

/// Timestamps as the vendors write them (ISO 8601), for ordering and arithmetic while normalising.
enum VendorTime {
    private static let parser = TimestampParser(format: .iso8601, timeZone: TimeZone(identifier: "UTC") ?? .gmt)

    /// The instant of an ISO 8601 text, or `nil`.
    static func date(_ value: JSONValue?) -> Date? {
        guard let text = value?.string, case .success(let date) = Self.parser.parse(text) else { return nil }
        return date
    }
}
