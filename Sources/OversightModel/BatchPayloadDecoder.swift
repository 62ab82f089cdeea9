//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// A single-pass decoder for batch payloads of ticket records.
//
//===----------------------------------------------------------------------===//

import Foundation

/// Decodes a ``BatchPayload`` in one pass over its bytes, without Foundation's `JSONDecoder` for ticket records.
///
/// The result is exactly what `WireJSON.decode(BatchPayload.self, from:)` gives for the same bytes, and a payload
/// that one refuses the other refuses too: the fast path handles the full JSON grammar (whitespace, any key order,
/// escapes including `\uXXXX` surrogate pairs, numbers) for the keys it knows and gives up on anything it does not
/// decide with certainty — a record of another kind than `ticket`, a key it does not know, a duplicate key, a number
/// with a fraction or exponent, a timestamp `WireJSON.parseDate` refuses, and every error. A record it gives up on is
/// checked for JSON grammar, skipped and decoded alone with `WireJSON`'s `JSONDecoder` (which ignores unknown keys as
/// the synthesized conformances do); when that fails too, or the payload's own header is unusual, the whole payload
/// is decoded with `WireJSON.decode`, so the error (and its message) is the `Codable` path's own. That path checks the
/// text with ``StrictJSON`` first, so a duplicate member name, invalid UTF-8, a lone surrogate or an integer beyond
/// 64 bits is refused by both paths, with the problem's path in the message.
public enum BatchPayloadDecoder {
    /// Decodes a batch payload; throws `WireJSON.decode`'s `DecodingError` when the payload is not a valid one.
    ///
    /// A key the fast path does not know (an extension, or a field added to ``TicketRecord`` without teaching this
    /// decoder) hands its record, or the payload for a header key, to `JSONDecoder`: the value is then still decoded
    /// (or ignored) exactly as `Codable` does, never silently dropped; `ticketKeys` lists what the fast path reads.
    public static func decode(_ data: Data) throws -> BatchPayload {
        if let payload = Self.fastDecode(data) { return payload }
        return try WireJSON.decode(BatchPayload.self, from: data)
    }

    /// The ticket keys the fast path decodes itself (the tests check every stored property of ``TicketRecord`` is one).
    package static let ticketKeys: Set<String> = [
        "kind", "provider", "site", "id", "channel", "priority", "status", "createdAt", "updatedAt", "firstReplyAt",
        "solvedAt", "closedAt", "reopenCount", "assignee", "queue", "tags", "csat", "contactCount", "heldBy",
        "statusChanges", "agentReplies", "customerMessages",
    ]

    /// The fast path alone: the payload, or `nil` when it gave up (the payload may still be valid).
    package static func fastDecode(_ data: Data) -> BatchPayload? {
        data.withUnsafeBytes { raw -> BatchPayload? in
            guard let base = raw.bindMemory(to: UInt8.self).baseAddress else { return nil }
            var parser = Parser(base: base, count: raw.count)
            return try? parser.payload()
        }
    }

    /// How many records of a payload the fast path handed to `JSONDecoder` one by one (for tests).
    package static func fastDecodeCountingFallbacks(_ data: Data) -> (payload: BatchPayload, recordFallbacks: Int)? {
        data.withUnsafeBytes { raw -> (BatchPayload, Int)? in
            guard let base = raw.bindMemory(to: UInt8.self).baseAddress else { return nil }
            var parser = Parser(base: base, count: raw.count)
            guard let payload = try? parser.payload() else { return nil }
            return (payload, parser.recordFallbacks)
        }
    }
}

/// The fast path gave up; the `Codable` path decides.
private struct GiveUp: Error {}

private let quote = UInt8(ascii: "\"")
private let backslash = UInt8(ascii: "\\")
private let comma = UInt8(ascii: ",")
private let colon = UInt8(ascii: ":")
private let openBrace = UInt8(ascii: "{")
private let closeBrace = UInt8(ascii: "}")
private let openBracket = UInt8(ascii: "[")
private let closeBracket = UInt8(ascii: "]")
private let minus = UInt8(ascii: "-")
private let zero = UInt8(ascii: "0")
private let nine = UInt8(ascii: "9")

