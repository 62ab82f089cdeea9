//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The demo's orchestration: enroll and start real agent processes, feed them, report, stop them on shutdown.
//
//===----------------------------------------------------------------------===//

import Foundation
import Logging
import OversightCoordinator
import OversightSLA
import OversightSampling
import OversightSimulator
import OversightStore
import ServiceLifecycle
import Synchronization

final class DemoRunner: Service, Sendable {
    let directory: String
    let coordinatorPaths: CoordinatorPaths
    let agentBinary: String
    let feed: any DemoFeed
    let logger: Logger
    private let port: AsyncStream<Int>
    private let portContinuation: AsyncStream<Int>.Continuation
    private let children = Mutex<[Process]>([])
    /// Each provider's running agent, so a silent window can stop and restart it.
    private let agentProcesses = Mutex<[String: Process]>([:])

    init(directory: String, coordinatorPaths: CoordinatorPaths, agentBinary: String, feed: any DemoFeed, logger: Logger) {
        self.directory = directory
        self.coordinatorPaths = coordinatorPaths
        self.agentBinary = agentBinary
        self.feed = feed
        self.logger = logger
        (self.port, self.portContinuation) = AsyncStream.makeStream(of: Int.self)
    }

    private let slaEvents = Mutex<(atRisk: Int, breaches: Int, late: Int)>((0, 0, 0))

    /// Called by the SLA engine for every recorded event.
    func slaEvent(_ event: SLAEventRow) {
        let first = self.slaEvents.withLock { counts -> Bool in
            if event.kind == "breach" { counts.breaches += 1 } else { counts.atRisk += 1 }
            if event.lateData { counts.late += 1 }
            return event.kind == "breach" && counts.breaches == 1
        }
        if event.kind == "at-risk", self.slaEvents.withLock({ $0.atRisk == 1 }) {
            say(
                "SLA at risk: \(event.provider)/\(event.site) ticket \(event.ticketId), \(event.clock) target at risk since \(WireTime.format(event.at))"
            )
        }
        if first {
            say(
                "SLA breach: \(event.provider)/\(event.site) ticket \(event.ticketId), \(event.clock) target missed at \(WireTime.format(event.at))"
                    + (event.lateData ? " (found late: the data arrived after the deadline)" : "")
            )
        }
    }

    /// Called by the listener once it is bound.
    func coordinatorBound(port: Int) {
        self.portContinuation.yield(port)
        self.portContinuation.finish()
    }

    func run() async throws {
        defer { self.stopChildren() }
        do {
            try await cancelWhenGracefulShutdown {
                try await self.orchestrate()
            }
        } catch is CancellationError {
            return
        }
    }

