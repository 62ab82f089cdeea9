//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The fast batch decoder against Foundation's JSONDecoder, on seeded random payloads.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightModel
import Testing

@Suite struct BatchPayloadDecoderTests {
    /// A decoder's error, as text.
    struct Failure: Error, Equatable {
        var text: String
    }

    /// What each decoder makes of the same bytes: the payload, or the error text.
    static func outcomes(_ data: Data) -> (codable: Result<BatchPayload, Failure>, fast: Result<BatchPayload, Failure>) {
        func run(_ body: () throws -> BatchPayload) -> Result<BatchPayload, Failure> {
            do { return .success(try body()) } catch { return .failure(Failure(text: String(describing: error))) }
        }
        return (run { try WireJSON.decode(BatchPayload.self, from: data) }, run { try BatchPayloadDecoder.decode(data) })
    }

    @Test func decodesWhatTheWireEncoderWrites() throws {
        var random = SeededRandom(seed: 1)
        let payload = Self.randomPayload(&random, records: 50)
        let data = try WireJSON.encode(payload)
        let fast = try #require(BatchPayloadDecoder.fastDecodeCountingFallbacks(data))
        #expect(fast.payload == payload)
        #expect(fast.recordFallbacks == 0)
    }

    /// Random payloads written with random key orders, whitespace, escapes, unknown keys and date forms decode to
    /// exactly what `WireJSON.decode` gives; the fast path decides every ticket without unknown keys and hands each
    /// one with unknown keys (and a payload whose header has one) to `JSONDecoder`.
    @Test(arguments: 0..<8) func randomPayloadsDecodeAsJSONDecoderDoes(seed: UInt64) throws {
        var random = SeededRandom(seed: 100 + seed)
        for _ in 0..<25 {
            let payload = Self.randomPayload(&random, records: random.int(0...12))
            var writer = Writer(random: random)
            let data = Data(writer.payload(payload).utf8)
            random = writer.random
            let text = String(decoding: data, as: UTF8.self)
            let codable = try WireJSON.decode(BatchPayload.self, from: data)
            // The generator wrote what it meant (dates in the `+00:00` form go through Foundation's parser, whose
            // result can differ from the original in the last bits, so they are not compared here).
            #expect(codable.records.map(\.key) == payload.records.map(\.key) && codable.site == payload.site, "\(text.prefix(300))")
            #expect(try BatchPayloadDecoder.decode(data) == codable, "\(text.prefix(600))")
            if writer.headerHasUnknownKeys {
                #expect(BatchPayloadDecoder.fastDecode(data) == nil)
                continue
            }
            let fast = try #require(BatchPayloadDecoder.fastDecodeCountingFallbacks(data), "fast path gave up on \(text.prefix(600))")
            #expect(fast.payload == codable, "\(text.prefix(600))")
            #expect(fast.recordFallbacks == writer.recordsWithUnknownKeys)
        }
    }

    /// Corrupted payloads: both decoders refuse (with the same message) or both accept the same value.
    @Test(arguments: 0..<8) func corruptedPayloadsAreRefusedByBothOrNeither(seed: UInt64) throws {
        var random = SeededRandom(seed: 900 + seed)
        var refused = 0
        var accepted = 0
        for _ in 0..<150 {
            let payload = Self.randomPayload(&random, records: random.int(1...4))
            var writer = Writer(random: random)
            var bytes = Array(writer.payload(payload).utf8)
            random = writer.random
            for _ in 0..<random.int(1...3) { Self.corrupt(&bytes, &random) }
            let data = Data(bytes)
            let (codable, fast) = Self.outcomes(data)
            switch (codable, fast) {
            case (.success(let a), .success(let b)):
                accepted += 1
                #expect(a == b, "\(String(decoding: data, as: UTF8.self).prefix(600))")
            case (.failure(let a), .failure(let b)):
                refused += 1
                #expect(a == b)
            default:
                Issue.record("decoders disagree: codable \(codable), fast \(fast) on \(String(decoding: data, as: UTF8.self).prefix(800))")
            }
        }
        // Both kinds occur, so the comparison is not vacuous.
        #expect(refused > 0)
        #expect(accepted > 0)
    }

