//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The agent's durable outbox (SQLite, WAL, synchronous=FULL): records wait here until the coordinator acknowledges
// the batch that carried them.
//
//===----------------------------------------------------------------------===//

import Crypto
import Foundation
import GRDB
import OversightModel
import OversightWire
import Synchronization

/// A sealed, signed batch waiting for its acknowledgement.
package struct SealedBatch: Sendable, Hashable {
    package var seq: Int64
    package var hash: String
    package var prev: String
    package var jws: FlattenedJWS
    package var recordCount: Int
}

/// Outbox figures for status and heartbeats.
package struct OutboxStats: Sendable, Hashable, Codable {
    package var depth: Int
    package var bytes: Int64
    package var oldestUnsentAgeSeconds: Double
    package var sealedBatches: Int
    package var lastAckedSeq: Int64
    package var lastAckedHash: String
    package var lastAckedAt: Date?
}

/// One source folder's last results.
package struct SourceStatus: Sendable, Hashable, Codable {
    package var name: String
    package var path: String
    package var filesTaken: Int
    package var rowsTaken: Int
    package var rowsRejected: Int
    package var lastFile: String?
    package var lastFileAt: Date?
    package var lastError: String?
    package var lastErrorAt: Date?
}

/// What happened when the outbox was lined up with the coordinator's last committed batch.
package enum RebaseOutcome: Sendable, Hashable {
    /// Nothing to change: the outbox continues the coordinator's chain.
    case inSync
    /// Batches up to the coordinator's seq were committed (their acks were lost) and are now removed.
    case acknowledged(upTo: Int64)
    /// The outbox was behind or diverged (e.g. restored from a snapshot): unacknowledged records were unsealed
    /// and will be sent again after the coordinator's seq; the coordinator ignores what it already has.
    case resealed(droppedBatches: Int, coordinatorSeq: Int64)
    /// The coordinator is behind what this agent saw acknowledged (it was restored from a backup).
    case coordinatorBehind(localSeq: Int64, coordinatorSeq: Int64)
}

