//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// `oversight-coordinator backup` and `restore`: SQLite's online backup API, through GRDB.
//
//===----------------------------------------------------------------------===//

import Foundation
import GRDB

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a backup or a restore did not happen.
package struct SQLiteBackupError: Error, CustomStringConvertible {
    /// What went wrong, naming the file.
    package var message: String
    package var description: String { self.message }
    init(_ message: String) { self.message = message }
}

/// Consistent copies of a live SQLite database, and putting one back.
///
/// ``backup(from:to:)`` copies every page in one step of SQLite's backup API inside one read transaction: in WAL mode
/// that is a snapshot of one committed state, taken while the coordinator keeps committing batches (a writer never
/// waits for it, and it never sees half a batch). The copy is written beside the destination with mode 0600, switched
/// to a self-contained rollback journal, checked with `PRAGMA integrity_check`, synced and renamed into place.
package enum SQLiteBackup {
    /// What a backup or a restore copied.
    package struct Summary: Sendable, Equatable {
        /// Size of the copy in bytes.
        package var bytes: Int64
        /// Database pages copied.
        package var pages: Int
    }

    /// Copies the database at `source` into a new file at `destination` (replacing it atomically if it exists).
    package static func backup(from source: String, to destination: String) throws -> Summary {
        guard FileManager.default.fileExists(atPath: source) else { throw SQLiteBackupError("no database at \(source)") }
        let reader = try DatabaseQueue(path: source)
        defer { try? reader.close() }
        return try self.copy(reader, to: destination)
    }

    /// Checks that `path` is an intact SQLite database (`PRAGMA integrity_check`), without changing it.
    package static func check(_ path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else { throw SQLiteBackupError("no backup at \(path)") }
        var configuration = Configuration()
        configuration.readonly = true
        let queue: DatabaseQueue
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
        } catch {
            throw SQLiteBackupError("\(path) is not a readable SQLite database")
        }
        defer { try? queue.close() }
        let result: String?
        do {
            result = try queue.read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") }
        } catch {
            throw SQLiteBackupError("\(path) is not a SQLite database")
        }
        guard result == "ok" else { throw SQLiteBackupError("\(path) fails SQLite's integrity check: \(result ?? "no answer")") }
    }

    /// Puts the backup at `backup` in place of the database at `target`, which nothing may have open.
    ///
    /// The backup is checked first; the database it replaces, if any, is kept beside it as `TARGET.before-restore-TIME`
    /// (its WAL checkpointed into it first), and the target's stale `-wal`/`-shm` files are removed so that SQLite
    /// cannot replay another database's log into the restored one.
    /// - Returns: what was copied, and the path the replaced database was moved to.
    package static func restore(from backup: String, to target: String, now: Date = Date()) throws -> (Summary, replaced: String?) {
        try self.check(backup)
        var configuration = Configuration()
        configuration.readonly = true
        let source = try DatabaseQueue(path: backup, configuration: configuration)
        let staged = target + ".restoring"
        let summary: Summary
        do {
            defer { try? source.close() }
            summary = try self.copy(source, to: staged)
        }
        var replaced: String?
        if FileManager.default.fileExists(atPath: target) {
            do {
                let old = try DatabaseQueue(path: target)
                _ = try? old.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
                try old.close()
            } catch {
                // A damaged database is still moved aside as it is.
            }
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withYear, .withMonth, .withDay, .withTime, .withTimeZone]
            let aside = target + ".before-restore-" + formatter.string(from: now).replacingOccurrences(of: ":", with: "")
            guard rename(target, aside) == 0 else { throw SQLiteBackupError("cannot move \(target) aside: \(String(cString: strerror(errno)))") }
            replaced = aside
        }
        for suffix in ["-wal", "-shm", "-journal"] where FileManager.default.fileExists(atPath: target + suffix) {
            if let replaced { _ = rename(target + suffix, replaced + suffix) } else { unlink(target + suffix) }
        }
        guard rename(staged, target) == 0 else { throw SQLiteBackupError("cannot move the restored database to \(target): \(String(cString: strerror(errno)))") }
        self.syncDirectory(of: target)
        return (summary, replaced)
    }

    /// Backs `reader` up into a new file at `destination`: staged beside it with mode 0600, checked, synced, renamed.
    static func copy(_ reader: some DatabaseReader, to destination: String) throws -> Summary {
        let staged = destination + ".partial-\(getpid())"
        unlink(staged)
        unlink(staged + "-journal")
        // Created here with 0600 so the copy is never readable by others, even while it is written; SQLite keeps the mode.
        let fd = open(staged, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw SQLiteBackupError("cannot create \(staged): \(String(cString: strerror(errno)))") }
        close(fd)
        var succeeded = false
        defer { if !succeeded { unlink(staged); unlink(staged + "-journal") } }
        var pages = 0
        do {
            let copy = try DatabaseQueue(path: staged)
            try reader.backup(to: copy, pagesPerStep: -1)
            // The source is in WAL mode and so is the copy's header: make it one self-contained file.
            try copy.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = DELETE") }
            let integrity = try copy.read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") }
            pages = try copy.read { db in try Int.fetchOne(db, sql: "PRAGMA page_count") } ?? 0
            guard integrity == "ok" else { throw SQLiteBackupError("the copy fails SQLite's integrity check: \(integrity ?? "no answer")") }
            try copy.close()
        }
        let syncFd = open(staged, O_RDONLY | O_CLOEXEC)
        if syncFd >= 0 {
            _ = fsync(syncFd)
            close(syncFd)
        }
        guard rename(staged, destination) == 0 else {
            throw SQLiteBackupError("cannot move the backup to \(destination): \(String(cString: strerror(errno)))")
        }
        succeeded = true
        self.syncDirectory(of: destination)
        let bytes = (try? FileManager.default.attributesOfItem(atPath: destination)[.size] as? Int64) ?? 0
        return Summary(bytes: bytes, pages: pages)
    }

    /// fsyncs the folder holding `path`, so that a rename survives a power loss.
    static func syncDirectory(of path: String) {
        let directory = (path as NSString).deletingLastPathComponent
        let fd = open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = fsync(fd)
        close(fd)
    }
}
