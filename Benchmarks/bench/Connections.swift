//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Part 5: many connected, heartbeating agents — coordinator memory and CPU, and reconnection after a restart.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightAgent
import OversightModel
import OversightTesting

struct ConnectionSettings: Sendable {
    var agents = 10_000
    var heartbeatInterval = 30
    var window = 60.0
    var concurrentConnects = 256
}

enum ConnectionsPart {
    static func run(settings: ConnectionSettings, scratch: TemporaryDirectory) async throws -> [Figure] {
        let limit = Machine.raiseOpenFilesLimit()
        guard limit > settings.agents + 200 else {
            return [.notMeasured("connections", "the open-files limit is \(limit), below \(settings.agents + 200)")]
        }
        let root = try scratch.makeFolder("connections")
        let coordinator = try BenchCoordinator(root: root, options: CoordinatorOptions(heartbeatInterval: "\(settings.heartbeatInterval)s"))
        try await coordinator.start()
        var clients: [LeanClient] = []
        do {
            progress("connections: open-files limit \(limit); enrolling a template agent, registering \(settings.agents) agents with the CA")
            let template = try await coordinator.enroll(provider: "provider-conn", site: "site-conn", directory: root.appendingPathComponent("template"))
            let agents = try await coordinator.registerAgents(count: settings.agents, template: template)
            guard let pid = coordinator.servePid, let idle = ProcessSample.read(pid: pid) else { throw BenchError("no coordinator process") }

            progress("connections: connecting \(settings.agents) agents (\(settings.concurrentConnects) at a time)")
            let connectStart = ContinuousClock.now
            clients = try await self.connectAll(agents, port: coordinator.port, caPEM: coordinator.caPEM, concurrency: settings.concurrentConnects)
            let connectSeconds = seconds(since: connectStart)
            progress(String(format: "connections: %d connected in %.1f s; heartbeating every %d s for %.0f s", clients.count, connectSeconds,
                settings.heartbeatInterval, settings.window))

            let before = ProcessSample.read(pid: pid)
            try await self.heartbeat(clients, interval: Double(settings.heartbeatInterval), window: settings.window)
            guard let after = ProcessSample.read(pid: pid), let before else { throw BenchError("the coordinator exited") }
            let stillOpen = clients.filter(\.isActive).count
            let stored = try await coordinator.openStore().agents().filter(\.connected).count

            progress("connections: restarting the coordinator (SIGTERM, serve again) and reconnecting every agent")
            for client in clients { await client.close() }
            clients = []
            await coordinator.stop()
            let restart = ContinuousClock.now
            try await coordinator.start()
            let readySeconds = seconds(since: restart)
            clients = try await self.connectAll(agents, port: coordinator.port, caPEM: coordinator.caPEM, concurrency: settings.concurrentConnects)
            let reconnectSeconds = seconds(since: restart)
            progress(String(format: "connections: all %d reconnected %.1f s after the restart (ready after %.1f s)", clients.count, reconnectSeconds, readySeconds))
            for client in clients { await client.close() }
            clients = []
            await coordinator.stop()

            let mib = 1024.0 * 1024.0
            let gib = mib * 1024
            let note = "\(settings.agents) lean clients (real mutual TLS, hello, heartbeats every \(settings.heartbeatInterval) s); "
                + "\(stillOpen) still open after \(Int(settings.window)) s, \(stored) marked connected in the store; coordinator synchronous=FULL"
            return [
                Figure("connections.agents", Double(stillOpen), "agents", note: note),
                Figure("connections.coordinator_rss", after.rssBytes / mib, "MiB", target: "< 1 GiB", ratio: after.rssBytes / gib,
                    note: String(format: "idle before connections %.0f MiB", idle.rssBytes / mib)),
                Figure("connections.coordinator_hwm", after.hwmBytes / mib, "MiB", target: "< 1 GiB", ratio: after.hwmBytes / gib,
                    note: "peak (VmHWM), including the connection burst"),
                Figure("connections.coordinator_cpu", ProcessSample.cpuShare(from: before, to: after) * 100, "% of a core",
                    note: "utime+stime over the heartbeat window"),
                Figure("connections.connect_all", connectSeconds, "s", note: "first connection of every agent, \(settings.concurrentConnects) at a time"),
                Figure("connections.reconnect_all", reconnectSeconds, "s",
                    note: String(format: "from restarting serve to the last welcome (ready after %.2f s); handshakes paced at the default 200/s, burst 400", readySeconds)),
            ]
        } catch {
            for client in clients { await client.close() }
            await coordinator.stop()
            throw error
        }
    }

    /// Connects and says hello for every agent, `concurrency` at a time, retrying refused connections.
    static func connectAll(_ agents: [AgentCredentials], port: Int, caPEM: String, concurrency: Int) async throws -> [LeanClient] {
        try await withThrowingTaskGroup(of: LeanClient.self) { group in
            var clients: [LeanClient] = []
            clients.reserveCapacity(agents.count)
            var next = 0
            while next < agents.count {
                if next >= concurrency, let client = try await group.next() {
                    clients.append(client)
                    if clients.count % 1000 == 0 { progress("  \(clients.count)/\(agents.count) connected") }
                }
                let agent = agents[next]
                next += 1
                group.addTask { try await self.connect(agent, port: port, caPEM: caPEM) }
            }
            for try await client in group {
                clients.append(client)
                if clients.count % 1000 == 0 { progress("  \(clients.count)/\(agents.count) connected") }
            }
            return clients
        }
    }

    /// Connects one agent and says hello, retrying refused or failed attempts.
    static func connect(_ agent: AgentCredentials, port: Int, caPEM: String) async throws -> LeanClient {
        var attempt = 0
        while true {
            attempt += 1
            do {
                let client = try await LeanClient.connect(port: port, caPEM: caPEM, credentials: agent)
                do {
                    _ = try await client.hello(agentId: agent.identity.agentId)
                    return client
                } catch {
                    await client.close()
                    throw error
                }
            } catch {
                if attempt >= 20 { throw BenchError("agent \(agent.identity.agentId) could not connect: \(error)") }
                try await Task.sleep(for: .milliseconds(100 * min(attempt, 10)))
            }
        }
    }

    /// Sends heartbeats, each agent every `interval` seconds with phases spread evenly, for `window` seconds.
    static func heartbeat(_ clients: [LeanClient], interval: Double, window: Double) async throws {
        let start = ContinuousClock.now
        let tick = 0.1
        var sent = 0
        var elapsed = 0.0
        while elapsed < window {
            // Every agent whose (phase + k * interval) fell in (previous, now].
            let total = Int(elapsed / interval * Double(clients.count))
            while sent < total {
                let client = clients[sent % clients.count]
                let info = HeartbeatInfo(
                    version: "bench", outboxDepth: 0, outboxBytes: 0, oldestUnsentAgeSeconds: 0, outboxFull: false, lastSourceError: nil,
                    lastAckedSeq: 0, sentAt: Date()
                )
                try? await client.send(.heartbeat(info))
                sent += 1
            }
            try await Task.sleep(for: .milliseconds(Int64(tick * 1000)))
            elapsed = seconds(since: start)
        }
    }
}