    private func orchestrate() async throws {
        var iterator = self.port.makeAsyncIterator()
        guard let port = await iterator.next() else { return }
        let store = try SQLiteStore(path: self.coordinatorPaths.store)
        let identity = try CoordinatorIdentity.load(self.coordinatorPaths)
        say("Coordinator listening for agents on 127.0.0.1:\(port) (TLS, CA \(identity.authority.fingerprint))")

        var expected = 0
        var feeds: [(DemoProvider, String)] = []
        for provider in self.feed.providers {
            let agentDirectory = "\(self.directory)/agents/\(provider.provider)"
            let exports = "\(agentDirectory)/exports"
            // The simulator writes phone and chat interval reports beside the ticket exports (read with IntervalReport.sourceYAML).
            let intervals = "\(agentDirectory)/intervals"
            // …and QA evaluations of solved tickets as JSON Lines (the reference evaluation keys).
            let evaluations = "\(agentDirectory)/qa"
            try FileManager.default.createDirectory(atPath: exports, withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: intervals, withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: evaluations, withIntermediateDirectories: true)
            // …and each ticket's interaction, which a sample request brings back redacted (SimulatorFeed, DemoTranscripts).
            let transcripts = "\(agentDirectory)/transcripts"
            try FileManager.default.createDirectory(atPath: transcripts, withIntermediateDirectories: true)
            if !FileManager.default.fileExists(atPath: agentDirectory + "/data/agent.json") {
                let token = try await EnrollmentTokens.create(store: store, provider: provider.provider, site: provider.site, ttl: .seconds(600))
                let (status, output) = try await self.runToEnd(
                    [
                        "enroll", "--coordinator", "127.0.0.1:\(port)", "--token", token.token, "--ca-fingerprint",
                        identity.authority.fingerprint, "--data", agentDirectory + "/data",
                    ],
                    log: agentDirectory + "/enroll.log"
                )
                guard status == 0 else { throw DemoError("enrolling \(provider.provider) failed: \(output)") }
                say("Enrolled \(provider.provider)/\(provider.site): \(output.split(separator: "\n").first ?? "")")
            }
            let config = """
                data: \(agentDirectory)/data
                coordinator: 127.0.0.1:\(port)
                batch:
                  max_records: 200
                  max_age: 250ms
                heartbeat_interval: 5s
                reconnect:
                  initial_backoff: 200ms
                  max_backoff: 5s
                sources:
                  - name: tickets
                    kind: tickets
                    path: \(exports)
                    poll_interval: 250ms
                    settle_time: 200ms
                \(provider.sourceYAML.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n"))
                  - name: intervals
                    kind: intervals
                    path: \(intervals)
                    poll_interval: 250ms
                    settle_time: 200ms
                \(IntervalReport.sourceYAML.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n"))
                  - name: evaluations
                    kind: evaluations
                    path: \(evaluations)
                    poll_interval: 250ms
                    settle_time: 200ms
                transcripts:
                  folder: \(transcripts)

                """
            try config.write(toFile: agentDirectory + "/agent.yaml", atomically: true, encoding: .utf8)
            let agent = try self.start(["run", "--config", agentDirectory + "/agent.yaml"], log: agentDirectory + "/agent.log")
            self.agentProcesses.withLock { $0[provider.provider] = agent }
            feeds.append((provider, exports))
            expected += 1
        }
        say("Started \(expected) agent processes; their logs are in \(self.directory)/agents/*/agent.log")
        // The feeds (and the silent windows they announce) run beside the reporting below until the demo stops.
        async let feeding: Void = self.runFeeds(feeds, start: Date())

        // Wait until the agents' files are taken and acknowledged, then show what was synced.
        let deadline = ContinuousClock.now + .seconds(60)
        var report = try await store.status(now: Date(), offlineAfter: .seconds(15))
        while ContinuousClock.now < deadline {
            report = try await store.status(now: Date(), offlineAfter: .seconds(15))
            let pending = try self.feed.providers.contains { provider in
                let exports = "\(self.directory)/agents/\(provider.provider)/exports"
                return try FileManager.default.contentsOfDirectory(atPath: exports).contains { !$0.hasPrefix(".") && $0 != "done" && $0 != "rejects" }
            }
            let everyone = report.providers.count >= self.feed.providers.count && report.providers.allSatisfy { $0.agentsOnline > 0 }
            let outboxes = try await store.agents().allSatisfy { ($0.outboxDepth ?? 1) == 0 }
            if !pending && everyone && outboxes && report.providers.allSatisfy({ $0.tickets > 0 }) { break }
            try await Task.sleep(for: .milliseconds(500))
        }
        report = try await store.addingEvaluationCounts(to: store.addingIntervalCounts(to: report))
        say("\nSynced, as stored at the coordinator:\n")
        say(StatusRendering.table(report))
        let counts = self.slaEvents.withLock { $0 }
        say("\nSLA engine: \(counts.breaches) breaches and \(counts.atRisk) at-risk moments recorded (\(counts.late) found late), by the contracts in \(self.coordinatorPaths.directory)/contracts")
        let agents = try await store.agents()
        say("")
        for agent in agents {
            say("agent \(agent.id) \(agent.provider)/\(agent.site): last batch seq \(agent.lastSeq), outbox \(agent.outboxDepth ?? 0)")
        }
        for provider in self.feed.providers {
            let rejects = "\(self.directory)/agents/\(provider.provider)/exports/rejects"
            if let files = try? FileManager.default.contentsOfDirectory(atPath: rejects), !files.isEmpty {
                say("\(provider.provider): rows the agent rejected (with line and reason) are in \(rejects)")
            }
        }
        try await self.requestSamples()
        say("\nTry, in another terminal:")
        say("  oversight-coordinator status --data \(self.coordinatorPaths.directory)")
        say("  oversight-coordinator agents list --data \(self.coordinatorPaths.directory)")
        say("  oversight-agent status --data \(self.directory)/agents/\(self.feed.providers[0].provider)/data")
        say("Drop more export files into \(self.directory)/agents/*/exports to see them sync. Ctrl-C stops the demo.")

        while !Task.isCancelled {
            try await Task.sleep(for: .seconds(30))
            let now = try await store.addingEvaluationCounts(
                to: store.addingIntervalCounts(to: store.status(now: Date(), offlineAfter: .seconds(15)))
            )
            let line = now.providers.map {
                "\($0.provider): \($0.tickets) tickets, \($0.openTickets) open, \($0.intervals) intervals, "
                    + "\($0.evaluations) QA evaluations, agents \($0.agentsOnline)/\($0.agentsTotal)"
            }
            say("[\(WireTime.format(Date()))] " + line.joined(separator: " · "))
        }
        try await feeding
    }

