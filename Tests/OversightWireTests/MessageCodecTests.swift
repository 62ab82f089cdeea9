//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Protocol messages through MessageCodec, and Base64URL strictness.
//
//===----------------------------------------------------------------------===//

import Foundation
import NIOCore
import OversightModel
import OversightWire
import Testing

@Suite struct MessageCodecTests {
    // Whole seconds, so the millisecond wire form round-trips exactly.
    static let sentAt = Date(timeIntervalSince1970: 1_772_440_514)
    static let jwk = PublicJWK(x: "iojj3XQJ8ZX9UtstPLpdcspnCb8dlBIb83SIAbQPb1w")
    static let csr = "-----BEGIN CERTIFICATE REQUEST-----\nMIIBDDCBsgIBADAaMRgwFgYDVQQDDA9vdmVyc2lnaHQtYWdlbnQ=\n-----END CERTIFICATE REQUEST-----\n"

    static let agentMessages: [AgentMessage] = [
        .enroll(.init(token: "ovt_abc", csr: csr, signingKey: jwk, hostname: "pc-01.manila.example", version: "0.1.0")),
        .hello(.init(agentId: "agt_0123456789abcdef0123", version: "0.1.0")),
        .batch(FlattenedJWS(protected: "eyJhbGciOiJFZDI1NTE5In0", payload: "e30", signature: "c2lnbmF0dXJl")),
        .heartbeat(
            HeartbeatInfo(
                version: "0.1.0", outboxDepth: 12, outboxBytes: 40_960, oldestUnsentAgeSeconds: 1.5, outboxFull: false,
                lastSourceError: nil, lastAckedSeq: 41, sentAt: sentAt
            )
        ),
        .heartbeat(
            HeartbeatInfo(
                version: "0.1.0", outboxDepth: 0, outboxBytes: 0, oldestUnsentAgeSeconds: 0, outboxFull: true,
                lastSourceError: "tickets: /data/in/x.csv: line 3: bad date", lastAckedSeq: 0, sentAt: sentAt
            )
        ),
        .renew(.init(csr: csr)),
    ]

    static let coordinatorMessages: [CoordinatorMessage] = [
        .enrolled(
            .init(
                agentId: "agt_0123456789abcdef0123", provider: "acme-bpo", site: "manila-1", certificate: "-----BEGIN CERTIFICATE-----\nA\n",
                caCertificate: "-----BEGIN CERTIFICATE-----\nB\n", coordinatorKey: jwk
            )
        ),
        .welcome(
            .init(
                agentId: "agt_0123456789abcdef0123", provider: "acme-bpo", site: "manila-1", lastSeq: 41, lastHash: String(repeating: "ab", count: 32),
                serverTime: sentAt, maxFrameBytes: 4_194_304, maxRecordsPerBatch: 5000, heartbeatIntervalSeconds: 30,
                certificateNotAfter: sentAt.addingTimeInterval(86400 * 90)
            )
        ),
        .welcome(
            .init(
                agentId: "agt_1", provider: "p", site: "s", lastSeq: 0, lastHash: genesisBatchHash, serverTime: sentAt, maxFrameBytes: 1,
                maxRecordsPerBatch: 1, heartbeatIntervalSeconds: 1, certificateNotAfter: nil
            )
        ),
        .ack(.init(seq: 42, hash: String(repeating: "0f", count: 32), status: "committed", applied: 3, stale: 1)),
        .ack(.init(seq: 40, hash: String(repeating: "0f", count: 32), status: "duplicate", applied: 0, stale: 0)),
        .resend(.init(fromSeq: 42, lastHash: String(repeating: "cd", count: 32), reason: "expected seq 42, got 44")),
        .renewed(.init(certificate: "-----BEGIN CERTIFICATE-----\nC\n")),
        .error(ProtocolErrorMessage(code: .chainMismatch, message: "batch 7 does not continue the stored chain", seq: 7, fatal: true)),
        .error(ProtocolErrorMessage(code: .tokenUsed, message: "the enrollment token was already used", fatal: true)),
    ]

    static func text(_ buffer: ByteBuffer) -> String { String(buffer: buffer) }

