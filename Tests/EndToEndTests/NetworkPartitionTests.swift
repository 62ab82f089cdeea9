//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightStore
import OversightTesting
import Testing

/// A network namespace of the test's own, joined to the host by a veth pair with private addresses: the agent runs
/// inside it, so the link between agent and coordinator can be cut, or made lossy (and, with `tc netem`, slow).
struct NetworkLink {
    let namespace: String
    let hostInterface: String
    let agentInterface: String
    let hostAddress: String
    let agentAddress: String

    static let ip = "/usr/sbin/ip"
    static let tc = "/usr/sbin/tc"

    /// Makes the namespace and the link; `nil` (with the reason) where this machine cannot.
    static func make() async throws -> (NetworkLink?, String) {
        let tag = "\(getpid() % 10_000)\(Int.random(in: 0..<100))"
        let subnet = Int.random(in: 1..<250)
        let link = NetworkLink(
            namespace: "ovs\(tag)", hostInterface: "ovh\(tag)", agentInterface: "ova\(tag)",
            hostAddress: "10.213.\(subnet).1", agentAddress: "10.213.\(subnet).2"
        )
        let steps: [[String]] = [
            ["netns", "add", link.namespace],
            ["link", "add", link.hostInterface, "type", "veth", "peer", "name", link.agentInterface],
            ["link", "set", link.agentInterface, "netns", link.namespace],
            ["addr", "add", "\(link.hostAddress)/24", "dev", link.hostInterface],
            ["link", "set", link.hostInterface, "up"],
            ["netns", "exec", link.namespace, Self.ip, "addr", "add", "\(link.agentAddress)/24", "dev", link.agentInterface],
            ["netns", "exec", link.namespace, Self.ip, "link", "set", link.agentInterface, "up"],
            ["netns", "exec", link.namespace, Self.ip, "link", "set", "lo", "up"],
        ]
        for step in steps {
            let result = try await runCommand(Self.ip, step)
            guard result.exitCode == 0 else {
                await link.remove()
                return (nil, "ip \(step.joined(separator: " ")): \(result)")
            }
        }
        return (link, "")
    }

    /// Runs the agent inside the namespace.
    var launcher: [String] { [Self.ip, "netns", "exec", self.namespace] }

    /// Cuts the link: the host side goes down, packets are dropped without a word to either end.
    func cut() async throws { try await Self.run(Self.ip, ["link", "set", self.hostInterface, "down"]) }

    /// Restores the link.
    func restore() async throws { try await Self.run(Self.ip, ["link", "set", self.hostInterface, "up"]) }

    /// `tc qdisc replace … netem ARGS` on both ends (so each direction is affected).
    func netem(_ arguments: [String]) async throws {
        try await Self.run(Self.tc, ["qdisc", "replace", "dev", self.hostInterface, "root", "netem"] + arguments)
        try await Self.run(Self.ip, ["netns", "exec", self.namespace, Self.tc, "qdisc", "replace", "dev", self.agentInterface, "root", "netem"] + arguments)
    }

    /// Makes the link bad: with `tc netem` where the kernel has it (20 % loss, 500 ms ± 100 ms delay, 25 % reordering
    /// on both ends); otherwise 20 % random loss each way with nftables inside the namespace (kernels without
    /// `sch_netem`, such as this project's CI machines, cannot delay or reorder). Returns what was applied.
    func degrade() async throws -> String {
        if (try? await self.netem(["delay", "500ms", "100ms", "loss", "20%", "reorder", "25%", "50%"])) != nil {
            return "netem: 20 % loss, 500 ms ± 100 ms delay, 25 % reordering"
        }
        let nft = "/usr/sbin/nft"
        let rules = [
            ["add", "table", "inet", "oversight_loss"],
            ["add", "chain", "inet", "oversight_loss", "in", "{ type filter hook input priority 0; }"],
            ["add", "chain", "inet", "oversight_loss", "out", "{ type filter hook output priority 0; }"],
            ["add", "rule", "inet", "oversight_loss", "in", "iifname", self.agentInterface, "numgen", "random", "mod", "100", "<", "20", "drop"],
            ["add", "rule", "inet", "oversight_loss", "out", "oifname", self.agentInterface, "numgen", "random", "mod", "100", "<", "20", "drop"],
        ]
        for rule in rules { try await Self.run(Self.ip, ["netns", "exec", self.namespace, nft] + rule) }
        return "nftables: 20 % random loss each way (no sch_netem in this kernel: no delay or reordering)"
    }

    /// Undoes ``degrade()``.
    func heal() async throws {
        if (try? await self.clearNetem()) != nil { return }
        try await Self.run(Self.ip, ["netns", "exec", self.namespace, "/usr/sbin/nft", "delete", "table", "inet", "oversight_loss"])
    }

    /// Removes the netem queueing discipline from both ends.
    func clearNetem() async throws {
        try await Self.run(Self.tc, ["qdisc", "del", "dev", self.hostInterface, "root"])
        try await Self.run(Self.ip, ["netns", "exec", self.namespace, Self.tc, "qdisc", "del", "dev", self.agentInterface, "root"])
    }

    /// Deletes the namespace (which deletes the veth pair with it).
    func remove() async {
        _ = try? await runCommand(Self.ip, ["link", "del", self.hostInterface])
        _ = try? await runCommand(Self.ip, ["netns", "del", self.namespace])
    }

