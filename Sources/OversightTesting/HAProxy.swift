//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// haproxy in front of several coordinators: TCP mode, TLS passed through, round robin, health checks.
//
//===----------------------------------------------------------------------===//

import Foundation

/// A running `haproxy` (Debian's package) with a configuration the test wrote: one TCP frontend on a free loopback
/// port, every coordinator a backend server with a TCP health check. TLS is not terminated: mutual TLS still ends at
/// a coordinator.
package struct HAProxy: Sendable {
    /// The process.
    package let process: ChildProcess
    /// The frontend's port on 127.0.0.1.
    package let port: Int
    /// The configuration file.
    package let configFile: URL

    /// `host:port` for agents.
    package var address: String { "127.0.0.1:\(self.port)" }

    /// Where haproxy is: `$OVERSIGHT_HAPROXY`, else `/usr/sbin/haproxy`; `nil` if it is not installed.
    package static var executable: String? {
        let path = ProcessInfo.processInfo.environment["OVERSIGHT_HAPROXY"] ?? "/usr/sbin/haproxy"
        return FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }

    /// The configuration for `backends` (`host:port` each), as `deploy/scale-out/haproxy.cfg` has it with test
    /// timings: checks every 500 ms, a server is down after 2 failed checks, and its sessions are shut when it is.
    package static func configuration(frontendPort: Int, backends: [String]) -> String {
        var text = """
            global
                maxconn 4096
                log stdout format raw local0 info

            defaults
                mode tcp
                log global
                option tcplog
                timeout connect 2s
                timeout client 5m
                timeout server 5m

            frontend agents
                bind 127.0.0.1:\(frontendPort)
                default_backend coordinators

            backend coordinators
                balance roundrobin
                default-server inter 500ms fall 2 rise 2 on-marked-down shutdown-sessions

            """
        for (index, backend) in backends.enumerated() {
            text += "    server coordinator\(index + 1) \(backend) check\n"
        }
        return text
    }

    /// Writes the configuration into `directory`, checks it (`haproxy -c`), starts haproxy in the foreground
    /// (`-db`) through `harness` (so it is stopped with the rest) and waits until its frontend accepts connections.
    package static func start(harness: Harness, backends: [String]) async throws -> HAProxy {
        guard let executable = Self.executable else { throw HarnessError("haproxy is not installed (apt-get install haproxy)") }
        let port = try freeLoopbackPort()
        let configFile = harness.directory.child("haproxy.cfg")
        try Data(Self.configuration(frontendPort: port, backends: backends).utf8).write(to: configFile)
        let check = try await runCommand(executable, ["-c", "-f", configFile.path])
        guard check.exitCode == 0 else { throw HarnessError("haproxy refused its configuration: \(check)") }
        let process = try harness.startProcess(name: "haproxy", executable: executable, arguments: ["-db", "-f", configFile.path])
        try await eventually("haproxy accepting on 127.0.0.1:\(port)", timeout: .seconds(20), interval: .milliseconds(100)) {
            guard process.isRunning else { throw ProcessExitedError("haproxy exited: \(process.logTail())") }
            return try await runCommand("/bin/bash", ["-c", "exec 3<>/dev/tcp/127.0.0.1/\(port)"]).exitCode == 0
        }
        return HAProxy(process: process, port: port, configFile: configFile)
    }
}
