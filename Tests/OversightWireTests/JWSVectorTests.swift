//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The JWS test vectors of docs/test-vectors/jws.json, checked against JWS.sign and JWS.verify.
//
//===----------------------------------------------------------------------===//

import Crypto
import Foundation
import OversightModel
import OversightWire
import Testing

/// The vector file as docs/test-vectors/generate_jws_vectors.py writes it.
struct JWSVectors: Decodable {
    struct JWK: Decodable {
        var kty: String
        var crv: String
        var x: String
        var d: String?
    }

    struct Valid: Decodable {
        var note: String
        var jwk: JWK
        var kid: String
        var typ: String
        var payload: String
        var payloadSha256: String
        var jws: FlattenedJWS
    }

    struct Check: Decodable {
        var jwk: JWK
        var kid: String
        var typ: String
        var jws: FlattenedJWS
        /// Why it is refused (invalid entries) or accepted (verify-only entries).
        var reason: String?
        var note: String?
        /// Protocol error code of the refusal (invalid entries).
        var code: String?
    }

    var valid: [Valid]
    var verifyOnly: [Check]
    var invalid: [Check]
    /// Signed correctly; the coordinator refuses the batch for one of its records.
    var refusedRecords: [Check]

    /// The repository root, found from this file's path (Tests/OversightWireTests/…).
    static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    static func load() throws -> JWSVectors {
        let url = Self.repositoryRoot.appendingPathComponent("docs/test-vectors/jws.json")
        return try JSONDecoder().decode(JWSVectors.self, from: try Data(contentsOf: url))
    }
}

extension JWSVectors.JWK {
    var publicKey: Curve25519.Signing.PublicKey {
        get throws { try JWS.publicKey(of: PublicJWK(x: self.x)) }
    }
}

@Suite struct JWSVectorTests {
    let vectors: JWSVectors

    init() throws {
        self.vectors = try JWSVectors.load()
    }

    @Test func fileHoldsEnoughVectors() {
        #expect(self.vectors.valid.count >= 3)
        #expect(self.vectors.invalid.count >= 4)
    }

    @Test func signingReproducesEveryValidVectorByteForByte() throws {
        for entry in self.vectors.valid {
            let d = try #require(entry.jwk.d, "\(entry.note)")
            let seed = try #require(Base64URL.decode(d), "\(entry.note)")
            let key = try Curve25519.Signing.PrivateKey(rawRepresentation: seed)
            #expect(entry.jwk.kty == "OKP" && entry.jwk.crv == "Ed25519")
            #expect(Base64URL.encode(key.publicKey.rawRepresentation) == entry.jwk.x, "\(entry.note)")
            let signed = try JWS.sign(payload: Data(entry.payload.utf8), kid: entry.kid, type: entry.typ, key: key)
            #expect(signed.protected == entry.jws.protected, "\(entry.note)")
            #expect(signed.payload == entry.jws.payload, "\(entry.note)")
            #expect(signed.signature == entry.jws.signature, "\(entry.note)")
            #expect(signed == entry.jws, "\(entry.note)")
        }
    }

    @Test func protectedHeaderIsTheDocumentedBytes() throws {
        for entry in self.vectors.valid {
            let header = try #require(Base64URL.decode(entry.jws.protected))
            #expect(String(decoding: header, as: UTF8.self) == #"{"alg":"Ed25519","kid":"\#(entry.kid)","typ":"oversight-batch+jws"}"#)
        }
    }

    @Test func verifyAcceptsEveryValidVector() throws {
        for entry in self.vectors.valid {
            switch JWS.verify(entry.jws, key: try entry.jwk.publicKey, expectedKid: entry.kid, expectedType: entry.typ) {
            case .valid(let payload):
                #expect(payload == Data(entry.payload.utf8), "\(entry.note)")
                #expect(JWS.sha256Hex(payload) == entry.payloadSha256, "\(entry.note)")
            case .invalid(let failure):
                Issue.record("\(entry.note): refused: \(failure.reason)")
            }
        }
    }

    @Test func verifyAcceptsVerifyOnlyVectors() throws {
        #expect(!self.vectors.verifyOnly.isEmpty)
        for entry in self.vectors.verifyOnly {
            if case .invalid(let failure) = JWS.verify(entry.jws, key: try entry.jwk.publicKey, expectedKid: entry.kid, expectedType: entry.typ) {
                Issue.record("\(entry.note ?? "?"): refused: \(failure.reason)")
            }
        }
    }

    /// A record dated in the future or before 2000, or holding a NUL, verifies as a JWS but is refused as bad_record.
    @Test func refusedRecordVectorsVerifyButTheirRecordsAreRefused() throws {
        #expect(self.vectors.refusedRecords.count >= 3)
        for entry in self.vectors.refusedRecords {
            let reason = entry.reason ?? "?"
            guard case .valid(let payload) = JWS.verify(entry.jws, key: try entry.jwk.publicKey, expectedKid: entry.kid, expectedType: entry.typ) else {
                Issue.record("\(reason): the JWS itself should verify")
                continue
            }
            let batch = try BatchPayloadDecoder.decode(payload)
            let latest = Date().addingTimeInterval(RecordIntegrity.defaultMaxAheadSeconds)
            let problems = batch.records.compactMap { $0.integrityProblem(latest: latest) }
            #expect(!problems.isEmpty, "\(reason): no record problem found")
            #expect(entry.code == "bad_record")
        }
    }