    /// Hand-picked edge cases, each compared with `JSONDecoder`'s verdict.
    @Test(arguments: Self.edgeCases) func edgeCaseMatchesJSONDecoder(ticketFields: String) {
        let text = #"{"v":1,"agentId":"agt_1","provider":"p","site":"s","seq":3,"prev":"00","sealedAt":"2026-11-25T12:00:00.000Z","records":[{"kind":"ticket",\#(ticketFields)}]}"#
        let (codable, fast) = Self.outcomes(Data(text.utf8))
        switch (codable, fast) {
        case (.success(let a), .success(let b)): #expect(a == b)
        case (.failure(let a), .failure(let b)): #expect(a == b)
        default: Issue.record("decoders disagree on \(ticketFields): codable \(codable), fast \(fast)")
        }
    }

    static let base = #""provider":"p","site":"s","channel":"chat","priority":"high","status":"open","createdAt":"2026-11-25T12:00:00.000Z","updatedAt":"2026-11-25T12:00:01Z","reopenCount":0,"tags":[],"contactCount":1,"statusChanges":[]"#

    static let edgeCases: [String] = [
        #""id":"a",\#(base)"#,
        #""id":"a",\#(base),"id":"b""#,  // duplicate key
        #""id":"a",\#(base),"extra":1e999"#,  // unknown number out of Double's range
        #""id":"a",\#(base),"extra":-0.0e-5"#,
        #""id":"a",\#(base),"extra":01"#,  // leading zero
        #""id":"a",\#(base),"extra":[1,2,]"#,  // trailing comma
        #""id":"a",\#(base),"extra":{"a":[{"b":null}],"c":true,"d":"\ud83d\ude00"}"#,
        #""id":"a",\#(base),"extra":"\ud83d""#,  // lone high surrogate in an unknown value
        #""id":"\udc00",\#(base)"#,  // lone low surrogate
        #""id":"\u0000\u001f\"\\\/\b\f\n\r\t",\#(base)"#,
        #""id":"é😀\u00e9",\#(base)"#,
        #""id":"a",\#(base),"csat":4.0"#,
        #""id":"a",\#(base),"csat":4e0"#,
        #""id":"a",\#(base),"csat":-0"#,
        #""id":"a",\#(base),"csat":null,"assignee":null,"firstReplyAt":null"#,
        #""id":"a",\#(base),"csat":9223372036854775808"#,  // overflows Int
        #""id":"a",\#(base),"csat":-9223372036854775808"#,
        #""id":"a",\#(base),"firstReplyAt":"2026-02-29T00:00:00.000Z""#,  // not a leap year
        #""id":"a",\#(base),"firstReplyAt":"2024-02-29T23:59:59.999Z""#,
        #""id":"a",\#(base),"firstReplyAt":"2026-11-25T12:00:00.5Z""#,
        #""id":"a",\#(base),"firstReplyAt":"2026-11-25T14:00:00.250+02:00""#,
        #""id":"a",\#(base),"firstReplyAt":"2026-11-25T12:00:00.000\u005a""#,  // escaped Z
        #""id":"a",\#(base),"firstReplyAt":"2026-11-25T12:00:00.000z""#,
        #""id":"a",\#(base),"firstReplyAt":"0000-01-01T00:00:00Z""#,
        #""id":"a",\#(base),"firstReplyAt":"2026-11-25T24:00:00Z""#,
        #""\u0069d":"a",\#(base)"#,  // escaped key
        #""id":"a",\#(base),"\u0069d":"b""#,  // the same key once escaped
        #""id":"a",\#(base),"st\u0061tus":"new""#,
        #""id":"a",\#(base),"tags":null"#,
        #""id":null,\#(base)"#,
        #"\#(base)"#,  // id missing
        #""id":"a",\#(base),"status":"On-hold""#,
        #""id":"a",\#(base),"statusChanges":[{"status":"new","at":"2026-11-25T12:00:00Z","x":[]},{"at":"2026-11-25T12:00:00Z","status":"solved"}]"#,
        #""id":"a",\#(base),"statusChanges":[{"status":"new"}]"#,
        #""id":"a",\#(base),"reopenCount":true"#,
        #""id":"a" , \#(base) ,"tags" : [ "x" , "y" ] "#,
        "\"id\":\"a\",\(base),\"tags\":[\"\u{7}\"]",  // raw control character
        "\"id\":\"a\u{7F}\",\(base)",
        #""id":"a",\#(base),"extra":123456789012345678901234567890"#,  // an integer beyond 64 bits, even in an unknown key
        #""id":"a",\#(base),"extra":{"k":1,"k":2}"#,  // a duplicate inside an unknown value
        #""id":"a",\#(base),"provider":"q""#,  // a duplicate of a known key, after it
    ]

