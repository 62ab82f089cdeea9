//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The delivery outbox: queue, hand out in order, retry with backoff, remove after 2xx.
//
//===----------------------------------------------------------------------===//

import Foundation
import GRDB

extension AlertStore {
    /// Queues `event` of `alert` for each receiver (inside the caller's transaction) and notes the time per receiver
    /// for the webhook repeat interval.
    static func enqueue(_ db: Database, event: AlertEvent, alert: Alert, receivers: [String], now: Date) throws {
        guard !receivers.isEmpty else { return }
        let snapshot = try JSONEncoder().encode(alert)
        let insert = try db.cachedStatement(
            sql: "INSERT INTO delivery (receiver, alert_id, event, snapshot, created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?)"
        )
        let note = try db.cachedStatement(
            sql: """
                INSERT INTO notified (receiver, alert_id, last_at) VALUES (?, ?, ?)
                ON CONFLICT(receiver, alert_id) DO UPDATE SET last_at = excluded.last_at
                """
        )
        for receiver in Set(receivers).sorted() {
            try insert.execute(
                arguments: [receiver, alert.id, event.rawValue, snapshot, now.timeIntervalSince1970, now.timeIntervalSince1970]
            )
            if event != .resolved { try note.execute(arguments: [receiver, alert.id, now.timeIntervalSince1970]) }
        }
    }

