//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The redactor's rules: finding e-mail addresses, IBANs, card numbers, security codes, patterns and names in text.
//
//===----------------------------------------------------------------------===//

internal import Foundation
internal import OversightConfig

extension Redactor {
    /// One scan of one block of text: every rule's findings, then the overlaps resolved by rule order.
    struct Scan {
        /// The text as Characters (grapheme clusters), so umlauts, Cyrillic and combining marks are never split.
        let characters: [Character]
        /// The same Characters lower-cased one by one (a Character whose lower case is not one Character is kept).
        let lowered: [Character]
        let configuration: RedactionConfiguration
        let names: [String]
        let text: String

        init(text: String, configuration: RedactionConfiguration, names: [String]) {
            self.text = text
            self.characters = Array(text)
            self.lowered = self.characters.map { character in
                if let ascii = character.asciiValue {
                    return ascii >= UInt8(ascii: "A") && ascii <= UInt8(ascii: "Z") ? Character(Unicode.Scalar(ascii | 0x20)) : character
                }
                let lower = character.lowercased()
                return lower.count == 1 ? Character(lower) : character
            }
            self.configuration = configuration
            self.names = names
        }

        /// The findings that win, in text order, without overlaps.
        func findings() -> [Finding] {
            var candidates: [(rule: Int, finding: Finding)] = []
            func add(_ rule: Int, _ findings: [Finding]) { candidates += findings.map { (rule, $0) } }
            add(0, self.patterns())
            // Every built-in rule but names needs an `@` or a digit: most tags and short remarks skip them.
            let hasDigit = self.characters.contains(where: \.isASCIIDigit)
            if self.configuration.emails, self.characters.contains("@") { add(1, self.emails()) }
            if hasDigit {
                if self.configuration.ibans { add(2, self.ibans()) }
                let cards = self.cards()
                if self.configuration.cards != .off { add(3, cards) }
                if self.configuration.cardSecurityCodes { add(4, self.securityCodes(after: cards)) }
                if self.configuration.phones { add(5, self.phones()) }
            }
            add(6, self.nameFindings())
            // Earlier rules first; within a rule, earlier and then longer findings first.
            candidates.sort {
                ($0.rule, $0.finding.range.lowerBound, -$0.finding.range.count) < ($1.rule, $1.finding.range.lowerBound, -$1.finding.range.count)
            }
            var taken = [Bool](repeating: false, count: self.characters.count)
            var accepted: [Finding] = []
            for (_, finding) in candidates where !finding.range.isEmpty {
                guard !finding.range.contains(where: { taken[$0] }) else { continue }
                for index in finding.range { taken[index] = true }
                accepted.append(finding)
            }
            return accepted.sorted { $0.range.lowerBound < $1.range.lowerBound }
        }

        // MARK: - Helpers

        func character(at index: Int) -> Character? {
            index >= 0 && index < self.characters.count ? self.characters[index] : nil
        }

        /// Whether the Character at `index` is a letter, digit or `_` (`false` outside the text).
        func isWord(at index: Int) -> Bool { self.character(at: index)?.isWordCharacter ?? false }

        func isDigit(at index: Int) -> Bool { self.character(at: index)?.isASCIIDigit ?? false }

        /// Whether the lower-cased text at `index` starts with `word` (already lower-case).
        func matches(_ word: [Character], at index: Int) -> Bool {
            guard index >= 0, index + word.count <= self.lowered.count else { return false }
            for offset in word.indices where self.lowered[index + offset] != word[offset] { return false }
            return true
        }

        /// Keywords by their first Character, for ``lastKeyword(_:before:window:)``.
        struct Keywords: Sendable {
            let byFirst: [Character: [[Character]]]

            init(_ words: [String]) {
                self.byFirst = Dictionary(grouping: words.map { Array($0) }.filter { !$0.isEmpty }, by: { $0[0] })
            }
        }

        /// The start of the last occurrence of one of `keywords` (lower-case) that begins a word and ends before `end`,
        /// within `window` Characters before `end` and not before a line break.
        func lastKeyword(_ keywords: Keywords, before end: Int, window: Int) -> Int? {
            let start = max(0, end - window)
            var index = end - 1
            while index >= start {
                if self.lowered[index].isNewline { return nil }
                if let candidates = keywords.byFirst[self.lowered[index]] {
                    for word in candidates where index + word.count <= end && self.matches(word, at: index) {
                        if !(word[0].isLetter) || !(self.character(at: index - 1)?.isLetter ?? false) { return index }
                    }
                }
                index -= 1
            }
            return nil
        }

