//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Turning a provider's timestamp text into an instant.
//
//===----------------------------------------------------------------------===//

package import Foundation
package import OversightConfig

/// Parses timestamps written in a source's ``OversightConfig/DateFormat``.
///
/// Local times (patterns, ISO 8601 without an offset) are read in the configured time zone with its
/// daylight-saving rules: a local time skipped by a spring-forward change is rejected, and a local time
/// that occurs twice at a fall-back change is read as the first (earlier) of the two instants.
package struct TimestampParser: Sendable {
    /// The format timestamps are written in.
    package let format: DateFormat
    /// Zone for local times.
    package let timeZone: TimeZone
    private let isUTC: Bool

    /// Creates a parser.
    /// - Parameters:
    ///   - format: The format timestamps are written in.
    ///   - timeZone: Zone for values without an offset.
    package init(format: DateFormat, timeZone: TimeZone) {
        self.format = format
        self.timeZone = timeZone
        self.isUTC = ["UTC", "GMT", "Etc/UTC", "Etc/GMT", "Z"].contains(timeZone.identifier)
    }

    /// Why a text is not a timestamp in the expected format; ``message`` quotes the value.
    package struct Failure: Error, Sendable, Hashable {
        /// `'31/02/2026' does not match date format dd/MM/yyyy (day 31 does not exist in 2026-02)`.
        package var message: String
    }

    /// Parses one timestamp.
    package func parse(_ text: String) -> Result<Date, Failure> {
        let bytes = Array(text.utf8)
        let outcome: Result<Date, Detail>
        switch self.format {
        case .iso8601: outcome = self.parseISO8601(bytes)
        case .unix: outcome = Self.parseUnix(text, scale: 1)
        case .unixMilliseconds: outcome = Self.parseUnix(text, scale: 1_000)
        case .pattern(let pattern): outcome = self.parsePattern(bytes, pattern: pattern)
        }
        return outcome.mapError { detail in
            let shown = text.count > 60 ? String(text.prefix(57)) + "..." : text
            let suffix = detail.text.isEmpty ? "" : " (\(detail.text))"
            return Failure(message: "'\(shown)' does not match date format \(self.format)\(suffix)")
        }
    }

    // MARK: - Formats

    private static func parseUnix(_ text: String, scale: Double) -> Result<Date, Detail> {
        guard text.utf8.allSatisfy({ (48...57).contains($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") }),
            let value = Double(text), value.isFinite
        else {
            return .failure(scale == 1 ? "expected seconds since 1970" : "expected milliseconds since 1970")
        }
        var seconds = value / scale
        if scale == 1_000, let milliseconds = Int64(text) {
            seconds = Double(milliseconds / 1_000) + Double(milliseconds % 1_000) / 1_000
        }
        guard abs(seconds) < 1e11 else { return .failure("out of range") }
        return .success(Date(timeIntervalSince1970: seconds))
    }

    private func parseISO8601(_ bytes: [UInt8]) -> Result<Date, Detail> {
        var scanner = DigitScanner(bytes: bytes)
        guard let year = scanner.digits(4), scanner.literal("-"), let month = scanner.digits(2), scanner.literal("-"),
            let day = scanner.digits(2)
        else { return .failure("expected yyyy-MM-dd, optionally followed by THH:mm:ss and an offset") }
        var fields = LocalTime(year: year, month: month, day: day)
        var offset: Int?
        if !scanner.atEnd {
            guard scanner.literal("T") || scanner.literal("t") || scanner.literal(" ") else { return .failure("") }
            guard let hour = scanner.digits(2), scanner.literal(":"), let minute = scanner.digits(2) else {
                return .failure("expected a time as HH:mm or HH:mm:ss")
            }
            fields.hour = hour
            fields.minute = minute
            if scanner.literal(":") {
                guard let second = scanner.digits(2) else { return .failure("expected seconds after HH:mm:") }
                fields.second = second
                if scanner.literal(".") || scanner.literal(",") {
                    guard let nanoseconds = scanner.fraction() else { return .failure("expected digits after the decimal point") }
                    fields.nanosecond = nanoseconds
                }
            }
            if scanner.literal("Z") || scanner.literal("z") {
                offset = 0
            } else if let sign = scanner.sign() {
                guard let hours = scanner.digits(2), hours <= 18 else { return .failure("expected an offset as +HH:mm") }
                var minutes = 0
                if scanner.literal(":") {
                    guard let value = scanner.digits(2) else { return .failure("expected an offset as +HH:mm") }
                    minutes = value
                } else if let value = scanner.digits(2) {
                    minutes = value
                }
                guard minutes < 60 else { return .failure("offset minutes must be below 60") }
                offset = sign * (hours * 3_600 + minutes * 60)
            }
        }
        guard scanner.atEnd else { return .failure("unexpected text at position \(scanner.index + 1)") }
        return self.instant(fields, offset: offset)
    }

    private func parsePattern(_ bytes: [UInt8], pattern: DatePattern) -> Result<Date, Detail> {
        var scanner = DigitScanner(bytes: bytes)
        var fields = LocalTime(year: 0, month: 0, day: 0)
        for element in pattern.elements {
            switch element {
            case .year:
                guard let value = scanner.digits(4) else { return .failure("") }
                fields.year = value
            case .month(let minDigits):
                guard let value = scanner.digits(minDigits, upTo: 2) else { return .failure("") }
                fields.month = value
            case .day(let minDigits):
                guard let value = scanner.digits(minDigits, upTo: 2) else { return .failure("") }
                fields.day = value
            case .hour(let minDigits):
                guard let value = scanner.digits(minDigits, upTo: 2) else { return .failure("") }
                fields.hour = value
            case .minute:
                guard let value = scanner.digits(2) else { return .failure("") }
                fields.minute = value
            case .second:
                guard let value = scanner.digits(2) else { return .failure("") }
                fields.second = value
            case .fraction(let digits):
                guard let value = scanner.digits(digits) else { return .failure("") }
                var nanoseconds = value
                for _ in digits..<9 { nanoseconds *= 10 }
                fields.nanosecond = nanoseconds
            case .literal(let text):
                guard scanner.literal(text) else { return .failure("") }
            }
        }
        guard scanner.atEnd else { return .failure("unexpected text at position \(scanner.index + 1)") }
        return self.instant(fields, offset: nil)
    }

    // MARK: - Calendar arithmetic

    private struct LocalTime {
        var year: Int
        var month: Int
        var day: Int
        var hour = 0
        var minute = 0
        var second = 0
        var nanosecond = 0
    }

    /// The instant of a local time, at `offset` seconds east of UTC or else in the time zone.
    private func instant(_ time: LocalTime, offset: Int?) -> Result<Date, Detail> {
        guard (1...12).contains(time.month) else { return .failure("month \(time.month) does not exist") }
        let monthLength = Self.daysInMonth(year: time.year, month: time.month)
        guard (1...monthLength).contains(time.day) else {
            return .failure("day \(time.day) does not exist in \(time.year)-\(time.month < 10 ? "0" : "")\(time.month)")
        }
        guard time.hour < 24, time.minute < 60, time.second < 60 else { return .failure("time of day out of range") }
        let days = Self.daysFromCivil(year: time.year, month: time.month, day: time.day)
        let local = days * 86_400 + Int64(time.hour * 3_600 + time.minute * 60 + time.second)
        let seconds: Int64
        if let offset {
            seconds = local - Int64(offset)
        } else if self.isUTC {
            seconds = local
        } else {
            guard let resolved = self.resolveLocal(local) else {
                return .failure("this local time does not exist in \(self.timeZone.identifier): skipped by a daylight-saving change")
            }
            seconds = resolved
        }
        return .success(Date(timeIntervalSince1970: Double(seconds) + Double(time.nanosecond) / 1e9))
    }

    /// The earliest UTC second whose local time in the zone is `local`, or `nil` if a DST gap skips it.
    private func resolveLocal(_ local: Int64) -> Int64? {
        let offsets = Set([-86_400, 86_400].map { self.timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(local + $0))) })
        return
            offsets
            .map { local - Int64($0) }
            .filter { Int64(self.timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double($0)))) == local - $0 }
            .min()
    }

    private static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
    private static func daysFromCivil(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let shiftedMonth = Int64(month > 2 ? month - 3 : month + 9)
        let dayOfYear = (153 * shiftedMonth + 2) / 5 + Int64(day) - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}

