//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The translators' files: one JSON object per language, key → text with named placeholders.
//
//===----------------------------------------------------------------------===//

import Foundation

/// One language's messages, read from `Catalogue/<code>.json`.
///
/// Each key maps either to a text with named placeholders (`"Ticket {id}"`) or, where a count appears, to an object
/// of plural forms (`{"one": "{count} note", "other": "{count} notes"}`; Russian gives `one`, `few` and `many`).
package struct MessageCatalogue: Sendable {
    /// A message: one text, or a text per plural category.
    package enum Entry: Sendable, Equatable {
        case text(String)
        case plural([PluralCategory: String])

        /// Every text of the entry.
        package var texts: [String] {
            switch self {
            case .text(let text): [text]
            case .plural(let forms): PluralCategory.allCases.compactMap { forms[$0] }
            }
        }

        /// The placeholder names used in the entry's texts.
        package var placeholders: Set<String> {
            Set(self.texts.flatMap(MessageCatalogue.placeholders(in:)))
        }
    }

    /// Why a catalogue file could not be read.
    package struct LoadError: Error, CustomStringConvertible {
        package var description: String
    }

    package let language: Language
    package let entries: [String: Entry]

    /// Creates a catalogue from its entries.
    package init(language: Language, entries: [String: Entry]) {
        self.language = language
        self.entries = entries
    }

    /// Parses a catalogue file's JSON.
    package init(language: Language, json data: Data) throws {
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw LoadError(description: "\(language.code).json is not a JSON object")
        }
        var entries: [String: Entry] = [:]
        for (key, value) in object {
            if let text = value as? String {
                entries[key] = .text(text)
            } else if let forms = value as? [String: String] {
                var plural: [PluralCategory: String] = [:]
                for (name, text) in forms {
                    guard let category = PluralCategory(rawValue: name) else {
                        throw LoadError(description: "\(language.code).json: \(key) has an unknown plural form \(name)")
                    }
                    plural[category] = text
                }
                entries[key] = .plural(plural)
            } else {
                throw LoadError(description: "\(language.code).json: \(key) is neither a text nor an object of plural forms")
            }
        }
        self.init(language: language, entries: entries)
    }

    /// Reads `<directory>/<code>.json`.
    package static func load(_ language: Language, directory: URL) throws -> MessageCatalogue {
        let url = directory.appendingPathComponent("\(language.code).json")
        return try MessageCatalogue(language: language, json: try Data(contentsOf: url))
    }

    /// The catalogue folder shipped in this module's resource bundle (beside the executable once installed).
    package static var bundledDirectory: URL {
        Bundle.module.resourceURL!.appendingPathComponent("Catalogue")
    }

    /// Every language's catalogue from the bundle, read once; a file that cannot be read stops the process at the
    /// first page (a broken translation must not show as raw keys).
    package static let bundled: [String: MessageCatalogue] = {
        var catalogues: [String: MessageCatalogue] = [:]
        for language in Language.all {
            do {
                catalogues[language.code] = try Self.load(language, directory: Self.bundledDirectory)
            } catch {
                fatalError("message catalogue \(language.code): \(error)")
            }
        }
        return catalogues
    }()

    /// `{name}` placeholders in `text`.
    package static func placeholders(in text: String) -> [String] {
        var names: [String] = []
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{") {
            let after = rest[rest.index(after: open)...]
            guard let close = after.firstIndex(of: "}") else { break }
            let name = after[..<close]
            if !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) { names.append(String(name)) }
            rest = after[after.index(after: close)...]
        }
        return names
    }
}
