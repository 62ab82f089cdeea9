//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Errors of SLA computations given inconsistent input.
//
//===----------------------------------------------------------------------===//

/// An SLA computation refused its input (contract files report problems as `ConfigError` instead).
/// Equal when the codes are equal.
package struct SLAError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of problem.
    package struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        /// A period of the wrong kind (a week where a month is needed).
        package static let wrongPeriod = Code(name: "wrong period")
        /// A name that refers to nothing (a credit rule for an undefined target).
        package static let unknownTarget = Code(name: "unknown target")
        /// The same thing given twice.
        package static let duplicate = Code(name: "duplicate")
        /// A value out of its range.
        package static let invalidValue = Code(name: "invalid value")
        /// The code's name.
        package var description: String { self.name }
    }

    /// The code.
    package var code: Code
    /// What was wrong and where, for people.
    package var message: String

    /// Creates an error.
    /// - Parameters:
    ///   - code: The code.
    ///   - message: What was wrong and where.
    package init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The message.
    package var description: String { self.message }

    /// Compares codes only.
    package static func == (lhs: SLAError, rhs: SLAError) -> Bool { lhs.code == rhs.code }

    /// Hashes the code only.
    package func hash(into hasher: inout Hasher) { hasher.combine(self.code) }
}
