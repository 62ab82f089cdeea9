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

        // The source as the demo writes it: no mapping, the reference columns.
        let yaml = "sources:\n  - name: intervals\n    kind: intervals\n    path: \(root)/intervals\n"
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
                #expect(read.provider == profile.provider && read.site == profile.site && read.channel == .phone)
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
}
