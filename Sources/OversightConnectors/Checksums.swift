//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The check-digit schemes the redactor uses to tell real card numbers and IBANs from look-alikes.
//
//===----------------------------------------------------------------------===//

/// Check-digit schemes: the Luhn mod-10 check of payment card numbers (ISO/IEC 7812-1) and the mod-97 check of
/// IBANs (ISO 13616, ISO 7064 MOD 97-10).
package enum Checksums {
    /// Whether a string of ASCII digits passes the Luhn check. Anything that is not only digits, or is empty, fails.
    /// - Parameter digits: The number without spaces or dashes, such as `4111111111111111`.
    package static func luhnIsValid(_ digits: some StringProtocol) -> Bool {
        var sum = 0
        var count = 0
        for (position, byte) in digits.utf8.reversed().enumerated() {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return false }
            var value = Int(byte - UInt8(ascii: "0"))
            if position % 2 == 1 {
                value *= 2
                if value > 9 { value -= 9 }
            }
            sum += value
            count += 1
        }
        return count > 0 && sum % 10 == 0
    }

    /// The IBAN lengths of the countries whose IBANs are most likely in a contact centre's texts (SWIFT IBAN registry).
    /// Countries not listed are accepted with any length from 15 to 34.
    package static let ibanLengths: [String: Int] = [
        "AD": 24, "AT": 20, "BE": 16, "BG": 22, "CH": 21, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "EE": 20, "ES": 24, "FI": 18,
        "FR": 27, "GB": 22, "GR": 27, "HR": 21, "HU": 28, "IE": 22, "IS": 26, "IT": 27, "LI": 21, "LT": 20, "LU": 20, "LV": 21,
        "MC": 27, "MT": 31, "NL": 18, "NO": 15, "PL": 28, "PT": 25, "RO": 24, "RU": 33, "SE": 24, "SI": 19, "SK": 24, "SM": 27,
        "TR": 26, "UA": 29, "BY": 28, "KZ": 20, "GE": 22, "RS": 22, "MD": 24, "AZ": 28, "AE": 23, "SA": 24, "IL": 23, "BR": 29,
    ]

    /// Whether an IBAN in electronic form (no spaces; letters in either case) has a valid country, length and
    /// mod-97 check: the first four characters moved to the end, letters as 10–35, the number mod 97 is 1.
    /// - Parameter iban: Such as `DE89370400440532013000`.
    package static func ibanIsValid(_ iban: some StringProtocol) -> Bool {
        let bytes = Array(iban.utf8)
        guard bytes.count >= 15, bytes.count <= 34 else { return false }
        func isLetter(_ byte: UInt8) -> Bool {
            (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")) || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
        }
        func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
        guard isLetter(bytes[0]), isLetter(bytes[1]), isDigit(bytes[2]), isDigit(bytes[3]) else { return false }
        let country = String(decoding: bytes[0..<2], as: UTF8.self).uppercased()
        if let length = Self.ibanLengths[country], length != bytes.count { return false }
        var remainder = 0
        for byte in bytes[4...] + bytes[..<4] {
            if isDigit(byte) {
                remainder = (remainder * 10 + Int(byte - UInt8(ascii: "0"))) % 97
            } else if isLetter(byte) {
                let value = Int((byte | 0x20) - UInt8(ascii: "a")) + 10
                remainder = (remainder * 100 + value) % 97
            } else {
                return false
            }
        }
        return remainder == 1
    }
}
