//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The durable alert store and delivery outbox (SQLite, WAL, synchronous=FULL).
//
//===----------------------------------------------------------------------===//

import Foundation
import GRDB

/// What ``AlertStore/raise(_:receivers:now:)`` did.
package struct RaiseOutcome: Hashable, Sendable {
    /// Whether a new occurrence was created (and queued) or an open one was updated (nothing queued).
    package enum Change: Hashable, Sendable {
        /// A new alert fired: a `firing` delivery was queued for every receiver.
        case created
        /// The alert was already open: its summary, details and last-raised time were updated, nothing was queued.
        case updated
    }

    /// The alert after the raise.
    package var alert: Alert
    /// What changed.
    package var change: Change
}

/// A queued delivery: one event of one alert for one receiver, kept until the receiver answered 2xx.
package struct PendingDelivery: Hashable, Sendable {
    /// The outbox row id (increasing; also sent as the webhook's `deliveryId`).
    package var id: Int64
    /// The receiver's name.
    package var receiver: String
    /// What to tell it.
    package var event: AlertEvent
    /// The alert as it was when the event happened.
    package var alert: Alert
    /// When it was queued.
    package var createdAt: Date
    /// Failed attempts so far.
    package var attempts: Int
    /// Not before this moment.
    package var nextAttemptAt: Date
    /// The last failure, for status pages (a status code or an error description, never a payload or secret).
    package var lastError: String?

    /// Creates a delivery (the store does this; tests may too).
    package init(
        id: Int64, receiver: String, event: AlertEvent, alert: Alert, createdAt: Date, attempts: Int, nextAttemptAt: Date, lastError: String?
    ) {
        self.id = id
        self.receiver = receiver
        self.event = event
        self.alert = alert
        self.createdAt = createdAt
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.lastError = lastError
    }
}

