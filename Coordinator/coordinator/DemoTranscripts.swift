//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The demo's interaction transcripts: for every simulated ticket a German, Russian or English e-mail thread or chat
// with fake personal data (Luhn-valid test card numbers, checksum-valid IBANs, e-mail addresses, phone numbers) and
// look-alikes that must stay (an order number failing Luhn, dates, amounts), written into the agent's transcript
// folder, where a sample request finds them and the agent redacts them before they leave the "provider".
//
//===----------------------------------------------------------------------===//

import Crypto
import Foundation

/// Writes `ID.eml` (e-mail tickets) or `ID.txt` (the others) into a transcript folder, once per ticket, by a
/// deterministic choice of language and fake data from the ticket id.
struct DemoTranscripts: Sendable {
    let folder: String

    init(folder: String) throws {
        self.folder = folder
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    /// Test card numbers (Luhn-valid, issued by no bank): Visa, Mastercard, Mir, Amex.
    static let cards = ["4111 1111 1111 1111", "5555 5555 5555 4444", "2200 1234 5678 9019", "3782 822463 10005", "4000-0566-5566-5556"]
    /// IBANs with valid check digits from the banks' own documentation examples.
    static let ibans = ["DE89 3704 0044 0532 0130 00", "GB82 WEST 1234 5698 7654 32", "PT50 0002 0123 1234 5678 9015 4", "FR1420041010050500013M02606"]

    /// Writes the transcript of `ticket` unless it exists; returns whether it wrote one.
    @discardableResult
    func write(ticket id: String, channel: String, at instant: Date) throws -> Bool {
        guard !id.isEmpty, !id.contains("/"), !id.hasPrefix(".") else { return false }
        let suffix = channel == "email" ? "eml" : "txt"
        let path = "\(self.folder)/\(id).\(suffix)"
        guard !FileManager.default.fileExists(atPath: path) else { return false }
        let text = Self.transcript(ticket: id, email: channel == "email", at: instant)
        // Written under a temporary name, then renamed: the agent never reads half a file.
        let temporary = "\(self.folder)/.\(id).tmp"
        try text.write(toFile: temporary, atomically: false, encoding: .utf8)
        try FileManager.default.moveItem(atPath: temporary, toPath: path)
        return true
    }

    /// The transcript text: the ticket id picks the language (German, Russian, English) and the fake data.
    static func transcript(ticket id: String, email: Bool, at instant: Date) -> String {
        let digest = Array(SHA256.hash(data: Data(id.utf8)))
        func pick<T>(_ list: [T], _ index: Int) -> T { list[Int(digest[index]) % list.count] }
        let card = pick(Self.cards, 1)
        let iban = pick(Self.ibans, 2)
        let order = "\(100_000 + (Int(digest[3]) << 8 | Int(digest[4])) * 7)"
        let amount = "\(10 + Int(digest[5]))"
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        let day = calendar.dateComponents([.year, .month, .day], from: instant)
        let date = String(format: "%02d.%02d.%04d", day.day ?? 1, day.month ?? 1, day.year ?? 2026)
        switch Int(digest[0]) % 3 {
        case 0:
            let mail = pick(["anna.mueller@example.de", "jürgen.größe@beispiel.de", "k.schmidt@example.org"], 6)
            let phone = pick(["030 1234567", "+49 (0)89 12345-678", "0171 2345678"], 7)
            let body = """
                Guten Tag,

                meine Bestellung \(order) vom \(date) über \(amount),90 € wurde zweimal abgebucht, von der Kreditkarte \(card), CVC 123.
                Bitte erstatten Sie den Betrag auf mein Konto, IBAN \(iban).
                Sie erreichen mich unter \(mail) oder Tel.: \(phone).

                Mit freundlichen Grüßen

                ---
                Support: Vielen Dank für Ihre Nachricht zu Ticket \(id). Wir haben die doppelte Abbuchung geprüft und \
                erstatten \(amount),90 € innerhalb von 5 Werktagen. Bitte senden Sie uns Kartendaten nie per E-Mail.
                """
            return email ? Self.eml(from: mail, subject: "Doppelte Abbuchung – Bestellung \(order)", body: body) : body + "\n"
        case 1:
            let mail = pick(["olga.ivanova@example.ru", "ольга@пример.рф", "i.petrov@example.com"], 6)
            let phone = pick(["8 (916) 123-45-67", "+7 495 123-45-67", "8-800-555-35-35"], 7)
            let body = """
                Здравствуйте!

                По заказу № \(order) от \(date) на сумму \(amount) 345,00 руб. с карты \(card) списали деньги дважды, код безопасности 321.
                Верните, пожалуйста, деньги на счёт \(iban).
                Мой e-mail \(mail), звоните: \(phone).

                ---
                Поддержка: Спасибо за обращение \(id). Возврат оформлен, деньги поступят в течение 5 рабочих дней. \
                Пожалуйста, не присылайте данные карты в чате.
                """
            return email ? Self.eml(from: mail, subject: "Двойное списание по заказу \(order)", body: body) : body + "\n"
        default:
            let mail = pick(["john.smith@example.com", "mary.jones@example.co.uk", "support.user@example.net"], 6)
            let phone = pick(["+44 20 7946 0958", "(415) 555-0132", "1-800-555-0199"], 7)
            let body = """
                Hello,

                order \(order) of \(date) for £\(amount).50 was charged twice to my card \(card), security code 456.
                Please refund it to \(iban).
                Reach me at \(mail) or call \(phone).

                ---
                Support: Thank you for contacting us about ticket \(id). The duplicate charge of £\(amount).50 is refunded \
                within 5 working days. Please never send card details by e-mail or chat.
                """
            return email ? Self.eml(from: mail, subject: "Charged twice for order \(order)", body: body) : body + "\n"
        }
    }

    static func eml(from address: String, subject: String, body: String) -> String {
        """
        From: <\(address)>
        To: <support@provider.example>
        Subject: \(subject)
        Content-Type: text/plain; charset=utf-8

        \(body)

        """
    }
}
