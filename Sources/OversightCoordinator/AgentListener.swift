//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The TLS listener for agents: paces handshakes, verifies client certificates, runs one session per connection.
//
//===----------------------------------------------------------------------===//

import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import OversightModel
import OversightStore
import OversightWire
import ServiceLifecycle
import Synchronization

/// Accepts agent connections until graceful shutdown; then stops accepting, lets every session answer the
/// message it is processing, and closes.
package final class AgentListener: Service {
    package let configuration: ListenerConfiguration
    /// The key material in force (reloaded by ``TrustWatcher`` when a rotation step changes the files).
    package let trust: ListenerTrust
    /// The data directory the key material is reloaded from; `nil` keeps the material given at start.
    let paths: CoordinatorPaths?
    /// The key material in force now.
    var identity: CoordinatorIdentity { self.trust.snapshot.identity }
    let store: any IngestStore
    let logger: Logger
    let group: any EventLoopGroup
    let onBound: @Sendable (SocketAddress) -> Void

    /// Live connections.
    package let registry = ConnectionRegistry()
    /// Revoked agents, refreshed from the store.
    package let revocations = RevocationList()
    /// Refusals by kind.
    package let counters = SecurityCounters()
    /// Agents whose clocks are off, from their heartbeats.
    package let clockSkew = ClockSkewWatch()
    /// Each provider's seed commitments, computed again only when a minute has passed or its plan or the sampling
    /// secret changed (every session asks every 5 s; a `stat` of two files is all a fresh answer costs).
    let seedCache = Mutex<[String: (at: ContinuousClock.Instant, files: [String], seeds: [SampleSeedsCommand.PeriodSeed]?)]>([:])

    /// The seed commitments of `provider`'s current and next periods (``SeedAnnouncement``), from the cache when fresh.
    func seedCommitments(provider: String) throws -> [SampleSeedsCommand.PeriodSeed]? {
        guard let directory = self.paths?.directory else { return nil }
        let now = ContinuousClock.now
        let files = Self.signature(of: ["\(directory)/sampling/\(provider).sampling.yaml", "\(directory)/sampling-secret"])
        if let cached = self.seedCache.withLock({ $0[provider] }), now - cached.at < .seconds(60), cached.files == files { return cached.seeds }
        let seeds = try SeedAnnouncement.commitments(provider: provider, dataDirectory: directory, now: Date())
        // Signed after computing: a secret made by this computation counts as the one the commitments come from.
        let after = Self.signature(of: ["\(directory)/sampling/\(provider).sampling.yaml", "\(directory)/sampling-secret"])
        self.seedCache.withLock { $0[provider] = (now, after, seeds) }
        return seeds
    }

    /// Told about every ticket a committed batch changed (the SLA engine's feed).
    package let ticketObserver: (@Sendable ([TicketRecord]) async -> Void)?
    /// Told about every security event (kind, agent if known, peer address, detail) — the alerts' feed.
    package let securityObserver: (@Sendable (String, AgentRow?, String, String) async -> Void)?

    let handshakeBucket: TokenBucket
    let enrollmentBucket: TokenBucket
    /// Enrollment attempts per source address (checked before ``enrollmentBucket``).
    let enrollmentPacer: AddressPacer

    /// Creates a listener.
    /// - Parameters:
    ///   - configuration: listener settings.
    ///   - identity: the coordinator's CA, server certificate and signing key.
    ///   - store: where batches are committed.
    ///   - logger: the listener's logger.
    ///   - onBound: called with the bound address (tests bind port 0).
    package init(
        configuration: ListenerConfiguration, identity: CoordinatorIdentity, store: any IngestStore, logger: Logger,
        paths: CoordinatorPaths? = nil, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        ticketObserver: (@Sendable ([TicketRecord]) async -> Void)? = nil,
        securityObserver: (@Sendable (String, AgentRow?, String, String) async -> Void)? = nil,
        onBound: @escaping @Sendable (SocketAddress) -> Void = { _ in }
    ) {
        self.ticketObserver = ticketObserver
        self.securityObserver = securityObserver
        self.configuration = configuration
        self.trust = ListenerTrust(identity: identity)
        self.paths = paths
        self.store = store
        self.logger = logger
        self.group = group
        self.onBound = onBound
        self.handshakeBucket = TokenBucket(
            rate: configuration.handshakeRate, burst: configuration.handshakeBurst, maxWait: configuration.handshakeMaxQueueWait
        )
        self.enrollmentBucket = TokenBucket(
            rate: configuration.enrollmentRate, burst: configuration.enrollmentBurst, maxWait: configuration.handshakeMaxQueueWait
        )
        self.enrollmentPacer = AddressPacer(rate: configuration.enrollmentAddressRate, burst: configuration.enrollmentAddressBurst)
    }

    struct Accepted: Sendable {
        var channel: FrameChannel
        var peer: ConnectionPeer
        var address: String
        /// The peer's IP address without the port: what enrollment pacing counts by.
        var host: String
        /// Fingerprint of the CA whose server certificate this connection presented.
        var serverCA: String
    }

    package func run() async throws {
        _ = self.revocations.replace(with: try await self.store.revokedAgentIds())
        let revocations = self.revocations
        try self.trust.install(self.identity) { revocations.contains($0) }
        let trust = self.trust
        let configuration = self.configuration
        let bucket = self.handshakeBucket
        let counters = self.counters
        let logger = self.logger

        let server = try await ServerBootstrap(group: self.group)
            .serverChannelOption(.backlog, value: 4096)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.so_keepalive), value: 1)
            .bind(host: configuration.host, port: configuration.port) { (channel: any NIOCore.Channel) -> EventLoopFuture<Accepted> in
                let address = channel.remoteAddress?.description ?? "unknown"
                guard let delay = bucket.reserve() else {
                    counters.increment("handshake_refused")
                    CoordinatorInstruments.connectionRefused("handshake_queue_full")
                    logger.warning("refusing connection: handshake queue full", metadata: [LogKey.peer: "\(address)"])
                    return channel.eventLoop.makeFailedFuture(ChannelError.ioOnClosedChannel)
                }
                let setup: @Sendable () throws -> Accepted = {
                    let peer = ConnectionPeer()
                    let current = trust.snapshot
                    guard let context = current.context, let verifier = current.verifier else { throw ChannelError.ioOnClosedChannel }
                    let sync = channel.pipeline.syncOperations
                    try sync.addHandler(IdleStateHandler(readTimeout: .nanoseconds(configuration.idleTimeout.nanosecondsInt64)))
                    try sync.addHandler(IdleCloseHandler())
                    try sync.addHandler(NIOSSLServerHandler(context: context, customVerificationCallback: verifier.callback(peer: peer)))
                    try sync.addHandler(HandshakeMetricsHandler())
                    try sync.addHandler(ByteToMessageHandler(FrameDecoder(maxFrameBytes: configuration.maxFrameBytes)))
                    try sync.addHandler(MessageToByteHandler(FrameEncoder()))
                    return Accepted(
                        channel: try FrameChannel(wrappingChannelSynchronously: channel), peer: peer, address: address,
                        host: channel.remoteAddress?.ipAddress ?? address, serverCA: current.identity.authority.fingerprint
                    )
                }
                if delay == .zero {
                    return channel.eventLoop.makeCompletedFuture(withResultOf: setup)
                }
                return channel.eventLoop.scheduleTask(in: .nanoseconds(delay.nanosecondsInt64), setup).futureResult
            }
        if let address = server.channel.localAddress { self.onBound(address) }
        self.logger.info("listening for agents", metadata: ["oversight.listen.address": "\(server.channel.localAddress?.description ?? "?")"])

        let registry = self.registry
        try await withGracefulShutdownHandler {
            try await server.executeThenClose { inbound in
                try await withThrowingDiscardingTaskGroup { group in
                    for try await accepted in inbound {
                        group.addTask {
                            let session = AgentSession(listener: self, accepted: accepted)
                            await session.run()
                        }
                    }
                }
            }
        } onGracefulShutdown: {
            logger.info("shutting down: no new connections; answering in-flight batches")
            server.channel.close(promise: nil)
            registry.shutDown()
        }
        self.logger.info("agent listener stopped")
    }

    /// Picks up revocations made by other processes (`agents revoke`) and drops the revoked agents' connections.
    package func watchRevocations() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                let ids = try await self.store.revokedAgentIds()
                for id in self.revocations.replace(with: ids) {
                    let farewell = try? MessageCodec.frame(
                        CoordinatorMessage.error(.init(code: .revoked, message: "agent \(id) was revoked; enroll it again to reconnect", fatal: true))
                    )
                    if self.registry.close(agentId: id, sending: farewell) {
                        self.logger.notice("revoked agent disconnected", metadata: [LogKey.agentId: "\(id)"])
                    }
                }
            } catch {
                self.logger.warning("cannot read revocations", metadata: [LogKey.error: "\(error)"])
            }
            try await Task.sleep(for: self.configuration.revocationPollInterval)
        }
    }

    /// Reloads the key material when a rotation step (another process: `ca rollover …`, `signing-key …`) changed its
    /// files; a half-done or broken step keeps what is in force and is retried on the next look.
    package func watchTrust() async throws {
        guard let paths = self.paths else { return }
        var seen = Self.signature(of: paths.trustFiles)
        var reported: String?
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            try await Task.sleep(for: self.configuration.trustPollInterval)
            let now = Self.signature(of: paths.trustFiles)
            guard now != seen else { continue }
            do {
                let identity = try CoordinatorIdentity.load(paths)
                let revocations = self.revocations
                try self.trust.install(identity) { revocations.contains($0) }
                seen = now
                reported = nil
                self.logger.notice(
                    "key material reloaded; agents are told what to trust as they next send",
                    metadata: [
                        "oversight.ca.current": "\(identity.authority.fingerprint)",
                        "oversight.ca.trusted": "\(identity.trustedCAFingerprints.joined(separator: ","))",
                        "oversight.command_keys": "\(identity.commandKeys.map(JWS.thumbprint(of:)).joined(separator: ","))",
                    ]
                )
            } catch {
                let message = "\(error)"
                if reported != message {
                    self.logger.warning("key material changed but cannot be loaded yet; keeping the one in force", metadata: [LogKey.error: "\(message)"])
                    reported = message
                }
            }
        }
    }

    /// Size and modification time of each file (`-` when missing): changes when a rotation step writes.
    static func signature(of files: [String]) -> [String] {
        files.map { path in
            var info = stat()
            guard stat(path, &info) == 0 else { return "-" }
            return "\(info.st_size):\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec):\(info.st_ino)"
        }
    }

    func securityEvent(_ kind: String, agentId: String?, address: String, detail: String) async {
        self.counters.increment(kind)
        var metadata: Logger.Metadata = [LogKey.securityKind: "\(kind)", LogKey.peer: "\(address)"]
        if let agentId { metadata[LogKey.agentId] = "\(agentId)" }
        self.logger.warning("security event: \(detail)", metadata: metadata)
        try? await self.store.recordSecurityEvent(
            SecurityEvent(at: Date(), agentId: agentId, address: address, kind: kind, detail: detail)
        )
        if let observer = self.securityObserver {
            let agent: AgentRow? = if let agentId { try? await self.store.agent(id: agentId) } else { nil }
            // The alert names the peer's host, not host and port: a flood of connections from one host is one alert
            // (updated on every repeat), not one per source port (the stored event keeps the port).
            await observer(kind, agent, Self.host(of: address), detail)
        }
    }

    /// `127.0.0.1` of NIO's `[IPv4]127.0.0.1/127.0.0.1:54321` (and `::1` of `[IPv6]::1/::1:54321`); anything else as is.
    static func host(of address: String) -> String {
        guard address.hasPrefix("["), let slash = address.firstIndex(of: "/"), let colon = address.lastIndex(of: ":"), colon > slash else {
            return address
        }
        return String(address[address.index(after: slash)..<colon])
    }
}

