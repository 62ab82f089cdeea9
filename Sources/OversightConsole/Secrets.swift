//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Random secrets, their hashes and constant-time comparison.
//
//===----------------------------------------------------------------------===//

import Crypto
import Foundation
import OversightWire

/// Random secrets (session ids, API tokens, CSRF tokens) and how they are kept.
package enum Secrets {
    /// 32 random bytes, base64url, with a prefix naming what the secret is.
    package static func random(prefix: String = "") -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return prefix + Base64URL.encode(bytes)
    }

    /// The SHA-256 of a secret, hex; what is stored at rest.
    package static func hash(_ secret: String) -> String {
        SHA256.hash(data: Data(secret.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// Compares two strings in time that depends only on their lengths.
    package static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        let a = Array(a.utf8)
        let b = Array(b.utf8)
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}
