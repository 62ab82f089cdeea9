//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Migrating a store file on its own (`oversight-coordinator migrate`): what is pending, and applying it.
//
//===----------------------------------------------------------------------===//

import Foundation
import GRDB

extension SQLiteStore {
    /// Opens the database at `path` without migrating it.
    private static func unmigratedPool(path: String) throws -> DatabasePool {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        return try DatabasePool(path: path, configuration: configuration)
    }

    /// The migrations of this build not applied yet to the store at `path`, in the order they would be applied; reads
    /// only.
    package static func pendingMigrations(path: String) throws -> [String] {
        let migrator = Self.migrator
        let pool = try Self.unmigratedPool(path: path)
        let applied = try pool.read { db in try migrator.appliedIdentifiers(db) }
        return migrator.migrations.filter { !applied.contains($0) }
    }

    /// Applies the pending migrations to the store at `path` as opening the store does at start (GRDB's migrator: each
    /// migration in its own write transaction, holding SQLite's write lock) and returns the identifiers applied.
    @discardableResult
    package static func migrate(path: String) throws -> [String] {
        let migrator = Self.migrator
        let pool = try Self.unmigratedPool(path: path)
        let before = try pool.read { db in try migrator.appliedIdentifiers(db) }
        try migrator.migrate(pool)
        let after = try pool.read { db in try migrator.appliedIdentifiers(db) }
        return migrator.migrations.filter { after.contains($0) && !before.contains($0) }
    }
}
