//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Length-prefixed framing: FrameDecoder and FrameEncoder.
//
//===----------------------------------------------------------------------===//

import NIOCore
import NIOEmbedded
import NIOTestUtils
import OversightModel
import OversightWire
import Testing

@Suite struct FrameCodecTests {
    /// A frame on the wire: the 4-byte big-endian length, then the body.
    static func wire(_ body: [UInt8]) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeInteger(UInt32(body.count))
        buffer.writeBytes(body)
        return buffer
    }

    static func body(_ count: Int, seed: UInt8 = 0) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: $0 &+ Int(seed)) }
    }

    /// A channel that decodes frames with `maxFrameBytes`.
    static func decodingChannel(maxFrameBytes: Int = 1024) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(FrameDecoder(maxFrameBytes: maxFrameBytes)))
        return channel
    }

    @Test func decoderPassesTheVerifier() throws {
        let bodies = [Self.body(1), Self.body(2, seed: 7), Self.body(300, seed: 3), Array(#"{"type":"hello"}"#.utf8), Self.body(1024, seed: 9)]
        let pairs = bodies.map { (Self.wire($0), [ByteBuffer(bytes: $0)]) }
        try ByteToMessageDecoderVerifier.verifyDecoder(inputOutputPairs: pairs) { FrameDecoder(maxFrameBytes: 1024) }
    }

    @Test func partialFramesWaitForTheRest() throws {
        let channel = try Self.decodingChannel()
        let body = Self.body(10)
        var frame = Self.wire(body)
        // Two bytes of the length.
        #expect(try channel.writeInbound(frame.readSlice(length: 2)!).isEmpty)
        #expect(try channel.readInbound(as: ByteBuffer.self) == nil)
        // The rest of the length and part of the body.
        #expect(try channel.writeInbound(frame.readSlice(length: 5)!).isEmpty)
        #expect(try channel.readInbound(as: ByteBuffer.self) == nil)
        // The rest of the body.
        #expect(try channel.writeInbound(frame).isFull)
        #expect(try channel.readInbound(as: ByteBuffer.self) == ByteBuffer(bytes: body))
        #expect(try channel.readInbound(as: ByteBuffer.self) == nil)
        #expect(try channel.finish().isClean)
    }

    @Test func severalFramesInOneBufferComeOutInOrder() throws {
        let channel = try Self.decodingChannel()
        let bodies = [Self.body(3), Self.body(1, seed: 5), Self.body(200, seed: 1)]
        var buffer = ByteBuffer()
        for body in bodies { buffer.writeImmutableBuffer(Self.wire(body)) }
        // And the first two bytes of a fourth frame.
        buffer.writeBytes([0, 0])
        try channel.writeInbound(buffer)
        for body in bodies {
            #expect(try channel.readInbound(as: ByteBuffer.self) == ByteBuffer(bytes: body))
        }
        #expect(try channel.readInbound(as: ByteBuffer.self) == nil)
        try channel.writeInbound(ByteBuffer(bytes: [0, 2, 0xAA, 0xBB]))
        #expect(try channel.readInbound(as: ByteBuffer.self) == ByteBuffer(bytes: [0xAA, 0xBB]))
    }

    @Test func aFrameOfExactlyTheLimitIsAccepted() throws {
        let channel = try Self.decodingChannel(maxFrameBytes: 64)
        try channel.writeInbound(Self.wire(Self.body(64)))
        #expect(try channel.readInbound(as: ByteBuffer.self)?.readableBytes == 64)
    }

    /// Only the 4-byte length arrives: the decoder refuses the frame without waiting for (or buffering) its body.
    @Test func anOversizeFrameIsRefusedBeforeItsBodyArrives() throws {
        let channel = try Self.decodingChannel(maxFrameBytes: 64)
        var header = ByteBuffer()
        header.writeInteger(UInt32(65))
        let error = #expect(throws: WireError.self) { try channel.writeInbound(header) }
        #expect(error?.code == .frameTooLarge)
        #expect(error?.message.contains("65") == true)
        #expect(try channel.readInbound(as: ByteBuffer.self) == nil)
    }

    @Test func aHugeLengthIsRefusedAtOnce() throws {
        let channel = try Self.decodingChannel(maxFrameBytes: 4 * 1024 * 1024)
        let error = #expect(throws: WireError.self) { try channel.writeInbound(ByteBuffer(bytes: [0xFF, 0xFF, 0xFF, 0xFF])) }
        #expect(error?.code == .frameTooLarge)
    }

    @Test func anEmptyFrameIsAnError() throws {
        let channel = try Self.decodingChannel()
        let error = #expect(throws: WireError.self) { try channel.writeInbound(ByteBuffer(bytes: [0, 0, 0, 0])) }
        #expect(error?.code == .emptyFrame)
        #expect(try channel.readInbound(as: ByteBuffer.self) == nil)
    }

    @Test func anEmptyFrameAfterAGoodOneStillDeliversTheGoodOne() throws {
        let channel = try Self.decodingChannel()
        var buffer = Self.wire([1, 2, 3])
        buffer.writeBytes([0, 0, 0, 0])
        let error = #expect(throws: WireError.self) { try channel.writeInbound(buffer) }
        #expect(error?.code == .emptyFrame)
        #expect(try channel.readInbound(as: ByteBuffer.self) == ByteBuffer(bytes: [1, 2, 3]))
    }

    @Test func encoderWritesABigEndianLengthPrefix() throws {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(MessageToByteHandler(FrameEncoder()))
        let body = Self.body(258)
        try channel.writeOutbound(ByteBuffer(bytes: body))
        var written = try #require(try channel.readOutbound(as: ByteBuffer.self))
        #expect(written.readBytes(length: 4) == [0x00, 0x00, 0x01, 0x02])
        #expect(written.readBytes(length: written.readableBytes) == body)
        #expect(try channel.finish().isClean)
    }

    /// Encoder and decoder on one channel: what goes out comes back in, message by message.
    @Test func encoderAndDecoderRoundTrip() throws {
        let sender = EmbeddedChannel()
        try sender.pipeline.syncOperations.addHandler(MessageToByteHandler(FrameEncoder()))
        let receiver = try Self.decodingChannel(maxFrameBytes: 4096)
        let messages: [AgentMessage] = [
            .hello(.init(agentId: "agt_0123456789abcdef0123", version: "1.2.3")),
            .batch(FlattenedJWS(protected: "eyJ9", payload: "e30", signature: "c2ln")),
            .renew(.init(csr: "-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----\n")),
        ]
        for message in messages {
            try sender.writeOutbound(try MessageCodec.frame(message))
        }
        while let bytes = try sender.readOutbound(as: ByteBuffer.self) {
            try receiver.writeInbound(bytes)
        }
        for message in messages {
            let frame = try #require(try receiver.readInbound(as: ByteBuffer.self))
            #expect(try MessageCodec.decode(AgentMessage.self, from: frame) == message)
        }
        #expect(try receiver.readInbound(as: ByteBuffer.self) == nil)
        #expect(try sender.finish().isClean)
        #expect(try receiver.finish().isClean)
    }

    @Test func asyncTestingChannelCarriesFrames() async throws {
        let channel = NIOAsyncTestingChannel()
        try await channel.testingEventLoop.executeInContext {
            try channel.pipeline.syncOperations.addHandler(MessageToByteHandler(FrameEncoder()))
        }
        try await channel.writeOutbound(ByteBuffer(string: #"{"type":"heartbeat"}"#))
        var written = try #require(try await channel.readOutbound(as: ByteBuffer.self))
        #expect(written.readInteger(as: UInt32.self) == 20)
        #expect(written.readString(length: written.readableBytes) == #"{"type":"heartbeat"}"#)
        _ = try await channel.finish()
    }
}
