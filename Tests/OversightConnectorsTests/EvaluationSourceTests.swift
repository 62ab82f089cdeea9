//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Evaluation sources: the reference (simulator) JSON Lines with the default mapping, CSV with a custom one, rejects,
// pseudonymised people, derived ids and mapping errors.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightConfig
import OversightConnectors
import OversightModel
import Testing

@Suite struct EvaluationSourceTests {
    static let key: [UInt8] = Array(repeating: 7, count: 32)

    /// An `evaluations` source in `folder`; `mapping` lines go under `mapping:` when given.
    static func source(_ folder: URL, mapping: String? = nil) throws -> FolderSource {
        var yaml = """
            sources:
              - name: qa
                kind: evaluations
                path: \(folder.path)

            """
        if let mapping {
            yaml += "    mapping:\n" + mapping.split(separator: "\n").map { "      " + $0 }.joined(separator: "\n") + "\n"
        }
        let configuration = try AgentConfiguration(yaml: yaml, file: "agent.yaml")
        #expect(configuration.sources[0].kind == .evaluations)
        return FolderSource(configuration: configuration.sources[0], pseudonymKey: Self.key)
    }

    static func evaluation(_ record: Record) -> EvaluationRecord? {
        if case .evaluation(let evaluation) = record { return evaluation }
        return nil
    }

    /// A line as the simulator's `QAEvaluation.jsonLine()` writes it (sorted keys, snake_case).
    static func simulatorLine(ref: String, evaluator: String = "qa-anna", verificationPassed: Bool = true, score: Double = 88.9) -> String {
        let high = verificationPassed ? 0 : 1
        return #"{"comments":"Coaching: tone","evaluated_at":"2026-03-02T09:30:00Z","evaluator":""# + evaluator
            + #"","high_impact_errors":\#(high),"interaction_ref":""# + ref
            + #"","items":[{"impact":"low","item":"greeting","passed":true},{"impact":"high","item":"verification","passed":\#(verificationPassed)},"#
            + #"{"impact":"low","item":"tone","passed":false}],"low_impact_errors":1,"score":\#(verificationPassed ? score : 0),"#
            + #""scorecard_id":"support-2026","scorecard_version":3}"#
    }

