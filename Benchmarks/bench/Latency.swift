//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Part 3: change-to-visible latency — a CSV dropped into a real agent's folder until its rows are in the store.
//
//===----------------------------------------------------------------------===//

import Foundation
import GRDB
import OversightTesting
import Synchronization

struct LatencySettings: Sendable {
    var filesPerSecond = 10.0
    var rowsPerFile = 10
    var duration = 60.0
}

enum LatencyPart {
    static func run(settings: LatencySettings, scratch: TemporaryDirectory) async throws -> [Figure] {
        let root = try scratch.makeFolder("latency")
        let coordinator = try BenchCoordinator(root: root, options: CoordinatorOptions())
        try await coordinator.start()
        var agent: AgentProcess?
        do {
            var options = AgentOptions()
            // The shipping defaults (poll, settle and batch age 500 ms each): the figure a provider's site gets out of the box.
            options.maxAge = "500ms"
            options.pollInterval = "500ms"
            options.settleTime = "500ms"
            options.logLevel = "notice"
            let process = try AgentProcess(name: "latency", root: root.appendingPathComponent("agent"), options: options) { _ in }
            agent = process
            let token = try await coordinator.createToken(provider: "provider-lat", site: "site-lat")
            let result = try await process.enroll(coordinator: coordinator.address, token: token, fingerprint: coordinator.fingerprint)
            guard result.exitCode == 0 else { throw BenchError("agent enroll failed: \(result)") }
            try process.start()
            let figures = try await self.measure(settings: settings, agent: process, coordinator: coordinator)
            await process.stop()
            await coordinator.stop()
            return figures
        } catch {
            await agent?.stop()
            await coordinator.stop()
            throw error
        }
    }

    static func measure(settings: LatencySettings, agent: AgentProcess, coordinator: BenchCoordinator) async throws -> [Figure] {
        let store = try coordinator.openStore()
        let files = Int(settings.filesPerSecond * settings.duration)
        let expected = files * settings.rowsPerFile
        progress("latency: dropping \(files) CSV files of \(settings.rowsPerFile) rows at \(settings.filesPerSecond)/s into a real agent's folder")
        let start = ContinuousClock.now
        // Drop instants by file number, as offsets from `start`.
        let dropped = DropLog(count: files)
        async let writer: Void = { () async throws -> Void in
            for file in 0..<files {
                let due = start + .milliseconds(Int64(Double(file) * 1000 / settings.filesPerSecond))
                try await Task.sleep(until: due, clock: .continuous)
                let rows = (0..<settings.rowsPerFile).map { TicketRow.make(id: "F\(file)-\($0)", n: file * settings.rowsPerFile + $0) }
                let contents = ExportFile.csv(rows)
                dropped.set(file, seconds(since: start))
                try agent.drop("export-\(file).csv", contents)
            }
        }()
        var latencies: [Double] = []
        latencies.reserveCapacity(expected)
        var lastSeq: Int64 = 0
        let deadline = start + .seconds(Int64(settings.duration) + 60)
        while latencies.count < expected, ContinuousClock.now < deadline {
            let since = lastSeq
            let rows = try await store.writer.read { db in
                try Row.fetchAll(db, sql: "SELECT id, batch_seq FROM ticket WHERE batch_seq > ?", arguments: [since]).map {
                    VisibleRow(id: $0[0], seq: $0[1])
                }
            }
            let now = seconds(since: start)
            for row in rows {
                let id = row.id
                let seq = row.seq
                lastSeq = max(lastSeq, seq)
                guard id.hasPrefix("F"), let file = Int(id.dropFirst().prefix { $0 != "-" }), let at = dropped.get(file) else { continue }
                latencies.append(now - at)
            }
            try agent.ensureRunning()
            try await Task.sleep(for: .milliseconds(5))
        }
        try await writer
        guard latencies.count == expected else { throw BenchError("latency: \(latencies.count) of \(expected) rows became visible") }
        latencies.sort()
        let note = "\(settings.filesPerSecond) files/s x \(settings.rowsPerFile) rows for \(Int(settings.duration)) s; agent at its shipping defaults: poll_interval 500ms, "
            + "settle_time 500ms, batch max_age 500ms, max_records 500, in_flight 4; coordinator synchronous=FULL; store polled every 5 ms"
        progress(String(format: "latency: p50 %.3f s, p99 %.3f s", percentile(latencies, 50) ?? 0, percentile(latencies, 99) ?? 0))
        return [
            Figure("latency.p50", percentile(latencies, 50), "s", target: "", note: note),
            Figure("latency.p99", percentile(latencies, 99), "s", target: "<= 2 s", ratio: percentile(latencies, 99).map { $0 / 2 }),
            Figure("latency.max", latencies.last, "s"),
        ]
    }
}

/// A ticket row seen in the store.
struct VisibleRow: Sendable {
    var id: String
    var seq: Int64
}

/// When each file was dropped (seconds after the start), shared between the writer task and the poller.
final class DropLog: Sendable {
    private let times: Mutex<[Double?]>
    init(count: Int) { self.times = Mutex(Array(repeating: nil, count: count)) }
    func set(_ index: Int, _ value: Double) { self.times.withLock { $0[index] = value } }
    func get(_ index: Int) -> Double? { self.times.withLock { index < $0.count ? $0[index] : nil } }
}
