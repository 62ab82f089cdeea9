//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

import OversightModel

/// Settings of the agent listener (mapped from the coordinator's YAML by the executable).
package struct ListenerConfiguration: Sendable {
    /// Address to bind.
    package var host: String = "0.0.0.0"
    /// TLS port for agents.
    package var port: Int = 7443
    /// New TLS connections admitted per second, and the burst above that.
    package var handshakeRate: Double = 200
    package var handshakeBurst: Int = 400
    /// A connection that would wait longer than this for its handshake slot is refused.
    package var handshakeMaxQueueWait: Duration = .seconds(30)
    /// Enrollments admitted per second, and the burst.
    package var enrollmentRate: Double = 5
    package var enrollmentBurst: Int = 20
    /// Enrollment attempts one source address may make at once before it is paced (an attempt that enrolls an agent
    /// does not count), and how many it regains per second: 10 at once, then one every 30 seconds.
    package var enrollmentAddressBurst: Int = 10
    package var enrollmentAddressRate: Double = 1.0 / 30
    /// How far ahead of the coordinator's clock a record's timestamp may be (clock skew between the provider's
    /// systems and head office); a later one is refused as `bad_record`.
    package var maxClockSkew: Duration = RecordIntegrity.defaultMaxAhead
    /// Largest frame accepted.
    package var maxFrameBytes: Int = 4 * 1024 * 1024
    /// Most records in one batch.
    package var maxRecordsPerBatch: Int = 5000
    /// Time allowed from accepting a connection to its first message.
    package var helloTimeout: Duration = .seconds(10)
    /// A connection that sends nothing for this long is closed.
    package var idleTimeout: Duration = .seconds(120)
    /// Most connections open at once.
    package var maxConnections: Int = 20_000
    /// How often agents should heartbeat.
    package var heartbeatInterval: Duration = .seconds(30)
    /// An agent not heard from for this long is offline.
    package var offlineAfter: Duration = .seconds(90)
    /// Validity of issued agent certificates.
    package var agentCertificateValidity: Duration = .seconds(90 * 86400)
    /// How often revocations made by other processes are picked up.
    package var revocationPollInterval: Duration = .milliseconds(250)
    /// How often the key files are looked at for a rotation step made by another process.
    package var trustPollInterval: Duration = .seconds(1)
    /// Longest graceful shutdown before in-flight work is cancelled.
    package var shutdownGracePeriod: Duration = .seconds(10)

    /// Defaults.
    package init() {}
}

extension Duration {
    /// Whole seconds (rounded down) as a Double, for Foundation APIs.
    package var seconds: Double {
        Double(self.components.seconds) + Double(self.components.attoseconds) / 1e18
    }

    /// As an NIO `TimeAmount`.
    package var nanosecondsInt64: Int64 {
        self.components.seconds * 1_000_000_000 + self.components.attoseconds / 1_000_000_000
    }
}
