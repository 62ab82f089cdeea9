//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The redactor's phone rule: international and national numbers, and the dates, amounts and order numbers it keeps.
//
//===----------------------------------------------------------------------===//

extension Redactor.Scan {
    /// A run of digit groups that may be a phone number: `+49 (0)30 123-456`, `8 (495) 123-45-67`, `415.555.0132`.
    struct NumberRun {
        /// Each group's range of digits.
        var groups: [Range<Int>]
        /// Where the run starts: at a `+` or `(` before the first group, else at the first group.
        var start: Int
    }

    /// Words after which a number is a phone number.
    static let phoneKeywords = Keywords([
        "tel", "phone", "mobil", "handy", "fax", "rückruf", "ruf", "call", "anruf", "whatsapp", "viber", "telegram", "sms", "festnetz",
        "тел", "моб", "звон", "факс", "telemóvel", "telemovel", "contacto", "contact", "kontakt", "контакт",
    ])

    /// Words after which a number is not a phone number (orders, amounts, references), unless a phone word is nearer.
    static let notPhoneKeywords = Keywords([
        "order", "bestell", "auftrag", "rechnung", "invoice", "ticket", "case", "vorgang", "kundennummer", "kunden-nr", "customer no",
        "artikel", "item", "sku", "tracking", "sendung", "paket", "parcel", "ref", "id", "#", "№", "заказ", "счет", "счёт", "накладн",
        "трек", "договор", "артикул", "encomenda", "pedido", "fatura", "factura", "contrato", "vertrag", "betrag", "summe", "amount",
        "total", "price", "preis", "сумма", "цена", "стоимость", "итого", "valor", "preço", "eur", "usd", "gbp", "rub", "chf", "€", "$",
        "£", "₽", "plz", "postcode", "zip", "индекс", "iban", "bic", "konto", "account", "blz", "kto", "бик", "bik", "инн", "inn",
        "огрн", "ogrn", "кпп", "kpp", "окпо", "снилс", "nif", "nipc", "cpf", "dni", "nie", "steuer", "ust", "vat", "tax", "ssn", "isbn",
        "ip ", "kd", "pin", "puk", "imei", "serial", "seriennummer", "s/n",
    ])

    /// Currency words and signs that make a number before them an amount.
    static let currencies: [[Character]] = [
        "€", "eur", "euro", "$", "usd", "dollar", "£", "gbp", "₽", "руб", "р.", "rub", "chf", "%", "stück", "pcs", "шт", "kg",
    ].map { Array($0) }

    /// Characters that may join two digit groups of a phone number.
    static let phoneJoiners: Set<Character> = [" ", "-", ".", "/", "(", ")"]

    func phones() -> [Redactor.Finding] {
        var findings: [Redactor.Finding] = []
        // A run glued to letters (`DE89 3704 …`, `A1 234 567`) is an identifier, never a phone number.
        for run in self.numberRuns() where !self.isWord(at: run.start - 1) {
            var first = 0
            candidates: while first < run.groups.count {
                let start = first == 0 ? run.start : self.groupStart(run.groups[first])
                // A phone starts where the run starts, or after a space (never inside a dotted or dashed number).
                let startsCleanly =
                    first == 0 ? self.startsCleanly(at: start) : self.characters[start - 1] == " "
                if startsCleanly {
                    for last in stride(from: run.groups.count - 1, through: first, by: -1) {
                        let end = run.groups[last].upperBound
                        let endsCleanly =
                            last == run.groups.count - 1
                            ? !self.isWord(at: end) && !self.isDecimalTail(at: end)
                            : self.characters[end] == " " || (self.characters[end] == ")" && self.character(at: end + 1) == " ")
                        guard endsCleanly else { continue }
                        let groups = Array(run.groups[first...last])
                        if self.isPhone(groups: groups, start: start) {
                            // Keep a closing parenthesis that belongs to the text, not the number.
                            findings.append(self.finding("phone", start..<end))
                            first = last + 1
                            continue candidates
                        }
                    }
                }
                first += 1
            }
        }
        return findings
    }

    /// Where a group's number starts, with a `(` just before it.
    func groupStart(_ group: Range<Int>) -> Int {
        self.character(at: group.lowerBound - 1) == "(" ? group.lowerBound - 1 : group.lowerBound
    }

    /// The maximal runs of digit groups joined by 1–3 joiner characters (at most two of them spaces), each with a
    /// leading `+` or `(`.
    func numberRuns() -> [NumberRun] {
        var runs: [NumberRun] = []
        var index = 0
        let count = self.characters.count
        while index < count {
            guard self.characters[index].isASCIIDigit else {
                index += 1
                continue
            }
            var start = index
            if self.character(at: index - 1) == "(" { start = index - 1 }
            if self.character(at: start - 1) == "+" { start -= 1 }
            var groups: [Range<Int>] = []
            var groupStart = index
            while true {
                var end = groupStart
                while end < count, self.characters[end].isASCIIDigit { end += 1 }
                groups.append(groupStart..<end)
                var next = end
                var spaces = 0
                while next < count, next - end < 3, Self.phoneJoiners.contains(self.characters[next]) {
                    if self.characters[next] == " " { spaces += 1 }
                    next += 1
                }
                if next > end, next < count, self.characters[next].isASCIIDigit, spaces <= 2 {
                    groupStart = next
                } else {
                    index = end
                    break
                }
            }
            runs.append(NumberRun(groups: groups, start: start))
        }
        return runs
    }

