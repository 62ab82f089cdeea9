//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

/// The wire module's one error type: a code, a message that never holds secrets or payloads, and where it was made.
package struct WireError: Error, CustomStringConvertible, Sendable {
    /// What went wrong, as a closed but extensible set.
    package struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        package var description: String { self.name }

        package static let frameTooLarge = Code("frame too large")
        package static let emptyFrame = Code("empty frame")
        package static let badMessage = Code("bad message")
        package static let badKey = Code("bad key")
        package static let badCertificate = Code("bad certificate")
        package static let untrustedServer = Code("untrusted server")
        package static let proxy = Code("proxy")
        package static let connection = Code("connection")
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

    package static func == (lhs: WireError, rhs: WireError) -> Bool { lhs.code == rhs.code }
}
