//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// `backup --to FILE` (online, consistent while serving) and `restore --from FILE` (only when nothing serves).
//
//===----------------------------------------------------------------------===//

import ArgumentParser
import Foundation
import OversightCoordinator
import OversightStore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The SQLite databases of a data directory that `backup` and `restore` handle.
struct BackupDatabase: ExpressibleByArgument, Sendable {
    var name: String
    var file: String

    static let store = BackupDatabase(name: "store", file: "oversight.sqlite")
    static let alerts = BackupDatabase(name: "alerts", file: "alerts.sqlite")
    static let console = BackupDatabase(name: "console", file: "console.sqlite")
    static let all = [store, alerts, console]

    init(name: String, file: String) {
        self.name = name
        self.file = file
    }

    init?(argument: String) {
        guard let known = Self.all.first(where: { $0.name == argument }) else { return nil }
        self = known
    }

    static var allValueStrings: [String] { all.map(\.name) }
    var defaultValueDescription: String { self.name }
}

struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the store (or --database alerts|console) into FILE with SQLite's online backup API, while the coordinator serves.",
        discussion: """
            The copy is one committed state of the database (a snapshot inside one read transaction: batches committed \
            while it runs are either wholly in it or not at all), checked with PRAGMA integrity_check, mode 0600, and \
            renamed into place, so FILE is never half written. Keys (ca.key, server.key, signing.key, sampling-secret) are \
            files of their own: copy them once, they do not change while serving.
            """
    )
    @OptionGroup var data: DataOptions
    @Option(name: .long, help: "Coordinator configuration file (YAML); its `data` is used.") var config: String?
    @Option(name: .long, help: "The backup file to write (replaced atomically if it exists).") var to: String
    @Option(name: .long, help: "Which database: store, alerts or console.") var database: BackupDatabase = .store

    func run() async throws {
        let settings = try CoordinatorSettings.load(file: self.config, dataOverride: self.data.data)
        try Self.refuseStoreOnPostgreSQL(settings, database: self.database, verb: "backup")
        let source = settings.paths.directory + "/" + self.database.file
        do {
            let summary = try SQLiteBackup.backup(from: source, to: self.to)
            print("Backed up \(source) to \(self.to): \(summary.bytes) bytes, \(summary.pages) pages, integrity ok.")
        } catch let error as SQLiteBackupError {
            FileHandle.standardError.write(Data("error: \(error.message)\n".utf8))
            throw ExitCode(1)
        }
    }
}

extension BackupCommand {
    /// With `store: { backend: postgresql }` the store is not a file of the data directory: `pg_dump` and
    /// `pg_restore` back it up (docs/operations.md, "With PostgreSQL as the store"); alerts and console stay SQLite.
    static func refuseStoreOnPostgreSQL(_ settings: CoordinatorSettings, database: BackupDatabase, verb: String) throws {
        guard database.name == BackupDatabase.store.name, settings.store.backend == .postgresql else { return }
        FileHandle.standardError.write(Data("""
            error: the store is on PostgreSQL (store.backend: postgresql in the configuration); \(verb) handles the SQLite \
            databases only. Use pg_dump --format=custom / pg_restore --single-transaction (docs/operations.md, \
            "With PostgreSQL as the store"); --database alerts and --database console still work here.

            """.utf8))
        throw ExitCode(1)
    }
}

struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Replace the store (or --database alerts|console) with a backup; refuses while a coordinator serves from the data directory.",
        discussion: """
            Stop the coordinator first: restore takes DATA/coordinator.lock exclusively, which every running `serve` \
            holds. The backup is checked (PRAGMA integrity_check) before anything changes; the database it replaces is \
            kept as FILE.before-restore-TIME; an older backup is migrated to this version's schema.
            """
    )
    @OptionGroup var data: DataOptions
    @Option(name: .long, help: "Coordinator configuration file (YAML); its `data` is used.") var config: String?
    @Option(name: .long, help: "The backup file written by `backup --to`.") var from: String
    @Option(name: .long, help: "Which database: store, alerts or console.") var database: BackupDatabase = .store

    func run() async throws {
        let settings = try CoordinatorSettings.load(file: self.config, dataOverride: self.data.data)
        try BackupCommand.refuseStoreOnPostgreSQL(settings, database: self.database, verb: "restore")
        let directory = settings.paths.directory
        let target = directory + "/" + self.database.file
        do {
            let lock = try DataDirectoryLock.forRestoring(directory: directory)
            let (summary, replaced) = try SQLiteBackup.restore(from: self.from, to: target)
            // Run as root for a service that runs as `oversight`: the restored file belongs to whoever owns the folder.
            var folder = stat()
            if geteuid() == 0, stat(directory, &folder) == 0 { _ = chown(target, folder.st_uid, folder.st_gid) }
            if self.database.name == BackupDatabase.store.name {
                let store = try SQLiteStore(path: target)  // brings an older backup's schema up to this version
                let readiness = try await store.readiness()
                print("Restored \(target) from \(self.from): \(summary.bytes) bytes, migrations \(readiness.appliedMigrations)/\(readiness.knownMigrations).")
            } else {
                print("Restored \(target) from \(self.from): \(summary.bytes) bytes.")
            }
            if let replaced { print("The database it replaced is kept as \(replaced).") }
            withExtendedLifetime(lock) {}
        } catch let error as SQLiteBackupError {
            FileHandle.standardError.write(Data("error: \(error.message)\n".utf8))
            throw ExitCode(1)
        } catch let error as CoordinatorError {
            FileHandle.standardError.write(Data("error: \(error.message)\n".utf8))
            throw ExitCode(1)
        }
    }
}
