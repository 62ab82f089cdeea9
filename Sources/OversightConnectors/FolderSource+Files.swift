//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Finding settled files and moving taken ones out of the way, durably.
//
//===----------------------------------------------------------------------===//

package import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension FolderSource {
    /// Subfolder that taken files are moved to.
    package static let doneFolder = "done"
    /// Subfolder for reject reports and for files that could not be read at all.
    package static let rejectsFolder = "rejects"

    /// The files ready to be read, sorted by name.
    ///
    /// A file is ready when it is a regular file directly in the folder, is not hidden (`.name`), does not
    /// end in `.tmp` or `.part`, has a known extension (`.csv`, `.jsonl`, `.ndjson`; any name when `format`
    /// is not `auto`), and has not changed for `settle_time`: its last modification and status change
    /// (which a rename into the folder also sets) are at least `settle_time` before `now`. The check needs
    /// no memory of earlier polls, so it holds across agent restarts. `done/` and `rejects/` are never read.
    /// - Parameter now: The current time.
    /// - Throws: ``ConnectorError`` with code `.folderUnreadable` if the folder cannot be listed.
    package func readyFiles(now: Date) throws(ConnectorError) -> [URL] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: self.folder.path)
        } catch {
            throw ConnectorError(code: .folderUnreadable, path: self.folder.path, message: "cannot list the folder: \(error.localizedDescription)")
        }
        let settle = Self.seconds(self.configuration.settleTime)
        var ready: [String] = []
        for name in names {
            let lowered = name.lowercased()
            guard !name.hasPrefix("."), !lowered.hasSuffix(".tmp"), !lowered.hasSuffix(".part"), self.fileFormat(of: name) != nil else {
                continue
            }
            guard let status = fileStatus(self.folder.appendingPathComponent(name).path), status.isRegular else { continue }
            if now.timeIntervalSince1970 - status.lastChange >= settle { ready.append(name) }
        }
        return ready.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }.map {
            self.folder.appendingPathComponent($0, isDirectory: false)
        }
    }

    /// Moves a file that has been taken to `done/`, after writing its rejects (if any) to
    /// `rejects/<name>.rejects.jsonl`, one `{"line":…,"reason":…,"raw":…}` per line.
    ///
    /// Both steps are a rename followed by an fsync of the folders, so after a crash the file is either
    /// still in place (and is read again; the agent recognises it by its fingerprint) or fully moved.
    /// A file of the same name already in `done/` is kept: the new one gets a UTC timestamp suffix.
    /// - Parameters:
    ///   - file: The file that was read.
    ///   - rejects: The rejects ``read(file:provider:site:)`` returned.
    /// - Throws: ``ConnectorError`` with code `.moveFailed`.
    package func markDone(file: URL, rejects: [Reject]) throws(ConnectorError) {
        let name = file.lastPathComponent
        if !rejects.isEmpty {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            var report = Data()
            for reject in rejects {
                guard let line = try? encoder.encode(reject) else { continue }
                report.append(line)
                report.append(UInt8(ascii: "\n"))
            }
            let folder = try self.subfolder(Self.rejectsFolder)
            try Self.writeDurably(report, to: folder.appendingPathComponent("\(name).rejects.jsonl"))
        }
        try self.move(file, to: Self.doneFolder)
    }

    /// Moves a file that cannot be read at all (too large, unknown format, …) to `rejects/`, with
    /// `rejects/<name>.error.txt` saying why.
    /// - Parameters:
    ///   - file: The file to set aside.
    ///   - reason: Why it could not be read (for example a ``ConnectorError``'s description).
    /// - Throws: ``ConnectorError`` with code `.moveFailed`.
    package func markRejected(file: URL, reason: String) throws(ConnectorError) {
        let folder = try self.subfolder(Self.rejectsFolder)
        try Self.writeDurably(Data((reason + "\n").utf8), to: folder.appendingPathComponent("\(file.lastPathComponent).error.txt"))
        try self.move(file, to: Self.rejectsFolder)
    }

    // MARK: - File system

    private func subfolder(_ name: String) throws(ConnectorError) -> URL {
        let url = self.folder.appendingPathComponent(name, isDirectory: true)
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            throw ConnectorError(code: .moveFailed, path: url.path, message: "cannot create the folder: \(error.localizedDescription)")
        }
        return url
    }

    private func move(_ file: URL, to subfolderName: String) throws(ConnectorError) {
        let folder = try self.subfolder(subfolderName)
        let name = file.lastPathComponent
        var target = folder.appendingPathComponent(name)
        if fileStatus(target.path) != nil {
            let stamp = Self.timestamp(Date())
            let ext = (name as NSString).pathExtension
            let base = ext.isEmpty ? name : String(name.dropLast(ext.count + 1))
            var attempt = 0
            repeat {
                attempt += 1
                let suffix = attempt == 1 ? stamp : "\(stamp)-\(attempt)"
                target = folder.appendingPathComponent(ext.isEmpty ? "\(base).\(suffix)" : "\(base).\(suffix).\(ext)")
            } while fileStatus(target.path) != nil
        }
        guard rename(file.path, target.path) == 0 else {
            throw ConnectorError(code: .moveFailed, path: file.path, message: "cannot move to \(target.path): \(Self.errnoText())")
        }
        try Self.syncDirectory(folder)
        try Self.syncDirectory(file.deletingLastPathComponent())
    }

    /// Writes `data` to a temporary file, fsyncs it, renames it over `url` and fsyncs the folder.
    private static func writeDurably(_ data: Data, to url: URL) throws(ConnectorError) {
        let temporary = url.path + ".tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o640)
        guard descriptor >= 0 else {
            throw ConnectorError(code: .moveFailed, path: temporary, message: "cannot create: \(Self.errnoText())")
        }
        var failure: String?
        data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count, failure == nil {
                let written = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno != EINTR { failure = "cannot write: \(Self.errnoText())" }
                } else {
                    offset += written
                }
            }
        }
        if failure == nil, fsync(descriptor) != 0 { failure = "cannot sync: \(Self.errnoText())" }
        close(descriptor)
        if failure == nil, rename(temporary, url.path) != 0 { failure = "cannot rename into place: \(Self.errnoText())" }
        if let failure {
            unlink(temporary)
            throw ConnectorError(code: .moveFailed, path: url.path, message: failure)
        }
        try Self.syncDirectory(url.deletingLastPathComponent())
    }

    private static func syncDirectory(_ url: URL) throws(ConnectorError) {
        let descriptor = open(url.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw ConnectorError(code: .moveFailed, path: url.path, message: "cannot open the folder to sync it: \(Self.errnoText())")
        }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else {
            throw ConnectorError(code: .moveFailed, path: url.path, message: "cannot sync the folder: \(Self.errnoText())")
        }
    }

    private static func errnoText() -> String {
        String(cString: strerror(errno))
    }

    /// `20261125T120000Z`.
    private static func timestamp(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? .gmt
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func two(_ value: Int?) -> String { (value ?? 0) < 10 ? "0\(value ?? 0)" : "\(value ?? 0)" }
        return "\(parts.year ?? 0)\(two(parts.month))\(two(parts.day))T\(two(parts.hour))\(two(parts.minute))\(two(parts.second))Z"
    }

    static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}

/// Size, type and last change of a file.
struct FileStatus {
    var size: Int
    var isRegular: Bool
    /// The later of the modification and status-change times, in seconds since 1970.
    var lastChange: Double
    /// The modification time, in seconds since 1970.
    var modified: Double = 0
}

/// `stat(2)` of a path (following symbolic links); `nil` if it does not exist or cannot be examined.
func fileStatus(_ path: String) -> FileStatus? {
    var info = stat()
    guard stat(path, &info) == 0 else { return nil }
    #if canImport(Darwin)
    let modified = Double(info.st_mtimespec.tv_sec) + Double(info.st_mtimespec.tv_nsec) / 1e9
    let changed = Double(info.st_ctimespec.tv_sec) + Double(info.st_ctimespec.tv_nsec) / 1e9
    #else
    let modified = Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9
    let changed = Double(info.st_ctim.tv_sec) + Double(info.st_ctim.tv_nsec) / 1e9
    #endif
    return FileStatus(size: Int(info.st_size), isRegular: (info.st_mode & S_IFMT) == S_IFREG, lastChange: max(modified, changed), modified: modified)
}

/// The size of a file in bytes, if it exists.
func fileSize(_ path: String) -> Int? {
    fileStatus(path)?.size
}