/// The durable alert store and its delivery outbox.
///
/// Every change of an alert and the deliveries it causes are written in one transaction, so after a crash either
/// both exist or neither does: an alert is never lost across a restart. Deliveries for one receiver and one alert are
/// handed out in order, a later one only after the earlier one succeeded; different alerts do not wait for each other.
///
/// Times are explicit parameters (``AlertCenter`` passes its clock), so tests drive them.
package final class AlertStore: Sendable {
    /// The database (read it for status pages and tests; write only through the store's methods).
    package let writer: any DatabaseWriter

    /// Opens (creating if needed) the store at `path`: WAL mode, `synchronous = FULL`.
    package init(path: String) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        self.writer = try DatabasePool(path: path, configuration: configuration)
        try Self.migrator.migrate(self.writer)
    }

    /// Uses an existing database (tests: an in-memory `DatabaseQueue()`).
    package init(writer: any DatabaseWriter) throws {
        self.writer = writer
        try Self.migrator.migrate(self.writer)
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE alert (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        key TEXT NOT NULL,
                        kind TEXT NOT NULL,
                        severity TEXT NOT NULL,
                        subject TEXT NOT NULL,
                        summary TEXT NOT NULL,
                        details TEXT,
                        console_path TEXT NOT NULL,
                        state TEXT NOT NULL,
                        starts_at REAL NOT NULL,
                        ends_at REAL,
                        last_raised_at REAL NOT NULL,
                        raise_count INTEGER NOT NULL,
                        acknowledged_by TEXT,
                        acknowledged_at REAL,
                        acknowledgement_comment TEXT
                    );
                    CREATE UNIQUE INDEX alert_open_key ON alert(key) WHERE state != 'resolved';
                    CREATE INDEX alert_state ON alert(state);
                    CREATE TABLE delivery (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        receiver TEXT NOT NULL,
                        alert_id INTEGER NOT NULL REFERENCES alert(id),
                        event TEXT NOT NULL,
                        snapshot BLOB NOT NULL,
                        created_at REAL NOT NULL,
                        attempts INTEGER NOT NULL DEFAULT 0,
                        next_attempt_at REAL NOT NULL,
                        last_error TEXT
                    );
                    CREATE INDEX delivery_order ON delivery(receiver, alert_id, id);
                    CREATE TABLE notified (
                        receiver TEXT NOT NULL,
                        alert_id INTEGER NOT NULL,
                        last_at REAL NOT NULL,
                        PRIMARY KEY (receiver, alert_id)
                    ) WITHOUT ROWID;
                    """
            )
        }
        // The summary's catalogue key and arguments (JSON), so that each reader gets it in their language.
        migrator.registerMigration("v2-alert-message") { db in
            try db.execute(sql: "ALTER TABLE alert ADD COLUMN message TEXT")
        }
        return migrator
    }

    // MARK: Lifecycle

    /// Raises an alert. If an alert with the same dedupe key is open (firing or acknowledged) it is updated — summary,
    /// details, last-raised time, raise count — and nothing is queued; repeats reach webhooks only on their repeat
    /// interval and Alertmanager on its resend. Otherwise a new occurrence fires and a `firing` delivery is queued for
    /// every receiver, in the same transaction.
    /// - Parameters:
    ///   - new: the alert.
    ///   - receivers: names of the receivers to queue for.
    ///   - now: the current time.
    @discardableResult
    package func raise(_ new: NewAlert, receivers: [String], now: Date) async throws -> RaiseOutcome {
        let key = new.key
        return try await self.writer.write { db in
            if var open = try Self.fetchOpen(db, key: key) {
                open.summary = new.summary
                open.message = new.message
                open.details = new.details
                open.lastRaisedAt = now
                open.raiseCount += 1
                try db.execute(
                    sql: "UPDATE alert SET summary = ?, message = ?, details = ?, last_raised_at = ?, raise_count = ? WHERE id = ?",
                    arguments: [open.summary, try Self.encodeMessage(open.message), open.details, now.timeIntervalSince1970, open.raiseCount, open.id]
                )
                return RaiseOutcome(alert: open, change: .updated)
            }
            let startsAt = new.startsAt ?? now
            try db.execute(
                sql: """
                    INSERT INTO alert (key, kind, severity, subject, summary, message, details, console_path, state, starts_at, last_raised_at, raise_count)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'firing', ?, ?, 1)
                    """,
                arguments: [
                    key, new.kind.rawValue, new.severity.rawValue, try Self.encodeSubject(new.subject), new.summary, try Self.encodeMessage(new.message), new.details,
                    new.consolePath, startsAt.timeIntervalSince1970, now.timeIntervalSince1970,
                ]
            )
            var alert = Alert(
                id: db.lastInsertedRowID, key: key, kind: new.kind, severity: new.severity, subject: new.subject, summary: new.summary,
                details: new.details, consolePath: new.consolePath, state: .firing, startsAt: startsAt, endsAt: nil, lastRaisedAt: now,
                raiseCount: 1, acknowledgement: nil
            )
            alert.message = new.message
            try Self.enqueue(db, event: .firing, alert: alert, receivers: receivers, now: now)
            return RaiseOutcome(alert: alert, change: .created)
        }
    }

    /// Acknowledges the open alert with this key and queues an `acknowledged` delivery for every receiver. The first
    /// acknowledgement stands: acknowledging an acknowledged alert returns it unchanged and queues nothing.
    /// - Throws: ``AlertError/Code/notFound`` if no alert with this key is open.
    @discardableResult
    package func acknowledge(key: String, by person: String, comment: String?, receivers: [String], now: Date) async throws -> Alert {
        guard !person.isEmpty else { throw AlertError(.invalidArgument, "an acknowledgement needs a person") }
        return try await self.writer.write { db in
            guard var alert = try Self.fetchOpen(db, key: key) else {
                throw AlertError(.notFound, "no open alert has the key \(key)")
            }
            if alert.state == .acknowledged { return alert }
            alert.state = .acknowledged
            alert.acknowledgement = AlertAcknowledgement(by: person, at: now, comment: comment)
            try db.execute(
                sql: """
                    UPDATE alert SET state = 'acknowledged', acknowledged_by = ?, acknowledged_at = ?, acknowledgement_comment = ?
                    WHERE id = ?
                    """,
                arguments: [person, now.timeIntervalSince1970, comment, alert.id]
            )
            try Self.enqueue(db, event: .acknowledged, alert: alert, receivers: receivers, now: now)
            return alert
        }
    }

    /// Resolves the open alert with this key (`endsAt` = `at`) and queues a `resolved` delivery for every receiver.
    /// Returns `nil` (and queues nothing) if no alert with this key is open, so the SLA engine may resolve freely.
    @discardableResult
    package func resolve(key: String, at: Date, receivers: [String], now: Date) async throws -> Alert? {
        try await self.writer.write { db in
            guard var alert = try Self.fetchOpen(db, key: key) else { return nil }
            alert.state = .resolved
            alert.endsAt = at
            try db.execute(
                sql: "UPDATE alert SET state = 'resolved', ends_at = ? WHERE id = ?",
                arguments: [at.timeIntervalSince1970, alert.id]
            )
            try Self.enqueue(db, event: .resolved, alert: alert, receivers: receivers, now: now)
            try db.execute(sql: "DELETE FROM notified WHERE alert_id = ?", arguments: [alert.id])
            return alert
        }
    }

    // MARK: Reading

    /// The open alert with this key, if any.
    package func openAlert(key: String) async throws -> Alert? {
        try await self.writer.read { db in try Self.fetchOpen(db, key: key) }
    }

    /// Every open (firing or acknowledged) alert, oldest first.
    package func openAlerts() async throws -> [Alert] {
        try await self.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM alert WHERE state != 'resolved' ORDER BY id").map(Self.alert(from:))
        }
    }

    /// Alerts in every state, newest first.
    /// - Parameters:
    ///   - key: only occurrences of this dedupe key, if given.
    ///   - limit: at most this many.
    package func history(key: String? = nil, limit: Int = 100) async throws -> [Alert] {
        try await self.writer.read { db in
            if let key {
                return try Row.fetchAll(db, sql: "SELECT * FROM alert WHERE key = ? ORDER BY id DESC LIMIT ?", arguments: [key, limit])
                    .map(Self.alert(from:))
            }
            return try Row.fetchAll(db, sql: "SELECT * FROM alert ORDER BY id DESC LIMIT ?", arguments: [limit]).map(Self.alert(from:))
        }
    }

    /// Deletes resolved alerts that ended before `date` and have nothing queued. Returns how many went.
    @discardableResult
    package func prune(resolvedBefore date: Date) async throws -> Int {
        try await self.writer.write { db in
            try db.execute(
                sql: """
                    DELETE FROM alert WHERE state = 'resolved' AND ends_at < ?
                    AND NOT EXISTS (SELECT 1 FROM delivery WHERE delivery.alert_id = alert.id)
                    """,
                arguments: [date.timeIntervalSince1970]
            )
            return db.changesCount
        }
    }

    // MARK: Row mapping

    static func fetchOpen(_ db: Database, key: String) throws -> Alert? {
        try Row.fetchOne(db, sql: "SELECT * FROM alert WHERE key = ? AND state != 'resolved'", arguments: [key]).map(Self.alert(from:))
    }

    static func alert(from row: Row) throws -> Alert {
        let subjectJSON: String = row["subject"]
        let subject = try JSONDecoder().decode(AlertSubject.self, from: Data(subjectJSON.utf8))
        var acknowledgement: AlertAcknowledgement?
        if let by: String = row["acknowledged_by"], let at: Double = row["acknowledged_at"] {
            acknowledgement = AlertAcknowledgement(by: by, at: Date(timeIntervalSince1970: at), comment: row["acknowledgement_comment"])
        }
        let endsAt: Double? = row["ends_at"]
        var alert = Alert(
            id: row["id"], key: row["key"], kind: AlertKind(rawValue: row["kind"]),
            severity: AlertSeverity(rawValue: row["severity"]) ?? .warning, subject: subject, summary: row["summary"],
            details: row["details"], consolePath: row["console_path"], state: AlertState(rawValue: row["state"]) ?? .firing,
            startsAt: Date(timeIntervalSince1970: row["starts_at"]), endsAt: endsAt.map(Date.init(timeIntervalSince1970:)),
            lastRaisedAt: Date(timeIntervalSince1970: row["last_raised_at"]), raiseCount: row["raise_count"],
            acknowledgement: acknowledgement
        )
        if let json: String = row["message"] { alert.message = try? JSONDecoder().decode(AlertMessage.self, from: Data(json.utf8)) }
        return alert
    }

    /// The message as stored: JSON, or NULL.
    static func encodeMessage(_ message: AlertMessage?) throws -> String? {
        guard let message else { return nil }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(message), as: UTF8.self)
    }

    static func encodeSubject(_ subject: AlertSubject) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(subject), as: UTF8.self)
    }
}
