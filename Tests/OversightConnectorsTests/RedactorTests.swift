//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The redactor: the German, Russian and English corpus (Fixtures/redaction/*.txt), the check-digit schemes, card
// handling, patterns, names and the cut of rejected rows.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightConfig
import OversightConnectors
import Testing

@Suite struct RedactorTests {
    static let corpusFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/redaction")

    /// One case of the corpus: the text, what must be sent, and where it is.
    struct Case: CustomTestStringConvertible {
        var file: String
        var line: Int
        var input: String
        var expected: String
        var testDescription: String { "\(self.file):\(self.line)" }
    }

    /// The cases of a corpus file: `in:` lines, each followed by its `out:` line.
    static func cases(_ file: String) throws -> [Case] {
        let text = try String(contentsOf: Self.corpusFolder.appendingPathComponent(file), encoding: .utf8)
        var cases: [Case] = []
        var pending: (line: Int, text: String)?
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.hasPrefix("in:") {
                pending = (index + 1, String(line.dropFirst(3)).trimmingCharacters(in: .whitespaces))
            } else if line.hasPrefix("out:"), let input = pending {
                cases.append(
                    Case(file: file, line: input.line, input: input.text, expected: String(line.dropFirst(4)).trimmingCharacters(in: .whitespaces)))
                pending = nil
            }
        }
        return cases
    }

    static let corpusFiles = ["de.txt", "ru.txt", "en.txt"]

    @Test(arguments: corpusFiles)
    func corpusIsRedactedExactly(file: String) throws {
        let cases = try Self.cases(file)
        let redactor = Redactor()
        for item in cases {
            #expect(redactor.redact(item.input) == item.expected, "\(item.testDescription)")
        }
        // Each language has both sides: items that must go and look-alikes that must stay.
        #expect(cases.filter { $0.input != $0.expected }.count >= 9, "\(file): too few sensitive cases")
        #expect(cases.filter { $0.input == $0.expected }.count >= 5, "\(file): too few look-alikes")
    }

    @Test func corpusCoversEveryPlaceholder() throws {
        let expected = try Self.corpusFiles.flatMap { try Self.cases($0) }.map(\.expected).joined(separator: "\n")
        for placeholder in ["[email]", "[phone]", "[card]", "[cvc]", "[iban]"] {
            #expect(expected.contains(placeholder), "no case shows \(placeholder)")
        }
    }

    // MARK: - Check digits

    @Test(arguments: [
        ("4111111111111111", true), ("4012888888881881", true), ("5500000000000004", true), ("378282246310005", true),
        ("2200123456789019", true), ("79927398713", true), ("4111111111111112", false), ("1234567890123", false),
        ("", false), ("4111 1111 1111 1111", false), ("０", false),
    ])
    func luhn(digits: String, valid: Bool) {
        #expect(Checksums.luhnIsValid(digits) == valid)
    }

    @Test(arguments: [
        ("DE89370400440532013000", true), ("de89370400440532013000", true), ("GB29NWBK60161331926819", true),
        ("AT611904300234573201", true), ("CH9300762011623852957", true), ("PT50000201231234567890154", true),
        ("FR1420041010050500013M02606", true), ("DE89370400440532013001", false), ("GB29NWBK60161331926818", false),
        // The right check digits for the wrong length of a known country.
        ("DE8937040044053201300", false), ("DE89 3704 0044 0532 0130 00", false), ("XX00", false), ("1234567890123456", false),
    ])
    func iban(text: String, valid: Bool) {
        #expect(Checksums.ibanIsValid(text) == valid)
    }

    // MARK: - Rules and options

    @Test func binAndLastFourKeepsOnlyTheIssuerAndTheLastDigitsWhenConfigured() {
        var configuration = RedactionConfiguration()
        configuration.cards = .binAndLast4
        let text = "Karte 4111 1111 1111 1111 und Amex 3782-822463-10005"
        #expect(Redactor(configuration: configuration).redact(text) == "Karte [card 411111…1111] und Amex [card 378282…0005]")
        #expect(Redactor().redact(text) == "Karte [card] und Amex [card]")
    }

    @Test func switchedOffRulesKeepTheirItems() {
        var configuration = RedactionConfiguration()
        configuration.emails = false
        configuration.phones = false
        configuration.ibans = false
        configuration.cards = .off
        let text = "a@b.de, +49 30 1234567, DE89 3704 0044 0532 0130 00, 4111 1111 1111 1111 CVV 123"
        // With cards off the security code still goes: a CVV is never needed at head office.
        #expect(
            Redactor(configuration: configuration).redact(text)
                == "a@b.de, +49 30 1234567, DE89 3704 0044 0532 0130 00, 4111 1111 1111 1111 CVV [cvc]")
        #expect(Redactor(configuration: .disabled).redact(text) == text)
    }

    @Test func patternsHaveTheirOwnPlaceholderAndRunFirst() throws {
        var configuration = RedactionConfiguration()
        configuration.patterns = [
            try .init(name: "tax_id", regex: #"\b\d{2} ?\d{3} ?\d{3} ?\d{3}\b"#),
            try .init(name: "inn", regex: #"(?<=ИНН )\d{10}(?:\d{2})?\b"#),
            try .init(name: "customer_no", regex: #"(?i)\bKD-\d{6}\b"#),
        ]
        let redactor = Redactor(configuration: configuration)
        #expect(redactor.redact("Steuer-ID 12 345 678 901, Kunde kd-123456") == "Steuer-ID [tax_id], Kunde [customer_no]")
        #expect(redactor.redact("Клиентка Ёлкина, ИНН 500100732259, звонила") == "Клиентка Ёлкина, ИНН [inn], звонила")
        // Placeholders land on whole characters around combining marks and umlauts.
        #expect(redactor.redact("Grüße – KD-654321 – Ä") == "Grüße – [customer_no] – Ä")
    }

    @Test func namesOfTheRowAreRemovedAsWholeWordsInAnyCase() {
        let redactor = Redactor()
        #expect(
            redactor.redact("Jürgen Weiß hat angerufen; Herr WEISS? Nein: herr weiß wartet, Weißbier nicht.", names: ["Jürgen Weiß"])
                == "[name] hat angerufen; Herr WEISS? Nein: herr [name] wartet, Weißbier nicht."
        )
        #expect(redactor.redact("Звонила Мария Иванова по поводу заказа", names: ["Иванова Мария"]) == "Звонила [name] [name] по поводу заказа")
        // Particles and short words of a name are not removed on their own.
        #expect(redactor.redact("Anruf von Frau van der Berg, von heute", names: ["van der Berg"]) == "Anruf von Frau [name], von heute")
    }

    @Test func findingsSayWhatAndWhere() {
        let findings = Redactor().findings(in: "Mail: ä@b.de, Tel. +7 495 123-45-67")
        #expect(findings.map(\.kind) == ["email", "phone"])
        #expect(findings.first?.range == 6..<12)
    }

    @Test func aLongTextIsRedactedBlockByBlock() {
        let line = "Kundin Müller, anna@example.de, Karte 4111 1111 1111 1111, Betrag 12,50 €\n"
        let text = String(repeating: line, count: 3_000)
        #expect(text.utf8.count > Redactor.blockBytes * 3)
        let redacted = Redactor().redact(text)
        #expect(redacted == String(repeating: "Kundin Müller, [email], Karte [card], Betrag 12,50 €\n", count: 3_000))
    }

    @Test func anExcerptCutInsideANumberDropsTheFragment() {
        let redactor = Redactor()
        // A raw row already cut by the reader in the middle of a card number: the digits left would fail Luhn.
        #expect(redactor.redactedExcerpt("id=7;comment=Karte 4111 1111 1111 11", maxBytes: 4_096, truncated: true) == "id=7;comment=Karte")
        #expect(redactor.redactedExcerpt("ok: anna.mueller@exam", maxBytes: 4_096, truncated: true) == "ok: ")
        // Cut here: the placeholder is whole or gone, never half an address.
        let cut = redactor.redactedExcerpt("Grüße, anna@example.de und mehr Text", maxBytes: 20)
        #expect(cut.utf8.count <= 20 && !cut.contains("@"))
        #expect(redactor.redactedExcerpt("kurz: a@b.de", maxBytes: 100) == "kurz: [email]")
    }
}
