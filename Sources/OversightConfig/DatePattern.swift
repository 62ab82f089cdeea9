//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// A fixed date layout such as dd/MM/yyyy HH:mm, compiled once at load time.
//
//===----------------------------------------------------------------------===//

/// A date layout made of fields and literal text, such as `dd/MM/yyyy HH:mm` or `yyyy-MM-dd'T'HH:mm:ss.SSS`.
///
/// Fields: `yyyy` year, `MM`/`M` month, `dd`/`d` day, `HH`/`H` hour 0–23, `mm` minute, `ss` second,
/// `SSS` milliseconds (also `S`…`SSSSSSSSS`: that many fraction digits). Two-letter fields need exactly
/// two digits; one-letter fields accept one or two. Any other character is literal; letters other than
/// the field letters (and a lone `T`) must be quoted with `'…'`.
package struct DatePattern: Sendable, Hashable, CustomStringConvertible {
    /// One element of a pattern.
    package enum Element: Sendable, Hashable {
        case year
        case month(minDigits: Int)
        case day(minDigits: Int)
        case hour(minDigits: Int)
        case minute
        case second
        /// Fraction of a second with exactly this many digits.
        case fraction(digits: Int)
        case literal(String)
    }

    /// The pattern as written.
    package let text: String
    /// The compiled elements, in order.
    package let elements: [Element]

    /// Compiles a pattern; the error message explains what is wrong.
    package static func compile(_ text: String) -> Result<DatePattern, PatternError> {
        var elements: [Element] = []
        var literal = ""
        let characters = Array(text)
        var index = 0
        func flushLiteral() {
            if !literal.isEmpty { elements.append(.literal(literal)) }
            literal = ""
        }
        while index < characters.count {
            let character = characters[index]
            if character == "'" {
                guard let close = characters[(index + 1)...].firstIndex(of: "'") else {
                    return .failure(PatternError(message: "unclosed quote in date pattern '\(text)'"))
                }
                literal += String(characters[(index + 1)..<close])
                if close == index + 1 { literal += "'" }
                index = close + 1
                continue
            }
            guard character.isASCII, character.isLetter else {
                literal.append(character)
                index += 1
                continue
            }
            var run = 1
            while index + run < characters.count, characters[index + run] == character { run += 1 }
            let element: Element?
            switch (character, run) {
            case ("y", 4): element = .year
            case ("M", 1), ("M", 2): element = .month(minDigits: run)
            case ("d", 1), ("d", 2): element = .day(minDigits: run)
            case ("H", 1), ("H", 2): element = .hour(minDigits: run)
            case ("m", 2): element = .minute
            case ("s", 2): element = .second
            case ("S", 1...9): element = .fraction(digits: run)
            case ("T", 1): element = nil
            default:
                return .failure(
                    PatternError(
                        message: "'\(String(repeating: character, count: run))' is not a supported field in date pattern '\(text)'; "
                            + "use yyyy MM dd HH mm ss SSS (M d H for one or two digits), and quote literal letters like 'at'"
                    )
                )
            }
            if let element {
                flushLiteral()
                elements.append(element)
            } else {
                literal.append(character)
            }
            index += run
        }
        flushLiteral()
        guard elements.contains(.year), elements.contains(where: { if case .month = $0 { true } else { false } }),
            elements.contains(where: { if case .day = $0 { true } else { false } })
        else {
            return .failure(PatternError(message: "date pattern '\(text)' must contain yyyy, MM and dd"))
        }
        return .success(DatePattern(text: text, elements: elements))
    }

    /// The pattern as written.
    package var description: String { self.text }

    /// Why a pattern does not compile.
    package struct PatternError: Error, Sendable {
        /// What is wrong with the pattern.
        package var message: String
    }
}
