//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Part 7: PostgreSQL — the raw upsert limit of PostgreSQL (PostgresStore's own statement, its schema, the batches'
// size), then K agents pushing signed batches over mutual TLS to a real coordinator serving from that PostgreSQL.
//
//===----------------------------------------------------------------------===//

import Foundation
import Logging
import OversightModel
import OversightStore
import OversightStorePostgres
import OversightTesting
import PostgresNIO

enum PostgresPart {
    /// Runs both measurements on one throw-away cluster with PostgreSQL's durable defaults (fsync and
    /// synchronous_commit on: a committed transaction is on disk, as a coordinator's acknowledgement promises).
    static func run(settings: IngestSettings, limits: Limits, scratch: TemporaryDirectory, quick: Bool) async throws -> [Figure] {
        if let reason = PostgresCluster.unavailableReason { return [.notMeasured("postgres", reason)] }
        progress("postgres: starting a throw-away PostgreSQL cluster (durable defaults: fsync=on, synchronous_commit=on)")
        let cluster = try PostgresCluster.startDurable()
        defer { cluster.stop() }
        func configuration() throws -> PostgresStore.Configuration {
            PostgresStore.Configuration(host: "127.0.0.1", port: cluster.port, database: try cluster.createDatabase(), username: cluster.username, tls: .disable)
        }
        var figures: [Figure] = []
        let rows = quick ? 40_000 : 300_000
        let raw = try await self.rawUpsert(rows: rows, batchSize: settings.batchSize, connections: settings.agents, configuration: try configuration())
        figures.append(
            Figure(
                "postgres.limits.upsert", raw, "rows/s",
                note: "\(rows) new rows, PostgresStore.upsertTickets (UNNEST), \(settings.batchSize)-row transactions on \(settings.agents) connections"
            )
        )
        let single = try await self.rawUpsert(rows: rows / 4, batchSize: settings.batchSize, connections: 1, configuration: try configuration())
        figures.append(Figure("postgres.limits.upsert_1conn", single, "rows/s", note: "the same on one connection"))

        let root = try scratch.makeFolder("ingest-postgres")
        var options = CoordinatorOptions()
        options.postgres = try configuration()
        options.wrapper = settings.wrapper
        let coordinator = try BenchCoordinator(root: root, options: options)
        try await coordinator.start()
        var pgLimits = limits
        pgLimits.upsertRowsPerSecond = raw
        do {
            figures += try await IngestPart.measure(
                mode: "postgresql", settings: settings, limits: pgLimits, coordinator: coordinator, root: root,
                limitName: "postgres.limits.upsert", store: "PostgreSQL 15 (fsync=on, synchronous_commit=on)"
            )
            await coordinator.stop()
        } catch {
            await coordinator.stop()
            throw error
        }
        return figures
    }

    /// Rows per second upserted with `PostgresStore.upsertTickets` into a freshly migrated database: `connections`
    /// tasks, each committing its share in `batchSize`-row transactions. The statements are built before the clock
    /// starts, so the figure is PostgreSQL's, not the encoder's.
    static func rawUpsert(rows: Int, batchSize: Int, connections: Int, configuration: PostgresStore.Configuration) async throws -> Double {
        var configured = Logger(label: "oversight.bench.postgres")
        configured.logLevel = .warning
        let logger = configured
        progress("postgres: raw upsert of \(rows) ticket rows in \(batchSize)-row transactions on \(connections) connection(s)")
        let jws = FlattenedJWS(protected: "", payload: "", signature: "")
        var queries: [[PostgresQuery]] = Array(repeating: [], count: connections)
        for (index, start) in stride(from: 0, to: rows, by: batchSize).enumerated() {
            let tickets = (start..<min(start + batchSize, rows)).map { Fixtures.ticket(provider: "bench", site: "s1", prefix: "U", n: $0) }
            let batch = IncomingBatch(agentId: "agt_bench", seq: Int64(index + 1), hash: "", prev: "", jws: jws, receivedAt: Date(), tickets: tickets)
            queries[index % connections].append(try PostgresStore.upsertTickets(tickets, provider: "bench", batch: batch))
        }
        let prepared = queries
        return try await PostgresStore.withStore(configuration: configuration, logger: logger) { store in
            let start = ContinuousClock.now
            try await withThrowingTaskGroup(of: Void.self) { group in
                for share in prepared {
                    group.addTask {
                        for query in share {
                            try await store.transaction { connection in _ = try await connection.query(query, logger: logger) }
                        }
                    }
                }
                try await group.waitForAll()
            }
            let rate = Double(rows) / seconds(since: start)
            let stored = try await store.ticketCount()
            guard stored == rows else { throw BenchError("raw PostgreSQL upsert stored \(stored) rows, expected \(rows)") }
            return rate
        }
    }
}