    /// What parsers read differently is refused by both paths, naming the member and where it is (docs/protocol.md,
    /// "One reading"): a duplicate member name anywhere, a lone surrogate, an integer beyond 64 bits.
    @Test func ambiguousPayloadsAreRefusedNamingWhere() throws {
        let header = #""v":1,"agentId":"agt_1","provider":"p","site":"s","seq":3,"prev":"00","sealedAt":"2026-11-25T12:00:00.000Z""#
        let ticket = #"{"kind":"ticket","id":"a",\#(Self.base)}"#
        let cases: [(String, String)] = [
            ("{\(header),\"records\":[\(ticket),{\"kind\":\"ticket\",\"provider\":\"evil-bpo\",\"id\":\"b\",\(Self.base)}]}", "records[1]: the member name 'provider' appears twice"),
            ("{\(header),\"site\":\"t\",\"records\":[]}", "(root): the member name 'site' appears twice"),
            ("{\(header),\"records\":[\(ticket.replacingOccurrences(of: #""reopenCount":0"#, with: #""reopenCount":99999999999999999999"#))]}", "records[0].reopenCount: the integer 99999999999999999999 is outside the 64-bit range"),
            ("{\(header),\"records\":[\(ticket.replacingOccurrences(of: #""id":"a""#, with: #""id":"\ud800x""#))]}", "records[0].id: a string holds a lone surrogate"),
        ]
        for (text, expected) in cases {
            let (codable, fast) = Self.outcomes(Data(text.utf8))
            guard case .failure(let a) = codable, case .failure(let b) = fast else {
                Issue.record("both should refuse: \(expected)")
                continue
            }
            #expect(a == b)
            #expect(a.text.contains(expected), "\(a.text)")
        }
        // Invalid UTF-8 inside a string.
        var bytes = Array("{\(header),\"records\":[\(ticket)]}".utf8)
        let index = try #require(bytes.firstIndex(of: UInt8(ascii: "a")))
        bytes[index] = 0xFF
        let (codable, fast) = Self.outcomes(Data(bytes))
        guard case .failure(let a) = codable, case .failure(let b) = fast else {
            Issue.record("both should refuse invalid UTF-8")
            return
        }
        #expect(a == b)
        #expect(a.text.contains("not valid UTF-8"))
    }