        func finding(_ kind: String, _ range: Range<Int>, _ replacement: String? = nil) -> Finding {
            Finding(kind: kind, range: range, replacement: replacement ?? "[\(kind)]")
        }

        // MARK: - Patterns

        func patterns() -> [Finding] {
            guard !self.configuration.patterns.isEmpty else { return [] }
            // Character index → UTF-16 offset of its start, to map the expressions' NSRanges back.
            var offsets: [Int] = []
            offsets.reserveCapacity(self.characters.count + 1)
            var offset = 0
            for character in self.characters {
                offsets.append(offset)
                offset += character.utf16.count
            }
            offsets.append(offset)
            func characterIndex(_ utf16: Int) -> Int {
                var low = 0
                var high = offsets.count - 1
                while low < high {
                    let middle = (low + high) / 2
                    if offsets[middle] < utf16 { low = middle + 1 } else { high = middle }
                }
                return low
            }
            var findings: [Finding] = []
            let whole = NSRange(location: 0, length: offset)
            for pattern in self.configuration.patterns {
                for match in pattern.expression.matches(in: self.text, range: whole) where match.range.length > 0 {
                    let start = characterIndex(match.range.location)
                    let end = characterIndex(match.range.location + match.range.length)
                    if start < end { findings.append(self.finding(pattern.name, start..<end)) }
                }
            }
            return findings
        }

        // MARK: - E-mail addresses

        func emails() -> [Finding] {
            var findings: [Finding] = []
            var searchFrom = 0
            for at in self.characters.indices where self.characters[at] == "@" && at >= searchFrom {
                var start = at
                while start > 0, Self.isLocalPart(self.characters[start - 1]) { start -= 1 }
                while start < at, self.characters[start] == "." { start += 1 }
                guard start < at else { continue }
                var end = at + 1
                while end < self.characters.count,
                    self.characters[end].isLetter || self.characters[end].isNumber || "-.".contains(self.characters[end])
                {
                    end += 1
                }
                while end > at + 1, ".-".contains(self.characters[end - 1]) { end -= 1 }
                let labels = self.characters[(at + 1)..<end].split(separator: ".", omittingEmptySubsequences: false)
                guard labels.count >= 2, labels.allSatisfy({ !$0.isEmpty }), let top = labels.last, top.count >= 2, top.allSatisfy(\.isLetter) else {
                    continue
                }
                findings.append(self.finding("email", start..<end))
                searchFrom = end
            }
            return findings
        }

        static func isLocalPart(_ character: Character) -> Bool {
            character.isLetter || character.isNumber || "._%+-'".contains(character)
        }

        // MARK: - IBANs

        func ibans() -> [Finding] {
            var findings: [Finding] = []
            var index = 0
            let count = self.characters.count
            while index + 15 <= count {
                defer { index += 1 }
                guard self.characters[index].isASCIILetter, self.characters[index + 1].isASCIILetter, self.isDigit(at: index + 2),
                    self.isDigit(at: index + 3), !self.isWord(at: index - 1)
                else { continue }
                // The IBAN's characters, in electronic form, with where each one is; single spaces between groups.
                var compact: [Character] = []
                var positions: [Int] = []
                var cursor = index
                while cursor < count, compact.count < 34 {
                    let character = self.characters[cursor]
                    if character.isASCIILetter || character.isASCIIDigit {
                        compact.append(Character(character.uppercased()))
                        positions.append(cursor)
                        cursor += 1
                    } else if character == " ", cursor + 1 < count,
                        self.characters[cursor + 1].isASCIILetter || self.characters[cursor + 1].isASCIIDigit,
                        !compact.isEmpty
                    {
                        cursor += 1
                    } else {
                        break
                    }
                }
                guard compact.count >= 15 else { continue }
                let country = String(compact.prefix(2))
                let lengths = Checksums.ibanLengths[country].map { [$0] } ?? Array((15...min(34, compact.count)).reversed())
                for length in lengths where length <= compact.count {
                    let last = positions[length - 1]
                    // The IBAN must end at a group boundary: nothing glued to its last character.
                    guard !self.isWord(at: last + 1) else { continue }
                    if Checksums.ibanIsValid(String(compact.prefix(length))) {
                        findings.append(self.finding("iban", index..<(last + 1)))
                        index = last
                        break
                    }
                }
            }
            return findings
        }

