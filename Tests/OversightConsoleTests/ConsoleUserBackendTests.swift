//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The console's users, API tokens, sessions and login throttle on both backends: console.sqlite (UserStore,
// LoginThrottle in memory) and the shared PostgreSQL (PostgresUserStore, PostgresLoginThrottle), with the same
// answers; and, on PostgreSQL, two connection pools (two coordinators) on one database seeing the same users,
// sessions and failed logins.
//
//===----------------------------------------------------------------------===//

import Foundation
import GRDB
import Logging
import OversightConsole
import OversightConsolePostgres
import OversightStorePostgres
import OversightTesting
import PostgresNIO
import Testing

/// A users backend under test.
enum UsersBackend: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite
    case postgresql

    var testDescription: String { self.rawValue }

    static let available: [UsersBackend] = {
        if let reason = PostgresCluster.unavailableReason, ProcessInfo.processInfo.environment["CI"] == nil {
            print("note: PostgreSQL console-user tests skipped: \(reason)")
            return [.sqlite]
        }
        return [.sqlite, .postgresql]
    }()

    /// What a test gets: the users, a throttle, and every stored secret-bearing column (to show tokens and session ids
    /// are kept only hashed).
    struct Handle: Sendable {
        let users: any ConsoleUserAdministration
        let throttle: any LoginThrottling
        let storedSecrets: @Sendable () async throws -> [String]
    }

    static func configuration(_ cluster: PostgresCluster, _ database: String) -> PostgresStore.Configuration {
        PostgresStore.Configuration(host: "127.0.0.1", port: cluster.port, database: database, username: cluster.username, tls: .disable)
    }

    static var logger: Logger {
        var logger = Logger(label: "console-users-test")
        logger.logLevel = .warning
        return logger
    }

    func with(throttle configuration: LoginThrottle.Configuration = .init(), _ body: @Sendable (Handle) async throws -> Void) async throws {
        switch self {
        case .sqlite:
            let users = try UserStore()
            try await body(
                Handle(users: users, throttle: LoginThrottle(configuration: configuration)) {
                    try await users.writer.read { db in
                        try String.fetchAll(db, sql: "SELECT hash FROM api_token UNION ALL SELECT hash FROM session")
                    }
                }
            )
        case .postgresql:
            let cluster = try PostgresCluster.shared()
            let database = try cluster.createDatabase()
            try await PostgresStore.withStore(configuration: Self.configuration(cluster, database), logger: Self.logger) { store in
                let users = PostgresUserStore(store: store, bcryptCost: 4)
                try await body(
                    Handle(users: users, throttle: PostgresLoginThrottle(store: store, configuration: configuration)) {
                        try await store.rows("SELECT hash FROM console_api_token UNION ALL SELECT hash FROM console_session")
                            .map { try $0.decode(String.self) }
                    }
                )
            }
        }
    }
}

@Suite struct ConsoleUserBackendTests {
    static let password = "correct horse battery"
    let now = Date(timeIntervalSince1970: 1_790_000_000)

