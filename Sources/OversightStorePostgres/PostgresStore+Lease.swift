//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The leader lease on PostgreSQL: a row per lease, taken and renewed under its row lock; the fencing epoch is
// checked (FOR SHARE, so a takeover waits for the write and the write sees no half-done takeover) in the transaction
// of every journal write.
//
//===----------------------------------------------------------------------===//

import Foundation
import Logging
import OversightStore
import PostgresNIO

extension PostgresStore {
    /// Migration `v5-leader-lease`: `coordinator_lease` and the fenced delivery journal `alert_delivery_journal`.
    static let leaseMigration = Migration(
        identifier: "v5-leader-lease",
        statements: [
            """
            CREATE TABLE coordinator_lease (
                name text PRIMARY KEY,
                holder text NOT NULL,
                epoch bigint NOT NULL CHECK (epoch >= 0),
                expires_at double precision NOT NULL
            )
            """,
            """
            CREATE TABLE alert_delivery_journal (
                receiver text NOT NULL,
                key text NOT NULL,
                state text NOT NULL CHECK (state IN ('claimed', 'delivered')),
                epoch bigint NOT NULL,
                claimed_at double precision NOT NULL,
                delivered_at double precision,
                PRIMARY KEY (receiver, key)
            )
            """,
        ]
    )

    private static func leaseRow(_ connection: PostgresConnection, name: String, lock: String, logger: Logger) async throws -> LeaseRow? {
        let rows = try await connection.query(
            PostgresQuery(unsafeSQL: "SELECT name, holder, epoch, expires_at FROM coordinator_lease WHERE name = $1 \(lock)", binds: try {
                var binds = PostgresBindings()
                try binds.append(name)
                return binds
            }()),
            logger: logger
        ).collect()
        guard let row = rows.first else { return nil }
        let (rowName, holder, epoch, expiresAt) = try row.decode((String, String, Int64, Double).self)
        return LeaseRow(name: rowName, holder: holder, epoch: epoch, expiresAt: Date(timeIntervalSince1970: expiresAt))
    }

    package func acquireLease(name: String, holder: String, ttl: Duration, now: Date) async throws -> LeaseRow? {
        try LeaseError.check(name: name, holder: holder, ttl: ttl)
        return try await self.transaction { connection in
            // The row exists before it is locked, so two coordinators taking a new lease at once serialise on it.
            try await connection.query(
                "INSERT INTO coordinator_lease (name, holder, epoch, expires_at) VALUES (\(name), '', 0, 0) ON CONFLICT (name) DO NOTHING",
                logger: self.logger
            )
            guard let current = try await Self.leaseRow(connection, name: name, lock: "FOR UPDATE", logger: self.logger),
                let next = current.next(holder: holder, ttl: ttl, now: now)
            else { return nil }
            try await connection.query(
                """
                UPDATE coordinator_lease SET holder = \(next.holder), epoch = \(next.epoch), expires_at = \(next.expiresAt.timeIntervalSince1970)
                WHERE name = \(name)
                """,
                logger: self.logger
            )
            return next
        }
    }

    package func releaseLease(name: String, holder: String, now: Date) async throws {
        let seconds = now.timeIntervalSince1970
        try await self.execute(
            "UPDATE coordinator_lease SET expires_at = \(seconds) WHERE name = \(name) AND holder = \(holder) AND expires_at > \(seconds)"
        )
    }

    package func lease(name: String) async throws -> LeaseRow? {
        try await self.client.withConnection { connection in
            try await Self.leaseRow(connection, name: name, lock: "", logger: self.logger)
        }
    }

    package func claimDelivery(receiver: String, key: String, fence: LeaseFence, now: Date) async throws -> DeliveryClaim {
        try await self.transaction { connection in
            guard fence.admits(try await Self.leaseRow(connection, name: fence.name, lock: "FOR SHARE", logger: self.logger), now: now) else {
                return .fenced
            }
            try await connection.query(
                """
                INSERT INTO alert_delivery_journal (receiver, key, state, epoch, claimed_at)
                VALUES (\(receiver), \(key), 'claimed', 0, \(now.timeIntervalSince1970)) ON CONFLICT (receiver, key) DO NOTHING
                """,
                logger: self.logger
            )
            let rows = try await connection.query(
                "SELECT state, epoch FROM alert_delivery_journal WHERE receiver = \(receiver) AND key = \(key) FOR UPDATE", logger: self.logger
            ).collect()
            let (state, epoch): (String, Int64) = try rows.first?.decode((String, Int64).self) ?? ("claimed", Int64(0))
            let outcome = DeliveryJournalState.claimOutcome(state: DeliveryJournalState(rawValue: state), epoch: epoch, fence: fence)
            guard outcome == .claimed else { return outcome }
            try await connection.query(
                """
                UPDATE alert_delivery_journal SET epoch = \(fence.epoch), claimed_at = \(now.timeIntervalSince1970)
                WHERE receiver = \(receiver) AND key = \(key)
                """,
                logger: self.logger
            )
            return .claimed
        }
    }

    package func confirmDelivery(receiver: String, key: String, fence: LeaseFence, now: Date) async throws -> Bool {
        try await self.transaction { connection in
            guard fence.admits(try await Self.leaseRow(connection, name: fence.name, lock: "FOR SHARE", logger: self.logger), now: now) else {
                return false
            }
            let seconds = now.timeIntervalSince1970
            try await connection.query(
                """
                INSERT INTO alert_delivery_journal (receiver, key, state, epoch, claimed_at, delivered_at)
                VALUES (\(receiver), \(key), 'delivered', \(fence.epoch), \(seconds), \(seconds))
                ON CONFLICT (receiver, key) DO UPDATE SET state = 'delivered', epoch = excluded.epoch, delivered_at = excluded.delivered_at
                WHERE alert_delivery_journal.state <> 'delivered'
                """,
                logger: self.logger
            )
            return true
        }
    }

    package func deliveryConfirmed(receiver: String, key: String) async throws -> Bool {
        let rows = try await self.rows("SELECT state FROM alert_delivery_journal WHERE receiver = \(receiver) AND key = \(key)")
        return try rows.first?.decode(String.self) == DeliveryJournalState.delivered.rawValue
    }
}
