//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightLocalization
import Testing

/// The translators' files: every language has every key, with the same placeholders and the plural forms it needs.
@Suite struct CatalogueTests {
    static let catalogues = MessageCatalogue.bundled
    static var english: MessageCatalogue { Self.catalogues["en"]! }

    @Test(arguments: ["de", "ru"])
    func sameKeysAsEnglish(_ code: String) throws {
        let other = try #require(Self.catalogues[code])
        let missing = Set(Self.english.entries.keys).subtracting(other.entries.keys).sorted()
        let extra = Set(other.entries.keys).subtracting(Self.english.entries.keys).sorted()
        #expect(missing == [], "keys in en.json missing from \(code).json")
        #expect(extra == [], "keys in \(code).json that en.json does not have")
    }

    @Test(arguments: ["de", "ru"])
    func samePlaceholdersAsEnglish(_ code: String) throws {
        let other = try #require(Self.catalogues[code])
        for (key, entry) in Self.english.entries {
            guard let translated = other.entries[key] else { continue }
            #expect(translated.placeholders == entry.placeholders, "\(code).json \(key): placeholders differ from en.json")
            if case .plural = entry {
                guard case .plural = translated else {
                    Issue.record("\(code).json \(key): en.json has plural forms, \(code).json one text")
                    continue
                }
            }
        }
    }

    @Test(arguments: ["en", "de", "ru"])
    func pluralEntriesHaveTheLanguagesForms(_ code: String) throws {
        let catalogue = try #require(Self.catalogues[code])
        let language = try #require(Language(code: code))
        for (key, entry) in catalogue.entries {
            guard case .plural(let forms) = entry else { continue }
            let required = PluralCategory.required(in: language)
            #expect(required.isSubset(of: Set(forms.keys)), "\(code).json \(key) needs the forms \(required.map(\.rawValue).sorted())")
        }
    }

    @Test(arguments: ["en", "de", "ru"])
    func noEmptyTexts(_ code: String) throws {
        let catalogue = try #require(Self.catalogues[code])
        for (key, entry) in catalogue.entries {
            #expect(entry.texts.allSatisfy { !$0.trimmingCharacters(in: .whitespaces).isEmpty }, "\(code).json \(key) is empty")
        }
    }

