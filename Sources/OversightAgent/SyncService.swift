//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Connects to the coordinator (reconnecting with backoff), lines the outbox up with the coordinator's chain,
// sends signed batches with a bounded number in flight, deletes them on acknowledgement, and heartbeats.
//
//===----------------------------------------------------------------------===//

import Crypto
import Foundation
import Logging
import NIOCore
import OversightConfig
import OversightModel
import OversightWire
import ServiceLifecycle
import Synchronization
import X509

/// Settings of the sync loop.
package struct SyncConfiguration: Sendable {
    package var host: String
    package var port: Int
    package var proxy: ProxyConfiguration?
    package var maxRecords: Int = 500
    package var maxAge: Duration = .seconds(2)
    package var inFlight: Int = 4
    package var heartbeatInterval: Duration = .seconds(30)
    package var initialBackoff: Duration = .seconds(1)
    package var maxBackoff: Duration = .seconds(60)
    package var version: String
    /// How often the loop looks for batches to seal and send.
    package var tick: Duration = .milliseconds(100)
    /// Where sample requests find interactions, and how they are redacted.
    package var transcripts: AgentConfiguration.Transcripts?
    package var redaction: RedactionConfiguration = .init()

    /// Creates settings.
    package init(host: String, port: Int, proxy: ProxyConfiguration?, version: String) {
        self.host = host
        self.port = port
        self.proxy = proxy
        self.version = version
    }
}

