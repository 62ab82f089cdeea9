//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// A lean protocol client for attacks and edge cases: real TCP, real TLS (with or without an enrolled agent's
// certificate, or none at all), frames written byte for byte so a test can also send what a real agent never would.
//
//===----------------------------------------------------------------------===//

import Crypto
import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import OversightAgent
import OversightModel
import OversightWire
import Synchronization
import X509

/// What the lean client saw next on its connection.
package enum LeanReply: Sendable, CustomStringConvertible {
    case message(CoordinatorMessage)
    /// Bytes that were not a decodable message (raw connections only report this).
    case bytes(Int)
    /// The peer closed the connection.
    case closed
    /// The connection failed (TLS alert, reset, …).
    case failed(String)

    package var description: String {
        switch self {
        case .message(let message):
            if case .error(let error) = message { return "error(\(error.code): \(error.message))" }
            return "\(message)"
        case .bytes(let count): return "\(count) raw bytes"
        case .closed: return "closed"
        case .failed(let reason): return "failed(\(reason))"
        }
    }

    /// The protocol error, if this is one.
    package var error: ProtocolErrorMessage? {
        if case .message(.error(let error)) = self { return error }
        return nil
    }

    /// The ack, if this is one.
    package var ack: CoordinatorMessage.Ack? {
        if case .message(.ack(let ack)) = self { return ack }
        return nil
    }

    /// Whether the connection ended (closed or failed).
    package var isEnd: Bool {
        switch self {
        case .closed, .failed: true
        default: false
        }
    }
}

/// A client connection to the coordinator's agent port.
package final class LeanClient: Sendable {
    private enum Event: Sendable {
        case frame(ByteBuffer)
        case closed
        case failed(String)
    }

    private final class Collector: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let events: Mutex<[Event]>
        let tls: Bool
        init(tls: Bool) {
            self.events = Mutex([])
            self.tls = tls
        }
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let buffer = Self.unwrapInboundIn(data)
            self.events.withLock { $0.append(.frame(buffer)) }
        }
        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            self.events.withLock { $0.append(.failed("\(error)")) }
            context.close(promise: nil)
        }
        func channelInactive(context: ChannelHandlerContext) {
            self.events.withLock { $0.append(.closed) }
        }
    }

    private let channel: any Channel
    private let collector: Collector
    private let tls: Bool
    /// Why the client refused the server's certificate, if it did.
    package let verification: VerificationOutcome

    private init(channel: any Channel, collector: Collector, tls: Bool, verification: VerificationOutcome) {
        self.channel = channel
        self.collector = collector
        self.tls = tls
        self.verification = verification
    }

    /// Connects with TLS, trusting the coordinator's CA; presents `credentials`' client certificate if given.
    /// - Parameter from: a local address to connect from (another loopback address such as `127.0.0.2`, to act as
    ///   a second host), or `nil` for the system's choice.
    package static func connect(
        host: String = "127.0.0.1", port: Int, caPEM: String, credentials: AgentCredentials?, from: String? = nil
    ) async throws -> LeanClient {
        let context = try TLSSetup.clientContext(certificatePEM: credentials?.certificatePEM, keyPEM: credentials?.keyPEM)
        let ca = try Certificate(pemEncoded: caPEM)
        let outcome = VerificationOutcome()
        let callback = ServerCertificateVerifier(trust: .certificate(ca)).callback(outcome: outcome)
        let collector = Collector(tls: true)
        var bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        if let from { bootstrap = bootstrap.bind(to: try SocketAddress(ipAddress: from, port: 0)) }
        let channel = try await bootstrap
            .connectTimeout(.seconds(10))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    try sync.addHandler(NIOSSLClientHandler(context: context, serverHostname: nil, customVerificationCallback: callback))
                    try sync.addHandler(ByteToMessageHandler(FrameDecoder(maxFrameBytes: 64 << 20)))
                    try sync.addHandler(collector)
                }
            }
            .connect(host: host, port: port).get()
        return LeanClient(channel: channel, collector: collector, tls: true, verification: outcome)
    }

    /// Connects plain TCP (no TLS): for random bytes and silent clients.
    package static func connectRaw(host: String = "127.0.0.1", port: Int) async throws -> LeanClient {
        let collector = Collector(tls: false)
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(10))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(collector) }
            }
            .connect(host: host, port: port).get()
        return LeanClient(channel: channel, collector: collector, tls: false, verification: VerificationOutcome())
    }

    /// Writes bytes as they are (no framing).
    package func sendRaw(_ bytes: [UInt8]) async throws {
        var buffer = self.channel.allocator.buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        let written: EventLoopFuture<Void> = self.channel.writeAndFlush(buffer)
        try await written.get()
    }

    /// Writes one frame: a 4-byte big-endian length and the body.
    package func sendFrame(_ body: [UInt8]) async throws {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(body.count + 4)
        let length = UInt32(body.count)
        bytes += [UInt8(length >> 24), UInt8((length >> 16) & 0xff), UInt8((length >> 8) & 0xff), UInt8(length & 0xff)]
        bytes += body
        try await self.sendRaw(bytes)
    }

    /// Sends a protocol message in a frame.
    package func send(_ message: AgentMessage) async throws {
        try await self.sendFrame(Array(try WireJSON.encode(message)))
    }

    /// Sends a batch.
    package func send(batch jws: FlattenedJWS) async throws {
        try await self.send(.batch(jws))
    }

    /// The next reply, or `.closed`/`.failed`; throws if nothing happens within `timeout`.
    package func next(timeout: Duration = .seconds(30)) async throws -> LeanReply {
        let deadline = ContinuousClock.now + timeout
        while true {
            let event: Event? = self.collector.events.withLock { events in
                guard !events.isEmpty else { return nil }
                // A terminal event stays so later calls see it too.
                if case .frame = events[0] { return events.removeFirst() }
                return events[0]
            }
            switch event {
            case .frame(let buffer):
                guard self.tls else { return .bytes(buffer.readableBytes) }
                do {
                    return .message(try WireJSON.decode(CoordinatorMessage.self, from: Data(buffer.readableBytesView)))
                } catch {
                    return .bytes(buffer.readableBytes)
                }
            case .closed: return .closed
            case .failed(let reason):
                return .failed(self.verification.problem.map { "\(reason) (\($0))" } ?? reason)
            case nil:
                if ContinuousClock.now >= deadline { throw HarnessError("no reply from the coordinator within \(timeout)") }
                try await Task.sleep(for: .milliseconds(10))
            }
        }
    }

    /// Waits until the connection ends (skipping any messages); returns how it ended.
    package func waitForEnd(timeout: Duration = .seconds(30)) async throws -> LeanReply {
        let deadline = ContinuousClock.now + timeout
        while true {
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero else { throw HarnessError("the connection stayed open for \(timeout)") }
            let reply = try await self.next(timeout: remaining)
            if reply.isEnd { return reply }
        }
    }

    /// Sends hello for `agentId` and returns the welcome (throws with the reply otherwise).
    package func hello(agentId: String) async throws -> CoordinatorMessage.Welcome {
        try await self.send(.hello(.init(agentId: agentId, version: "lean-test")))
        let reply = try await self.next()
        guard case .message(.welcome(let welcome)) = reply else { throw HarnessError("expected welcome, got \(reply)") }
        return welcome
    }

    /// Whether the connection is still open.
    package var isActive: Bool { self.channel.isActive }

    /// Closes the connection.
    package func close() async {
        try? await self.channel.close()
    }
}

