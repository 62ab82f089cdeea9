//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// What the console needs of its users store: sign-in, API tokens and sessions.
//
//===----------------------------------------------------------------------===//

import Foundation

/// Console users and sessions as the console's routes and middleware use them. ``UserStore`` (its own SQLite file)
/// is the embedded implementation; `PostgresUserStore` (module OversightConsolePostgres) keeps them in the shared
/// PostgreSQL, so every coordinator of a scale-out deployment sees the same users, tokens and sessions.
package protocol ConsoleUserStore: Sendable {
    /// The user when `username` and `password` match an enabled user.
    func verify(username: String, password: String) async throws -> ConsoleUser?
    /// The user an unexpired API token belongs to.
    func user(apiToken token: String, now: Date) async throws -> ConsoleUser?
    /// Opens a session for `user`.
    func createSession(for user: ConsoleUser, lifetime: Duration, now: Date) async throws -> UserStore.NewSession
    /// The user and CSRF token of an unexpired session.
    func session(id: String, now: Date) async throws -> (user: ConsoleUser, csrf: String)?
    func deleteSession(id: String) async throws
    /// Stores the user's console language (`nil`: follow the browser).
    @discardableResult
    func setLanguage(userId: Int64, language: String?) async throws -> Bool
}

/// What the `users` commands, the first start and the `--as` checks need besides sign-in: adding and listing users,
/// disabling them, passwords, languages and API tokens. Both implementations hash passwords with bcrypt
/// (``UserStore/bcryptCost``) and keep API tokens and session ids only as their SHA-256 (``Secrets/hash(_:)``).
package protocol ConsoleUserAdministration: ConsoleUserStore {
    /// Adds a user (12–72-byte password; see ``UserStore/validate(username:password:role:providers:)``).
    @discardableResult
    func add(username: String, password: String, role: ConsoleRole, providers: [String], now: Date) async throws -> ConsoleUser
    /// Every user, by username.
    func list() async throws -> [ConsoleUser]
    /// The user called `username`.
    func user(username: String) async throws -> ConsoleUser?
    /// Disables (or re-enables) a user; a disabled user's sessions end at once. `false` if there is no such user.
    @discardableResult
    func disable(username: String, disabled: Bool) async throws -> Bool
    /// Sets a new password and ends the user's sessions. `false` if there is no such user.
    @discardableResult
    func setPassword(username: String, password: String) async throws -> Bool
    /// Creates `admin` with a random one-time password when there are no users yet; the password, or `nil`.
    func ensureAdmin(username: String) async throws -> String?
    /// Sets (or clears) the console language of the user called `username`. `false` if there is no such user.
    @discardableResult
    func setLanguage(username: String, language: String?) async throws -> Bool
    /// Creates an API token for `username`, returned once and stored only as its SHA-256.
    func createAPIToken(username: String, name: String, now: Date, expiresAt: Date?) async throws -> String
}

extension UserStore: ConsoleUserAdministration {}
