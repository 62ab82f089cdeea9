//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Login throttling in the shared PostgreSQL: failed logins on one coordinator count on every other.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightConsole
import OversightStorePostgres
import PostgresNIO

/// ``LoginThrottling`` on the coordinators' PostgreSQL (`console_login_throttle`, migration `v11-console-users`): the
/// buckets of ``LoginThrottle`` (the same ``LoginThrottle/Bucket`` rules), one row per username + client address,
/// updated under the row's lock, so concurrent failures on two coordinators each take a token and an attacker gets
/// ``LoginThrottle/Configuration/maxFailures`` tries per lockout however many coordinators it spreads them over.
/// The key is stored as the SHA-256 of username and address (fixed length, whatever was typed).
package final class PostgresLoginThrottle: LoginThrottling {
    let store: PostgresStore
    let configuration: LoginThrottle.Configuration

    /// A throttle on `store`'s database; its migrations must have run.
    package init(store: PostgresStore, configuration: LoginThrottle.Configuration = .init()) {
        self.store = store
        self.configuration = configuration
    }

    private static func key(username: String, address: String) -> String {
        Secrets.hash(LoginThrottle.key(username: username, address: address))
    }

    package func lockedUntil(username: String, address: String, now: Date) async throws -> Date? {
        let key = Self.key(username: username, address: address)
        let rows = try await self.store.rows("SELECT locked_until FROM console_login_throttle WHERE key = \(key)")
        guard let seconds = try rows.first?.decode(Double?.self) else { return nil }
        let until = Date(timeIntervalSince1970: seconds)
        return until > now ? until : nil
    }

    @discardableResult
    package func recordFailure(username: String, address: String, now: Date) async throws -> Date? {
        let key = Self.key(username: username, address: address)
        let configuration = self.configuration
        let logger = self.store.logger
        let seconds = now.timeIntervalSince1970
        let (bucket, isNew) = try await self.store.transaction { connection -> (LoginThrottle.Bucket, Bool) in
            let rows = try await connection.query(
                "SELECT tokens, updated_at, locked_until FROM console_login_throttle WHERE key = \(key) FOR UPDATE", logger: logger
            ).collect()
            var stored: LoginThrottle.Bucket?
            if let row = rows.first {
                let (tokens, updatedAt, lockedUntil) = try row.decode((Double, Double, Double?).self)
                stored = LoginThrottle.Bucket(
                    tokens: tokens, updatedAt: Date(timeIntervalSince1970: updatedAt), lockedUntil: lockedUntil.map(Date.init(timeIntervalSince1970:))
                )
            }
            let bucket = LoginThrottle.Bucket.failed(stored, now: now, configuration: configuration)
            let (tokens, updatedAt, lockedUntil) = (bucket.tokens, bucket.updatedAt.timeIntervalSince1970, bucket.lockedUntil?.timeIntervalSince1970)
            // A first failure of a pair inserts; two first failures at once: the second waits for the first's row
            // (the primary key), then updates it — read again under its lock, so neither failure is lost.
            let inserted = try await connection.query(
                """
                INSERT INTO console_login_throttle (key, tokens, updated_at, locked_until) VALUES (\(key), \(tokens), \(updatedAt), \(lockedUntil))
                ON CONFLICT (key) DO NOTHING RETURNING key
                """,
                logger: logger
            ).collect()
            if stored == nil, !inserted.isEmpty { return (bucket, true) }
            if stored != nil {
                try await connection.query(
                    """
                    UPDATE console_login_throttle SET tokens = \(tokens), updated_at = \(updatedAt), locked_until = \(lockedUntil) WHERE key = \(key)
                    """,
                    logger: logger
                )
                return (bucket, false)
            }
            // Another coordinator inserted the pair's first failure between our read and our insert: count ours on it.
            let again = try await connection.query(
                "SELECT tokens, updated_at, locked_until FROM console_login_throttle WHERE key = \(key) FOR UPDATE", logger: logger
            ).collect()
            let (otherTokens, otherUpdated, otherLocked) = try again[0].decode((Double, Double, Double?).self)
            let merged = LoginThrottle.Bucket.failed(
                LoginThrottle.Bucket(
                    tokens: otherTokens, updatedAt: Date(timeIntervalSince1970: otherUpdated), lockedUntil: otherLocked.map(Date.init(timeIntervalSince1970:))
                ),
                now: now, configuration: configuration
            )
            let (mTokens, mUpdated, mLocked) = (merged.tokens, merged.updatedAt.timeIntervalSince1970, merged.lockedUntil?.timeIntervalSince1970)
            try await connection.query(
                "UPDATE console_login_throttle SET tokens = \(mTokens), updated_at = \(mUpdated), locked_until = \(mLocked) WHERE key = \(key)",
                logger: logger
            )
            return (merged, false)
        }
        if isNew {
            // Bounded like the in-memory throttle: a bucket untouched for a whole lockout is full again (the same as no
            // row) and goes; past `capacity` pairs the oldest go first.
            let refilled = seconds - Double(configuration.lockout.components.seconds)
            let capacity = configuration.capacity
            try await self.store.execute(
                """
                DELETE FROM console_login_throttle WHERE updated_at < \(refilled) AND (locked_until IS NULL OR locked_until <= \(seconds))
                """
            )
            try await self.store.execute(
                """
                DELETE FROM console_login_throttle WHERE key IN (
                    SELECT key FROM console_login_throttle ORDER BY updated_at DESC OFFSET \(capacity)
                )
                """
            )
        }
        return bucket.lockedUntil
    }

    package func recordSuccess(username: String, address: String) async throws {
        try await self.store.execute("DELETE FROM console_login_throttle WHERE key = \(Self.key(username: username, address: address))")
    }
}
