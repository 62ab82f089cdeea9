//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Interval sources: the reference (simulator) CSV with the default mapping, JSON Lines with a custom one, rejects.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightConfig
import OversightConnectors
import OversightModel
import Testing

@Suite struct IntervalSourceTests {
    static let key: [UInt8] = Array(repeating: 7, count: 32)

    /// `IntervalReport.csvHeader` of the simulator, the reference export (OversightSimulatorTests checks the real
    /// writer's files against the same default mapping).
    static let simulatorHeader =
        "interval_start,interval_minutes,queue,offered,answered,answered_within_threshold,threshold_seconds,abandoned,short_abandons,"
        + "total_answer_delay_seconds,total_handle_seconds,agents_staffed,agents_needed,erlang_c_service_level\n"

    /// An `intervals` source in `folder`; `mapping` lines go under `mapping:` when given.
    static func source(_ folder: URL, mapping: String? = nil, extra: String = "") throws -> FolderSource {
        var yaml = """
            sources:
              - name: intervals
                kind: intervals
                path: \(folder.path)
            \(extra.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))

            """
        if let mapping {
            yaml += "    mapping:\n" + mapping.split(separator: "\n").map { "      " + $0 }.joined(separator: "\n") + "\n"
        }
        let configuration = try AgentConfiguration(yaml: yaml, file: "agent.yaml")
        #expect(configuration.sources[0].kind == .intervals)
        return FolderSource(configuration: configuration.sources[0], pseudonymKey: Self.key)
    }

    static func interval(_ record: Record) -> IntervalRecord? {
        if case .interval(let interval) = record { return interval }
        return nil
    }

    static func iso(_ text: String) -> Date { WireJSON.parseDate(text)! }

