//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The seed of a provider-period's draw: derived from the coordinator's sampling secret, its SHA-256 published before
// the period starts, the seed itself revealed once the period has closed.
//
//===----------------------------------------------------------------------===//

import Crypto
import Foundation

/// A draw's 32-byte seed.
package struct SampleSeed: Sendable, Equatable {
    package var bytes: [UInt8]

    package init(bytes: [UInt8]) { self.bytes = bytes }

    /// The seed of `provider`'s `period` (its label, `2026-W49`): HMAC-SHA256 keyed with the coordinator's sampling secret
    /// over `oversight-sample-seed-v1`, 0x00, the provider, 0x00, the period label. Nobody without the secret can predict it;
    /// the coordinator cannot change it after publishing its hash.
    package init(secret: SymmetricKey, provider: String, period: String) {
        var message = Array("oversight-sample-seed-v1".utf8)
        message.append(0)
        message += Array(provider.utf8)
        message.append(0)
        message += Array(period.utf8)
        self.bytes = Array(HMAC<SHA256>.authenticationCode(for: message, using: secret))
    }

    /// Lower-case hexadecimal.
    package var hex: String { Self.hex(self.bytes) }

    /// `bytes` as lower-case hexadecimal.
    package static func hex(_ bytes: some Sequence<UInt8>) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    /// The published commitment: SHA-256 of the 32 seed bytes, hexadecimal.
    package var commitment: String { Self.hex(SHA256.hash(data: self.bytes)) }

    /// The rank key of ticket `id` in stratum `stratum`: SHA-256 over the seed, `oversight-sample-v1`, 0x00, the stratum
    /// name, 0x00, the ticket id (UTF-8), as bytes (compared lexicographically; the smallest keys are drawn).
    package func rankKey(stratum: String, ticket id: String) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(data: self.bytes)
        hasher.update(data: Array("oversight-sample-v1".utf8))
        hasher.update(data: [0])
        hasher.update(data: Array(stratum.utf8))
        hasher.update(data: [0])
        hasher.update(data: Array(id.utf8))
        return Array(hasher.finalize())
    }
}

/// The coordinator's sampling secret: 32 random bytes in a 0600 file of the data directory, made on first use. Every
/// coordinator of a scale-out deployment needs the same file (like the signing keys).
package enum SamplingSecret {
    /// The secret at `path`, created (0600) when absent.
    /// - Throws: when the file cannot be read or written, or does not hold exactly 32 bytes.
    package static func load(path: String) throws -> SymmetricKey {
        let manager = FileManager.default
        if !manager.fileExists(atPath: path) {
            var bytes = [UInt8](repeating: 0, count: 32)
            for index in bytes.indices { bytes[index] = UInt8.random(in: 0...255) }
            // Exclusive creation, written in full before it is visible under its name: two processes (or sessions) making
            // it at once end up with one secret, never two seeds for a period.
            let temporary = path + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
            guard manager.createFile(atPath: temporary, contents: Data(bytes), attributes: [.posixPermissions: 0o600]) else {
                throw SamplingError("cannot create the sampling secret \(path)")
            }
            // link(2) fails when the name exists: the first one made wins, the others read it.
            let linked = link(temporary, path) == 0
            let error = errno
            unlink(temporary)
            if !linked && error != EEXIST { throw SamplingError("cannot create the sampling secret \(path)") }
        }
        guard let data = manager.contents(atPath: path) else { throw SamplingError("cannot read the sampling secret \(path)") }
        guard data.count == 32 else { throw SamplingError("the sampling secret \(path) must hold 32 bytes, it holds \(data.count)") }
        return SymmetricKey(data: data)
    }
}

/// A sampling problem, with a message for people.
package struct SamplingError: Error, CustomStringConvertible, Sendable {
    package var description: String
    package init(_ description: String) { self.description = description }
}