    @Test(arguments: UsersBackend.available)
    func usersFollowTheRules(backend: UsersBackend) async throws {
        try await backend.with { handle in
            let users = handle.users
            await #expect(throws: ConsoleError.self) { try await users.add(username: "x", password: "short", role: .viewer, providers: [], now: self.now) }
            await #expect(throws: ConsoleError.self) {
                try await users.add(username: "p", password: Self.password, role: .provider, providers: [], now: self.now)
            }
            await #expect(throws: ConsoleError.self) {
                try await users.add(username: "bad name", password: Self.password, role: .viewer, providers: [], now: self.now)
            }
            let viewer = try await users.add(username: "v", password: Self.password, role: .viewer, providers: [], now: self.now)
            #expect(viewer.username == "v" && viewer.role == .viewer && !viewer.disabled)
            let error = await #expect(throws: ConsoleError.self) {
                try await users.add(username: "v", password: Self.password, role: .admin, providers: [], now: self.now)
            }
            #expect(error?.code == .conflict)
            try await users.add(username: "acme-staff", password: Self.password, role: .provider, providers: ["acme"], now: self.now)
            try await users.add(username: "Zed", password: Self.password, role: .supervisor, providers: ["acme", "globex"], now: self.now)

            #expect(try await users.verify(username: "v", password: Self.password)?.id == viewer.id)
            #expect(try await users.verify(username: "v", password: Self.password + "x") == nil)
            #expect(try await users.verify(username: "nobody", password: Self.password) == nil)
            // Byte order, as SQLite's BINARY: upper case before lower case.
            #expect(try await users.list().map(\.username) == ["Zed", "acme-staff", "v"])
            let zed = try #require(try await users.user(username: "Zed"))
            #expect(zed.providers == ["acme", "globex"] && zed.role == .supervisor && zed.createdAt == self.now)
            #expect(try await users.user(username: "zed") == nil)

            // Languages, by id and by name.
            #expect(try await users.setLanguage(userId: viewer.id, language: "de"))
            #expect(try await users.user(username: "v")?.language == "de")
            #expect(try await users.setLanguage(username: "v", language: nil))
            #expect(try await users.user(username: "v")?.language == nil)
            #expect(try await users.setLanguage(username: "nobody", language: "ru") == false)
            #expect(try await users.setLanguage(userId: 999_999, language: "ru") == false)

            // A new password ends the sessions; disabling ends them and refuses sign-in and tokens.
            let session = try await users.createSession(for: viewer, lifetime: .seconds(3600), now: self.now)
            #expect(try await users.session(id: session.id, now: self.now)?.user.id == viewer.id)
            #expect(try await users.setPassword(username: "v", password: "another long password"))
            #expect(try await users.session(id: session.id, now: self.now) == nil)
            #expect(try await users.verify(username: "v", password: Self.password) == nil)
            #expect(try await users.verify(username: "v", password: "another long password") != nil)
            await #expect(throws: ConsoleError.self) { try await users.setPassword(username: "v", password: "short") }
            #expect(try await users.setPassword(username: "nobody", password: "another long password") == false)

            let token = try await users.createAPIToken(username: "v", name: "ci", now: self.now, expiresAt: nil)
            let again = try await users.createSession(for: viewer, lifetime: .seconds(3600), now: self.now)
            #expect(try await users.disable(username: "v", disabled: true))
            #expect(try await users.session(id: again.id, now: self.now) == nil)
            #expect(try await users.user(apiToken: token, now: self.now) == nil)
            #expect(try await users.verify(username: "v", password: "another long password") == nil)
            #expect(try await users.user(username: "v")?.disabled == true)
            #expect(try await users.disable(username: "v", disabled: false))
            #expect(try await users.user(apiToken: token, now: self.now)?.username == "v")
            #expect(try await users.disable(username: "nobody", disabled: true) == false)
        }
    }

    @Test(arguments: UsersBackend.available)
    func tokensAndSessionsAreKeptHashedAndExpire(backend: UsersBackend) async throws {
        try await backend.with { handle in
            let users = handle.users
            let user = try await users.add(username: "auditor", password: Self.password, role: .auditor, providers: [], now: self.now)
            let forever = try await users.createAPIToken(username: "auditor", name: "api", now: self.now, expiresAt: nil)
            let day = try await users.createAPIToken(username: "auditor", name: "day", now: self.now, expiresAt: self.now + 86400)
            #expect(forever.hasPrefix("ovc_") && forever != day)
            await #expect(throws: ConsoleError.self) {
                try await users.createAPIToken(username: "nobody", name: "api", now: self.now, expiresAt: nil)
            }
            #expect(try await users.user(apiToken: forever, now: self.now + 86400 * 365)?.id == user.id)
            #expect(try await users.user(apiToken: day, now: self.now + 86399)?.id == user.id)
            #expect(try await users.user(apiToken: day, now: self.now + 86400) == nil)
            #expect(try await users.user(apiToken: forever + "x", now: self.now) == nil)
            #expect(try await users.user(apiToken: "", now: self.now) == nil)

            let session = try await users.createSession(for: user, lifetime: .seconds(600), now: self.now)
            #expect(session.expiresAt == self.now + 600 && session.id != session.csrf)
            let found = try #require(try await users.session(id: session.id, now: self.now + 599))
            #expect(found.user.id == user.id && found.csrf == session.csrf)
            #expect(try await users.session(id: session.id, now: self.now + 600) == nil)
            #expect(try await users.session(id: session.csrf, now: self.now) == nil)
            let other = try await users.createSession(for: user, lifetime: .seconds(600), now: self.now)
            try await users.deleteSession(id: other.id)
            #expect(try await users.session(id: other.id, now: self.now) == nil)
            #expect(try await users.session(id: session.id, now: self.now)?.user.id == user.id, "deleting one session ends only that one")

            // At rest only the SHA-256 of each token and session id: none of the secrets themselves.
            let stored = try await handle.storedSecrets()
            #expect(stored.count == 3)
            for secret in [forever, day, session.id] {
                #expect(!stored.contains(secret))
                #expect(stored.contains(Secrets.hash(secret)))
            }
            // A new session sweeps the expired ones.
            _ = try await users.createSession(for: user, lifetime: .seconds(600), now: self.now + 1000)
            #expect(!(try await handle.storedSecrets()).contains(Secrets.hash(session.id)))
        }
    }

    @Test(arguments: UsersBackend.available)
    func theFirstStartMakesOneAdmin(backend: UsersBackend) async throws {
        try await backend.with { handle in
            let password = try #require(try await handle.users.ensureAdmin(username: "admin"))
            #expect(password.count == 24)
            #expect(try await handle.users.verify(username: "admin", password: password)?.role == .admin)
            #expect(try await handle.users.ensureAdmin(username: "admin") == nil)
            #expect(try await handle.users.ensureAdmin(username: "root") == nil)
        }
    }

    /// The throttle's answers, step by step, are those of the in-memory reference on both backends.
    @Test(arguments: UsersBackend.available)
    func throttleLocksOutAfterTheFailuresAndRefills(backend: UsersBackend) async throws {
        var configuration = LoginThrottle.Configuration()
        configuration.maxFailures = 3
        configuration.lockout = .seconds(300)
        let settings = configuration
        try await backend.with(throttle: configuration) { handle in
            let throttle = handle.throttle
            let reference = LoginThrottle(configuration: settings)
            // Steps: (username, address, seconds after now, failure or success).
            let steps: [(String, String, Double, Bool)] = [
                ("alice", "10.0.0.1", 0, false), ("ALICE", "10.0.0.1", 1, false), ("bob", "10.0.0.1", 2, false),
                ("alice", "10.0.0.2", 3, false), ("alice", "10.0.0.1", 4, false),  // alice@1's third: locked out
                ("alice", "10.0.0.1", 100, false), ("alice", "10.0.0.1", 303, false),  // still locked out, up to a second before its end
                ("bob", "10.0.0.1", 250, false), ("bob", "10.0.0.1", 251, false),  // bob's first token refilled meanwhile
                ("alice", "10.0.0.2", 400, false), ("alice", "10.0.0.2", 401, false),  // alice@2 full again after 397 s
                ("bob", "10.0.0.1", 252, false), ("bob", "10.0.0.1", 253, true), ("bob", "10.0.0.1", 254, false),
            ]
            for (index, (username, address, offset, success)) in steps.enumerated() {
                let at = self.now + offset
                if success {
                    try await throttle.recordSuccess(username: username, address: address)
                    reference.recordSuccess(username: username, address: address)
                } else {
                    let lock = try await throttle.recordFailure(username: username, address: address, now: at)
                    #expect(lock == reference.recordFailure(username: username, address: address, now: at), "step \(index)")
                }
                for (user, place) in [("alice", "10.0.0.1"), ("alice", "10.0.0.2"), ("bob", "10.0.0.1"), ("carol", "10.0.0.1")] {
                    let expected = reference.lockedUntil(username: user, address: place, now: at)
                    #expect(try await throttle.lockedUntil(username: user, address: place, now: at) == expected, "step \(index): \(user)@\(place)")
                }
            }
            #expect(try await throttle.lockedUntil(username: "alice", address: "10.0.0.1", now: self.now + 5) == self.now + 304)
            #expect(try await throttle.lockedUntil(username: "x\u{0}", address: "10.0.0.1", now: self.now) == nil)
            #expect(try await throttle.recordFailure(username: "x\u{0}", address: "10.0.0.1", now: self.now) == nil)
        }
    }
}

