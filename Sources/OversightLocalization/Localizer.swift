//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Messages and formatting in one language.
//
//===----------------------------------------------------------------------===//

import Foundation

/// Texts from the chosen language's catalogue, and numbers, percentages, dates and durations in its locale.
///
/// ```swift
/// let l = Localizer(.german)
/// l.t("ticket.title", ["id": "T-1"])            // "Ticket T-1"
/// l.t("breach.notes", count: 3)                  // "3 Notizen"
/// l.percent(0.935)                               // "93,5 %"
/// ```
/// A key missing from the language's file falls back to English, and a key missing there shows as the key itself
/// (the catalogue tests make both impossible for keys the code uses).
package struct Localizer: Sendable {
    package let language: Language
    /// The time zone dates and times are shown in (a contract's, where one applies; UTC otherwise).
    package var timeZone: TimeZone
    let catalogue: MessageCatalogue
    let fallback: MessageCatalogue

    /// A localizer over the bundled catalogues.
    package init(_ language: Language, timeZone: TimeZone = TimeZone(identifier: "UTC")!) {
        self.init(
            language, timeZone: timeZone, catalogue: MessageCatalogue.bundled[language.code]!,
            fallback: MessageCatalogue.bundled[Language.english.code]!
        )
    }

    /// A localizer over given catalogues (tests).
    package init(_ language: Language, timeZone: TimeZone = TimeZone(identifier: "UTC")!, catalogue: MessageCatalogue, fallback: MessageCatalogue) {
        self.language = language
        self.timeZone = timeZone
        self.catalogue = catalogue
        self.fallback = fallback
    }

    /// English, in UTC.
    package static var english: Localizer { Localizer(.english) }

    /// The same localizer showing times in `timeZone`.
    package func `in`(timeZone: TimeZone?) -> Localizer {
        var copy = self
        if let timeZone { copy.timeZone = timeZone }
        return copy
    }

    /// The text for `key` with `{name}` placeholders filled from `arguments`; with `count`, the plural form for it
    /// (and `{count}` is the count in the locale's digits).
    package func t(_ key: String, _ arguments: [String: String] = [:], count: Int? = nil) -> String {
        guard let entry = self.catalogue.entries[key] ?? self.fallback.entries[key] else { return key }
        let fromFallback = self.catalogue.entries[key] == nil
        var text: String
        switch entry {
        case .text(let value):
            text = value
        case .plural(let forms):
            let language = fromFallback ? Language.english : self.language
            let category = PluralCategory.of(count ?? 0, in: language)
            text = forms[category] ?? forms[.other] ?? forms[.many] ?? forms.values.first ?? key
        }
        var arguments = arguments
        if let count, arguments["count"] == nil { arguments["count"] = self.integer(count) }
        guard text.contains("{") else { return text }
        for (name, value) in arguments {
            text = text.replacingOccurrences(of: "{\(name)}", with: value)
        }
        return text
    }

    /// A stored word (a status, a priority, a clock name) in the language: the entry `<prefix>.<value>` (`-` read as
    /// `_`), or the word itself with `_` as spaces when the catalogue has no entry for it.
    package func term(_ prefix: String, _ value: String) -> String {
        let key = prefix + "." + value.replacingOccurrences(of: "-", with: "_")
        guard self.catalogue.entries[key] != nil || self.fallback.entries[key] != nil else {
            return value.replacingOccurrences(of: "_", with: " ")
        }
        return self.t(key)
    }

    /// Whether the catalogues have `key`.
    package func has(_ key: String) -> Bool { self.catalogue.entries[key] != nil || self.fallback.entries[key] != nil }

    // MARK: Numbers

    /// A whole number with the locale's grouping: `12,345`, `12.345`, `12 345`.
    package func integer(_ value: Int) -> String {
        value.formatted(IntegerFormatStyle<Int>(locale: self.language.locale))
    }

    /// A decimal number with up to `digits` fraction digits.
    package func number(_ value: Double, digits: Int = 1) -> String {
        value.formatted(FloatingPointFormatStyle<Double>(locale: self.language.locale).precision(.fractionLength(0...digits)))
    }

    /// An amount of money with exactly two decimals and the locale's grouping: `1,234.50`, `1.234,50`, `1 234,50`.
    package func money(_ value: Double) -> String {
        value.formatted(FloatingPointFormatStyle<Double>(locale: self.language.locale).precision(.fractionLength(2)))
    }

    /// A fraction as a percentage with up to one decimal: `93.5%`, `93,5 %`.
    package func percent(_ fraction: Double) -> String {
        fraction.formatted(FloatingPointFormatStyle<Double>.Percent(locale: self.language.locale).precision(.fractionLength(0...1)))
    }

    // MARK: Dates and times

    /// A moment as the locale writes a date and a 24-hour time with seconds (`10/03/2026, 02:00:00`, `10.03.2026, 02:00:00`),
    /// in ``timeZone``, or a dash.
    package func time(_ date: Date?) -> String {
        guard let date else { return "—" }
        var style = Date.FormatStyle(locale: self.language.locale, timeZone: self.timeZone)
            .day(.twoDigits).month(.twoDigits).year(.defaultDigits)
            .hour(.twoDigits(amPM: .omitted)).minute(.twoDigits).second(.twoDigits)
        style.calendar = Calendar(identifier: .gregorian)
        return date.formatted(style)
    }

    /// A day as the locale writes it, in ``timeZone``.
    package func date(_ date: Date) -> String {
        var style = Date.FormatStyle(date: .long, time: .omitted, locale: self.language.locale, timeZone: self.timeZone)
        style.calendar = Calendar(identifier: .gregorian)
        return date.formatted(style)
    }

    /// A month as the locale names it (`March 2026`, `März 2026`, `март 2026 г.`), in ``timeZone``.
    package func month(_ date: Date) -> String {
        var style = Date.FormatStyle(locale: self.language.locale, timeZone: self.timeZone).month(.wide).year()
        style.calendar = Calendar(identifier: .gregorian)
        return date.formatted(style)
    }

    /// The time zone's name for a caption, e.g. `Europe/Berlin`.
    package var timeZoneName: String { self.timeZone.identifier }

    // MARK: Durations

    /// A number of seconds as `45s`, `12m`, `3h 5m` or `2d 4h`, with the language's unit abbreviations.
    package func duration(_ seconds: Int) -> String {
        if seconds < 60 { return self.t("duration.seconds", ["s": self.integer(seconds)]) }
        if seconds < 3600 { return self.t("duration.minutes", ["m": self.integer(seconds / 60)]) }
        if seconds < 86400 { return self.t("duration.hours_minutes", ["h": self.integer(seconds / 3600), "m": self.integer(seconds % 3600 / 60)]) }
        return self.t("duration.days_hours", ["d": self.integer(seconds / 86400), "h": self.integer(seconds % 86400 / 3600)])
    }

    /// How long ago `date` was (`4m`), `in 4m` for the future, or `never`.
    package func age(_ date: Date?, now: Date) -> String {
        guard let date else { return self.t("age.never") }
        let seconds = Int(now.timeIntervalSince(date))
        if seconds < 0 { return self.t("age.in", ["duration": self.duration(-seconds)]) }
        return self.duration(seconds)
    }
}
