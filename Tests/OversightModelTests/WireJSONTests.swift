//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The wire JSON form: timestamps and encoder settings.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightModel
import Testing

@Suite struct WireJSONTests {
    // 2026-03-02T08:35:14.250Z; a quarter second is exact in binary floating point.
    static let date = Date(timeIntervalSince1970: 1_772_440_514.25)

    @Test func formatsUTCWithMilliseconds() {
        #expect(WireJSON.format(Self.date) == "2026-03-02T08:35:14.250Z")
        #expect(WireJSON.format(Date(timeIntervalSince1970: 1_772_440_514)) == "2026-03-02T08:35:14.000Z")
        #expect(WireJSON.format(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
    }

    @Test func dateRoundTripsWithMilliseconds() throws {
        let text = WireJSON.format(Self.date)
        let parsed = try #require(WireJSON.parseDate(text))
        #expect(abs(parsed.timeIntervalSince(Self.date)) < 0.000_001)
        #expect(WireJSON.format(parsed) == text)
        // Fractions exact in binary floating point survive text → Date → text.
        for millis in [0, 125, 250, 375, 500, 625, 750, 875] {
            let text = String(format: "2026-03-02T08:35:14.%03dZ", millis)
            let parsed = try #require(WireJSON.parseDate(text), "\(text)")
            #expect(WireJSON.format(parsed) == text)
            #expect(abs(parsed.timeIntervalSince1970 - (1_772_440_514 + Double(millis) / 1000)) < 0.000_001)
        }
    }

    /// Every millisecond value survives text → Date → text (`format` rounds to the nearest millisecond rather
    /// than truncating the sub-millisecond floating-point error, which turned `…14.009Z` into `…14.008Z`).
    @Test func everyMillisecondRoundTrips() throws {
        var drifted: [String] = []
        for millis in 0..<1000 {
            let text = String(format: "2026-03-02T08:35:14.%03dZ", millis)
            let parsed = try #require(WireJSON.parseDate(text), "\(text)")
            if WireJSON.format(parsed) != text { drifted.append(text) }
            // Parsing itself is right to well under a millisecond.
            #expect(abs(parsed.timeIntervalSince1970 - (1_772_440_514 + Double(millis) / 1000)) < 0.000_01)
        }
        #expect(drifted.isEmpty, "values changed, e.g. \(drifted.prefix(3))")
    }

    @Test func parsesWithoutFractionAndWithOffsets() throws {
        let plain = try #require(WireJSON.parseDate("2026-03-02T08:35:14Z"))
        #expect(plain == Date(timeIntervalSince1970: 1_772_440_514))
        let offset = try #require(WireJSON.parseDate("2026-03-02T10:35:14.250+02:00"))
        #expect(WireJSON.format(offset) == "2026-03-02T08:35:14.250Z")
        let micros = try #require(WireJSON.parseDate("2026-03-02T08:35:14.250123Z"))
        #expect(WireJSON.format(micros) == "2026-03-02T08:35:14.250Z")
    }

    @Test func refusesWhatIsNotRFC3339() {
        for text in ["", "yesterday", "2026-03-02", "2026-03-02 08:35:14", "1772440514", "2026-13-02T08:35:14Z"] {
            #expect(WireJSON.parseDate(text) == nil, "\(text) was parsed")
        }
    }

    struct Sample: Codable, Equatable {
        var zeta: String
        var alpha: Date
        var path: String
        var optional: Int?
    }

    @Test func encoderSortsKeysDoesNotEscapeSlashesAndOmitsNil() throws {
        let sample = Sample(zeta: "é", alpha: Self.date, path: "tech/level-2", optional: nil)
        let text = String(decoding: try WireJSON.encode(sample), as: UTF8.self)
        #expect(text == #"{"alpha":"2026-03-02T08:35:14.250Z","path":"tech/level-2","zeta":"é"}"#)
        #expect(try WireJSON.decode(Sample.self, from: Data(text.utf8)) == sample)
    }

    @Test func decoderAcceptsNullForAnAbsentOptional() throws {
        let decoded = try WireJSON.decode(Sample.self, from: Data(#"{"alpha":"2026-03-02T08:35:14Z","path":"","zeta":"","optional":null}"#.utf8))
        #expect(decoded.optional == nil)
    }

    @Test func decoderRefusesABadTimestamp() {
        #expect(throws: DecodingError.self) {
            try WireJSON.decode(Sample.self, from: Data(#"{"alpha":"2026-03-02","path":"","zeta":""}"#.utf8))
        }
        #expect(throws: DecodingError.self) {
            try WireJSON.decode(Sample.self, from: Data(#"{"alpha":1772440514,"path":"","zeta":""}"#.utf8))
        }
    }

    @Test func genesisHashIsSixtyFourZeros() {
        #expect(genesisBatchHash == String(repeating: "0", count: 64))
        #expect(oversightProtocolVersion == 1)
    }
}
