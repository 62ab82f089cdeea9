//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// What `oversight-coordinator migrate` relies on, per backend: the pending migrations of an empty store are every one,
// a dry run changes nothing, applying reports what it applied, and a current store has nothing to do.
//
//===----------------------------------------------------------------------===//

import Foundation
import GRDB
import Logging
import OversightTesting
import PostgresNIO
import Testing

@testable import OversightStore
@testable import OversightStorePostgres

extension StoreBackendTests {
    @Test func sqliteMigrationsPendingThenAppliedThenNone() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("oversight-migrate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("oversight.sqlite").path
        try DatabaseQueue(path: path).close()
        let all = SQLiteStore.migrator.migrations
        #expect(all.count >= 10)
        #expect(try SQLiteStore.pendingMigrations(path: path) == all)
        #expect(try SQLiteStore.pendingMigrations(path: path) == all, "a dry run applies nothing")
        #expect(try SQLiteStore.migrate(path: path) == all)
        #expect(try SQLiteStore.pendingMigrations(path: path).isEmpty)
        #expect(try SQLiteStore.migrate(path: path).isEmpty)
        #expect(try await SQLiteStore(path: path).ticketCount() == 0)
    }
}

extension PostgresStoreTests {
    @Test func dryRunOnAnEmptyDatabaseChangesNothingThenMigrateAppliesEveryMigration() async throws {
        let cluster = try PostgresCluster.shared()
        let configuration = PostgresStore.Configuration(
            host: "127.0.0.1", port: cluster.port, database: try cluster.createDatabase(), username: cluster.username, tls: .disable
        )
        var logger = Logger(label: "store-test")
        logger.logLevel = .warning
        try await PostgresStore.withStore(configuration: configuration, logger: logger, migrating: false) { store in
            let all = PostgresStore.migrations.map(\.identifier)
            #expect(all == ["v1", "v2-annotations", "v3-figure-indexes", "v4-breach-disputes", "v5-leader-lease", "v7-agent-trust", "v8-sample-requests", "v9-period-disputes", "v10-invoices", "v11-console-users", "v13-head-office-evaluations", "v15-seed-commitments"])
            #expect(try await store.migrate(dryRun: true) == all)
            #expect(try await store.readiness().appliedMigrations == 0)
            let tables = try await store.rows("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
            #expect(try tables.first?.decode(Int.self) == 0, "a dry run creates nothing, not even oversight_migration")
            #expect(try await store.migrate() == all)
            #expect(try await store.migrate(dryRun: true).isEmpty)
            #expect(try await store.migrate().isEmpty)
            #expect(try await store.readiness().isReady)
        }
    }
}