/// The detail of why a text does not match, written as a string literal.
private struct Detail: Error, ExpressibleByStringInterpolation {
    var text: String
    init(stringLiteral value: String) { self.text = value }
}

/// A cursor over ASCII bytes for the fixed-width fields of timestamps.
private struct DigitScanner {
    let bytes: [UInt8]
    var index = 0

    var atEnd: Bool { self.index == self.bytes.count }

    /// Exactly `count` digits, or between `count` and `upTo` digits (greedy).
    mutating func digits(_ count: Int, upTo maximum: Int? = nil) -> Int? {
        var value = 0
        var taken = 0
        let limit = maximum ?? count
        while taken < limit, self.index < self.bytes.count, (48...57).contains(self.bytes[self.index]) {
            value = value * 10 + Int(self.bytes[self.index] - 48)
            self.index += 1
            taken += 1
        }
        return taken >= count ? value : nil
    }

    /// A fraction of a second: 1 to 9 digits (more are read and dropped), as nanoseconds.
    mutating func fraction() -> Int? {
        var value = 0
        var taken = 0
        while self.index < self.bytes.count, (48...57).contains(self.bytes[self.index]) {
            if taken < 9 { value = value * 10 + Int(self.bytes[self.index] - 48) }
            self.index += 1
            taken += 1
        }
        guard taken > 0 else { return nil }
        for _ in min(taken, 9)..<9 { value *= 10 }
        return value
    }

    /// Consumes `text` if the input continues with it.
    mutating func literal(_ text: String) -> Bool {
        let expected = Array(text.utf8)
        guard self.bytes[self.index...].starts(with: expected) else { return false }
        self.index += expected.count
        return true
    }

    /// Consumes `+` (returns 1) or `-` (returns -1).
    mutating func sign() -> Int? {
        guard self.index < self.bytes.count else { return nil }
        switch self.bytes[self.index] {
        case UInt8(ascii: "+"): self.index += 1; return 1
        case UInt8(ascii: "-"): self.index += 1; return -1
        default: return nil
        }
    }
}