    /// Every stored property of `TicketRecord` is a key the fast path decodes itself: a field added to the record
    /// without teaching the decoder would still be decoded (by `JSONDecoder`, record by record) but slowly.
    @Test func theFastPathKnowsEveryTicketField() throws {
        var random = SeededRandom(seed: 8)
        var ticket = Self.randomTicket(&random)
        ticket.firstReplyAt = random.date()
        ticket.solvedAt = random.date()
        ticket.closedAt = random.date()
        ticket.assignee = "a"
        ticket.queue = "q"
        ticket.csat = 3
        ticket.heldBy = "provider"
        ticket.agentReplies = [random.date()]
        ticket.customerMessages = [random.date(), random.date()]
        let fields = Set(Mirror(reflecting: ticket).children.compactMap(\.label))
        #expect(fields.subtracting(BatchPayloadDecoder.ticketKeys).isEmpty, "not decoded on the fast path: \(fields.subtracting(BatchPayloadDecoder.ticketKeys))")
        let payload = BatchPayload(agentId: "a", provider: "p", site: "s", seq: 1, prev: "0", sealedAt: random.date(), records: [.ticket(ticket)])
        let fast = try #require(BatchPayloadDecoder.fastDecodeCountingFallbacks(try WireJSON.encode(payload)))
        #expect(fast.payload == payload && fast.recordFallbacks == 0)
    }

    /// Interval records (another kind) among tickets: each decoded alone by `JSONDecoder`, the tickets on the fast path.
    @Test func intervalRecordsAreDecodedAloneAmongTickets() throws {
        var random = SeededRandom(seed: 9)
        var payload = Self.randomPayload(&random, records: 4)
        let interval = IntervalRecordTests.interval()
        payload.records.insert(.interval(interval), at: 1)
        payload.records.append(.interval(interval))
        let data = try WireJSON.encode(payload)
        let fast = try #require(BatchPayloadDecoder.fastDecodeCountingFallbacks(data))
        #expect(fast.payload == payload)
        #expect(fast.recordFallbacks == 2)
    }

