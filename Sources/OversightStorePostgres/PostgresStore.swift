//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The scale-out store: PostgreSQL through PostgresNIO, shared by one or more coordinators.
//
//===----------------------------------------------------------------------===//

import Foundation
import Logging
import NIOCore
import NIOSSL
import OversightModel
import OversightStore
import PostgresNIO

/// The coordinator's store on PostgreSQL. The same interface and the same rules as ``SQLiteStore`` (the tests run one
/// suite against both): a batch is applied once, in one transaction that checks the agent's sequence and chain, and a
/// record never moves to another site.
///
/// The client's connection pool must run while the store is used: ``withStore(configuration:logger:_:)`` runs it,
/// applies the migrations and hands the store to its body.
package final class PostgresStore: CoordinatorStore {
    /// Where the server is and how to reach it.
    package struct Configuration: Sendable, CustomStringConvertible {
        /// How the connection is protected.
        package struct TLS: Sendable, Hashable {
            package let mode: String
            /// Plain TCP.
            package static let disable = TLS(mode: "disable")
            /// TLS when the server offers it, certificate not checked.
            package static let prefer = TLS(mode: "prefer")
            /// TLS always, certificate not checked.
            package static let require = TLS(mode: "require")
            /// TLS always; the certificate must chain to the roots and name the host.
            package static let verifyFull = TLS(mode: "verify-full")
        }

        package var host: String
        package var port: Int = 5432
        package var database: String
        package var username: String
        /// Never in ``description``.
        package var password: String?
        package var tls: TLS = .verifyFull
        /// PEM roots for ``TLS/verifyFull``; the system's when `nil`.
        package var caFile: String?
        package var maxConnections: Int = 20

        /// Creates a configuration.
        package init(host: String, port: Int = 5432, database: String, username: String, password: String? = nil, tls: TLS = .verifyFull) {
            self.host = host
            self.port = port
            self.database = database
            self.username = username
            self.password = password
            self.tls = tls
        }

        /// The server without the password.
        package var description: String { "postgresql://\(self.username)@\(self.host):\(self.port)/\(self.database) (tls \(self.tls.mode))" }

        func clientConfiguration() throws -> PostgresClient.Configuration {
            let tls: PostgresClient.Configuration.TLS
            switch self.tls {
            case .disable:
                tls = .disable
            case .prefer, .require:
                var context = TLSConfiguration.makeClientConfiguration()
                context.certificateVerification = .none
                tls = self.tls == .prefer ? .prefer(context) : .require(context)
            default:
                var context = TLSConfiguration.makeClientConfiguration()
                context.certificateVerification = .fullVerification
                if let caFile = self.caFile { context.trustRoots = .file(caFile) }
                tls = .require(context)
            }
            var configuration = PostgresClient.Configuration(
                host: self.host, port: self.port, username: self.username, password: self.password, database: self.database, tls: tls
            )
            configuration.options.maximumConnections = self.maxConnections
            return configuration
        }
    }

    /// The pool; `package` so that stores of other modules on the same database (the console's users) share it.
    package let client: PostgresClient
    package let logger: Logger

    /// A store on `client`, which the caller runs; call ``migrate()`` before use.
    package init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Runs a client for `configuration`, applies the migrations (under an advisory lock, so coordinators starting
    /// together never race) unless `migrating` is `false` (the `migrate` command, which applies them itself), and
    /// calls `body` with the store; the client stops when `body` returns or throws.
    package static func withStore<Result: Sendable>(
        configuration: Configuration, logger: Logger, migrating: Bool = true, _ body: @Sendable (PostgresStore) async throws -> Result
    ) async throws -> Result {
        let client = PostgresClient(configuration: try configuration.clientConfiguration(), backgroundLogger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            let store = PostgresStore(client: client, logger: logger)
            if migrating { try await store.migrate() }
            return try await body(store)
        }
    }

    // MARK: Running SQL

    /// Runs `body` in one transaction on one connection; an error thrown by `body` rolls back and is rethrown as it was.
    package func transaction<Result: Sendable>(_ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        try await self.client.withConnection { connection in
            try await connection.query("BEGIN", logger: self.logger)
            do {
                let result = try await body(connection)
                try await connection.query("COMMIT", logger: self.logger)
                return result
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: self.logger)
                throw error
            }
        }
    }

    /// Every row of `query`.
    package func rows(_ query: PostgresQuery) async throws -> [PostgresRow] {
        try await self.client.query(query, logger: self.logger).collect()
    }

    /// Runs `query` for its effect.
    package func execute(_ query: PostgresQuery) async throws {
        try await self.client.query(query, logger: self.logger)
    }

    /// Runs `sql` as it is, for tests that play a person with SQL access (the append-only triggers); internal, so
    /// only `@testable` code reaches it.
    func execute(sql: String) async throws {
        try await self.execute(PostgresQuery(unsafeSQL: sql))
    }

    static func date(_ seconds: Double?) -> Date? { seconds.map(Date.init(timeIntervalSince1970:)) }
}

/// A query built piece by piece: `bind` appends a value and returns its `$n` placeholder.
struct QueryBuilder {
    var sql = ""
    var binds = PostgresBindings()

    mutating func bind<Value: PostgresEncodable & Sendable>(_ value: Value) throws -> String {
        try self.binds.append(value)
        return "$\(self.binds.count)"
    }

    mutating func bind<Value: PostgresEncodable & Sendable>(_ value: Value?) throws -> String {
        try self.binds.append(value)
        return "$\(self.binds.count)"
    }

    /// ` AND column = ANY($n)` for every column the scope narrows.
    mutating func scope(_ scope: RecordScope, site: String?, queue: String?, channel: String?, priority: String?) throws {
        for (column, values) in [(site, scope.sites), (queue, scope.queues), (channel, scope.channels), (priority, scope.priorities)] {
            guard let column, let values else { continue }
            self.sql += " AND \(column) = ANY(\(try self.bind(values.sorted())))"
        }
    }

    var query: PostgresQuery { PostgresQuery(unsafeSQL: self.sql, binds: self.binds) }
}

/// A one-dimensional array that may hold NULLs (PostgresNIO encodes arrays of non-optional elements only), for
/// `UNNEST` of nullable columns.
struct NullableArray<Element: PostgresArrayEncodable & Sendable>: PostgresEncodable, Sendable {
    var elements: [Element?]

    init(_ elements: [Element?]) { self.elements = elements }

    static var psqlType: PostgresDataType { Element.psqlArrayType }
    static var psqlFormat: PostgresFormat { .binary }

    func encode<JSONEncoder: PostgresJSONEncoder>(into buffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) throws {
        buffer.writeInteger(self.elements.isEmpty ? 0 : 1, as: Int32.self)  // dimensions
        buffer.writeInteger(self.elements.contains { $0 == nil } ? 1 : 0, as: Int32.self)  // has NULLs
        buffer.writeInteger(Element.psqlType.rawValue)
        guard !self.elements.isEmpty else { return }
        buffer.writeInteger(Int32(self.elements.count), as: Int32.self)
        buffer.writeInteger(1, as: Int32.self)  // lower bound
        for element in self.elements {
            if let element {
                let start = buffer.writerIndex
                buffer.writeInteger(0, as: Int32.self)
                try element.encode(into: &buffer, context: context)
                buffer.setInteger(Int32(buffer.writerIndex - start - 4), at: start, as: Int32.self)
            } else {
                buffer.writeInteger(-1, as: Int32.self)
            }
        }
    }
}
