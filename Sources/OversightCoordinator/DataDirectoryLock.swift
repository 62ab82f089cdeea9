//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// DATA/coordinator.lock: `serve` holds it shared, `restore` exclusive.
//
//===----------------------------------------------------------------------===//

import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An advisory `flock(2)` on `DATA/coordinator.lock`, released when the holder closes it or dies (kill -9 included:
/// the kernel drops it, so there is never a stale lock to clean up).
///
/// Every `serve` holds it shared (several coordinators may share a data directory's keys); `restore` takes it
/// exclusively and without waiting, so it refuses to replace a store that a running coordinator has open, and no
/// coordinator starts while a restore runs.
package final class DataDirectoryLock: Sendable {
    /// The lock file's path in `directory`.
    package static func path(in directory: String) -> String { directory + "/coordinator.lock" }

    private let fd: Int32

    private init(fd: Int32) { self.fd = fd }

    deinit { close(self.fd) }

    /// The lock for `serve`; fails when a restore holds it.
    package static func forServing(directory: String) throws -> DataDirectoryLock {
        let fd = try self.openLockFile(directory)
        guard flock(fd, LOCK_SH | LOCK_NB) == 0 else {
            close(fd)
            throw CoordinatorError(.busy, "a restore is replacing the store in \(directory); start the coordinator when it has finished")
        }
        return DataDirectoryLock(fd: fd)
    }

    /// The lock for `restore`; fails when a coordinator serves from `directory`.
    package static func forRestoring(directory: String) throws -> DataDirectoryLock {
        let fd = try self.openLockFile(directory)
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw CoordinatorError(
                .busy,
                "a coordinator is serving from \(directory) (it holds \(self.path(in: directory))); stop it first (systemctl stop oversight-coordinator)"
            )
        }
        return DataDirectoryLock(fd: fd)
    }

    private static func openLockFile(_ directory: String) throws -> Int32 {
        let path = self.path(in: directory)
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw CoordinatorError(.io, "cannot open \(path): \(String(cString: strerror(errno)))") }
        return fd
    }
}
