//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// A swift-log handler writing one JSON object per line (`log_format: json`).
//
//===----------------------------------------------------------------------===//

import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes each log event as one line of JSON, for log shippers (journald, Loki, Elasticsearch, …):
///
/// ```json
/// {"time":"2026-12-06T03:48:15.241Z","level":"info","label":"oversight.coordinator","source":"OversightCoordinator","message":"coordinator ready","metadata":{"oversight.listen.port":"7443"}}
/// ```
///
/// `metadata` holds the logger's, the provider's and the event's metadata (the event's wins); nested values stay
/// nested. As a second line of defence behind code that never logs secrets, the value of a metadata key named like a
/// secret (``redactedKeys``, the last dotted component, any case) is written as `"***"`. Each line goes out in one
/// `write(2)`, so lines from concurrent tasks never interleave.
package struct JSONLogHandler: LogHandler {
    /// Metadata keys whose values are never written, compared with the last dotted component, lowercased.
    package static let redactedKeys: Set<String> = [
        "password", "passphrase", "token", "secret", "authorization", "cookie", "set-cookie", "private_key", "privatekey", "key_pem",
    ]

    package var logLevel: Logger.Level = .info
    package var metadata: Logger.Metadata = [:]
    package var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let sink: @Sendable ([UInt8]) -> Void

    /// A handler writing to standard error.
    /// - Parameters:
    ///   - label: the logger's label, written as `label`.
    ///   - metadataProvider: metadata added to every event (swift-log's bootstrap passes its provider here).
    package init(label: String, metadataProvider: Logger.MetadataProvider? = nil) {
        self.init(label: label, metadataProvider: metadataProvider, sink: Self.standardError)
    }

    /// A handler handing each line (with its newline) to `sink`; tests collect them.
    package init(label: String, metadataProvider: Logger.MetadataProvider? = nil, sink: @escaping @Sendable ([UInt8]) -> Void) {
        self.label = label
        self.metadataProvider = metadataProvider
        self.sink = sink
    }

    package subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { self.metadata[key] }
        set { self.metadata[key] = newValue }
    }

    package func log(event: LogEvent) {
        var merged = self.metadata
        if let provided = self.metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let own = event.metadata { merged.merge(own) { _, new in new } }
        self.sink(Self.line(time: Self.now(), level: event.level, label: self.label, source: event.source, message: event.message.description, metadata: merged))
    }

    /// The JSON line (with its newline) for one event.
    package static func line(
        time: (seconds: Int, milliseconds: Int), level: Logger.Level, label: String, source: String, message: String, metadata: Logger.Metadata
    ) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(160 + message.utf8.count)
        out.append(contentsOf: #"{"time":""#.utf8)
        out.append(contentsOf: Self.timestamp(time).utf8)
        out.append(contentsOf: #"","level":""#.utf8)
        out.append(contentsOf: level.rawValue.utf8)
        out.append(contentsOf: #"","label":"#.utf8)
        Self.appendString(label, to: &out)
        out.append(contentsOf: #","source":"#.utf8)
        Self.appendString(source, to: &out)
        out.append(contentsOf: #","message":"#.utf8)
        Self.appendString(message, to: &out)
        if !metadata.isEmpty {
            out.append(contentsOf: #","metadata":"#.utf8)
            Self.appendDictionary(metadata, to: &out)
        }
        out.append(contentsOf: "}\n".utf8)
        return out
    }

    static func isSecret(_ key: String) -> Bool {
        let last = key.split(separator: ".").last.map(String.init) ?? key
        return Self.redactedKeys.contains(last.lowercased())
    }

    static func appendDictionary(_ dictionary: Logger.Metadata, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        for (index, key) in dictionary.keys.sorted().enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            Self.appendString(key, to: &out)
            out.append(UInt8(ascii: ":"))
            if Self.isSecret(key) {
                out.append(contentsOf: #""***""#.utf8)
            } else {
                Self.appendValue(dictionary[key]!, to: &out)
            }
        }
        out.append(UInt8(ascii: "}"))
    }

    static func appendValue(_ value: Logger.Metadata.Value, to out: inout [UInt8]) {
        switch value {
        case .string(let text): Self.appendString(text, to: &out)
        case .stringConvertible(let convertible): Self.appendString(convertible.description, to: &out)
        case .dictionary(let dictionary): Self.appendDictionary(dictionary, to: &out)
        case .array(let array):
            out.append(UInt8(ascii: "["))
            for (index, element) in array.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                Self.appendValue(element, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        }
    }

    /// A JSON string: quotes, backslashes and control characters escaped (RFC 8259 §7), everything else as UTF-8.
    static func appendString(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        let hex = Array("0123456789abcdef".utf8)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case UInt8(ascii: "\n"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case UInt8(ascii: "\r"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case UInt8(ascii: "\t"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0..<0x20, 0x7f:
                out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 0xf)]])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// Now, as seconds since 1970 and milliseconds.
    static func now() -> (seconds: Int, milliseconds: Int) {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return (Int(spec.tv_sec), Int(spec.tv_nsec / 1_000_000))
    }

    /// RFC 3339 in UTC with milliseconds: `2026-12-06T03:48:15.241Z`.
    static func timestamp(_ time: (seconds: Int, milliseconds: Int)) -> String {
        var seconds = time_t(time.seconds)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let millis = time.milliseconds < 10 ? "00\(time.milliseconds)" : time.milliseconds < 100 ? "0\(time.milliseconds)" : "\(time.milliseconds)"
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)).\(millis)Z"
    }

    static let standardError: @Sendable ([UInt8]) -> Void = { bytes in
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(2, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return
                }
                offset += written
            }
        }
    }
}