    @Test func otherKindsGoToTheCodablePath() {
        var random = SeededRandom(seed: 5)
        let payload = Self.randomPayload(&random, records: 3)
        var text = String(decoding: try! WireJSON.encode(payload), as: UTF8.self)
        // A record of a kind the fast path does not know: `JSONDecoder` decides (today it refuses unknown kinds).
        text = text.replacingOccurrences(of: #""records":["#, with: #""records":[{"kind":"audit","x":1},"#)
        let (codable, fast) = Self.outcomes(Data(text.utf8))
        switch (codable, fast) {
        case (.success(let a), .success(let b)): #expect(a == b)
        case (.failure(let a), .failure(let b)): #expect(a == b)
        default: Issue.record("decoders disagree: codable \(codable), fast \(fast)")
        }
    }

    @Test func aRecordTheFastPathDoesNotDecideIsDecodedAlone() throws {
        var random = SeededRandom(seed: 6)
        let payload = Self.randomPayload(&random, records: 3)
        var text = String(decoding: try WireJSON.encode(payload), as: UTF8.self)
        // A fraction on an integer field: the fast path hands this record to JSONDecoder.
        let range = try #require(text.range(of: #""contactCount":"#))
        text.insert(contentsOf: "1.0,\"x\":", at: range.upperBound)
        let data = Data(text.utf8)
        let codable = Result { try WireJSON.decode(BatchPayload.self, from: data) }
        let fast = BatchPayloadDecoder.fastDecodeCountingFallbacks(data)
        switch codable {
        case .success(let value):
            #expect(fast?.payload == value)
            #expect(fast?.recordFallbacks == 1)
        case .failure:
            #expect(fast == nil)
            #expect(throws: DecodingError.self) { try BatchPayloadDecoder.decode(data) }
        }
    }

    @Test func errorsNameWhatAndWhereAsJSONDecoderDoes() throws {
        var random = SeededRandom(seed: 7)
        let payload = Self.randomPayload(&random, records: 2)
        let text = String(decoding: try WireJSON.encode(payload), as: UTF8.self)
            .replacingOccurrences(of: #""status":""#, with: #""status":"x"#)
        let data = Data(text.utf8)
        #expect(BatchPayloadDecoder.fastDecode(data) == nil)
        let (codable, fast) = Self.outcomes(data)
        guard case .failure(let expected) = codable, case .failure(let message) = fast else {
            Issue.record("both should refuse an unknown status")
            return
        }
        #expect(message == expected)
        #expect(message.text.contains("status"))
    }

    // MARK: Generators

    static func randomPayload(_ random: inout SeededRandom, records: Int) -> BatchPayload {
        BatchPayload(
            agentId: "agt_" + random.word(), provider: random.text(), site: random.text(), seq: Int64(random.int(1...Int(Int32.max))),
            prev: String(repeating: "0", count: 64), sealedAt: random.date(),
            records: (0..<records).map { _ in .ticket(Self.randomTicket(&random)) }
        )
    }

    static func randomTicket(_ random: inout SeededRandom) -> TicketRecord {
        func maybe<T>(_ value: @autoclosure () -> T) -> T? { random.bool() ? value() : nil }
        var ticket = TicketRecord(
            provider: random.text(), site: random.text(), id: random.text(),
            channel: ContactChannel.allCases.randomElement(using: &random)!,
            priority: Priority.allCases.randomElement(using: &random)!,
            status: TicketStatus.allCases.randomElement(using: &random)!, createdAt: random.date(), updatedAt: random.date()
        )
        if random.bool() { ticket.firstReplyAt = random.date() }
        if random.bool() { ticket.solvedAt = random.date() }
        if random.bool() { ticket.closedAt = random.date() }
        ticket.reopenCount = random.int(-3...Int.max)
        if random.bool() { ticket.assignee = random.text() }
        if random.bool() { ticket.queue = random.text() }
        ticket.tags = (0..<random.int(0...4)).map { _ in random.text() }
        if random.bool() { ticket.csat = random.int(Int.min...Int.max) }
        ticket.contactCount = random.int(0...1000)
        if random.bool() { ticket.heldBy = random.text() }
        ticket.statusChanges = (0..<random.int(0...4)).map { _ in
            .init(status: TicketStatus.allCases.randomElement(using: &random)!, at: random.date())
        }
        if random.bool() { ticket.agentReplies = (0..<random.int(0...3)).map { _ in random.date() } }
        if random.bool() { ticket.customerMessages = (0..<random.int(0...3)).map { _ in random.date() } }
        return ticket
    }

    /// One random change to the bytes: delete, insert or replace a byte, truncate, or duplicate a piece.
    static func corrupt(_ bytes: inout [UInt8], _ random: inout SeededRandom) {
        guard !bytes.isEmpty else { return }
        let interesting = Array(#"{}[]:,"\ 0-1.eEnultrfa"#.utf8) + [0x00, 0x07, 0x7F, 0x80, 0xC3, 0xFF]
        let at = random.int(0...(bytes.count - 1))
        switch random.int(0...5) {
        case 0: bytes.remove(at: at)
        case 1: bytes.insert(interesting.randomElement(using: &random)!, at: at)
        case 2: bytes[at] = interesting.randomElement(using: &random)!
        case 3: bytes.removeLast(random.int(1...min(40, bytes.count)))
        case 4:
            let length = random.int(1...min(30, bytes.count - at))
            bytes.insert(contentsOf: bytes[at..<(at + length)], at: at)
        default:
            // A digit changed, which can make a date impossible or a number overflow.
            if let digit = bytes.indices.filter({ (0x30...0x39).contains(bytes[$0]) }).randomElement(using: &random) {
                bytes[digit] = UInt8(0x30 + random.int(0...9))
            }
        }
    }
}

/// A small deterministic generator (SplitMix64), so every run makes the same payloads.
struct SeededRandom: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { self.state = seed }

    mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &self) }
    mutating func bool() -> Bool { Bool.random(using: &self) }

    mutating func word() -> String {
        String((0..<self.int(1...12)).map { _ in "abcdefghijklmnopqrstuvwxyz0123456789_-".randomElement(using: &self)! })
    }