/// Builds and signs batches as an agent would (or as a forger would, with another key).
package struct BatchSigner: Sendable {
    package var agentId: String
    package var provider: String
    package var site: String
    package var key: Curve25519.Signing.PrivateKey

    /// A signer for an enrolled agent's identity and key.
    package init(credentials: AgentCredentials) {
        self.agentId = credentials.identity.agentId
        self.provider = credentials.identity.provider
        self.site = credentials.identity.site
        self.key = credentials.signingKey
    }

    /// A signer with explicit values.
    package init(agentId: String, provider: String, site: String, key: Curve25519.Signing.PrivateKey) {
        self.agentId = agentId
        self.provider = provider
        self.site = site
        self.key = key
    }

    /// A signed batch and its chain hash (SHA-256 of the payload bytes).
    package func sign(seq: Int64, prev: String, records: [Record], payloadProvider: String? = nil) throws -> (jws: FlattenedJWS, hash: String) {
        let payload = BatchPayload(
            agentId: self.agentId, provider: payloadProvider ?? self.provider, site: self.site, seq: seq, prev: prev, sealedAt: Date(),
            records: records
        )
        let bytes = try WireJSON.encode(payload)
        return (try JWS.sign(payload: bytes, kid: self.agentId, type: JWS.batchType, key: self.key), JWS.sha256Hex(bytes))
    }

    /// An interval record of this agent's provider and site (15 minutes, threshold 20 s; `change` adjusts it).
    package func interval(
        _ queue: String, start: Date, offered: Int = 10, answered: Int = 8, updatedAt: Date, provider: String? = nil,
        change: (inout IntervalRecord) -> Void = { _ in }
    ) -> Record {
        var interval = IntervalRecord(
            provider: provider ?? self.provider, site: self.site, queue: queue, start: start, minutes: 15, thresholdSeconds: 20,
            offered: offered, answered: answered, answeredWithinThreshold: answered, abandoned: offered - answered, updatedAt: updatedAt
        )
        change(&interval)
        return .interval(interval)
    }

    /// A QA evaluation of this agent's provider and site (scorecard `support` version 3, two items; `change` adjusts it).
    package func evaluation(
        _ id: String, evaluatedAt: Date, score: Double = 90, updatedAt: Date, provider: String? = nil,
        change: (inout EvaluationRecord) -> Void = { _ in }
    ) -> Record {
        var evaluation = EvaluationRecord(
            provider: provider ?? self.provider, site: self.site, id: id, interactionRef: "T-\(id)", evaluator: "p_0011223344556677",
            scorecard: "support", scorecardVersion: "3", evaluatedAt: evaluatedAt,
            items: [EvaluationItem(item: "verification", passed: true, impact: .high), EvaluationItem(item: "tone", passed: true, impact: .low)],
            highImpactErrors: 0, lowImpactErrors: 0, score: score, updatedAt: updatedAt
        )
        change(&evaluation)
        return .evaluation(evaluation)
    }

    /// A ticket record of this agent's provider and site.
    package func ticket(_ id: String, status: TicketStatus = .open, updatedAt: Date, provider: String? = nil) -> Record {
        .ticket(
            TicketRecord(
                provider: provider ?? self.provider, site: self.site, id: id, status: status, createdAt: updatedAt.addingTimeInterval(-3600),
                updatedAt: updatedAt
            )
        )
    }
}
