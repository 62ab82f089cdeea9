//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// One agent connection: enrollment (no client certificate) or hello → batches and heartbeats (mutual TLS).
//
//===----------------------------------------------------------------------===//

import Crypto
import Foundation
import Logging
import NIOCore
import NIOSSL
import OversightModel
import OversightStore
import OversightWire
import Synchronization
import X509

/// Why a session ends: the code and message sent to the agent before closing.
struct SessionEnd: Error {
    var code: ProtocolErrorCode
    var message: String
    var seq: Int64?
    /// Counted and stored as a security event of this kind, if set.
    var securityKind: String?
}

struct AgentSession {
    let listener: AgentListener
    let accepted: AgentListener.Accepted
    var logger: Logger

    init(listener: AgentListener, accepted: AgentListener.Accepted) {
        self.listener = listener
        self.accepted = accepted
        var logger = listener.logger
        logger[metadataKey: LogKey.peer] = "\(accepted.address)"
        self.logger = logger
    }

    func run() async {
        let channel = self.accepted.channel.channel
        let handle = SessionHandle(channel: channel)
        guard self.listener.registry.add(handle) else {
            channel.close(promise: nil)
            return
        }
        let agentId = Mutex<String?>(nil)
        defer { self.listener.registry.remove(handle, agentId: agentId.withLock { $0 }) }
        if self.listener.registry.count > self.listener.configuration.maxConnections {
            self.listener.counters.increment("connection_limit")
            CoordinatorInstruments.connectionRefused("connection_limit")
            self.logger.warning("refusing connection: \(self.listener.configuration.maxConnections) connections open")
            channel.close(promise: nil)
            return
        }

        let timedOut = Mutex(false)
        let helloTimer = channel.eventLoop.scheduleTask(in: .nanoseconds(self.listener.configuration.helloTimeout.nanosecondsInt64)) {
            timedOut.withLock { $0 = true }
            channel.close(promise: nil)
        }
        do {
            try await self.accepted.channel.executeThenClose { inbound, outbound in
                var iterator = inbound.makeAsyncIterator()
                let first: ByteBuffer?
                do {
                    first = try await iterator.next()
                } catch {
                    helloTimer.cancel()
                    try await self.reportReadError(error, outbound: outbound, agentId: nil, timedOut: timedOut.withLock { $0 })
                    return
                }
                helloTimer.cancel()
                guard let first else {
                    if timedOut.withLock({ $0 }) {
                        await self.listener.securityEvent(
                            "timeout", agentId: nil, address: self.accepted.address,
                            detail: "closed a connection that sent nothing within \(self.listener.configuration.helloTimeout)"
                        )
                    }
                    return
                }
                do {
                    guard let identity = self.accepted.peer.identity else {
                        // Without a client certificate only enrollment is allowed: anything else (however malformed)
                        // is answered certificate_required; a malformed enroll gets bad_message.
                        guard Self.claimsEnroll(first) else {
                            throw SessionEnd(
                                code: .certificateRequired,
                                message: "this connection has no client certificate: only enrollment is allowed; enroll the agent first",
                                securityKind: "no_client_certificate"
                            )
                        }
                        guard case .enroll(let request) = try MessageCodec.decode(AgentMessage.self, from: first) else {
                            throw SessionEnd(code: .badMessage, message: "malformed enroll message", securityKind: "bad_message")
                        }
                        let answer = await self.enroll(request)
                        try await outbound.write(try MessageCodec.frame(answer))
                        return
                    }
                    let message = try MessageCodec.decode(AgentMessage.self, from: first)
                    agentId.withLock { $0 = identity.agentId }
                    guard case .hello(let hello) = message else {
                        throw SessionEnd(code: .helloRequired, message: "the first message must be hello")
                    }
                    try await self.serve(hello: hello, identity: identity, handle: handle, iterator: &iterator, outbound: outbound)
                } catch let end as SessionEnd {
                    try await self.end(end, outbound: outbound, agentId: agentId.withLock { $0 })
                } catch let error as WireError {
                    try await self.end(
                        SessionEnd(code: .badMessage, message: error.message, securityKind: "bad_message"),
                        outbound: outbound, agentId: agentId.withLock { $0 }
                    )
                }
            }
        } catch {
            self.logConnectionError(error)
        }
        if let id = agentId.withLock({ $0 }), !self.listener.registry.isConnected(agentId: id) {
            try? await self.listener.store.setConnected(agentId: id, connected: false, now: Date())
        }
    }

    // MARK: Enrolled agents