/// Two coordinators on one PostgreSQL: two connection pools (two `PostgresStore`s) on one database.
@Suite(.enabled(if: PostgresCluster.unavailableReason == nil || ProcessInfo.processInfo.environment["CI"] != nil, "no PostgreSQL binaries"))
struct SharedConsoleUsersTests {
    static let password = "correct horse battery"
    let now = Date(timeIntervalSince1970: 1_790_000_000)

    func withTwoCoordinators(
        throttle configuration: LoginThrottle.Configuration = .init(),
        _ body: @Sendable ((PostgresUserStore, PostgresLoginThrottle), (PostgresUserStore, PostgresLoginThrottle)) async throws -> Void
    ) async throws {
        let cluster = try PostgresCluster.shared()
        let database = try cluster.createDatabase()
        let settings = UsersBackend.configuration(cluster, database)
        try await PostgresStore.withStore(configuration: settings, logger: UsersBackend.logger) { a in
            try await PostgresStore.withStore(configuration: settings, logger: UsersBackend.logger) { b in
                try await body(
                    (PostgresUserStore(store: a, bcryptCost: 4), PostgresLoginThrottle(store: a, configuration: configuration)),
                    (PostgresUserStore(store: b, bcryptCost: 4), PostgresLoginThrottle(store: b, configuration: configuration))
                )
            }
        }
    }

