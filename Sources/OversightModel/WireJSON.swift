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
        // The canonical shape is parsed strictly here (Foundation's parser would roll 02-30 over to 03-02).
        if let canonical = Self.parseCanonical(text) { return canonical.date }
        if let date = try? Self.withFraction.parse(text) { return date }
        return try? Self.withoutFraction.parse(text)
    }

    /// Fast path for the form this encoder writes, `YYYY-MM-DDTHH:MM:SS.mmmZ` (or without `.mmm`): digits read
    /// directly, days from the civil date (no formatter). Anything else goes to the general parser.
    /// `nil` when `text` is not of the canonical shape; else the date, or `.invalid` for an impossible value.
    static func parseCanonical(_ text: String) -> Canonical? {
        let utf8 = text.utf8
        return utf8.withContiguousStorageIfAvailable { bytes -> Canonical? in
            let count = bytes.count
            guard count == 20 || count == 24, bytes[count - 1] == UInt8(ascii: "Z"), bytes[4] == UInt8(ascii: "-"),
                bytes[7] == UInt8(ascii: "-"), bytes[10] == UInt8(ascii: "T"), bytes[13] == UInt8(ascii: ":"),
                bytes[16] == UInt8(ascii: ":")
            else { return nil }
            return Canonical(date: Self.canonicalDate(bytes))
        } ?? nil
    }

    /// A timestamp of the canonical shape and its value (`nil` when the value is impossible, like 02-30).
    struct Canonical {
        var date: Date?
    }

    private static func canonicalDate(_ bytes: UnsafeBufferPointer<UInt8>) -> Date? {
        do {
            let count = bytes.count
            func number(_ from: Int, _ length: Int) -> Int? {
                var value = 0
                for index in from..<(from + length) {
                    let digit = Int(bytes[index]) - 48
                    guard digit >= 0 && digit <= 9 else { return nil }
                    value = value * 10 + digit
                }
                return value
            }
            guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2), let hour = number(11, 2),
                let minute = number(14, 2), let second = number(17, 2), (1...12).contains(month), (1...31).contains(day),
                hour < 24, minute < 60, second < 60
            else { return nil }
            var millis = 0
            if count == 24 {
                guard bytes[19] == UInt8(ascii: "."), let fraction = number(20, 3) else { return nil }
                millis = fraction
            }
            let monthDays = [31, (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
            guard day <= monthDays[month - 1] else { return nil }
            // Days since 1970-01-01 (Howard Hinnant's days_from_civil).
            let y = month <= 2 ? year - 1 : year
            let era = (y >= 0 ? y : y - 399) / 400
            let yoe = y - era * 400
            let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
            let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
            let days = era * 146_097 + doe - 719_468
            let seconds = Double(days * 86_400 + hour * 3600 + minute * 60 + second)
            return Date(timeIntervalSince1970: seconds + Double(millis) / 1000)
        }
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

    /// Decodes a value in the wire form, after ``StrictJSON`` has checked that the text reads only one way (no
    /// duplicate member names, valid UTF-8 without lone surrogates, integers within 64 bits).
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        try StrictJSON.validate(data)
        return try Self.decoder().decode(type, from: data)
    }
}
