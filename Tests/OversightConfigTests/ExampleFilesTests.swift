//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightConfig
import Testing

/// The commented example files in deploy/examples must stay valid and match the documented defaults.
@Suite struct ExampleFilesTests {
    /// The repository root, found from this file's path (Tests/OversightConfigTests/ExampleFilesTests.swift).
    static let repositoryRoot = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test func agentExampleLoads() throws {
        let path = Self.repositoryRoot.appendingPathComponent("deploy/examples/agent.yaml").path
        let configuration = try AgentConfiguration.load(file: path)
        #expect(configuration.sources.count == 3)
        #expect(configuration.sources.map(\.kind) == [.tickets, .intervals, .evaluations])
        let evaluations = configuration.sources[2].evaluationMapping
        #expect(evaluations.fields.count == 14)
        #expect(evaluations.fields[.items] == "Answers" && evaluations.fields[.scorecard] == "Form")
        #expect(evaluations.channels["webchat"] == .chat && evaluations.timeZone.identifier == "Europe/Paris")
        let intervals = configuration.sources[1].intervalMapping
        #expect(intervals.fields.count == 16)
        #expect(intervals.fields[.answeredWithinThreshold] == "Answered in SL")
        #expect(intervals.defaultMinutes == 15 && intervals.defaultThresholdSeconds == 20 && intervals.defaultShortAbandonSeconds == 5)
        #expect(intervals.channels["webchat"] == .chat)
        let mapping = try #require(configuration.sources.first?.mapping)
        #expect(mapping.fields.count == 16)
        #expect(mapping.statuses["awaiting customer"] == .pending)
        #expect(mapping.timeZone.identifier == "Europe/Paris")
        #expect(configuration.batch.maxRecords == AgentConfiguration.Batch().maxRecords)
        #expect(configuration.outbox.maxBytes == AgentConfiguration.Outbox().maxBytes)
    }

    @Test func coordinatorExampleLoadsAndShowsTheDefaults() throws {
        let path = Self.repositoryRoot.appendingPathComponent("deploy/examples/coordinator.yaml").path
        let configuration = try CoordinatorConfiguration.load(file: path)
        let defaults = CoordinatorConfiguration()
        #expect(configuration.listen.port == defaults.listen.port)
        #expect(configuration.handshakes.rate == defaults.handshakes.rate)
        #expect(configuration.handshakes.burst == defaults.handshakes.burst)
        #expect(configuration.limits.maxFrameBytes == defaults.limits.maxFrameBytes)
        #expect(configuration.limits.idleTimeout == defaults.limits.idleTimeout)
        #expect(configuration.heartbeat.offlineAfter == defaults.heartbeat.offlineAfter)
        #expect(configuration.certificates.agentValidity == defaults.certificates.agentValidity)
        #expect(configuration.certificates.serverHostnames == defaults.certificates.serverHostnames)
    }
}