    /// The deliveries for `receiver` that may be attempted at `now`: for each alert only its oldest queued delivery,
    /// and only if its backoff has passed. Oldest first.
    package func dueDeliveries(receiver: String, now: Date, limit: Int = 100) async throws -> [PendingDelivery] {
        try await self.writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT d.* FROM delivery d
                    WHERE d.receiver = ? AND d.next_attempt_at <= ?
                    AND d.id = (SELECT MIN(e.id) FROM delivery e WHERE e.receiver = d.receiver AND e.alert_id = d.alert_id)
                    ORDER BY d.id LIMIT ?
                    """,
                arguments: [receiver, now.timeIntervalSince1970, limit]
            ).map(Self.delivery(from:))
        }
    }

    /// When the next delivery for `receiver` becomes due (possibly in the past), or `nil` if nothing is queued.
    package func nextDeliveryDate(receiver: String) async throws -> Date? {
        try await self.writer.read { db in
            let next = try Double.fetchOne(
                db,
                sql: """
                    SELECT MIN(d.next_attempt_at) FROM delivery d
                    WHERE d.receiver = ?
                    AND d.id = (SELECT MIN(e.id) FROM delivery e WHERE e.receiver = d.receiver AND e.alert_id = d.alert_id)
                    """,
                arguments: [receiver]
            )
            return next.map(Date.init(timeIntervalSince1970:))
        }
    }

    /// Every queued delivery (for one receiver if given), oldest first: for status pages and tests.
    package func pendingDeliveries(receiver: String? = nil) async throws -> [PendingDelivery] {
        try await self.writer.read { db in
            if let receiver {
                return try Row.fetchAll(db, sql: "SELECT * FROM delivery WHERE receiver = ? ORDER BY id", arguments: [receiver])
                    .map(Self.delivery(from:))
            }
            return try Row.fetchAll(db, sql: "SELECT * FROM delivery ORDER BY id").map(Self.delivery(from:))
        }
    }

    /// Removes deliveries the receiver accepted (answered 2xx).
    package func completeDeliveries(ids: [Int64]) async throws {
        guard !ids.isEmpty else { return }
        try await self.writer.write { db in
            let delete = try db.cachedStatement(sql: "DELETE FROM delivery WHERE id = ?")
            for id in ids { try delete.execute(arguments: [id]) }
        }
    }

    /// Records a failed attempt of each delivery and schedules its next one `policy.delay(afterFailures:)` after `now`.
    /// - Parameters:
    ///   - ids: the deliveries.
    ///   - error: what went wrong (a status code or an error description, no payload or secret).
    ///   - policy: the receiver's backoff.
    ///   - now: the current time.
    ///   - generator: jitter source.
    /// - Returns: the earliest next attempt.
    @discardableResult
    package func failDeliveries(
        ids: [Int64], error: String, policy: RetryPolicy, now: Date, using generator: inout some RandomNumberGenerator
    ) async throws -> Date? {
        guard !ids.isEmpty else { return nil }
        let attempts = try await self.writer.read { db in
            try ids.map { id in try Int.fetchOne(db, sql: "SELECT attempts FROM delivery WHERE id = ?", arguments: [id]) }
        }
        var updates: [(id: Int64, attempts: Int, next: Date)] = []
        for (id, previous) in zip(ids, attempts) {
            guard let previous else { continue }
            let failures = previous + 1
            let delay = policy.delay(afterFailures: failures, using: &generator)
            // Rounded through the stored representation, so the returned time equals what `dueDeliveries` compares.
            let next = Date(timeIntervalSince1970: now.addingTimeInterval(delay.seconds).timeIntervalSince1970)
            updates.append((id, failures, next))
        }
        let rows = updates
        try await self.writer.write { db in
            let update = try db.cachedStatement(sql: "UPDATE delivery SET attempts = ?, next_attempt_at = ?, last_error = ? WHERE id = ?")
            for row in rows { try update.execute(arguments: [row.attempts, row.next.timeIntervalSince1970, error, row.id]) }
        }
        return rows.map(\.next).min()
    }

    /// ``failDeliveries(ids:error:policy:now:using:)`` with the system generator.
    @discardableResult
    package func failDeliveries(ids: [Int64], error: String, policy: RetryPolicy, now: Date) async throws -> Date? {
        var generator = SystemRandomNumberGenerator()
        return try await self.failDeliveries(ids: ids, error: error, policy: policy, now: now, using: &generator)
    }

    // MARK: Webhook repeats

    /// Queues a `repeat` delivery for `receiver` of every firing (not acknowledged) alert it was last told about at
    /// least `interval` before `now`, unless something for that alert is still queued for it. Returns how many.
    @discardableResult
    package func enqueueRepeats(receiver: String, interval: Duration, now: Date) async throws -> Int {
        let cutoff = now.addingTimeInterval(-interval.seconds).timeIntervalSince1970
        return try await self.writer.write { db in
            let alerts = try Row.fetchAll(
                db,
                sql: """
                    SELECT a.* FROM alert a
                    LEFT JOIN notified n ON n.receiver = ? AND n.alert_id = a.id
                    WHERE a.state = 'firing' AND (n.last_at IS NULL OR n.last_at <= ?)
                    AND NOT EXISTS (SELECT 1 FROM delivery d WHERE d.receiver = ? AND d.alert_id = a.id)
                    ORDER BY a.id
                    """,
                arguments: [receiver, cutoff, receiver]
            ).map(Self.alert(from:))
            for alert in alerts { try Self.enqueue(db, event: .repeat, alert: alert, receivers: [receiver], now: now) }
            return alerts.count
        }
    }

    /// When the next repeat for `receiver` falls due (possibly in the past), or `nil` if no alert is firing.
    package func nextRepeatDate(receiver: String, interval: Duration) async throws -> Date? {
        try await self.writer.read { db in
            let last = try Double.fetchOne(
                db,
                sql: """
                    SELECT MIN(COALESCE(n.last_at, 0)) FROM alert a
                    LEFT JOIN notified n ON n.receiver = ? AND n.alert_id = a.id
                    WHERE a.state = 'firing'
                    AND NOT EXISTS (SELECT 1 FROM delivery d WHERE d.receiver = ? AND d.alert_id = a.id)
                    """,
                arguments: [receiver, receiver]
            )
            return last.map { Date(timeIntervalSince1970: $0).addingTimeInterval(interval.seconds) }
        }
    }

    static func delivery(from row: Row) throws -> PendingDelivery {
        let snapshot: Data = row["snapshot"]
        return PendingDelivery(
            id: row["id"], receiver: row["receiver"], event: AlertEvent(rawValue: row["event"]) ?? .firing,
            alert: try JSONDecoder().decode(Alert.self, from: snapshot), createdAt: Date(timeIntervalSince1970: row["created_at"]),
            attempts: row["attempts"], nextAttemptAt: Date(timeIntervalSince1970: row["next_attempt_at"]), lastError: row["last_error"]
        )
    }
}
