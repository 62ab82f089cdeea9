//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// One test's world: a temporary folder, the processes it started, cleanup even on failure.
//
//===----------------------------------------------------------------------===//

import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Owns a test's temporary folder and every process started through it.
package final class Harness: Sendable {
    package let directory: TemporaryDirectory
    private let children = Mutex<[ChildProcess]>([])

    /// Creates the temporary folder.
    package init(name: String) throws {
        self.directory = try TemporaryDirectory(prefix: name)
    }

    private var track: @Sendable (ChildProcess) -> Void {
        { [weak self] child in self?.children.withLock { $0.append(child) } }
    }

    /// Initialises and starts a coordinator (port 0), optionally with a `serve --config` file and a data directory of
    /// the test's choosing (one on a small filesystem of its own, say); by default `<name>-data` in the test's folder.
    package func startCoordinator(
        name: String = "coordinator", configYAML: String? = nil, dataDirectory: URL? = nil, extraHostnames: [String] = [],
        listenHost: String = "127.0.0.1", consolePort: Int = 0
    ) async throws -> CoordinatorProcess {
        var configFile: URL?
        if let configYAML {
            let url = self.directory.child("\(name).yaml")
            try Data(configYAML.utf8).write(to: url)
            configFile = url
        }
        let coordinator = try await CoordinatorProcess(
            dataDirectory: dataDirectory ?? self.directory.child("\(name)-data"), logDirectory: self.directory.child("\(name)-logs"), configFile: configFile,
            extraHostnames: extraHostnames, onStart: self.track
        )
        coordinator.listenHost = listenHost
        coordinator.consolePort = consolePort
        try await coordinator.start()
        return coordinator
    }

    /// Starts a further coordinator of `original`'s deployment: copies of its keys (see
    /// ``CoordinatorProcess/init(sharingKeysOf:dataDirectory:logDirectory:configFile:onStart:)``) and `configYAML`
    /// (a `store:` naming the shared PostgreSQL), serving on a port of its own.
    package func startCoordinator(
        name: String, sharingKeysOf original: CoordinatorProcess, configYAML: String, consolePort: Int = 0
    ) async throws -> CoordinatorProcess {
        let url = self.directory.child("\(name).yaml")
        try Data(configYAML.utf8).write(to: url)
        let coordinator = try CoordinatorProcess(
            sharingKeysOf: original, dataDirectory: self.directory.child("\(name)-data"), logDirectory: self.directory.child("\(name)-logs"),
            configFile: url, onStart: self.track
        )
        coordinator.consolePort = consolePort
        try await coordinator.start()
        return coordinator
    }

    /// Creates an agent's folders and config (not enrolled, not started).
    package func makeAgent(name: String, options: AgentOptions = AgentOptions()) throws -> AgentProcess {
        try AgentProcess(name: name, root: self.directory.child("agent-\(name)"), options: options, onStart: self.track)
    }

    /// Creates, enrolls (provider/site) and starts an agent.
    package func startAgent(
        name: String, coordinator: CoordinatorProcess, provider: String, site: String, options: AgentOptions = AgentOptions()
    ) async throws -> AgentProcess {
        let agent = try self.makeAgent(name: name, options: options)
        try await agent.enroll(with: coordinator, provider: provider, site: site)
        try agent.start()
        return agent
    }

    /// Starts an arbitrary helper process (a proxy, …) that is killed with the rest.
    package func startProcess(name: String, executable: String, arguments: [String]) throws -> ChildProcess {
        let child = try ChildProcess(
            name: name, executable: executable, arguments: arguments, logFile: self.directory.child("\(name).log")
        )
        self.track(child)
        return child
    }

    /// Stops every process started through this harness: SIGTERM, then SIGKILL.
    package func stopAll() async {
        let children = self.children.withLock { $0 }
        for child in children where child.isRunning { child.signal(SIGTERM) }
        for child in children {
            if !(await child.waitForExit(timeout: .seconds(15))) { await child.kill9() }
        }
    }

    /// The log tails of every process, for a failure report.
    package func logReport() -> String {
        self.children.withLock { $0 }.map { "----- \($0.name) (\($0.logFile.path)) -----\n\($0.logTail(60))" }.joined(separator: "\n")
    }
}

/// Runs `body` with a fresh harness; every process it started is stopped afterwards, whether `body` succeeded,
/// failed or was cancelled. On failure the log tails are printed and the folder is kept for inspection.
package func withHarness(_ name: String, _ body: (Harness) async throws -> Void) async throws {
    let harness = try Harness(name: name)
    do {
        try await body(harness)
    } catch {
        print("[\(name)] failed: \(error)\nfolder kept: \(harness.directory.path)\n\(harness.logReport())")
        await harness.stopAll()
        throw error
    }
    await harness.stopAll()
    harness.directory.remove()
}