    private func serve(
        hello: AgentMessage.Hello, identity: AgentIdentity, handle: SessionHandle,
        iterator: inout NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator, outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    ) async throws {
        var logger = self.logger
        logger[metadataKey: LogKey.agentId] = "\(identity.agentId)"
        guard hello.protocol == oversightProtocolVersion else {
            throw SessionEnd(code: .unsupportedProtocol, message: "protocol \(hello.protocol) is not supported; this coordinator speaks \(oversightProtocolVersion)")
        }
        guard hello.agentId == identity.agentId else {
            throw SessionEnd(code: .kidMismatch, message: "hello names another agent than the certificate", securityKind: "identity_mismatch")
        }
        if let trust = hello.trust {
            guard trust.caFingerprints.count <= 16, trust.coordinatorKeys.count <= 16, (16...64).contains(trust.nonce.utf8.count),
                (trust.caFingerprints + trust.coordinatorKeys).allSatisfy({ $0.utf8.count <= 100 })
            else {
                throw SessionEnd(code: .badMessage, message: "hello.trust: at most 16 fingerprints and keys of up to 100 bytes, and a nonce of 16 to 64 bytes")
            }
        }
        guard let agent = try await self.listener.store.agent(id: identity.agentId) else {
            throw SessionEnd(code: .unknownAgent, message: "agent \(identity.agentId) is not enrolled here", securityKind: "unknown_agent")
        }
        if agent.revokedAt != nil {
            throw SessionEnd(code: .revoked, message: "agent \(identity.agentId) is revoked", securityKind: "revoked")
        }
        let signingKey = try JWS.publicKey(of: PublicJWK(x: agent.signingKey))
        if let previous = self.listener.registry.bind(agentId: identity.agentId, to: handle) {
            logger.info("agent reconnected; closing its previous connection")
            previous.closeNow()
        }
        try await self.listener.store.setConnected(agentId: identity.agentId, connected: true, now: Date())
        let configuration = self.listener.configuration
        let welcome = CoordinatorMessage.Welcome(
            agentId: agent.id, provider: agent.provider, site: agent.site, lastSeq: agent.lastSeq, lastHash: agent.lastHash,
            serverTime: Date(), maxFrameBytes: configuration.maxFrameBytes, maxRecordsPerBatch: configuration.maxRecordsPerBatch,
            heartbeatIntervalSeconds: Int(configuration.heartbeatInterval.components.seconds),
            certificateNotAfter: self.accepted.peer.certificateNotAfter
        )
        try await outbound.write(try MessageCodec.frame(CoordinatorMessage.welcome(welcome)))
        logger.info("agent connected", metadata: ["oversight.agent.version": "\(hello.version)", LogKey.seq: "\(agent.lastSeq)"])
        var commands = SessionCommands(report: hello.trust, certificateIssuer: self.accepted.peer.certificateIssuer)
        do {
            try await self.listener.store.recordAgentTrust(
                agentId: agent.id, report: hello.trust, certificateIssuer: commands.certificateIssuer, now: Date()
            )
        } catch {
            logger.warning("cannot record what the agent trusts", metadata: [LogKey.error: "\(error)"])
        }
        try await self.sendTrustUpdateIfDue(&commands, agent: agent, outbound: outbound, logger: logger)

        var sequencer = BatchSequencer()
        while true {
            let frame: ByteBuffer?
            do {
                frame = try await iterator.next()
            } catch {
                try await self.reportReadError(error, outbound: outbound, agentId: identity.agentId, timedOut: false)
                return
            }
            guard let frame else { break }
            guard handle.beginProcessing() else { break }
            let reply: CoordinatorMessage?
            do {
                let message = try MessageCodec.decode(AgentMessage.self, from: frame)
                if case .commandResult(let result) = message {
                    try await self.commandResult(result, commands: &commands, agent: agent, logger: logger)
                    reply = nil
                } else {
                    reply = try await self.handle(
                        message, agent: agent, signingKey: signingKey, sequencer: &sequencer, commands: &commands, logger: logger
                    )
                }
            } catch {
                _ = handle.endProcessing()
                throw error
            }
            if let reply { try await outbound.write(try MessageCodec.frame(reply)) }
            try await self.sendTrustUpdateIfDue(&commands, agent: agent, outbound: outbound, logger: logger)
            if handle.endProcessing() {
                try? await outbound.write(
                    try MessageCodec.frame(
                        CoordinatorMessage.error(.init(code: .shuttingDown, message: "coordinator is shutting down; reconnect later", fatal: true))
                    )
                )
                break
            }
        }
        logger.info("agent disconnected")
    }

