//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Durations and byte sizes as operators write them in configuration files.
//
//===----------------------------------------------------------------------===//

/// Parses and prints the units used in configuration files: durations (`500ms`, `1h30m`, `90d`)
/// and byte sizes (`1048576`, `512KiB`, `10MB`).
package enum ConfigUnits {
    private static let durationUnits: [(suffix: String, milliseconds: Int64)] = [
        ("ms", 1), ("s", 1_000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000),
    ]

    private static let byteUnits: [String: Int] = [
        "b": 1,
        "kb": 1_000, "mb": 1_000_000, "gb": 1_000_000_000, "tb": 1_000_000_000_000,
        "kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30, "tib": 1 << 40,
    ]

    /// Parses a duration made of one or more `<integer><unit>` parts, units `ms`, `s`, `m`, `h`, `d`
    /// (`500ms`, `2s`, `1h30m`, `90d`); a bare `0` is zero. Returns `nil` if the text is not one.
    package static func parseDuration(_ text: String) -> Duration? {
        let scalars = Array(text.trimmingSpaces().unicodeScalars)
        if scalars == ["0"] { return .zero }
        guard !scalars.isEmpty else { return nil }
        var total: Int64 = 0
        var index = 0
        while index < scalars.count {
            var number: Int64 = 0
            var digits = 0
            while index < scalars.count, let digit = scalars[index].asciiDigit {
                digits += 1
                guard digits <= 12 else { return nil }
                number = number * 10 + Int64(digit)
                index += 1
            }
            guard digits > 0 else { return nil }
            var unit = ""
            while index < scalars.count, scalars[index].properties.isAlphabetic {
                unit.unicodeScalars.append(scalars[index])
                index += 1
            }
            guard let milliseconds = Self.durationUnits.first(where: { $0.suffix == unit })?.milliseconds else { return nil }
            let (product, overflow) = number.multipliedReportingOverflow(by: milliseconds)
            guard !overflow else { return nil }
            let (sum, sumOverflow) = total.addingReportingOverflow(product)
            guard !sumOverflow, sum <= 100 * 365 * 86_400_000 else { return nil }
            total = sum
        }
        return .milliseconds(total)
    }

    /// Parses a byte size: a plain integer, or an integer with `B`, `KB`, `MB`, `GB`, `TB` (powers of 1000)
    /// or `KiB`, `MiB`, `GiB`, `TiB` (powers of 1024), case-insensitive. Returns `nil` if the text is not one.
    package static func parseByteSize(_ text: String) -> Int? {
        let trimmed = text.trimmingSpaces()
        let digits = trimmed.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, digits.count <= 15, let number = Int(digits) else { return nil }
        let unit = trimmed.dropFirst(digits.count).trimmingPrefix(" ").lowercased()
        let multiplier = unit.isEmpty ? 1 : Self.byteUnits[unit]
        guard let multiplier else { return nil }
        let (product, overflow) = number.multipliedReportingOverflow(by: multiplier)
        return overflow ? nil : product
    }

    /// Prints a duration in the largest unit that states it exactly (`90s` → `90s`, `120s` → `2m`).
    package static func format(duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let milliseconds = seconds * 1_000 + attoseconds / 1_000_000_000_000_000
        if milliseconds == 0 { return "0s" }
        for unit in Self.durationUnits.reversed() where milliseconds % unit.milliseconds == 0 {
            return "\(milliseconds / unit.milliseconds)\(unit.suffix)"
        }
        return "\(milliseconds)ms"
    }

    /// Prints a byte count in the largest binary unit that states it exactly (`4194304` → `4MiB`).
    package static func format(bytes: Int) -> String {
        for (suffix, size) in [("TiB", 1 << 40), ("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)]
        where bytes != 0 && bytes % size == 0 {
            return "\(bytes / size)\(suffix)"
        }
        return "\(bytes)"
    }
}

extension Unicode.Scalar {
    /// The value of an ASCII digit, or `nil`.
    fileprivate var asciiDigit: Int? {
        (48...57).contains(self.value) ? Int(self.value) - 48 : nil
    }
}

extension String {
    /// The string without leading and trailing spaces and tabs.
    func trimmingSpaces() -> String {
        var view = Substring(self)
        while let first = view.first, first == " " || first == "\t" { view.removeFirst() }
        while let last = view.last, last == " " || last == "\t" { view.removeLast() }
        return String(view)
    }
}