        // MARK: - Card numbers

        /// Groups of digits joined by one space or dash, as maximal runs: each group's range.
        func digitRuns(joiners: Set<Character>) -> [[Range<Int>]] {
            var runs: [[Range<Int>]] = []
            var index = 0
            let count = self.characters.count
            while index < count {
                guard self.characters[index].isASCIIDigit else {
                    index += 1
                    continue
                }
                var run: [Range<Int>] = []
                var start = index
                while true {
                    var end = start
                    while end < count, self.characters[end].isASCIIDigit { end += 1 }
                    run.append(start..<end)
                    if end + 1 < count, joiners.contains(self.characters[end]), self.characters[end + 1].isASCIIDigit {
                        start = end + 1
                    } else {
                        index = end
                        break
                    }
                }
                runs.append(run)
            }
            return runs
        }

        func cards() -> [Finding] {
            var findings: [Finding] = []
            for run in self.digitRuns(joiners: [" ", "-"]) {
                var first = 0
                runLoop: while first < run.count {
                    // A card starts at the run's start, or after a space (never inside a dashed number).
                    let startsCleanly =
                        first == 0
                        ? self.startsCleanly(at: run[0].lowerBound)
                        : self.characters[run[first].lowerBound - 1] == " "
                    if startsCleanly {
                        for last in stride(from: run.count - 1, through: first, by: -1) {
                            let groups = run[first...last]
                            if last > first, groups.contains(where: { $0.count < 3 }) { continue }
                            let endsCleanly =
                                last == run.count - 1
                                ? !self.isWord(at: run[last].upperBound) && !self.isDecimalTail(at: run[last].upperBound)
                                : self.characters[run[last].upperBound] == " "
                            guard endsCleanly else { continue }
                            let digits = groups.map { String(self.characters[$0]) }.joined()
                            guard (13...19).contains(digits.count), digits.first != "0", Checksums.luhnIsValid(digits) else { continue }
                            let range = run[first].lowerBound..<run[last].upperBound
                            if self.configuration.cards == .binAndLast4 {
                                findings.append(self.finding("card", range, "[card \(digits.prefix(6))…\(digits.suffix(4))]"))
                            } else {
                                findings.append(self.finding("card", range))
                            }
                            first = last + 1
                            continue runLoop
                        }
                    }
                    first += 1
                }
            }
            return findings
        }

        /// Whether a number may start at `index`: no letter or digit before it, and not `12.` or `14:` (the number would
        /// be the tail of a decimal, a date or a time).
        func startsCleanly(at index: Int) -> Bool {
            guard !self.isWord(at: index - 1) else { return false }
            if let before = self.character(at: index - 1), ".,:".contains(before), self.isDigit(at: index - 2) { return false }
            return true
        }

        /// Whether `index` starts `,5` / `.50` (a decimal part: the number before is an amount).
        func isDecimalTail(at index: Int) -> Bool {
            guard let character = self.character(at: index), ",.".contains(character) else { return false }
            return self.isDigit(at: index + 1)
        }

        // MARK: - Card security codes

        /// Keywords that name a security code wherever they stand.
        static let securityCodeKeywords: [[Character]] = [
            "cvv2", "cvc2", "cvv", "cvc", "cvn", "csc", "cav2", "cid", "security code", "sicherheitscode", "kartenprüfnummer",
            "kartenprüfziffer", "prüfnummer", "prüfziffer", "код безопасности", "código de segurança", "codigo de seguranca",
        ].map { Array($0) }
        /// Keywords that name a security code only near a card number or a word for card.
        static let contextualCodeKeywords: [[Character]] = ["code", "код", "kod", "código", "codigo"].map { Array($0) }
        /// Words for a payment card.
        static let cardWords = Keywords(["card", "karte", "kreditkarte", "карт", "cartão", "cartao"])
        /// Words that may stand between a keyword and the code.
        static let fillerWords: [[Character]] =
            [
                "is", "ist", "lautet", "number", "nummer", "nr", "no", "это", "номер", "é", "of", "the", "der", "de", "do", "da", "карты", "card",
                "karte", "cartão",
            ].map { Array($0) } + Self.securityCodeKeywords