    private func handle(
        _ message: AgentMessage, agent: AgentRow, signingKey: Curve25519.Signing.PublicKey, sequencer: inout BatchSequencer,
        commands: inout SessionCommands, logger: Logger
    ) async throws -> CoordinatorMessage? {
        switch message {
        case .batch(let jws):
            do {
                return try await self.batch(jws, agent: agent, signingKey: signingKey, sequencer: &sequencer, logger: logger)
            } catch let end as SessionEnd {
                CoordinatorInstruments.batchRejected(code: end.code.rawValue)
                throw end
            }
        case .heartbeat(let info):
            let receivedAt = Date()
            try await self.listener.store.recordHeartbeat(agentId: agent.id, info: info, now: receivedAt)
            if let skew = self.listener.clockSkew.check(agentId: agent.id, sentAt: info.sentAt, receivedAt: receivedAt) {
                await self.listener.securityEvent(
                    "clock_skew", agentId: agent.id, address: self.accepted.address,
                    detail: ClockSkewWatch.describe(skew: skew, sentAt: info.sentAt, receivedAt: receivedAt)
                )
            }
            return nil
        case .renew(let request):
            let authority = self.listener.identity.issuingAuthority
            let certificate = try self.issue(
                csr: request.csr, identity: AgentIdentity(agentId: agent.id, provider: agent.provider, site: agent.site), authority: authority
            )
            try await self.listener.store.updateCertificate(
                agentId: agent.id, serial: String(describing: certificate.serialNumber), notAfter: certificate.notValidAfter
            )
            try await self.listener.store.recordAgentTrust(agentId: agent.id, report: nil, certificateIssuer: authority.fingerprint, now: Date())
            commands.certificateIssuer = authority.fingerprint
            logger.info(
                "agent certificate renewed",
                metadata: ["oversight.certificate.not_after": "\(certificate.notValidAfter)", "oversight.certificate.issuer": "\(authority.fingerprint)"]
            )
            return .renewed(.init(certificate: try certificate.pemString))
        case .commandResult:
            return nil
        case .hello:
            throw SessionEnd(code: .badMessage, message: "hello was already received on this connection")
        case .enroll:
            throw SessionEnd(code: .badMessage, message: "this agent is already enrolled")
        }
    }

