//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

/// The agent module's error: a code and a message for the operator (never a key, token or payload).
package struct AgentError: Error, CustomStringConvertible, Sendable {
    /// What went wrong.
    package struct Code: Hashable, Sendable {
        private let name: String
        private init(_ name: String) { self.name = name }
        package static let notEnrolled = Code("not enrolled")
        package static let alreadyEnrolled = Code("already enrolled")
        package static let enrollmentRefused = Code("enrollment refused")
        package static let untrustedCoordinator = Code("untrusted coordinator")
        package static let connection = Code("connection")
        package static let protocolError = Code("protocol")
        package static let io = Code("io")
        package static let invalidArgument = Code("invalid argument")
    }

    package var code: Code
    package var message: String
    package var file: String
    package var line: Int

    /// Creates an error.
    package init(_ code: Code, _ message: String, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.message = message
        self.file = file
        self.line = line
    }

    package var description: String { self.message }
}