/// Runs the revocation watcher as its own service.
package struct RevocationWatcher: Service {
    let listener: AgentListener
    /// Creates the watcher for `listener`.
    package init(listener: AgentListener) { self.listener = listener }
    package func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                try await self.listener.watchRevocations()
            }
        } catch is CancellationError {
            return
        }
    }
}

/// Runs ``AgentListener/watchTrust()`` as its own service.
package struct TrustWatcher: Service {
    let listener: AgentListener
    /// Creates the watcher for `listener`.
    package init(listener: AgentListener) { self.listener = listener }
    package func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                try await self.listener.watchTrust()
            }
        } catch is CancellationError {
            return
        }
    }
}

/// The key material a listener uses for new connections and commands, swapped whole when it is reloaded.
package final class ListenerTrust: Sendable {
    struct Snapshot: Sendable {
        var identity: CoordinatorIdentity
        var context: NIOSSLContext?
        var verifier: AgentCertificateVerifier?
        /// Counts reloads: a session compares it to tell its agent about a change.
        var generation: Int
    }
    private let box: NIOLockedValueBox<Snapshot>

    init(identity: CoordinatorIdentity) {
        self.box = NIOLockedValueBox(Snapshot(identity: identity, context: nil, verifier: nil, generation: 0))
    }

    var snapshot: Snapshot { self.box.withLockedValue { $0 } }
    /// The number of reloads so far.
    package var generation: Int { self.box.withLockedValue { $0.generation } }

    /// Builds the TLS context and client verifier of `identity` and puts them in force.
    func install(_ identity: CoordinatorIdentity, isRevoked: @escaping @Sendable (String) -> Bool) throws {
        let context = try TLSSetup.serverContext(
            certificatePEM: identity.serverCertificatePEM, caPEM: identity.caPEM, keyPEM: identity.serverKeyPEM,
            clientRootsPEM: identity.trustedCAPEMs
        )
        let verifier = AgentCertificateVerifier(cas: identity.trustedCAs, isRevoked: isRevoked)
        self.box.withLockedValue {
            let generation = $0.context == nil ? $0.generation : $0.generation + 1
            $0 = Snapshot(identity: identity, context: context, verifier: verifier, generation: generation)
        }
    }
}

/// Closes a connection when the idle timer fires.
final class IdleCloseHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = NIOAny
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }
}
