//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// QA evaluation records on the wire, and their own consistency checks.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightModel
import Testing

@Suite struct EvaluationRecordTests {
    static let evaluated = Date(timeIntervalSince1970: 1_772_440_200)  // 2026-03-02T08:30:00Z
    static let updated = Date(timeIntervalSince1970: 1_772_442_000.25)

    static func evaluation() -> EvaluationRecord {
        EvaluationRecord(
            provider: "acme-bpo", site: "manila-1", id: "QA-1", interactionRef: "ZD-104233", evaluator: "p_0011223344556677",
            scorecard: "support-v", scorecardVersion: "3", evaluatedAt: evaluated,
            items: [
                EvaluationItem(item: "greeting", passed: true, impact: .low, weight: 1),
                EvaluationItem(item: "verification", passed: false, impact: .high, weight: 2),
                EvaluationItem(item: "tone", passed: false, impact: .low),
                EvaluationItem(item: "notes", passed: false, impact: .none),
            ],
            highImpactErrors: 1, lowImpactErrors: 1, score: 0, comments: "High-impact error: verification", updatedAt: updated
        )
    }

    @Test func encodesKindAndKey() throws {
        let record = Record.evaluation(Self.evaluation())
        let text = String(decoding: try WireJSON.encode(record), as: UTF8.self)
        #expect(text.contains(#""kind":"evaluation""#))
        #expect(text.contains(#""evaluatedAt":"2026-03-02T08:30:00.000Z""#))
        #expect(text.contains(#"{"impact":"high","item":"verification","passed":false,"weight":2}"#))
        #expect(text.contains(#"{"impact":"none","item":"notes","passed":false}"#))
        #expect(!text.contains("channel"))
        #expect(record.kind == "evaluation")
        #expect(record.provider == "acme-bpo")
        #expect(record.key == "QA-1")
        #expect(Self.evaluation().isFlagged)
    }

    @Test func roundTripsAloneAndBesideOtherKinds() throws {
        var full = Self.evaluation()
        full.channel = .chat
        full.queue = "billing"
        full.agent = "p_8899aabbccddeeff"
        let record = Record.evaluation(full)
        #expect(try WireJSON.decode(Record.self, from: WireJSON.encode(record)) == record)
        let ticket = Record.ticket(
            TicketRecord(provider: "acme-bpo", site: "manila-1", id: "ZD-1", status: .new, createdAt: Self.evaluated, updatedAt: Self.updated)
        )
        #expect(try WireJSON.decode([Record].self, from: WireJSON.encode([record, ticket])) == [record, ticket])
        // Items may be absent on the wire (an export with counts and score only).
        let minimal = """
            {"kind":"evaluation","provider":"p","site":"s","id":"e","interactionRef":"T-1","evaluator":"p_1","scorecard":"c",
            "scorecardVersion":"1","evaluatedAt":"2026-03-02T08:30:00Z","highImpactErrors":0,"lowImpactErrors":2,"score":88.5,
            "updatedAt":"2026-03-02T08:31:00Z"}
            """
        guard case .evaluation(let decoded) = try WireJSON.decode(Record.self, from: Data(minimal.utf8)) else {
            Issue.record("not an evaluation")
            return
        }
        #expect(decoded.items.isEmpty)
        #expect(decoded.score == 88.5)
        #expect(decoded.comments == nil)
        #expect(decoded.validationProblem() == nil)
    }

