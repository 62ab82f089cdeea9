//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The console's languages and how a request's language is chosen.
//
//===----------------------------------------------------------------------===//

import Foundation

/// A language the console speaks: a catalogue file `Catalogue/<code>.json` and the locale its numbers and dates use.
package struct Language: Sendable, Hashable, CustomStringConvertible {
    /// The BCP 47 primary tag: `en`, `de`, `ru` (also the catalogue's file name and `<html lang>`).
    package let code: String
    /// The locale numbers, dates and percentages are formatted in.
    package let locale: Locale

    package var description: String { self.code }

    /// The language's name in itself, for the language selector (`English`, `Deutsch`, `Русский`).
    package var nativeName: String {
        switch self.code {
        case "de": "Deutsch"
        case "ru": "Русский"
        default: "English"
        }
    }

    /// English; the fallback. Dates day-first on a 24-hour clock (head office is in Europe), as `en_GB` writes them.
    package static let english = Language(code: "en", locale: Locale(identifier: "en_GB"))
    /// German (Germany).
    package static let german = Language(code: "de", locale: Locale(identifier: "de_DE"))
    /// Russian (Russia).
    package static let russian = Language(code: "ru", locale: Locale(identifier: "ru_RU"))

    /// Every language, English first.
    package static let all: [Language] = [.english, .german, .russian]

    /// The language with this code (`de`, `de-AT` and `DE` all give German), or `nil`.
    package init?(code: String) {
        let primary = code.split(whereSeparator: { $0 == "-" || $0 == "_" }).first.map { $0.lowercased() } ?? ""
        guard let found = Self.all.first(where: { $0.code == primary }) else { return nil }
        self = found
    }

    private init(code: String, locale: Locale) {
        self.code = code
        self.locale = locale
    }

    /// The best language for an `Accept-Language` header (RFC 9110 §12.5.4): the highest q-value among the languages
    /// the console has, the earlier one on a tie; `q=0` refuses a language; `*` stands for any other, i.e. English.
    /// `nil` when the header names none of them.
    package static func negotiate(acceptLanguage header: String?) -> Language? {
        guard let header else { return nil }
        var best: (language: Language, q: Double, index: Int)?
        var refused: Set<String> = []
        var ranges: [(tag: String, q: Double, index: Int)] = []
        for (index, item) in header.split(separator: ",").enumerated() {
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = parts.first, !tag.isEmpty else { continue }
            var q = 1.0
            for parameter in parts.dropFirst() {
                let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                if pair.count == 2, pair[0].lowercased() == "q" {
                    guard let value = Double(pair[1]), value >= 0, value <= 1 else { q = -1; break }
                    q = value
                }
            }
            guard q >= 0 else { continue }
            ranges.append((tag.lowercased(), q, index))
            if q == 0, let language = Language(code: tag) { refused.insert(language.code) }
        }
        for range in ranges where range.q > 0 {
            let language: Language?
            if range.tag == "*" {
                let named = Set(ranges.compactMap { Language(code: $0.tag)?.code })
                language = Self.all.first { !refused.contains($0.code) && !named.contains($0.code) }
            } else {
                language = Language(code: range.tag).flatMap { refused.contains($0.code) ? nil : $0 }
            }
            guard let language else { continue }
            if best == nil || range.q > best!.q { best = (language, range.q, range.index) }
        }
        return best?.language
    }

    /// The request's language: the user's setting, else the language cookie, else `Accept-Language`, else English.
    package static func choose(userSetting: String?, cookie: String?, acceptLanguage: String?) -> Language {
        if let userSetting, let language = Language(code: userSetting) { return language }
        if let cookie, let language = Language(code: cookie) { return language }
        return Self.negotiate(acceptLanguage: acceptLanguage) ?? .english
    }
}
