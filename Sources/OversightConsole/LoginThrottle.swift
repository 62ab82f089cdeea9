//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Login throttling per username and client address.
//
//===----------------------------------------------------------------------===//

import Foundation
import Synchronization

/// Limits password guessing: each username + client address pair has a bucket of failures; when it is empty
/// (``Configuration/maxFailures`` failures in a row), logins for that pair are refused for ``Configuration/lockout``.
/// A success refills the bucket.
package final class LoginThrottle: Sendable {
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

    private struct Bucket {
        var tokens: Double
        var updatedAt: Date
        var lockedUntil: Date?
    }

    private let configuration: Configuration
    private let buckets = Mutex<[String: Bucket]>([:])

    /// Creates a throttle.
    package init(configuration: Configuration = .init()) {
        self.configuration = configuration
    }

    private func key(username: String, address: String) -> String { username.lowercased() + "|" + address }

    private var refillPerSecond: Double {
        Double(self.configuration.maxFailures) / max(1, Double(self.configuration.lockout.components.seconds))
    }

    /// When the pair may try again, or `nil` if it may try now.
    package func lockedUntil(username: String, address: String, now: Date) -> Date? {
        self.buckets.withLock { buckets in
            guard let bucket = buckets[self.key(username: username, address: address)], let until = bucket.lockedUntil else { return nil }
            return until > now ? until : nil
        }
    }

    /// Records a failed login; returns the lockout end if this failure started one.
    @discardableResult
    package func recordFailure(username: String, address: String, now: Date) -> Date? {
        let key = self.key(username: username, address: address)
        let capacity = Double(self.configuration.maxFailures)
        return self.buckets.withLock { buckets in
            var bucket = buckets[key] ?? Bucket(tokens: capacity, updatedAt: now, lockedUntil: nil)
            if let until = bucket.lockedUntil, until <= now {
                bucket = Bucket(tokens: capacity, updatedAt: now, lockedUntil: nil)
            }
            bucket.tokens = min(capacity, bucket.tokens + now.timeIntervalSince(bucket.updatedAt) * self.refillPerSecond)
            bucket.updatedAt = now
            bucket.tokens -= 1
            if bucket.tokens < 1, bucket.lockedUntil == nil {
                bucket.lockedUntil = now.addingTimeInterval(Double(self.configuration.lockout.components.seconds))
            }
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
        _ = self.buckets.withLock { $0.removeValue(forKey: self.key(username: username, address: address)) }
    }
}