/// The agent's connection to the coordinator.
package struct SyncService: Service {
    let configuration: SyncConfiguration
    let paths: AgentPaths
    let outbox: Outbox
    let health: AgentHealth
    let logger: Logger

    /// Creates the service.
    package init(configuration: SyncConfiguration, paths: AgentPaths, outbox: Outbox, health: AgentHealth, logger: Logger) {
        self.configuration = configuration
        self.paths = paths
        self.outbox = outbox
        self.health = health
        self.logger = logger
    }

    package func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                var backoff = Backoff(initial: self.configuration.initialBackoff, maximum: self.configuration.maxBackoff)
                while !Task.isCancelled {
                    let started = ContinuousClock.now
                    do {
                        try await self.connectOnce()
                        try? await self.outbox.setState("connection", "disconnected at \(WireJSON.format(Date())): the coordinator closed the connection")
                    } catch is CancellationError {
                        throw CancellationError()
                    } catch {
                        let message = Self.describe(error)
                        self.logger.warning("connection to the coordinator failed", metadata: ["oversight.error": "\(message)"])
                        try? await self.outbox.setState("connection", "disconnected at \(WireJSON.format(Date())): \(message)")
                    }
                    backoff.connectionEnded(after: ContinuousClock.now - started)
                    let delay = backoff.next()
                    self.logger.info("reconnecting", metadata: ["oversight.backoff.seconds": "\(Double(delay.components.seconds) + Double(delay.components.attoseconds) / 1e18)"])
                    try await Task.sleep(for: delay)
                }
            }
        } catch is CancellationError {
            return
        }
    }

    /// How long a connection may go without the coordinator acknowledging what the agent sent (its heartbeats keep
    /// data flowing) before the agent gives it up as dead and reconnects: three heartbeat intervals, at least 3 s.
    package static func deadPeerTimeout(heartbeatInterval: Duration) -> TimeAmount {
        let (seconds, attoseconds) = heartbeatInterval.components
        let nanoseconds = seconds.multipliedReportingOverflow(by: 1_000_000_000).partialValue + attoseconds / 1_000_000_000
        return .nanoseconds(max(3_000_000_000, 3 * nanoseconds))
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? AgentError { return error.message }
        if let error = error as? WireError { return error.message }
        return "\(error)"
    }

    /// One connection: hello, welcome, rebase, then batches and heartbeats until it ends.
    func connectOnce() async throws {
        let credentials = try AgentCredentials.load(self.paths)
        let identity = AgentIdentity(agentId: credentials.identity.agentId, provider: credentials.identity.provider, site: credentials.identity.site)
        let trust = try AgentTrust(credentials: credentials)
        let nonce = CommandSigning.newNonce()
        let outcome = VerificationOutcome()
        let verifier = ServerCertificateVerifier(trust: .certificates(trust.cas))
        let context = try TLSSetup.clientContext(certificatePEM: credentials.certificatePEM, keyPEM: credentials.keyPEM)
        let channel = try await WireClient.connect(
            host: self.configuration.host, port: self.configuration.port, context: context,
            verification: verifier.callback(outcome: outcome), proxy: self.configuration.proxy, maxFrameBytes: 16 << 20,
            deadPeerTimeout: Self.deadPeerTimeout(heartbeatInterval: self.configuration.heartbeatInterval)
        )
        do {
            try await channel.executeThenClose { inbound, outbound in
                try await outbound.write(
                    try MessageCodec.frame(
                        AgentMessage.hello(.init(agentId: identity.agentId, version: self.configuration.version, trust: trust.report(nonce: nonce)))
                    )
                )
                var iterator = inbound.makeAsyncIterator()
                guard let first = try await iterator.next() else {
                    throw AgentError(.connection, "the coordinator closed the connection after the TLS handshake")
                }
                let welcome: CoordinatorMessage.Welcome
                switch try MessageCodec.decode(CoordinatorMessage.self, from: first) {
                case .welcome(let value): welcome = value
                case .error(let error): throw AgentError(.protocolError, "the coordinator refused the connection (\(error.code)): \(error.message)")
                case let other: throw AgentError(.protocolError, "expected welcome, got \(other.type)")
                }
                var commands = AgentCommands(trust: trust, nonce: nonce, identityFile: credentials.identity, outcome: outcome)
                try await self.session(
                    welcome: welcome, identity: identity, credentials: credentials, commands: &commands, iterator: &iterator, outbound: outbound,
                    channel: channel.channel
                )
            }
        } catch {
            if let problem = outcome.problem { throw AgentError(.untrustedCoordinator, problem) }
            if "\(error)".contains("handshake") || "\(error)".contains("CERTIFICATE") || "\(error)".contains("sslv3Alert") {
                throw AgentError(
                    .connection,
                    "TLS handshake failed (\(error)): the coordinator refused this agent's certificate; if the agent was revoked it must be enrolled again"
                )
            }
            throw error
        }
    }

    private func session(
        welcome: CoordinatorMessage.Welcome, identity: AgentIdentity, credentials: AgentCredentials, commands: inout AgentCommands,
        iterator: inout NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator, outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>,
        channel: any Channel
    ) async throws {
        let rebase = try await self.outbox.rebase(coordinatorSeq: welcome.lastSeq, coordinatorHash: welcome.lastHash, now: Date())
        switch rebase {
        case .inSync, .acknowledged:
            break
        case .resealed(let dropped, let seq):
            self.logger.notice(
                "outbox was behind the coordinator (restored from a snapshot?): unacknowledged records are sent again after the coordinator's last batch",
                metadata: ["oversight.batch.seq": "\(seq)", "oversight.batches.resealed": "\(dropped)"]
            )
        case .coordinatorBehind(let local, let remote):
            self.logger.error(
                "the coordinator's last batch is older than what it acknowledged to this agent: it was restored from a backup; batches \(remote + 1)...\(local) must come from that backup",
                metadata: ["oversight.batch.seq": "\(remote)"]
            )
        }
        let maxPayloadBytes = max(64 << 10, welcome.maxFrameBytes / 2)
        let maxRecords = min(self.configuration.maxRecords, welcome.maxRecordsPerBatch)
        if try await self.outbox.unsealIfOverLimits(maxRecords: maxRecords, maxPayloadBytes: maxPayloadBytes) > 0 {
            self.logger.notice("sealed batches exceeded the coordinator's limits; they are sealed again within them")
        }
        try await self.outbox.setState("connection", "connected since \(WireJSON.format(Date())) to \(self.configuration.host):\(self.configuration.port)")
        self.logger.info("connected to the coordinator", metadata: ["oversight.agent.id": "\(identity.agentId)", "oversight.batch.seq": "\(welcome.lastSeq)"])

        let stats = try await self.outbox.stats(now: Date())
        let nextToSend = SequenceBox(stats.lastAckedSeq + 1)
        let heartbeatEvery = min(self.configuration.heartbeatInterval, .seconds(max(1, welcome.heartbeatIntervalSeconds)))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                do {
                    try await self.sendLoop(
                        identity: identity, credentials: credentials, outbound: outbound, nextToSend: nextToSend, maxRecords: maxRecords,
                        maxPayloadBytes: maxPayloadBytes, heartbeatEvery: heartbeatEvery, certificateNotAfter: welcome.certificateNotAfter
                    )
                } catch is CancellationError {
                } catch {
                    self.logger.warning("sending stopped", metadata: ["oversight.error": "\(Self.describe(error))"])
                    channel.close(promise: nil)
                }
            }
            while let frame = try await iterator.next() {
                    switch try MessageCodec.decode(CoordinatorMessage.self, from: frame) {
                    case .ack(let ack):
                        if try await !self.outbox.acknowledge(seq: ack.seq, hash: ack.hash, now: Date()) {
                            self.logger.debug("acknowledgement for a batch no longer held", metadata: ["oversight.batch.seq": "\(ack.seq)"])
                        }
                    case .resend(let resend):
                        self.logger.notice("coordinator asked for a resend", metadata: ["oversight.batch.seq": "\(resend.fromSeq)", "oversight.reason": "\(resend.reason)"])
                        _ = try await self.outbox.rebase(coordinatorSeq: resend.fromSeq - 1, coordinatorHash: resend.lastHash, now: Date())
                        nextToSend.value = resend.fromSeq
                    case .renewed(let renewed):
                        let certificate = try Certificate(pemEncoded: renewed.certificate)
                        try AtomicFile.write(self.paths.clientCertificate, Data(renewed.certificate.utf8), mode: 0o644)
                        self.logger.notice("certificate renewed", metadata: ["oversight.certificate.not_after": "\(certificate.notValidAfter)"])
                    case .command(let jws):
                        let result = await self.command(jws, agentId: identity.agentId, commands: &commands, credentials: credentials)
                        try await outbound.write(try MessageCodec.frame(AgentMessage.commandResult(result.answer)))
                        if result.renew {
                            let key = try P256.Signing.PrivateKey(pemRepresentation: credentials.keyPEM)
                            try await outbound.write(try MessageCodec.frame(AgentMessage.renew(.init(csr: try CertificateAuthority.makeCSR(key: key)))))
                            self.logger.info("asked the coordinator to renew this agent's certificate from its new CA")
                        }
                    case .error(let error):
                        throw AgentError(.protocolError, "the coordinator reported \(error.code)\(error.seq.map { " for batch \($0)" } ?? ""): \(error.message)")
                    case .welcome, .enrolled:
                        throw AgentError(.protocolError, "unexpected message from the coordinator")
                    }
                }
            group.cancelAll()
            throw AgentError(.connection, "the coordinator closed the connection")
        }
    }

    /// Checks a coordinator command and carries it out; what to answer, and whether to renew the certificate now.
    func command(
        _ jws: FlattenedJWS, agentId: String, commands: inout AgentCommands, credentials: AgentCredentials
    ) async -> (answer: AgentMessage.CommandResult, renew: Bool) {
        let now = Date()
        switch CommandSigning.verify(jws, keys: commands.trust.keys, agentId: agentId, nonce: commands.nonce, now: now) {
        case .failure(let refusal):
            self.logger.warning("refused a command from the coordinator", metadata: ["oversight.command.id": "\(refusal.id)", "oversight.reason": "\(refusal.reason)"])
            return (.init(id: refusal.id, status: "refused", message: refusal.reason), false)
        case .success(let payload) where payload.kind == CommandPayload.sampleRequestKind:
            return (await self.sampleRequest(payload, credentials: credentials), false)
        case .success(let payload) where payload.kind == CommandPayload.sampleSeedsKind:
            return (await self.sampleSeeds(payload, credentials: credentials), false)
        case .success(let payload):
            guard let update = payload.trust else { return (.init(id: payload.id, status: "refused", message: "nothing to do"), false) }
            do {
                let trust = try await AgentTrust.checked(update, presentedChain: commands.outcome.presentedChain, now: now)
                commands.identityFile = try trust.save(paths: self.paths, identity: commands.identityFile)
                commands.trust = trust
                let report = trust.report(nonce: commands.nonce)
                self.logger.notice(
                    "the coordinator updated what this agent trusts",
                    metadata: [
                        "oversight.command.id": "\(payload.id)", "oversight.ca.trusted": "\(report.caFingerprints.joined(separator: ","))",
                        "oversight.command_keys": "\(report.coordinatorKeys.joined(separator: ","))",
                    ]
                )
                return (.init(id: payload.id, status: "applied", trust: report), update.renewCertificate)
            } catch {
                let reason = Self.describe(error)
                self.logger.warning("refused a trust update from the coordinator", metadata: ["oversight.command.id": "\(payload.id)", "oversight.reason": "\(reason)"])
                return (.init(id: payload.id, status: "refused", message: reason), false)
            }
        }
    }

    /// Takes a verified sample request once: the interactions it names, redacted (or reported missing), go into the
    /// outbox in one durable transaction with the request's id, so a request sent again is answered without reading
    /// anything twice.
    func sampleRequest(_ payload: CommandPayload, credentials: AgentCredentials) async -> AgentMessage.CommandResult {
        guard let sample = payload.sample else { return .init(id: payload.id, status: "refused", message: "a sample request without its sample") }
        guard sample.provider == credentials.identity.provider else {
            let reason = "the sample request is for provider \(sample.provider.prefix(64)), not this agent's"
            self.logger.warning("refused a command from the coordinator", metadata: ["oversight.command.id": "\(payload.id)", "oversight.reason": "\(reason)"])
            return .init(id: payload.id, status: "refused", message: reason)
        }
        let fingerprint = "sample-request:" + sample.requestId
        do {
            if try await self.outbox.isIngested(fingerprint: fingerprint) {
                return .init(id: payload.id, status: "applied", message: "request \(sample.requestId) was already taken")
            }
            if let announced = try await self.outbox.state(Self.seedKey(sample.period)), announced != sample.seedCommitment {
                let reason = "the request's seed commitment for \(sample.period) differs from the one head office announced before the period (\(announced.prefix(16))…): the sample may have been drawn with another seed"
                self.logger.error("refused a sample request", metadata: ["oversight.sample.request": "\(sample.requestId)", "oversight.reason": "\(reason)"])
                return .init(id: payload.id, status: "refused", message: reason)
            }
            let fetcher = TranscriptFetcher(configuration: self.configuration.transcripts, redaction: self.configuration.redaction)
            let records = fetcher.records(for: sample, site: sample.site, now: Date())
            let missing = records.filter { $0.status == .missing }.count
            try await self.outbox.append(
                records: records.map(Record.interaction), fingerprint: fingerprint, fileName: sample.requestId, source: "transcripts",
                path: self.configuration.transcripts?.folder ?? "-", rejected: missing, now: Date()
            )
            self.logger.notice(
                "sample request taken: interactions queued for the coordinator",
                metadata: [
                    "oversight.sample.request": "\(sample.requestId)", "oversight.sample.returned": "\(records.count - missing)",
                    "oversight.sample.missing": "\(missing)",
                ]
            )
            return .init(id: payload.id, status: "applied", message: "\(records.count - missing) returned, \(missing) missing")
        } catch {
            // Not taken (the outbox refused the write): refused now, the coordinator sends it again on the next connection.
            return .init(id: payload.id, status: "refused", message: "the request could not be stored: \(Self.describe(error))")
        }
    }

    /// The outbox state key of a period's announced seed commitment.
    static func seedKey(_ period: String) -> String { "sample-seed:" + period }

    /// Keeps the first commitment announced for each period; a different one for a period already announced is refused
    /// (and reported back): head office may not change a period's seed after publishing it.
    func sampleSeeds(_ payload: CommandPayload, credentials: AgentCredentials) async -> AgentMessage.CommandResult {
        guard let seeds = payload.seeds, seeds.provider == credentials.identity.provider else {
            return .init(id: payload.id, status: "refused", message: "the seed announcement is not for this agent's provider")
        }
        var conflicts: [String] = []
        var recorded: [String] = []
        do {
            for seed in seeds.seeds {
                if let known = try await self.outbox.state(Self.seedKey(seed.period)) {
                    if known != seed.seedCommitment { conflicts.append(seed.period) }
                } else {
                    try await self.outbox.setState(Self.seedKey(seed.period), seed.seedCommitment)
                    recorded.append(seed.period)
                }
            }
        } catch {
            return .init(id: payload.id, status: "refused", message: "the seed commitments could not be stored: \(Self.describe(error))")
        }
        if !recorded.isEmpty {
            self.logger.notice("recorded head office's seed commitments", metadata: ["oversight.sample.periods": "\(recorded.joined(separator: ","))"])
        }
        guard conflicts.isEmpty else {
            let reason = "head office announced another seed for \(conflicts.joined(separator: ", ")) than before; the first announcement is kept"
            self.logger.error("refused a seed announcement", metadata: ["oversight.reason": "\(reason)"])
            return .init(id: payload.id, status: "refused", message: reason)
        }
        return .init(id: payload.id, status: "applied", message: recorded.isEmpty ? "already recorded" : "recorded \(recorded.joined(separator: ", "))")
    }

    private func sendLoop(
        identity: AgentIdentity, credentials: AgentCredentials, outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>, nextToSend: SequenceBox,
        maxRecords: Int, maxPayloadBytes: Int, heartbeatEvery: Duration, certificateNotAfter: Date?
    ) async throws {
        var nextHeartbeat = ContinuousClock.now
        var renewalRequested = false
        var lastLook: (changes: UInt64, next: Int64)?
        while !Task.isCancelled {
            // Renew the client certificate once less than 30 days of it are left (checked on every tick, so a
            // connection that stays up for months renews too).
            if !renewalRequested, let notAfter = certificateNotAfter, notAfter.timeIntervalSinceNow < 30 * 86400 {
                let key = try P256.Signing.PrivateKey(pemRepresentation: credentials.keyPEM)
                try await outbound.write(try MessageCodec.frame(AgentMessage.renew(.init(csr: try CertificateAuthority.makeCSR(key: key)))))
                renewalRequested = true
                self.logger.info("asked the coordinator to renew this agent's certificate", metadata: ["oversight.certificate.not_after": "\(notAfter)"])
            }
            let sealedNow = try await self.outbox.sealDue(
                identity: identity, key: credentials.signingKey, maxRecords: maxRecords, maxAge: self.configuration.maxAge,
                maxSealed: self.configuration.inFlight * 2, now: Date(), maxPayloadBytes: maxPayloadBytes
            )
            // What to send changes only when a batch was sealed, the outbox changed (an acknowledgement, a rebase) or
            // the next seq moved (a resend): otherwise the last look still holds and the tick costs no database read.
            let changes = self.outbox.changeCount
            if sealedNow > 0 || lastLook?.changes != changes || lastLook?.next != nextToSend.value {
                // The full outbox figures are read only when a heartbeat carries them.
                let sendable = try await self.outbox.sendable(next: nextToSend.value, inFlight: self.configuration.inFlight)
                for batch in sendable.batches {
                    try await outbound.write(try MessageCodec.frame(AgentMessage.batch(batch.jws)))
                    nextToSend.value = batch.seq + 1
                }
                lastLook = (changes, nextToSend.value)
            }
            if ContinuousClock.now >= nextHeartbeat {
                let acked = try await self.outbox.stats(now: Date())
                let info = HeartbeatInfo(
                    version: self.configuration.version, outboxDepth: acked.depth, outboxBytes: acked.bytes,
                    oldestUnsentAgeSeconds: acked.oldestUnsentAgeSeconds, outboxFull: self.health.outboxFull,
                    lastSourceError: self.health.lastSourceError, lastAckedSeq: acked.lastAckedSeq, sentAt: Date()
                )
                try await outbound.write(try MessageCodec.frame(AgentMessage.heartbeat(info)))
                nextHeartbeat = ContinuousClock.now + heartbeatEvery
            }
            try await Task.sleep(for: self.configuration.tick)
        }
    }
}

/// A connection's command state: what the agent trusts now, the nonce its `hello` carried, and the accepted server
/// chain (a trust update must keep trusting it).
struct AgentCommands {
    var trust: AgentTrust
    let nonce: String
    var identityFile: AgentIdentityFile
    let outcome: VerificationOutcome
}

/// The next batch seq to send, shared by the reading and the sending side of a connection.
final class SequenceBox: Sendable {
    private let storage: Mutex<Int64>
    init(_ value: Int64) { self.storage = Mutex(value) }
    var value: Int64 {
        get { self.storage.withLock { $0 } }
        set { self.storage.withLock { $0 = newValue } }
    }
}
