//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Keyed hashing of personal data before it is stored or sent.
//
//===----------------------------------------------------------------------===//

internal import Crypto
internal import Foundation

/// Replaces personal values (assignee names, …) by stable pseudonyms: `p_` and the first 16 hex
/// digits of HMAC-SHA256(key, value). The same key gives the same pseudonym for the same value, so
/// head office can count per assignee without learning who it is; without the key, names cannot be
/// confirmed by hashing guesses.
package struct Pseudonymiser: Sendable {
    private let key: SymmetricKey

    /// Creates a pseudonymiser.
    /// - Parameter key: The agent's secret pseudonym key (32 random bytes are recommended).
    package init(key: [UInt8]) {
        self.key = SymmetricKey(data: key)
    }

    /// The pseudonym of a value: `p_` followed by 16 lower-case hex digits.
    package func pseudonym(for value: String) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: Data(value.utf8), using: self.key)
        return "p_" + code.prefix(8).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
