//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Everything the agent's `run` command is configured with.
//
//===----------------------------------------------------------------------===//

/// The agent's configuration (`oversight-agent run --config FILE`); loaded by ``load(file:)``.
///
/// Every property has the default that applies when its key is absent; only `sources` must be given.
package struct AgentConfiguration: Sendable {
    /// An HTTP CONNECT proxy for networks that allow only proxied egress.
    package struct Proxy: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
        /// Proxy host name or address.
        package var host: String
        /// Proxy port.
        package var port: Int
        /// User name for `Proxy-Authorization: Basic`, if the proxy needs one.
        package var username: String?
        /// Password read from `password_file` at load time; never printed.
        package var password: String?

        /// Creates a proxy setting.
        /// - Parameters:
        ///   - host: Proxy host name or address.
        ///   - port: Proxy port.
        ///   - username: User name, if the proxy needs one.
        ///   - password: Password, if the proxy needs one.
        package init(host: String, port: Int, username: String? = nil, password: String? = nil) {
            self.host = host
            self.port = port
            self.username = username
            self.password = password
        }

        /// `http://host:port` with the user name, never the password.
        package var description: String {
            let endpoint = HostAndPort(host: self.host, port: self.port)
            let user = self.username.map { " (user \($0), password \(self.password == nil ? "none" : "set"))" } ?? ""
            return "http://\(endpoint)\(user)"
        }

        /// Same as ``description``: the password is never printed.
        package var debugDescription: String { self.description }
    }

    /// How records are grouped into signed batches.
    package struct Batch: Sendable {
        /// Most records in one batch (1–5000).
        package var maxRecords: Int = 500
        /// Longest a record waits for its batch to fill before the batch is sent anyway (10ms–10m).
        package var maxAge: Duration = .milliseconds(500)
        /// Batches sent before waiting for acknowledgements (1–64).
        package var inFlight: Int = 4

        /// Creates batch settings with the defaults.
        package init() {}
    }

    /// How the agent backs off between failed connection attempts.
    package struct Reconnect: Sendable {
        /// Wait after the first failure.
        package var initialBackoff: Duration = .seconds(1)
        /// Longest wait between attempts; at least ``initialBackoff``.
        package var maxBackoff: Duration = .seconds(60)

        /// Creates reconnect settings with the defaults.
        package init() {}
    }

    /// The durable outbox of records not yet acknowledged.
    package struct Outbox: Sendable {
        /// Most bytes the outbox may hold on disk (at least 1 MiB); sources pause while it is full.
        package var maxBytes: Int = 512 << 20

        /// Creates outbox settings with the defaults.
        package init() {}
    }

    /// The agent's metrics as a Prometheus node-exporter textfile (`metrics:`); off unless `textfile` is set.
    package struct Metrics: Sendable {
        /// The `.prom` file to write (atomically), e.g. in node-exporter's textfile collector folder.
        package var textfile: String?
        /// How often it is rewritten.
        package var interval: Duration = .seconds(15)

        /// Creates metrics settings with the defaults (off).
        package init() {}
    }

    /// The agent's data folder: enrolment keys and certificate, outbox, state.
    package var dataDirectory: String = "/var/lib/oversight/agent"
    /// The coordinator to dial; `nil` means the address stored at enrolment.
    package var coordinator: HostAndPort?
    /// The HTTP CONNECT proxy to dial through, if any.
    package var proxy: Proxy?
    /// Batching.
    package var batch: Batch = .init()
    /// How often the agent sends a heartbeat while connected (1s–10m).
    package var heartbeatInterval: Duration = .seconds(30)
    /// Backoff between connection attempts.
    package var reconnect: Reconnect = .init()
    /// Outbox limits.
    package var outbox: Outbox = .init()
    /// Least severe level logged.
    package var logLevel: LogLevel = .info
    /// How log events are written (`log_format`).
    package var logFormat: LogFormat = .text
    /// The node-exporter textfile (`metrics:`).
    package var metrics: Metrics = .init()
    /// Personal data removed from free text before it leaves the provider (`redaction:`); on by default.
    package var redaction: RedactionConfiguration = .init()
    /// The folders the agent reads; the file must name at least one.
    package var sources: [SourceConfiguration]
    /// Where head office's sample requests find interactions (`transcripts:`); without it every requested one is
    /// reported missing.
    package var transcripts: Transcripts?

    /// `transcripts:`: a folder of files named by ticket id (`ID.txt`, `ID.eml`, `ID.json`), or a command that prints one
    /// interaction for a ticket id.
    package struct Transcripts: Sendable, Hashable {
        /// The folder (empty when a command is configured instead).
        package var folder: String
        /// The command's argument vector (absolute program path first); `{ticket}` in an argument is replaced by the
        /// ticket id, which is appended as the last argument when no argument names it. Run without a shell.
        package var command: [String]?
        /// How the command's output reads: `text`, `email` or `chat` (JSON).
        package var commandFormat: String = "text"
        /// How long the command may run before it is stopped and the interaction reported missing.
        package var timeout: Duration = .seconds(10)
        /// Largest file read or command output taken; a larger one is reported missing (too large).
        package var maxBytes: Int64 = 256 * 1024
        /// Creates the folder setting.
        package init(folder: String) { self.folder = folder }
        /// Creates the command setting.
        package init(command: [String]) {
            self.folder = ""
            self.command = command
        }
    }

    /// Creates a configuration with defaults for everything but the sources.
    /// - Parameter sources: The folders the agent reads.
    package init(sources: [SourceConfiguration]) {
        self.sources = sources
    }
}
