//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The few NIOCore names FrameCodec.swift uses, for the frame-codec fuzz target (scripts/fuzz): SwiftNIO itself
// cannot be linked by a plain swiftc build. Only what the decoder and encoder call, with NIO's meaning:
// big-endian integers, a reader index that readSlice and moveReaderIndex advance, slices that copy nothing observable.
//
//===----------------------------------------------------------------------===//

/// A byte buffer with NIO's reader index semantics (bytes before `readerIndex` are read).
public struct ByteBuffer: Equatable {
    var storage: [UInt8]
    public private(set) var readerIndex = 0

    public init() { self.storage = [] }
    public init(bytes: some Sequence<UInt8>) { self.storage = Array(bytes) }

    public var readableBytes: Int { self.storage.count - self.readerIndex }
    public var readableBytesView: ArraySlice<UInt8> { self.storage[self.readerIndex...] }

    /// The integer at `index` (big-endian), or nil when fewer than its size of bytes are readable there.
    public func getInteger<T: FixedWidthInteger>(at index: Int, as: T.Type = T.self) -> T? {
        let size = MemoryLayout<T>.size
        guard index >= self.readerIndex, index + size <= self.storage.count else { return nil }
        var value: T = 0
        for byte in self.storage[index..<index + size] { value = value << 8 | T(byte) }
        return value
    }

    public mutating func moveReaderIndex(forwardBy offset: Int) {
        precondition(offset >= 0 && self.readerIndex + offset <= self.storage.count, "moveReaderIndex past the written bytes")
        self.readerIndex += offset
    }

    public mutating func readSlice(length: Int) -> ByteBuffer? {
        guard length >= 0, length <= self.readableBytes else { return nil }
        let slice = ByteBuffer(bytes: self.storage[self.readerIndex..<self.readerIndex + length])
        self.readerIndex += length
        return slice
    }

    public mutating func reserveCapacity(_ capacity: Int) { self.storage.reserveCapacity(capacity) }

    @discardableResult
    public mutating func writeInteger<T: FixedWidthInteger>(_ value: T) -> Int {
        let size = MemoryLayout<T>.size
        for shift in stride(from: (size - 1) * 8, through: 0, by: -8) { self.storage.append(UInt8(truncatingIfNeeded: value >> shift)) }
        return size
    }

    @discardableResult
    public mutating func writeImmutableBuffer(_ buffer: ByteBuffer) -> Int {
        self.storage.append(contentsOf: buffer.readableBytesView)
        return buffer.readableBytes
    }

    @discardableResult
    public mutating func writeBytes(_ bytes: some Sequence<UInt8>) -> Int {
        let before = self.storage.count
        self.storage.append(contentsOf: bytes)
        return self.storage.count - before
    }

    /// Equal when the readable bytes are (as NIO's ByteBuffer ==).
    public static func == (lhs: ByteBuffer, rhs: ByteBuffer) -> Bool { lhs.readableBytesView == rhs.readableBytesView }
}

public struct NIOAny {
    public let value: Any
}

public enum DecodingState: Equatable {
    case `continue`
    case needMoreData
}

/// Collects what the decoder fires.
public final class ChannelHandlerContext {
    public var read: [ByteBuffer] = []
    public init() {}
    public func fireChannelRead(_ data: NIOAny) {
        guard let buffer = data.value as? ByteBuffer else { fatalError("the decoder fired something that is not a ByteBuffer") }
        self.read.append(buffer)
    }
}

public protocol ByteToMessageDecoder {
    associatedtype InboundOut
    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState
    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState
}

extension ByteToMessageDecoder {
    public static func wrapInboundOut(_ value: InboundOut) -> NIOAny { NIOAny(value: value) }
}

public protocol MessageToByteEncoder {
    associatedtype OutboundIn
    func encode(data: OutboundIn, out: inout ByteBuffer) throws
}
