//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// `store:` in the coordinator configuration: the embedded SQLite store, or PostgreSQL for scale-out.
//
//===----------------------------------------------------------------------===//

internal import Foundation

extension CoordinatorConfiguration {
    /// Where the coordinator keeps its data (`store:`).
    package struct Store: Sendable, CustomStringConvertible {
        /// The storage backend.
        package struct Backend: Sendable, Hashable, CustomStringConvertible {
            package let name: String
            /// The embedded store: `DATA/oversight.sqlite` (one coordinator).
            package static let sqlite = Backend(name: "sqlite")
            /// A PostgreSQL server shared by one or more coordinators.
            package static let postgresql = Backend(name: "postgresql")
            package var description: String { self.name }
        }

        /// How the coordinator protects its connection to PostgreSQL.
        package struct TLSMode: Sendable, Hashable, CustomStringConvertible {
            package let name: String
            /// Plain TCP (a loopback or otherwise trusted network only).
            package static let disable = TLSMode(name: "disable")
            /// TLS when the server offers it, without checking the server's certificate.
            package static let prefer = TLSMode(name: "prefer")
            /// TLS always, without checking the server's certificate.
            package static let require = TLSMode(name: "require")
            /// TLS always; the server's certificate must chain to `ca_file` (or the system roots) and name the host.
            package static let verifyFull = TLSMode(name: "verify-full")
            package static let all: [TLSMode] = [.disable, .prefer, .require, .verifyFull]
            package var description: String { self.name }
        }

        /// A PostgreSQL server: where it is, who the coordinator is, how the connection is protected. The password
        /// comes from `password_file` and never shows in ``description``.
        package struct PostgreSQL: Sendable, CustomStringConvertible {
            package var host: String
            package var port: Int = 5432
            package var database: String
            package var username: String
            /// Read from `password_file`; `nil` for trust or certificate authentication.
            package var password: String?
            package var tls: TLSMode = .verifyFull
            /// PEM roots the server's certificate must chain to (`verify-full`); the system roots when `nil`.
            package var caFile: String?
            /// Most connections this coordinator opens (1–1000).
            package var maxConnections: Int = 20
            /// Creates settings.
            package init(host: String, port: Int = 5432, database: String, username: String) {
                self.host = host
                self.port = port
                self.database = database
                self.username = username
            }
            /// The URL without any password.
            package var description: String {
                "postgresql://\(self.username)@\(self.host):\(self.port)/\(self.database) (tls \(self.tls)\(self.password == nil ? "" : ", password from file"))"
            }
        }

        package var backend: Backend = .sqlite
        /// SQLite durability.
        package var synchronous: Synchronous = .full
        /// The server, when ``backend`` is ``Backend/postgresql``.
        package var postgresql: PostgreSQL?
        /// Creates the default: SQLite in the data directory.
        package init() {}

        package var description: String {
            self.backend == .postgresql ? (self.postgresql?.description ?? "postgresql") : "sqlite (synchronous \(self.synchronous.rawValue))"
        }
    }

    /// Parses `store:`.
    static func store(_ node: ConfigNode) throws(ConfigError) -> Store {
        try node.rejectUnknownKeys(allowed: ["backend", "synchronous", "url", "password_file", "tls", "ca_file", "max_connections"])
        var store = Store()
        if let value = try node.optional("backend") {
            store.backend = try value.choice(["sqlite": Store.Backend.sqlite, "postgresql": .postgresql])
        }
        if let value = try node.optional("synchronous") { store.synchronous = try value.choice(Synchronous.self) }
        let postgresKeys = ["url", "password_file", "tls", "ca_file", "max_connections"]
        guard store.backend == .postgresql else {
            for key in postgresKeys {
                if let value = try node.optional(key) { throw value.error("store.\(key) needs store.backend: postgresql") }
            }
            return store
        }
        let urlNode = try node.required("url")
        var server = try Self.postgresURL(urlNode)
        if let fileNode = try node.optional("password_file") {
            let path = try fileNode.string()
            guard let contents = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw fileNode.error(.unreadableFile, "cannot read the PostgreSQL password file '\(path)'")
            }
            let password = contents.trimmingCharacters(in: .newlines)
            guard !password.isEmpty else { throw fileNode.error("the PostgreSQL password file '\(path)' is empty") }
            server.password = password
        }
        if let value = try node.optional("tls") {
            server.tls = try value.choice(["disable": Store.TLSMode.disable, "prefer": .prefer, "require": .require, "verify-full": .verifyFull])
        }
        if let value = try node.optional("ca_file") {
            let path = try value.string()
            guard FileManager.default.isReadableFile(atPath: path) else { throw value.error(.unreadableFile, "cannot read the CA file '\(path)'") }
            guard server.tls == .verifyFull else { throw value.error("store.ca_file needs store.tls: verify-full") }
            server.caFile = path
        }
        if let value = try node.optional("max_connections") { server.maxConnections = try value.int(in: 1...1_000) }
        store.postgresql = server
        return store
    }

    /// `postgresql://USER@HOST[:PORT]/DATABASE`; a password in the URL is refused (it would end up in files and
    /// process listings): it belongs in `password_file`.
    static func postgresURL(_ node: ConfigNode) throws(ConfigError) -> Store.PostgreSQL {
        let text = try node.string(maxLength: 2048)
        guard let components = URLComponents(string: text), ["postgresql", "postgres"].contains(components.scheme ?? "") else {
            throw node.invalid(expected: "a postgresql://user@host:port/database URL")
        }
        guard components.password == nil else {
            throw node.error("store.url must not carry a password; put it in store.password_file")
        }
        guard let host = components.host, !host.isEmpty else { throw node.invalid(expected: "a postgresql:// URL with a host") }
        guard let user = components.user, !user.isEmpty else { throw node.invalid(expected: "a postgresql:// URL with a user (user@host)") }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty, !database.contains("/") else { throw node.invalid(expected: "a postgresql:// URL ending in /database") }
        guard components.query == nil || components.query == "" else {
            throw node.error("store.url takes no query; use store.tls, store.ca_file and store.password_file")
        }
        let port = components.port ?? 5432
        guard (1...65_535).contains(port) else { throw node.invalid(expected: "a port between 1 and 65535") }
        return Store.PostgreSQL(host: host, port: port, database: database, username: user)
    }
}