    @Test func readsTheSimulatorsCSVWithTheDefaultMapping() throws {
        let folder = try TemporaryFolder()
        let source = try Self.source(folder.url)
        let written = Self.iso("2026-03-02T10:00:07Z")
        let file = try folder.write(
            "intervals-lisbon-20260302T100000Z-000001.csv",
            Self.simulatorHeader
                + "2026-03-02T09:30:00+01:00,15,billing,40,34,28,20,6,2,412,9876,12,13,0.8123\n"
                + "2026-03-02T09:30:00+01:00,15,sales,0,0,0,20,0,0,0,0,1,0,1.0000\n"
                // answered + abandoned > offered: rejected, naming the problem.
                + "2026-03-02T09:45:00+01:00,15,billing,10,9,9,20,2,0,50,3000,12,13,0.9000\n"
                + "2026-03-02T09:45:00+01:00,15,sales,3,3,3,20,0,0,0.5,600.25,1,1,1.0000\n"
                // Not a timestamp.
                + "09:45,15,support,3,3,3,20,0,0,0,600,1,1,1.0000\n",
            modified: written
        )
        let result = try source.read(file: file, provider: "acme", site: "lisbon")
        #expect(result.rows == 5)
        let records = result.records.compactMap(Self.interval)
        #expect(records.count == 3)
        #expect(result.records.count == 3)
        let first = try #require(records.first)
        #expect(
            first
                == IntervalRecord(
                    provider: "acme", site: "lisbon", queue: "billing", channel: .phone, start: Self.iso("2026-03-02T08:30:00Z"), minutes: 15,
                    thresholdSeconds: 20, offered: 40, answered: 34, answeredWithinThreshold: 28, abandoned: 6, shortAbandons: 2,
                    totalAnswerDelaySeconds: 412, handled: 34, totalHandleTimeSeconds: 9876, agentsStaffed: 12, updatedAt: written
                )
        )
        #expect(records[2].totalAnswerDelaySeconds == 0.5)
        #expect(records[2].totalHandleTimeSeconds == 600.25)
        #expect(records.map(\.key) == ["billing|2026-03-02T08:30:00.000Z", "sales|2026-03-02T08:30:00.000Z", "sales|2026-03-02T08:45:00.000Z"])
        #expect(result.rejects.map(\.line) == [4, 6])
        #expect(result.rejects[0].reason == "line 4: answered + abandoned (11) is more than offered (10)")
        #expect(result.rejects[1].reason.hasPrefix("line 6: column \"interval_start\": '09:45'"), "\(result.rejects[1].reason)")
        #expect(result.rejects[1].raw == "09:45,15,support,3,3,3,20,0,0,0,600,1,1,1.0000")
    }

    @Test func aMissingColumnRejectsTheFileOnItsHeaderLine() throws {
        let folder = try TemporaryFolder()
        let source = try Self.source(folder.url)
        let header = Self.simulatorHeader.replacingOccurrences(of: "short_abandons,", with: "")
        let file = try folder.write("intervals.csv", header + "2026-03-02T09:30:00Z,15,billing,40,34,28,20,6,412,9876,12,13,0.8\n")
        let result = try source.read(file: file, provider: "acme", site: "lisbon")
        #expect(result.records.isEmpty)
        #expect(result.rejects.map(\.line) == [1])
        #expect(result.rejects[0].reason.hasPrefix("line 1: the header has no column \"short_abandons\" (mapped from short_abandons)"))
    }

    static let customMapping = """
        fields:
          start: "period.begin"
          queue: "skill"
          channel: "media"
          offered: "calls_in"
          answered: "calls_answered"
          answered_within_threshold: "answered_in_sl"
          abandoned: "calls_abandoned"
          short_abandons: "short_aban"
          total_answer_delay_seconds: "wait_total"
          handled: "handled"
          total_handle_seconds: "aht_total"
          csat_responses: "csat_n"
          csat_satisfied: "csat_top2"
          csat_score_sum: "csat_sum"
          fcr_responses: "fcr_n"
          fcr_yes: "fcr_yes"
          updated_at: "generated"
        dates: { format: "dd/MM/yyyy HH:mm", time_zone: Europe/Paris }
        channels: { "Voice": phone, "Webchat": chat }
        defaults: { minutes: 30, threshold_seconds: 60, short_abandon_seconds: 5 }
        """

    @Test func readsJSONLinesWithACustomMappingAndLineNumberedRejects() throws {
        let folder = try TemporaryFolder()
        let source = try Self.source(folder.url, mapping: Self.customMapping)
        let good =
            #"{"period":{"begin":"02/03/2026 09:30"},"skill":"billing","media":"Webchat","calls_in":50,"calls_answered":45,"#
            + #""answered_in_sl":40,"calls_abandoned":5,"short_aban":1,"wait_total":"300.5","handled":44,"aht_total":15000,"#
            + #""csat_n":12,"csat_top2":10,"csat_sum":52,"fcr_n":8,"fcr_yes":6,"generated":"02/03/2026 10:05"}"#
        let lines = [
            good,
            "",
            #"{"period":{"begin":"02/03/2026 10:00"},"skill":"billing","calls_in":5,"calls_answered":5,"answered_in_sl":5,"calls_abandoned":0}"#,
            "not json",
            #"{"period":{"begin":"02/03/2026 10:30"},"skill":"billing","calls_in":5,"calls_answered":-1,"answered_in_sl":0,"calls_abandoned":0}"#,
            #"{"period":{"begin":"02/03/2026 10:30"},"skill":"billing","media":"Fax","calls_in":5,"calls_answered":1,"answered_in_sl":0,"calls_abandoned":0}"#,
            #"{"period":{"begin":"02/03/2026 10:30"},"skill":"billing","calls_in":5,"calls_answered":1,"answered_in_sl":0,"calls_abandoned":0,"csat_n":1,"csat_top2":2}"#,
            #"{"period":{"begin":"02/03/2026 11:00"},"skill":"billing","calls_in":5,"calls_answered":4,"answered_in_sl":4}"#,
        ]
        let written = Self.iso("2026-03-02T10:10:00Z")
        let file = try folder.write("intervals.jsonl", lines.joined(separator: "\n") + "\n", modified: written)
        let result = try source.read(file: file, provider: "acme", site: "lisbon")
        #expect(result.rows == 7)
        let records = result.records.compactMap(Self.interval)
        #expect(records.count == 2)
        let first = try #require(records.first)
        #expect(
            first
                == IntervalRecord(
                    provider: "acme", site: "lisbon", queue: "billing", channel: .chat, start: Self.iso("2026-03-02T08:30:00Z"), minutes: 30,
                    thresholdSeconds: 60, offered: 50, answered: 45, answeredWithinThreshold: 40, abandoned: 5, shortAbandons: 1,
                    shortAbandonSeconds: 5, totalAnswerDelaySeconds: 300.5, handled: 44, totalHandleTimeSeconds: 15000, csatResponses: 12,
                    csatSatisfied: 10, csatScoreSum: 52, fcrResponses: 8, fcrYes: 6, updatedAt: Self.iso("2026-03-02T09:05:00Z")
                )
        )
        // Unmapped-in-the-row counts are 0, handled is answered, the version is the file's modification time.
        let second = records[1]
        #expect(second.channel == .phone)
        #expect(second.shortAbandons == 0 && second.totalHandleTimeSeconds == 0 && second.csatResponses == 0)
        #expect(second.handled == 5)
        #expect(second.csatScoreSum == nil)
        #expect(second.updatedAt == written)

        #expect(result.rejects.map(\.line) == [4, 5, 6, 7, 8])
        #expect(result.rejects[0].reason == "line 4: not valid JSON")
        #expect(result.rejects[1].reason == "line 5: key \"calls_answered\": '-1' is not a whole number from 0 to 10000000")
        #expect(result.rejects[2].reason.hasPrefix("line 6: key \"media\": unknown value 'Fax'; map it under mapping.channels"))
        #expect(result.rejects[3].reason == "line 7: csatSatisfied (2) is more than csatResponses (1)")
        #expect(result.rejects[4].reason == "line 8: key \"calls_abandoned\": is empty")
    }

    @Test func configurationProblemsAreNamed() throws {
        let folder = try TemporaryFolder()
        func failure(_ mapping: String) -> String {
            do {
                _ = try Self.source(folder.url, mapping: mapping)
                return "no error"
            } catch {
                return "\(error)"
            }
        }
        #expect(
            failure("fields: { start: s, queue: q, offered: o, answered: a, answered_within_threshold: w }")
                .contains("missing required field 'abandoned'")
        )
        #expect(
            failure("fields: { start: s, queue: q, offered: o, answered: a, answered_within_threshold: w, abandoned: b }")
                .contains("map 'minutes' under mapping.fields or set mapping.defaults.minutes")
        )
        #expect(
            failure("fields: { start: s, queue: q, offered: o, answered: a, answered_within_threshold: w, abandoned: b }\ndefaults: { minutes: 15 }")
                .contains("map 'threshold_seconds' under mapping.fields or set mapping.defaults.threshold_seconds")
        )
        #expect(failure("fields: { strat: s }").contains("unknown interval field 'strat' (did you mean 'start'?)"))
        #expect(failure("defaults: { minutes: 0 }").contains("sources[0].mapping.defaults.minutes"))
        #expect(failure("statuses: { a: open }").contains("unknown key 'statuses'"))
        // A tickets source still needs its mapping.
        let yaml = "sources:\n  - name: t\n    path: \(folder.url.path)\n"
        #expect(throws: ConfigError.self) { try AgentConfiguration(yaml: yaml, file: "agent.yaml") }
    }
}
