//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Console users, API tokens and sessions in the shared PostgreSQL: every coordinator of a deployment signs in the
// same users and honours the same tokens and sessions.
//
//===----------------------------------------------------------------------===//

import Foundation
import HummingbirdBcrypt
import OversightConsole
import OversightStorePostgres
import PostgresNIO

/// ``ConsoleUserAdministration`` on the coordinators' PostgreSQL (migration `v11-console-users`), with the rules of
/// ``UserStore``: passwords are bcrypt hashes of the same cost, API tokens and session ids random and kept only as
/// their SHA-256, looked up by that hash and compared again in constant time; an unknown user costs a bcrypt check
/// too, so timing does not tell which usernames exist.
package final class PostgresUserStore: ConsoleUserAdministration {
    let store: PostgresStore
    /// bcrypt cost; tests lower it.
    package let bcryptCost: UInt8

    /// The users of the database `store` works on; its migrations must have run (``PostgresStore/migrate(dryRun:)``).
    package init(store: PostgresStore, bcryptCost: UInt8 = 12) {
        self.store = store
        self.bcryptCost = bcryptCost
    }

    private static let columns = "u.id, u.username, u.role, u.providers, u.disabled, u.created_at, u.language"

    private static func user(_ row: PostgresRow) throws -> ConsoleUser {
        let (id, username, role, providers, disabled, createdAt, language) = try row.decode(
            (Int64, String, String, String, Bool, Double, String?).self
        )
        return ConsoleUser(
            id: id, username: username, role: ConsoleRole(rawValue: role) ?? .viewer,
            providers: providers.split(separator: ",").map(String.init), disabled: disabled,
            createdAt: Date(timeIntervalSince1970: createdAt), language: language
        )
    }

    /// PostgreSQL's `text` holds no NUL: a name with one is no user's (and is refused when added).
    private static func storable(_ text: String) -> Bool { !text.utf8.contains(0) }

    @discardableResult
    package func add(username: String, password: String, role: ConsoleRole, providers: [String] = [], now: Date = Date()) async throws
        -> ConsoleUser
    {
        try UserStore.validate(username: username, password: password, role: role, providers: providers)
        guard providers.allSatisfy(Self.storable) else {
            throw ConsoleError(.invalidUser, status: .badRequest, "error.provider_names")
        }
        let hash = Bcrypt.hash(password, cost: self.bcryptCost)
        let joined = providers.joined(separator: ",")
        let seconds = now.timeIntervalSince1970
        let rows = try await self.store.rows(
            """
            INSERT INTO console_user (username, password_hash, role, providers, created_at)
            VALUES (\(username), \(hash), \(role.rawValue), \(joined), \(seconds)) ON CONFLICT (username) DO NOTHING RETURNING id
            """
        )
        guard let id = try rows.first?.decode(Int64.self) else {
            throw ConsoleError(.conflict, status: .conflict, "error.user_exists", ["username": username])
        }
        return ConsoleUser(id: id, username: username, role: role, providers: providers, disabled: false, createdAt: now)
    }

    package func list() async throws -> [ConsoleUser] {
        try await self.store.rows(PostgresQuery(unsafeSQL: "SELECT \(Self.columns) FROM console_user u ORDER BY u.username COLLATE \"C\""))
            .map(Self.user)
    }

    package func user(username: String) async throws -> ConsoleUser? {
        guard Self.storable(username) else { return nil }
        var query = PostgresQuery(unsafeSQL: "SELECT \(Self.columns) FROM console_user u WHERE u.username = $1")
        query.binds.append(username)
        return try await self.store.rows(query).first.map(Self.user)
    }

    @discardableResult
    package func disable(username: String, disabled: Bool = true) async throws -> Bool {
        guard Self.storable(username) else { return false }
        return try await self.store.transaction { connection in
            let rows = try await connection.query(
                "UPDATE console_user SET disabled = \(disabled) WHERE username = \(username) RETURNING id", logger: self.store.logger
            ).collect()
            guard let id = try rows.first?.decode(Int64.self) else { return false }
            if disabled {
                try await connection.query("DELETE FROM console_session WHERE user_id = \(id)", logger: self.store.logger)
            }
            return true
        }
    }

    @discardableResult
    package func setPassword(username: String, password: String) async throws -> Bool {
        guard password.utf8.count >= 12, password.utf8.count <= 72 else {
            throw ConsoleError(.invalidUser, status: .badRequest, "error.password_length")
        }
        guard Self.storable(username) else { return false }
        let hash = Bcrypt.hash(password, cost: self.bcryptCost)
        return try await self.store.transaction { connection in
            let rows = try await connection.query(
                "UPDATE console_user SET password_hash = \(hash) WHERE username = \(username) RETURNING id", logger: self.store.logger
            ).collect()
            guard let id = try rows.first?.decode(Int64.self) else { return false }
            try await connection.query("DELETE FROM console_session WHERE user_id = \(id)", logger: self.store.logger)
            return true
        }
    }

    package func verify(username: String, password: String) async throws -> ConsoleUser? {
        var found: (ConsoleUser, String)?
        if Self.storable(username) {
            var query = PostgresQuery(unsafeSQL: "SELECT \(Self.columns), u.password_hash FROM console_user u WHERE u.username = $1")
            query.binds.append(username)
            if let row = try await self.store.rows(query).first {
                found = (try Self.user(row), try row.decode((Int64, String, String, String, Bool, Double, String?, String).self).7)
            }
        }
        guard let (user, hash) = found else {
            // Spend the same time as a real check so that timing does not tell which usernames exist.
            _ = Bcrypt.verify(password, hash: UserStore.dummyHash)
            return nil
        }
        guard Bcrypt.verify(password, hash: hash), !user.disabled else { return nil }
        return user
    }

    /// Creates the first admin when there are no users yet. Two coordinators starting together on an empty database
    /// both see no users; the insert of one of them wins (`ON CONFLICT DO NOTHING`), and only that one gets a password.
    package func ensureAdmin(username: String = "admin") async throws -> String? {
        guard try await self.store.rows("SELECT 1 FROM console_user LIMIT 1").isEmpty else { return nil }
        let password = String(Secrets.random().prefix(24))
        do {
            try await self.add(username: username, password: password, role: .admin)
        } catch let error as ConsoleError where error.code == .conflict {
            return nil
        }
        return password
    }

    @discardableResult
    package func setLanguage(userId: Int64, language: String?) async throws -> Bool {
        guard language.map(Self.storable) ?? true else { return false }
        return !(try await self.store.rows("UPDATE console_user SET language = \(language) WHERE id = \(userId) RETURNING id").isEmpty)
    }

    @discardableResult
    package func setLanguage(username: String, language: String?) async throws -> Bool {
        guard Self.storable(username), language.map(Self.storable) ?? true else { return false }
        return !(try await self.store.rows("UPDATE console_user SET language = \(language) WHERE username = \(username) RETURNING id").isEmpty)
    }

    // MARK: API tokens

    package func createAPIToken(username: String, name: String = "api", now: Date = Date(), expiresAt: Date? = nil) async throws -> String {
        guard Self.storable(username), Self.storable(name) else { throw ConsoleError.notFound("error.no_such_user") }
        let token = Secrets.random(prefix: "ovc_")
        let hash = Secrets.hash(token)
        let created = now.timeIntervalSince1970
        let expires = expiresAt?.timeIntervalSince1970
        let rows = try await self.store.rows(
            """
            INSERT INTO console_api_token (hash, user_id, name, created_at, expires_at)
            SELECT \(hash), id, \(name), \(created), \(expires) FROM console_user WHERE username = \(username) RETURNING user_id
            """
        )
        guard !rows.isEmpty else { throw ConsoleError.notFound("error.no_such_user") }
        return token
    }

    package func user(apiToken token: String, now: Date = Date()) async throws -> ConsoleUser? {
        let hash = Secrets.hash(token)
        var query = PostgresQuery(
            unsafeSQL: """
                SELECT \(Self.columns), t.hash, t.expires_at FROM console_api_token t JOIN console_user u ON u.id = t.user_id WHERE t.hash = $1
                """
        )
        query.binds.append(hash)
        guard let row = try await self.store.rows(query).first else { return nil }
        let (_, _, _, _, _, _, _, stored, expires) = try row.decode((Int64, String, String, String, Bool, Double, String?, String, Double?).self)
        guard Secrets.constantTimeEquals(stored, hash) else { return nil }
        if let expires, expires <= now.timeIntervalSince1970 { return nil }
        let user = try Self.user(row)
        return user.disabled ? nil : user
    }

    // MARK: Sessions

    package func createSession(for user: ConsoleUser, lifetime: Duration, now: Date = Date()) async throws -> UserStore.NewSession {
        let id = Secrets.random()
        let csrf = Secrets.random()
        let expiresAt = now.addingTimeInterval(Double(lifetime.components.seconds))
        let (hash, created, expires) = (Secrets.hash(id), now.timeIntervalSince1970, expiresAt.timeIntervalSince1970)
        try await self.store.transaction { connection in
            try await connection.query("DELETE FROM console_session WHERE expires_at <= \(created)", logger: self.store.logger)
            try await connection.query(
                """
                INSERT INTO console_session (hash, user_id, csrf, created_at, expires_at)
                VALUES (\(hash), \(user.id), \(csrf), \(created), \(expires))
                """,
                logger: self.store.logger
            )
        }
        return UserStore.NewSession(id: id, csrf: csrf, expiresAt: expiresAt)
    }

    package func session(id: String, now: Date = Date()) async throws -> (user: ConsoleUser, csrf: String)? {
        let hash = Secrets.hash(id)
        var query = PostgresQuery(
            unsafeSQL: """
                SELECT \(Self.columns), s.hash, s.csrf, s.expires_at FROM console_session s JOIN console_user u ON u.id = s.user_id
                WHERE s.hash = $1
                """
        )
        query.binds.append(hash)
        guard let row = try await self.store.rows(query).first else { return nil }
        let (_, _, _, _, _, _, _, stored, csrf, expires) = try row.decode(
            (Int64, String, String, String, Bool, Double, String?, String, String, Double).self
        )
        guard Secrets.constantTimeEquals(stored, hash), expires > now.timeIntervalSince1970 else { return nil }
        let user = try Self.user(row)
        return user.disabled ? nil : (user, csrf)
    }

    package func deleteSession(id: String) async throws {
        try await self.store.execute("DELETE FROM console_session WHERE hash = \(Secrets.hash(id))")
    }
}
