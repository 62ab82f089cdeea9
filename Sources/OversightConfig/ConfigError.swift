//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// A configuration problem, located by file, line and key path.
//
//===----------------------------------------------------------------------===//

/// A problem in a configuration file: where it is and what was expected.
///
/// The description reads like a compiler diagnostic, so editors and terminals can jump to it:
///
///     agent.yaml:14:13: sources[0].batch.max_records: expected an integer from 1 to 5000, got 'lots'
///
/// Values of keys that hold secrets (passwords, tokens, keys) never appear in the message.
package struct ConfigError: Error, CustomStringConvertible, Sendable {
    /// What kind of problem this is; compare errors by code, not by message.
    package struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case syntax, unreadableFile, unknownKey, missingKey, invalidValue
        }

        private let base: Base

        /// The file is not valid YAML, is empty, or its root is not a mapping.
        package static let syntax = Code(base: .syntax)
        /// The file (or a file it names, such as a password file) cannot be read.
        package static let unreadableFile = Code(base: .unreadableFile)
        /// A key that this place in the file does not accept.
        package static let unknownKey = Code(base: .unknownKey)
        /// A required key is absent.
        package static let missingKey = Code(base: .missingKey)
        /// A value of the wrong type, outside its range, or inconsistent with another value.
        package static let invalidValue = Code(base: .invalidValue)

        /// The code's name.
        package var description: String { self.base.rawValue }
    }

    /// What kind of problem this is.
    package var code: Code
    /// The configuration file as the operator named it.
    package var file: String
    /// 1-based line of the offending key or value, if the problem has a place in the file.
    package var line: Int?
    /// 1-based column (in Unicode scalars) of the offending key or value.
    package var column: Int?
    /// Dotted path of the key, such as `sources[0].mapping.dates.format`; empty for the root.
    package var keyPath: String
    /// What is wrong and what is expected; never contains a secret.
    package var message: String

    /// Creates a configuration error.
    /// - Parameters:
    ///   - code: The kind of problem.
    ///   - file: The configuration file as the operator named it.
    ///   - line: 1-based line, if known.
    ///   - column: 1-based column, if known.
    ///   - keyPath: Dotted key path, empty for the root.
    ///   - message: What is wrong and what is expected.
    package init(code: Code, file: String, line: Int? = nil, column: Int? = nil, keyPath: String = "", message: String) {
        self.code = code
        self.file = file
        self.line = line
        self.column = column
        self.keyPath = keyPath
        self.message = message
    }

    /// `file:line:column: key.path: message`, leaving out the parts that are unknown.
    package var description: String {
        var location = self.file
        if let line = self.line {
            location += ":\(line)"
            if let column = self.column { location += ":\(column)" }
        }
        if self.keyPath.isEmpty { return "\(location): \(self.message)" }
        return "\(location): \(self.keyPath): \(self.message)"
    }
}
