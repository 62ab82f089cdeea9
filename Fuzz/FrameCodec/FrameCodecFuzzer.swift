//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// libFuzzer target (scripts/fuzz): the wire's length-prefixed frame decoder and encoder — the product's
// Sources/OversightWire/FrameCodec.swift itself, compiled with WireError.swift and NIOShim.swift (the NIOCore names it
// uses) by swiftc -sanitize=fuzzer,address; docs/reliability.md.
//
//===----------------------------------------------------------------------===//

/// An input is a limit, a chunking and a byte stream: byte 0 picks `maxFrameBytes`, byte 1 seeds the chunk sizes, the
/// rest is what arrives on the connection, fed to `FrameDecoder` chunk by chunk the way NIO's ByteToMessageHandler
/// does (decode while it returns `.continue` and bytes are left; `decodeLast` at the end). Properties:
///
/// - the frames, and the refusal (empty frame, frame too large) if any, are those of a plain reading of the stream
///   (the model below), whatever the chunking;
/// - a refused length is refused in the chunk that completes its 4 bytes: the decoder never waits for the body;
/// - what the decoder keeps buffered between chunks is less than 4 + maxFrameBytes bytes;
/// - every frame is at most maxFrameBytes and not empty, and FrameEncoder writes the frames back to the bytes read.
@_cdecl("LLVMFuzzerTestOneInput")
public func frameCodecFuzz(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    guard count >= 2 else { return 0 }
    let input = Array(UnsafeBufferPointer(start: bytes, count: count))
    let limits = [1, 2, 3, 4, 5, 16, 255, 256, 1024, 65536, 1 << 20, 16 << 20, Int(UInt32.max) - 1, Int(UInt32.max), Int.max]
    let maxFrameBytes = input[0] < 200 ? Int(input[0]) % 64 + 1 : limits[Int(input[0] - 200) % limits.count]
    var seed = UInt64(input[1]) &* 0x9E37_79B9_7F4A_7C15 | 1
    let stream = Array(input[2...])

    let expected = model(stream, maxFrameBytes: maxFrameBytes)
    for chunking in 0..<3 {
        // 0: the whole stream at once; 1: one byte at a time; 2: pseudo-random chunks of 1…16 bytes.
        var chunks: [ArraySlice<UInt8>] = []
        var offset = 0
        while offset < stream.count {
            let size: Int
            switch chunking {
            case 0: size = stream.count
            case 1: size = 1
            default:
                seed ^= seed << 13; seed ^= seed >> 7; seed ^= seed << 17
                size = Int(seed % 16) + 1
            }
            let end = min(stream.count, offset + size)
            chunks.append(stream[offset..<end])
            offset = end
        }
        let got = decodeInChunks(chunks, maxFrameBytes: maxFrameBytes)
        guard got.frames == expected.frames else {
            fatalError("chunking \(chunking): \(got.frames.count) frames, the model reads \(expected.frames.count) (limit \(maxFrameBytes))")
        }
        guard got.refusal == expected.refusal else {
            fatalError("chunking \(chunking): refusal \(String(describing: got.refusal)), the model \(String(describing: expected.refusal))")
        }
        if expected.refusal != nil {
            // Refused in the chunk that completes the offending length prefix, not later.
            guard let at = got.refusedInChunkEnding, at >= expected.refusedAt, at - chunks[got.refusedChunk!].count < expected.refusedAt else {
                fatalError("chunking \(chunking): the refusal of the length ending at byte \(expected.refusedAt) came with the chunk ending at \(String(describing: got.refusedInChunkEnding))")
            }
        }
        guard got.maxBuffered - 4 < maxFrameBytes else {
            fatalError("chunking \(chunking): \(got.maxBuffered) bytes buffered between chunks with a limit of \(maxFrameBytes)")
        }
    }

    // Encoding the frames gives back the bytes they were read from.
    var written = ByteBuffer()
    for frame in expected.frames {
        guard !frame.isEmpty, frame.count <= maxFrameBytes else { fatalError("a frame of \(frame.count) bytes passed the limit \(maxFrameBytes)") }
        do { try FrameEncoder().encode(data: ByteBuffer(bytes: frame), out: &written) } catch { fatalError("the encoder threw \(error)") }
    }
    guard Array(written.readableBytesView) == Array(stream.prefix(expected.consumed)) else { fatalError("encode(frames) is not the bytes they came from") }
    return 0
}

enum Refusal: Equatable { case empty, tooLarge }

/// A plain reading of the whole stream: length, body, … until the bytes run out or a length is refused.
func model(_ stream: [UInt8], maxFrameBytes: Int) -> (frames: [[UInt8]], refusal: Refusal?, refusedAt: Int, consumed: Int) {
    var frames: [[UInt8]] = []
    var offset = 0
    while stream.count - offset >= 4 {
        let length = stream[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
        if length == 0 { return (frames, .empty, offset + 4, offset) }
        if length > maxFrameBytes { return (frames, .tooLarge, offset + 4, offset) }
        guard stream.count - offset - 4 >= length else { break }
        frames.append(Array(stream[offset + 4..<offset + 4 + length]))
        offset += 4 + length
    }
    return (frames, nil, 0, offset)
}

/// Feeds the chunks to a FrameDecoder as ByteToMessageHandler does, until the end or the first error.
func decodeInChunks(_ chunks: [ArraySlice<UInt8>], maxFrameBytes: Int)
    -> (frames: [[UInt8]], refusal: Refusal?, refusedInChunkEnding: Int?, refusedChunk: Int?, maxBuffered: Int)
{
    var decoder = FrameDecoder(maxFrameBytes: maxFrameBytes)
    let context = ChannelHandlerContext()
    var buffer = ByteBuffer()
    var end = 0
    var maxBuffered = 0
    func refusal(_ error: any Error) -> Refusal {
        guard let error = error as? WireError else { fatalError("the decoder threw \(error), not a WireError") }
        switch error.code {
        case .emptyFrame: return .empty
        case .frameTooLarge: return .tooLarge
        default: fatalError("the decoder threw \(error.code)")
        }
    }
    for (index, chunk) in chunks.enumerated() {
        buffer.writeBytes(chunk)
        end += chunk.count
        do {
            while buffer.readableBytes > 0, try decoder.decode(context: context, buffer: &buffer) == .continue {}
        } catch {
            return (context.read.map { Array($0.readableBytesView) }, refusal(error), end, index, maxBuffered)
        }
        maxBuffered = max(maxBuffered, buffer.readableBytes)
    }
    do {
        _ = try decoder.decodeLast(context: context, buffer: &buffer, seenEOF: true)
    } catch {
        // At the end of the stream only a length already seen could be refused, and that one was refused before.
        fatalError("decodeLast threw \(error) after every chunk was decoded")
    }
    return (context.read.map { Array($0.readableBytesView) }, nil, nil, nil, maxBuffered)
}