    @Test func verifyRefusesEveryInvalidVectorWithItsCode() throws {
        for entry in self.vectors.invalid {
            let reason = entry.reason ?? "?"
            switch JWS.verify(entry.jws, key: try entry.jwk.publicKey, expectedKid: entry.kid, expectedType: entry.typ) {
            case .valid:
                Issue.record("accepted an invalid JWS: \(reason)")
            case .invalid(let failure):
                #expect(failure.code.rawValue == entry.code, "\(reason): got \(failure.code) (\(failure.reason))")
            }
        }
    }

    /// The payloads are what the Swift agent would write: decoding and re-encoding them with the wire encoder
    /// gives the same bytes, and the chain of agent 1 links by the SHA-256 of the previous payload.
    @Test func validPayloadsAreBatchPayloadsInTheWireForm() throws {
        for entry in self.vectors.valid {
            let payload = try WireJSON.decode(BatchPayload.self, from: Data(entry.payload.utf8))
            #expect(payload.v == 1)
            #expect(payload.agentId == entry.kid)
            #expect(payload.records.allSatisfy { $0.provider == payload.provider })
            #expect(String(decoding: try WireJSON.encode(payload), as: UTF8.self) == entry.payload, "\(entry.note)")
            if payload.seq == 1 { #expect(payload.prev == genesisBatchHash) }
        }
        let chain = try self.vectors.valid.map { try WireJSON.decode(BatchPayload.self, from: Data($0.payload.utf8)) }
        let seq2 = try #require(chain.firstIndex { $0.seq == 2 })
        let seq1 = try #require(chain.firstIndex { $0.seq == 1 && $0.agentId == chain[seq2].agentId })
        #expect(chain[seq2].prev == self.vectors.valid[seq1].payloadSha256)
    }

    @Test func tamperingWithAValidVectorIsRefused() throws {
        let entry = try #require(self.vectors.valid.first)
        let key = try entry.jwk.publicKey
        var other = entry.jws
        other.payload = Base64URL.encode(Data(entry.payload.replacingOccurrences(of: "\"seq\":1", with: "\"seq\":7").utf8))
        guard case .invalid(let failure) = JWS.verify(other, key: key, expectedKid: entry.kid, expectedType: entry.typ) else {
            Issue.record("a changed payload verified")
            return
        }
        #expect(failure.code == .badSignature)
        guard case .invalid(let kidFailure) = JWS.verify(entry.jws, key: key, expectedKid: "agt_other", expectedType: entry.typ) else {
            Issue.record("a JWS verified for another kid")
            return
        }
        #expect(kidFailure.code == .kidMismatch)
        guard case .invalid(let typFailure) = JWS.verify(entry.jws, key: key, expectedKid: entry.kid, expectedType: JWS.commandType) else {
            Issue.record("a batch verified as a command")
            return
        }
        #expect(typFailure.code == .badSignature)
    }

    @Test func signedPayloadRoundTripsThroughVerify() throws {
        let key = try Curve25519.Signing.PrivateKey(rawRepresentation: Data(repeating: 9, count: 32))
        let payload = Data(#"{"a":[1,2,3],"b":"ü/x"}"#.utf8)
        let jws = try JWS.sign(payload: payload, kid: "agt_test", type: JWS.batchType, key: key)
        guard case .valid(let verified) = JWS.verify(jws, key: key.publicKey, expectedKid: "agt_test", expectedType: JWS.batchType) else {
            Issue.record("own signature refused")
            return
        }
        #expect(verified == payload)
        #expect(JWS.sha256Hex(Data("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func jwkConversionInsistsOnOKPEd25519() throws {
        let key = try Curve25519.Signing.PrivateKey(rawRepresentation: Data(repeating: 1, count: 32))
        let jwk = JWS.jwk(of: key.publicKey)
        #expect(jwk == PublicJWK(x: "iojj3XQJ8ZX9UtstPLpdcspnCb8dlBIb83SIAbQPb1w"))
        #expect(try JWS.publicKey(of: jwk).rawRepresentation == key.publicKey.rawRepresentation)
        var wrongCurve = jwk
        wrongCurve.crv = "X25519"
        #expect(throws: WireError.self) { try JWS.publicKey(of: wrongCurve) }
        var wrongType = jwk
        wrongType.kty = "EC"
        #expect(throws: WireError.self) { try JWS.publicKey(of: wrongType) }
        #expect(throws: WireError.self) { try JWS.publicKey(of: PublicJWK(x: "AQID")) }
        #expect(throws: WireError.self) { try JWS.publicKey(of: PublicJWK(x: jwk.x + "=")) }
    }
}
