//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Readiness of the store, for the coordinator's `GET /readyz`.
//
//===----------------------------------------------------------------------===//

import GRDB

/// What a readiness probe learns of the store: does it answer, and is its schema the one this build expects.
package struct StoreReadiness: Sendable, Equatable {
    /// Migrations this build knows.
    package var knownMigrations: Int
    /// Migrations recorded as applied in the database.
    package var appliedMigrations: Int
    /// Every known migration is applied.
    package var migrationsComplete: Bool
    /// The database holds migrations this build does not know (a newer coordinator migrated it).
    package var supersededByNewerVersion: Bool

    /// Ready for traffic: every migration applied and none from a newer version.
    package var isReady: Bool { self.migrationsComplete && !self.supersededByNewerVersion }
    /// Creates a value (for other store backends).
    package init(knownMigrations: Int, appliedMigrations: Int, migrationsComplete: Bool, supersededByNewerVersion: Bool) {
        self.knownMigrations = knownMigrations
        self.appliedMigrations = appliedMigrations
        self.migrationsComplete = migrationsComplete
        self.supersededByNewerVersion = supersededByNewerVersion
    }
}

extension SQLiteStore {
    /// Reads the schema's migration state; throws when the database cannot be read (the store is not reachable).
    package func readiness() async throws -> StoreReadiness {
        let migrator = Self.migrator
        return try await self.writer.read { db in
            StoreReadiness(
                knownMigrations: migrator.migrations.count,
                appliedMigrations: try migrator.appliedIdentifiers(db).count,
                migrationsComplete: try migrator.hasCompletedMigrations(db),
                supersededByNewerVersion: try migrator.hasBeenSuperseded(db)
            )
        }
    }
}