    private static func run(_ executable: String, _ arguments: [String]) async throws {
        let result = try await runCommand(executable, arguments)
        guard result.exitCode == 0 else { throw HarnessError("\(executable) \(arguments.joined(separator: " ")): \(result)") }
    }
}

extension EndToEnd {
    /// The agent in a network namespace of its own: the link is cut while the provider keeps exporting, then
    /// restored; later it is made lossy, slow and reordering with `tc netem`. Nothing is lost or doubled, the agent
    /// notices a dead connection by itself, and it does not storm the coordinator with reconnects.
    ///
    /// `OVERSIGHT_PARTITION_SECONDS` sets how long the link stays cut (default 20; docs/reliability.md records a
    /// run of several minutes).
    @Suite struct NetworkPartitionTests {
        static let perFile = 250

        @Test(.timeLimit(.minutes(10)))
        func aCutLinkAndABadLinkLoseAndDoubleNothing() async throws {
            try await withHarness("partition") { harness in
                let (made, reason) = try await NetworkLink.make()
                guard let link = made else {
                    Issue.record("cannot make a network namespace for the partition test: \(reason)")
                    return
                }
                do {
                    try await Self.exercise(harness: harness, link: link)
                } catch {
                    await harness.stopAll()
                    await link.remove()
                    throw error
                }
                await harness.stopAll()
                await link.remove()
            }
        }

        static func exercise(harness: Harness, link: NetworkLink) async throws {
            let partitionSeconds = Int(ProcessInfo.processInfo.environment["OVERSIGHT_PARTITION_SECONDS"] ?? "") ?? 20
            // The coordinator closes a connection silent for 5 s; the agent heartbeats every second (the harness's
            // agent configuration), so the agent gives up a dead connection after 3 s (three heartbeat intervals).
            let coordinator = try await harness.startCoordinator(
                configYAML: "limits:\n  idle_timeout: 5s\nheartbeat:\n  interval: 1s\n  offline_after: 3s\n", extraHostnames: [link.hostAddress], listenHost: "0.0.0.0"
            )
            var options = AgentOptions()
            options.maxRecords = 50
            let agent = try harness.makeAgent(name: "far", options: options)
            let token = try await coordinator.createToken(provider: "acme", site: "paris")
            let enrolled = try await agent.enroll(
                coordinator: "\(link.hostAddress):\(coordinator.port)", token: token, fingerprint: try await coordinator.fingerprint()
            )
            #expect(enrolled.exitCode == 0, "\(enrolled)")
            agent.launcher = link.launcher
            try agent.start()
            let store = try coordinator.openStore()
            var expected = 0
            var files: [String] = []
            func drop(_ name: String) throws {
                try agent.drop(name, ExportFile.csv(ticketRows(name.replacingOccurrences(of: ".csv", with: ""), count: Self.perFile)))
                files.append(name)
                expected += Self.perFile
            }
            try drop("p00.csv")
            try await eventually("the first file stored over the link") { try await store.ticketCount() == expected }

            // Cut: the provider keeps exporting; nothing reaches the coordinator; the agent keeps everything.
            try await link.cut()
            let cutAt = ContinuousClock.now
            let logBefore = agent.process?.log() ?? ""
            let stored = try await store.ticketCount()
            var dropped = 0
            while ContinuousClock.now - cutAt < .seconds(partitionSeconds) {
                try drop(String(format: "p%02d.csv", files.count))
                dropped += 1
                try await Task.sleep(for: .seconds(max(1, partitionSeconds / 5)))
            }
            #expect(try await store.ticketCount() == stored, "tickets arrived through a cut link")
            let duringCut = String((agent.process?.log() ?? "").dropFirst(logBefore.count))
            let attempts = duringCut.components(separatedBy: "reconnecting").count - 1
            let gaveUp = duringCut.contains("connection to the coordinator failed") || duringCut.contains("sending stopped")
            #expect(gaveUp, "the agent did not notice the dead connection within \(partitionSeconds) s")
            // Backoff: attempts are spaced out (1 s at most here), never a storm; each failed connect also waits for its timeout.
            #expect(attempts <= partitionSeconds + 5, "\(attempts) reconnect attempts in \(partitionSeconds) s")
            print("partition: \(partitionSeconds) s cut, \(dropped) files exported meanwhile, \(attempts) reconnect attempts")

            // Restored: full catch-up by itself.
            try await link.restore()
            try await eventually("catch-up after the partition", timeout: .seconds(120)) { try await store.ticketCount() == expected }

            // A bad link. Sync goes on.
            let bad = try await link.degrade()
            let badFrom = expected
            let badAt = ContinuousClock.now
            for _ in 0..<4 { try drop(String(format: "p%02d.csv", files.count)) }
            try await eventually("every ticket over the bad link", timeout: .seconds(300)) { try await store.ticketCount() == expected }
            print("partition: bad link (\(bad)): \(expected - badFrom) tickets in \(ContinuousClock.now - badAt)")
            try await link.heal()

            try await eventually("every file in done/ once") { agent.doneFiles() == files.sorted() }
            try await eventually("the agent's outbox drained") { try await agent.status().outbox.depth == 0 }
            let credentials = try agent.credentials()
            let chain = try await store.committedChain(agentId: credentials.identity.agentId, key: credentials.signingKey.publicKey)
            #expect(chain.recordIds.count == expected, "records committed \(chain.recordIds.count), expected \(expected)")
            #expect(Set(chain.recordIds).count == expected, "a record was applied twice")
            print("partition: \(expected) tickets, \(files.count) files, all stored once")
        }
    }
}