/// Deepest nesting the skipper follows inside an unknown value (`JSONDecoder` refuses beyond 512 in all).
private let maxSkipDepth = 64

private struct Parser {
    let base: UnsafePointer<UInt8>
    let count: Int
    var index = 0
    var recordFallbacks = 0
    /// Created on the first record the fast path hands over.
    var recordDecoder: JSONDecoder?

    init(base: UnsafePointer<UInt8>, count: Int) {
        self.base = base
        self.count = count
    }

    // MARK: Payload and records

    mutating func payload() throws(GiveUp) -> BatchPayload {
        var v: Int?
        var agentId: String?
        var provider: String?
        var site: String?
        var seq: Int64?
        var prev: String?
        var sealedAt: Date?
        var records: [Record]?
        self.skipWhitespace()
        try self.expect(openBrace)
        self.skipWhitespace()
        if self.peek() == closeBrace {
            self.index += 1
        } else {
            while true {
                self.skipWhitespace()
                let key = try self.key()
                self.skipWhitespace()
                try self.expect(colon)
                self.skipWhitespace()
                switch key {
                case K("v"): try Self.once(&v, try self.int())
                case K("agentId"): try Self.once(&agentId, try self.string())
                case K("provider"): try Self.once(&provider, try self.string())
                case K("site"): try Self.once(&site, try self.string())
                case K("seq"): try Self.once(&seq, Int64(try self.int()))
                case K("prev"): try Self.once(&prev, try self.string())
                case K("sealedAt"): try Self.once(&sealedAt, try self.date())
                case K("records"): try Self.once(&records, try self.records())
                default: throw GiveUp()  // an unknown key: see `decode`
                }
                self.skipWhitespace()
                if self.peek() == comma {
                    self.index += 1
                    continue
                }
                try self.expect(closeBrace)
                break
            }
        }
        self.skipWhitespace()
        guard self.index == self.count, let v, let agentId, let provider, let site, let seq, let prev, let sealedAt,
            let records
        else { throw GiveUp() }
        var payload = BatchPayload(
            agentId: agentId, provider: provider, site: site, seq: seq, prev: prev, sealedAt: sealedAt, records: records
        )
        payload.v = v
        return payload
    }

    mutating func records() throws(GiveUp) -> [Record] {
        try self.expect(openBracket)
        var records: [Record] = []
        self.skipWhitespace()
        if self.peek() == closeBracket {
            self.index += 1
            return records
        }
        while true {
            self.skipWhitespace()
            let start = self.index
            do {
                records.append(.ticket(try self.ticket()))
            } catch {
                // Not a ticket the fast path decides: skip it (checking its grammar) and decode it alone.
                self.index = start
                try self.skipValue(depth: 0)
                records.append(try self.decodeAlone(from: start, to: self.index))
            }
            self.skipWhitespace()
            if self.peek() == comma {
                self.index += 1
                continue
            }
            try self.expect(closeBracket)
            return records
        }
    }

    mutating func decodeAlone(from start: Int, to end: Int) throws(GiveUp) -> Record {
        self.recordFallbacks += 1
        let decoder = self.recordDecoder ?? WireJSON.decoder()
        self.recordDecoder = decoder
        let bytes = Data(UnsafeBufferPointer(start: self.base + start, count: end - start))
        // A record the fast path gave up on may hold what parsers read differently (a duplicate member name): the
        // whole payload then goes to `WireJSON.decode`, whose strict check names the problem and its path.
        guard StrictJSON.problem(in: bytes) == nil else { throw GiveUp() }
        do {
            return try decoder.decode(Record.self, from: bytes)
        } catch {
            throw GiveUp()
        }
    }

