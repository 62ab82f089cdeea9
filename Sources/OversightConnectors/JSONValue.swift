//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// A JSON value as read from one line of a JSON Lines export.
//
//===----------------------------------------------------------------------===//

/// Any JSON value; rows of JSON Lines files are objects of these, and CSV cells become ``string(_:)``.
package enum JSONValue: Sendable, Hashable, Decodable {
    case null
    case bool(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// Decodes any JSON value.
    package init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    /// The value at `path` in an object: the whole path as one key first (`"Ticket ID"`, `"a.b"`),
    /// then as dot-separated keys into nested objects (`custom.sla.group`).
    package func value(at path: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        if let direct = members[path] { return direct }
        var current = self
        for component in path.split(separator: ".", omittingEmptySubsequences: false) {
            guard case .object(let members) = current, let next = members[String(component)] else { return nil }
            current = next
        }
        return current
    }

    /// The value as text, trimmed of surrounding white space: strings, numbers and booleans;
    /// `nil` for null and for an empty string. Arrays and objects are not text (`.failure`).
    package var text: Result<String?, NotText> {
        switch self {
        case .null: return .success(nil)
        case .bool(let value): return .success(value ? "true" : "false")
        case .integer(let value): return .success(String(value))
        case .number(let value):
            if value.rounded() == value, abs(value) < 1e15 { return .success(String(Int64(value))) }
            return .success(String(value))
        case .string(let value):
            let trimmed = value.trimmingWhitespace()
            return .success(trimmed.isEmpty ? nil : trimmed)
        case .array: return .failure(NotText(kind: "a list"))
        case .object: return .failure(NotText(kind: "an object"))
        }
    }

    /// The reason a value is not text: it is a list or an object.
    package struct NotText: Error, Sendable {
        /// `a list` or `an object`.
        package var kind: String
    }
}

extension String {
    /// The string without leading and trailing white space (spaces, tabs, line breaks, no-break spaces).
    func trimmingWhitespace() -> String {
        var view = Substring(self)
        while let first = view.first, first.isWhitespace { view.removeFirst() }
        while let last = view.last, last.isWhitespace { view.removeLast() }
        return String(view)
    }
}
