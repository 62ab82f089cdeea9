//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Paces enrollment attempts per source address, so a flood from one address cannot lock others out.
//
//===----------------------------------------------------------------------===//

import Synchronization

/// A token bucket per source address for enrollment attempts.
///
/// Every attempt takes a token from its address's bucket; an attempt that enrols an agent gives it back, so only
/// failed attempts (an unknown, used or expired token, a bad request) use the allowance up, and many agents behind
/// one NAT can enroll together. An address with no token left is refused at once with the time until its next token,
/// before any other work (token look-up, certificate issuing) — and before the coordinator-wide enrollment bucket, so
/// the flood does not delay anyone else.
///
/// At most `maxAddresses` addresses are tracked; when full, addresses whose bucket has refilled are forgotten, and if
/// none has, the oldest entry is.
package final class AddressPacer: Sendable {
    private struct Entry {
        /// Tokens left at `updated` (fractional while refilling).
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    /// Attempts an address may make at once (and fail) before it is paced.
    package let burst: Double
    /// Tokens an address regains per second.
    package let rate: Double
    package let maxAddresses: Int
    private let state = Mutex<[String: Entry]>([:])

    /// Creates a pacer.
    package init(rate: Double, burst: Int, maxAddresses: Int = 100_000) {
        precondition(rate > 0 && burst >= 1 && maxAddresses >= 1)
        self.rate = rate
        self.burst = Double(burst)
        self.maxAddresses = maxAddresses
    }

    /// Takes a token for `address`: `nil` to go ahead, or how long until the address has a token again.
    package func take(_ address: String, now: ContinuousClock.Instant = .now) -> Duration? {
        self.state.withLock { entries in
            var entry = entries[address] ?? Entry(tokens: self.burst, updated: now)
            entry.tokens = min(self.burst, entry.tokens + (now - entry.updated).seconds * self.rate)
            entry.updated = now
            guard entry.tokens >= 1 else {
                entries[address] = entry
                return .seconds((1 - entry.tokens) / self.rate)
            }
            entry.tokens -= 1
            if entries[address] == nil, entries.count >= self.maxAddresses { self.evict(&entries, now: now) }
            entries[address] = entry
            return nil
        }
    }

    /// Gives back the token an attempt took (it enrolled an agent).
    package func giveBack(_ address: String) {
        self.state.withLock { entries in
            guard var entry = entries[address] else { return }
            entry.tokens = min(self.burst, entry.tokens + 1)
            entries[address] = entry
        }
    }

    /// Addresses tracked now (for tests).
    package var trackedAddresses: Int { self.state.withLock { $0.count } }

    private func evict(_ entries: inout [String: Entry], now: ContinuousClock.Instant) {
        let full = entries.filter { min(self.burst, $0.value.tokens + (now - $0.value.updated).seconds * self.rate) >= self.burst }
        if !full.isEmpty {
            for key in full.keys { entries[key] = nil }
        } else if let oldest = entries.min(by: { $0.value.updated < $1.value.updated }) {
            entries[oldest.key] = nil
        }
    }
}
