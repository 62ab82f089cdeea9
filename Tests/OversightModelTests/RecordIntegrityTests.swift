//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Text stored exactly as signed, and times on the calendar: the checks every record passes before a store.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightModel
import Testing

@Suite struct RecordIntegrityTests {
    let now = Date(timeIntervalSince1970: 1_764_072_000)  // 2025-11-25T12:00:00Z

    func ticket(id: String = "T-1", updatedAt: Date? = nil) -> TicketRecord {
        TicketRecord(provider: "acme", site: "lyon", id: id, status: .open, createdAt: self.now - 3600, updatedAt: updatedAt ?? self.now)
    }

    @Test func aNulOrAnyControlCharacterInANameIsRefusedNamingTheField() {
        #expect(Record.ticket(self.ticket()).integrityProblem(latest: self.now) == nil)
        let nul = Record.ticket(self.ticket(id: "Z-\u{0}one")).integrityProblem(latest: self.now)
        #expect(nul?.hasPrefix("id holds a NUL character (U+0000)") == true)
        var tagged = self.ticket()
        tagged.tags = ["ok", "bad\u{85}"]
        #expect(Record.ticket(tagged).integrityProblem(latest: nil)?.hasPrefix("tags[1] holds the control character U+0085") == true)
        var queued = self.ticket()
        queued.queue = "line\nbreak"
        #expect(Record.ticket(queued).integrityProblem(latest: nil)?.hasPrefix("queue holds the control character U+000A") == true)
        // Non-ASCII text that is not a control character passes (é, 中, emoji, U+00A0).
        var named = self.ticket(id: "é中😀\u{A0}")
        named.assignee = "Ⅻ"
        #expect(Record.ticket(named).integrityProblem(latest: nil) == nil)
    }

    @Test func freeTextMayHoldLineBreaksButNoOtherControlCharacter() {
        var evaluation = EvaluationRecord(
            provider: "acme", site: "lyon", id: "E-1", interactionRef: "T-1", evaluator: "qa-1", scorecard: "sc", scorecardVersion: "1",
            evaluatedAt: self.now, items: [], highImpactErrors: 0, lowImpactErrors: 0, score: 90, comments: "line one\n\tline two\r\n",
            updatedAt: self.now
        )
        #expect(Record.evaluation(evaluation).integrityProblem(latest: self.now) == nil)
        evaluation.comments = "bell\u{7}"
        #expect(Record.evaluation(evaluation).integrityProblem(latest: self.now)?.hasPrefix("comments holds the control character U+0007") == true)
        evaluation.comments = nil
        evaluation.evaluator = "qa\u{0}"
        #expect(Record.evaluation(evaluation).integrityProblem(latest: self.now)?.hasPrefix("evaluator holds a NUL") == true)
    }

    @Test func timesAfterTheSkewOrBefore2000AreRefusedNamingTheField() {
        let latest = self.now + 900
        #expect(Record.ticket(self.ticket(updatedAt: latest)).integrityProblem(latest: latest) == nil)
        let future = Record.ticket(self.ticket(updatedAt: latest + 0.001)).integrityProblem(latest: latest)
        #expect(future?.hasPrefix("updatedAt 2025-11-25T12:15:00.001Z is in the future") == true)
        var frozen = self.ticket()
        frozen.statusChanges = [.init(status: .new, at: self.now - 3600), .init(status: .closed, at: WireJSON.parseDate("9999-12-31T23:59:59Z")!)]
        #expect(Record.ticket(frozen).integrityProblem(latest: latest)?.hasPrefix("statusChanges[1].at 9999-12-31T23:59:59.000Z is in the future") == true)
        var early = self.ticket()
        early.createdAt = Date(timeIntervalSince1970: 0)
        #expect(Record.ticket(early).integrityProblem(latest: nil)?.hasPrefix("createdAt 1970-01-01T00:00:00.000Z is before 2000-01-01T00:00:00.000Z") == true)
        let interval = IntervalRecord(
            provider: "acme", site: "lyon", queue: "q", channel: .phone, start: latest + 60, minutes: 15, thresholdSeconds: 20, offered: 0,
            answered: 0, answeredWithinThreshold: 0, abandoned: 0, totalAnswerDelaySeconds: 0, handled: 0, totalHandleTimeSeconds: 0,
            updatedAt: self.now
        )
        #expect(Record.interval(interval).integrityProblem(latest: latest)?.hasPrefix("start ") == true)
    }

    @Test func strictJSONNamesWhatParsersWouldReadDifferently() {
        func problem(_ text: String) -> String? { StrictJSON.problem(in: Data(text.utf8))?.description }
        #expect(problem(#"{"a":[1,{"b":"c"}],"d":-0.5e3,"e":"\ud83d\ude00"}"#) == nil)
        #expect(problem(#"{"records":[{"provider":"evil","provider":"acme"}]}"#)?.hasPrefix("records[0]: the member name 'provider' appears twice") == true)
        #expect(problem(#"{"a":"\u0061","\u0061":1}"#)?.hasPrefix("(root): the member name 'a' appears twice") == true)
        #expect(problem(#"{"n":18446744073709551616}"#)?.hasPrefix("n: the integer 18446744073709551616 is outside the 64-bit range") == true)
        #expect(problem(#"{"n":9223372036854775807,"m":-9223372036854775808}"#) == nil)
        #expect(problem(#"{"x":1e400}"#)?.hasPrefix("x: the number 1e400 is too large") == true)
        #expect(problem(#"{"s":"\udc00"}"#)?.hasPrefix("s: a string holds a lone surrogate") == true)
        #expect(problem(#"{"s":"\ud800\u0041"}"#)?.hasPrefix("s: a string holds a lone surrogate") == true)
        #expect(problem(String(repeating: "[", count: 65) + String(repeating: "]", count: 65))?.contains("nested deeper than 64") == true)
        #expect(problem(#"{"a":1} x"#)?.contains("unexpected text after") == true)
        #expect(StrictJSON.problem(in: Data([0x22, 0xC3, 0x28, 0x22])) != nil)  // invalid UTF-8 in a string
    }
}
