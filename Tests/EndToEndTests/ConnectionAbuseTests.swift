//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightAgent
import OversightModel
import OversightStore
import OversightTesting
import OversightWire
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

extension EndToEnd {
    /// Thousands of connections that never finish the TLS handshake, connections that finish it and never send
    /// hello, slow senders trickling bytes, an agent opening many connections at once — while an honest agent keeps
    /// syncing. The coordinator's open file descriptors (`/proc/PID/fd`) and resident memory (`VmRSS`) are sampled
    /// every 50 ms throughout (docs/reliability.md has the figures).
    @Suite struct ConnectionAbuseTests {
        static let silentTCP = 1_000
        static let silentTLS = 200
        static let slowSenders = 20
        static let greedyConnections = 50
        static var abusive: Int { Self.silentTCP + Self.silentTLS + 2 * Self.slowSenders }

        @Test(.timeLimit(.minutes(5)))
        func floodsOfSilentAndSlowConnectionsStayBoundedWhileAnHonestAgentSyncs() async throws {
            ProcessResources.raiseFileLimit()
            try await withHarness("connection-abuse") { harness in
                let coordinator = try await harness.startCoordinator(configYAML: "limits:\n  hello_timeout: 2s\n")
                let pid = try #require(coordinator.process?.pid)
                let store = try coordinator.openStore()
                let caPEM = try coordinator.caPEM()
                let honest = try await harness.startAgent(name: "honest", coordinator: coordinator, provider: "acme", site: "paris")
                let greedy = try harness.makeAgent(name: "greedy")
                try await greedy.enroll(with: coordinator, provider: "acme", site: "rome")
                let greedyCredentials = try greedy.credentials()

                var round = 0
                var expected: [String] = []
                func honestFile() throws {
                    round += 1
                    let rows = ticketRows("HONEST\(round)", count: 20, offset: round * 100)
                    try honest.drop("honest-\(round).csv", ExportFile.csv(rows))
                    expected += rows.map(\.id)
                }
                try honestFile()
                try await eventually("the honest agent's first file arrives") { try await store.ticketCount() == expected.count }
                let baseline = try ProcessResources.sample(pid: pid)
                let session = try await honest.status().connection
                #expect(session?.hasPrefix("connected since") == true, "honest agent: \(session ?? "no connection state")")
                let sampler = ResourceSampler(pid: pid)
                let sampling = Task { await sampler.run() }

                // 1. TCP connections that never start TLS.
                var silent: [LeanClient] = []
                for index in 0..<Self.silentTCP {
                    silent.append(try await LeanClient.connectRaw(port: coordinator.port))
                    if index % 250 == 0 { try honestFile() }
                }
                // 2. TLS completed (no client certificate: a would-be enrollment), then nothing.
                for _ in 0..<Self.silentTLS {
                    silent.append(try await LeanClient.connect(port: coordinator.port, caPEM: caPEM, credentials: nil))
                }
                try honestFile()
                // 3. Slow senders: one byte every 250 ms, before TLS (a ClientHello record header) and inside TLS (a frame).
                let slow = try await withThrowingTaskGroup(of: LeanClient.self) { group in
                    for index in 0..<(2 * Self.slowSenders) {
                        group.addTask {
                            let client =
                                index % 2 == 0
                                ? try await LeanClient.connectRaw(port: coordinator.port)
                                : try await LeanClient.connect(port: coordinator.port, caPEM: caPEM, credentials: nil)
                            let bytes: [UInt8] = index % 2 == 0 ? [0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xFC, 0x03, 0x03, 0x00] : [0, 0, 0, 40] + Array("{\"type\":\"enroll\",\"token\":\"x\"}".utf8)
                            for byte in bytes {
                                guard client.isActive else { break }
                                try? await client.sendRaw([byte])
                                try await Task.sleep(for: .milliseconds(250))
                            }
                            return client
                        }
                    }
                    var clients: [LeanClient] = []
                    for try await client in group { clients.append(client) }
                    return clients
                }
                try honestFile()
                // 4. One enrolled agent opening many connections at once, each saying hello: each new one replaces the last.
                var greedyClients: [LeanClient] = []
                for _ in 0..<Self.greedyConnections {
                    let client = try await LeanClient.connect(port: coordinator.port, caPEM: caPEM, credentials: greedyCredentials)
                    greedyClients.append(client)
                    _ = try await client.hello(agentId: greedyCredentials.identity.agentId)
                }
                try honestFile()

                // Every abusive connection is closed by the coordinator (hello timeout), and the honest agent's records all arrive.
                try await eventually("every silent and slow connection closed by the coordinator", timeout: .seconds(60)) {
                    (silent + slow).allSatisfy { !$0.isActive }
                }
                try await eventually("at most one of the greedy agent's connections left open", timeout: .seconds(30)) {
                    greedyClients.filter(\.isActive).count <= 1
                }
                try honestFile()
                for id in expected {
                    try await eventually("honest ticket \(id) stored", timeout: .seconds(60)) { try await store.ticket(provider: "acme", id: id) != nil }
                }
                #expect(coordinator.isRunning)
                try honest.ensureRunning()
                #expect(try await honest.status().connection == session, "the honest agent's session was dropped during the flood")

                // Each silent or slow connection is a `timeout` security event; they raise one alert per peer host, not one per connection.
                let timeouts = try await store.securityEvents(limit: 100_000).filter { $0.kind == "timeout" }.count
                #expect(timeouts >= Self.abusive, "timeout security events: \(timeouts), abusive connections: \(Self.abusive)")
                let alerts = try await coordinator.cli(["alerts", "list", "--json"])
                let listed = try JSONSerialization.jsonObject(with: Data(alerts.stdout.utf8)) as? [[String: Any]] ?? []
                let alertCount = listed.filter { $0["kind"] as? String == "security_event" }.count
                #expect(alertCount >= 1 && alertCount <= 5, "security_event alerts for one flooding host: \(alertCount)")

                await sampler.stop()
                let peak = await sampling.value
                for client in greedyClients { await client.close() }
                var after = try ProcessResources.sample(pid: pid)
                try await eventually("descriptors back near the baseline", timeout: .seconds(30)) {
                    after = try ProcessResources.sample(pid: pid)
                    return after.descriptors <= baseline.descriptors + 16
                }
                print(
                    """
                    [connection-abuse] \(Self.silentTCP) silent TCP + \(Self.silentTLS) silent TLS + \(2 * Self.slowSenders) slow senders \
                    + \(Self.greedyConnections) connections of one agent; honest records \(expected.count)/\(expected.count) stored
                    [connection-abuse] coordinator fds: baseline \(baseline.descriptors), peak \(peak.descriptors), after \(after.descriptors); \
                    RSS MiB: baseline \(baseline.residentMiB), peak \(peak.residentMiB), after \(after.residentMiB); \
                    timeout events \(timeouts); security_event alerts \(alertCount)
                    """
                )
                // One descriptor per connection at most, and a generous memory ceiling (about 170 KiB per abusive connection).
                #expect(peak.descriptors <= baseline.descriptors + Self.abusive + Self.greedyConnections + 64, "fd peak \(peak.descriptors)")
                #expect(peak.residentMiB <= baseline.residentMiB + 256, "RSS peak \(peak.residentMiB) MiB from \(baseline.residentMiB) MiB")
            }
        }
    }
}

