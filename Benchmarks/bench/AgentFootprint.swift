//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Part 6: one real `oversight-agent` process — resident memory and CPU at 10 updates/s and at its maximum rate.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightTesting

struct FootprintSettings: Sendable {
    /// The agent executable to measure (the static build if given), else the one beside the benchmark.
    var agentBinary: String?
    var steadyWindow = 60.0
    var maxWindow = 30.0
    var maxRowsPerFile = 2_000
}

enum FootprintPart {
    static func run(settings: FootprintSettings, scratch: TemporaryDirectory) async throws -> [Figure] {
        let root = try scratch.makeFolder("footprint")
        let coordinator = try BenchCoordinator(root: root, options: CoordinatorOptions())
        try await coordinator.start()
        do {
            let binary = try settings.agentBinary ?? Binaries.agent()
            let isStatic = Self.isStaticSwift(binary)
            let build = isStatic ? "static Swift stdlib (--static-swift-stdlib)" : "dynamically linked Swift runtime"
            progress("footprint: measuring \(binary) (\(build))")
            let agent = try AgentProcess(name: "footprint", root: root.appendingPathComponent("agent"), options: AgentOptions()) { _ in }
            let token = try await coordinator.createToken(provider: "provider-fp", site: "site-fp")
            let result = try await agent.enroll(coordinator: coordinator.address, token: token, fingerprint: coordinator.fingerprint)
            guard result.exitCode == 0 else { throw BenchError("agent enroll failed: \(result)") }

            // 10 updates/s: one export of 10 changed tickets each second, shipping defaults (poll 500 ms, settle 500 ms, max_age 500 ms).
            let steadyConfig = try Self.writeConfig(agent: agent, name: "steady.yaml", fast: false)
            let steady = try await self.measure(
                binary: binary, config: steadyConfig, agent: agent, window: settings.steadyWindow, filesPerSecond: 1, rowsPerFile: 10,
                keepPending: nil, label: "10 updates/s"
            )
            // Maximum: exports of `maxRowsPerFile` rows kept waiting in the folder, fast settings (poll 100 ms, settle 0, max_age 100 ms).
            let fastConfig = try Self.writeConfig(agent: agent, name: "fast.yaml", fast: true)
            let maximum = try await self.measure(
                binary: binary, config: fastConfig, agent: agent, window: settings.maxWindow, filesPerSecond: nil,
                rowsPerFile: settings.maxRowsPerFile, keepPending: 3, label: "maximum rate"
            )
            await coordinator.stop()
            let mib = 1024.0 * 1024.0
            let mb = 1_000_000.0
            return [
                Figure("agent.steady.rss_peak", steady.hwm / mib, "MiB", target: "< 15 MB", ratio: steady.hwm / (15 * mb),
                    note: "VmHWM at 10 updates/s (1 file of 10 rows per s; shipping defaults: poll, settle and max_age 500 ms); \(build)"),
                Figure("agent.steady.rss", steady.rss / mib, "MiB", target: "< 15 MB", ratio: steady.rss / (15 * mb), note: "VmRSS at the end"),
                Figure("agent.steady.cpu", steady.cpu * 100, "% of a core", target: "< 1 %", ratio: steady.cpu * 100,
                    note: String(format: "utime+stime over %.0f s; %.1f rows/s taken", settings.steadyWindow, steady.rowsPerSecond)),
                Figure("agent.max.rows", maximum.rowsPerSecond, "rows/s",
                    note: "\(settings.maxRowsPerFile)-row CSV files kept waiting; poll 100 ms, settle 0, max_age 100 ms; rows moved to done/"),
                Figure("agent.max.rss_peak", maximum.hwm / mib, "MiB", target: "< 15 MB", ratio: maximum.hwm / (15 * mb), note: "VmHWM at the maximum rate"),
                Figure("agent.max.cpu", maximum.cpu * 100, "% of a core", note: "utime+stime at the maximum rate"),
            ]
        } catch {
            await coordinator.stop()
            throw error
        }
    }

    struct Measurement {
        var hwm: Double
        var rss: Double
        var cpu: Double
        var rowsPerSecond: Double
    }