    /// Mostly ASCII, sometimes quotes, backslashes, control characters, non-ASCII and characters beyond the BMP.
    mutating func text() -> String {
        let pieces: [String] = ["a", "Z", "9", "-", " ", "/", "\"", "\\", "\n", "\t", "\u{1}", "\u{1F}", "\u{7F}", "é", "e\u{301}",
                                "ß", "中", "😀", "👩‍💻", "\u{FFFF}", "\u{2028}", "K", "\u{212A}", "\u{10FFFF}"]
        var text = self.bool() ? self.word() : ""
        for _ in 0..<self.int(0...6) { text += pieces.randomElement(using: &self)! }
        return text.isEmpty ? "x" : text
    }

    /// A date with whole milliseconds, from year 1600 to 9999, leap days and the ends of days included. (Earlier
    /// years are left out: `WireJSON.format` writes them in the Julian calendar, so they do not round-trip.)
    mutating func date() -> Date {
        let year = self.bool() ? self.int(1600...9999) : [1970, 2000, 2024, 2026, 2100, 1600, 9999].randomElement(using: &self)!
        let month = self.int(1...12)
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        let day = self.bool() ? days : self.int(1...days)
        let hour = self.bool() ? 23 : self.int(0...23)
        let minute = self.int(0...59)
        let second = self.int(0...59)
        let millis = self.bool() ? 0 : self.int(0...999)
        let text = String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", year, month, day, hour, minute, second, millis)
        return WireJSON.parseDate(text)!
    }
}

/// Writes JSON by hand: shuffled keys, random whitespace and escapes, unknown keys, absent or null optionals.
struct Writer {
    var random: SeededRandom
    /// Objects that got unknown keys mixed in; records with one, and whether the payload's header has one.
    var objectsWithUnknownKeys = 0
    var recordsWithUnknownKeys = 0
    var headerHasUnknownKeys = false

    init(random: SeededRandom) {
        self.random = random
    }

    mutating func space() -> String {
        guard self.random.int(0...3) == 0 else { return "" }
        return String((0..<self.random.int(1...3)).map { _ in [" ", "\n", "\t", "\r"].randomElement(using: &self.random)! })
    }

