//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

/// The alerts module's error: a code and a message for the operator (never a secret or a payload).
package struct AlertError: Error, CustomStringConvertible, Sendable {
    /// What went wrong.
    package struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        /// No open alert has that key.
        package static let notFound = Code("not found")
        /// The argument is not acceptable (an empty name, a bad URL, two receivers with one name).
        package static let invalidArgument = Code("invalid argument")
        /// A receiver answered with something other than 2xx.
        package static let rejected = Code("rejected")
        /// The receiver could not be reached.
        package static let unreachable = Code("unreachable")
        package var description: String { self.name }
    }

    /// What went wrong.
    package var code: Code
    /// For the operator.
    package var message: String
    /// Where it was thrown.
    package var file: String
    /// Where it was thrown.
    package var line: Int

    /// Creates an error.
    package init(_ code: Code, _ message: String, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.message = message
        self.file = file
        self.line = line
    }

    package var description: String { self.message }

    /// Errors compare by code only.
    package static func == (lhs: AlertError, rhs: AlertError) -> Bool { lhs.code == rhs.code }
}

extension AlertError: Equatable {}
