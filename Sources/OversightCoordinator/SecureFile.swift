//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes files that must not exist yet, with their mode set at creation (keys are never world-readable, even briefly).
package enum SecureFile {
    /// Creates `path` exclusively with `mode`, writes `contents` and fsyncs it.
    package static func writeNew(_ path: String, _ contents: String, mode: mode_t) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else {
            throw CoordinatorError(.io, "cannot create \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        _ = fchmod(fd, mode)
        let bytes = Array(contents.utf8)
        var written = 0
        while written < bytes.count {
            let result = bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard result > 0 else { throw CoordinatorError(.io, "cannot write \(path): \(String(cString: strerror(errno)))") }
            written += result
        }
        guard fsync(fd) == 0 else { throw CoordinatorError(.io, "cannot fsync \(path)") }
    }

    /// Replaces `path` atomically: writes `path.tmp` (exclusively, with `mode`, fsynced) and renames it over `path`.
    package static func replace(_ path: String, _ contents: String, mode: mode_t) throws {
        let temporary = path + ".tmp"
        unlink(temporary)
        try Self.writeNew(temporary, contents, mode: mode)
        guard rename(temporary, path) == 0 else {
            unlink(temporary)
            throw CoordinatorError(.io, "cannot replace \(path): \(String(cString: strerror(errno)))")
        }
    }
}
