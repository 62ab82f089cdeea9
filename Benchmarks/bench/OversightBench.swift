//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// `oversight-bench`: measures Oversight against this machine's own limits (docs/performance.md).
//
//===----------------------------------------------------------------------===//

import ArgumentParser
import Foundation
import OversightTesting

@main
struct OversightBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "oversight-bench",
        abstract: "Measure ingest, latency, deadlines, connections and agent footprint against the machine's own limits.",
        discussion: "Progress goes to stderr, results to stdout. Build in release: swift run -c release oversight-bench."
    )

    static let allParts = ["limits", "ingest", "latency", "deadlines", "connections", "agent", "postgres"]

    @Flag(name: .long, help: "Every part at a small size (under two minutes in all).") var quick = false
    @Flag(name: .long, help: "Print the results as a JSON array instead of a table.") var json = false
    @Option(name: .long, help: "Comma-separated parts: \(Self.allParts.joined(separator: ",")).") var only: String?
    @Option(name: .long, help: "Agents pushing batches in the ingest part.") var ingestAgents = 4
    @Option(name: .long, help: "Batches each ingest agent pushes (default 150, 20 with --quick).") var ingestBatches: Int?
    @Option(name: .long, help: "Synchronous modes of the ingest part: full,normal.") var ingestSync = "full,normal"
    @Option(name: .long, help: "Connected agents in the connections part (default 10000, 1000 with --quick).") var connections: Int?
    @Option(name: .long, help: "The oversight-agent executable to measure in the agent part (e.g. a --static-swift-stdlib build).")
    var agentBinary: String?
    @Option(name: .long, help: "Command prepended to the ingest coordinator, e.g. \"perf record -g -o /tmp/ingest.data --\".")
    var wrapCoordinator: String?
    @Flag(name: .long, help: "Keep the scratch folder (logs, stores) instead of deleting it.") var keep = false

    func validate() throws {
        for part in self.parts where !Self.allParts.contains(part) {
            throw ValidationError("unknown part '\(part)'; parts are \(Self.allParts.joined(separator: ", "))")
        }
        guard self.ingestAgents >= 1 else { throw ValidationError("--ingest-agents must be at least 1") }
    }

    var parts: [String] {
        guard let only else { return Self.allParts }
        return only.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    func run() async throws {
        // The executables beside this one (the same release build) are the ones measured.
        if ProcessInfo.processInfo.environment["OVERSIGHT_BIN_DIR"] == nil {
            let directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
            setenv("OVERSIGHT_BIN_DIR", directory.path, 1)
        }
        let scratch = try TemporaryDirectory(prefix: "bench")
        progress("scratch folder \(scratch.path); binaries from \(Binaries.directory.path); load \(Machine.loadAverage)")
        let parts = Set(self.parts)
        var figures: [Figure] = []
        var limits: Limits?
        let batchSize = 500

        if parts.contains("limits") || parts.contains("ingest") || parts.contains("postgres") {
            let (measured, rows) = try await LimitsPart.run(quick: self.quick, scratch: scratch, batchSize: batchSize)
            limits = measured
            figures += rows
        }
        if parts.contains("ingest") {
            var settings = IngestSettings()
            settings.agents = self.ingestAgents
            settings.batchesPerAgent = self.ingestBatches ?? (self.quick ? 20 : 150)
            settings.batchSize = batchSize
            settings.synchronousModes = self.ingestSync.split(separator: ",").map { String($0) }
            settings.wrapper = self.wrapCoordinator.map { $0.split(separator: " ").map(String.init) } ?? []
            figures += try await self.guarded("ingest") { try await IngestPart.run(settings: settings, limits: limits, scratch: scratch) }
        }
        if parts.contains("postgres"), let limits {
            var settings = IngestSettings()
            settings.agents = self.ingestAgents
            settings.batchesPerAgent = self.ingestBatches ?? (self.quick ? 20 : 150)
            settings.batchSize = batchSize
            settings.wrapper = self.wrapCoordinator.map { $0.split(separator: " ").map(String.init) } ?? []
            let quick = self.quick
            figures += try await self.guarded("postgres") {
                try await PostgresPart.run(settings: settings, limits: limits, scratch: scratch, quick: quick)
            }
        }
        if parts.contains("latency") {
            var settings = LatencySettings()
            settings.duration = self.quick ? 10 : 60
            figures += try await self.guarded("latency") { try await LatencyPart.run(settings: settings, scratch: scratch) }
        }
        if parts.contains("deadlines") {
            var settings = DeadlineSettings()
            if self.quick {
                settings.due = 5_000
                settings.window = 5
            }
            figures += try await self.guarded("deadlines") { try await DeadlinePart.run(settings: settings) }
        }
        if parts.contains("connections") {
            var settings = ConnectionSettings()
            settings.agents = self.connections ?? (self.quick ? 1_000 : 10_000)
            if self.quick {
                settings.heartbeatInterval = 5
                settings.window = 10
            }
            figures += try await self.guarded("connections") { try await ConnectionsPart.run(settings: settings, scratch: scratch) }
        }
        if parts.contains("agent") {
            var settings = FootprintSettings()
            settings.agentBinary = self.agentBinary
            if self.quick {
                settings.steadyWindow = 12
                settings.maxWindow = 8
            }
            figures += try await self.guarded("agent") { try await FootprintPart.run(settings: settings, scratch: scratch) }
        }
        figures.append(Figure("machine.load_at_end", Double(Machine.loadAverage.split(separator: " ").first ?? "") ?? 0, "loadavg-1m",
            note: Machine.loadAverage))

        if self.json {
            print(try FigureTable.json(figures))
        } else {
            print(FigureTable.text(figures))
        }
        if self.keep {
            progress("kept \(scratch.path)")
        } else {
            scratch.remove()
        }
    }

    /// Runs a part; a failure becomes a "not measured" row (with the reason) so the other parts still report.
    func guarded(_ part: String, _ body: () async throws -> [Figure]) async throws -> [Figure] {
        let start = ContinuousClock.now
        do {
            let figures = try await body()
            progress(String(format: "%@ done in %.1f s", part, seconds(since: start)))
            return figures
        } catch {
            progress("\(part) failed: \(error)")
            return [.notMeasured(part, "failed: \(String(describing: error).prefix(300))")]
        }
    }
}
