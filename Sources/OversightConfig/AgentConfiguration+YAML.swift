//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Loading the agent configuration from YAML.
//
//===----------------------------------------------------------------------===//

internal import Foundation

extension AgentConfiguration {
    /// The keys accepted at the top of the agent configuration file.
    package static let topLevelKeys = [
        "data", "coordinator", "proxy", "batch", "heartbeat_interval", "reconnect", "outbox", "log_level", "log_format", "metrics", "redaction", "sources",
        "transcripts",
    ]

    /// Loads and validates an agent configuration file. Files it names (`proxy.password_file`) are read now.
    /// - Parameter path: The file, as the operator named it (errors show it this way).
    /// - Throws: ``ConfigError`` naming the file, line and key of the first problem.
    package static func load(file path: String) throws(ConfigError) -> AgentConfiguration {
        try AgentConfiguration(yaml: readConfigFile(path), file: path)
    }

    /// Parses and validates an agent configuration.
    /// - Parameters:
    ///   - yaml: The file's text.
    ///   - file: The file name to show in errors.
    /// - Throws: ``ConfigError`` naming the file, line and key of the first problem.
    package init(yaml: String, file: String) throws(ConfigError) {
        let root = try ConfigNode.parse(yaml: yaml, file: file)
        try root.rejectUnknownKeys(allowed: Self.topLevelKeys)

        let sourcesNode = try root.required("sources")
        var sources: [SourceConfiguration] = []
        var names: Set<String> = []
        for item in try sourcesNode.items() {
            let source = try SourceConfiguration(node: item)
            guard names.insert(source.name).inserted else {
                throw try item.required("name").error("source name '\(source.name)' is used twice; names must be unique")
            }
            sources.append(source)
        }
        guard !sources.isEmpty else { throw sourcesNode.error(.missingKey, "expected at least one source") }
        self.init(sources: sources)

        if let data = try root.optional("data") { self.dataDirectory = try data.string() }
        if let coordinator = try root.optional("coordinator") {
            guard let endpoint = HostAndPort(parsing: try coordinator.string(maxLength: 300)) else {
                throw coordinator.invalid(expected: "host:port with a port from 1 to 65535, such as coordinator.example:7443")
            }
            self.coordinator = endpoint
        }
        if let proxy = try root.optional("proxy") { self.proxy = try Self.proxy(proxy) }
        if let batch = try root.optional("batch") {
            try batch.rejectUnknownKeys(allowed: ["max_records", "max_age", "in_flight"])
            if let value = try batch.optional("max_records") { self.batch.maxRecords = try value.int(in: 1...5_000) }
            if let value = try batch.optional("max_age") { self.batch.maxAge = try value.duration(in: .milliseconds(10) ... .seconds(600)) }
            if let value = try batch.optional("in_flight") { self.batch.inFlight = try value.int(in: 1...64) }
        }
        if let value = try root.optional("heartbeat_interval") {
            self.heartbeatInterval = try value.duration(in: .seconds(1) ... .seconds(600))
        }
        if let reconnect = try root.optional("reconnect") {
            try reconnect.rejectUnknownKeys(allowed: ["initial_backoff", "max_backoff"])
            if let value = try reconnect.optional("initial_backoff") {
                self.reconnect.initialBackoff = try value.duration(in: .milliseconds(10) ... .seconds(600))
            }
            if let value = try reconnect.optional("max_backoff") {
                self.reconnect.maxBackoff = try value.duration(in: .milliseconds(10) ... .seconds(3_600))
            }
            if self.reconnect.maxBackoff < self.reconnect.initialBackoff {
                let node = try reconnect.optional("max_backoff") ?? reconnect
                throw node.error(
                    "max_backoff (\(ConfigUnits.format(duration: self.reconnect.maxBackoff))) must be at least initial_backoff "
                        + "(\(ConfigUnits.format(duration: self.reconnect.initialBackoff)))"
                )
            }
        }
        if let outbox = try root.optional("outbox") {
            try outbox.rejectUnknownKeys(allowed: ["max_bytes"])
            if let value = try outbox.optional("max_bytes") { self.outbox.maxBytes = try value.byteSize(in: (1 << 20)...(1 << 40)) }
        }
        if let value = try root.optional("log_level") { self.logLevel = try value.choice(LogLevel.self) }
        if let value = try root.optional("log_format") { self.logFormat = try value.choice(LogFormat.self) }
        if let metrics = try root.optional("metrics") {
            try metrics.rejectUnknownKeys(allowed: ["textfile", "interval"])
            if let value = try metrics.optional("textfile") {
                let path = try value.string(maxLength: 1000)
                guard path.hasPrefix("/"), path.hasSuffix(".prom") else {
                    throw value.invalid(expected: "an absolute path ending in .prom (node-exporter reads only *.prom files)")
                }
                self.metrics.textfile = path
            }
            if let value = try metrics.optional("interval") { self.metrics.interval = try value.duration(in: .seconds(1) ... .seconds(3600)) }
        }
        if let redaction = try root.optional("redaction") { self.redaction = try RedactionConfiguration(node: redaction) }
        if let transcripts = try root.optional("transcripts") {
            try transcripts.rejectUnknownKeys(allowed: ["folder", "command", "format", "timeout", "max_bytes"])
            var configuration: Transcripts
            if let commandNode = try transcripts.optional("command") {
                if try transcripts.optional("folder") != nil {
                    throw commandNode.invalid(expected: "either folder or command, not both")
                }
                let command = try commandNode.stringList(maxLength: 1000)
                guard let program = command.first, program.hasPrefix("/"), command.count <= 32 else {
                    throw commandNode.invalid(expected: "a list of at most 32 arguments whose first is the program's absolute path")
                }
                configuration = Transcripts(command: command)
                if let formatNode = try transcripts.optional("format") {
                    let format = try formatNode.string(maxLength: 16)
                    guard ["text", "email", "chat"].contains(format) else { throw formatNode.invalid(expected: "text, email or chat") }
                    configuration.commandFormat = format
                }
                if let value = try transcripts.optional("timeout") { configuration.timeout = try value.duration(in: .seconds(1) ... .seconds(120)) }
            } else {
                let folderNode = try transcripts.required("folder")
                let folder = try folderNode.string(maxLength: 1000)
                guard folder.hasPrefix("/") else { throw folderNode.invalid(expected: "an absolute folder path") }
                for key in ["format", "timeout"] {
                    if let node = try transcripts.optional(key) { throw node.invalid(expected: "\(key) only with command:") }
                }
                configuration = Transcripts(folder: folder)
            }
            if let value = try transcripts.optional("max_bytes") { configuration.maxBytes = Int64(try value.byteSize(in: 1024...(4 << 20))) }
            self.transcripts = configuration
        }
    }