    @Test func aUserAndASessionOfOneCoordinatorAreTheOthers() async throws {
        try await self.withTwoCoordinators { a, b in
            let created = try await a.0.add(username: "alice", password: Self.password, role: .supervisor, providers: ["acme"], now: self.now)
            let onB = try #require(try await b.0.verify(username: "alice", password: Self.password))
            #expect(onB == created)
            let session = try await a.0.createSession(for: created, lifetime: .seconds(3600), now: self.now)
            #expect(try await b.0.session(id: session.id, now: self.now)?.csrf == session.csrf)
            let token = try await b.0.createAPIToken(username: "alice", name: "api", now: self.now, expiresAt: nil)
            #expect(try await a.0.user(apiToken: token, now: self.now)?.id == created.id)
            // Logging out on B ends the session on A.
            try await b.0.deleteSession(id: session.id)
            #expect(try await a.0.session(id: session.id, now: self.now) == nil)
            // Disabling on A refuses the token on B at once.
            try await a.0.disable(username: "alice", disabled: true)
            #expect(try await b.0.user(apiToken: token, now: self.now) == nil)
        }
    }

    @Test func twoCoordinatorsStartingTogetherMakeOneAdmin() async throws {
        try await self.withTwoCoordinators { a, b in
            let (first, second) = try await (a.0.ensureAdmin(username: "admin"), b.0.ensureAdmin(username: "admin"))
            let passwords = [first, second].compactMap { $0 }
            try #require(passwords.count == 1, "one admin password, not \(passwords.count)")
            #expect(try await b.0.verify(username: "admin", password: passwords[0])?.role == .admin)
            #expect(try await a.0.list().count == 1)
        }
    }

    /// Failures on A count on B; failures sent to both at once, many at a time, lock the pair out after exactly
    /// `maxFailures` of them (none lost to a race), so two coordinators give an attacker no more tries than one.
    @Test func failedLoginsOnOneCoordinatorCountOnTheOther() async throws {
        var configuration = LoginThrottle.Configuration()
        configuration.maxFailures = 5
        configuration.lockout = .seconds(900)
        try await self.withTwoCoordinators(throttle: configuration) { a, b in
            for offset in 0..<4 { try await a.1.recordFailure(username: "admin", address: "192.0.2.7", now: self.now + Double(offset)) }
            #expect(try await b.1.lockedUntil(username: "admin", address: "192.0.2.7", now: self.now + 4) == nil)
            let lock = try await b.1.recordFailure(username: "admin", address: "192.0.2.7", now: self.now + 4)
            #expect(lock == self.now + 904)
            #expect(try await a.1.lockedUntil(username: "admin", address: "192.0.2.7", now: self.now + 5) == self.now + 904)
            try await b.1.recordSuccess(username: "admin", address: "192.0.2.7")
            #expect(try await a.1.lockedUntil(username: "admin", address: "192.0.2.7", now: self.now + 5) == nil)

            // 40 failures of a new pair at one instant, half through each coordinator, all at once.
            let at = self.now + 10
            let locks = try await withThrowingTaskGroup(of: Date?.self) { group in
                for index in 0..<40 {
                    let throttle = index % 2 == 0 ? a.1 : b.1
                    group.addTask { try await throttle.recordFailure(username: "root", address: "198.51.100.9", now: at) }
                }
                return try await group.reduce(into: [Date?]()) { $0.append($1) }
            }
            #expect(locks.compactMap { $0 }.count == 36, "the 5th to the 40th failure each find the pair locked out")
            #expect(try await a.1.lockedUntil(username: "root", address: "198.51.100.9", now: at) == at + 900)
        }
    }
}
