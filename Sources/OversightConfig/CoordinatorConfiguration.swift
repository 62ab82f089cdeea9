//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Everything `oversight-coordinator serve` is configured with.
//
//===----------------------------------------------------------------------===//

/// The coordinator's configuration (`oversight-coordinator serve --config FILE`); loaded by ``load(file:)``.
///
/// Every key is optional; each property holds the default that applies when its key is absent.
package struct CoordinatorConfiguration: Sendable {
    /// Where the agent listener binds.
    package struct Listen: Sendable {
        /// Address to bind.
        package var host: String = "0.0.0.0"
        /// TCP port (1–65535).
        package var port: Int = 7443
        /// Creates listen settings with the defaults.
        package init() {}
    }

    /// Admission of new connections: a token bucket refilled at `rate` per second, holding at most `burst` tokens.
    package struct RateLimit: Sendable {
        /// Tokens added per second.
        package var rate: Int
        /// Most tokens the bucket holds (at least `rate`).
        package var burst: Int
        /// How long a connection may wait for a token before it is closed (handshakes only).
        package var maxQueueWait: Duration
        /// Creates a rate limit.
        /// - Parameters:
        ///   - rate: Tokens added per second.
        ///   - burst: Most tokens the bucket holds.
        ///   - maxQueueWait: How long a connection may wait for a token.
        package init(rate: Int, burst: Int, maxQueueWait: Duration = .zero) {
            self.rate = rate
            self.burst = burst
            self.maxQueueWait = maxQueueWait
        }
    }

    /// Limits on what agents may send and how many may connect.
    package struct Limits: Sendable {
        /// Largest frame accepted from an agent, in bytes (64KiB–64MiB).
        package var maxFrameBytes: Int = 4 << 20
        /// Most records in one batch (1–100000).
        package var maxRecordsPerBatch: Int = 5_000
        /// Time a new connection has to complete its hello (1s–5m).
        package var helloTimeout: Duration = .seconds(10)
        /// A connection that sends nothing this long is closed (5s–1h).
        package var idleTimeout: Duration = .seconds(120)
        /// Most agent connections open at once (1–1000000).
        package var maxConnections: Int = 20_000
        /// How far ahead of the coordinator's clock a record's timestamp may be (1m–24h); later ones are refused.
        package var maxClockSkew: Duration = .seconds(15 * 60)
        /// Failed enrollment attempts one source address may make at once (1–10000) before it is paced…
        package var enrollmentsPerAddressBurst: Int = 10
        /// …and how often it regains one (1s–1h).
        package var enrollmentsPerAddressEvery: Duration = .seconds(30)
        /// Creates limits with the defaults.
        package init() {}
    }

    /// Agent liveness.
    package struct Heartbeat: Sendable {
        /// Heartbeat interval asked of agents (1s–10m).
        package var interval: Duration = .seconds(30)
        /// An agent not heard from this long is shown offline; more than ``interval``.
        package var offlineAfter: Duration = .seconds(90)
        /// Creates heartbeat settings with the defaults.
        package init() {}
    }

    /// SQLite durability, as `PRAGMA synchronous`.
    package enum Synchronous: String, Sendable, CaseIterable {
        /// Every commit is synced: nothing acknowledged is lost, even on power loss.
        case full
        /// WAL commits are synced at checkpoints: a power loss may lose the last commits.
        case normal
    }

    /// The coordinator's certificate authority.
    package struct Certificates: Sendable {
        /// Validity of agent certificates issued at enrolment and renewal (1d–825d).
        package var agentValidity: Duration = .seconds(90 * 86_400)
        /// DNS names (or IP addresses) in the coordinator's server certificate.
        package var serverHostnames: [String] = ["localhost"]
        /// Creates certificate settings with the defaults.
        package init() {}
    }

    /// The coordinator's data folder: database, CA, keys.
    package var dataDirectory: String = "/var/lib/oversight/coordinator"
    /// Where the agent listener binds.
    package var listen: Listen = .init()
    /// New TLS connections admitted per second.
    package var handshakes: RateLimit = .init(rate: 200, burst: 400, maxQueueWait: .seconds(30))
    /// Enrolments admitted per second.
    package var enrollments: RateLimit = .init(rate: 5, burst: 20)
    /// Limits on agents' input.
    package var limits: Limits = .init()
    /// Agent liveness.
    package var heartbeat: Heartbeat = .init()
    /// SQLite durability (`store.synchronous`, also in ``store``).
    package var synchronous: Synchronous = .full
    /// The storage backend (`store:`).
    package var store: Store = .init()
    /// Certificate authority settings.
    package var certificates: Certificates = .init()
    /// Least severe level logged.
    package var logLevel: LogLevel = .info
    /// How log events are written (`log_format`).
    package var logFormat: LogFormat = .text
    /// Where alerts go (`alerts:`).
    package var alerts: Alerts = .init()
    /// Folder of `*.contract.yaml` files (`contracts:`); default `DATA/contracts`.
    package var contractsDirectory: String?
    /// Folder of `*.scorecard.yaml` files (`scorecards:`); default `DATA/scorecards`.
    package var scorecardsDirectory: String?
    /// How often contract aggregate targets are evaluated (`aggregates.evaluate_every`); default 30 s.
    package var aggregateInterval: Duration = .seconds(30)

    /// Creates a configuration with every default.
    package init() {}
}
