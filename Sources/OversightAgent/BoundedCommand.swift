//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Runs a configured program without a shell, with a time limit and a limit on what it prints.
//
//===----------------------------------------------------------------------===//

import Foundation

/// A child process run to completion within limits: its standard input is empty, its standard error discarded, its
/// environment only `PATH` and `LANG`.
enum BoundedCommand {
    /// How a run ended.
    enum Result: Sendable, Equatable {
        /// The program could not be started (missing, not executable).
        case failedToStart
        /// It ran past the time limit and was stopped (SIGTERM, then SIGKILL after a second).
        case timedOut
        /// It printed more than the limit and was stopped.
        case tooLarge
        /// It exited with `status` after printing `output`.
        case exited(status: Int32, output: Data)
    }

    /// What the reader thread collects, shared with the caller under a lock.
    private final class Output: @unchecked Sendable {
        private let lock = NSLock()
        private var data = Data()
        private var overflowed = false

        func append(_ chunk: Data, limit: Int) -> Bool {
            self.lock.lock()
            defer { self.lock.unlock() }
            self.data.append(chunk)
            if self.data.count > limit { self.overflowed = true }
            return !self.overflowed
        }

        var result: (Data, Bool) {
            self.lock.lock()
            defer { self.lock.unlock() }
            return (self.data, self.overflowed)
        }
    }

    /// Runs `arguments` (the program's absolute path first).
    static func run(_ arguments: [String], timeout: Duration, maxBytes: Int) -> Result {
        guard let program = arguments.first else { return .failedToStart }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = Array(arguments.dropFirst())
        process.environment = ["PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        do {
            try process.run()
        } catch {
            return .failedToStart
        }
        let output = Output()
        let drained = DispatchSemaphore(value: 0)
        let reader = pipe.fileHandleForReading
        DispatchQueue.global().async {
            while let chunk = try? reader.read(upToCount: 64 * 1024), !chunk.isEmpty {
                if !output.append(chunk, limit: maxBytes) { break }
            }
            drained.signal()
        }
        let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        let deadline = DispatchTime.now() + seconds
        var timedOut = false
        while exited.wait(timeout: .now() + 0.05) == .timedOut {
            if output.result.1 { break }
            if DispatchTime.now() >= deadline {
                timedOut = true
                break
            }
        }
        if process.isRunning {
            process.terminate()
            if exited.wait(timeout: .now() + 1) == .timedOut {
                kill(process.processIdentifier, SIGKILL)
                exited.wait()
            }
        }
        // The pipe reaches end of file once the child (and anything it started that kept the pipe) is gone.
        // A grandchild that kept the pipe open is left to finish on its own; its output is not waited for.
        _ = drained.wait(timeout: .now() + 2)
        let (data, overflowed) = output.result
        if overflowed { return .tooLarge }
        if timedOut { return .timedOut }
        return .exited(status: process.terminationStatus, output: data)
    }
}