    /// Draws this week's audit sample of every provider with a sampling plan and asks its agent for the interactions
    /// (`samples request`): the agents return them redacted within seconds, and the console's audits page lists them
    /// ready to score. A week already requested (a demo run again on its data) is said so and left alone.
    private func requestSamples() async throws {
        let files = SamplingFiles(dataDirectory: self.coordinatorPaths.directory)
        say("")
        for provider in self.feed.providers {
            guard let plan = try? files.plan(provider: provider.provider) else { continue }
            let label = ContractPeriod(.week, containing: Date(), in: plan.timeZone).description
            do {
                let command = try SamplesCommand.Request.parse(
                    ["--provider", provider.provider, "--period", label, "--data", self.coordinatorPaths.directory]
                )
                try await command.run()
                // The command prints through the buffered stdout, the demo unbuffered: flush to keep the order.
                fflush(nil)
            } catch {
                say("\(provider.provider) \(label): no audit sample requested: \(error)")
            }
        }
        say("Audit samples: the agents return the sampled interactions redacted; the console's Audits page lists them ready to score.")
    }

    /// Runs every provider's feed and honours its silent windows; a feed that fails is reported and stops alone.
    private func runFeeds(_ feeds: [(DemoProvider, String)], start: Date) async throws {
        try await withThrowingDiscardingTaskGroup { group in
            for (provider, exports) in feeds {
                group.addTask {
                    do {
                        try await self.feed.run(provider, into: exports, start: start)
                    } catch is CancellationError {
                        throw CancellationError()
                    } catch {
                        say("The feed of \(provider.provider) stopped: \(error)")
                    }
                }
                let windows = self.feed.silentWindows(for: provider)
                if !windows.isEmpty {
                    group.addTask { try await self.honourSilence(of: provider, windows: windows, start: start) }
                }
            }
        }
    }

    /// Stops `provider`'s agent for each window and starts it again after, so the site goes silent end to end.
    private func honourSilence(of provider: DemoProvider, windows: [Range<Duration>], start: Date) async throws {
        let agentDirectory = "\(self.directory)/agents/\(provider.provider)"
        for window in windows {
            try await Task.sleep(for: .seconds(max(0, start.addingTimeInterval(Double(window.lowerBound.components.seconds)).timeIntervalSinceNow)))
            if let agent = self.agentProcesses.withLock({ $0[provider.provider] }), agent.isRunning {
                agent.terminate()
                let deadline = Date().addingTimeInterval(10)
                while agent.isRunning && Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
                if agent.isRunning { kill(agent.processIdentifier, SIGKILL) }
            }
            let length = (window.upperBound - window.lowerBound).components.seconds
            say("\(provider.provider)/\(provider.site): export job silent and agent stopped for \(length) s (a simulated outage at the provider)")
            try await Task.sleep(for: .seconds(max(0, start.addingTimeInterval(Double(window.upperBound.components.seconds)).timeIntervalSinceNow)))
            let agent = try self.start(["run", "--config", agentDirectory + "/agent.yaml"], log: agentDirectory + "/agent.log", append: true)
            self.agentProcesses.withLock { $0[provider.provider] = agent }
            say("\(provider.provider)/\(provider.site): agent started again; it sends what changed during the silence")
        }
    }

    private func makeProcess(_ arguments: [String], log: String, append: Bool = false) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: self.agentBinary)
        process.arguments = arguments
        if !append || !FileManager.default.fileExists(atPath: log) { _ = FileManager.default.createFile(atPath: log, contents: nil) }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        if append { _ = try handle.seekToEnd() }
        process.standardOutput = handle
        process.standardError = handle
        return process
    }

    @discardableResult
    private func start(_ arguments: [String], log: String, append: Bool = false) throws -> Process {
        let process = try self.makeProcess(arguments, log: log, append: append)
        try process.run()
        self.children.withLock { $0.append(process) }
        return process
    }

    private func runToEnd(_ arguments: [String], log: String) async throws -> (Int32, String) {
        let process = try self.makeProcess(arguments, log: log)
        try process.run()
        while process.isRunning { try await Task.sleep(for: .milliseconds(50)) }
        let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        return (process.terminationStatus, output.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    private func stopChildren() {
        let children = self.children.withLock { $0 }
        for child in children where child.isRunning { child.terminate() }
        let deadline = Date().addingTimeInterval(10)
        for child in children {
            while child.isRunning && Date() < deadline { usleep(50_000) }
            if child.isRunning { kill(child.processIdentifier, SIGKILL) }
        }
        if !children.isEmpty { say("Stopped \(children.count) agent processes.") }
    }
}

struct DemoError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
