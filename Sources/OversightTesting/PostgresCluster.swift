//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// A throw-away PostgreSQL cluster for tests: initdb in a temporary folder, pg_ctl on loopback and a free port,
// removed when the test process exits.
//
//===----------------------------------------------------------------------===//

import Foundation
import Synchronization

/// A PostgreSQL cluster that a test process starts for itself: `initdb` (trust authentication, user `oversight`),
/// `pg_ctl start` on 127.0.0.1 and a free port, stopped and deleted at exit. Run as root, the server runs as the
/// `postgres` user (`runuser`), since PostgreSQL refuses to run as root.
package final class PostgresCluster: Sendable {
    /// The folder with `initdb`, `pg_ctl` and `createdb`: `$OVERSIGHT_PG_BIN`, else PostgreSQL 15's, else `/usr/local/bin`.
    package static var binDirectory: String? {
        var candidates = ["/usr/lib/postgresql/15/bin", "/usr/local/bin", "/usr/bin"]
        if let bin = ProcessInfo.processInfo.environment["OVERSIGHT_PG_BIN"] { candidates.insert(bin, at: 0) }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0 + "/initdb") && FileManager.default.isExecutableFile(atPath: $0 + "/pg_ctl") }
    }

    /// Why PostgreSQL tests cannot run here, or `nil` when they can.
    package static var unavailableReason: String? {
        Self.binDirectory == nil ? "PostgreSQL binaries (initdb, pg_ctl) not found; install postgresql-15 or set OVERSIGHT_PG_BIN" : nil
    }

    package let port: Int
    package let username = "oversight"
    let directory: String
    let bin: String
    let asPostgres: Bool

    /// The cluster of this test process, started on first use.
    package static func shared() throws -> PostgresCluster {
        try sharedCluster.withLock { cluster in
            if let cluster { return cluster }
            let started = try PostgresCluster()
            cluster = started
            atexit { sharedCluster.withLock { $0 }?.stop() }
            return started
        }
    }

    /// A cluster of its own with PostgreSQL's durable defaults (`fsync` and `synchronous_commit` on), for the
    /// benchmark's PostgreSQL part; the caller stops it. The test cluster (`shared()`) runs with both off.
    package static func startDurable() throws -> PostgresCluster { try PostgresCluster(durable: true) }

    private init(durable: Bool = false) throws {
        guard let bin = Self.binDirectory else { throw ClusterError(Self.unavailableReason ?? "no PostgreSQL") }
        self.bin = bin
        self.asPostgres = getuid() == 0
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("oversight-pg-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        self.directory = directory
        self.port = try freeLoopbackPort()
        if self.asPostgres { try Self.run("/bin/chown", ["postgres:postgres", directory]) }
        try self.runPostgres("initdb", ["-D", directory + "/data", "-U", "oversight", "--auth=trust", "-E", "UTF8", "--no-sync", "--no-locale"])
        try self.runPostgres(
            "pg_ctl",
            [
                "-D", directory + "/data", "-l", directory + "/server.log", "-w", "-t", "60", "-o",
                "-c listen_addresses=127.0.0.1 -p \(self.port) -c unix_socket_directories=\(directory) -c max_connections=200"
                    + (durable ? "" : " -c fsync=off -c synchronous_commit=off"),
                "start",
            ]
        )
    }

    private static let counter = Counter()

    /// Creates a new empty database and returns its name.
    package func createDatabase() throws -> String {
        let name = "t\(ProcessInfo.processInfo.processIdentifier)_\(Self.counter.next())"
        try self.runPostgres("createdb", ["-h", "127.0.0.1", "-p", "\(self.port)", "-U", self.username, name])
        return name
    }

    /// Stops the server at once and deletes its folder.
    package func stop() {
        try? self.runPostgres("pg_ctl", ["-D", self.directory + "/data", "-m", "immediate", "-w", "stop"])
        try? FileManager.default.removeItem(atPath: self.directory)
    }

    private func runPostgres(_ tool: String, _ arguments: [String]) throws {
        if self.asPostgres {
            try Self.run("/usr/sbin/runuser", ["-u", "postgres", "--", self.bin + "/" + tool] + arguments)
        } else {
            try Self.run(self.bin + "/" + tool, arguments)
        }
    }

    /// Runs a tool to its end with posix_spawn and waitpid: Foundation's Process did not reap `runuser pg_ctl start`
    /// (its child, the server, lives on), so the test waited for ever.
    private static func run(_ executable: String, _ arguments: [String]) throws {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("oversight-pg-run-\(UUID().uuidString).log").path
        defer { unlink(log) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        guard spawned == 0 else { throw ClusterError("cannot start \(executable): error \(spawned)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { throw ClusterError("waiting for \(executable) failed: errno \(errno)") }
        }
        let exited = (status & 0x7f) == 0
        let code = (status >> 8) & 0xff
        guard exited, code == 0 else {
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            throw ClusterError("\(executable) \(arguments.joined(separator: " ")) failed (status \(status)): \(text)")
        }
    }

    struct ClusterError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    final class Counter: Sendable {
        private let value = Mutex(0)
        func next() -> Int { self.value.withLock { $0 += 1; return $0 } }
    }
}

private let sharedCluster = Mutex<PostgresCluster?>(nil)