    static func decodeError<M: Decodable>(_ type: M.Type, _ json: String) -> WireError? {
        do {
            _ = try MessageCodec.decode(type, from: ByteBuffer(string: json))
            return nil
        } catch let error as WireError {
            return error
        } catch {
            Issue.record("not a WireError: \(error)")
            return nil
        }
    }

    @Test func everyAgentMessageRoundTrips() throws {
        let types = Set(Self.agentMessages.map(\.type))
        #expect(types == ["enroll", "hello", "batch", "heartbeat", "renew"])
        for message in Self.agentMessages {
            let frame = try MessageCodec.frame(message)
            #expect(try MessageCodec.decode(AgentMessage.self, from: frame) == message, "\(Self.text(frame))")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(Self.text(frame).utf8)) as? [String: Any])
            #expect(object["type"] as? String == message.type)
        }
    }

    @Test func everyCoordinatorMessageRoundTrips() throws {
        let types = Set(Self.coordinatorMessages.map(\.type))
        #expect(types == ["enrolled", "welcome", "ack", "resend", "renewed", "error"])
        for message in Self.coordinatorMessages {
            let frame = try MessageCodec.frame(message)
            #expect(try MessageCodec.decode(CoordinatorMessage.self, from: frame) == message, "\(Self.text(frame))")
        }
    }

