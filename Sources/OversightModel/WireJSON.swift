//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The one JSON form used on the wire and in stores.
//
//===----------------------------------------------------------------------===//

import Foundation

/// JSON coding shared by agent and coordinator: RFC 3339 UTC timestamps with milliseconds,
/// sorted keys, no escaped slashes, so the same value always encodes to the same bytes.
public enum WireJSON {
    private static let withFraction = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
    private static let withoutFraction = Date.ISO8601FormatStyle()

    /// Formats a date as `2026-11-25T12:00:00.000Z`, rounded to the nearest millisecond.
    public static func format(_ date: Date) -> String {
        let milliseconds = (date.timeIntervalSince1970 * 1000).rounded()
        let seconds = (milliseconds / 1000).rounded(.down)
        let fraction = Int(milliseconds - seconds * 1000)
        var text = Date(timeIntervalSince1970: seconds).formatted(Self.withoutFraction)
        // `…:ssZ` → `…:ss.mmmZ`
        text.removeLast()
        let digits = String(fraction)
        return text + "." + String(repeating: "0", count: 3 - digits.count) + digits + "Z"
    }

    /// Parses an RFC 3339 timestamp with or without fractional seconds; `nil` if it is not one.
    public static func parseDate(_ text: String) -> Date? {
        if let date = try? Self.withFraction.parse(text) { return date }
        return try? Self.withoutFraction.parse(text)
    }

    /// A new encoder in the wire form.
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(WireJSON.format(date))
        }
        return encoder
    }

    /// A new decoder in the wire form.
    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = WireJSON.parseDate(text) else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "expected an RFC 3339 timestamp, got '\(text.prefix(40))'"
                )
            }
            return date
        }
        return decoder
    }

    /// Encodes a value in the wire form.
    public static func encode(_ value: some Encodable) throws -> Data {
        try Self.encoder().encode(value)
    }

    /// Decodes a value in the wire form.
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        try Self.decoder().decode(type, from: data)
    }
}
