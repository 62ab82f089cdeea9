//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Errors of connectors that concern a whole folder or file.
//
//===----------------------------------------------------------------------===//

/// A problem with a source's folder or a whole file (bad rows are ``Reject``s, not errors).
package struct ConnectorError: Error, CustomStringConvertible, Sendable {
    /// What kind of problem this is; compare errors by code.
    package struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case folderUnreadable, fileUnreadable, fileTooLarge, tooManyRows, unknownFormat, moveFailed
        }

        private let base: Base

        /// The source folder cannot be listed (missing, permissions).
        package static let folderUnreadable = Code(base: .folderUnreadable)
        /// A file cannot be read.
        package static let fileUnreadable = Code(base: .fileUnreadable)
        /// A file is larger than the source accepts.
        package static let fileTooLarge = Code(base: .fileTooLarge)
        /// A file has more rows than the source accepts.
        package static let tooManyRows = Code(base: .tooManyRows)
        /// The file's format cannot be told from its extension.
        package static let unknownFormat = Code(base: .unknownFormat)
        /// A file could not be moved to `done/` or `rejects/`, or a rejects file could not be written.
        package static let moveFailed = Code(base: .moveFailed)

        /// The code's name.
        package var description: String { self.base.rawValue }
    }

    /// What kind of problem this is.
    package var code: Code
    /// The folder or file concerned.
    package var path: String
    /// What is wrong; never contains row contents.
    package var message: String

    /// Creates an error.
    /// - Parameters:
    ///   - code: What kind of problem this is.
    ///   - path: The folder or file concerned.
    ///   - message: What is wrong.
    package init(code: Code, path: String, message: String) {
        self.code = code
        self.path = path
        self.message = message
    }

    /// `path: message`.
    package var description: String { "\(self.path): \(self.message)" }
}