    /// The exact bytes of a few messages, as docs/protocol.md shows them.
    @Test func wireFormIsSortedCompactAndOmitsAbsentOptionals() throws {
        #expect(
            Self.text(try MessageCodec.frame(AgentMessage.batch(FlattenedJWS(protected: "h", payload: "p", signature: "s"))))
                == #"{"jws":{"payload":"p","protected":"h","signature":"s"},"type":"batch"}"#
        )
        #expect(
            Self.text(try MessageCodec.frame(AgentMessage.hello(.init(agentId: "agt_0123456789abcdef0123", version: "0.1.0"))))
                == #"{"agentId":"agt_0123456789abcdef0123","protocol":1,"type":"hello","version":"0.1.0"}"#
        )
        #expect(
            Self.text(try MessageCodec.frame(CoordinatorMessage.error(ProtocolErrorMessage(code: .helloRequired, message: "m", fatal: true))))
                == #"{"code":"hello_required","fatal":true,"message":"m","type":"error"}"#
        )
        #expect(
            Self.text(try MessageCodec.frame(CoordinatorMessage.ack(.init(seq: 2, hash: "h", status: "committed", applied: 1, stale: 0))))
                == #"{"applied":1,"hash":"h","seq":2,"stale":0,"status":"committed","type":"ack"}"#
        )
        let heartbeat = Self.text(try MessageCodec.frame(Self.agentMessages[3]))
        #expect(!heartbeat.contains("lastSourceError"))
        #expect(heartbeat.contains(#""sentAt":"2026-03-02T08:35:14.000Z""#))
        let welcome = Self.text(try MessageCodec.frame(Self.coordinatorMessages[2]))
        #expect(!welcome.contains("certificateNotAfter"))
        #expect(welcome.contains(#""protocol":1"#))
    }

    @Test func unknownTypeIsABadMessageNamingTheType() throws {
        let error = try #require(Self.decodeError(AgentMessage.self, #"{"type":"subscribe","topic":"x"}"#))
        #expect(error.code == .badMessage)
        #expect(error.message.contains("type"))
        #expect(error.message.contains("unknown message type 'subscribe'"))
        let coordinator = try #require(Self.decodeError(CoordinatorMessage.self, #"{"type":"hello","agentId":"a","protocol":1,"version":"1"}"#))
        #expect(coordinator.message.contains("unknown message type 'hello'"))
    }

    @Test func missingTypeIsABadMessage() throws {
        let error = try #require(Self.decodeError(AgentMessage.self, #"{"agentId":"a","protocol":1,"version":"1"}"#))
        #expect(error.code == .badMessage)
        #expect(error.message.contains("missing key 'type'"))
    }

    @Test func missingKeysAreNamedWithTheirPath() throws {
        let top = try #require(Self.decodeError(AgentMessage.self, #"{"type":"hello","agentId":"a","version":"1"}"#))
        #expect(top.message.contains("missing key 'protocol'"), "\(top.message)")
        let nested = try #require(Self.decodeError(AgentMessage.self, #"{"type":"batch","jws":{"protected":"a","payload":"b"}}"#))
        #expect(nested.message.contains("jws: missing key 'signature'"), "\(nested.message)")
        let enroll = try #require(
            Self.decodeError(AgentMessage.self, #"{"type":"enroll","token":"t","csr":"c","hostname":"h","version":"1","signingKey":{"kty":"OKP","crv":"Ed25519"}}"#)
        )
        #expect(enroll.message.contains("signingKey: missing key 'x'"), "\(enroll.message)")
    }

    @Test func wrongTypesAreNamedWithTheirPath() throws {
        let ack = try #require(
            Self.decodeError(CoordinatorMessage.self, #"{"type":"ack","seq":"2","hash":"h","status":"committed","applied":1,"stale":0}"#)
        )
        #expect(ack.code == .badMessage)
        #expect(ack.message.contains("seq: expected"), "\(ack.message)")
        let key = try #require(
            Self.decodeError(
                AgentMessage.self,
                #"{"type":"enroll","token":"t","csr":"c","hostname":"h","version":"1","signingKey":{"kty":"OKP","crv":"Ed25519","x":5}}"#
            )
        )
        #expect(key.message.contains("signingKey.x: expected"), "\(key.message)")
        let date = try #require(
            Self.decodeError(
                AgentMessage.self,
                #"{"type":"heartbeat","version":"1","outboxDepth":0,"outboxBytes":0,"oldestUnsentAgeSeconds":0,"outboxFull":false,"lastAckedSeq":0,"sentAt":"yesterday"}"#
            )
        )
        #expect(date.message.contains("sentAt: expected an RFC 3339 timestamp"), "\(date.message)")
        let null = try #require(Self.decodeError(AgentMessage.self, #"{"type":"renew","csr":null}"#))
        #expect(null.message.contains("csr"), "\(null.message)")
    }

    @Test func notJSONIsABadMessage() throws {
        for text in ["", "hello", "[1,2]", #"{"type":"hello""#, "\u{FEFF}"] {
            let error = try #require(Self.decodeError(AgentMessage.self, text), "\(text)")
            #expect(error.code == .badMessage)
            #expect(error.message.hasPrefix("malformed message"))
        }
    }

    @Test func unknownFieldsAreIgnored() throws {
        let message = try MessageCodec.decode(
            AgentMessage.self, from: ByteBuffer(string: #"{"type":"hello","agentId":"agt_1","protocol":1,"version":"1","future":{"x":1}}"#)
        )
        #expect(message == .hello(.init(agentId: "agt_1", version: "1")))
    }

    @Test func base64URLEncodesWithoutPadding() {
        #expect(Base64URL.encode([UInt8]()) == "")
        #expect(Base64URL.encode([0x01]) == "AQ")
        #expect(Base64URL.encode([0x01, 0x02]) == "AQI")
        #expect(Base64URL.encode([0x01, 0x02, 0x03]) == "AQID")
        #expect(Base64URL.encode([0xFB, 0xFF]) == "-_8")
        for length in 0..<40 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 251) }
            #expect(Base64URL.decode(Base64URL.encode(bytes)) == Data(bytes))
        }
    }

    @Test func base64URLDecodingIsStrict() {
        #expect(Base64URL.decode("AQID") == Data([1, 2, 3]))
        #expect(Base64URL.decode("-_8") == Data([0xFB, 0xFF]))
        #expect(Base64URL.decode("") == Data())
        for bad in ["AQ==", "AQI=", "+/8", "AQ+D", "AQ/D", " AQID", "AQID ", "AQ\nID", "AQ\tID", "A", "AQIDB", "AQ.ID", "ÄQID", "AQ%3D"] {
            #expect(Base64URL.decode(bad) == nil, "\(bad.debugDescription) was accepted")
        }
    }
}
