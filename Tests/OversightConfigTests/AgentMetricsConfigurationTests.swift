//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

import Testing

@testable import OversightConfig

@Suite struct AgentMetricsConfigurationTests {
    @Test func offByDefaultAndReadWhenGiven() throws {
        #expect(try AgentConfiguration(yaml: AgentConfigurationTests.minimal, file: "agent.yaml").metrics.textfile == nil)
        let yaml = AgentConfigurationTests.minimal + "metrics:\n  textfile: /var/lib/prometheus/node-exporter/oversight_agent.prom\n  interval: 30s\nlog_format: json\n"
        let configuration = try AgentConfiguration(yaml: yaml, file: "agent.yaml")
        #expect(configuration.metrics.textfile == "/var/lib/prometheus/node-exporter/oversight_agent.prom")
        #expect(configuration.metrics.interval == .seconds(30))
        #expect(configuration.logFormat == .json)
    }

    @Test(arguments: [
        ("metrics:\n  textfile: relative.prom\n", "metrics.textfile"),
        ("metrics:\n  textfile: /tmp/agent.txt\n", "metrics.textfile"),
        ("metrics:\n  interval: 0s\n", "metrics.interval"),
        ("metrics:\n  port: 9100\n", "metrics"),  // an unknown key is reported at its parent, with the allowed keys
        ("log_format: xml\n", "log_format"),
    ])
    func badValuesNameTheirKeyAndLine(_ extra: String, _ key: String) {
        let error = AgentConfigurationTests.error(in: AgentConfigurationTests.minimal + extra)
        #expect(error?.keyPath == key, "\(String(describing: error))")
        #expect(error?.line != nil)
    }
}