    private func batch(
        _ jws: FlattenedJWS, agent: AgentRow, signingKey: Curve25519.Signing.PublicKey, sequencer: inout BatchSequencer,
        logger: Logger
    ) async throws -> CoordinatorMessage? {
        let payloadBytes: Data
        switch JWS.verify(jws, key: signingKey, expectedKid: agent.id, expectedType: JWS.batchType, parsePayload: false) {
        case .valid(let payload): payloadBytes = payload
        case .invalid(let failure):
            throw SessionEnd(code: failure.code, message: "batch refused: \(failure.reason)", securityKind: failure.code.rawValue)
        }
        let payload: BatchPayload
        do {
            payload = try BatchPayloadDecoder.decode(payloadBytes)
        } catch let error as DecodingError {
            throw SessionEnd(code: .badMessage, message: "batch payload: \(MessageCodec.describe(error))", securityKind: "bad_message")
        }
        guard payload.agentId == agent.id else {
            throw SessionEnd(code: .kidMismatch, message: "batch payload names another agent", seq: payload.seq, securityKind: "replay")
        }
        guard payload.v == 1 else {
            throw SessionEnd(code: .badMessage, message: "batch payload version \(payload.v) is not supported (expected 1)", seq: payload.seq)
        }
        guard payload.seq >= 1 else {
            throw SessionEnd(code: .badMessage, message: "batch seq must be 1 or more", seq: payload.seq)
        }
        guard sequencer.accepts(seq: payload.seq) else { return nil }
        guard payload.records.count <= self.listener.configuration.maxRecordsPerBatch else {
            throw SessionEnd(
                code: .tooManyRecords, message: "batch holds \(payload.records.count) records; the limit is \(self.listener.configuration.maxRecordsPerBatch)",
                seq: payload.seq
            )
        }
        guard payload.provider == agent.provider else {
            throw SessionEnd(
                code: .wrongProvider, message: "batch claims provider '\(payload.provider.prefix(64))' but this agent belongs to '\(agent.provider)'",
                seq: payload.seq, securityKind: "wrong_provider"
            )
        }
        guard agent.mayWrite(site: payload.site) else {
            throw SessionEnd(
                code: .wrongSite, message: "batch claims site '\(payload.site.prefix(64))' but this agent is enrolled for \(Self.describe(sites: agent.sites))",
                seq: payload.seq, securityKind: "wrong_site"
            )
        }
        let receivedAt = Date()
        let latest = receivedAt.addingTimeInterval(self.listener.configuration.maxClockSkew.seconds)
        var tickets: [TicketRecord] = []
        tickets.reserveCapacity(payload.records.count)
        var intervals: [IntervalRecord] = []
        var evaluations: [EvaluationRecord] = []
        var interactions: [InteractionRecord] = []
        var requests: [String: SampleRequestRow?] = [:]
        for (index, record) in payload.records.enumerated() {
            guard record.provider == agent.provider else {
                throw SessionEnd(
                    code: .wrongProvider,
                    message: "records[\(index)] claims provider '\(record.provider.prefix(64))' but this agent belongs to '\(agent.provider)'",
                    seq: payload.seq, securityKind: "wrong_provider"
                )
            }
            guard agent.mayWrite(site: record.site) else {
                throw SessionEnd(
                    code: .wrongSite,
                    message: "records[\(index)] (\(record.kind) \(record.key.prefix(64))) claims site '\(record.site.prefix(64))' but this agent is enrolled for \(Self.describe(sites: agent.sites))",
                    seq: payload.seq, securityKind: "wrong_site"
                )
            }
            if let problem = record.integrityProblem(latest: latest) {
                throw SessionEnd(
                    code: .badRecord, message: "records[\(index)] (\(record.kind) \(record.key.prefix(64))): \(problem)", seq: payload.seq,
                    securityKind: "bad_record"
                )
            }
            switch record {
            case .ticket(let ticket):
                if let problem = ticket.validationProblem() {
                    throw SessionEnd(
                        code: .badRecord, message: "records[\(index)] (ticket \(ticket.id.prefix(64))): \(problem)", seq: payload.seq,
                        securityKind: "bad_record"
                    )
                }
                tickets.append(ticket)
            case .interval(let interval):
                if let problem = interval.validationProblem() {
                    throw SessionEnd(
                        code: .badRecord, message: "records[\(index)] (interval \(interval.key.prefix(64))): \(problem)", seq: payload.seq,
                        securityKind: "bad_record"
                    )
                }
                intervals.append(interval)
            case .evaluation(let evaluation):
                if let problem = evaluation.validationProblem() {
                    throw SessionEnd(
                        code: .badRecord, message: "records[\(index)] (evaluation \(evaluation.id.prefix(64))): \(problem)", seq: payload.seq,
                        securityKind: "bad_record"
                    )
                }
                evaluations.append(evaluation)
            case .interaction(let interaction):
                if let problem = interaction.validationProblem() {
                    throw SessionEnd(
                        code: .badRecord, message: "records[\(index)] (interaction \(interaction.key.prefix(64))): \(problem)", seq: payload.seq,
                        securityKind: "bad_record"
                    )
                }
                // Only what head office asked this agent for: a request sent to it, a ticket of that request, its site.
                if requests[interaction.requestId] == nil {
                    requests[interaction.requestId] = try await self.listener.store.sampleRequest(id: interaction.requestId)
                }
                guard let request = requests[interaction.requestId] ?? nil, request.agentId == agent.id,
                    request.ticketIds.contains(interaction.ticketId), request.site == interaction.site
                else {
                    throw SessionEnd(
                        code: .badRecord,
                        message: "records[\(index)] (interaction \(interaction.key.prefix(64))): no sample request sent to this agent asked for that ticket",
                        seq: payload.seq, securityKind: "bad_record"
                    )
                }
                interactions.append(interaction)
            }
        }
        let hash = JWS.sha256Hex(payloadBytes)
        let commitStart = ContinuousClock.now
        let result: CommitResult
        do {
            result = try await self.listener.store.commitReportingChanges(
                IncomingBatch(
                    agentId: agent.id, seq: payload.seq, hash: hash, prev: payload.prev, jws: jws, receivedAt: receivedAt, tickets: tickets,
                    intervals: intervals, evaluations: evaluations, interactions: interactions
                )
            )
        } catch {
            // The store refused the write (a full disk, a lost database): nothing of the batch is stored and it is not
            // acknowledged, so the agent keeps it in its outbox and sends it again after its reconnect backoff.
            CoordinatorInstruments.batchCommitted(nanoseconds: (ContinuousClock.now - commitStart).nanosecondsInt64, outcome: "failed")
            let cause = StoreFailure.cause(of: error)
            logger.error(
                "cannot store batch (\(cause)): not acknowledged; the agent keeps it and sends it again",
                metadata: [LogKey.seq: "\(payload.seq)", LogKey.error: "\(error)"]
            )
            throw SessionEnd(
                code: .storeUnavailable,
                message: "batch \(payload.seq) was not stored: the coordinator's store refused the write (\(cause)); it is not acknowledged, send it again later",
                seq: payload.seq
            )
        }
        CoordinatorInstruments.batchCommitted(nanoseconds: (ContinuousClock.now - commitStart).nanosecondsInt64, outcome: result.outcome.metricName)
        if !result.appliedTickets.isEmpty, let observer = self.listener.ticketObserver {
            await observer(result.appliedTickets)
        }
        switch result.outcome {
        case .committed(let applied, let stale):
            logger.debug("batch committed", metadata: [LogKey.seq: "\(payload.seq)", "oversight.batch.records": "\(payload.records.count)"])
            return .ack(.init(seq: payload.seq, hash: hash, status: "committed", applied: applied, stale: stale))
        case .duplicate:
            logger.info("duplicate batch acknowledged, not applied again", metadata: [LogKey.seq: "\(payload.seq)"])
            return .ack(.init(seq: payload.seq, hash: hash, status: "duplicate", applied: 0, stale: 0))
        case .gap(let expected, let lastHash):
            sequencer.requestedResend(from: expected)
            logger.notice("batch sequence gap; asking for a resend", metadata: [LogKey.seq: "\(payload.seq)", "oversight.batch.expected": "\(expected)"])
            return .resend(.init(fromSeq: expected, lastHash: lastHash, reason: "expected seq \(expected), got \(payload.seq)"))
        case .chainMismatch:
            throw SessionEnd(
                code: .chainMismatch,
                message: "batch \(payload.seq) does not continue the stored chain (its prev hash or content differs from what was committed)",
                seq: payload.seq, securityKind: "chain_mismatch"
            )
        case .wrongSite(let kind, let key, let storedSite):
            throw SessionEnd(
                code: .wrongSite,
                message: "batch \(payload.seq): \(kind) \(key.prefix(64)) is stored for site '\(storedSite)'; a record never moves to another site",
                seq: payload.seq, securityKind: "wrong_site"
            )
        case .revoked:
            throw SessionEnd(code: .revoked, message: "agent \(agent.id) is revoked", securityKind: "revoked")
        case .unknownAgent:
            throw SessionEnd(code: .unknownAgent, message: "agent \(agent.id) is not enrolled here", securityKind: "unknown_agent")
        }
    }