    mutating func ticket() throws(GiveUp) -> TicketRecord {
        var kind: String?
        var provider: String?
        var site: String?
        var id: String?
        var channel: ContactChannel?
        var priority: Priority?
        var status: TicketStatus?
        var createdAt: Date?
        var updatedAt: Date?
        var firstReplyAt: Date??
        var solvedAt: Date??
        var closedAt: Date??
        var reopenCount: Int?
        var assignee: String??
        var queue: String??
        var tags: [String]?
        var csat: Int??
        var contactCount: Int?
        var heldBy: String??
        var statusChanges: [TicketRecord.StatusChange]?
        var agentReplies: [Date]??
        var customerMessages: [Date]??
        try self.expect(openBrace)
        self.skipWhitespace()
        if self.peek() == closeBrace { throw GiveUp() }
        while true {
            self.skipWhitespace()
            let key = try self.key()
            self.skipWhitespace()
            try self.expect(colon)
            self.skipWhitespace()
            switch key {
            case K("kind"): try Self.once(&kind, try self.string())
            case K("provider"): try Self.once(&provider, try self.string())
            case K("site"): try Self.once(&site, try self.string())
            case K("id"): try Self.once(&id, try self.string())
            case K("channel"): try Self.once(&channel, try self.enumeration(ContactChannel.self))
            case K("priority"): try Self.once(&priority, try self.enumeration(Priority.self))
            case K("status"): try Self.once(&status, try self.enumeration(TicketStatus.self))
            case K("createdAt"): try Self.once(&createdAt, try self.date())
            case K("updatedAt"): try Self.once(&updatedAt, try self.date())
            case K("firstReplyAt"): try Self.once(&firstReplyAt, try self.null() ? nil : try self.date())
            case K("solvedAt"): try Self.once(&solvedAt, try self.null() ? nil : try self.date())
            case K("closedAt"): try Self.once(&closedAt, try self.null() ? nil : try self.date())
            case K("reopenCount"): try Self.once(&reopenCount, try self.int())
            case K("assignee"): try Self.once(&assignee, try self.null() ? nil : try self.string())
            case K("queue"): try Self.once(&queue, try self.null() ? nil : try self.string())
            case K("tags"): try Self.once(&tags, try self.strings())
            case K("csat"): try Self.once(&csat, try self.null() ? nil : try self.int())
            case K("contactCount"): try Self.once(&contactCount, try self.int())
            case K("heldBy"): try Self.once(&heldBy, try self.null() ? nil : try self.string())
            case K("statusChanges"): try Self.once(&statusChanges, try self.statusChanges())
            case K("agentReplies"): try Self.once(&agentReplies, try self.null() ? nil : try self.dates())
            case K("customerMessages"): try Self.once(&customerMessages, try self.null() ? nil : try self.dates())
            default: throw GiveUp()  // an unknown key: see `decode`
            }
            self.skipWhitespace()
            if self.peek() == comma {
                self.index += 1
                continue
            }
            try self.expect(closeBrace)
            break
        }
        guard kind == "ticket", let provider, let site, let id, let channel, let priority, let status, let createdAt,
            let updatedAt, let reopenCount, let tags, let contactCount, let statusChanges
        else { throw GiveUp() }
        return TicketRecord(
            provider: provider, site: site, id: id, channel: channel, priority: priority, status: status,
            createdAt: createdAt, updatedAt: updatedAt, firstReplyAt: firstReplyAt ?? nil, solvedAt: solvedAt ?? nil,
            closedAt: closedAt ?? nil, reopenCount: reopenCount, assignee: assignee ?? nil, queue: queue ?? nil,
            tags: tags, csat: csat ?? nil, contactCount: contactCount, heldBy: heldBy ?? nil,
            statusChanges: statusChanges, agentReplies: agentReplies ?? nil, customerMessages: customerMessages ?? nil
        )
    }

    mutating func statusChanges() throws(GiveUp) -> [TicketRecord.StatusChange] {
        try self.expect(openBracket)
        var changes: [TicketRecord.StatusChange] = []
        self.skipWhitespace()
        if self.peek() == closeBracket {
            self.index += 1
            return changes
        }
        while true {
            self.skipWhitespace()
            var status: TicketStatus?
            var at: Date?
            try self.expect(openBrace)
            self.skipWhitespace()
            if self.peek() == closeBrace { throw GiveUp() }
            while true {
                self.skipWhitespace()
                let key = try self.key()
                self.skipWhitespace()
                try self.expect(colon)
                self.skipWhitespace()
                switch key {
                case K("status"): try Self.once(&status, try self.enumeration(TicketStatus.self))
                case K("at"): try Self.once(&at, try self.date())
                default: throw GiveUp()  // an unknown key: see `decode`
                }
                self.skipWhitespace()
                if self.peek() == comma {
                    self.index += 1
                    continue
                }
                try self.expect(closeBrace)
                break
            }
            guard let status, let at else { throw GiveUp() }
            changes.append(TicketRecord.StatusChange(status: status, at: at))
            self.skipWhitespace()
            if self.peek() == comma {
                self.index += 1
                continue
            }
            try self.expect(closeBracket)
            return changes
        }
    }

