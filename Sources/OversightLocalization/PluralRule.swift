//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

/// The CLDR plural category of a whole number, per language (the integer rules of CLDR's `plurals.xml`).
package enum PluralCategory: String, Sendable, CaseIterable {
    case one, few, many, other

    /// The category of `count` in `language`.
    ///
    /// English and German: `one` for 1, `other` otherwise. Russian: `one` for 1, 21, 31 … (not 11); `few` for 2–4,
    /// 22–24 … (not 12–14); `many` for 0, 5–20, 25–30 …
    package static func of(_ count: Int, in language: Language) -> PluralCategory {
        let n = count.magnitude
        switch language.code {
        case "ru":
            let mod10 = n % 10
            let mod100 = n % 100
            if mod10 == 1 && mod100 != 11 { return .one }
            if (2...4).contains(mod10) && !(12...14).contains(mod100) { return .few }
            return .many
        default:
            return n == 1 ? .one : .other
        }
    }

    /// The categories a catalogue entry with a count must give in `language`.
    package static func required(in language: Language) -> Set<PluralCategory> {
        language.code == "ru" ? [.one, .few, .many] : [.one, .other]
    }
}
