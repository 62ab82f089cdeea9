//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightConfig
import OversightConnectors
import OversightModel
import Testing

@Suite struct TimestampParserTests {
    static let utc = TimeZone(identifier: "UTC")!
    static let paris = TimeZone(identifier: "Europe/Paris")!

    static func parser(_ format: String, _ zone: TimeZone = utc) throws -> TimestampParser {
        let dateFormat: DateFormat =
            switch format {
            case "iso8601": .iso8601
            case "unix": .unix
            case "unix_ms": .unixMilliseconds
            default: .pattern(try DatePattern.compile(format).get())
            }
        return TimestampParser(format: dateFormat, timeZone: zone)
    }

    static func iso(_ text: String) -> Date { WireJSON.parseDate(text)! }

    @Test(arguments: [
        ("2026-03-01T10:15:30Z", "2026-03-01T10:15:30Z"),
        ("2026-03-01T10:15:30.250Z", "2026-03-01T10:15:30.250Z"),
        ("2026-03-01 10:15:30+02:00", "2026-03-01T08:15:30Z"),
        ("2026-03-01T10:15:30-0530", "2026-03-01T15:45:30Z"),
        ("2026-03-01T10:15", "2026-03-01T10:15:00Z"),
        ("2026-03-01", "2026-03-01T00:00:00Z"),
        ("2024-02-29T23:59:59,5Z", "2024-02-29T23:59:59.500Z"),
    ])
    func iso8601(text: String, expected: String) throws {
        #expect(try Self.parser("iso8601").parse(text).get() == Self.iso(expected))
    }

    @Test func iso8601WithoutOffsetUsesTheTimeZone() throws {
        let parser = try Self.parser("iso8601", Self.paris)
        #expect(try parser.parse("2026-01-15T09:00:00").get() == Self.iso("2026-01-15T08:00:00Z"))  // CET, +1
        #expect(try parser.parse("2026-07-15T09:00:00").get() == Self.iso("2026-07-15T07:00:00Z"))  // CEST, +2
        #expect(try parser.parse("2026-07-15T09:00:00Z").get() == Self.iso("2026-07-15T09:00:00Z"))  // explicit offset wins
    }

    @Test func unixSecondsAndMilliseconds() throws {
        #expect(try Self.parser("unix").parse("1767225600").get() == Self.iso("2026-01-01T00:00:00Z"))
        #expect(try Self.parser("unix").parse("1767225600.5").get() == Self.iso("2026-01-01T00:00:00.500Z"))
        let milliseconds = try Self.parser("unix_ms").parse("1767225600123").get()
        #expect(abs(milliseconds.timeIntervalSince(Self.iso("2026-01-01T00:00:00.123Z"))) < 1e-6)
        #expect(throws: TimestampParser.Failure.self) { try Self.parser("unix").parse("2026-01-01").get() }
    }

    @Test func patternsInATimeZoneAcrossDaylightSaving() throws {
        let parser = try Self.parser("dd/MM/yyyy HH:mm", Self.paris)
        #expect(try parser.parse("15/01/2026 09:30").get() == Self.iso("2026-01-15T08:30:00Z"))
        #expect(try parser.parse("15/07/2026 09:30").get() == Self.iso("2026-07-15T07:30:00Z"))
        // 2026-03-29 02:30 does not exist in Paris: clocks jump from 02:00 to 03:00.
        let gap = try #require(throws: TimestampParser.Failure.self) { try parser.parse("29/03/2026 02:30").get() }
        #expect(gap.message == "'29/03/2026 02:30' does not match date format dd/MM/yyyy HH:mm "
            + "(this local time does not exist in Europe/Paris: skipped by a daylight-saving change)")
        #expect(try parser.parse("29/03/2026 03:00").get() == Self.iso("2026-03-29T01:00:00Z"))
        // 2026-10-25 02:30 happens twice in Paris; the first (CEST, +2) is taken.
        #expect(try parser.parse("25/10/2026 02:30").get() == Self.iso("2026-10-25T00:30:00Z"))
        #expect(try parser.parse("25/10/2026 03:30").get() == Self.iso("2026-10-25T02:30:00Z"))
    }

    @Test func patternFieldsAndLiterals() throws {
        #expect(try Self.parser("yyyy-MM-dd'T'HH:mm:ss.SSS").parse("2026-03-01T10:15:30.042").get() == Self.iso("2026-03-01T10:15:30.042Z"))
        #expect(try Self.parser("d/M/yyyy H:mm").parse("7/3/2026 9:05").get() == Self.iso("2026-03-07T09:05:00Z"))
        #expect(try Self.parser("d/M/yyyy H:mm").parse("17/12/2026 19:05").get() == Self.iso("2026-12-17T19:05:00Z"))
        #expect(try Self.parser("yyyyMMddHHmmss").parse("20260301101530").get() == Self.iso("2026-03-01T10:15:30Z"))
    }

    @Test(arguments: [
        ("31/02/2026", "'31/02/2026' does not match date format dd/MM/yyyy (day 31 does not exist in 2026-02)"),
        ("29/02/2026", "'29/02/2026' does not match date format dd/MM/yyyy (day 29 does not exist in 2026-02)"),
        ("01/13/2026", "'01/13/2026' does not match date format dd/MM/yyyy (month 13 does not exist)"),
        ("2026-01-01", "'2026-01-01' does not match date format dd/MM/yyyy"),
        ("01/01/2026 x", "'01/01/2026 x' does not match date format dd/MM/yyyy (unexpected text at position 11)"),
    ])
    func invalidDates(text: String, message: String) throws {
        let failure = try #require(throws: TimestampParser.Failure.self) { try Self.parser("dd/MM/yyyy").parse(text).get() }
        #expect(failure.message == message)
    }

    @Test func leapDayIsValid() throws {
        #expect(try Self.parser("dd/MM/yyyy").parse("29/02/2028").get() == Self.iso("2028-02-29T00:00:00Z"))
    }
}
