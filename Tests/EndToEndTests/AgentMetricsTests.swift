//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightTesting
import Testing

extension EndToEnd {
    @Suite struct AgentMetricsTests {
        @Test(.timeLimit(.minutes(2)))
        func theAgentsTextfileFollowsWhatItSends() async throws {
            try await withHarness("agent-metrics") { harness in
                let coordinator = try await harness.startCoordinator()
                let agent = try harness.makeAgent(name: "a")
                let textfile = harness.directory.child("oversight_agent.prom")
                let handle = try FileHandle(forWritingTo: agent.configFile)
                try handle.seekToEnd()
                try handle.write(contentsOf: Data("metrics:\n  textfile: \(textfile.path)\n  interval: 1s\n".utf8))
                try handle.close()
                try await agent.enroll(with: coordinator, provider: "acme", site: "paris")
                let agentId = try agent.agentId()
                try agent.start()
                let labels = #"agent="\#(agentId)",provider="acme",site="paris""#
                func text() -> String { (try? String(contentsOf: textfile, encoding: .utf8)) ?? "" }

                try await eventually("the first textfile, connected") { text().contains("oversight_agent_connected{\(labels)} 1") }
                #expect(text().contains("# TYPE oversight_agent_outbox_records gauge"))
                try agent.drop("export-1.csv", ExportFile.csv(ticketRows("T", count: 25)))
                let store = try coordinator.openStore()
                try await eventually("the tickets stored") { try await store.ticketCount() == 25 }
                let seq = try #require(try await store.agent(id: agentId)).lastSeq
                try await eventually("the textfile shows the rows taken and the acknowledged batch") {
                    let current = text()
                    return current.contains(#"oversight_agent_source_rows_taken_total{\#(labels),source="tickets"} 25"#)
                        && current.contains("oversight_agent_last_acknowledged_sequence{\(labels)} \(seq)")
                        && current.contains("oversight_agent_outbox_records{\(labels)} 0")
                }
                // Every line is a comment or `name{labels} value`, as node-exporter's textfile collector wants.
                for line in text().split(separator: "\n") {
                    #expect(line.hasPrefix("# ") || line.firstMatch(of: /^oversight_agent_[a-z_]+\{[^}]*\} -?[0-9.e+]+$/) != nil, "\(line)")
                }

                // The coordinator gone: the file says so.
                await coordinator.stop()
                try await eventually("disconnected") { text().contains("oversight_agent_connected{\(labels)} 0") }
            }
        }
    }
}