    static func measure(
        binary: String, config: URL, agent: AgentProcess, window: Double, filesPerSecond: Double?, rowsPerFile: Int, keepPending: Int?,
        label: String
    ) async throws -> Measurement {
        let child = try ChildProcess(
            name: "agent \(label)", executable: binary, arguments: ["run", "--config", config.path],
            logFile: agent.root.appendingPathComponent("footprint-\(label.filter { $0.isLetter || $0.isNumber }).log")
        )
        do {
            // Let it connect and settle before the window opens.
            try await Task.sleep(for: .seconds(3))
            guard let before = ProcessSample.read(pid: child.pid) else { throw BenchError("the agent exited: \(child.logTail())") }
            let doneBefore = agent.doneFiles().count
            progress("footprint: \(label) for \(Int(window)) s")
            let start = ContinuousClock.now
            var file = 0
            let tag = label.hasPrefix("max") ? "M" : "S"
            while seconds(since: start) < window {
                if let filesPerSecond {
                    let due = start + .milliseconds(Int64(Double(file) * 1000 / filesPerSecond))
                    try await Task.sleep(until: due, clock: .continuous)
                    if seconds(since: start) >= window { break }
                    try self.drop(agent: agent, tag: tag, file: file, rows: rowsPerFile)
                    file += 1
                } else if let keepPending {
                    while agent.pendingFiles().count < keepPending {
                        try self.drop(agent: agent, tag: tag, file: file, rows: rowsPerFile)
                        file += 1
                    }
                    try await Task.sleep(for: .milliseconds(20))
                }
                guard child.isRunning else { throw BenchError("the agent exited: \(child.logTail())") }
            }
            let elapsed = seconds(since: start)
            guard let after = ProcessSample.read(pid: child.pid) else { throw BenchError("the agent exited: \(child.logTail())") }
            let taken = agent.doneFiles().count - doneBefore
            await child.terminate()
            // Leave the folder empty for the next phase.
            for name in agent.pendingFiles() { try? FileManager.default.removeItem(at: agent.sourceDirectory.appendingPathComponent(name)) }
            return Measurement(
                hwm: after.hwmBytes, rss: after.rssBytes, cpu: ProcessSample.cpuShare(from: before, to: after),
                rowsPerSecond: Double(taken * rowsPerFile) / elapsed
            )
        } catch {
            await child.kill9()
            throw error
        }
    }

    static func drop(agent: AgentProcess, tag: String, file: Int, rows: Int) throws {
        let records = (0..<rows).map { TicketRow.make(id: "\(tag)\(file)-\($0)", n: file * rows + $0) }
        try agent.drop("export-\(tag)\(file).csv", ExportFile.csv(records))
    }

    /// The harness's agent config, with either the shipping defaults for polling and batching or fast settings.
    static func writeConfig(agent: AgentProcess, name: String, fast: Bool) throws -> URL {
        let base = try String(contentsOf: agent.configFile, encoding: .utf8)
        var lines: [String] = []
        for line in base.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("poll_interval:") {
                if fast { lines.append("    poll_interval: 100ms") }
            } else if trimmed.hasPrefix("settle_time:") {
                if fast { lines.append("    settle_time: 0s") }
            } else if trimmed.hasPrefix("max_age:") {
                if fast { lines.append("  max_age: 100ms") }
            } else if trimmed.hasPrefix("log_level:") {
                lines.append("log_level: notice")
            } else {
                lines.append(String(line))
            }
        }
        let url = agent.root.appendingPathComponent(name)
        try Data(lines.joined(separator: "\n").utf8).write(to: url)
        return url
    }

    /// Whether the executable carries the Swift runtime itself (no libswiftCore.so needed).
    static func isStaticSwift(_ path: String) -> Bool {
        let ldd = Process()
        ldd.executableURL = URL(fileURLWithPath: "/usr/bin/ldd")
        ldd.arguments = [path]
        let pipe = Pipe()
        ldd.standardOutput = pipe
        ldd.standardError = FileHandle.nullDevice
        guard (try? ldd.run()) != nil else { return false }
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        ldd.waitUntilExit()
        return !output.contains("libswiftCore")
    }
}
