//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Console users, API tokens and sessions in their own SQLite file.
//
//===----------------------------------------------------------------------===//

import Foundation
import GRDB
import HummingbirdBcrypt

/// Console users, their API tokens and their sessions, in `console.sqlite` (apart from the coordinator's store).
///
/// Passwords are bcrypt hashes; API tokens and session ids are random and kept only as their SHA-256.
package final class UserStore: Sendable {
    /// The database.
    package let writer: any DatabaseWriter
    /// bcrypt cost; tests lower it.
    package let bcryptCost: UInt8

    /// Opens (creating if needed) the users file at `path`.
    /// - Parameters:
    ///   - path: the SQLite file, e.g. `<data>/console.sqlite`.
    ///   - bcryptCost: bcrypt work factor (12 by default).
    package init(path: String, bcryptCost: UInt8 = 12) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        self.writer = try DatabasePool(path: path, configuration: configuration)
        self.bcryptCost = bcryptCost
        try Self.migrator.migrate(self.writer)
    }

    /// An in-memory store, for tests.
    package init(bcryptCost: UInt8 = 4) throws {
        self.writer = try DatabaseQueue()
        self.bcryptCost = bcryptCost
        try Self.migrator.migrate(self.writer)
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE user (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        username TEXT NOT NULL UNIQUE,
                        password_hash TEXT NOT NULL,
                        role TEXT NOT NULL,
                        providers TEXT NOT NULL,
                        disabled INTEGER NOT NULL DEFAULT 0,
                        created_at REAL NOT NULL
                    );
                    CREATE TABLE api_token (
                        hash TEXT PRIMARY KEY,
                        user_id INTEGER NOT NULL REFERENCES user(id) ON DELETE CASCADE,
                        name TEXT NOT NULL,
                        created_at REAL NOT NULL,
                        expires_at REAL
                    );
                    CREATE TABLE session (
                        hash TEXT PRIMARY KEY,
                        user_id INTEGER NOT NULL REFERENCES user(id) ON DELETE CASCADE,
                        csrf TEXT NOT NULL,
                        created_at REAL NOT NULL,
                        expires_at REAL NOT NULL
                    );
                    """
            )
        }
        // The console language the user chose (`en`, `de`, `ru`); NULL: the browser's Accept-Language decides.
        migrator.registerMigration("v2-user-language") { db in
            try db.execute(sql: "ALTER TABLE user ADD COLUMN language TEXT")
        }
        return migrator
    }

    private static func user(_ row: Row) -> ConsoleUser {
        let providers: String = row["providers"]
        return ConsoleUser(
            id: row["id"], username: row["username"], role: ConsoleRole(rawValue: row["role"]) ?? .viewer,
            providers: providers.split(separator: ",").map(String.init), disabled: row["disabled"],
            createdAt: Date(timeIntervalSince1970: row["created_at"]), language: row["language"]
        )
    }

    /// Refuses a bad username, password length, role scope or provider list (the rules of every users store).
    package static func validate(username: String, password: String?, role: ConsoleRole, providers: [String]) throws(ConsoleError) {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "._@-"))
        guard !username.isEmpty, username.count <= 64, username.unicodeScalars.allSatisfy(allowed.contains) else {
            throw ConsoleError(.invalidUser, status: .badRequest, "error.username_invalid")
        }
        if let password, password.utf8.count < 12 || password.utf8.count > 72 {
            throw ConsoleError(.invalidUser, status: .badRequest, "error.password_length")
        }
        if role == .provider && providers.count != 1 {
            throw ConsoleError(.invalidUser, status: .badRequest, "error.provider_user_scope")
        }
        if providers.contains(where: { $0.isEmpty || $0.contains(",") }) {
            throw ConsoleError(.invalidUser, status: .badRequest, "error.provider_names")
        }
    }

    /// Adds a user.
    /// - Parameters:
    ///   - username: unique login name.
    ///   - password: 12–72 bytes; stored as a bcrypt hash.
    ///   - role: what the user may do.
    ///   - providers: the providers the user may see (empty: all; exactly one for `provider`).
    ///   - now: creation time.
    @discardableResult
    package func add(username: String, password: String, role: ConsoleRole, providers: [String] = [], now: Date = Date()) async throws
        -> ConsoleUser
    {
        try Self.validate(username: username, password: password, role: role, providers: providers)
        let hash = Bcrypt.hash(password, cost: self.bcryptCost)
        return try await self.writer.write { db in
            if try Row.fetchOne(db, sql: "SELECT 1 FROM user WHERE username = ?", arguments: [username]) != nil {
                throw ConsoleError(.conflict, status: .conflict, "error.user_exists", ["username": username])
            }
            try db.execute(
                sql: "INSERT INTO user (username, password_hash, role, providers, created_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [username, hash, role.rawValue, providers.joined(separator: ","), now.timeIntervalSince1970]
            )
            return ConsoleUser(
                id: db.lastInsertedRowID, username: username, role: role, providers: providers, disabled: false, createdAt: now
            )
        }
    }

    /// Every user, by username.
    package func list() async throws -> [ConsoleUser] {
        try await self.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM user ORDER BY username").map(Self.user)
        }
    }

    /// The user called `username`.
    package func user(username: String) async throws -> ConsoleUser? {
        try await self.writer.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM user WHERE username = ?", arguments: [username]).map(Self.user)
        }
    }

    /// Disables (or re-enables) a user; a disabled user's sessions end at once. `false` if there is no such user.
    @discardableResult
    package func disable(username: String, disabled: Bool = true) async throws -> Bool {
        try await self.writer.write { db in
            try db.execute(sql: "UPDATE user SET disabled = ? WHERE username = ?", arguments: [disabled, username])
            guard db.changesCount > 0 else { return false }
            if disabled {
                try db.execute(
                    sql: "DELETE FROM session WHERE user_id = (SELECT id FROM user WHERE username = ?)", arguments: [username]
                )
            }
            return true
        }
    }

    /// Sets a new password and ends the user's sessions. `false` if there is no such user.
    @discardableResult
    package func setPassword(username: String, password: String) async throws -> Bool {
        guard password.utf8.count >= 12, password.utf8.count <= 72 else {
            throw ConsoleError(.invalidUser, status: .badRequest, "error.password_length")
        }
        let hash = Bcrypt.hash(password, cost: self.bcryptCost)
        return try await self.writer.write { db in
            try db.execute(sql: "UPDATE user SET password_hash = ? WHERE username = ?", arguments: [hash, username])
            guard db.changesCount > 0 else { return false }
            try db.execute(
                sql: "DELETE FROM session WHERE user_id = (SELECT id FROM user WHERE username = ?)", arguments: [username]
            )
            return true
        }
    }

    /// The enabled user whose password this is; `nil` for an unknown user, a wrong password or a disabled user.
    package func verify(username: String, password: String) async throws -> ConsoleUser? {
        let found = try await self.writer.read { db -> (ConsoleUser, String)? in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM user WHERE username = ?", arguments: [username]) else {
                return nil
            }
            return (Self.user(row), row["password_hash"])
        }
        guard let (user, hash) = found else {
            // Spend the same time as a real check so that timing does not tell which usernames exist.
            _ = Bcrypt.verify(password, hash: Self.dummyHash)
            return nil
        }
        guard Bcrypt.verify(password, hash: hash), !user.disabled else { return nil }
        return user
    }

    /// Checked against when the username is unknown, so that timing does not tell which usernames exist.
    package static let dummyHash = Bcrypt.hash("not-a-real-password", cost: 4)

    /// Creates the first admin with a random one-time password when there are no users yet (for `demo` and first start).
    /// - Returns: the password to print once, or `nil` if users already exist.
    package func ensureAdmin(username: String = "admin") async throws -> String? {
        let count = try await self.writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM user") ?? 0 }
        guard count == 0 else { return nil }
        let password = String(Secrets.random().prefix(24))
        try await self.add(username: username, password: password, role: .admin)
        return password
    }

    /// Sets (or, with `nil`, clears) the user's console language. `false` if there is no such user.
    @discardableResult
    package func setLanguage(userId: Int64, language: String?) async throws -> Bool {
        try await self.writer.write { db in
            try db.execute(sql: "UPDATE user SET language = ? WHERE id = ?", arguments: [language, userId])
            return db.changesCount > 0
        }
    }

    /// Sets (or clears) the console language of the user called `username`. `false` if there is no such user.
    @discardableResult
    package func setLanguage(username: String, language: String?) async throws -> Bool {
        try await self.writer.write { db in
            try db.execute(sql: "UPDATE user SET language = ? WHERE username = ?", arguments: [language, username])
            return db.changesCount > 0
        }
    }

    // MARK: API tokens

    /// Creates an API token for `username`; the token is returned once and stored only as its SHA-256.
    package func createAPIToken(username: String, name: String = "api", now: Date = Date(), expiresAt: Date? = nil) async throws -> String {
        let token = Secrets.random(prefix: "ovc_")
        try await self.writer.write { db in
            guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM user WHERE username = ?", arguments: [username]) else {
                throw ConsoleError.notFound("error.no_such_user")
            }
            try db.execute(
                sql: "INSERT INTO api_token (hash, user_id, name, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [Secrets.hash(token), id, name, now.timeIntervalSince1970, expiresAt?.timeIntervalSince1970]
            )
        }
        return token
    }

    /// The enabled user that holds this API token, if it is valid at `now`.
    package func user(apiToken token: String, now: Date = Date()) async throws -> ConsoleUser? {
        let hash = Secrets.hash(token)
        return try await self.writer.read { db in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT user.*, api_token.hash AS token_hash, api_token.expires_at AS token_expires FROM api_token
                        JOIN user ON user.id = api_token.user_id WHERE api_token.hash = ?
                        """,
                    arguments: [hash]
                ),
                Secrets.constantTimeEquals(row["token_hash"], hash)
            else { return nil }
            if let expires: Double = row["token_expires"], expires <= now.timeIntervalSince1970 { return nil }
            let user = Self.user(row)
            return user.disabled ? nil : user
        }
    }

    // MARK: Sessions

    /// A new session: its id (for the cookie, shown once) and its CSRF token.
    package struct NewSession: Sendable {
        package var id: String
        package var csrf: String
        package var expiresAt: Date

        package init(id: String, csrf: String, expiresAt: Date) {
            self.id = id
            self.csrf = csrf
            self.expiresAt = expiresAt
        }
    }

    /// Starts a session for `user` lasting `lifetime`.
    package func createSession(for user: ConsoleUser, lifetime: Duration, now: Date = Date()) async throws -> NewSession {
        let id = Secrets.random()
        let csrf = Secrets.random()
        let expiresAt = now.addingTimeInterval(Double(lifetime.components.seconds))
        try await self.writer.write { db in
            try db.execute(sql: "DELETE FROM session WHERE expires_at <= ?", arguments: [now.timeIntervalSince1970])
            try db.execute(
                sql: "INSERT INTO session (hash, user_id, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [Secrets.hash(id), user.id, csrf, now.timeIntervalSince1970, expiresAt.timeIntervalSince1970]
            )
        }
        return NewSession(id: id, csrf: csrf, expiresAt: expiresAt)
    }

    /// The enabled user of a live session, with the session's CSRF token.
    package func session(id: String, now: Date = Date()) async throws -> (user: ConsoleUser, csrf: String)? {
        let hash = Secrets.hash(id)
        return try await self.writer.read { db in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT user.*, session.hash AS session_hash, session.csrf AS csrf, session.expires_at AS session_expires
                        FROM session JOIN user ON user.id = session.user_id WHERE session.hash = ?
                        """,
                    arguments: [hash]
                ),
                Secrets.constantTimeEquals(row["session_hash"], hash)
            else { return nil }
            let expires: Double = row["session_expires"]
            guard expires > now.timeIntervalSince1970 else { return nil }
            let user = Self.user(row)
            return user.disabled ? nil : (user, row["csrf"])
        }
    }

    /// Ends a session.
    package func deleteSession(id: String) async throws {
        try await self.writer.write { db in
            try db.execute(sql: "DELETE FROM session WHERE hash = ?", arguments: [Secrets.hash(id)])
        }
    }
}
