//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Typed values read from configuration nodes.
//
//===----------------------------------------------------------------------===//

internal import Yams

extension ConfigNode {
    /// The raw text of a scalar, or an error if the node is a mapping or a list.
    private func scalarText(expected expectation: String) throws(ConfigError) -> String {
        guard let scalar = self.node.scalar else { throw self.invalid(expected: expectation) }
        return scalar.string
    }

    /// A string value.
    /// - Parameters:
    ///   - allowEmpty: Whether `""` is acceptable.
    ///   - maxLength: Longest accepted value, in characters.
    package func string(allowEmpty: Bool = false, maxLength: Int = 4096) throws(ConfigError) -> String {
        let text = try self.scalarText(expected: "a string")
        if text.isEmpty && !allowEmpty { throw self.invalid(expected: "a non-empty string") }
        if text.count > maxLength { throw self.invalid(expected: "a string of at most \(maxLength) characters") }
        return text
    }

    /// An integer within `range` (underscores between digits are allowed: `20_000`).
    package func int(in range: ClosedRange<Int>) throws(ConfigError) -> Int {
        let expectation = "an integer \(Self.describe(range))"
        let text = try self.scalarText(expected: expectation).trimmingSpaces()
        let digits = text.replacing("_", with: "")
        guard !text.hasPrefix("_"), !text.hasSuffix("_"), let value = Int(digits), range.contains(value) else {
            throw self.invalid(expected: expectation)
        }
        return value
    }

    /// A share written as a decimal (`0.025`) or a percentage (`2.5%`), within `range` (as a decimal).
    package func fraction(in range: ClosedRange<Double>) throws(ConfigError) -> Double {
        let expectation = "a share from \(range.lowerBound) to \(range.upperBound), as a decimal (0.025) or a percentage (2.5%)"
        let text = try self.scalarText(expected: expectation).trimmingSpaces()
        let isPercent = text.hasSuffix("%")
        let digits = isPercent ? String(text.dropLast()).trimmingSpaces() : text
        guard digits.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }), let number = Double(digits) else {
            throw self.invalid(expected: expectation)
        }
        let value = isPercent ? number / 100 : number
        guard value.isFinite, range.contains(value) else { throw self.invalid(expected: expectation) }
        return value
    }

    /// `true` or `false` (any letter case).
    package func bool() throws(ConfigError) -> Bool {
        let text = try self.scalarText(expected: "true or false").lowercased()
        switch text {
        case "true": return true
        case "false": return false
        default: throw self.invalid(expected: "true or false")
        }
    }

    /// A duration such as `500ms`, `2s`, `5m`, `24h`, `1h30m` or `90d`, within `range`.
    package func duration(in range: ClosedRange<Duration>) throws(ConfigError) -> Duration {
        let lower = ConfigUnits.format(duration: range.lowerBound)
        let upper = ConfigUnits.format(duration: range.upperBound)
        let expectation = "a duration from \(lower) to \(upper) (such as 500ms, 2s, 5m, 1h30m)"
        let text = try self.scalarText(expected: expectation)
        guard let value = ConfigUnits.parseDuration(text), range.contains(value) else { throw self.invalid(expected: expectation) }
        return value
    }

    /// A byte size such as `1048576`, `512KiB`, `512MiB`, `1GiB` or `10MB`, within `range`.
    package func byteSize(in range: ClosedRange<Int>) throws(ConfigError) -> Int {
        let bounds =
            range.upperBound == .max
            ? "of at least \(ConfigUnits.format(bytes: range.lowerBound))"
            : "from \(ConfigUnits.format(bytes: range.lowerBound)) to \(ConfigUnits.format(bytes: range.upperBound))"
        let expectation = "a byte size \(bounds) (such as 1048576, 512KiB, 512MiB, 1GiB, 10MB)"
        let text = try self.scalarText(expected: expectation)
        guard let value = ConfigUnits.parseByteSize(text), range.contains(value) else { throw self.invalid(expected: expectation) }
        return value
    }

    /// One of a closed set of strings, matched exactly (case-sensitive).
    /// - Parameter options: Accepted spellings and what each means, in the order to list them in errors.
    package func choice<Value>(_ options: KeyValuePairs<String, Value>) throws(ConfigError) -> Value {
        let expectation = "one of " + options.map(\.key).joined(separator: ", ")
        let text = try self.scalarText(expected: expectation)
        guard let value = options.first(where: { $0.key == text })?.value else { throw self.invalid(expected: expectation) }
        return value
    }

    /// One of the cases of a string-backed enum, by raw value (case-sensitive).
    package func choice<Value: RawRepresentable & CaseIterable>(_ type: Value.Type) throws(ConfigError) -> Value
    where Value.RawValue == String {
        let expectation = "one of " + Value.allCases.map(\.rawValue).joined(separator: ", ")
        let text = try self.scalarText(expected: expectation)
        guard let value = Value(rawValue: text) else { throw self.invalid(expected: expectation) }
        return value
    }

    /// A list of non-empty strings.
    package func stringList(maxLength: Int = 4096) throws(ConfigError) -> [String] {
        var result: [String] = []
        for item in try self.items() { result.append(try item.string(maxLength: maxLength)) }
        return result
    }

    /// A mapping of string keys to string values, in file order; each value keeps its node for error positions.
    package func stringMap() throws(ConfigError) -> [(key: String, value: String, node: ConfigNode)] {
        var result: [(key: String, value: String, node: ConfigNode)] = []
        for (key, child) in try self.entries() {
            guard child.node.scalar != nil, !child.isNull else { throw child.invalid(expected: "a string") }
            result.append((key, try child.string(allowEmpty: true), child))
        }
        return result
    }

    static func describe(_ range: ClosedRange<Int>) -> String {
        switch (range.lowerBound, range.upperBound) {
        case (.min, .max): "(any)"
        case (let lower, .max): "of at least \(lower)"
        case (.min, let upper): "of at most \(upper)"
        case (let lower, let upper): "from \(lower) to \(upper)"
        }
    }
}