        func securityCodes(after cards: [Finding]) -> [Finding] {
            var findings: [Finding] = []
            let count = self.characters.count
            var index = 0
            while index < count {
                defer { index += 1 }
                guard self.characters[index].isLetter, !(self.character(at: index - 1)?.isLetter ?? false) else { continue }
                var keyword = Self.securityCodeKeywords.first { self.matches($0, at: index) }
                if keyword == nil, let word = Self.contextualCodeKeywords.first(where: { self.matches($0, at: index) }) {
                    let nearCard = cards.contains { $0.range.upperBound <= index && index - $0.range.upperBound <= 300 }
                    let nearWord = self.lastKeyword(Self.cardWords, before: index, window: 120) != nil
                    if nearCard || nearWord { keyword = word }
                }
                guard let keyword else { continue }
                var cursor = index + keyword.count
                // The keyword must end a word (`cvv2` is fine, `codex` is not).
                if self.character(at: cursor)?.isLetter ?? false { continue }
                if let code = self.code(after: &cursor) {
                    findings.append(self.finding("cvc", code))
                    index = code.upperBound - 1
                }
            }
            // Three digits right after a card number (and its expiry date): `4111 1111 1111 1111, 12/27, 123`.
            for card in cards {
                var cursor = card.range.upperBound
                self.skip(", ;/", from: &cursor, limit: 3)
                if let month = self.digits(at: cursor), month.count == 2, self.character(at: month.upperBound) == "/",
                    let year = self.digits(at: month.upperBound + 1), [2, 4].contains(year.count)
                {
                    cursor = year.upperBound
                    self.skip(", ;", from: &cursor, limit: 3)
                }
                if cursor > card.range.upperBound, let code = self.digits(at: cursor), code.count == 3, !self.isWord(at: code.upperBound),
                    !self.isDecimalTail(at: code.upperBound)
                {
                    findings.append(self.finding("cvc", code))
                }
            }
            return findings
        }

        /// The 3–4 digit code after a keyword (separators and filler words skipped), moving `cursor` past it.
        func code(after cursor: inout Int) -> Range<Int>? {
            for _ in 0..<4 {
                self.skip(" :=-–—/.()#№", from: &cursor, limit: 6)
                guard let filler = Self.fillerWords.first(where: { self.matches($0, at: cursor) && !self.isWord(at: cursor + $0.count) }) else {
                    break
                }
                cursor += filler.count
            }
            guard let code = self.digits(at: cursor), (3...4).contains(code.count), !self.isWord(at: code.upperBound),
                !self.isDecimalTail(at: code.upperBound)
            else { return nil }
            return code
        }

        func skip(_ characters: String, from cursor: inout Int, limit: Int) {
            var skipped = 0
            while skipped < limit, let character = self.character(at: cursor), characters.contains(character) {
                cursor += 1
                skipped += 1
            }
        }

        /// The run of digits starting at `index`, if one starts there (not in the middle of a number).
        func digits(at index: Int) -> Range<Int>? {
            guard self.isDigit(at: index), !self.isDigit(at: index - 1) else { return nil }
            var end = index
            while self.isDigit(at: end) { end += 1 }
            return index..<end
        }

        // MARK: - Names

        /// Short words of a name that are not removed on their own.
        static let nameParticles: Set<String> = [
            "von", "van", "der", "den", "de", "da", "das", "dos", "del", "la", "le", "zu", "und", "and", "mr", "mrs", "ms", "dr", "herr",
            "frau", "bin", "ibn",
        ]

        func nameFindings() -> [Finding] {
            var words: Set<[Character]> = []
            for name in self.names {
                let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
                guard trimmed.count >= 2, trimmed.count <= 200 else { continue }
                words.insert(Array(trimmed.lowercased()))
                for part in trimmed.split(whereSeparator: { $0.isWhitespace || ",;/".contains($0) }) {
                    let lower = part.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: ".()"))
                    guard lower.count >= 3, !Self.nameParticles.contains(lower), lower.contains(where: \.isLetter) else { continue }
                    words.insert(Array(lower))
                }
            }
            var findings: [Finding] = []
            for word in words where !word.isEmpty {
                var index = 0
                while index + word.count <= self.lowered.count {
                    if self.lowered[index] == word[0], self.matches(word, at: index), !self.isWord(at: index - 1),
                        !self.isWord(at: index + word.count)
                    {
                        findings.append(self.finding("name", index..<(index + word.count)))
                        index += word.count
                    } else {
                        index += 1
                    }
                }
            }
            return findings
        }
    }
}
