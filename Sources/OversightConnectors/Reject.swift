//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// A row of an export that could not be taken.
//
//===----------------------------------------------------------------------===//

/// A row that could not become a record, with where it is and why.
package struct Reject: Sendable, Hashable, Codable {
    /// 1-based physical line on which the row starts.
    package var line: Int
    /// Why, starting with the line: `line 7: column "Created": '31/02/2026' does not match date format dd/MM/yyyy`.
    package var reason: String
    /// The row as it appears in the file (at most 4 KiB), when known. Stays on the agent's machine.
    package var raw: String?

    /// Creates a reject.
    /// - Parameters:
    ///   - line: 1-based line on which the row starts.
    ///   - reason: Why the row was rejected, starting with `line N: `.
    ///   - raw: The row's text, if known.
    package init(line: Int, reason: String, raw: String? = nil) {
        self.line = line
        self.reason = reason
        self.raw = raw
    }
}