    private static func proxy(_ node: ConfigNode) throws(ConfigError) -> Proxy {
        try node.rejectUnknownKeys(allowed: ["url", "username", "password_file"])
        let urlNode = try node.required("url")
        let url = try urlNode.string(maxLength: 300)
        let expectation = "an http:// URL with a host and a port, such as http://proxy.example:3128"
        guard url.lowercased().hasPrefix("http://") else { throw urlNode.invalid(expected: expectation) }
        var rest = url.dropFirst("http://".count)
        if rest.hasSuffix("/") { rest = rest.dropLast() }
        if rest.contains("@") {
            throw urlNode.error("the proxy URL must not carry credentials; use proxy.username and proxy.password_file")
        }
        guard let endpoint = HostAndPort(parsing: String(rest)) else { throw urlNode.invalid(expected: expectation) }
        var proxy = Proxy(host: endpoint.host, port: endpoint.port)
        if let username = try node.optional("username") { proxy.username = try username.string(maxLength: 256) }
        if let fileNode = try node.optional("password_file") {
            let path = try fileNode.string()
            let contents: String
            do {
                contents = try String(contentsOfFile: path, encoding: .utf8)
            } catch {
                throw fileNode.error(.unreadableFile, "cannot read the password file '\(path)': \(Self.reason(error))")
            }
            var password = Substring(contents)
            while password.last == "\n" || password.last == "\r\n" || password.last == "\r" { password.removeLast() }
            guard !password.isEmpty else { throw fileNode.error("the password file '\(path)' is empty") }
            proxy.password = String(password)
        }
        if proxy.password != nil, proxy.username == nil {
            throw node.error(.missingKey, "password_file is set but username is not")
        }
        return proxy
    }

    /// A short reason for a file-system error, without the file's contents.
    static func reason(_ error: any Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        if nsError.domain == NSCocoaErrorDomain {
            switch nsError.code {
            case NSFileReadNoSuchFileError: return "no such file"
            case NSFileReadNoPermissionError: return "permission denied"
            case NSFileReadInapplicableStringEncodingError: return "not UTF-8 text"
            default: break
            }
        }
        return "error \(nsError.code)"
    }
}

/// Reads a configuration file as UTF-8 text.
func readConfigFile(_ path: String) throws(ConfigError) -> String {
    do {
        return try String(contentsOfFile: path, encoding: .utf8)
    } catch {
        throw ConfigError(code: .unreadableFile, file: path, message: "cannot read the configuration file: \(AgentConfiguration.reason(error))")
    }
}
