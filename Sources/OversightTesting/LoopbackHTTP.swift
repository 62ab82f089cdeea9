//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// One HTTP/1.1 exchange on loopback with SwiftNIO (enough for chromedriver).
//
//===----------------------------------------------------------------------===//

import Foundation
import NIOCore
import NIOPosix

/// One HTTP/1.1 exchange on loopback: a new connection per request (`Connection: close`), the whole answer read.
///
/// Enough for chromedriver, which answers small JSON documents with a `Content-Length`; chunked answers are decoded too.
package enum LoopbackHTTP {
    /// The answer: status code and body.
    package struct Reply: Sendable {
        package var status: Int
        package var body: Data
    }

    /// Sends `method path` to `127.0.0.1:port` with an optional JSON body.
    package static func send(method: String, port: Int, path: String, json: Data? = nil, timeout: Duration = .seconds(120)) async throws -> Reply {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\nAccept: application/json\r\n"
        if let json { head += "Content-Type: application/json; charset=utf-8\r\nContent-Length: \(json.count)\r\n" }
        head += "\r\n"
        var buffer = ByteBuffer(string: head)
        if let json { buffer.writeBytes(json) }
        let request = buffer
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(10))
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
            }
        let raw = try await withThrowingTaskGroup(of: ByteBuffer?.self) { group in
            group.addTask {
                try await channel.executeThenClose { inbound, outbound in
                    try await outbound.write(request)
                    var all = ByteBuffer()
                    for try await chunk in inbound {
                        all.writeImmutableBuffer(chunk)
                        // Servers may keep the connection open despite `Connection: close`: stop once the answer is whole.
                        if Self.isComplete(Data(all.readableBytesView)) { break }
                    }
                    return all
                }
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            let first = try await group.next() ?? nil
            group.cancelAll()
            guard let first else {
                channel.channel.close(promise: nil)
                throw HarnessError("\(method) \(path) on 127.0.0.1:\(port) got no answer within \(timeout)")
            }
            return first
        }
        return try Self.parse(Data(raw.readableBytesView), what: "\(method) \(path)")
    }

    /// Whether `data` holds a whole answer: the head and `Content-Length` bytes, or the last chunk.
    static func isComplete(_ data: Data) -> Bool {
        guard let end = data.range(of: Data("\r\n\r\n".utf8)) else { return false }
        let headers = String(decoding: data[data.startIndex..<end.lowerBound], as: UTF8.self).lowercased().components(separatedBy: "\r\n")
        let bodyCount = data.distance(from: end.upperBound, to: data.endIndex)
        if let line = headers.first(where: { $0.hasPrefix("content-length:") }), let length = Int(line.dropFirst(15).trimmingCharacters(in: .whitespaces)) {
            return bodyCount >= length
        }
        if headers.contains(where: { $0.hasPrefix("transfer-encoding:") && $0.contains("chunked") }) {
            return data[end.upperBound...].range(of: Data("\r\n0\r\n\r\n".utf8)) != nil || data[end.upperBound...].starts(with: Data("0\r\n\r\n".utf8))
        }
        return false
    }

    static func parse(_ data: Data, what: String) throws -> Reply {
        let separator = Data("\r\n\r\n".utf8)
        guard let end = data.range(of: separator) else { throw HarnessError("\(what): the answer has no complete HTTP head") }
        let head = String(decoding: data[data.startIndex..<end.lowerBound], as: UTF8.self)
        let lines = head.components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else { throw HarnessError("\(what): bad status line \(lines[0])") }
        var body = Data(data[end.upperBound...])
        let headers = lines.dropFirst().map { $0.lowercased() }
        if headers.contains(where: { $0.hasPrefix("transfer-encoding:") && $0.contains("chunked") }) {
            body = try Self.dechunk(body, what: what)
        } else if let length = headers.first(where: { $0.hasPrefix("content-length:") }).flatMap({ Int($0.dropFirst(15).trimmingCharacters(in: .whitespaces)) }) {
            guard body.count >= length else { throw HarnessError("\(what): body shorter (\(body.count)) than Content-Length \(length)") }
            body = body.prefix(length)
        }
        return Reply(status: status, body: body)
    }

    static func dechunk(_ data: Data, what: String) throws -> Data {
        var out = Data()
        var index = data.startIndex
        let crlf = Data("\r\n".utf8)
        while true {
            guard let lineEnd = data.range(of: crlf, in: index..<data.endIndex) else { throw HarnessError("\(what): truncated chunk") }
            let sizeText = String(decoding: data[index..<lineEnd.lowerBound], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16) else { throw HarnessError("\(what): bad chunk size") }
            if size == 0 { return out }
            let start = lineEnd.upperBound
            guard data.distance(from: start, to: data.endIndex) >= size + 2 else { throw HarnessError("\(what): truncated chunk") }
            let stop = data.index(start, offsetBy: size)
            out.append(data[start..<stop])
            index = data.index(stop, offsetBy: 2)
        }
    }
}