/// Descriptors and resident memory of a process, from /proc.
struct ProcessResources: Sendable {
    var descriptors: Int
    var residentMiB: Int

    static func sample(pid: Int32) throws -> ProcessResources {
        let descriptors = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").count
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        let kib = Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
        return ProcessResources(descriptors: descriptors, residentMiB: kib / 1024)
    }

    /// The test opens over a thousand sockets itself, and the coordinator it starts inherits the limit: raise the
    /// soft limit to the hard one.
    static func raiseFileLimit() {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return }
        limit.rlim_cur = limit.rlim_max
        _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    }
}

/// Samples a process every 50 ms and keeps the peaks.
final class ResourceSampler: Sendable {
    let pid: Int32
    private let state = Mutex<(peak: ProcessResources, stopped: Bool)>((ProcessResources(descriptors: 0, residentMiB: 0), false))

    init(pid: Int32) { self.pid = pid }

    func run() async -> ProcessResources {
        while !self.state.withLock({ $0.stopped }) {
            if let sample = try? ProcessResources.sample(pid: self.pid) {
                self.state.withLock {
                    $0.peak.descriptors = max($0.peak.descriptors, sample.descriptors)
                    $0.peak.residentMiB = max($0.peak.residentMiB, sample.residentMiB)
                }
            }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return self.state.withLock { $0.peak }
    }

    func stop() async { self.state.withLock { $0.stopped = true } }
}