    @Test func aMissingFieldNamesIt() throws {
        let text = String(decoding: try WireJSON.encode(Record.evaluation(Self.evaluation())), as: UTF8.self)
            .replacingOccurrences(of: #""score":0,"#, with: "")
        #expect(throws: DecodingError.self) { try WireJSON.decode(Record.self, from: Data(text.utf8)) }
        do {
            _ = try WireJSON.decode(Record.self, from: Data(text.utf8))
        } catch DecodingError.keyNotFound(let key, _) {
            #expect(key.stringValue == "score")
        }
    }

    @Test func validationNamesTheProblem() {
        let cases: [((inout EvaluationRecord) -> Void, String)] = [
        ({ (e: inout EvaluationRecord) in e.id = "" }, "id is empty"),
        ({ (e: inout EvaluationRecord) in e.id = String(repeating: "x", count: 129) }, "id is longer than 128 bytes"),
        ({ (e: inout EvaluationRecord) in e.interactionRef = "" }, "interactionRef is empty"),
        ({ (e: inout EvaluationRecord) in e.evaluator = "" }, "evaluator is empty"),
        ({ (e: inout EvaluationRecord) in e.scorecardVersion = "" }, "scorecardVersion is empty"),
        ({ (e: inout EvaluationRecord) in e.queue = String(repeating: "q", count: 257) }, "queue is longer than 256 bytes"),
        ({ (e: inout EvaluationRecord) in e.score = 100.5 }, "score must be a number from 0 to 100, got 100.5"),
        ({ (e: inout EvaluationRecord) in e.score = -1 }, "score must be a number from 0 to 100, got -1.0"),
        ({ (e: inout EvaluationRecord) in e.score = .nan }, "score must be a number from 0 to 100, got nan"),
        ({ (e: inout EvaluationRecord) in e.lowImpactErrors = -1 }, "lowImpactErrors is negative (-1)"),
        ({ (e: inout EvaluationRecord) in e.highImpactErrors = 0 }, "highImpactErrors (0) differs from the 1 failed high-impact items"),
        ({ (e: inout EvaluationRecord) in e.lowImpactErrors = 2 }, "lowImpactErrors (2) differs from the 1 failed low-impact items"),
        ({ (e: inout EvaluationRecord) in e.items[0].weight = -2 }, "items[0].weight must be a number from 0 to 1000000, got -2.0"),
        ({ (e: inout EvaluationRecord) in e.items[1].item = "" }, "items[1].item is empty"),
        (
            { (e: inout EvaluationRecord) in e.items = Array(repeating: EvaluationItem(item: "x", passed: true, impact: .low), count: 201) },
            "more than 200 items (201)"
        ),
        ]
        for (change, problem) in cases {
            var evaluation = Self.evaluation()
            change(&evaluation)
            #expect(evaluation.validationProblem() == problem)
        }
    }

    @Test func validationBoundsCommentsAndAcceptsCountsWithoutItems() {
        #expect(Self.evaluation().validationProblem() == nil)
        var evaluation = Self.evaluation()
        evaluation.comments = String(repeating: "é", count: 1_001)
        #expect(evaluation.validationProblem()?.hasPrefix("comments are longer than 2000 bytes (2002)") == true)
        evaluation.comments = String(repeating: "é", count: 1_000)
        #expect(evaluation.validationProblem() == nil)
        // Without items, the counts stand on their own.
        evaluation.items = []
        evaluation.highImpactErrors = 3
        evaluation.lowImpactErrors = 0
        #expect(evaluation.validationProblem() == nil)
    }

    @Test func theCoordinatorsBatchDecoderHandsEvaluationsToCodable() throws {
        let ticket = Record.ticket(
            TicketRecord(provider: "acme-bpo", site: "manila-1", id: "ZD-1", status: .new, createdAt: Self.evaluated, updatedAt: Self.updated)
        )
        let payload = BatchPayload(
            agentId: "agt_1", provider: "acme-bpo", site: "manila-1", seq: 1, prev: genesisBatchHash, sealedAt: Self.updated,
            records: [ticket, .evaluation(Self.evaluation()), ticket]
        )
        let data = try WireJSON.encode(payload)
        #expect(try BatchPayloadDecoder.decode(data) == payload)
        #expect(try BatchPayloadDecoder.decode(data) == WireJSON.decode(BatchPayload.self, from: data))
        // A broken evaluation fails as it does through Codable.
        let broken = Data(String(decoding: data, as: UTF8.self).replacingOccurrences(of: #""impact":"high""#, with: #""impact":"severe""#).utf8)
        #expect(throws: DecodingError.self) { try BatchPayloadDecoder.decode(broken) }
    }
}
