//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The coordinator's Prometheus registry (swift-metrics backend) and what `GET /metrics` adds from the store.
//
//===----------------------------------------------------------------------===//

import Metrics
import OversightCoordinator
import OversightStore
import Prometheus

/// Bootstraps swift-metrics with one Prometheus registry (once per process) and renders `/metrics`.
///
/// Besides what code records through swift-metrics (`oversight_http_*` from the console's middleware), each scrape
/// reads the store (``StoreMetricsSnapshot``): agents and their outboxes as gauges, and as counters the batches and
/// records committed since this process started (the batches new since the last scrape, by primary key), and the
/// stored security and SLA events. Scrapes are serialised by the actor, so a counter never counts a batch twice.
actor CoordinatorMetrics {
    /// The process's registry; the first use bootstraps swift-metrics with it.
    static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        // Deadline lateness is seconds to minutes (the engine polls at its tick), not the default's milliseconds.
        factory.valueHistogramBuckets[CoordinatorInstruments.deadlineLatenessLabel] = [0.1, 0.5, 1, 2, 5, 10, 30, 60, 300, 900]
        MetricsSystem.bootstrap(factory)
        return registry
    }()

    private let store: any OperationsStore
    private let registry: PrometheusCollectorRegistry
    /// The last committed sequence number seen per agent (ingest counters count beyond it).
    private var seenSeq: [String: Int64] = [:]
    /// The last stored total per event counter (counters move by the difference).
    private var seenTotals: [String: Int64] = [:]

    /// Reads the agents' sequence numbers now: the ingest counters count what is committed from here on.
    init(store: any OperationsStore) async throws {
        self.store = store
        self.registry = Self.registry
        for agent in try await store.metricsSnapshot().agents { self.seenSeq[agent.id] = agent.batches }
    }

    /// The Prometheus text format of every metric, the store's read now.
    func render() async -> String {
        do {
            try await self.refresh()
            self.registry.makeGauge(name: "oversight_store_up", help: "1 when the last scrape could read the store").set(Double(1))
        } catch {
            self.registry.makeGauge(name: "oversight_store_up", help: "1 when the last scrape could read the store").set(Double(0))
        }
        return self.registry.emitToString()
    }

    private func refresh() async throws {
        let snapshot = try await self.store.metricsSnapshot()
        var connected = 0
        var enrolled = 0
        var revoked = 0
        for agent in snapshot.agents {
            if agent.revoked { revoked += 1 } else { enrolled += 1 }
            if agent.connected && !agent.revoked { connected += 1 }
            let labels = [("agent", agent.id), ("provider", agent.provider), ("site", agent.site)]
            if let depth = agent.outboxDepth {
                self.registry.makeGauge(name: "oversight_agent_outbox_records", labels: labels, help: "Records waiting in the agent's outbox, as it last reported")
                    .set(Double(depth))
            }
            self.registry.makeGauge(
                name: "oversight_agent_certificate_expiry_timestamp_seconds", labels: labels, help: "When the agent's client certificate expires"
            ).set(agent.certificateNotAfter)
            let seen = self.seenSeq[agent.id] ?? 0
            if agent.batches > seen {
                let records = try await self.store.recordCount(agentId: agent.id, after: seen, through: agent.batches)
                self.registry.makeCounter(
                    name: "oversight_batches_ingested_total", labels: [("provider", agent.provider)], help: "Signed batches committed since the coordinator started"
                ).increment(by: Int64(agent.batches - seen))
                self.registry.makeCounter(
                    name: "oversight_records_ingested_total", labels: [("provider", agent.provider)], help: "Records committed since the coordinator started"
                ).increment(by: records)
                self.seenSeq[agent.id] = agent.batches
            } else if self.seenSeq[agent.id] == nil {
                self.seenSeq[agent.id] = agent.batches
            }
        }
        self.registry.makeGauge(name: "oversight_agents_connected", help: "Agents with a live connection").set(Double(connected))
        self.registry.makeGauge(name: "oversight_agents_enrolled", labels: [("state", "active")], help: "Enrolled agents").set(Double(enrolled))
        self.registry.makeGauge(name: "oversight_agents_enrolled", labels: [("state", "revoked")], help: "Enrolled agents").set(Double(revoked))
        for (kind, total) in snapshot.securityEventsByKind {
            self.advance(
                "oversight_security_events_total", labels: [("kind", kind)], to: total,
                help: "Security events stored (rejected batches, handshakes, tokens, …) by kind"
            )
        }
        for event in snapshot.slaEvents {
            self.advance(
                "oversight_sla_events_total", labels: [("provider", event.provider), ("kind", event.kind)], to: event.count,
                help: "SLA moments stored (at risk, breach) by provider and kind"
            )
        }
    }

    /// Moves a counter up to a stored total.
    private func advance(_ name: String, labels: [(String, String)], to total: Int64, help: String) {
        let key = name + labels.map { "|\($0.0)=\($0.1)" }.joined()
        let seen = self.seenTotals[key] ?? 0
        let counter = self.registry.makeCounter(name: name, labels: labels, help: help)
        if total > seen {
            counter.increment(by: total - seen)
            self.seenTotals[key] = total
        }
    }
}