    mutating func string(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            let escapeAnyway = self.random.int(0...7) == 0
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "/" where escapeAnyway: out += "\\/"
            case "\n" where !escapeAnyway: out += "\\n"
            case "\t" where !escapeAnyway: out += "\\t"
            default:
                if scalar.value < 0x20 || escapeAnyway {
                    for unit in String(scalar).utf16 { out += String(format: self.random.bool() ? "\\u%04x" : "\\u%04X", unit) }
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    mutating func date(_ date: Date) -> String {
        let canonical = WireJSON.format(date)
        switch self.random.int(0...9) {
        case 0 where canonical.hasSuffix(".000Z"): return "\"" + canonical.dropLast(5) + "Z\""
        case 1:
            // The same instant with a +00:00 offset: Foundation's parser, on both paths.
            return "\"" + canonical.dropLast() + "+00:00\""
        case 2: return self.string(canonical)
        default: return "\"" + canonical + "\""
        }
    }

    mutating func unknownValue(depth: Int = 0) -> String {
        switch self.random.int(0...(depth > 2 ? 5 : 7)) {
        case 0: return "null"
        case 1: return "true"
        case 2: return "false"
        case 3: return ["0", "-1", "3.25", "1e10", "-2.5E-3", "9223372036854775807", "-9223372036854775808", "1234567890123456789012.5", "1E+2"].randomElement(using: &self.random)!
        case 4, 5: return self.string(self.random.text())
        case 6: return "[" + (0..<self.random.int(0...3)).map { _ in self.space() + self.unknownValue(depth: depth + 1) }.joined(separator: ",") + "]"
        default:
            return "{" + (0..<self.random.int(0...3)).map { _ in
                self.string(self.random.word()) + self.space() + ":" + self.space() + self.unknownValue(depth: depth + 1)
            }.joined(separator: ",") + "}"
        }
    }

    /// An object of `fields` in random order, with unknown keys mixed in.
    mutating func object(_ fields: [(String, String)]) -> String {
        var members = fields
        let unknown = self.random.int(0...4) == 0 ? self.random.int(1...3) : 0
        for _ in 0..<unknown {
            members.append(("x_" + self.random.word(), self.unknownValue()))
        }
        if unknown > 0 { self.objectsWithUnknownKeys += 1 }
        members.shuffle(using: &self.random)
        let body = members.map { key, value in
            self.space() + self.string(key) + self.space() + ":" + self.space() + value + self.space()
        }
        return "{" + body.joined(separator: ",") + self.space() + "}"
    }

    mutating func optional(_ fields: inout [(String, String)], _ key: String, _ value: String?) {
        if let value {
            fields.append((key, value))
        } else if self.random.bool() {
            fields.append((key, "null"))
        }
    }

    mutating func ticket(_ ticket: TicketRecord) -> String {
        let before = self.objectsWithUnknownKeys
        defer { if self.objectsWithUnknownKeys > before { self.recordsWithUnknownKeys += 1 } }
        var fields: [(String, String)] = [
            ("kind", self.string("ticket")), ("provider", self.string(ticket.provider)), ("site", self.string(ticket.site)),
            ("id", self.string(ticket.id)), ("channel", self.string(ticket.channel.rawValue)),
            ("priority", self.string(ticket.priority.rawValue)), ("status", self.string(ticket.status.rawValue)),
            ("createdAt", self.date(ticket.createdAt)), ("updatedAt", self.date(ticket.updatedAt)),
            ("reopenCount", String(ticket.reopenCount)), ("contactCount", String(ticket.contactCount)),
            ("tags", "[" + ticket.tags.map { self.space() + self.string($0) + self.space() }.joined(separator: ",") + "]"),
            ("statusChanges", "[" + ticket.statusChanges.map {
                self.space() + self.object([("status", self.string($0.status.rawValue)), ("at", self.date($0.at))])
            }.joined(separator: ",") + self.space() + "]"),
        ]
        self.optional(&fields, "firstReplyAt", ticket.firstReplyAt.map { self.date($0) })
        self.optional(&fields, "solvedAt", ticket.solvedAt.map { self.date($0) })
        self.optional(&fields, "closedAt", ticket.closedAt.map { self.date($0) })
        self.optional(&fields, "assignee", ticket.assignee.map { self.string($0) })
        self.optional(&fields, "queue", ticket.queue.map { self.string($0) })
        self.optional(&fields, "csat", ticket.csat.map { String($0) })
        self.optional(&fields, "heldBy", ticket.heldBy.map { self.string($0) })
        for (key, times) in [("agentReplies", ticket.agentReplies), ("customerMessages", ticket.customerMessages)] {
            self.optional(&fields, key, times.map { "[" + $0.map { self.space() + self.date($0) }.joined(separator: ",") + self.space() + "]" })
        }
        return self.object(fields)
    }

    mutating func payload(_ payload: BatchPayload) -> String {
        let records = "[" + payload.records.map { record -> String in
            guard case .ticket(let ticket) = record else { return "null" }
            return self.space() + self.ticket(ticket)
        }.joined(separator: ",") + self.space() + "]"
        let before = self.objectsWithUnknownKeys
        let header = self.object([
            ("v", String(payload.v)), ("agentId", self.string(payload.agentId)), ("provider", self.string(payload.provider)),
            ("site", self.string(payload.site)), ("seq", String(payload.seq)), ("prev", self.string(payload.prev)),
            ("sealedAt", self.date(payload.sealedAt)), ("records", records),
        ])
        self.headerHasUnknownKeys = self.objectsWithUnknownKeys > before
        return self.space() + header + self.space()
    }
}
