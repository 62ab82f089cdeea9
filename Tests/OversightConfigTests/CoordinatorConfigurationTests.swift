//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

import OversightConfig
import Testing

@Suite struct CoordinatorConfigurationTests {
    @Test func emptyMappingTakesEveryDefault() throws {
        let configuration = try CoordinatorConfiguration(yaml: "{}\n", file: "coordinator.yaml")
        #expect(configuration.dataDirectory == "/var/lib/oversight/coordinator")
        #expect(configuration.listen.host == "0.0.0.0")
        #expect(configuration.listen.port == 7443)
        #expect(configuration.handshakes.rate == 200)
        #expect(configuration.handshakes.burst == 400)
        #expect(configuration.handshakes.maxQueueWait == .seconds(30))
        #expect(configuration.enrollments.rate == 5)
        #expect(configuration.enrollments.burst == 20)
        #expect(configuration.limits.maxFrameBytes == 4 << 20)
        #expect(configuration.limits.maxRecordsPerBatch == 5_000)
        #expect(configuration.limits.helloTimeout == .seconds(10))
        #expect(configuration.limits.idleTimeout == .seconds(120))
        #expect(configuration.limits.maxConnections == 20_000)
        #expect(configuration.heartbeat.interval == .seconds(30))
        #expect(configuration.heartbeat.offlineAfter == .seconds(90))
        #expect(configuration.synchronous == .full)
        #expect(configuration.certificates.agentValidity == .seconds(90 * 86_400))
        #expect(configuration.certificates.serverHostnames == ["localhost"])
        #expect(configuration.logLevel == .info)
    }

    @Test func everyKeyIsRead() throws {
        let yaml = """
            data: /tmp/coord
            listen: { host: "127.0.0.1", port: 17443 }
            handshakes: { rate: 50, burst: 60, max_queue_wait: 5s }
            enrollments: { rate: 1, burst: 2 }
            limits: { max_frame_bytes: 1MiB, max_records_per_batch: 100, hello_timeout: 3s, idle_timeout: 45s, max_connections: 10 }
            heartbeat: { interval: 15s, offline_after: 40s }
            store: { synchronous: normal }
            certificates: { agent_validity: 30d, server_hostnames: [hq.example, 10.0.0.5] }
            log_level: warning
            """
        let configuration = try CoordinatorConfiguration(yaml: yaml, file: "coordinator.yaml")
        #expect(configuration.dataDirectory == "/tmp/coord")
        #expect(configuration.listen.host == "127.0.0.1")
        #expect(configuration.listen.port == 17443)
        #expect(configuration.handshakes.rate == 50)
        #expect(configuration.handshakes.burst == 60)
        #expect(configuration.handshakes.maxQueueWait == .seconds(5))
        #expect(configuration.enrollments.rate == 1)
        #expect(configuration.enrollments.burst == 2)
        #expect(configuration.limits.maxFrameBytes == 1 << 20)
        #expect(configuration.limits.maxRecordsPerBatch == 100)
        #expect(configuration.limits.helloTimeout == .seconds(3))
        #expect(configuration.limits.idleTimeout == .seconds(45))
        #expect(configuration.limits.maxConnections == 10)
        #expect(configuration.heartbeat.interval == .seconds(15))
        #expect(configuration.heartbeat.offlineAfter == .seconds(40))
        #expect(configuration.synchronous == .normal)
        #expect(configuration.certificates.agentValidity == .seconds(30 * 86_400))
        #expect(configuration.certificates.serverHostnames == ["hq.example", "10.0.0.5"])
        #expect(configuration.logLevel == .warning)
    }

    @Test func aggregateEvaluationIntervalDefaultsTo30Seconds() throws {
        #expect(try CoordinatorConfiguration(yaml: "{}\n", file: "c.yaml").aggregateInterval == .seconds(30))
        #expect(try CoordinatorConfiguration(yaml: "aggregates: { evaluate_every: 5s }\n", file: "c.yaml").aggregateInterval == .seconds(5))
    }

    @Test(arguments: [
        ("listen:\n  port: 7443\n  hots: x\n",
         "coordinator.yaml:3:3: listen: unknown key 'hots' (did you mean 'host'?); allowed keys here: host, port"),
        ("listen: { port: 70000 }\n", "coordinator.yaml:1:17: listen.port: expected an integer from 1 to 65535, got '70000'"),
        ("handshakes: { rate: 100, burst: 50 }\n", "coordinator.yaml:1:33: handshakes.burst: burst (50) must be at least rate (100)"),
        ("enrollments: { max_queue_wait: 5s }\n", "coordinator.yaml:1:16: enrollments: unknown key 'max_queue_wait'"),
        ("limits: { max_frame_bytes: 1KiB }\n", "coordinator.yaml:1:28: limits.max_frame_bytes: expected a byte size from 64KiB to 64MiB"),
        ("limits: { hello_timeout: soon }\n", "coordinator.yaml:1:26: limits.hello_timeout: expected a duration from 1s to 5m"),
        ("heartbeat: { interval: 60s, offline_after: 30s }\n", "coordinator.yaml:1:44: heartbeat.offline_after: offline_after (30s) must be longer"),
        ("limits: { idle_timeout: 20s }\n",
         "coordinator.yaml:1:25: limits.idle_timeout: limits.idle_timeout (20s) must be longer than heartbeat.interval"),
        ("store: { synchronous: off }\n", "coordinator.yaml:1:23: store.synchronous: expected one of full, normal, got 'off'"),
        ("certificates: { server_hostnames: [] }\n",
         "coordinator.yaml:1:35: certificates.server_hostnames: expected a list of at least one host name"),
        ("certificates: { agent_validity: 5y }\n", "coordinator.yaml:1:33: certificates.agent_validity: expected a duration from 1d to 825d"),
        ("aggregates: { evaluate_every: 0s }\n", "coordinator.yaml:1:31: aggregates.evaluate_every: expected a duration from 1s to 1h"),
        ("aggregates: { every: 5s }\n", "coordinator.yaml:1:15: aggregates: unknown key 'every'"),
        ("stores: {}\n", "coordinator.yaml:1:1: unknown key 'stores' (did you mean 'store'?)"),
        ("- a\n", "coordinator.yaml:1:1: expected a mapping of keys at the top of the file"),
        ("alerts: { alertmanager: [{ url: \"http://am:9093\", language: fr }] }\n",
         "coordinator.yaml:1:61: alerts.alertmanager[0].language: expected one of en, de, ru, got 'fr'"),
    ])
    func invalidFilesAreRejectedWithFileAndLine(yaml: String, expected: String) throws {
        let error = try #require(throws: ConfigError.self) { try CoordinatorConfiguration(yaml: yaml, file: "coordinator.yaml") }
        #expect(error.description.hasPrefix(expected), "\(error.description)")
    }

    @Test func receiverLanguageDefaultsToEnglish() throws {
        let yaml = """
            alerts:
              alertmanager:
                - { name: head-office, url: "http://am:9093" }
                - { name: moscow, url: "http://am2:9093", language: RU }
            """
        let alerts = try CoordinatorConfiguration(yaml: yaml, file: "coordinator.yaml").alerts
        #expect(alerts.alertmanagers.map(\.language) == ["en", "ru"])
    }
}
