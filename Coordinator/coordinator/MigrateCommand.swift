//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// `migrate [--dry-run]`: brings the store's schema (SQLite or PostgreSQL, as `store:` chooses) to this version.
//
//===----------------------------------------------------------------------===//

import ArgumentParser
import Foundation
import OversightCoordinator
import OversightStore
import OversightStorePostgres

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply the store's pending schema migrations (SQLite or PostgreSQL, as the configuration's store: chooses).",
        discussion: """
            Prints the identifier of each migration applied, one per line, or "nothing to do" when the schema is current. \
            With --dry-run, prints those it would apply and changes nothing. On PostgreSQL the migrations are applied \
            under the advisory lock `serve` takes at start, each in its own transaction, so running this while \
            coordinators start is safe; on SQLite, as opening the store does (each migration in its own write \
            transaction). `serve` applies them too; this command lets an operator apply them, or see them, beforehand.
            """
    )
    @OptionGroup var data: DataOptions
    @Option(name: .long, help: "Coordinator configuration file (YAML); its `store` (and `data`) are used.") var config: String?
    @Flag(name: .long, help: "Print the migrations that would be applied, without applying them.") var dryRun = false
    @Option(name: .long, help: "Seconds to wait for the PostgreSQL server to answer before giving up.") var connectTimeout: Int = 30

    func validate() throws {
        guard self.connectTimeout > 0 else { throw ValidationError("--connect-timeout must be a positive number of seconds") }
    }

    func run() async throws {
        let settings = try CoordinatorSettings.load(file: self.config, dataOverride: self.data.data)
        let identifiers: [String]
        if let postgres = settings.postgresConfiguration {
            identifiers = try await self.migrate(postgres)
        } else {
            identifiers = try self.migrate(sqlite: settings.paths)
        }
        print(identifiers.isEmpty ? "nothing to do" : identifiers.joined(separator: "\n"))
    }

    private func migrate(sqlite paths: CoordinatorPaths) throws -> [String] {
        guard FileManager.default.fileExists(atPath: paths.store) else {
            throw ValidationError("no coordinator store at \(paths.store); run `oversight-coordinator init --data \(paths.directory)` first")
        }
        FileHandle.standardError.write(Data("store: sqlite \(paths.store)\n".utf8))
        do {
            return self.dryRun ? try SQLiteStore.pendingMigrations(path: paths.store) : try SQLiteStore.migrate(path: paths.store)
        } catch {
            FileHandle.standardError.write(Data("error: cannot migrate the store at \(paths.store): \(error)\n".utf8))
            throw ExitCode(1)
        }
    }

    private func migrate(_ postgres: PostgresStore.Configuration) async throws -> [String] {
        FileHandle.standardError.write(Data("store: \(postgres)\n".utf8))
        let logger = bootstrapLogging(label: "oversight.coordinator.migrate", level: "warning")
        let dryRun = self.dryRun
        let timeout = Duration.seconds(self.connectTimeout)
        do {
            return try await PostgresStore.withStore(configuration: postgres, logger: logger, migrating: false) { store in
                // The pool retries an unreachable server for ever; only reaching it is bounded, never a migration.
                guard try await Self.answers(store, within: timeout) else {
                    throw MigrateError(message: "the server did not answer within \(timeout)")
                }
                return try await store.migrate(dryRun: dryRun)
            }
        } catch {
            FileHandle.standardError.write(Data("error: cannot migrate the store at \(postgres): \(PostgresStore.reason(error))\n".utf8))
            throw ExitCode(1)
        }
    }

    /// Whether the store answers a read within `timeout`.
    private static func answers(_ store: PostgresStore, within timeout: Duration) async throws -> Bool {
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                _ = try await store.readiness()
                return true
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return false
            }
            defer { group.cancelAll() }
            return try await group.next() ?? false
        }
    }
}

/// Why `migrate` stopped, in words for the operator.
struct MigrateError: Error, CustomStringConvertible {
    var message: String
    var description: String { self.message }
}
