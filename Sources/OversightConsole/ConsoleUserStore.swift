//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// What the console needs of its users store: sign-in, API tokens and sessions.
//
//===----------------------------------------------------------------------===//

import Foundation

/// Console users and sessions as the console's routes and middleware use them. ``UserStore`` (its own SQLite file)
/// is the embedded implementation; a shared database lets every coordinator see the same users and sessions.
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

extension UserStore: ConsoleUserStore {}
