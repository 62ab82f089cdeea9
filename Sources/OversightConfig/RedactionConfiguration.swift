//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Which personal data the agent removes from free text before anything leaves the provider.
//
//===----------------------------------------------------------------------===//

package import Foundation

/// The agent's redaction rules (`redaction:` in the agent configuration); on by default.
///
/// Applied by the agent's `Redactor` to every free-text field it sends (ticket tags, evaluation comments, queue names
/// when ``queues`` is set), to the rows it sets aside as rejects, and by `oversight-agent redact`. Each finding is
/// replaced by a typed placeholder: `[email]`, `[phone]`, `[card]`, `[cvc]`, `[iban]`, `[name]` or a pattern's own
/// `[<name>]`.
package struct RedactionConfiguration: Sendable {
    /// What happens to payment card numbers (Luhn-valid, 13–19 digits): a closed set of choices.
    package struct CardHandling: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case off, redact, binAndLast4 = "bin_and_last4"
        }

        private let base: Base

        /// Card numbers are left as they are (only for sources that are known to hold none).
        package static let off = CardHandling(base: .off)
        /// Card numbers become `[card]` (the default).
        package static let redact = CardHandling(base: .redact)
        /// Card numbers become `[card 411111…1111]`: the first six digits (the issuer) and the last four are kept.
        package static let binAndLast4 = CardHandling(base: .binAndLast4)

        /// The spelling in the configuration file (`off`, `redact`, `bin_and_last4`).
        package var description: String { self.base.rawValue }
    }

    /// A provider's own pattern, such as a national id, replaced by `[<name>]`.
    package struct Pattern: Sendable {
        /// Placeholder name, `[a-z][a-z0-9_]{0,31}`: matches become `[<name>]`.
        package let name: String
        /// The regular expression as written in the file (ICU syntax, as `NSRegularExpression`).
        package let regex: String
        /// The compiled expression.
        package let expression: NSRegularExpression

        /// Compiles a pattern.
        /// - Parameters:
        ///   - name: Placeholder name.
        ///   - regex: The regular expression.
        /// - Throws: The reason, if the expression does not compile or matches the empty string.
        package init(name: String, regex: String) throws(PatternError) {
            let expression: NSRegularExpression
            do {
                expression = try NSRegularExpression(pattern: regex)
            } catch {
                throw PatternError(message: "not a valid regular expression (ICU syntax)")
            }
            if expression.firstMatch(in: "", range: NSRange(location: 0, length: 0)) != nil {
                throw PatternError(message: "the regular expression matches the empty text; it must match at least one character")
            }
            self.name = name
            self.regex = regex
            self.expression = expression
        }
    }

    /// Why a pattern cannot be used.
    package struct PatternError: Error, Sendable {
        /// What is wrong; never contains text that was being redacted.
        package var message: String
    }

    /// Whether anything is redacted at all.
    package var enabled: Bool = true
    /// E-mail addresses → `[email]`.
    package var emails: Bool = true
    /// Phone numbers in international (`+49 30 1234567`, `0044 20 7946 0958`) and national formats (DE, RU, PT, UK, US)
    /// → `[phone]`; dates, amounts and order numbers are kept.
    package var phones: Bool = true
    /// Payment card numbers.
    package var cards: CardHandling = .redact
    /// Card security codes in card context (`CVV 123`, `CVC: 123`, `код 123` after a card number) → `[cvc]`.
    package var cardSecurityCodes: Bool = true
    /// IBANs that pass the mod-97 check → `[iban]`.
    package var ibans: Bool = true
    /// Whether queue names are redacted too (off by default: contracts match queues by name).
    package var queues: Bool = false
    /// Columns (CSV header names) or keys (JSON, dotted paths) that hold people's names: their values in a row are
    /// replaced by `[name]` wherever they appear in that row's free text. The person fields Oversight maps (assignee,
    /// evaluated agent, evaluator) count as name fields always.
    package var nameFields: [String] = []
    /// The provider's own patterns (national ids, customer numbers), applied before the built-in rules.
    package var patterns: [Pattern] = []

    /// Creates the default rules: everything on except ``queues``, cards redacted, no name fields, no patterns.
    package init() {}

    /// Rules that redact nothing (`enabled: false`).
    package static var disabled: RedactionConfiguration {
        var configuration = RedactionConfiguration()
        configuration.enabled = false
        return configuration
    }
}