    // MARK: Commands

    /// Sends a signed `trust` command when the agent accepts commands and trusts something else than the key material
    /// in force (or its certificate is from another CA than the issuing one) — once per reload of that material.
    private func sendTrustUpdateIfDue(
        _ commands: inout SessionCommands, agent: AgentRow, outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>, logger: Logger
    ) async throws {
        guard let report = commands.report else { return }
        try await self.sendSampleRequestsIfDue(&commands, report: report, agent: agent, outbound: outbound, logger: logger)
        let snapshot = self.listener.trust.snapshot
        guard commands.sentGeneration != snapshot.generation else { return }
        commands.sentGeneration = snapshot.generation
        let identity = snapshot.identity
        guard let update = identity.trustUpdate(for: report, certificateIssuer: commands.certificateIssuer) else { return }
        guard identity.trustedCAFingerprints.contains(self.accepted.serverCA) else {
            // This connection still presents the server certificate of a CA the update drops (it was opened before a
            // promote): the agent would rightly refuse it. It is told on its next connection, which gets the new one.
            logger.debug("trust update left for the agent's next connection: this one presents a retired CA's certificate")
            return
        }
        let now = Date()
        let payload = CommandPayload(
            id: CommandSigning.newId(), kind: CommandPayload.trustKind, agentId: agent.id, nonce: report.nonce, issuedAt: now,
            expiresAt: now.addingTimeInterval(10 * 60), trust: update
        )
        let jws = try CommandSigning.sign(payload, key: identity.signingKey)
        try await outbound.write(try MessageCodec.frame(CoordinatorMessage.command(jws)))
        logger.info(
            "told the agent what to trust",
            metadata: [
                "oversight.command.id": "\(payload.id)", "oversight.ca.trusted": "\(identity.trustedCAFingerprints.joined(separator: ","))",
                "oversight.command.renew": "\(update.renewCertificate)",
            ]
        )
    }

    /// Sends the agent's sample requests it has not taken yet (looked up at most every 5 s, so ingest is not slowed),
    /// each once per connection; its `commandResult` `applied` marks it taken.
    private func sendSampleRequestsIfDue(
        _ commands: inout SessionCommands, report: TrustReport, agent: AgentRow, outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>,
        logger: Logger
    ) async throws {
        let now = ContinuousClock.now
        if let last = commands.lastSampleLook, now - last < .seconds(5) { return }
        commands.lastSampleLook = now
        try await self.announceSeedsIfChanged(&commands, report: report, agent: agent, outbound: outbound, logger: logger)
        let pending: [SampleRequestRow]
        do {
            pending = try await self.listener.store.pendingSampleRequests(agentId: agent.id)
        } catch {
            logger.warning("cannot read the agent's sample requests", metadata: [LogKey.error: "\(error)"])
            return
        }
        let key = self.listener.identity.signingKey
        for request in pending where !commands.sentSampleRequests.contains(request.id) {
            let issued = Date()
            let payload = CommandPayload(
                id: CommandSigning.newId(), kind: CommandPayload.sampleRequestKind, agentId: agent.id, nonce: report.nonce, issuedAt: issued,
                expiresAt: issued.addingTimeInterval(10 * 60),
                sample: SampleRequestCommand(
                    requestId: request.id, provider: request.provider, site: request.site, period: request.period,
                    seedCommitment: request.seedCommitment, ticketIds: request.ticketIds
                )
            )
            try await outbound.write(try MessageCodec.frame(CoordinatorMessage.command(try CommandSigning.sign(payload, key: key))))
            commands.sentSampleRequests.insert(request.id)
            commands.sampleCommands[payload.id] = request.id
            logger.info(
                "sent a sample request",
                metadata: ["oversight.command.id": "\(payload.id)", "oversight.sample.request": "\(request.id)", "oversight.sample.tickets": "\(request.ticketIds.count)"]
            )
        }
    }