    mutating func dates() throws(GiveUp) -> [Date] {
        try self.array { (parser: inout Self) throws(GiveUp) in try parser.date() }
    }

    mutating func strings() throws(GiveUp) -> [String] {
        try self.array { (parser: inout Self) throws(GiveUp) in try parser.string() }
    }

    /// A JSON array whose elements `element` reads.
    mutating func array<Element>(_ element: (inout Self) throws(GiveUp) -> Element) throws(GiveUp) -> [Element] {
        try self.expect(openBracket)
        var elements: [Element] = []
        self.skipWhitespace()
        if self.peek() == closeBracket {
            self.index += 1
            return elements
        }
        while true {
            self.skipWhitespace()
            elements.append(try element(&self))
            self.skipWhitespace()
            if self.peek() == comma {
                self.index += 1
                continue
            }
            try self.expect(closeBracket)
            return elements
        }
    }

    /// Stores a known key's value, giving up on a key seen twice (which value `JSONDecoder` keeps is its business).
    static func once<T>(_ slot: inout T?, _ value: T) throws(GiveUp) {
        guard slot == nil else { throw GiveUp() }
        slot = value
    }

    /// Consumes a `null` if one is next.
    mutating func null() throws(GiveUp) -> Bool {
        guard self.peek() == UInt8(ascii: "n") else { return false }
        try self.literal("null")
        return true
    }

    // MARK: Values

    func peek() -> UInt8 {
        self.index < self.count ? self.base[self.index] : 0
    }

    mutating func expect(_ byte: UInt8) throws(GiveUp) {
        guard self.index < self.count, self.base[self.index] == byte else { throw GiveUp() }
        self.index += 1
    }

    mutating func skipWhitespace() {
        while self.index < self.count {
            switch self.base[self.index] {
            case 0x20, 0x0A, 0x0D, 0x09: self.index += 1
            default: return
            }
        }
    }

    mutating func literal(_ text: StaticString) throws(GiveUp) {
        let length = text.utf8CodeUnitCount
        guard self.count - self.index >= length, memcmp(self.base + self.index, text.utf8Start, length) == 0 else {
            throw GiveUp()
        }
        self.index += length
    }

    /// An object key: the raw bytes when they are plain ASCII without escapes, else the decoded text.
    enum Key {
        case raw(UnsafeBufferPointer<UInt8>)
        case decoded(String)
    }

    /// A key the decoder knows, matched against a ``Key`` in `switch` cases.
    struct K {
        let name: StaticString

        init(_ name: StaticString) { self.name = name }

        static func ~= (pattern: K, key: Key) -> Bool {
            switch key {
            case .raw(let bytes):
                return bytes.count == pattern.name.utf8CodeUnitCount
                    && memcmp(bytes.baseAddress!, pattern.name.utf8Start, bytes.count) == 0
            case .decoded(let text):
                // `JSONDecoder` looks keys up in a `[String: …]`, so keys compare as Swift strings do.
                return text == pattern.name.description
            }
        }
    }

    mutating func key() throws(GiveUp) -> Key {
        try self.expect(quote)
        let start = self.index
        while self.index < self.count {
            let byte = self.base[self.index]
            if byte == quote {
                self.index += 1
                return .raw(UnsafeBufferPointer(start: self.base + start, count: self.index - 1 - start))
            }
            if byte == backslash || byte < 0x20 || byte >= 0x80 { break }
            self.index += 1
        }
        self.index = start - 1
        return .decoded(try self.string())
    }