    /// Whether these groups, starting at `start` (a `+`, a `(` or the first digit), are a phone number.
    func isPhone(groups: [Range<Int>], start: Int) -> Bool {
        let digits = groups.map { String(self.characters[$0]) }.joined()
        let count = digits.count
        let sizes = groups.map(\.count)
        guard let end = groups.last?.upperBound else { return false }
        let joiners = zip(groups, groups.dropFirst()).map { String(self.characters[$0.upperBound..<$1.lowerBound]) }
        // International: `+49 30 1234567`, `+7 (495) 123-45-67`, `0049 30 1234567`.
        if self.characters[start] == "+" { return (8...15).contains(count) && digits.first != "0" }
        if self.looksLikeDate(groups, joiners) || self.isAmount(start: start, end: end) { return false }
        // A phone word counts only when it introduces this number: no other digits stand between them.
        let phoneWord = self.lastKeyword(Self.phoneKeywords, before: start, window: 32).flatMap { index in
            self.characters[index..<start].contains(where: \.isASCIIDigit) ? nil : index
        }
        let otherWord = self.lastKeyword(Self.notPhoneKeywords, before: start, window: 32)
        if let otherWord, otherWord > (phoneWord ?? -1) { return false }
        if digits.hasPrefix("00"), digits.dropFirst(2).first != "0", (10...17).contains(count) { return true }
        // After `Tel.`, `телефон`, `call me on`: any number of 6–15 digits.
        if phoneWord != nil, (6...15).contains(count) { return true }
        let dotted = joiners.contains { $0.contains(".") }
        // National with a trunk prefix 0 (DE, UK, PT with 00 aside): `030 1234567`, `0171-1234567`, `020 7946 0958`.
        // (An area code never starts with 0: `0001234567` is a customer number.)
        if digits.first == "0", digits.dropFirst().first != "0", (9...12).contains(count), !dotted || groups.count == 1 { return true }
        // Russia, trunk prefix 8: `8 (495) 123-45-67`, `8-916-123-45-67`.
        if digits.first == "8", count == 11, let second = digits.dropFirst().first, "3489".contains(second), !dotted { return true }
        // North America: `(415) 555-0132`, `415-555-0132`, `415.555.0132`, `1-800-555-0199`.
        if sizes == [3, 3, 4] || (sizes == [1, 3, 3, 4] && digits.first == "1") {
            let area = digits.dropFirst(sizes.count == 4 ? 1 : 0)
            if let first = area.first, first != "0", first != "1" {
                let uniform = Set(joiners.map { $0.filter { $0 != "(" && $0 != ")" } })
                return uniform.count == 1 || self.characters[start] == "("
            }
        }
        // Portugal, no trunk prefix: `912 345 678`, `21 123 4567`.
        if count == 9, let first = digits.first, first == "9" || first == "2", sizes == [3, 3, 3] || sizes == [2, 3, 4] {
            return joiners.allSatisfy { $0 == " " }
        }
        return false
    }

    /// Whether three consecutive groups with the same joiner make a date: `12.03.2026`, `2026-03-12`, `03/12/26`.
    func looksLikeDate(_ groups: [Range<Int>], _ joiners: [String]) -> Bool {
        guard groups.count >= 3 else { return false }
        for index in 0..<(groups.count - 2) {
            let joiner = joiners[index]
            guard joiner == joiners[index + 1], [".", "/", "-", ". "].contains(joiner) else { continue }
            let values = groups[index...(index + 2)].map { Int(String(self.characters[$0])) ?? -1 }
            let sizes = groups[index...(index + 2)].map(\.count)
            if sizes[0] <= 2, sizes[1] <= 2, sizes[2] == 2 || sizes[2] == 4, (1...31).contains(values[0]), (1...31).contains(values[1]),
                values[0] <= 12 || values[1] <= 12
            {
                return true
            }
            if sizes[0] == 4, (1900...2100).contains(values[0]), sizes[1] <= 2, sizes[2] <= 2, (1...12).contains(values[1]),
                (1...31).contains(values[2])
            {
                return true
            }
        }
        return false
    }

    /// Whether the number from `start` to `end` is an amount: a currency sign or word just before or after it.
    func isAmount(start: Int, end: Int) -> Bool {
        var after = end
        if self.character(at: after) == " " || self.character(at: after) == "\u{A0}" { after += 1 }
        for word in Self.currencies where self.matches(word, at: after) {
            if !(word.last?.isLetter ?? false) || !(self.character(at: after + word.count)?.isLetter ?? false) { return true }
        }
        var before = start
        if self.character(at: before - 1) == " " || self.character(at: before - 1) == "\u{A0}" { before -= 1 }
        for word in Self.currencies where self.matches(word, at: before - word.count) { return true }
        return false
    }
}