    /// Sends the seed commitments of the agent's provider's current and next periods when they differ from what this
    /// connection was last sent (on connecting, when a plan appears, when a new period begins).
    private func announceSeedsIfChanged(
        _ commands: inout SessionCommands, report: TrustReport, agent: AgentRow, outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>,
        logger: Logger
    ) async throws {
        let seeds: [SampleSeedsCommand.PeriodSeed]
        do {
            guard let found = try self.listener.seedCommitments(provider: agent.provider) else { return }
            seeds = found
        } catch {
            if commands.sentSeeds != [] {
                logger.warning("cannot compute the provider's seed commitments", metadata: [LogKey.error: "\(error)"])
                commands.sentSeeds = []
            }
            return
        }
        guard seeds != commands.sentSeeds else { return }
        commands.sentSeeds = seeds
        let issued = Date()
        // Recorded as published before it is sent (the first publication time stays; the console shows it).
        do {
            try await self.listener.store.publishSeedCommitments(
                seeds.map { SeedCommitmentRow(provider: agent.provider, period: $0.period, commitment: $0.seedCommitment, publishedAt: issued) }
            )
        } catch {
            logger.warning("cannot record the published seed commitments", metadata: [LogKey.error: "\(error)"])
        }
        let payload = CommandPayload(
            id: CommandSigning.newId(), kind: CommandPayload.sampleSeedsKind, agentId: agent.id, nonce: report.nonce, issuedAt: issued,
            expiresAt: issued.addingTimeInterval(10 * 60), seeds: SampleSeedsCommand(provider: agent.provider, seeds: seeds)
        )
        try await outbound.write(try MessageCodec.frame(CoordinatorMessage.command(try CommandSigning.sign(payload, key: self.listener.identity.signingKey))))
        logger.info("sent the provider's seed commitments", metadata: ["oversight.command.id": "\(payload.id)", "oversight.sample.periods": "\(seeds.map(\.period).joined(separator: ","))"])
    }

    /// Records what the agent trusts after a command, or the refusal as a security event.
    private func commandResult(_ result: AgentMessage.CommandResult, commands: inout SessionCommands, agent: AgentRow, logger: Logger) async throws {
        let id = String(result.id.prefix(64))
        guard result.status == "applied" else {
            await self.listener.securityEvent(
                "command_refused", agentId: agent.id, address: self.accepted.address,
                detail: "the agent refused command \(id): \(String((result.message ?? "no reason given").prefix(300)))"
            )
            return
        }
        if let requestId = commands.sampleCommands.removeValue(forKey: id) {
            try await self.listener.store.acknowledgeSampleRequest(id: requestId, agentId: agent.id, now: Date())
            logger.info(
                "agent took a sample request",
                metadata: ["oversight.sample.request": "\(requestId)", "oversight.sample.outcome": "\(String((result.message ?? "").prefix(200)))"]
            )
            return
        }
        if let trust = result.trust {
            guard trust.caFingerprints.count <= 16, trust.coordinatorKeys.count <= 16, trust.nonce == commands.report?.nonce else {
                throw SessionEnd(code: .badMessage, message: "commandResult: the trust report is malformed or not for this connection")
            }
            commands.report = trust
            try await self.listener.store.recordAgentTrust(agentId: agent.id, report: trust, certificateIssuer: nil, now: Date())
        }
        logger.info("agent applied a command", metadata: ["oversight.command.id": "\(id)"])
    }

    // MARK: Enrollment