    mutating func string() throws(GiveUp) -> String {
        try self.expect(quote)
        let start = self.index
        var ascii = true
        while self.index < self.count {
            let byte = self.base[self.index]
            if byte == quote {
                let bytes = UnsafeBufferPointer(start: self.base + start, count: self.index - start)
                self.index += 1
                if ascii { return String(decoding: bytes, as: UTF8.self) }
                guard let text = String(validating: bytes, as: UTF8.self) else { throw GiveUp() }
                return text
            }
            if byte == backslash { return try self.escapedString(from: start) }
            if byte < 0x20 { throw GiveUp() }
            if byte >= 0x80 { ascii = false }
            self.index += 1
        }
        throw GiveUp()
    }

    /// The rest of a string from `start` (just after its opening quote) that has an escape.
    mutating func escapedString(from start: Int) throws(GiveUp) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(self.index - start + 16)
        bytes.append(contentsOf: UnsafeBufferPointer(start: self.base + start, count: self.index - start))
        while self.index < self.count {
            let byte = self.base[self.index]
            self.index += 1
            if byte == quote {
                guard let text = String(validating: bytes, as: UTF8.self) else { throw GiveUp() }
                return text
            }
            if byte < 0x20 { throw GiveUp() }
            guard byte == backslash else {
                bytes.append(byte)
                continue
            }
            guard self.index < self.count else { throw GiveUp() }
            let escape = self.base[self.index]
            self.index += 1
            switch escape {
            case quote, backslash, UInt8(ascii: "/"): bytes.append(escape)
            case UInt8(ascii: "b"): bytes.append(0x08)
            case UInt8(ascii: "f"): bytes.append(0x0C)
            case UInt8(ascii: "n"): bytes.append(0x0A)
            case UInt8(ascii: "r"): bytes.append(0x0D)
            case UInt8(ascii: "t"): bytes.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try self.hex4()
                if (0xD800...0xDBFF).contains(scalar) {
                    // A high surrogate must be followed by an escaped low one.
                    try self.expect(backslash)
                    try self.expect(UInt8(ascii: "u"))
                    let low = try self.hex4()
                    guard (0xDC00...0xDFFF).contains(low) else { throw GiveUp() }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00...0xDFFF).contains(scalar) {
                    throw GiveUp()
                }
                guard let unicode = Unicode.Scalar(scalar) else { throw GiveUp() }
                bytes.append(contentsOf: UTF8.encode(unicode)!)
            default: throw GiveUp()
            }
        }
        throw GiveUp()
    }

    mutating func hex4() throws(GiveUp) -> UInt32 {
        guard self.count - self.index >= 4 else { throw GiveUp() }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = self.base[self.index]
            self.index += 1
            let digit: UInt8
            switch byte {
            case zero...nine: digit = byte - zero
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw GiveUp()
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    mutating func enumeration<T: RawRepresentable>(_ type: T.Type) throws(GiveUp) -> T where T.RawValue == String {
        guard let value = T(rawValue: try self.string()) else { throw GiveUp() }
        return value
    }

    /// A plain JSON integer (`-?(0|[1-9][0-9]*)`) that fits; anything with a fraction or exponent gives up.
    mutating func int() throws(GiveUp) -> Int {
        var negative = false
        if self.peek() == minus {
            negative = true
            self.index += 1
        }
        let start = self.index
        var value = 0
        while self.index < self.count, case zero...nine = self.base[self.index] {
            let digit = Int(self.base[self.index] - zero)
            let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = negative ? times.subtractingReportingOverflow(digit) : times.addingReportingOverflow(digit)
            guard !overflow1, !overflow2 else { throw GiveUp() }
            value = sum
            self.index += 1
        }
        let digits = self.index - start
        guard digits > 0, !(digits > 1 && self.base[start] == zero), !(negative && value == 0) else { throw GiveUp() }
        switch self.peek() {
        case UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"): throw GiveUp()
        default: return value
        }
    }

    /// A timestamp in the canonical form `YYYY-MM-DDTHH:MM:SS[.mmm]Z`, computed as `WireJSON.parseDate` computes it.
    mutating func date() throws(GiveUp) -> Date {
        guard self.peek() == quote else { throw GiveUp() }
        let start = self.index + 1
        var end = start
        while end < self.count, end - start <= 24, self.base[end] != quote, self.base[end] != backslash { end += 1 }
        let length = end - start
        guard end < self.count, self.base[end] == quote, length == 20 || length == 24 else {
            // Another form (an offset, more digits, escapes): `WireJSON.parseDate` decides, as `JSONDecoder` does.
            guard let date = WireJSON.parseDate(try self.string()) else { throw GiveUp() }
            return date
        }
        let bytes = self.base + start
        guard bytes[length - 1] == UInt8(ascii: "Z"), bytes[4] == minus, bytes[7] == minus,
            bytes[10] == UInt8(ascii: "T"), bytes[13] == colon, bytes[16] == colon
        else {
            guard let date = WireJSON.parseDate(try self.string()) else { throw GiveUp() }
            return date
        }
        guard let date = Self.canonicalDate(bytes, length) else { throw GiveUp() }
        self.index = end + 1
        return date
    }

    private static let monthDays = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

    /// The same arithmetic as `WireJSON`'s canonical parser, so the same `Date` to the bit.
    static func canonicalDate(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> Date? {
        func number(_ from: Int, _ length: Int) -> Int? {
            var value = 0
            for index in from..<(from + length) {
                let digit = Int(bytes[index]) - 48
                guard digit >= 0 && digit <= 9 else { return nil }
                value = value * 10 + digit
            }
            return value
        }
        guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2), let hour = number(11, 2),
            let minute = number(14, 2), let second = number(17, 2), (1...12).contains(month), (1...31).contains(day),
            hour < 24, minute < 60, second < 60
        else { return nil }
        var millis = 0
        if count == 24 {
            guard bytes[19] == UInt8(ascii: "."), let fraction = number(20, 3) else { return nil }
            millis = fraction
        }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        guard day <= (month == 2 && leap ? 29 : Self.monthDays[month - 1]) else { return nil }
        // Days since 1970-01-01 (Howard Hinnant's days_from_civil).
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        let seconds = Double(days * 86_400 + hour * 3600 + minute * 60 + second)
        return Date(timeIntervalSince1970: seconds + Double(millis) / 1000)
    }

    // MARK: Skipping unknown values

    /// Skips one JSON value of any kind, checking its grammar as strictly as JSON demands.
    mutating func skipValue(depth: Int) throws(GiveUp) {
        guard depth < maxSkipDepth else { throw GiveUp() }
        switch self.peek() {
        case quote:
            _ = try self.string()
        case openBrace:
            self.index += 1
            self.skipWhitespace()
            if self.peek() == closeBrace {
                self.index += 1
                return
            }
            while true {
                self.skipWhitespace()
                _ = try self.string()
                self.skipWhitespace()
                try self.expect(colon)
                self.skipWhitespace()
                try self.skipValue(depth: depth + 1)
                self.skipWhitespace()
                if self.peek() == comma {
                    self.index += 1
                    continue
                }
                try self.expect(closeBrace)
                return
            }
        case openBracket:
            self.index += 1
            self.skipWhitespace()
            if self.peek() == closeBracket {
                self.index += 1
                return
            }
            while true {
                self.skipWhitespace()
                try self.skipValue(depth: depth + 1)
                self.skipWhitespace()
                if self.peek() == comma {
                    self.index += 1
                    continue
                }
                try self.expect(closeBracket)
                return
            }
        case UInt8(ascii: "t"): try self.literal("true")
        case UInt8(ascii: "f"): try self.literal("false")
        case UInt8(ascii: "n"): try self.literal("null")
        default: try self.skipNumber()
        }
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`
    mutating func skipNumber() throws(GiveUp) {
        if self.peek() == minus { self.index += 1 }
        let start = self.index
        self.skipDigits()
        let digits = self.index - start
        guard digits > 0, !(digits > 1 && self.base[start] == zero) else { throw GiveUp() }
        if self.peek() == UInt8(ascii: ".") {
            self.index += 1
            guard self.skipDigits() > 0 else { throw GiveUp() }
        }
        if self.peek() == UInt8(ascii: "e") || self.peek() == UInt8(ascii: "E") {
            self.index += 1
            if self.peek() == UInt8(ascii: "+") || self.peek() == minus { self.index += 1 }
            guard self.skipDigits() > 0 else { throw GiveUp() }
        }
    }

    @discardableResult
    mutating func skipDigits() -> Int {
        let start = self.index
        while self.index < self.count, case zero...nine = self.base[self.index] { self.index += 1 }
        return self.index - start
    }
}
