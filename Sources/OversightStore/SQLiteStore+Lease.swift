//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The leader lease on SQLite. One coordinator serves a data directory (DataDirectoryLock), so it always gets the
// lease; the same rules as on PostgreSQL hold, so the shared store tests run on both.
//
//===----------------------------------------------------------------------===//

import Foundation
import GRDB

extension SQLiteStore {
    /// The `v11-leader-lease` migration: `coordinator_lease` and the fenced delivery journal `alert_delivery_journal`.
    static func migrateLease(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE coordinator_lease (
                    name TEXT PRIMARY KEY,
                    holder TEXT NOT NULL,
                    epoch INTEGER NOT NULL CHECK (epoch >= 0),
                    expires_at REAL NOT NULL
                );
                CREATE TABLE alert_delivery_journal (
                    receiver TEXT NOT NULL,
                    key TEXT NOT NULL,
                    state TEXT NOT NULL CHECK (state IN ('claimed', 'delivered')),
                    epoch INTEGER NOT NULL,
                    claimed_at REAL NOT NULL,
                    delivered_at REAL,
                    PRIMARY KEY (receiver, key)
                );
                """
        )
    }

    private static func leaseRow(_ db: Database, name: String) throws -> LeaseRow? {
        try Row.fetchOne(db, sql: "SELECT name, holder, epoch, expires_at FROM coordinator_lease WHERE name = ?", arguments: [name]).map {
            LeaseRow(name: $0["name"], holder: $0["holder"], epoch: $0["epoch"], expiresAt: Date(timeIntervalSince1970: $0["expires_at"]))
        }
    }

    package func acquireLease(name: String, holder: String, ttl: Duration, now: Date) async throws -> LeaseRow? {
        try LeaseError.check(name: name, holder: holder, ttl: ttl)
        return try await self.writer.write { db in
            let current = try Self.leaseRow(db, name: name) ?? LeaseRow(name: name, holder: "", epoch: 0, expiresAt: .distantPast)
            guard let next = current.next(holder: holder, ttl: ttl, now: now) else { return nil }
            try db.execute(
                sql: """
                    INSERT INTO coordinator_lease (name, holder, epoch, expires_at) VALUES (?, ?, ?, ?)
                    ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, epoch = excluded.epoch, expires_at = excluded.expires_at
                    """,
                arguments: [name, next.holder, next.epoch, next.expiresAt.timeIntervalSince1970]
            )
            return next
        }
    }

    package func releaseLease(name: String, holder: String, now: Date) async throws {
        try await self.writer.write { db in
            try db.execute(
                sql: "UPDATE coordinator_lease SET expires_at = ? WHERE name = ? AND holder = ? AND expires_at > ?",
                arguments: [now.timeIntervalSince1970, name, holder, now.timeIntervalSince1970]
            )
        }
    }

    package func lease(name: String) async throws -> LeaseRow? {
        try await self.writer.read { db in try Self.leaseRow(db, name: name) }
    }

    package func claimDelivery(receiver: String, key: String, fence: LeaseFence, now: Date) async throws -> DeliveryClaim {
        try await self.writer.write { db in
            guard fence.admits(try Self.leaseRow(db, name: fence.name), now: now) else { return .fenced }
            let row = try Row.fetchOne(
                db, sql: "SELECT state, epoch FROM alert_delivery_journal WHERE receiver = ? AND key = ?", arguments: [receiver, key]
            )
            let state = (row?["state"] as String?).flatMap(DeliveryJournalState.init(rawValue:))
            let outcome = DeliveryJournalState.claimOutcome(state: state, epoch: row?["epoch"], fence: fence)
            guard outcome == .claimed else { return outcome }
            try db.execute(
                sql: """
                    INSERT INTO alert_delivery_journal (receiver, key, state, epoch, claimed_at) VALUES (?, ?, 'claimed', ?, ?)
                    ON CONFLICT (receiver, key) DO UPDATE SET epoch = excluded.epoch, claimed_at = excluded.claimed_at
                    """,
                arguments: [receiver, key, fence.epoch, now.timeIntervalSince1970]
            )
            return .claimed
        }
    }

    package func confirmDelivery(receiver: String, key: String, fence: LeaseFence, now: Date) async throws -> Bool {
        try await self.writer.write { db in
            guard fence.admits(try Self.leaseRow(db, name: fence.name), now: now) else { return false }
            try db.execute(
                sql: """
                    INSERT INTO alert_delivery_journal (receiver, key, state, epoch, claimed_at, delivered_at) VALUES (?, ?, 'delivered', ?, ?, ?)
                    ON CONFLICT (receiver, key) DO UPDATE SET state = 'delivered', epoch = excluded.epoch, delivered_at = excluded.delivered_at
                    WHERE alert_delivery_journal.state <> 'delivered'
                    """,
                arguments: [receiver, key, fence.epoch, now.timeIntervalSince1970, now.timeIntervalSince1970]
            )
            return true
        }
    }

    package func deliveryConfirmed(receiver: String, key: String) async throws -> Bool {
        try await self.writer.read { db in
            try String.fetchOne(
                db, sql: "SELECT state FROM alert_delivery_journal WHERE receiver = ? AND key = ?", arguments: [receiver, key]
            ) == DeliveryJournalState.delivered.rawValue
        }
    }
}
