//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Part 2: ingest — K enrolled agents push pre-sealed signed batches to a real coordinator as fast as acks allow.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightAgent
import OversightModel
import OversightTesting
import OversightWire

struct IngestSettings: Sendable {
    var agents = 4
    var batchesPerAgent = 150
    var batchSize = 500
    var inFlight = 4
    var synchronousModes = ["full", "normal"]
    var wrapper: [String] = []
}

enum IngestPart {
    static func run(settings: IngestSettings, limits: Limits?, scratch: TemporaryDirectory) async throws -> [Figure] {
        var figures: [Figure] = []
        for mode in settings.synchronousModes {
            figures += try await self.run(mode: mode, settings: settings, limits: limits, scratch: scratch)
        }
        return figures
    }

    static func run(mode: String, settings: IngestSettings, limits: Limits?, scratch: TemporaryDirectory) async throws -> [Figure] {
        let root = try scratch.makeFolder("ingest-\(mode)")
        let coordinator = try BenchCoordinator(root: root, options: CoordinatorOptions(synchronous: mode, wrapper: settings.wrapper))
        try await coordinator.start()
        do {
            let figures = try await self.measure(mode: mode, settings: settings, limits: limits, coordinator: coordinator, root: root)
            await coordinator.stop()
            return figures
        } catch {
            await coordinator.stop()
            throw error
        }
    }

    static func measure(
        mode: String, settings: IngestSettings, limits: Limits?, coordinator: BenchCoordinator, root: URL,
        limitName: String = "limits.upsert", store: String = "SQLite"
    ) async throws -> [Figure] {
        progress("ingest[\(mode)]: coordinator serving on \(coordinator.address); enrolling \(settings.agents) agents with tokens")

        var clients: [(LeanClient, BatchSigner, [(seq: Int64, jws: FlattenedJWS, hash: String)])] = []
        for index in 0..<settings.agents {
            let credentials = try await coordinator.enroll(
                provider: "provider-\(index % 2)", site: "site-\(index)", directory: root.appendingPathComponent("agent-\(index)")
            )
            let client = try await LeanClient.connect(port: coordinator.port, caPEM: coordinator.caPEM, credentials: credentials)
            let welcome = try await client.hello(agentId: credentials.identity.agentId)
            let signer = BatchSigner(credentials: credentials)
            let chain = try Fixtures.sealedChain(
                signer: signer, lastSeq: welcome.lastSeq, lastHash: welcome.lastHash, batches: settings.batchesPerAgent,
                size: settings.batchSize, prefix: "A\(index)"
            )
            clients.append((client, signer, chain))
            progress("ingest[\(mode)]: agent \(index + 1) enrolled, connected, \(chain.count) batches sealed")
        }

        let pid = coordinator.servePid ?? 0
        let before = ProcessSample.read(pid: pid)
        let start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (client, _, chain) in clients {
                group.addTask {
                    var next = 0
                    var acked = 0
                    while next < min(settings.inFlight, chain.count) {
                        try await client.send(batch: chain[next].jws)
                        next += 1
                    }
                    while acked < chain.count {
                        let reply = try await client.next(timeout: .seconds(120))
                        guard let ack = reply.ack, ack.seq == chain[acked].seq, ack.hash == chain[acked].hash, ack.status == "committed" else {
                            throw BenchError("expected the ack of batch \(chain[acked].seq), got \(reply)")
                        }
                        acked += 1
                        if next < chain.count {
                            try await client.send(batch: chain[next].jws)
                            next += 1
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        let elapsed = seconds(since: start)
        let after = ProcessSample.read(pid: pid)
        for (client, _, _) in clients { await client.close() }

        let expected = settings.agents * settings.batchesPerAgent * settings.batchSize
        let stored = try await coordinator.ticketCount()
        guard stored == expected else { throw BenchError("ingest stored \(stored) tickets, expected \(expected)") }
        let rate = Double(expected) / elapsed
        let batches = Double(settings.agents * settings.batchesPerAgent)
        progress(String(format: "ingest[%@]: %d records in %.2f s = %.0f records/s (verified in the store)", mode, expected, elapsed, rate))

        let shape = "\(settings.agents) agents x \(settings.batchesPerAgent) batches x \(settings.batchSize) records, \(settings.inFlight) in flight, "
            + "real oversight-coordinator serve over mutual TLS, "
            + (store == "SQLite" ? "synchronous=\(mode.uppercased())" : "into \(store)")
        var figures = [
            Figure(
                "ingest.\(mode)", rate, "records/s", target: ">= 0.5 x \(limitName)",
                ratio: limits.map { rate / $0.upsertRowsPerSecond }, note: shape
            )
        ]
        if let limits {
            figures.append(
                Figure(
                    "ingest.\(mode).vs_verify", rate / (limits.verifyBatchesPerSecond * Double(limits.batchSize)), "ratio",
                    ratio: rate / (limits.verifyBatchesPerSecond * Double(limits.batchSize)), note: "ingest / limits.ed25519_verify_batch"
                )
            )
            figures.append(
                Figure(
                    "ingest.\(mode).vs_decode", rate / limits.decodeRecordsPerSecond, "ratio", ratio: rate / limits.decodeRecordsPerSecond,
                    note: "ingest / limits.json_decode_fast"
                )
            )
        }
        if let before, let after {
            let cpu = after.cpuSeconds - before.cpuSeconds
            figures.append(
                Figure(
                    "ingest.\(mode).coordinator_cpu_per_batch", cpu / batches * 1000, "ms",
                    note: String(format: "coordinator utime+stime per %d-record batch; %.2f cores busy", settings.batchSize, cpu / elapsed)
                )
            )
        }
        return figures
    }
}
