//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// `oversight-coordinator migrate [--dry-run]` as an operator runs it: on SQLite (an empty store file) and on PostgreSQL
// (an empty database of a throw-away cluster), a dry run lists every migration and applies none, the real run applies
// and lists them, and a second dry run has nothing to do.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightStore
import OversightTesting
import Testing

extension EndToEnd {
    @Suite struct MigrateTests {
        /// Runs `migrate` (with `--dry-run` when asked) and returns its standard output's lines.
        func migrate(_ arguments: [String], dryRun: Bool, sourceLocation: SourceLocation = #_sourceLocation) async throws -> [String] {
            let result = try await runCommand(try Binaries.coordinator(), ["migrate"] + (dryRun ? ["--dry-run"] : []) + arguments)
            #expect(result.exitCode == 0, "\(result)", sourceLocation: sourceLocation)
            return result.stdout.split(separator: "\n").map(String.init)
        }

        @Test(.timeLimit(.minutes(2)))
        func dryRunThenApplyThenNothingToDoOnSQLite() async throws {
            try await withHarness("migrate-sqlite") { harness in
                let data = harness.directory.child("data")
                try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
                // An empty file is an empty SQLite database: every migration is pending.
                let store = data.appendingPathComponent("oversight.sqlite").path
                #expect(FileManager.default.createFile(atPath: store, contents: nil))
                let arguments = ["--data", data.path]
                let expected = [
                    "v1", "v2-sla", "v3-interval-metric", "v4-aggregate-standing", "v5-ticket-messages", "v5-qa-evaluation", "v6-figure-indexes",
                    "v7-annotations", "v8-period-indexes", "v9-agent-sites", "v10-breach-disputes", "v11-leader-lease", "v13-agent-trust", "v14-sample-requests",
                    "v15-period-disputes",
                    "v16-invoices", "v17-head-office-evaluations", "v19-seed-commitments",
                ]
                #expect(try await self.migrate(arguments, dryRun: true) == expected)
                #expect(try await self.migrate(arguments, dryRun: true) == expected, "the dry run applied something")
                #expect(try await self.migrate(arguments, dryRun: false) == expected)
                #expect(try await self.migrate(arguments, dryRun: true) == ["nothing to do"])
                #expect(try await self.migrate(arguments, dryRun: false) == ["nothing to do"])
                #expect(try await SQLiteStore(path: store).readiness().isReady)

                let missing = try await runCommand(try Binaries.coordinator(), ["migrate", "--data", harness.directory.child("nowhere").path])
                #expect(missing.exitCode != 0 && missing.stderr.contains("run `oversight-coordinator init"), "\(missing)")
            }
        }

        @Test(
            .timeLimit(.minutes(2)),
            .enabled(if: PostgresCluster.unavailableReason == nil || ProcessInfo.processInfo.environment["CI"] != nil, "PostgreSQL binaries not found")
        )
        func dryRunThenApplyThenNothingToDoOnPostgreSQL() async throws {
            try await withHarness("migrate-postgresql") { harness in
                let cluster = try PostgresCluster.shared()
                let database = try cluster.createDatabase()
                let config = harness.directory.child("coordinator.yaml")
                try Data(
                    """
                    store:
                      backend: postgresql
                      url: postgresql://\(cluster.username)@127.0.0.1:\(cluster.port)/\(database)
                      tls: disable
                    """.utf8
                ).write(to: config)
                let arguments = ["--config", config.path, "--data", harness.directory.child("data").path]
                let expected = ["v1", "v2-annotations", "v3-figure-indexes", "v4-breach-disputes", "v5-leader-lease", "v7-agent-trust", "v8-sample-requests", "v9-period-disputes", "v10-invoices", "v11-console-users", "v13-head-office-evaluations", "v15-seed-commitments"]
                #expect(try await self.migrate(arguments, dryRun: true) == expected)
                #expect(try await self.migrate(arguments, dryRun: true) == expected, "the dry run applied something")
                let applied = try await runCommand(try Binaries.coordinator(), ["migrate"] + arguments)
                #expect(applied.exitCode == 0, "\(applied)")
                #expect(applied.stdout.split(separator: "\n").map(String.init) == expected)
                #expect(applied.stderr.contains("store: postgresql://\(cluster.username)@127.0.0.1:\(cluster.port)/\(database)"), "\(applied)")
                #expect(try await self.migrate(arguments, dryRun: true) == ["nothing to do"])
                #expect(try await self.migrate(arguments, dryRun: false) == ["nothing to do"])

                // `serve` applies the same migrations at start: a database it served from has nothing to do.
                let served = try cluster.createDatabase()
                let serving = try await harness.startCoordinator(
                    name: "serving",
                    configYAML: "store:\n  backend: postgresql\n  url: postgresql://\(cluster.username)@127.0.0.1:\(cluster.port)/\(served)\n  tls: disable\n"
                )
                let servedConfig = try #require(serving.configFile)
                #expect(try await self.migrate(["--config", servedConfig.path], dryRun: true) == ["nothing to do"])
                await serving.stop()

                // A server that does not answer: a clear error naming it, within the timeout, not a hang.
                let nowhere = harness.directory.child("nowhere.yaml")
                let port = try freeLoopbackPort()
                try Data("store:\n  backend: postgresql\n  url: postgresql://oversight@127.0.0.1:\(port)/none\n  tls: disable\n".utf8).write(to: nowhere)
                let started = ContinuousClock.now
                let refused = try await runCommand(
                    try Binaries.coordinator(), ["migrate", "--dry-run", "--connect-timeout", "2", "--config", nowhere.path], timeout: .seconds(30)
                )
                #expect(ContinuousClock.now - started < .seconds(20))
                #expect(refused.exitCode == 1, "\(refused)")
                #expect(refused.stderr.contains("cannot migrate the store at postgresql://oversight@127.0.0.1:\(port)/none"), "\(refused)")
            }
        }
    }
}
