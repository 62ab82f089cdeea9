//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Removes personal data from free text before it leaves the provider.
//
//===----------------------------------------------------------------------===//

internal import Foundation
package import OversightConfig

/// Replaces personal data in free text by typed placeholders, as a ``OversightConfig/RedactionConfiguration`` says.
///
/// Each rule finds its items in the original text; where two findings overlap, the rule earlier in this list wins:
///
/// 1. the provider's own patterns → `[<name>]`;
/// 2. e-mail addresses → `[email]`;
/// 3. IBANs that pass the mod-97 check (ISO 13616) → `[iban]`;
/// 4. payment card numbers of 13–19 digits (spaces or dashes between groups) that pass the Luhn check → `[card]`, or
///    `[card 411111…1111]` with `cards: bin_and_last4`;
/// 5. card security codes in card context (`CVV 123`, `CVC: 123`, `код 123` after a card number) → `[cvc]`;
/// 6. phone numbers, international (`+49 30 1234567`, `0044 20 7946 0958`) and national (DE, RU, PT, UK, US
///    formats) → `[phone]`;
/// 7. the names of the people a row names (``OversightConfig/RedactionConfiguration/nameFields`` and the mapped
///    person fields) → `[name]`.
///
/// What only looks sensitive is kept: numbers that fail the Luhn or IBAN check (order numbers), dates, times and
/// amounts. Text is compared as Unicode characters, so umlauts and Cyrillic are safe. The redactor never logs and
/// never throws: its only output is the redacted text.
package struct Redactor: Sendable {
    /// The rules.
    package let configuration: RedactionConfiguration

    /// Texts longer than this (in UTF-8 bytes) are redacted in blocks of whole lines of about this size, to bound the
    /// memory one scan takes; card context does not reach across blocks.
    package static let blockBytes = 64 << 10

    /// One item found: which rule, where (in characters of the scanned block) and what replaces it.
    package struct Finding: Sendable, Hashable {
        /// The placeholder's name: `email`, `phone`, `card`, `cvc`, `iban`, `name` or a pattern's name.
        package var kind: String
        /// Offsets in Characters (grapheme clusters) of the text that was scanned.
        package var range: Range<Int>
        /// The placeholder that replaces it, such as `[email]` or `[card 411111…1111]`.
        package var replacement: String
    }

    /// Creates a redactor.
    /// - Parameter configuration: The rules; the defaults redact everything but queue names.
    package init(configuration: RedactionConfiguration = .init()) {
        self.configuration = configuration
    }

    /// The text with every finding replaced by its placeholder; unchanged when redaction is off.
    /// - Parameters:
    ///   - text: Free text: a tag, a comment, an interaction, a rejected row.
    ///   - names: Names of people to remove from this text (the values of the row's name fields).
    package func redact(_ text: String, names: [String] = []) -> String {
        guard self.configuration.enabled, !text.isEmpty else { return text }
        if text.utf8.count <= Self.blockBytes { return self.redactBlock(text, names: names) }
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for block in Self.blocks(of: text) { result += self.redactBlock(String(block), names: names) }
        return result
    }

    /// What ``redact(_:names:)`` would replace in one block of text, in text order.
    /// - Parameters:
    ///   - text: The text (at most ``blockBytes`` UTF-8 bytes are scanned as one block).
    ///   - names: Names of people to remove.
    package func findings(in text: String, names: [String] = []) -> [Finding] {
        guard self.configuration.enabled else { return [] }
        return Scan(text: text, configuration: self.configuration, names: names).findings()
    }

    /// `text` redacted and then cut to at most `maxBytes` UTF-8 bytes. When `truncated` says the text was already cut
    /// short (as a rejected row's raw text is) or this cut shortens it, a trailing number-like or word fragment is
    /// dropped too, so that no partial card number, IBAN or address survives the cut.
    /// - Parameters:
    ///   - text: The text.
    ///   - names: Names of people to remove.
    ///   - maxBytes: Longest result, in UTF-8 bytes.
    ///   - truncated: Whether `text` is already the cut-off start of a longer text.
    package func redactedExcerpt(_ text: String, names: [String] = [], maxBytes: Int, truncated: Bool = false) -> String {
        var result = self.redact(text, names: names)
        var cut = truncated
        if result.utf8.count > maxBytes {
            var bytes = 0
            var end = result.startIndex
            for index in result.indices {
                let size = result[index].utf8.count
                guard bytes + size <= maxBytes else { break }
                bytes += size
                end = result.index(after: index)
            }
            result = String(result[..<end])
            cut = true
        }
        guard cut, self.configuration.enabled else { return result }
        // Drop a trailing number-like run (digits with spaces, dashes, dots), or else a trailing word fragment.
        while let last = result.last, last.isWhitespace { result.removeLast() }
        let length = result.count
        if result.last?.isASCIIDigit ?? false {
            while let last = result.last, last.isASCIIDigit || " -./+()".contains(last) { result.removeLast() }
        }
        if result.count == length {
            while let last = result.last, !last.isWhitespace, !",;\"'".contains(last) { result.removeLast() }
        }
        return result
    }

    private func redactBlock(_ text: String, names: [String]) -> String {
        let scan = Scan(text: text, configuration: self.configuration, names: names)
        let findings = scan.findings()
        guard !findings.isEmpty else { return text }
        var result = ""
        result.reserveCapacity(text.utf8.count)
        var position = 0
        for finding in findings {
            result.append(contentsOf: scan.characters[position..<finding.range.lowerBound])
            result += finding.replacement
            position = finding.range.upperBound
        }
        result.append(contentsOf: scan.characters[position...])
        return result
    }

    /// Splits a long text into blocks of whole lines of about ``blockBytes`` bytes (a longer line is a block of its own).
    package static func blocks(of text: String) -> [Substring] {
        var blocks: [Substring] = []
        var start = text.startIndex
        var bytes = 0
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            bytes += character.utf8.count
            index = text.index(after: index)
            if character.isNewline, bytes >= Self.blockBytes {
                blocks.append(text[start..<index])
                start = index
                bytes = 0
            }
        }
        if start < text.endIndex { blocks.append(text[start...]) }
        return blocks
    }
}

extension Character {
    /// `0`–`9`.
    var isASCIIDigit: Bool {
        guard let value = self.asciiValue else { return false }
        return value >= UInt8(ascii: "0") && value <= UInt8(ascii: "9")
    }

    /// `A`–`Z` or `a`–`z`.
    var isASCIILetter: Bool {
        guard let value = self.asciiValue else { return false }
        return (value >= UInt8(ascii: "A") && value <= UInt8(ascii: "Z")) || (value >= UInt8(ascii: "a") && value <= UInt8(ascii: "z"))
    }

    /// A letter, digit or `_` in any script: what a number or address must not touch to be a whole item.
    var isWordCharacter: Bool { self.isLetter || self.isNumber || self == "_" }
}
