//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// A YAML node that knows where it came from, for errors with file and line.
//
//===----------------------------------------------------------------------===//

internal import Foundation
internal import Yams

/// A node of a YAML configuration file together with its file, line and key path.
///
/// Readers walk the document with ``required(_:)`` and ``optional(_:)`` and convert values with
/// the typed accessors in `ConfigNode+Values.swift`; every failure is a ``ConfigError`` that names
/// the file, line, key path and what is expected. Each mapping should end with
/// ``rejectUnknownKeys(allowed:)`` so that a misspelt key stops the program instead of being ignored.
package struct ConfigNode {
    let node: Node
    /// The configuration file as the operator named it.
    package let file: String
    /// Dotted key path of this node (`sources[0].batch`); empty for the root.
    package let keyPath: String
    /// Line of the key this node is the value of (or of the node itself), 1-based.
    package let line: Int
    /// Column of the key this node is the value of (or of the node itself), 1-based.
    package let column: Int
    /// Line of the value itself, 1-based.
    let valueLine: Int
    /// Column of the value itself, 1-based.
    let valueColumn: Int

    init(node: Node, file: String, keyPath: String, keyMark: Mark?) {
        self.node = node
        self.file = file
        self.keyPath = keyPath
        let valueMark = node.mark ?? keyMark
        self.valueLine = valueMark?.line ?? 1
        self.valueColumn = valueMark?.column ?? 1
        self.line = keyMark?.line ?? self.valueLine
        self.column = keyMark?.column ?? self.valueColumn
    }

    /// Parses a YAML document whose root must be a mapping.
    /// - Parameters:
    ///   - yaml: The document text.
    ///   - file: The file name to show in errors.
    /// - Throws: ``ConfigError`` with code `.syntax` for a YAML error, an empty document or a root that is not a mapping.
    package static func parse(yaml: String, file: String) throws(ConfigError) -> ConfigNode {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw Self.syntaxError(error, file: file)
        } catch {
            throw ConfigError(code: .syntax, file: file, message: "not valid YAML")
        }
        guard let root else {
            throw ConfigError(code: .syntax, file: file, line: 1, column: 1, message: "the file is empty; expected a mapping of keys")
        }
        let node = ConfigNode(node: root, file: file, keyPath: "", keyMark: nil)
        guard root.mapping != nil else {
            throw node.error(.syntax, "expected a mapping of keys at the top of the file, found \(node.kindDescription)")
        }
        return node
    }

    private static func syntaxError(_ error: YamlError, file: String) -> ConfigError {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            var message = "invalid YAML: \(problem)"
            if let context { message += " (\(context.text) at line \(context.mark.line))" }
            return ConfigError(code: .syntax, file: file, line: mark.line, column: mark.column, message: message)
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.map { "'\($0.prefix(64))'" }.joined(separator: ", ")
            return ConfigError(
                code: .syntax, file: file, line: context.mark.line, column: context.mark.column,
                message: "duplicate key \(keys) in a mapping"
            )
        case .reader(let problem, _, _, _):
            return ConfigError(code: .syntax, file: file, message: "cannot read the file as UTF-8 YAML: \(problem)")
        default:
            return ConfigError(code: .syntax, file: file, message: "not valid YAML")
        }
    }

    // MARK: - Errors

    /// An invalid-value error at this node's value, with its key path.
    package func error(_ message: String) -> ConfigError {
        self.error(.invalidValue, message)
    }

    /// An error at this node's value, with its key path.
    package func error(_ code: ConfigError.Code, _ message: String) -> ConfigError {
        ConfigError(code: code, file: self.file, line: self.valueLine, column: self.valueColumn, keyPath: self.keyPath, message: message)
    }

    /// An invalid-value error: `expected <expectation>, got '<value>'` (the value left out for secret keys).
    package func invalid(expected expectation: String) -> ConfigError {
        self.error(.invalidValue, "expected \(expectation), got \(self.shownValue)")
    }

    /// Whether this key holds a secret whose value must never be echoed.
    package var isSecret: Bool {
        let last = self.lastKey.lowercased()
        return ["password", "secret", "token", "private_key", "passphrase", "credential", "pseudonym_key"].contains {
            last.contains($0)
        }
    }

    /// How the value appears in messages: quoted and shortened scalars, or the node's kind.
    var shownValue: String {
        if let scalar = self.node.scalar {
            if self.isSecret { return "a value (not shown: the key holds a secret)" }
            let text = scalar.string
            let shown = text.count > 60 ? text.prefix(57) + "..." : Substring(text)
            return "'\(shown)'"
        }
        return self.kindDescription
    }

    /// `a mapping`, `a list`, `a scalar` or `nothing`.
    var kindDescription: String {
        switch self.node {
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .scalar: self.isNull ? "nothing" : "a scalar"
        case .alias: "an alias"
        }
    }

    /// The last component of the key path (`max_records` for `sources[0].batch.max_records`).
    var lastKey: String {
        guard let dot = self.keyPath.lastIndex(of: ".") else { return self.keyPath }
        return String(self.keyPath[self.keyPath.index(after: dot)...])
    }

    /// Whether the node is YAML null: `~`, `null` or nothing after the colon.
    var isNull: Bool {
        guard let scalar = self.node.scalar, scalar.style == .plain else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    // MARK: - Mappings

    /// The entries of this mapping in file order, each as a node with its key path.
    /// - Throws: ``ConfigError`` if this node is not a mapping or a key is not a plain string.
    package func entries() throws(ConfigError) -> [(key: String, value: ConfigNode)] {
        guard let mapping = self.node.mapping else {
            if self.isNull { return [] }
            throw self.invalid(expected: "a mapping of keys")
        }
        var result: [(key: String, value: ConfigNode)] = []
        result.reserveCapacity(mapping.count)
        for (key, value) in mapping {
            guard let name = key.scalar?.string else {
                throw ConfigError(
                    code: .invalidValue, file: self.file, line: key.mark?.line, column: key.mark?.column, keyPath: self.keyPath,
                    message: "expected keys to be strings, found a \(key.mapping != nil ? "mapping" : "list") as a key"
                )
            }
            result.append((name, ConfigNode(node: value, file: self.file, keyPath: self.childPath(name), keyMark: key.mark)))
        }
        return result
    }

    /// The value of `key`, or `nil` if the key is absent or its value is null.
    /// - Throws: ``ConfigError`` if this node is not a mapping.
    package func optional(_ key: String) throws(ConfigError) -> ConfigNode? {
        guard let child = try self.entries().first(where: { $0.key == key })?.value, !child.isNull else { return nil }
        return child
    }

    /// The value of `key`.
    /// - Throws: ``ConfigError`` with code `.missingKey` at this mapping's line if the key is absent or null.
    package func required(_ key: String) throws(ConfigError) -> ConfigNode {
        guard let child = try self.optional(key) else {
            throw ConfigError(
                code: .missingKey, file: self.file, line: self.valueLine, column: self.valueColumn, keyPath: self.keyPath,
                message: "missing required key '\(key)'"
            )
        }
        return child
    }

    /// Throws for the first key of this mapping that is not in `allowed`, naming it, its line and the allowed keys.
    /// - Parameter allowed: The keys this mapping accepts.
    package func rejectUnknownKeys(allowed: [String]) throws(ConfigError) {
        for (key, child) in try self.entries() where !allowed.contains(key) {
            var message = "unknown key '\(key.prefix(64))'"
            if let suggestion = Self.closest(to: key, in: allowed) { message += " (did you mean '\(suggestion)'?)" }
            message += "; allowed keys here: \(allowed.joined(separator: ", "))"
            throw ConfigError(
                code: .unknownKey, file: self.file, line: child.line, column: child.column, keyPath: self.keyPath, message: message
            )
        }
    }

    // MARK: - Lists

    /// The items of this list, each as a node with key path `path[index]`; null is an empty list.
    /// - Throws: ``ConfigError`` if this node is not a list.
    package func items() throws(ConfigError) -> [ConfigNode] {
        if self.isNull { return [] }
        guard let sequence = self.node.sequence else { throw self.invalid(expected: "a list") }
        return sequence.enumerated().map { index, item in
            ConfigNode(node: item, file: self.file, keyPath: "\(self.keyPath)[\(index)]", keyMark: nil)
        }
    }

    // MARK: - Helpers

    private func childPath(_ key: String) -> String {
        let safe = key.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" } ? key : "\"\(key.prefix(64))\""
        return self.keyPath.isEmpty ? safe : "\(self.keyPath).\(safe)"
    }

    /// The allowed key closest to a misspelt one, if any is close enough to be a likely typo.
    static func closest(to key: String, in candidates: [String]) -> String? {
        let lowered = key.lowercased().replacingOccurrences(of: "-", with: "_")
        var best: (String, Int)?
        for candidate in candidates {
            let distance = Self.editDistance(Array(lowered), Array(candidate))
            if distance <= max(2, candidate.count / 3), distance < (best?.1 ?? .max) { best = (candidate, distance) }
        }
        return best?.0
    }

    private static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}

/// Yams nodes hold reference-typed tags; a `ConfigNode` lives only while a file is being read.
@available(*, unavailable)
extension ConfigNode: Sendable {}
