//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// JWS (RFC 7515) in the flattened JSON serialization with Ed25519 (RFC 8037, RFC 9864).
//
//===----------------------------------------------------------------------===//

import Crypto
import Foundation
import OversightModel

/// Signing and verification of Oversight's JWS objects.
///
/// The protected header is exactly `{"alg":"Ed25519","kid":"<kid>","typ":"<typ>"}` (keys sorted, no spaces),
/// so with deterministic Ed25519 any correct implementation reproduces a signature byte for byte.
package enum JWS {
    /// `typ` of an agent's batch.
    package static let batchType = "oversight-batch+jws"
    /// `typ` of a command signed by the coordinator.
    package static let commandType = "oversight-command+jws"

    private struct Header: Codable {
        var alg: String
        var kid: String
        var typ: String
    }

    /// Signs `payload` (which must be a UTF-8 JSON object) and returns the flattened JWS.
    package static func sign(
        payload: some DataProtocol, kid: String, type: String, key: Curve25519.Signing.PrivateKey
    ) throws -> FlattenedJWS {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let header = try encoder.encode(Header(alg: "Ed25519", kid: kid, typ: type))
        let protected = Base64URL.encode(header)
        let encodedPayload = Base64URL.encode(payload)
        let signingInput = Data("\(protected).\(encodedPayload)".utf8)
        let signature = try key.signature(for: signingInput)
        return FlattenedJWS(protected: protected, payload: encodedPayload, signature: Base64URL.encode(signature))
    }

    /// Why a JWS was refused.
    package struct Failure: Error, Hashable, Sendable, CustomStringConvertible {
        /// The protocol error code this failure maps to.
        package var code: ProtocolErrorCode
        package var reason: String
        package var description: String { self.reason }
    }

    /// The outcome of ``verify(_:key:expectedKid:expectedType:)``.
    package enum Verification: Sendable {
        /// Signature, header and payload are acceptable; here are the payload bytes.
        case valid(payload: Data)
        case invalid(Failure)
    }

    /// Verifies a flattened JWS against `key`, insisting on the expected `kid` and `typ`.
    ///
    /// Accepts `alg` `Ed25519`, and `EdDSA` (the key is always Ed25519 here); rejects every other `alg`,
    /// any `crit` header, and payloads that are not UTF-8 JSON objects.
    /// - Parameter parsePayload: parse the whole payload to check it is a JSON object. A caller that decodes the
    ///   payload right after (the coordinator decoding a batch) passes `false`: the UTF-8 check and the object's
    ///   delimiters are still checked here, and its own decoding refuses anything else.
    package static func verify(
        _ jws: FlattenedJWS, key: Curve25519.Signing.PublicKey, expectedKid: String, expectedType: String, parsePayload: Bool = true
    ) -> Verification {
        func fail(_ code: ProtocolErrorCode, _ reason: String) -> Verification {
            .invalid(Failure(code: code, reason: reason))
        }
        guard let headerBytes = Base64URL.decode(jws.protected) else {
            return fail(.badSignature, "protected header is not base64url")
        }
        // RFC 7515 §4: a header with duplicate parameter names must be refused (or it reads two ways).
        if let problem = StrictJSON.problem(in: headerBytes) {
            return fail(.badSignature, "protected header: \(problem)")
        }
        guard let header = (try? JSONSerialization.jsonObject(with: headerBytes)) as? [String: Any] else {
            return fail(.badSignature, "protected header is not a JSON object")
        }
        guard let alg = header["alg"] as? String else { return fail(.badSignature, "protected header has no alg") }
        guard alg == "Ed25519" || alg == "EdDSA" else {
            return fail(.badSignature, "alg '\(alg.prefix(20))' is not accepted (only Ed25519, or EdDSA with an Ed25519 key)")
        }
        if header["crit"] != nil { return fail(.badSignature, "crit header parameters are not supported") }
        guard let typ = header["typ"] as? String, typ == expectedType else {
            return fail(.badSignature, "typ must be \(expectedType)")
        }
        guard let kid = header["kid"] as? String else { return fail(.kidMismatch, "protected header has no kid") }
        guard kid == expectedKid else { return fail(.kidMismatch, "kid does not name the connected agent") }
        guard let signature = Base64URL.decode(jws.signature), signature.count == 64 else {
            return fail(.badSignature, "signature is not a base64url 64-byte Ed25519 signature")
        }
        let signingInput = Data("\(jws.protected).\(jws.payload)".utf8)
        guard key.isValidSignature(signature, for: signingInput) else {
            return fail(.badSignature, "signature does not verify with the agent's key")
        }
        guard let payload = Base64URL.decode(jws.payload) else { return fail(.badMessage, "payload is not base64url") }
        guard String(validating: payload, as: UTF8.self) != nil else {
            return fail(.badMessage, "payload is not UTF-8")
        }
        if parsePayload {
            if let problem = StrictJSON.problem(in: payload) { return fail(.badMessage, "payload: \(problem)") }
            guard (try? JSONSerialization.jsonObject(with: payload)) is [String: Any] else {
                return fail(.badMessage, "payload is not a JSON object")
            }
        } else {
            let isSpace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
            guard payload.first(where: { !isSpace($0) }) == UInt8(ascii: "{"), payload.last(where: { !isSpace($0) }) == UInt8(ascii: "}") else {
                return fail(.badMessage, "payload is not a JSON object")
            }
        }
        return .valid(payload: payload)
    }

    /// The public JWK of an Ed25519 key.
    package static func jwk(of key: Curve25519.Signing.PublicKey) -> PublicJWK {
        PublicJWK(x: Base64URL.encode(key.rawRepresentation))
    }

    /// The Ed25519 public key of a JWK; throws if it is not an OKP Ed25519 key.
    package static func publicKey(of jwk: PublicJWK) throws -> Curve25519.Signing.PublicKey {
        guard jwk.kty == "OKP", jwk.crv == "Ed25519", let raw = Base64URL.decode(jwk.x), raw.count == 32 else {
            throw WireError(.badKey, "signing key must be an OKP Ed25519 JWK with a 32-byte x")
        }
        return try Curve25519.Signing.PublicKey(rawRepresentation: raw)
    }

    /// The RFC 7638 thumbprint of an OKP JWK: base64url (no padding) of the SHA-256 of
    /// `{"crv":"Ed25519","kty":"OKP","x":"…"}`. The `kid` of a coordinator command.
    package static func thumbprint(of jwk: PublicJWK) -> String {
        let canonical = "{\"crv\":\"\(jwk.crv)\",\"kty\":\"\(jwk.kty)\",\"x\":\"\(jwk.x)\"}"
        return Base64URL.encode(Data(SHA256.hash(data: Data(canonical.utf8))))
    }

    /// The `kid` of a JWS's protected header, read without verifying anything (to pick the key to verify with).
    package static func kid(of jws: FlattenedJWS) -> String? {
        guard jws.protected.utf8.count <= 4096, let bytes = Base64URL.decode(jws.protected),
            let header = (try? JSONSerialization.jsonObject(with: bytes)) as? [String: Any]
        else { return nil }
        return header["kid"] as? String
    }

    /// Lowercase hex SHA-256 of bytes: the batch hash (of the payload bytes) used in the chain.
    package static func sha256Hex(_ bytes: some DataProtocol) -> String {
        SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }
}
