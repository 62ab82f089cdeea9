//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Login throttling per username and client address.
//
//===----------------------------------------------------------------------===//

import Foundation
import Synchronization

/// What the login route needs of a throttle. ``LoginThrottle`` keeps the buckets in this process's memory;
/// `PostgresLoginThrottle` (module OversightConsolePostgres) keeps them in the shared PostgreSQL, so that every
/// coordinator of a deployment counts the same failures and an attacker cannot multiply the attempts by the number
/// of coordinators. Both follow the rules of ``LoginThrottle/Bucket``.
package protocol LoginThrottling: Sendable {
    /// When the pair may try again, or `nil` if it may try now.
    func lockedUntil(username: String, address: String, now: Date) async throws -> Date?
    /// Records a failed login; returns the lockout end if the pair is locked out now.
    @discardableResult
    func recordFailure(username: String, address: String, now: Date) async throws -> Date?
    /// Records a successful login: the pair's bucket is full again.
    func recordSuccess(username: String, address: String) async throws
}

/// Limits password guessing: each username + client address pair has a bucket of failures; when it is empty
/// (``Configuration/maxFailures`` failures in a row), logins for that pair are refused for ``Configuration/lockout``.
/// A success refills the bucket.
package final class LoginThrottle: LoginThrottling {
    /// Throttle settings.
    package struct Configuration: Sendable {
        /// Failures allowed before the lockout.
        package var maxFailures: Int = 5
        /// How long a lockout lasts; one failure's token also refills over `lockout / maxFailures`.
        package var lockout: Duration = .seconds(15 * 60)
        /// Most pairs remembered (oldest forgotten first).
        package var capacity: Int = 10_000
        /// Default settings.
        package init() {}
    }

    /// One pair's failures: a token bucket of ``Configuration/maxFailures`` tokens refilling over
    /// ``Configuration/lockout``, and the end of its lockout when it ran empty.
    package struct Bucket: Sendable, Equatable {
        package var tokens: Double
        package var updatedAt: Date
        package var lockedUntil: Date?

        package init(tokens: Double, updatedAt: Date, lockedUntil: Date?) {
            self.tokens = tokens
            self.updatedAt = updatedAt
            self.lockedUntil = lockedUntil
        }

        /// The bucket after a failure at `now` (`self` is `nil` for a pair with no failures yet).
        package static func failed(_ stored: Bucket?, now: Date, configuration: Configuration) -> Bucket {
            let capacity = Double(configuration.maxFailures)
            let refillPerSecond = capacity / max(1, Double(configuration.lockout.components.seconds))
            var bucket = stored ?? Bucket(tokens: capacity, updatedAt: now, lockedUntil: nil)
            if let until = bucket.lockedUntil, until <= now {
                bucket = Bucket(tokens: capacity, updatedAt: now, lockedUntil: nil)
            }
            bucket.tokens = min(capacity, bucket.tokens + now.timeIntervalSince(bucket.updatedAt) * refillPerSecond)
            bucket.updatedAt = now
            bucket.tokens -= 1
            if bucket.tokens < 1, bucket.lockedUntil == nil {
                bucket.lockedUntil = now.addingTimeInterval(Double(configuration.lockout.components.seconds))
            }
            return bucket
        }
    }

    private let configuration: Configuration
    private let buckets = Mutex<[String: Bucket]>([:])

    /// Creates a throttle.
    package init(configuration: Configuration = .init()) {
        self.configuration = configuration
    }

    /// The bucket's key: the username (case-insensitive) and the client address.
    package static func key(username: String, address: String) -> String { username.lowercased() + "|" + address }

    /// When the pair may try again, or `nil` if it may try now.
    package func lockedUntil(username: String, address: String, now: Date) -> Date? {
        self.buckets.withLock { buckets in
            guard let bucket = buckets[Self.key(username: username, address: address)], let until = bucket.lockedUntil else { return nil }
            return until > now ? until : nil
        }
    }

    /// Records a failed login; returns the lockout end if this failure started one.
    @discardableResult
    package func recordFailure(username: String, address: String, now: Date) -> Date? {
        let key = Self.key(username: username, address: address)
        return self.buckets.withLock { buckets in
            let bucket = Bucket.failed(buckets[key], now: now, configuration: self.configuration)
            if buckets[key] == nil, buckets.count >= self.configuration.capacity,
                let oldest = buckets.min(by: { $0.value.updatedAt < $1.value.updatedAt })?.key
            {
                buckets[oldest] = nil
            }
            buckets[key] = bucket
            return bucket.lockedUntil
        }
    }

    /// Records a successful login: the pair's bucket is full again.
    package func recordSuccess(username: String, address: String) {
        _ = self.buckets.withLock { $0.removeValue(forKey: Self.key(username: username, address: address)) }
    }
}
