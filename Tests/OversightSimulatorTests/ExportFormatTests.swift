//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightConfig
import OversightConnectors
import OversightModel
import OversightSimulator
import Testing

/// The files the simulator writes are read by the real agent connector, with the mapping the demo gives the agent.
@Suite struct ExportFormatTests {
    static let key: [UInt8] = Array(repeating: 5, count: 32)

    /// A folder source configured exactly as the demo configures the agent (`sources[0]` + the format's YAML).
    static func source(_ folder: String, format: ExportFormat) throws -> FolderSource {
        let yaml = """
            sources:
              - name: tickets
                kind: tickets
                path: \(folder)
                poll_interval: 250ms
                settle_time: 200ms
            \(format.sourceYAML.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n"))

            """
        let configuration = try AgentConfiguration(yaml: yaml, file: "agent.yaml")
        return FolderSource(configuration: configuration.sources[0], pseudonymKey: Self.key)
    }

    @Test(arguments: [ProviderProfile.acmeSupport, .globexCare, .initechHelp].map(\.provider))
    func filesParseWithTheDemoMapping(provider: String) throws {
        let profile = ProviderProfile.demo.first { $0.provider == provider }!
        let root = NSTemporaryDirectory() + "oversight-sim-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: root) }
        let writer = try ExportWriter(profile: profile, tickets: root + "/exports", intervals: root + "/intervals", evaluations: root + "/qa")
        let start = ProviderSimulationTests.start
        var simulation = ProviderSimulation(profile: profile, configuration: .init(seed: 3, start: start, speed: 60))
        var expected: [[TicketRecord]] = []
        for index in 0..<60 {
            let step = simulation.advance(to: start.addingTimeInterval(Double(index) * 3))
            try writer.write(step, sequence: index)
            if !step.tickets.isEmpty { expected.append(step.tickets) }
        }
        let source = try Self.source(root + "/exports", format: profile.format)
        let files = try FileManager.default.contentsOfDirectory(atPath: root + "/exports").sorted()
        #expect(files.count == expected.count)
        #expect(!files.contains { $0.hasPrefix(".") })
        #expect(files.allSatisfy { $0.hasSuffix("." + profile.format.fileExtension) })
        var statuses = Set<TicketStatus>()
        for (file, tickets) in zip(files, expected) {
            let result = try source.read(file: URL(fileURLWithPath: root + "/exports/" + file), provider: profile.provider, site: profile.site)
            #expect(result.rejects.isEmpty, "\(file): \(result.rejects.first.map { "\($0)" } ?? "")")
            #expect(result.records.count == tickets.count)
            for (record, ticket) in zip(result.records, tickets) {
                guard case .ticket(var read) = record else {
                    Issue.record("not a ticket")
                    continue
                }
                #expect(read.assignee == nil || read.assignee!.hasPrefix("p_"))
                read.assignee = ticket.assignee
                #expect(read == ticket)
                statuses.insert(read.status)
            }
        }
        #expect(statuses.count >= 4)

        // Telephony intervals: one CSV row per 15 simulated minutes, the columns of the header.
        let intervalFiles = try FileManager.default.contentsOfDirectory(atPath: root + "/intervals").sorted()
        #expect(!intervalFiles.isEmpty)
        for file in intervalFiles {
            let lines = try String(contentsOfFile: root + "/intervals/" + file, encoding: .utf8).split(separator: "\n")
            #expect(lines.first.map(String.init) == IntervalReport.csvHeader)
            for line in lines.dropFirst() {
                let cells = line.split(separator: ",", omittingEmptySubsequences: false)
                #expect(cells.count == IntervalReport.csvHeader.split(separator: ",").count)
                let offered = Int(cells[3])!, answered = Int(cells[4])!, abandoned = Int(cells[7])!
                #expect(answered + abandoned == offered)
            }
        }

        // QA evaluations: JSON objects with the §4.3 fields.
        let qaFiles = try FileManager.default.contentsOfDirectory(atPath: root + "/qa").sorted()
        #expect(!qaFiles.isEmpty)
        for file in qaFiles {
            for line in try String(contentsOfFile: root + "/qa/" + file, encoding: .utf8).split(separator: "\n") {
                let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
                for key in ["interaction_ref", "evaluator", "scorecard_id", "scorecard_version", "items", "high_impact_errors", "low_impact_errors", "score"] {
                    #expect(object?[key] != nil, "\(key) missing in \(line)")
                }
            }
        }
    }
}
