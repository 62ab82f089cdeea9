//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Records on the wire, and a ticket's own consistency checks.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightModel
import Testing

@Suite struct RecordTests {
    static let created = Date(timeIntervalSince1970: 1_772_440_514)
    static let updated = Date(timeIntervalSince1970: 1_772_440_574.5)

    static func ticket() -> TicketRecord {
        TicketRecord(provider: "acme-bpo", site: "manila-1", id: "ZD-1", status: .new, createdAt: created, updatedAt: updated)
    }

    @Test func ticketRecordEncodesKindAndOmitsAbsentFields() throws {
        let text = String(decoding: try WireJSON.encode(Record.ticket(Self.ticket())), as: UTF8.self)
        #expect(
            text
                == #"{"channel":"email","contactCount":1,"createdAt":"2026-03-02T08:35:14.000Z","id":"ZD-1","kind":"ticket","# + #""priority":"normal","provider":"acme-bpo","reopenCount":0,"site":"manila-1","status":"new","statusChanges":[],"tags":[],"# + #""updatedAt":"2026-03-02T08:36:14.500Z"}"#
        )
    }

    @Test func fullTicketRoundTrips() throws {
        var ticket = Self.ticket()
        ticket.channel = .chat
        ticket.priority = .urgent
        ticket.status = .onHold
        ticket.firstReplyAt = Self.created.addingTimeInterval(60)
        ticket.solvedAt = Self.created.addingTimeInterval(120)
        ticket.closedAt = Self.created.addingTimeInterval(180)
        ticket.reopenCount = 2
        ticket.assignee = "ps_6f1c2a9e41b7"
        ticket.queue = "billing/eu"
        ticket.tags = ["vip", "refund"]
        ticket.csat = 4
        ticket.contactCount = 3
        ticket.heldBy = "client"
        ticket.statusChanges = [.init(status: .new, at: Self.created), .init(status: .onHold, at: Self.created.addingTimeInterval(30))]
        let record = Record.ticket(ticket)
        let data = try WireJSON.encode(record)
        #expect(try WireJSON.decode(Record.self, from: data) == record)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains(#""status":"on-hold""#))
        #expect(text.contains(#""queue":"billing/eu""#))
        #expect(record.kind == "ticket")
        #expect(record.provider == "acme-bpo")
        #expect(record.key == "ZD-1")
    }

    @Test func unknownKindIsAnError() throws {
        let ticket = String(decoding: try WireJSON.encode(Record.ticket(Self.ticket())), as: UTF8.self)
        let other = ticket.replacingOccurrences(of: #""kind":"ticket""#, with: #""kind":"audit""#)
        do {
            _ = try WireJSON.decode(Record.self, from: Data(other.utf8))
            Issue.record("an unknown kind decoded")
        } catch DecodingError.dataCorrupted(let context) {
            #expect(context.debugDescription.contains("unknown record kind 'audit'"))
            #expect(context.codingPath.map(\.stringValue) == ["kind"])
        }
        let missing = ticket.replacingOccurrences(of: #""kind":"ticket","#, with: "")
        #expect(throws: DecodingError.self) { try WireJSON.decode(Record.self, from: Data(missing.utf8)) }
    }

    @Test func unknownEnumValuesAreErrors() throws {
        let ticket = String(decoding: try WireJSON.encode(Record.ticket(Self.ticket())), as: UTF8.self)
        for (from, to) in [(#""status":"new""#, #""status":"onHold""#), (#""channel":"email""#, #""channel":"fax""#), (#""priority":"normal""#, #""priority":"p1""#)] {
            #expect(throws: DecodingError.self) { try WireJSON.decode(Record.self, from: Data(ticket.replacingOccurrences(of: from, with: to).utf8)) }
        }
    }

    @Test func enumerationsHaveTheDocumentedValues() {
        #expect(ContactChannel.allCases.map(\.rawValue) == ["email", "chat", "phone", "social", "web"])
        #expect(Priority.allCases.map(\.rawValue) == ["low", "normal", "high", "urgent"])
        #expect(TicketStatus.allCases.map(\.rawValue) == ["new", "open", "pending", "on-hold", "solved", "closed"])
        #expect(TicketStatus.allCases.filter(\.isOpen) == [.new, .open, .pending, .onHold])
    }

    @Test func batchPayloadEncodesItsFieldsInOrder() throws {
        let payload = BatchPayload(
            agentId: "agt_1", provider: "acme-bpo", site: "manila-1", seq: 1, prev: genesisBatchHash, sealedAt: Self.created, records: []
        )
        #expect(payload.v == 1)
        let text = String(decoding: try WireJSON.encode(payload), as: UTF8.self)
        #expect(
            text
                == #"{"agentId":"agt_1","prev":"\#(genesisBatchHash)","provider":"acme-bpo","records":[],"sealedAt":"2026-03-02T08:35:14.000Z","seq":1,"site":"manila-1","v":1}"#
        )
    }

    // MARK: validationProblem

    func problem(_ change: (inout TicketRecord) -> Void) -> String? {
        var ticket = Self.ticket()
        change(&ticket)
        return ticket.validationProblem()
    }

    @Test func aPlainTicketIsValid() {
        #expect(Self.ticket().validationProblem() == nil)
        #expect(self.problem { $0.updatedAt = $0.createdAt } == nil)
        #expect(self.problem { $0.csat = 1 } == nil)
        #expect(self.problem { $0.csat = 5 } == nil)
        #expect(self.problem { $0.contactCount = 0 } == nil)
    }

    @Test func limitsAreInclusive() {
        typealias Limits = TicketRecord.Limits
        #expect(self.problem { $0.id = String(repeating: "x", count: Limits.maxIdLength) } == nil)
        #expect(self.problem { $0.queue = String(repeating: "q", count: Limits.maxStringLength) } == nil)
        #expect(self.problem { $0.tags = Array(repeating: "t", count: Limits.maxTags) } == nil)
        #expect(self.problem { $0.tags = [String(repeating: "t", count: Limits.maxStringLength)] } == nil)
        #expect(
            self.problem { $0.statusChanges = Array(repeating: .init(status: .open, at: Self.created), count: Limits.maxStatusChanges) } == nil
        )
        #expect(Limits.maxIdLength == 128 && Limits.maxStringLength == 256 && Limits.maxTags == 64 && Limits.maxStatusChanges == 1_000)
    }

    @Test func eachProblemNamesItsField() {
        let cases: [(String, (inout TicketRecord) -> Void)] = [
            ("id is empty", { $0.id = "" }),
            ("id is longer than 128 bytes", { $0.id = String(repeating: "x", count: 129) }),
            // 65 two-byte characters: 130 bytes; the limit counts UTF-8 bytes, not characters.
            ("id is longer than 128 bytes", { $0.id = String(repeating: "é", count: 65) }),
            ("provider is empty", { $0.provider = "" }),
            ("site is empty", { $0.site = "" }),
            ("assignee is longer than 256 bytes", { $0.assignee = String(repeating: "a", count: 257) }),
            ("queue is longer than 256 bytes", { $0.queue = String(repeating: "q", count: 257) }),
            ("heldBy is longer than 256 bytes", { $0.heldBy = String(repeating: "h", count: 257) }),
            ("more than 64 tags", { $0.tags = Array(repeating: "t", count: 65) }),
            ("a tag is too long", { $0.tags = ["ok", String(repeating: "t", count: 257)] }),
            ("more than 1000 status changes", { $0.statusChanges = Array(repeating: .init(status: .open, at: Self.created), count: 1_001) }),
            ("csat must be 1–5, got 0", { $0.csat = 0 }),
            ("csat must be 1–5, got 6", { $0.csat = 6 }),
            ("reopenCount is negative", { $0.reopenCount = -1 }),
            ("contactCount is negative", { $0.contactCount = -1 }),
            ("updatedAt is before createdAt", { $0.updatedAt = $0.createdAt.addingTimeInterval(-0.001) }),
        ]
        for (expected, change) in cases {
            #expect(self.problem(change) == expected)
        }
    }

    @Test func theFirstProblemWins() {
        #expect(self.problem { $0.id = ""; $0.site = "" } == "id is empty")
        #expect(self.problem { $0.site = ""; $0.csat = 9 } == "site is empty")
    }
}
