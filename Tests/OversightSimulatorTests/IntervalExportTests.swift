//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The simulator's interval files are read by the real agent connector with an intervals source's default mapping.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightConfig
import OversightConnectors
import OversightModel
import OversightSimulator
import Testing

@Suite struct IntervalExportTests {
    @Test func simulatedIntervalFilesMapOneToOne() throws {
        let profile = ProviderProfile.acmeSupport
        let root = NSTemporaryDirectory() + "oversight-sim-intervals-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: root) }
        let writer = try ExportWriter(profile: profile, tickets: root + "/exports", intervals: root + "/intervals", evaluations: root + "/qa")
        let start = ProviderSimulationTests.start
        var simulation = ProviderSimulation(profile: profile, configuration: .init(seed: 3, start: start, speed: 60))
        var expected: [[IntervalReport]] = []
        for index in 0..<120 {
            let step = simulation.advance(to: start.addingTimeInterval(Double(index) * 3))
            try writer.write(step, sequence: index)
            if !step.intervals.isEmpty { expected.append(step.intervals) }
        }
        #expect(!expected.isEmpty)

        // The source as the demo writes it: the simulator's own mapping (the reference columns plus channel, surveys and
        // updated_at).
        let mapping = IntervalReport.sourceYAML.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n")
        let yaml = "sources:\n  - name: intervals\n    kind: intervals\n    path: \(root)/intervals\n" + mapping + "\n"
        let configuration = try AgentConfiguration(yaml: yaml, file: "agent.yaml")
        let source = FolderSource(configuration: configuration.sources[0], pseudonymKey: Array(repeating: 1, count: 32))
        let files = try FileManager.default.contentsOfDirectory(atPath: root + "/intervals").filter { !$0.hasPrefix(".") }.sorted()
        #expect(files.count == expected.count)
        var offered = 0
        for (file, reports) in zip(files, expected) {
            let result = try source.read(file: URL(fileURLWithPath: root + "/intervals/" + file), provider: profile.provider, site: profile.site)
            #expect(result.rejects.isEmpty, "\(file): \(result.rejects.first.map { "\($0)" } ?? "")")
            #expect(result.records.count == reports.count)
            for (record, report) in zip(result.records, reports) {
                guard case .interval(let read) = record else {
                    Issue.record("not an interval")
                    continue
                }
                #expect(read.provider == profile.provider && read.site == profile.site && read.channel == report.channel)
                #expect(read.fcrResponses == report.fcrResponses && read.fcrYes == report.fcrYes)
                #expect(read.csatResponses == report.csatResponses && read.csatScoreSum == report.csatScoreSum)
                #expect(abs(read.updatedAt.timeIntervalSince(report.updatedAt ?? .distantPast)) < 1)
                #expect(read.queue == report.queue)
                #expect(abs(read.start.timeIntervalSince(report.start)) < 0.001)
                #expect(read.minutes == report.minutes)
                #expect(read.thresholdSeconds == Int(report.threshold))
                #expect(read.offered == report.offered)
                #expect(read.answered == report.answered)
                #expect(read.answeredWithinThreshold == report.answeredWithinThreshold)
                #expect(read.abandoned == report.abandoned)
                #expect(read.shortAbandons == report.shortAbandons)
                #expect(read.totalAnswerDelaySeconds == report.totalAnswerDelay)
                #expect(read.totalHandleTimeSeconds == report.totalHandleTime)
                #expect(read.handled == report.answered)
                #expect(read.agentsStaffed == report.agentsStaffed)
                #expect(read.validationProblem() == nil)
                offered += read.offered
            }
        }
        #expect(offered > 0)
    }

    /// Issue 16: interval reports are dated on the wall clock. The first export backfills the history since
    /// `intervalHistoryFrom` in full; later exports restate the interval under way with more contacts and a newer
    /// `updatedAt`, then state it finally; nothing lies ahead of the export instant. Phone and chat queues both report.
    @Test func intervalsBackfillTheHistoryAndNeverLieAheadOfTheExport() {
        let profile = ProviderProfile.globexCare
        let start = ProviderSimulationTests.start
        let history = start.addingTimeInterval(-86_400)
        var simulation = ProviderSimulation(
            profile: profile, configuration: .init(seed: 9, start: start, simulatedStart: start.addingTimeInterval(86_400 * 5), speed: 60, intervalHistoryFrom: history)
        )
        let first = simulation.advance(to: start)
        let finals = first.intervals.filter(\.isFinal)
        // 24 hours of 15-minute intervals per queue, all ended before the start, then the interval under way.
        #expect(Set(finals.map(\.queue)) == ["phone", "chat"])
        #expect(finals.count == 2 * 96)
        #expect(finals.allSatisfy { $0.start >= history && $0.end <= start && $0.updatedAt == start })
        #expect(finals.contains { $0.channel == .chat } && finals.contains { $0.fcrResponses > 0 && $0.csatResponses > 0 })
        var lastStatement: [String: IntervalReport] = [:]
        for report in first.intervals { lastStatement[report.queue + "|\(report.start.timeIntervalSince1970)"] = report }
        var sawRestatement = false
        var sawFinalOfLive = false
        for second in stride(from: 2.0, through: 1_900, by: 2) {
            let now = start.addingTimeInterval(second)
            let step = simulation.advance(to: now)
            for report in step.intervals {
                #expect(report.start <= now && report.updatedAt == now)
                #expect(report.isFinal == (report.end <= now))
                let key = report.queue + "|\(report.start.timeIntervalSince1970)"
                if let previous = lastStatement[key] {
                    #expect(!previous.isFinal, "a final statement is never restated")
                    #expect(report.offered >= previous.offered && report.answered >= previous.answered)
                    sawRestatement = true
                    if report.isFinal { sawFinalOfLive = true }
                }
                lastStatement[key] = report
            }
        }
        #expect(sawRestatement && sawFinalOfLive)
    }
}
