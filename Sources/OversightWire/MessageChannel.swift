//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Frames carrying JSON messages over an NIOAsyncChannel.
//
//===----------------------------------------------------------------------===//

import Foundation
import NIOCore
import NIOFoundationCompat
import OversightModel

/// A connection that carries one JSON message per frame.
package typealias FrameChannel = NIOAsyncChannel<ByteBuffer, ByteBuffer>

/// Encoding and decoding of protocol messages to and from frame bodies.
package enum MessageCodec {
    /// Encodes a message into a frame body.
    package static func frame(_ message: some Encodable, allocator: ByteBufferAllocator = ByteBufferAllocator()) throws
        -> ByteBuffer
    {
        var buffer = allocator.buffer(capacity: 256)
        try WireJSON.encoder().encode(message, into: &buffer)
        return buffer
    }

    /// Decodes a frame body into a message, with an error naming what is wrong.
    package static func decode<Message: Decodable>(_ type: Message.Type, from frame: ByteBuffer) throws -> Message {
        do {
            return try WireJSON.decoder().decode(type, from: frame)
        } catch let error as DecodingError {
            throw WireError(.badMessage, "malformed message: \(Self.describe(error))")
        } catch {
            throw WireError(.badMessage, "malformed message: not JSON")
        }
    }

    /// A short description of a decoding error: the path and the problem, never the payload.
    package static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return keys.isEmpty ? "(root)" : String(keys.drop(while: { $0 == "." }))
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "\(path(context)): missing key '\(key.stringValue)'"
        case .typeMismatch(let type, let context):
            return "\(path(context)): expected \(type)"
        case .valueNotFound(let type, let context):
            return "\(path(context)): expected \(type), found null"
        case .dataCorrupted(let context):
            return "\(path(context)): \(context.debugDescription)"
        @unknown default:
            return "undecodable"
        }
    }
}
