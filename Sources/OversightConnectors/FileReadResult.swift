//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// What reading one export file gave.
//
//===----------------------------------------------------------------------===//

package import OversightModel

/// The outcome of reading one file: the records taken, the rows rejected, and the file's fingerprint.
package struct FileReadResult: Sendable {
    /// Records from the rows that mapped cleanly, in file order.
    package var records: [Record]
    /// Rows that could not be taken, in file order. A header problem is one reject on the header's line.
    package var rejects: [Reject]
    /// Data rows seen (header and blank lines excluded).
    package var rows: Int
    /// SHA-256 of the file's bytes, lower-case hex; lets the agent recognise a file it already took.
    package var fingerprint: String

    /// Creates a result.
    /// - Parameters:
    ///   - records: Records taken.
    ///   - rejects: Rows rejected.
    ///   - rows: Data rows seen.
    ///   - fingerprint: SHA-256 of the file, hex.
    package init(records: [Record], rejects: [Reject], rows: Int, fingerprint: String) {
        self.records = records
        self.rejects = rejects
        self.rows = rows
        self.fingerprint = fingerprint
    }
}