    private func enroll(_ request: AgentMessage.Enroll) async -> CoordinatorMessage {
        func refuse(_ code: ProtocolErrorCode, _ message: String) async -> CoordinatorMessage {
            await self.listener.securityEvent("enrollment_refused", agentId: nil, address: self.accepted.address, detail: message)
            return .error(.init(code: code, message: message, fatal: true))
        }
        // Per source address first: a flood from one address is refused here at once, before it can queue in the
        // coordinator-wide bucket and delay everyone else. An attempt that enrolls gives its token back.
        if let wait = self.listener.enrollmentPacer.take(self.accepted.host) {
            let seconds = max(1, Int(wait.seconds.rounded(.up)))
            await self.listener.securityEvent(
                "enrollment_paced", agentId: nil, address: self.accepted.address,
                detail: "too many failed enrollment attempts from \(self.accepted.host); told to wait \(seconds) s"
            )
            return .error(
                .init(
                    code: .rateLimited, message: "too many failed enrollment attempts from this address; try again in \(seconds) s", fatal: true,
                    retryAfterSeconds: seconds
                )
            )
        }
        guard let delay = self.listener.enrollmentBucket.reserve() else {
            return .error(
                .init(code: .rateLimited, message: "too many enrollments right now; try again in 60 s", fatal: true, retryAfterSeconds: 60)
            )
        }
        if delay > .zero { try? await Task.sleep(for: delay) }
        let tokenHash = JWS.sha256Hex(Data(request.token.utf8))
        let token: TokenRow
        do {
            guard let found = try await self.listener.store.token(hash: tokenHash) else {
                return await refuse(.tokenUnknown, "the enrollment token is not known to this coordinator")
            }
            token = found
        } catch {
            return .error(.init(code: .internalError, message: "cannot read enrollment tokens", fatal: true))
        }
        if token.usedAt != nil { return await refuse(.tokenUsed, "the enrollment token was already used; create a new one") }
        if token.expiresAt <= Date() { return await refuse(.tokenExpired, "the enrollment token has expired; create a new one") }
        let signingKey: Curve25519.Signing.PublicKey
        do {
            signingKey = try JWS.publicKey(of: request.signingKey)
        } catch {
            return await refuse(.badMessage, "signingKey must be an OKP Ed25519 JWK")
        }
        let agentId = "agt_" + (0..<10).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
        let identity = AgentIdentity(agentId: agentId, provider: token.provider, site: token.site)
        let certificate: Certificate
        let authority = self.listener.identity.issuingAuthority
        do {
            certificate = try self.issue(csr: request.csr, identity: identity, authority: authority)
        } catch let end as SessionEnd {
            return await refuse(end.code, end.message)
        } catch {
            return await refuse(.badCSR, "the certificate request could not be used")
        }
        do {
            _ = try await self.listener.store.consumeToken(
                hash: tokenHash,
                agent: NewAgent(
                    id: agentId, hostname: String(request.hostname.prefix(253)), signingKey: JWS.jwk(of: signingKey).x,
                    certificateSerial: String(describing: certificate.serialNumber), certificateNotAfter: certificate.notValidAfter
                ),
                now: Date()
            )
        } catch {
            switch error {
            case .used: return await refuse(.tokenUsed, "the enrollment token was already used; create a new one")
            case .expired: return await refuse(.tokenExpired, "the enrollment token has expired; create a new one")
            case .unknown: return await refuse(.tokenUnknown, "the enrollment token is not known to this coordinator")
            }
        }
        try? await self.listener.store.recordAgentTrust(agentId: agentId, report: nil, certificateIssuer: authority.fingerprint, now: Date())
        self.listener.enrollmentPacer.giveBack(self.accepted.host)
        self.logger.notice(
            "agent enrolled",
            metadata: [LogKey.agentId: "\(agentId)", LogKey.provider: "\(token.provider)", LogKey.site: "\(token.site)"]
        )
        do {
            return .enrolled(
                .init(
                    agentId: agentId, provider: token.provider, site: token.site, certificate: try certificate.pemString,
                    caCertificate: self.listener.identity.caPEM, coordinatorKey: JWS.jwk(of: self.listener.identity.signingKey.publicKey)
                )
            )
        } catch {
            return .error(.init(code: .internalError, message: "cannot encode the certificate", fatal: true))
        }
    }

    private func issue(csr: String, identity: AgentIdentity, authority: CertificateAuthority) throws -> Certificate {
        guard csr.utf8.count <= 16 * 1024 else { throw SessionEnd(code: .badCSR, message: "the certificate request is too large") }
        do {
            return try authority.issueAgentCertificate(
                csrPEM: csr, identity: identity, validity: self.listener.configuration.agentCertificateValidity
            )
        } catch let error as WireError {
            throw SessionEnd(code: .badCSR, message: error.message)
        }
    }

    // MARK: Errors

    private func end(_ end: SessionEnd, outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>, agentId: String?) async throws {
        if let kind = end.securityKind {
            await self.listener.securityEvent(kind, agentId: agentId, address: self.accepted.address, detail: end.message)
        } else {
            self.logger.notice("closing agent connection: \(end.message)", metadata: agentId.map { [LogKey.agentId: "\($0)"] } ?? [:])
        }
        try? await outbound.write(try MessageCodec.frame(CoordinatorMessage.error(.init(code: end.code, message: end.message, seq: end.seq, fatal: true))))
    }

