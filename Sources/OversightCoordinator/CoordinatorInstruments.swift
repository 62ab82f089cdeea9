//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// What the coordinator measures as it works, through swift-metrics (a no-op until a backend is bootstrapped).
//
//===----------------------------------------------------------------------===//

import CoreMetrics
import NIOCore
import NIOSSL
import NIOTLS

/// The coordinator's own instruments, named as they appear on `/metrics` (docs/operations.md lists them).
///
/// They are recorded where the work happens — the listener, the session's commit path, the SLA engine — so a scrape
/// costs nothing; the executable bootstraps swift-metrics with its Prometheus registry, and tests without a backend
/// record into swift-metrics' no-op handler.
package enum CoordinatorInstruments {
    /// TLS handshakes on the agent port, by result (`completed`, `failed`).
    package static func handshake(completed: Bool) {
        Counter(label: "oversight_tls_handshakes_total", dimensions: [("result", completed ? "completed" : "failed")]).increment()
    }

    /// Connections the listener refused before any TLS (`handshake_queue_full`, `connection_limit`).
    package static func connectionRefused(_ reason: String) {
        Counter(label: "oversight_connections_refused_total", dimensions: [("reason", reason)]).increment()
    }

    /// A batch refused with a protocol error code (`bad_signature`, `wrong_site`, `bad_record`, `chain_mismatch`, …).
    package static func batchRejected(code: String) {
        Counter(label: "oversight_batches_rejected_total", dimensions: [("code", code)]).increment()
    }

    /// A batch's store transaction, from its start to durable commit (`oversight_batch_commit_duration_seconds`).
    package static func batchCommitted(nanoseconds: Int64, outcome: String) {
        Timer(label: "oversight_batch_commit_duration_seconds", dimensions: [("outcome", outcome)]).recordNanoseconds(nanoseconds)
    }

    /// Tickets with an SLA deadline scheduled now.
    package static func deadlinesScheduled(_ count: Int) {
        Gauge(label: "oversight_sla_deadlines_scheduled").record(count)
    }

    /// Whether this coordinator holds the leader lease `lease` (1) or stands by (0), and the epoch it holds it under
    /// (`oversight_lease_leader`, `oversight_lease_epoch`); every takeover counts in `oversight_lease_takeovers_total`.
    package static func lease(_ lease: String, leading: Bool, epoch: Int64?) {
        Gauge(label: "oversight_lease_leader", dimensions: [("lease", lease)]).record(leading ? 1 : 0)
        if let epoch { Gauge(label: "oversight_lease_epoch", dimensions: [("lease", lease)]).record(epoch) }
    }

    /// This coordinator took the lease `lease`.
    package static func leaseTaken(_ lease: String) {
        Counter(label: "oversight_lease_takeovers_total", dimensions: [("lease", lease)]).increment()
    }

    /// How late a deadline's event left after its instant, in seconds.
    package static let deadlineLatenessLabel = "oversight_sla_deadline_lateness_seconds"
    package static func deadlineFired(lateness seconds: Double) {
        Recorder(label: Self.deadlineLatenessLabel, aggregate: true).record(max(0, seconds))
    }
}

/// Counts each agent-port TLS handshake once: completed (the TLS user event) or failed (an error before it).
final class HandshakeMetricsHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny
    private var counted = false

    init() {}

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if !self.counted, let tls = event as? TLSUserEvent, case .handshakeCompleted = tls {
            self.counted = true
            CoordinatorInstruments.handshake(completed: true)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if !self.counted, error is NIOSSLError || error is BoringSSLError {
            self.counted = true
            CoordinatorInstruments.handshake(completed: false)
        }
        context.fireErrorCaught(error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        if !self.counted {
            // Closed before the handshake finished (a peer that hung up, or the hello timeout).
            self.counted = true
            CoordinatorInstruments.handshake(completed: false)
        }
        context.fireChannelInactive()
    }
}

import OversightStore

extension CommitOutcome {
    /// The `outcome` label of the commit-duration histogram.
    var metricName: String {
        switch self {
        case .committed: "committed"
        case .duplicate: "duplicate"
        case .gap: "gap"
        case .chainMismatch: "chain_mismatch"
        case .unknownAgent: "unknown_agent"
        case .revoked: "revoked"
        case .wrongSite: "wrong_site"
        }
    }
}
