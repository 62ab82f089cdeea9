//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Base64url decoding is strict: one spelling per byte string (found by the strict-json fuzz target, scripts/fuzz).
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightModel
@testable import OversightWire
import Testing

@Suite struct Base64URLTests {
    @Test func roundTripsEveryLength() {
        for count in 0..<10 {
            let bytes = Data((0..<count).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 250) })
            #expect(Base64URL.decode(Base64URL.encode(bytes)) == bytes)
        }
    }

    @Test func refusesPaddingWhitespaceAndOtherAlphabets() {
        for text in ["QQ==", "QUI=", "Q Q", "QQ\n", "+/8", "A", "QUJDR"] {
            #expect(Base64URL.decode(text) == nil, "\(text)")
        }
    }

    /// The fuzz target's first find: "eyJhbGcilwIjoib3ZlcnNpZ2h0LWJhdGNoK2p3cyJ9" decoded to the same bytes as the
    /// canonical "…K2p3cyJw". Non-zero unused bits in the last character are refused (RFC 4648 §3.5).
    @Test func refusesNonCanonicalLastCharacter() {
        #expect(Base64URL.decode("QQ") == Data([0x41]))
        for text in ["QR", "QS", "QZ", "Qf", "Q_"] { #expect(Base64URL.decode(text) == nil, "\(text)") }
        #expect(Base64URL.decode("QUI") == Data([0x41, 0x42]))
        for text in ["QUJ", "QUK", "QUL"] { #expect(Base64URL.decode(text) == nil, "\(text)") }
        #expect(Base64URL.decode("eyJhbGcilwIjoib3ZlcnNpZ2h0LWJhdGNoK2p3cyJw") != nil)
        #expect(Base64URL.decode("eyJhbGcilwIjoib3ZlcnNpZ2h0LWJhdGNoK2p3cyJ9") == nil)
    }

    /// A valid batch whose signature's last character is respelled (same 64 bytes) no longer verifies: the JWS text
    /// the coordinator stores is the one the agent signed.
    @Test func respelledSignatureIsRefused() throws {
        let vectors = try JWSVectors.load()
        let entry = try #require(vectors.valid.first)
        var jws = entry.jws
        let last = try #require(jws.signature.last)
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        let value = try #require(alphabet.firstIndex(of: last))
        jws.signature.removeLast()
        jws.signature.append(alphabet[value | 0x01])  // 64 bytes: the last character's low 4 bits are unused
        #expect(jws.signature != entry.jws.signature)
        guard case .invalid = JWS.verify(jws, key: try entry.jwk.publicKey, expectedKid: entry.kid, expectedType: entry.typ) else {
            Issue.record("a respelled signature verified")
            return
        }
    }
}