    @Test func readsTheSimulatorsJSONLinesWithTheDefaultMapping() throws {
        let folder = try TemporaryFolder()
        let source = try Self.source(folder.url)
        let written = WireJSON.parseDate("2026-03-02T10:00:07Z")!
        let file = try folder.write(
            "qa-lisbon-20260302T100000Z-000001.jsonl",
            Self.simulatorLine(ref: "T-1") + "\n" + Self.simulatorLine(ref: "T-2", evaluator: "qa-bruno", verificationPassed: false) + "\n"
                // The counts disagree with the items: rejected on its line, naming the problem.
                + Self.simulatorLine(ref: "T-3").replacingOccurrences(of: #""low_impact_errors":1"#, with: #""low_impact_errors":2"#) + "\n"
                + "\n"
                + #"{"interaction_ref":"T-4"}"# + "\n"
                + "not json\n"
                + Self.simulatorLine(ref: "T-5").replacingOccurrences(of: #""score":88.9"#, with: #""score":101"#) + "\n",
            modified: written
        )
        let result = try source.read(file: file, provider: "acme", site: "lisbon")
        #expect(result.rows == 6)
        let records = result.records.compactMap(Self.evaluation)
        #expect(records.count == 2 && result.records.count == 2)
        let first = try #require(records.first)
        #expect(first.provider == "acme" && first.site == "lisbon")
        #expect(first.interactionRef == "T-1")
        #expect(first.scorecard == "support-2026" && first.scorecardVersion == "3")
        #expect(first.evaluatedAt == WireJSON.parseDate("2026-03-02T09:30:00Z"))
        #expect(first.items.map(\.item) == ["greeting", "verification", "tone"])
        #expect(first.items[1] == EvaluationItem(item: "verification", passed: true, impact: .high))
        #expect(first.highImpactErrors == 0 && first.lowImpactErrors == 1)
        #expect(first.score == 88.9)
        #expect(first.comments == "Coaching: tone")
        #expect(first.updatedAt == written)
        #expect(first.channel == nil && first.queue == nil && first.agent == nil)
        // The evaluator is pseudonymised (like a ticket assignee); the id is derived, stable and name-free.
        #expect(first.evaluator.hasPrefix("p_") && first.evaluator.count == 18 && !first.evaluator.contains("anna"))
        #expect(first.id.hasPrefix("e_") && first.id.count == 18)
        let again = try source.read(file: file, provider: "acme", site: "lisbon").records.compactMap(Self.evaluation)
        #expect(again.map(\.id) == records.map(\.id))
        #expect(records[1].id != first.id)
        #expect(records[1].isFlagged && records[1].score == 0)

        #expect(result.rejects.map(\.line) == [3, 5, 6, 7])
        #expect(result.rejects[0].reason == "line 3: lowImpactErrors (2) differs from the 1 failed low-impact items")
        #expect(result.rejects[1].reason == #"line 5: key "evaluator": is empty; every evaluation needs its evaluator"#)
        #expect(result.rejects[2].reason == "line 6: not valid JSON")
        #expect(result.rejects[3].reason == #"line 7: key "score": '101' is not a number from 0 to 100"#)
        #expect(result.rejects[3].raw?.contains(#""interaction_ref":"T-5""#) == true)
    }

    @Test func readsCSVWithACustomMappingItemsAsJSONText() throws {
        let folder = try TemporaryFolder()
        let source = try Self.source(
            folder.url,
            mapping: """
                fields:
                  id: Evaluation
                  interaction_ref: Ticket
                  agent: Agent
                  evaluator: Reviewer
                  scorecard: Form
                  evaluated_at: Completed
                  channel: Channel
                  queue: Team
                  items: Answers
                  high_impact_errors: Critical
                  low_impact_errors: Minor
                  score: Score
                  comments: Note
                dates:
                  format: dd/MM/yyyy HH:mm
                  time_zone: Europe/Lisbon
                channels:
                  webchat: chat
                defaults:
                  scorecard_version: "2026.1"
                """
        )
        let long = String(repeating: "é", count: 1_500)
        let file = try folder.write(
            "qa.csv",
            "Evaluation,Ticket,Agent,Reviewer,Form,Completed,Channel,Team,Answers,Critical,Minor,Score,Note\n"
                + #"QA-9,T-9,Maria Silva,Joe Bloggs,care,02/03/2026 09:30,webchat,billing,"#
                + #""[{""item"":""verification"",""passed"":""no"",""impact"":""critical"",""weight"":2}]",,0,0,\#(long)"#
                + "\n"
                // Counts without items stand on their own.
                + "QA-10,T-10,,Joe Bloggs,care,02/03/2026 10:00,,,,0,2,79.5,\n"
                + "QA-11,T-11,,Joe Bloggs,care,02/03/2026 10:00,fax,,,0,0,90,\n"
                + #"QA-12,T-12,,Joe Bloggs,care,02/03/2026 10:00,,,"[{""item"":""x""}]",,,90,"# + "\n"
                + "QA-13,T-13,,Joe Bloggs,care,02/03/2026 10:00,,,,,,90,\n"
        )
        let result = try source.read(file: file, provider: "acme", site: "lisbon")
        let records = result.records.compactMap(Self.evaluation)
        #expect(records.map(\.id) == ["QA-9", "QA-10"])
        let first = records[0]
        #expect(first.evaluatedAt == WireJSON.parseDate("2026-03-02T09:30:00Z"))  // Lisbon is UTC in March
        #expect(first.channel == .chat && first.queue == "billing" && first.scorecardVersion == "2026.1")
        #expect(first.items == [EvaluationItem(item: "verification", passed: false, impact: .high, weight: 2)])
        // The high-impact count is taken from the items when its cell is empty.
        #expect(first.highImpactErrors == 1 && first.isFlagged)
        #expect(first.agent?.hasPrefix("p_") == true && first.evaluator.hasPrefix("p_") && first.agent != first.evaluator)
        // The comment is cut at the limit, on a character boundary.
        #expect(first.comments.map { $0.utf8.count <= EvaluationRecord.Limits.maxCommentsLength && $0.hasSuffix("…") } == true)
        #expect(first.validationProblem() == nil)
        #expect(records[1].items.isEmpty && records[1].lowImpactErrors == 2 && records[1].score == 79.5 && records[1].comments == nil)

        #expect(result.rejects.map(\.line) == [4, 5, 6])
        #expect(result.rejects[0].reason.hasPrefix(#"line 4: column "Channel": unknown value 'fax'; map it under mapping.channels"#))
        #expect(result.rejects[1].reason == #"line 5: column "Answers": item 1: "passed" must be true or false"#)
        #expect(result.rejects[2].reason == #"line 6: column "Critical": is empty and the row has no items to count them from"#)
    }

    @Test func mappingErrorsNameTheFileLineAndField() throws {
        func load(_ mapping: String) throws {
            let yaml = "sources:\n  - name: qa\n    kind: evaluations\n    path: /tmp\n    mapping:\n"
                + mapping.split(separator: "\n").map { "      " + $0 }.joined(separator: "\n") + "\n"
            _ = try AgentConfiguration(yaml: yaml, file: "agent.yaml")
        }
        #expect(throws: ConfigError.self) { try load("fields:\n  interaction_ref: a\n  evaluatr: b") }
        do {
            try load("fields:\n  interaction_ref: a\n  evaluatr: b")
        } catch let error as ConfigError {
            #expect("\(error)".contains("agent.yaml:8"), "\(error)")
            #expect("\(error)".contains("unknown evaluation field 'evaluatr' (did you mean 'evaluator'?)"), "\(error)")
        }
        do {
            try load("fields:\n  interaction_ref: a\n  evaluator: b\n  scorecard: c\n  evaluated_at: d\n  score: e\n  items: f")
            Issue.record("a mapping without a scorecard version was accepted")
        } catch let error as ConfigError {
            #expect("\(error)".contains("map 'scorecard_version' under mapping.fields or set mapping.defaults.scorecard_version"), "\(error)")
        }
        do {
            try load("defaults:\n  colour: red")
            Issue.record("an unknown default was accepted")
        } catch let error as ConfigError {
            #expect("\(error)".contains("colour"), "\(error)")
        }
    }
}
