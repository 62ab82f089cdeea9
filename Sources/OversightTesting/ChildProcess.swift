//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Running the built executables: to completion (CLI commands) or in the background (serve, run).
//
//===----------------------------------------------------------------------===//

import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Every background process still running, killed with SIGKILL when the test process exits, so a crashed or
/// timed-out test never leaves a coordinator or agent behind.
enum ProcessRegistry {
    static let live = Mutex<Set<Int32>>([])
    private static let installAtExit: Void = {
        atexit {
            for pid in ProcessRegistry.live.withLock({ $0 }) { kill(pid, SIGKILL) }
        }
    }()

    static func add(_ pid: Int32) {
        _ = self.installAtExit
        self.live.withLock { _ = $0.insert(pid) }
    }

    static func remove(_ pid: Int32) { self.live.withLock { _ = $0.remove(pid) } }
}

/// What a command printed and how it ended.
package struct CommandResult: Sendable, CustomStringConvertible {
    package var exitCode: Int32
    package var stdout: String
    package var stderr: String
    package var description: String { "exit \(self.exitCode)\nstdout: \(self.stdout)\nstderr: \(self.stderr)" }
}

/// Runs `executable` to completion, capturing stdout and stderr (through files, so a chatty command never blocks).
/// `input`, when given, is its standard input (else /dev/null).
/// - Throws: ``HarnessError`` if it does not finish within `timeout` (it is killed).
package func runCommand(
    _ executable: String, _ arguments: [String], environment: [String: String]? = nil, input: Data? = nil, timeout: Duration = .seconds(60)
) async throws -> CommandResult {
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("oversight-e2e-cmd-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: scratch) }
    let outURL = scratch.appendingPathComponent("stdout")
    let errURL = scratch.appendingPathComponent("stderr")
    FileManager.default.createFile(atPath: outURL.path, contents: nil)
    FileManager.default.createFile(atPath: errURL.path, contents: nil)
    let out = try FileHandle(forWritingTo: outURL)
    let err = try FileHandle(forWritingTo: errURL)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let environment { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
    process.standardOutput = out
    process.standardError = err
    var inputHandle: FileHandle?
    if let input {
        let inURL = scratch.appendingPathComponent("stdin")
        try input.write(to: inURL)
        inputHandle = try FileHandle(forReadingFrom: inURL)
        process.standardInput = inputHandle
    } else {
        process.standardInput = FileHandle.nullDevice
    }
    try process.run()
    try? out.close()
    try? err.close()
    try? inputHandle?.close()
    let pid = process.processIdentifier
    ProcessRegistry.add(pid)
    defer { ProcessRegistry.remove(pid) }
    let deadline = ContinuousClock.now + timeout
    while process.isRunning {
        if ContinuousClock.now >= deadline {
            kill(pid, SIGKILL)
            process.waitUntilExit()
            throw HarnessError("\((executable as NSString).lastPathComponent) \(arguments.joined(separator: " ")) did not finish within \(timeout)")
        }
        try await Task.sleep(for: .milliseconds(20))
    }
    process.waitUntilExit()
    let stdout = (try? String(contentsOf: outURL, encoding: .utf8)) ?? ""
    let stderr = (try? String(contentsOf: errURL, encoding: .utf8)) ?? ""
    return CommandResult(exitCode: process.terminationStatus, stdout: stdout, stderr: stderr)
}

/// A background process whose stdout and stderr go to a log file.
///
/// `@unchecked Sendable`: the wrapped `Process` is only asked for `isRunning`, `processIdentifier` and
/// `terminationStatus`, which Foundation makes safe from any thread; signals go through `kill(2)`.
package final class ChildProcess: @unchecked Sendable {
    package let name: String
    package let logFile: URL
    private let process: Process
    /// The process id.
    package let pid: Int32

    /// Starts the process.
    /// - Parameters:
    ///   - name: a label for failure reports.
    ///   - executable: the program.
    ///   - arguments: its arguments.
    ///   - logFile: where stdout and stderr go (created or truncated).
    ///   - environment: extra environment variables.
    package init(name: String, executable: String, arguments: [String], logFile: URL, environment: [String: String]? = nil) throws {
        self.name = name
        self.logFile = logFile
        FileManager.default.createFile(atPath: logFile.path, contents: nil)
        let handle = try FileHandle(forWritingTo: logFile)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        try? handle.close()
        self.process = process
        self.pid = process.processIdentifier
        ProcessRegistry.add(self.pid)
    }

    /// Whether the process is still running.
    package var isRunning: Bool { self.process.isRunning }

    /// The exit status once it has exited (the signal number if a signal ended it).
    package var exitStatus: Int32? { self.process.isRunning ? nil : self.process.terminationStatus }

    /// Sends a signal if the process still runs.
    package func signal(_ signal: Int32) {
        if self.process.isRunning { kill(self.pid, signal) }
    }

    /// Waits for the process to exit; `true` if it did within `timeout`.
    @discardableResult
    package func waitForExit(timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while self.process.isRunning {
            if ContinuousClock.now >= deadline { return false }
            try? await Task.sleep(for: .milliseconds(20))
        }
        ProcessRegistry.remove(self.pid)
        return true
    }

    /// SIGTERM, then SIGKILL if it has not exited within `grace`.
    package func terminate(grace: Duration = .seconds(20)) async {
        self.signal(SIGTERM)
        if await self.waitForExit(timeout: grace) { return }
        await self.kill9()
    }

    /// SIGKILL, and waits for the exit.
    package func kill9() async {
        self.signal(SIGKILL)
        await self.waitForExit(timeout: .seconds(30))
    }

    /// Everything the process wrote so far.
    package func log() -> String {
        (try? String(contentsOf: self.logFile, encoding: .utf8)) ?? ""
    }

    /// The last `lines` lines of the log.
    package func logTail(_ lines: Int = 40) -> String {
        self.log().split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }
}