    /// Reports why reading from a connection failed, under its real cause: a bad frame, a refused certificate, the
    /// hello timeout, a failed TLS handshake — or nothing at all for a peer that simply closed its connection.
    private func reportReadError(
        _ error: any Error, outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>, agentId: String?, timedOut: Bool
    ) async throws {
        if timedOut {
            await self.listener.securityEvent(
                "timeout", agentId: agentId, address: self.accepted.address,
                detail: "closed a connection that sent no complete message within \(self.listener.configuration.helloTimeout)"
            )
            return
        }
        if let wire = error as? WireError {
            let code: ProtocolErrorCode = wire.code == .frameTooLarge ? .frameTooLarge : .badFrame
            try await self.end(SessionEnd(code: code, message: wire.message, securityKind: code.rawValue), outbound: outbound, agentId: agentId)
            return
        }
        if let refusal = self.accepted.peer.refusal {
            await self.listener.securityEvent("certificate_refused", agentId: agentId ?? self.accepted.peer.claimedAgentId, address: self.accepted.address, detail: "TLS handshake refused: \(refusal)")
            return
        }
        if let ssl = error as? NIOSSLError, case .uncleanShutdown = ssl {
            // The peer closed TCP without TLS close_notify: an ordinary way to hang up, not an attack.
            self.logger.debug("agent connection closed without TLS close_notify", metadata: agentId.map { [LogKey.agentId: "\($0)"] } ?? [:])
            return
        }
        if error is NIOSSLError || error is BoringSSLError {
            await self.listener.securityEvent("tls_failed", agentId: agentId, address: self.accepted.address, detail: "TLS failed: \(error)")
            return
        }
        self.logConnectionError(error)
    }

    /// Whether a frame's `type` member is `enroll` (read leniently, so a malformed enroll still counts as one).
    static func claimsEnroll(_ frame: ByteBuffer) -> Bool {
        guard frame.readableBytes <= 64 * 1024, let bytes = frame.getBytes(at: frame.readerIndex, length: frame.readableBytes),
            let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any]
        else { return false }
        return object["type"] as? String == "enroll"
    }

    /// `site 'x'` or `sites 'x', 'y'`, for messages.
    static func describe(sites: [String]) -> String {
        sites.count == 1 ? "site '\(sites[0])'" : "sites " + sites.map { "'\($0)'" }.joined(separator: ", ")
    }

    private func logConnectionError(_ error: any Error) {
        if let error = error as? ChannelError, error == .ioOnClosedChannel || error == .alreadyClosed { return }
        self.logger.info("agent connection ended with an error", metadata: [LogKey.error: "\(error)"])
    }
}

/// Names, for logs and the agent, why the store refused a write, without passing on the store's own error text (which
/// may quote SQL) to the agent.
enum StoreFailure {
    static func cause(of error: any Error) -> String {
        let text = "\(error)".lowercased()
        // SQLite: "database or disk is full" (SQLITE_FULL); the OS: ENOSPC; PostgreSQL: SQLSTATE 53100 disk_full.
        if text.contains("disk is full") || text.contains("no space left") || text.contains("53100") || text.contains("could not extend file") {
            return "its disk is full"
        }
        return "the store is unavailable"
    }
}

/// What a session knows of its agent's trust, and the key material generation it last told the agent about.
struct SessionCommands {
    /// From `hello`, then from each applied command's result; `nil` for an agent that takes no commands.
    var report: TrustReport?
    /// The CA of the certificate the agent connected with, or renewed to on this connection.
    var certificateIssuer: String?
    var sentGeneration = -1
    /// When the store was last asked for the agent's pending sample requests.
    var lastSampleLook: ContinuousClock.Instant?
    /// Sample requests sent on this connection (each at most once per connection).
    var sentSampleRequests: Set<String> = []
    /// Command id → sample request id, until the agent answers.
    var sampleCommands: [String: String] = [:]
    /// The seed commitments last sent on this connection (`[]` after a failure, so it is logged once).
    var sentSeeds: [SampleSeedsCommand.PeriodSeed]?
}

/// After a resend request, ignores batches until the requested one arrives (the agent had more in flight).
struct BatchSequencer {
    private(set) var awaitingSeq: Int64?

    /// Whether a batch with `seq` should be processed now.
    mutating func accepts(seq: Int64) -> Bool {
        guard let awaiting = self.awaitingSeq else { return true }
        if seq == awaiting || seq < awaiting {
            self.awaitingSeq = nil
            return true
        }
        return false
    }

    /// Records that a resend from `seq` was requested.
    mutating func requestedResend(from seq: Int64) { self.awaitingSeq = seq }
}
