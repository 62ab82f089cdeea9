//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The simulator's QA evaluation files are read by the real agent connector with an evaluations source's default mapping.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightConfig
import OversightConnectors
import OversightModel
import OversightSimulator
import Testing

@Suite struct EvaluationExportTests {
    @Test func simulatedEvaluationFilesMapOneToOne() throws {
        let profile = ProviderProfile.acmeSupport
        let root = NSTemporaryDirectory() + "oversight-sim-qa-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: root) }
        let writer = try ExportWriter(profile: profile, tickets: root + "/exports", intervals: root + "/intervals", evaluations: root + "/qa")
        let start = ProviderSimulationTests.start
        var simulation = ProviderSimulation(profile: profile, configuration: .init(seed: 3, start: start, speed: 60))
        var expected: [[QAEvaluation]] = []
        for index in 0..<400 {
            let step = simulation.advance(to: start.addingTimeInterval(Double(index) * 3))
            try writer.write(step, sequence: index)
            if !step.evaluations.isEmpty { expected.append(step.evaluations) }
        }
        #expect(!expected.isEmpty)

        // The source as the demo writes it: no mapping, the reference keys.
        let yaml = "sources:\n  - name: qa\n    kind: evaluations\n    path: \(root)/qa\n"
        let configuration = try AgentConfiguration(yaml: yaml, file: "agent.yaml")
        let source = FolderSource(configuration: configuration.sources[0], pseudonymKey: Array(repeating: 1, count: 32))
        let files = try FileManager.default.contentsOfDirectory(atPath: root + "/qa").filter { !$0.hasPrefix(".") }.sorted()
        #expect(files.count == expected.count)
        var evaluations = 0
        for (file, drawn) in zip(files, expected) {
            let result = try source.read(file: URL(fileURLWithPath: root + "/qa/" + file), provider: profile.provider, site: profile.site)
            #expect(result.rejects.isEmpty, "\(file): \(result.rejects.first.map { "\($0)" } ?? "")")
            #expect(result.records.count == drawn.count)
            for (record, evaluation) in zip(result.records, drawn) {
                guard case .evaluation(let read) = record else {
                    Issue.record("not an evaluation")
                    continue
                }
                #expect(read.provider == profile.provider && read.site == profile.site)
                #expect(read.interactionRef == evaluation.interactionRef)
                #expect(read.evaluator.hasPrefix("p_") && read.evaluator != evaluation.evaluator)
                #expect(read.scorecard == evaluation.scorecard && read.scorecardVersion == String(evaluation.scorecardVersion))
                #expect(abs(read.evaluatedAt.timeIntervalSince(evaluation.evaluatedAt)) < 1)
                #expect(read.items.map(\.item) == evaluation.items.map(\.item))
                #expect(read.items.map(\.passed) == evaluation.items.map(\.passed))
                #expect(read.items.map(\.impact.rawValue) == evaluation.items.map(\.impact))
                #expect(read.highImpactErrors == evaluation.highImpactErrors && read.lowImpactErrors == evaluation.lowImpactErrors)
                #expect(read.score == evaluation.score)
                #expect(read.comments == evaluation.comments)
                #expect(read.validationProblem() == nil)
                evaluations += 1
            }
        }
        #expect(evaluations > 0)
    }
}
