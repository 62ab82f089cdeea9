//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// An exact decimal number for money and billed quantities: no binary floating point.
//
//===----------------------------------------------------------------------===//

/// A decimal number with at most four decimal places, held exactly as a count of ten-thousandths.
///
/// Invoices carry money and quantities (`1200`, `0.4350`, `1843.75`); a `Double` cannot hold most of them exactly, so
/// sums and comparisons against tolerances could tip on a rounding error. The credit statement keeps its amounts as
/// `Double` rounded to the cent (``CreditStatement/owedAmount``); ``init(cents:)`` brings those into this type at the
/// boundary, once, by rounding to the cent.
///
/// Written and read as a plain decimal text (`-12.5`, `1843.75`); JSON carries it as a string.
package struct ExactDecimal: Hashable, Sendable, Comparable, Codable, CustomStringConvertible {
    /// The value in ten-thousandths.
    package var units: Int64

    /// Ten-thousandths per one.
    package static let scale: Int64 = 10_000
    /// Decimal places held.
    package static let places = 4
    /// The largest magnitude accepted from text: twelve integer digits.
    package static let maxUnits: Int64 = 999_999_999_999 * 10_000 + 9_999

    package static let zero = ExactDecimal(units: 0)

    /// A value of `units` ten-thousandths.
    package init(units: Int64) { self.units = units }

    /// A whole number.
    package init(_ integer: Int) { self.units = Int64(integer) * Self.scale }

    /// `cents` hundredths.
    package init(cents: Int64) { self.units = cents * 100 }

    /// A money amount kept as a `Double` rounded to the cent (the credit statement's amounts), rounded to the cent.
    package init?(roundingToCent value: Double) {
        guard value.isFinite, abs(value) < 1e12 else { return nil }
        self.init(cents: Int64((value * 100).rounded()))
    }

    /// Reads `-?digits[.digits]` with at most `places` (≤ 4) decimals and twelve integer digits; `nil` for anything else
    /// (signs other than a leading `-`, exponents, separators, spaces, empty parts).
    package init?(parsing text: some StringProtocol, places: Int = ExactDecimal.places) {
        var bytes = Substring(text).utf8[...]
        var negative = false
        if bytes.first == UInt8(ascii: "-") {
            negative = true
            bytes = bytes.dropFirst()
        }
        let integerPart = bytes.prefix { $0 != UInt8(ascii: ".") }
        let rest = bytes.dropFirst(integerPart.count)
        var fraction = rest.dropFirst()
        if rest.isEmpty { fraction = rest }
        guard !integerPart.isEmpty, integerPart.count <= 12, integerPart.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        if !rest.isEmpty {
            guard !fraction.isEmpty, fraction.count <= min(places, Self.places), fraction.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        }
        var value: Int64 = 0
        for digit in integerPart { value = value * 10 + Int64(digit - 0x30) }
        var fractionUnits: Int64 = 0
        var factor = Self.scale / 10
        for digit in fraction {
            fractionUnits += Int64(digit - 0x30) * factor
            factor /= 10
        }
        let units = value * Self.scale + fractionUnits
        self.units = negative ? -units : units
    }

    /// The value divided exactly as `numerator / denominator`, rounded half away from zero to four places; `nil` on
    /// overflow or a zero denominator.
    package init?(ratio numerator: Int64, _ denominator: Int64) {
        guard denominator != 0 else { return nil }
        let (scaled, overflow) = numerator.multipliedReportingOverflow(by: Self.scale)
        guard !overflow else { return nil }
        self.units = Self.divideRounded(scaled, denominator)
    }

    /// `a / b` rounded half away from zero.
    static func divideRounded(_ a: Int64, _ b: Int64) -> Int64 {
        let quotient = a / b
        let remainder = a % b
        guard remainder != 0 else { return quotient }
        let away = (a < 0) != (b < 0) ? Int64(-1) : 1
        return 2 * abs(remainder) >= abs(b) ? quotient + away : quotient
    }

    /// Whether the value has no fractional part.
    package var isWhole: Bool { self.units % Self.scale == 0 }

    /// The number of decimal places written (0–4).
    package var decimalPlaces: Int {
        var fraction = abs(self.units % Self.scale)
        guard fraction != 0 else { return 0 }
        var places = Self.places
        while fraction % 10 == 0 {
            fraction /= 10
            places -= 1
        }
        return places
    }

    /// The magnitude.
    package var magnitude: ExactDecimal { ExactDecimal(units: abs(self.units)) }

    /// `self × other`, rounded half away from zero to `places` decimals (≤ 4); `nil` on overflow.
    package func multiplied(by other: ExactDecimal, roundedTo places: Int = ExactDecimal.places) -> ExactDecimal? {
        let product = Int128(self.units) * Int128(other.units)
        let divisor = Int128(Self.scale)
        var quotient = product / divisor
        let remainder = product % divisor
        if remainder != 0, 2 * remainder.magnitude >= divisor.magnitude { quotient += product < 0 ? -1 : 1 }
        guard let units = Int64(exactly: quotient) else { return nil }
        return ExactDecimal(units: units).rounded(to: places)
    }

    /// The value rounded half away from zero to `places` decimals (0–4).
    package func rounded(to places: Int) -> ExactDecimal {
        guard places < Self.places else { return self }
        var step: Int64 = 1
        for _ in 0..<(Self.places - max(0, places)) { step *= 10 }
        return ExactDecimal(units: Self.divideRounded(self.units, step) * step)
    }

    /// The share `percent` % of the value (`percent` as a number of percent), rounded to four places; `nil` on overflow.
    package func percent(_ percent: ExactDecimal) -> ExactDecimal? {
        guard let product = self.multiplied(by: percent) else { return nil }
        return ExactDecimal(units: Self.divideRounded(product.units, 100))
    }

    package static func + (a: ExactDecimal, b: ExactDecimal) -> ExactDecimal { ExactDecimal(units: a.units + b.units) }
    package static func - (a: ExactDecimal, b: ExactDecimal) -> ExactDecimal { ExactDecimal(units: a.units - b.units) }
    package static func < (a: ExactDecimal, b: ExactDecimal) -> Bool { a.units < b.units }

    /// The shortest text with at least `minimumPlaces` decimals: `1843.75`, `1200`, `0.435`.
    package func text(minimumPlaces: Int = 0) -> String {
        let places = max(min(minimumPlaces, Self.places), self.decimalPlaces)
        let magnitude = self.units.magnitude
        let integer = magnitude / UInt64(Self.scale)
        var text = (self.units < 0 ? "-" : "") + String(integer)
        if places > 0 {
            let fraction = String(magnitude % UInt64(Self.scale))
            let padded = String(repeating: "0", count: Self.places - fraction.count) + fraction
            text += "." + padded.prefix(places)
        }
        return text
    }

    /// Money as written: at least two decimals.
    package var money: String { self.text(minimumPlaces: 2) }

    package var description: String { self.text() }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let value = ExactDecimal(parsing: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a decimal of at most 4 places: \(text.prefix(40))")
        }
        self = value
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(self.text())
    }
}
