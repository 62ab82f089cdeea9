//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Interval records on the wire, and their own consistency checks.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightModel
import Testing

@Suite struct IntervalRecordTests {
    static let start = Date(timeIntervalSince1970: 1_772_440_200)  // 2026-03-02T08:30:00Z
    static let updated = Date(timeIntervalSince1970: 1_772_442_000.25)

    static func interval() -> IntervalRecord {
        IntervalRecord(
            provider: "acme-bpo", site: "manila-1", queue: "billing", start: start, minutes: 15, thresholdSeconds: 20, offered: 40,
            answered: 34, answeredWithinThreshold: 28, abandoned: 6, shortAbandons: 2, totalAnswerDelaySeconds: 412,
            totalHandleTimeSeconds: 9_876.5, updatedAt: updated
        )
    }

    @Test func encodesKindAndDefaults() throws {
        let record = Record.interval(Self.interval())
        let text = String(decoding: try WireJSON.encode(record), as: UTF8.self)
        #expect(
            text
                == #"{"abandoned":6,"answered":34,"answeredWithinThreshold":28,"channel":"phone","csatResponses":0,"csatSatisfied":0,"#
                + #""fcrResponses":0,"fcrYes":0,"handled":34,"kind":"interval","minutes":15,"offered":40,"provider":"acme-bpo","#
                + #""queue":"billing","shortAbandons":2,"site":"manila-1","start":"2026-03-02T08:30:00.000Z","thresholdSeconds":20,"#
                + #""totalAnswerDelaySeconds":412,"totalHandleTimeSeconds":9876.5,"updatedAt":"2026-03-02T09:00:00.250Z"}"#
        )
        #expect(record.kind == "interval")
        #expect(record.provider == "acme-bpo")
        #expect(record.key == "billing|2026-03-02T08:30:00.000Z")
        #expect(Self.interval().end == Self.start.addingTimeInterval(900))
    }

    @Test func fullIntervalRoundTrips() throws {
        var interval = Self.interval()
        interval.channel = .chat
        interval.shortAbandonSeconds = 5
        interval.handled = 33
        interval.csatResponses = 10
        interval.csatSatisfied = 8
        interval.csatScoreSum = 42
        interval.fcrResponses = 9
        interval.fcrYes = 7
        interval.agentsStaffed = 12
        let record = Record.interval(interval)
        let data = try WireJSON.encode(record)
        #expect(try WireJSON.decode(Record.self, from: data) == record)
        // Tickets still decode through the same Codable entry point.
        let ticket = Record.ticket(
            TicketRecord(provider: "acme-bpo", site: "manila-1", id: "ZD-1", status: .new, createdAt: Self.start, updatedAt: Self.updated)
        )
        #expect(try WireJSON.decode(Record.self, from: WireJSON.encode(ticket)) == ticket)
        #expect(try WireJSON.decode([Record].self, from: WireJSON.encode([record, ticket])) == [record, ticket])
    }

    @Test func channelAndHandledMayBeAbsent() throws {
        let text = String(decoding: try WireJSON.encode(Record.interval(Self.interval())), as: UTF8.self)
        let trimmed = text.replacingOccurrences(of: #""channel":"phone","#, with: "").replacingOccurrences(of: #""handled":34,"#, with: "")
        #expect(trimmed != text)
        guard case .interval(let decoded) = try WireJSON.decode(Record.self, from: Data(trimmed.utf8)) else {
            Issue.record("not an interval")
            return
        }
        #expect(decoded.channel == .phone)
        #expect(decoded.handled == 34)
    }

    @Test func missingCountsAndWrongTypesAreErrors() throws {
        let text = String(decoding: try WireJSON.encode(Record.interval(Self.interval())), as: UTF8.self)
        for (from, to) in [
            (#""offered":40,"#, ""), (#""start":"2026-03-02T08:30:00.000Z","#, ""), (#""offered":40"#, #""offered":"40""#),
            (#""channel":"phone""#, #""channel":"fax""#), (#""minutes":15"#, #""minutes":1.5"#),
        ] {
            let changed = text.replacingOccurrences(of: from, with: to)
            #expect(changed != text)
            #expect(throws: DecodingError.self, "\(from) → \(to)") { try WireJSON.decode(Record.self, from: Data(changed.utf8)) }
        }
    }

    // MARK: validationProblem

    func problem(_ change: (inout IntervalRecord) -> Void) -> String? {
        var interval = Self.interval()
        change(&interval)
        return interval.validationProblem()
    }

    @Test func aPlainIntervalIsValid() {
        #expect(Self.interval().validationProblem() == nil)
        #expect(self.problem { $0.offered = 0; $0.answered = 0; $0.answeredWithinThreshold = 0; $0.abandoned = 0; $0.shortAbandons = 0 } == nil)
        #expect(self.problem { $0.answered = 34; $0.abandoned = 6 } == nil)
        #expect(self.problem { $0.minutes = 1 } == nil)
        #expect(self.problem { $0.minutes = 1_440 } == nil)
        #expect(self.problem { $0.csatResponses = 3; $0.csatSatisfied = 3; $0.csatScoreSum = 15 } == nil)
        #expect(self.problem { $0.csatResponses = 3; $0.csatScoreSum = 3 } == nil)
        #expect(self.problem { $0.handled = 50 } == nil)
    }

    @Test func inconsistentIntervalsAreNamed() {
        let cases: [((inout IntervalRecord) -> Void, String)] = [
            ({ (r: inout IntervalRecord) in r.offered = -1 }, "offered is negative (-1)"),
            ({ (r: inout IntervalRecord) in r.answered = 41 }, "answered (41) is more than offered (40)"),
            ({ (r: inout IntervalRecord) in r.answeredWithinThreshold = 35 }, "answeredWithinThreshold (35) is more than answered (34)"),
            ({ (r: inout IntervalRecord) in r.abandoned = 7 }, "answered + abandoned (41) is more than offered (40)"),
            (
                { (r: inout IntervalRecord) in r.abandoned = 41; r.answered = 0; r.answeredWithinThreshold = 0 },
                "abandoned (41) is more than offered (40)"
            ),
            ({ (r: inout IntervalRecord) in r.shortAbandons = 7 }, "shortAbandons (7) is more than abandoned (6)"),
            ({ (r: inout IntervalRecord) in r.csatSatisfied = 1 }, "csatSatisfied (1) is more than csatResponses (0)"),
            (
                { (r: inout IntervalRecord) in r.csatResponses = 2; r.csatScoreSum = 11 },
                "csatScoreSum (11) is outside 2–10, the range of 2 scores of 1–5"
            ),
            ({ (r: inout IntervalRecord) in r.fcrResponses = 2; r.fcrYes = 3 }, "fcrYes (3) is more than fcrResponses (2)"),
            ({ (r: inout IntervalRecord) in r.handled = -3 }, "handled is negative (-3)"),
            ({ (r: inout IntervalRecord) in r.agentsStaffed = -1 }, "agentsStaffed is negative (-1)"),
            ({ (r: inout IntervalRecord) in r.offered = 10_000_001 }, "offered is larger than 10000000"),
            ({ (r: inout IntervalRecord) in r.minutes = 0 }, "minutes must be 1–1440, got 0"),
            ({ (r: inout IntervalRecord) in r.minutes = 1_441 }, "minutes must be 1–1440, got 1441"),
            ({ (r: inout IntervalRecord) in r.thresholdSeconds = -1 }, "thresholdSeconds must be 0–86400, got -1"),
            ({ (r: inout IntervalRecord) in r.shortAbandonSeconds = 90_000 }, "shortAbandonSeconds must be 0–86400, got 90000"),
            (
                { (r: inout IntervalRecord) in r.totalAnswerDelaySeconds = -0.5 },
                "totalAnswerDelaySeconds must be a finite number of seconds ≥ 0, got -0.5"
            ),
            (
                { (r: inout IntervalRecord) in r.totalHandleTimeSeconds = .infinity },
                "totalHandleTimeSeconds must be a finite number of seconds ≥ 0, got inf"
            ),
            ({ (r: inout IntervalRecord) in r.totalHandleTimeSeconds = 2e12 }, "totalHandleTimeSeconds is larger than 1000000000000 seconds"),
            ({ (r: inout IntervalRecord) in r.queue = "" }, "queue is empty"),
            ({ (r: inout IntervalRecord) in r.site = "" }, "site is empty"),
            ({ (r: inout IntervalRecord) in r.queue = String(repeating: "q", count: 257) }, "queue is longer than 256 bytes"),
        ]
        for (change, message) in cases {
            #expect(self.problem(change) == message)
        }
    }
}
