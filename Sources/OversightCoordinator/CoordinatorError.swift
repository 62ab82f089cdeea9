//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

/// The coordinator module's error: a code and a message that never carries secrets.
package struct CoordinatorError: Error, CustomStringConvertible, Sendable {
    /// What went wrong.
    package struct Code: Hashable, Sendable {
        private let name: String
        private init(_ name: String) { self.name = name }
        package static let notInitialised = Code("not initialised")
        package static let badKey = Code("bad key")
        package static let io = Code("io")
        package static let invalidArgument = Code("invalid argument")
        package static let busy = Code("busy")
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
