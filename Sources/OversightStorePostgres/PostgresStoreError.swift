//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The PostgreSQL store's own error, and reading the columns of a wide row one by one.
//
//===----------------------------------------------------------------------===//

import Foundation
import PostgresNIO

/// An error of the PostgreSQL store (other than the server's own, which PostgresNIO reports as `PSQLError`).
package struct PostgresStoreError: Error, CustomStringConvertible, Equatable {
    /// What went wrong.
    package struct Code: Sendable, Hashable {
        let name: String
        /// A row came back with fewer columns than the query selects (a query and its decoding disagree).
        package static let unexpectedRow = Code(name: "unexpected_row")
    }

    package var code: Code
    package var message: String

    /// A row of `what` had fewer columns than read.
    package static func unexpectedRow(_ what: String) -> PostgresStoreError {
        PostgresStoreError(code: .unexpectedRow, message: "a row of \(what) has fewer columns than the query selects")
    }

    package var description: String { self.message }
    package static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }
}

/// The columns of one row, read in order: for rows wider than a `decode` tuple holds comfortably.
struct Columns {
    private var cells: PostgresRow.Iterator
    private let what: String

    /// The columns of `row`, a row of `what` (named in the error when a column is missing).
    init(_ row: PostgresRow, of what: String) {
        self.cells = row.makeIterator()
        self.what = what
    }

    /// The next column, decoded as `T`.
    mutating func next<T: PostgresDecodable>(_: T.Type = T.self) throws -> T {
        guard let cell = self.cells.next() else { throw PostgresStoreError.unexpectedRow(self.what) }
        return try cell.decode(T.self)
    }
}

extension PostgresStore {
    /// What went wrong in `error`, for an operator: the server's message for a PostgresNIO error (whose description
    /// is deliberately generic, so it never carries binds), else the error's description. Never holds a password.
    package static func reason(_ error: any Error) -> String {
        guard let error = error as? PSQLError else { return "\(error)" }
        if let message = error.serverInfo?[.message] { return message }
        if let underlying = error.underlying { return "\(error.code): \(underlying)" }
        return "\(error.code)"
    }
}
