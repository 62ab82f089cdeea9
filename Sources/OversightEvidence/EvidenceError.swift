//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The evidence module's error.
//
//===----------------------------------------------------------------------===//

/// Writing or reading a bundle failed. Equal when the codes are equal.
package struct EvidenceError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of problem.
    package struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        /// The target folder is not empty or cannot be created.
        package static let badDestination = Code(name: "bad destination")
        /// A bundle file is missing, too large, outside the bundle or not the documented JSON.
        package static let badBundle = Code(name: "bad bundle")
        /// Writing failed.
        package static let io = Code(name: "i/o")
        /// The code's name.
        package var description: String { self.name }
    }

    package var code: Code
    /// What was wrong, for people (never a payload).
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

    /// Compares codes only.
    package static func == (lhs: EvidenceError, rhs: EvidenceError) -> Bool { lhs.code == rhs.code }
    package func hash(into hasher: inout Hasher) { hasher.combine(self.code) }
}
