//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Length-prefixed frames: a 4-byte big-endian length, then that many bytes of UTF-8 JSON.
//
//===----------------------------------------------------------------------===//

import NIOCore

/// Splits the byte stream into frames, refusing any frame longer than `maxFrameBytes` before reading it.
package struct FrameDecoder: ByteToMessageDecoder {
    package typealias InboundOut = ByteBuffer

    /// Largest accepted frame body in bytes.
    package let maxFrameBytes: Int

    /// Creates a decoder.
    /// - Parameter maxFrameBytes: largest accepted frame body.
    package init(maxFrameBytes: Int) {
        self.maxFrameBytes = maxFrameBytes
    }

    package mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self) else {
            return .needMoreData
        }
        if length == 0 {
            throw WireError(.emptyFrame, "received an empty frame")
        }
        if Int(length) > self.maxFrameBytes {
            throw WireError(.frameTooLarge, "frame of \(length) bytes exceeds the limit of \(self.maxFrameBytes) bytes")
        }
        guard buffer.readableBytes >= 4 + Int(length) else {
            return .needMoreData
        }
        buffer.moveReaderIndex(forwardBy: 4)
        guard let frame = buffer.readSlice(length: Int(length)) else { return .needMoreData }
        context.fireChannelRead(Self.wrapInboundOut(frame))
        return .continue
    }

    package mutating func decodeLast(
        context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool
    ) throws -> DecodingState {
        while try self.decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }
}

/// Prefixes each outgoing frame with its length.
package struct FrameEncoder: MessageToByteEncoder {
    package typealias OutboundIn = ByteBuffer

    /// Creates an encoder.
    package init() {}

    package func encode(data: ByteBuffer, out: inout ByteBuffer) throws {
        out.reserveCapacity(4 + data.readableBytes)
        out.writeInteger(UInt32(data.readableBytes))
        out.writeImmutableBuffer(data)
    }
}