    /// Every key literal in the console's and alerts' sources is in `en.json` (and so, by the tests above, in all).
    @Test func everyKeyTheCodeUsesExists() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let namespaces = Set(Self.english.entries.keys.compactMap { $0.split(separator: ".").first.map(String.init) })
        let pattern = try Regex(#""([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+)""#)
        var used: [String: String] = [:]
        for folder in ["Sources/OversightConsole", "Sources/OversightAlerts", "Sources/OversightCoordinator", "Sources/OversightLocalization"] {
            let directory = root.appendingPathComponent(folder)
            let files = try FileManager.default.subpathsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".swift") }
            for file in files {
                let text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
                for match in text.matches(of: pattern) {
                    // `l.term("ticket.status", value)` names a prefix of entries, not an entry.
                    if text[..<match.range.lowerBound].hasSuffix("term(") { continue }
                    let literal = String(text[match.range].dropFirst().dropLast())
                    guard let namespace = literal.split(separator: ".").first.map(String.init), namespaces.contains(namespace) else { continue }
                    used[literal] = "\(folder)/\(file)"
                }
            }
        }
        #expect(used.count > 100, "the scan found the console's keys")
        for (key, file) in used.sorted(by: { $0.key < $1.key }) {
            #expect(Self.english.entries[key] != nil, "\(file) uses \(key), which en.json lacks")
        }
    }

    @Test func malformedFilesAreRefused() throws {
        #expect(throws: MessageCatalogue.LoadError.self) {
            try MessageCatalogue(language: .german, json: Data(#"{"a.b": {"one": "x", "several": "y"}}"#.utf8))
        }
        #expect(throws: MessageCatalogue.LoadError.self) { try MessageCatalogue(language: .german, json: Data(#"{"a.b": 3}"#.utf8)) }
        #expect(throws: MessageCatalogue.LoadError.self) { try MessageCatalogue(language: .german, json: Data(#"["a.b"]"#.utf8)) }
        let good = try MessageCatalogue(language: .russian, json: Data(#"{"n": {"one": "{count} файл", "few": "{count} файла", "many": "{count} файлов"}}"#.utf8))
        #expect(good.entries["n"] == .plural([.one: "{count} файл", .few: "{count} файла", .many: "{count} файлов"]))
    }

    @Test func aMissingTranslationFallsBackToEnglishThenToTheKey() throws {
        let english = try MessageCatalogue(language: .english, json: Data(#"{"x.only_en": "Only {what}", "x.n": {"one": "{count} file", "other": "{count} files"}}"#.utf8))
        let german = try MessageCatalogue(language: .german, json: Data("{}".utf8))
        let l = Localizer(.german, catalogue: german, fallback: english)
        #expect(l.t("x.only_en", ["what": "English"]) == "Only English")
        #expect(l.t("x.n", count: 1234) == "1.234 files", "English plural rule, German digits")
        #expect(l.t("x.missing") == "x.missing")
        #expect(l.term("ticket.status", "on-hold") == "on-hold", "an unknown term shows the stored word")
    }

    @Test func placeholdersAreFound() {
        #expect(MessageCatalogue.placeholders(in: "Ticket {id} at {time}; {} {not a name}") == ["id", "time"])
    }
}

@Suite struct LanguageTests {
    @Test func acceptLanguageWithQValues() {
        #expect(Language.negotiate(acceptLanguage: "de-DE,de;q=0.9,en;q=0.8") == .german)
        #expect(Language.negotiate(acceptLanguage: "en;q=0.5, ru;q=0.9") == .russian)
        #expect(Language.negotiate(acceptLanguage: "fr-FR, ru;q=0.3, de;q=0.2") == .russian)
        #expect(Language.negotiate(acceptLanguage: "fr-FR, it") == nil)
        #expect(Language.negotiate(acceptLanguage: "ru;q=0, *") == .english)
        #expect(Language.negotiate(acceptLanguage: "en;q=0, de;q=0, *;q=0.1") == .russian)
        #expect(Language.negotiate(acceptLanguage: "de;q=0.5, ru;q=0.5") == .german, "a tie goes to the earlier")
        #expect(Language.negotiate(acceptLanguage: "ru;q=2, de;q=0.1") == .german, "a malformed q drops the range")
        #expect(Language.negotiate(acceptLanguage: "RU-ru") == .russian)
        #expect(Language.negotiate(acceptLanguage: "") == nil)
        #expect(Language.negotiate(acceptLanguage: nil) == nil)
    }

    @Test func userSettingThenCookieThenHeader() {
        #expect(Language.choose(userSetting: "ru", cookie: "de", acceptLanguage: "en") == .russian)
        #expect(Language.choose(userSetting: nil, cookie: "de", acceptLanguage: "ru") == .german)
        #expect(Language.choose(userSetting: "xx", cookie: nil, acceptLanguage: "ru") == .russian)
        #expect(Language.choose(userSetting: nil, cookie: nil, acceptLanguage: "fr") == .english)
    }

    @Test func russianPlurals() {
        let expected: [(Int, PluralCategory)] = [
            (0, .many), (1, .one), (2, .few), (4, .few), (5, .many), (11, .many), (12, .many), (14, .many), (20, .many), (21, .one),
            (22, .few), (25, .many), (101, .one), (111, .many), (112, .many), (122, .few), (1_000_001, .one),
        ]
        for (count, category) in expected {
            #expect(PluralCategory.of(count, in: .russian) == category, "\(count)")
        }
        #expect(PluralCategory.of(1, in: .german) == .one)
        #expect(PluralCategory.of(21, in: .german) == .other)
        #expect(PluralCategory.of(0, in: .english) == .other)
    }

    @Test func pluralTextsFromTheCatalogue() {
        let ru = Localizer(.russian)
        #expect(ru.t("breach.notes", count: 1) == "1 заметка")
        #expect(ru.t("breach.notes", count: 3) == "3 заметки")
        #expect(ru.t("breach.notes", count: 5) == "5 заметок")
        #expect(ru.t("breach.notes", count: 21) == "21 заметка")
        #expect(Localizer(.german).t("breach.notes", count: 1) == "1 Notiz")
        #expect(Localizer(.german).t("breach.notes", count: 2) == "2 Notizen")
        #expect(Localizer.english.t("breach.notes", count: 0) == "0 notes")
    }

    @Test func localeFormatting() {
        let de = Localizer(.german)
        let ru = Localizer(.russian)
        let en = Localizer.english
        #expect(en.percent(0.935) == "93.5%")
        #expect(de.percent(0.935).replacingOccurrences(of: "\u{A0}", with: " ") == "93,5 %")
        #expect(ru.percent(0.935).replacingOccurrences(of: "\u{A0}", with: " ") == "93,5 %")
        #expect(de.integer(12345) == "12.345")
        #expect(en.integer(12345) == "12,345")
        let date = Date(timeIntervalSince1970: 1_773_108_000)  // 2026-03-10T02:00:00Z
        #expect(de.time(date).hasPrefix("10.03.2026"))
        #expect(de.in(timeZone: TimeZone(identifier: "America/New_York")).time(date).hasPrefix("09.03.2026"))
        #expect(en.time(date).hasPrefix("10/03/2026"))
        #expect(en.duration(3700) == "1h 1m")
        #expect(de.duration(3700) == "1 Std. 1 Min.")
        #expect(ru.duration(45) == "45 с")
    }
}
