//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Loading the coordinator configuration from YAML.
//
//===----------------------------------------------------------------------===//

extension CoordinatorConfiguration {
    /// The keys accepted at the top of the coordinator configuration file.
    package static let topLevelKeys = [
        "data", "listen", "handshakes", "enrollments", "limits", "heartbeat", "store", "certificates", "log_level", "log_format", "alerts", "contracts", "scorecards", "aggregates",
    ]

    /// Loads and validates a coordinator configuration file.
    /// - Parameter path: The file, as the operator named it (errors show it this way).
    /// - Throws: ``ConfigError`` naming the file, line and key of the first problem.
    package static func load(file path: String) throws(ConfigError) -> CoordinatorConfiguration {
        try CoordinatorConfiguration(yaml: readConfigFile(path), file: path)
    }

    /// Parses and validates a coordinator configuration.
    /// - Parameters:
    ///   - yaml: The file's text.
    ///   - file: The file name to show in errors.
    /// - Throws: ``ConfigError`` naming the file, line and key of the first problem.
    package init(yaml: String, file: String) throws(ConfigError) {
        let root = try ConfigNode.parse(yaml: yaml, file: file)
        try root.rejectUnknownKeys(allowed: Self.topLevelKeys)
        self.init()

        if let data = try root.optional("data") { self.dataDirectory = try data.string() }
        if let listen = try root.optional("listen") {
            try listen.rejectUnknownKeys(allowed: ["host", "port"])
            if let host = try listen.optional("host") { self.listen.host = try host.string(maxLength: 256) }
            if let port = try listen.optional("port") { self.listen.port = try port.int(in: 1...65_535) }
        }
        if let node = try root.optional("handshakes") {
            self.handshakes = try Self.rateLimit(node, default: self.handshakes, rates: 1...1_000_000, queueWait: true)
        }
        if let node = try root.optional("enrollments") {
            self.enrollments = try Self.rateLimit(node, default: self.enrollments, rates: 1...10_000, queueWait: false)
        }
        if let limits = try root.optional("limits") {
            try limits.rejectUnknownKeys(allowed: [
                "max_frame_bytes", "max_records_per_batch", "hello_timeout", "idle_timeout", "max_connections", "max_clock_skew",
                "enrollments_per_address_burst", "enrollments_per_address_every",
            ])
            if let value = try limits.optional("max_frame_bytes") { self.limits.maxFrameBytes = try value.byteSize(in: (64 << 10)...(64 << 20)) }
            if let value = try limits.optional("max_records_per_batch") { self.limits.maxRecordsPerBatch = try value.int(in: 1...100_000) }
            if let value = try limits.optional("hello_timeout") { self.limits.helloTimeout = try value.duration(in: .seconds(1) ... .seconds(300)) }
            if let value = try limits.optional("idle_timeout") { self.limits.idleTimeout = try value.duration(in: .seconds(5) ... .seconds(3_600)) }
            if let value = try limits.optional("max_connections") { self.limits.maxConnections = try value.int(in: 1...1_000_000) }
            if let value = try limits.optional("max_clock_skew") { self.limits.maxClockSkew = try value.duration(in: .seconds(60) ... .seconds(86_400)) }
            if let value = try limits.optional("enrollments_per_address_burst") { self.limits.enrollmentsPerAddressBurst = try value.int(in: 1...10_000) }
            if let value = try limits.optional("enrollments_per_address_every") {
                self.limits.enrollmentsPerAddressEvery = try value.duration(in: .seconds(1) ... .seconds(3_600))
            }
        }
        if let heartbeat = try root.optional("heartbeat") {
            try heartbeat.rejectUnknownKeys(allowed: ["interval", "offline_after"])
            if let value = try heartbeat.optional("interval") { self.heartbeat.interval = try value.duration(in: .seconds(1) ... .seconds(600)) }
            if let value = try heartbeat.optional("offline_after") {
                self.heartbeat.offlineAfter = try value.duration(in: .seconds(2) ... .seconds(86_400))
            }
            if self.heartbeat.offlineAfter <= self.heartbeat.interval {
                let node = try heartbeat.optional("offline_after") ?? heartbeat
                throw node.error(
                    "offline_after (\(ConfigUnits.format(duration: self.heartbeat.offlineAfter))) must be longer than interval "
                        + "(\(ConfigUnits.format(duration: self.heartbeat.interval)))"
                )
            }
        }
        if let store = try root.optional("store") {
            self.store = try Self.store(store)
            self.synchronous = self.store.synchronous
        }
        if let certificates = try root.optional("certificates") {
            try certificates.rejectUnknownKeys(allowed: ["agent_validity", "server_hostnames"])
            if let value = try certificates.optional("agent_validity") {
                self.certificates.agentValidity = try value.duration(in: .seconds(86_400) ... .seconds(825 * 86_400))
            }
            if let value = try certificates.optional("server_hostnames") {
                var names: [String] = []
                for item in try value.items() {
                    let name = try item.string(maxLength: 253)
                    guard !name.contains(where: { $0.isWhitespace || $0 == "/" || $0 == "@" }) else {
                        throw item.invalid(expected: "a DNS name or IP address")
                    }
                    names.append(name)
                }
                guard !names.isEmpty else { throw value.invalid(expected: "a list of at least one host name") }
                self.certificates.serverHostnames = names
            }
        }
        if let value = try root.optional("log_level") { self.logLevel = try value.choice(LogLevel.self) }
        if let value = try root.optional("log_format") { self.logFormat = try value.choice(LogFormat.self) }
        if let value = try root.optional("alerts") { self.alerts = try Self.alerts(value) }
        if let value = try root.optional("contracts") { self.contractsDirectory = try value.string() }
        if let value = try root.optional("scorecards") { self.scorecardsDirectory = try value.string() }
        if let aggregates = try root.optional("aggregates") {
            try aggregates.rejectUnknownKeys(allowed: ["evaluate_every"])
            if let value = try aggregates.optional("evaluate_every") {
                self.aggregateInterval = try value.duration(in: .seconds(1) ... .seconds(3600))
            }
        }
        if self.limits.idleTimeout <= self.heartbeat.interval {
            var node = root
            if let value = try root.optional("limits")?.optional("idle_timeout") {
                node = value
            } else if let value = try root.optional("heartbeat")?.optional("interval") {
                node = value
            }
            throw node.error(
                "limits.idle_timeout (\(ConfigUnits.format(duration: self.limits.idleTimeout))) must be longer than heartbeat.interval "
                    + "(\(ConfigUnits.format(duration: self.heartbeat.interval))), or idle agents are cut off"
            )
        }
    }

    private static func rateLimit(
        _ node: ConfigNode, default value: RateLimit, rates: ClosedRange<Int>, queueWait: Bool
    ) throws(ConfigError) -> RateLimit {
        try node.rejectUnknownKeys(allowed: queueWait ? ["rate", "burst", "max_queue_wait"] : ["rate", "burst"])
        var result = value
        if let rate = try node.optional("rate") { result.rate = try rate.int(in: rates) }
        if let burst = try node.optional("burst") { result.burst = try burst.int(in: 1...(rates.upperBound * 10)) }
        if queueWait, let wait = try node.optional("max_queue_wait") { result.maxQueueWait = try wait.duration(in: .zero ... .seconds(600)) }
        if result.burst < result.rate {
            throw (try node.optional("burst") ?? node).error("burst (\(result.burst)) must be at least rate (\(result.rate))")
        }
        return result
    }
}