/// The durable outbox.
package final class Outbox: Sendable {
    let writer: any DatabaseWriter
    /// Counts this outbox's writes that can give `sealDue` work (appends, acknowledgements, rebases, unseals), and
    /// the count at which `sealDue` last found no unsealed record: while the two are equal it has nothing to look at,
    /// so an idle agent's send loop does not open a write transaction on every tick.
    private let changes = Mutex<(count: UInt64, emptyAt: UInt64?)>((0, nil))

    /// How many writes that can change what is sealed or sendable this outbox has made (it only grows).
    package var changeCount: UInt64 {
        self.changes.withLock { $0.count }
    }

    /// Notes a write that may have added or unsealed records (called after it committed).
    private func changed() {
        self.changes.withLock { $0.count &+= 1 }
    }

    /// Opens (creating if needed) the outbox at `path`. With `readOnly` (the `status` command, which may run while
    /// the agent does) it neither creates nor migrates anything.
    package init(path: String, readOnly: Bool = false) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.readonly = readOnly
        if !readOnly {
            configuration.prepareDatabase { db in
                // Durable against power loss: a source file is marked done only after this commit.
                try db.execute(sql: "PRAGMA synchronous = FULL")
            }
        }
        self.writer = try DatabasePool(path: path, configuration: configuration)
        if !readOnly { try Self.migrator.migrate(self.writer) }
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE record (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        kind TEXT NOT NULL,
                        key TEXT NOT NULL,
                        body BLOB NOT NULL,
                        bytes INTEGER NOT NULL,
                        created_at REAL NOT NULL
                    );
                    CREATE TABLE batch (
                        seq INTEGER PRIMARY KEY,
                        first_id INTEGER NOT NULL,
                        last_id INTEGER NOT NULL,
                        hash TEXT NOT NULL,
                        prev TEXT NOT NULL,
                        protected TEXT NOT NULL,
                        payload TEXT NOT NULL,
                        signature TEXT NOT NULL,
                        record_count INTEGER NOT NULL,
                        sealed_at REAL NOT NULL
                    );
                    CREATE TABLE state (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);
                    CREATE TABLE ingested_file (
                        fingerprint TEXT PRIMARY KEY NOT NULL,
                        source TEXT NOT NULL,
                        name TEXT NOT NULL,
                        at REAL NOT NULL
                    );
                    CREATE TABLE source_status (
                        name TEXT PRIMARY KEY NOT NULL,
                        path TEXT NOT NULL,
                        files_taken INTEGER NOT NULL DEFAULT 0,
                        rows_taken INTEGER NOT NULL DEFAULT 0,
                        rows_rejected INTEGER NOT NULL DEFAULT 0,
                        last_file TEXT,
                        last_file_at REAL,
                        last_error TEXT,
                        last_error_at REAL
                    );
                    """
            )
        }
        return migrator
    }

    // MARK: Taking records

    /// Whether a file with this fingerprint was already taken (its records are in the outbox or were sent).
    package func isIngested(fingerprint: String) async throws -> Bool {
        try await self.writer.read { db in
            try Bool.fetchOne(db, sql: "SELECT 1 FROM ingested_file WHERE fingerprint = ?", arguments: [fingerprint]) ?? false
        }
    }

    /// Appends a file's records and remembers the file, in one durable transaction; `state`, when given, is set in the
    /// same transaction (a live source's cursor moves with the records it covers).
    package func append(
        records: [OversightModel.Record], fingerprint: String, fileName: String, source: String, path: String, rejected: Int, now: Date,
        state: (key: String, value: String)? = nil
    ) async throws {
        let encoder = WireJSON.encoder()
        let bodies = try records.map { ($0.kind, $0.key, try encoder.encode($0)) }
        try await self.writer.write { db in
            let insert = try db.cachedStatement(sql: "INSERT INTO record (kind, key, body, bytes, created_at) VALUES (?, ?, ?, ?, ?)")
            for (kind, key, body) in bodies {
                try insert.execute(arguments: [kind, key, body, body.count, now.timeIntervalSince1970])
            }
            try db.execute(
                sql: "INSERT OR IGNORE INTO ingested_file (fingerprint, source, name, at) VALUES (?, ?, ?, ?)",
                arguments: [fingerprint, source, fileName, now.timeIntervalSince1970]
            )
            try db.execute(
                sql: """
                    INSERT INTO source_status (name, path, files_taken, rows_taken, rows_rejected, last_file, last_file_at)
                    VALUES (?, ?, 1, ?, ?, ?, ?)
                    ON CONFLICT (name) DO UPDATE SET path = excluded.path, files_taken = files_taken + 1,
                        rows_taken = rows_taken + excluded.rows_taken, rows_rejected = rows_rejected + excluded.rows_rejected,
                        last_file = excluded.last_file, last_file_at = excluded.last_file_at, last_error = NULL
                    """,
                arguments: [source, path, bodies.count, rejected, fileName, now.timeIntervalSince1970]
            )
            if let state { try Self.set(db, state.key, state.value) }
        }
        self.changed()
    }

    /// Records a source's error (or clears it with `nil`).
    package func recordSourceError(source: String, path: String, error: String?, now: Date) async throws {
        try await self.writer.write { db in
            try db.execute(
                sql: """
                    INSERT INTO source_status (name, path, last_error, last_error_at) VALUES (?, ?, ?, ?)
                    ON CONFLICT (name) DO UPDATE SET path = excluded.path, last_error = excluded.last_error,
                        last_error_at = excluded.last_error_at
                    """,
                arguments: [source, path, error, error == nil ? nil : now.timeIntervalSince1970]
            )
        }
    }

    /// Every source's status.
    package func sourceStatuses() async throws -> [SourceStatus] {
        try await self.writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT name, path, files_taken, rows_taken, rows_rejected, last_file, last_file_at, last_error, last_error_at
                    FROM source_status ORDER BY name
                    """
            ).map { row in
                SourceStatus(
                    name: row[0], path: row[1], filesTaken: row[2], rowsTaken: row[3], rowsRejected: row[4], lastFile: row[5],
                    lastFileAt: (row[6] as Double?).map(Date.init(timeIntervalSince1970:)), lastError: row[7],
                    lastErrorAt: (row[8] as Double?).map(Date.init(timeIntervalSince1970:))
                )
            }
        }
    }

    // MARK: Figures

    /// Current outbox figures.
    package func stats(now: Date) async throws -> OutboxStats {
        try await self.writer.read { db in
            let row = try Row.fetchOne(db, sql: "SELECT COUNT(*), COALESCE(SUM(bytes), 0), MIN(created_at) FROM record")
            let sealed = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM batch") ?? 0
            let oldest = row?[2] as Double?
            return OutboxStats(
                depth: row?[0] ?? 0, bytes: row?[1] ?? 0,
                oldestUnsentAgeSeconds: oldest.map { max(0, now.timeIntervalSince1970 - $0) } ?? 0, sealedBatches: sealed,
                lastAckedSeq: try Self.int(db, "last_acked_seq") ?? 0, lastAckedHash: try Self.string(db, "last_acked_hash") ?? genesisBatchHash,
                lastAckedAt: try Self.string(db, "last_acked_at").flatMap(Double.init).map(Date.init(timeIntervalSince1970:))
            )
        }
    }

    /// Bytes of records held.
    package func bytes() async throws -> Int64 {
        try await self.writer.read { db in try Int64.fetchOne(db, sql: "SELECT COALESCE(SUM(bytes), 0) FROM record") ?? 0 }
    }

    // MARK: Sealing and sending

    /// Seals due batches: a batch is due when `maxRecords` unsealed records wait, or the oldest has waited `maxAge`.
    /// At most `maxSealed` batches are kept sealed ahead of acknowledgements. Returns how many were sealed.
    package func sealDue(
        identity: AgentIdentity, key: Curve25519.Signing.PrivateKey, maxRecords: Int, maxAge: Duration, maxSealed: Int, now: Date,
        maxPayloadBytes: Int = 2 << 20
    ) async throws -> Int {
        let maxAgeSeconds = Double(maxAge.components.seconds) + Double(maxAge.components.attoseconds) / 1e18
        let generation = self.changes.withLock { $0 }
        if generation.emptyAt == generation.count { return 0 }
        let (sealedCount, nothingUnsealed) = try await self.writer.write { db -> (Int, Bool) in
            var sealed = 0
            while true {
                let sealedCount = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM batch") ?? 0
                if sealedCount >= maxSealed { break }
                let last = try Row.fetchOne(db, sql: "SELECT seq, hash, last_id FROM batch ORDER BY seq DESC LIMIT 1")
                let lastSealedId: Int64 = try last?[2] ?? (Self.int(db, "last_acked_record") ?? 0)
                let pending = try Row.fetchOne(
                    db, sql: "SELECT COUNT(*), MIN(created_at) FROM (SELECT created_at FROM record WHERE id > ? LIMIT ?)",
                    arguments: [lastSealedId, maxRecords]
                )
                let count: Int = pending?[0] ?? 0
                guard count > 0 else { return (sealed, true) }
                let oldest: Double = pending?[1] ?? now.timeIntervalSince1970
                guard count >= maxRecords || now.timeIntervalSince1970 - oldest >= maxAgeSeconds else { break }

                let seq: Int64 = try (last?[0] as Int64?).map { $0 + 1 } ?? ((Self.int(db, "last_acked_seq") ?? 0) + 1)
                let prev: String = try last?[1] ?? (Self.string(db, "last_acked_hash") ?? genesisBatchHash)
                var rows = try Row.fetchAll(
                    db, sql: "SELECT id, body FROM record WHERE id > ? ORDER BY id LIMIT ?", arguments: [lastSealedId, maxRecords]
                )
                // Keep the batch within the frame limit: stop before the body that would pass the byte budget.
                var total = 1024
                for (index, row) in rows.enumerated() {
                    total += (row[1] as Data).count + 1
                    if total > maxPayloadBytes && index > 0 {
                        rows.removeSubrange(index...)
                        break
                    }
                }
                let firstId: Int64 = rows.first?[0] ?? 0
                let lastId: Int64 = rows.last?[0] ?? 0
                let bodies: [Data] = rows.map { $0[1] }
                let payload = try Self.payload(
                    identity: identity, seq: seq, prev: prev, sealedAt: now, bodies: bodies
                )
                let jws = try JWS.sign(payload: payload, kid: identity.agentId, type: JWS.batchType, key: key)
                let hash = JWS.sha256Hex(payload)
                try db.execute(
                    sql: """
                        INSERT INTO batch (seq, first_id, last_id, hash, prev, protected, payload, signature, record_count, sealed_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [seq, firstId, lastId, hash, prev, jws.protected, jws.payload, jws.signature, rows.count, now.timeIntervalSince1970]
                )
                sealed += 1
            }
            return (sealed, false)
        }
        if nothingUnsealed {
            // Only if no write came in meanwhile; one that did moved `count` on, so the next call looks again.
            self.changes.withLock { $0.emptyAt = generation.count }
        }
        return sealedCount
    }

    /// The batch payload bytes: the header fields by the wire encoder, with the stored record bodies spliced in.
    static func payload(identity: AgentIdentity, seq: Int64, prev: String, sealedAt: Date, bodies: [Data]) throws -> Data {
        let header = BatchPayload(
            agentId: identity.agentId, provider: identity.provider, site: identity.site, seq: seq, prev: prev, sealedAt: sealedAt, records: []
        )
        let encoded = try WireJSON.encode(header)
        let marker = Data(#""records":[]"#.utf8)
        guard let range = encoded.range(of: marker) else { throw AgentError(.io, "cannot build the batch payload") }
        var payload = Data()
        payload.reserveCapacity(encoded.count + bodies.reduce(0) { $0 + $1.count + 1 })
        payload.append(encoded[..<range.lowerBound])
        payload.append(contentsOf: Array(#""records":["#.utf8))
        for (index, body) in bodies.enumerated() {
            if index > 0 { payload.append(UInt8(ascii: ",")) }
            payload.append(body)
        }
        payload.append(UInt8(ascii: "]"))
        payload.append(encoded[range.upperBound...])
        return payload
    }

    /// What the send loop needs on each tick, in one read: the last acknowledged seq and, when fewer than `inFlight`
    /// batches are unacknowledged after sending up to `next - 1`, the sealed batches to send next.
    package func sendable(next: Int64, inFlight: Int) async throws -> (lastAckedSeq: Int64, batches: [SealedBatch]) {
        try await self.writer.read { db in
            let acked = try String.fetchOne(db.cachedStatement(sql: "SELECT value FROM state WHERE key = 'last_acked_seq'"))
                .flatMap { Int64($0) } ?? 0
            let waiting = Int(max(0, next - 1 - acked))
            guard waiting < inFlight else { return (acked, []) }
            let batches = try Row.fetchAll(
                db.cachedStatement(
                    sql: "SELECT seq, hash, prev, protected, payload, signature, record_count FROM batch WHERE seq >= ? ORDER BY seq LIMIT ?"
                ),
                arguments: [max(next, acked + 1), inFlight - waiting]
            ).map {
                SealedBatch(
                    seq: $0[0], hash: $0[1], prev: $0[2], jws: FlattenedJWS(protected: $0[3], payload: $0[4], signature: $0[5]), recordCount: $0[6]
                )
            }
            return (acked, batches)
        }
    }

    /// Sealed batches from `seq` on, in order, at most `limit`.
    package func sealed(from seq: Int64, limit: Int) async throws -> [SealedBatch] {
        try await self.writer.read { db in
            try Row.fetchAll(
                db, sql: "SELECT seq, hash, prev, protected, payload, signature, record_count FROM batch WHERE seq >= ? ORDER BY seq LIMIT ?",
                arguments: [seq, limit]
            ).map {
                SealedBatch(
                    seq: $0[0], hash: $0[1], prev: $0[2], jws: FlattenedJWS(protected: $0[3], payload: $0[4], signature: $0[5]), recordCount: $0[6]
                )
            }
        }
    }

    /// Handles an acknowledgement: the batch and every one before it are committed; their records are deleted.
    /// Returns `false` if no sealed batch with that seq and hash is held (an old or foreign ack).
    @discardableResult
    package func acknowledge(seq: Int64, hash: String, now: Date) async throws -> Bool {
        defer { self.changed() }
        return try await self.writer.write { db in try Self.acknowledge(db, seq: seq, hash: hash, now: now) }
    }

    private static func acknowledge(_ db: Database, seq: Int64, hash: String, now: Date) throws -> Bool {
        guard let lastId = try Int64.fetchOne(db, sql: "SELECT last_id FROM batch WHERE seq = ? AND hash = ?", arguments: [seq, hash]) else {
            return false
        }
        try db.execute(sql: "DELETE FROM record WHERE id <= ?", arguments: [lastId])
        try db.execute(sql: "DELETE FROM batch WHERE seq <= ?", arguments: [seq])
        try Self.set(db, "last_acked_seq", "\(seq)")
        try Self.set(db, "last_acked_hash", hash)
        try Self.set(db, "last_acked_record", "\(lastId)")
        try Self.set(db, "last_acked_at", "\(now.timeIntervalSince1970)")
        return true
    }

    /// Lines the outbox up with the coordinator's last committed batch (from `welcome` or `resend`).
    package func rebase(coordinatorSeq: Int64, coordinatorHash: String, now: Date) async throws -> RebaseOutcome {
        defer { self.changed() }
        return try await self.writer.write { db in
            let localSeq = try Self.int(db, "last_acked_seq") ?? 0
            let localHash = try Self.string(db, "last_acked_hash") ?? genesisBatchHash
            let firstSealed = try Row.fetchOne(db, sql: "SELECT seq, prev FROM batch ORDER BY seq LIMIT 1")
            // Our sealed batch at the coordinator's seq has its hash: the chain covers every batch before it.
            if try Self.acknowledge(db, seq: coordinatorSeq, hash: coordinatorHash, now: now) {
                return .acknowledged(upTo: coordinatorSeq)
            }
            if coordinatorSeq == localSeq && coordinatorHash == localHash {
                if let firstSealed, (firstSealed[0] as Int64) != localSeq + 1 || (firstSealed[1] as String) != localHash {
                    let dropped = try Self.unsealAll(db)
                    return .resealed(droppedBatches: dropped, coordinatorSeq: coordinatorSeq)
                }
                return .inSync
            }
            let dropped = try Self.unsealAll(db)
            try Self.set(db, "last_acked_seq", "\(coordinatorSeq)")
            try Self.set(db, "last_acked_hash", coordinatorHash)
            if coordinatorSeq < localSeq {
                return .coordinatorBehind(localSeq: localSeq, coordinatorSeq: coordinatorSeq)
            }
            return .resealed(droppedBatches: dropped, coordinatorSeq: coordinatorSeq)
        }
    }

    /// Unseals every sealed batch if any exceeds the coordinator's current limits (they are sealed again within them).
    /// Returns the number of batches unsealed.
    package func unsealIfOverLimits(maxRecords: Int, maxPayloadBytes: Int) async throws -> Int {
        defer { self.changed() }
        return try await self.writer.write { db in
            let over = try Bool.fetchOne(
                db, sql: "SELECT 1 FROM batch WHERE record_count > ? OR length(payload) * 3 / 4 > ? LIMIT 1",
                arguments: [maxRecords, maxPayloadBytes]
            ) ?? false
            return over ? try Self.unsealAll(db) : 0
        }
    }

    private static func unsealAll(_ db: Database) throws -> Int {
        let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM batch") ?? 0
        try db.execute(sql: "DELETE FROM batch")
        // Records not yet acknowledged are sealed again from the first one still held.
        let firstHeld = try Int64.fetchOne(db, sql: "SELECT MIN(id) FROM record")
        try Self.set(db, "last_acked_record", "\((firstHeld ?? 1) - 1)")
        return count
    }

    // MARK: State

    private static func int(_ db: Database, _ key: String) throws -> Int64? {
        try String.fetchOne(db, sql: "SELECT value FROM state WHERE key = ?", arguments: [key]).flatMap { Int64($0) }
    }

    private static func string(_ db: Database, _ key: String) throws -> String? {
        try String.fetchOne(db, sql: "SELECT value FROM state WHERE key = ?", arguments: [key])
    }

    private static func set(_ db: Database, _ key: String, _ value: String) throws {
        try db.execute(
            sql: "INSERT INTO state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", arguments: [key, value]
        )
    }

    /// Stores a free-form state value (connection state for `status`).
    package func setState(_ key: String, _ value: String) async throws {
        try await self.writer.write { db in try Self.set(db, key, value) }
    }

    /// Reads a free-form state value.
    package func state(_ key: String) async throws -> String? {
        try await self.writer.read { db in try Self.string(db, key) }
    }

    /// Every state value whose key starts with `prefix`, by the rest of the key.
    package func states(prefix: String) async throws -> [String: String] {
        try await self.writer.read { db in
            var result: [String: String] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT key, value FROM state WHERE substr(key, 1, ?) = ?", arguments: [prefix.count, prefix]) {
                let key: String = row[0]
                result[String(key.dropFirst(prefix.count))] = row[1]
            }
            return result
        }
    }
}
