//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Turns what the coordinator learns into alerts: SLA at-risk and breach moments, silent agents, security events;
// and resolves them when the condition ends.
//
//===----------------------------------------------------------------------===//

import Foundation
import Logging
import OversightAlerts
import OversightModel
import OversightSLA
import OversightStore
import ServiceLifecycle

/// Where alerts are kept and sent.
package struct AlertsConfiguration: Sendable {
    /// The alert database (its own SQLite file).
    package var databasePath: String
    package var consoleURL: String = "https://localhost:8443"
    /// An agent not heard from for this long raises `agent_silent`.
    package var silentAfter: Duration = .seconds(300)
    package var receivers: [ReceiverConfiguration] = []
    /// Creates a configuration.
    package init(databasePath: String) { self.databasePath = databasePath }
}

/// Raises and resolves alerts from the coordinator's events.
package actor AlertRouter {
    package let center: AlertCenter
    private let logger: Logger
    /// Keys of open alerts this router manages, so settling a ticket costs nothing when it had no alert.
    private var open: Set<String> = []
    /// Keys of ticket alerts this router raised (or is raising) since it started: the SLA event follower leaves them.
    private var slaKeys: Set<String> = []
    /// The id of the newest SLA event ``followSLAEvents(store:page:)`` has seen.
    var followCursor: Int64 = 0

    /// Opens the alert store and remembers which alerts are open.
    package init(configuration: AlertsConfiguration, logger: Logger) async throws {
        self.center = try AlertCenter(
            store: try AlertStore(path: configuration.databasePath),
            configuration: .init(consoleBaseURL: configuration.consoleURL, receivers: configuration.receivers)
        )
        self.logger = logger
        self.open = Set(try await self.center.openAlerts().map(\.key))
    }

    private func raise(_ alert: NewAlert) async {
        do {
            _ = try await self.center.raise(alert)
            self.open.insert(alert.key)
        } catch {
            self.logger.error("cannot record an alert", metadata: [LogKey.error: "\(error)"])
        }
    }

    private func resolve(_ key: String, at: Date = Date()) async {
        guard self.open.contains(key) else { return }
        do {
            _ = try await self.center.resolve(key: key, at: at)
            self.open.remove(key)
        } catch {
            self.logger.error("cannot resolve an alert", metadata: [LogKey.error: "\(error)"])
        }
    }

    private static func ticketSubject(provider: String, site: String, ticket: String, clock: String) -> AlertSubject {
        AlertSubject(provider: provider, site: site, ticket: ticket, clock: clock)
    }

    /// An SLA moment: at-risk raises `ticket_at_risk`; a breach raises `ticket_breached` and resolves the at-risk alert.
    package func slaEvent(_ event: SLAEventRow) async {
        let subject = Self.ticketSubject(provider: event.provider, site: event.site, ticket: event.ticketId, clock: event.clock)
        self.slaKeys.insert(NewAlert(kind: event.kind == "breach" ? .ticketBreached : .ticketAtRisk, subject: subject, summary: "", consolePath: "").key)
        let path = "/tickets/\(event.provider)/\(event.ticketId)"
        let texts = ["provider": event.provider, "site": event.site, "ticket": event.ticketId]
        if event.kind == "breach" {
            await self.raise(
                NewAlert(
                    kind: .ticketBreached, subject: subject,
                    message: AlertMessage(
                        event.lateData ? "alert.ticket_breached_late" : "alert.ticket_breached", texts: texts, terms: ["clock": "clock.\(event.clock)"],
                        dates: ["time": event.at]
                    ),
                    consolePath: path, startsAt: event.at
                )
            )
            await self.resolve(NewAlert(kind: .ticketAtRisk, subject: subject, summary: "", consolePath: path).key, at: event.at)
        } else {
            await self.raise(
                NewAlert(
                    kind: .ticketAtRisk, subject: subject,
                    message: AlertMessage("alert.ticket_at_risk", texts: texts, terms: ["clock": "clock.\(event.clock)"]),
                    consolePath: path, startsAt: event.at
                )
            )
        }
    }

    /// Marks a ticket alert's key as handled here; `false` if it already was.
    func claimSLAKey(_ key: String) -> Bool { self.slaKeys.insert(key).inserted }

    /// Tickets that are solved or closed: their ticket alerts end.
    package func ticketsSettled(_ tickets: [TicketRecord]) async {
        guard !self.open.isEmpty else { return }
        for ticket in tickets {
            for kind in [AlertKind.ticketAtRisk, .ticketBreached] {
                for clock in TicketClockKind.allCases.map(\.rawValue) {
                    let subject = Self.ticketSubject(provider: ticket.provider, site: ticket.site, ticket: ticket.id, clock: clock)
                    await self.resolve(NewAlert(kind: kind, subject: subject, summary: "", consolePath: "").key, at: ticket.updatedAt)
                }
            }
        }
    }

    /// A security event: one alert per agent (or peer) and kind; repeats update it.
    package func securityEvent(kind: String, agent: AgentRow?, address: String, detail: String) async {
        let subject = AlertSubject(
            provider: agent?.provider ?? "unknown", site: agent?.site, agent: agent?.id ?? address, detail: kind
        )
        await self.raise(
            NewAlert(
                kind: .securityEvent, subject: subject,
                message: agent.map {
                    AlertMessage(
                        "alert.security_event_agent", texts: ["kind": kind, "agent": $0.id, "provider": $0.provider, "site": $0.site, "detail": detail]
                    )
                } ?? AlertMessage("alert.security_event_peer", texts: ["kind": kind, "address": address, "detail": detail]),
                consolePath: "/agents"
            )
        )
    }

    /// Raises `agent_silent` for agents not heard from within `silentAfter`, resolves it when they are back.
    package func checkSilence(agents: [AgentRow], now: Date, silentAfter: Duration) async {
        for agent in agents {
            let subject = AlertSubject(provider: agent.provider, site: agent.site, agent: agent.id)
            let key = NewAlert(kind: .agentSilent, subject: subject, summary: "", consolePath: "").key
            let last = agent.lastHeartbeatAt ?? agent.lastBatchAt ?? agent.enrolledAt
            let silent = agent.revokedAt == nil && now.timeIntervalSince(last) > silentAfter.seconds
            if silent {
                if !self.open.contains(key) {
                    await self.raise(
                        NewAlert(
                            kind: .agentSilent, subject: subject,
                            message: AlertMessage(
                                "alert.agent_silent", texts: ["agent": agent.id, "provider": agent.provider, "site": agent.site], dates: ["time": last]
                            ),
                            consolePath: "/agents", startsAt: last.addingTimeInterval(silentAfter.seconds)
                        )
                    )
                }
            } else {
                await self.resolve(key, at: now)
            }
        }
    }

    /// An aggregate target's standing: `at risk` raises `aggregate_at_risk`; `missed` (certain, or the period closed
    /// short) raises `aggregate_missed` and ends the at-risk alert; `on track` and `met` end the at-risk alert. One alert
    /// per provider, target and period; an open alert is not raised again on every evaluation.
    package func aggregateStanding(_ row: AggregateStandingRow, contract: String?, now: Date) async {
        let subject = AlertSubject(
            provider: row.provider, contract: contract, figure: row.figure, period: row.periodLabel, detail: row.targetId
        )
        let path = "/providers/\(row.provider)"
        let atRisk = NewAlert(kind: .aggregateAtRisk, subject: subject, summary: "", consolePath: path)
        let missed = NewAlert(kind: .aggregateMissed, subject: subject, summary: "", consolePath: path)
        // The figures in numbers, so that each reader gets them in their locale (the SLA engine's own sentence, `row.summary`,
        // is English: it stays in the store and the API).
        let texts = ["provider": row.provider, "target": row.targetId, "period": row.periodLabel, "comparison": row.comparison == "<=" ? "≤" : "≥"]
        let terms = ["figure": "figure.name.\(row.figure)", "variant": "figure.detail.\(row.variant ?? "")"]
        var figures = ["goal": AlertMessage.Figure(row.target, unit: row.unit)]
        if let value = row.value { figures["value"] = AlertMessage.Figure(value, unit: row.unit) }
        if let projected = row.projected ?? row.value { figures["projected"] = AlertMessage.Figure(projected, unit: row.unit) }
        let suffix = row.variant == nil ? "" : "_variant"
        let riskShown = figures["projected"] == nil ? "_no_value" : ""
        let missedShown = figures["value"] == nil ? "_no_value" : ""
        switch row.state {
        case "at risk":
            if !self.open.contains(atRisk.key) {
                await self.raise(
                    NewAlert(
                        kind: .aggregateAtRisk, subject: subject, message: AlertMessage(
                            "alert.aggregate_at_risk\(suffix)\(riskShown)", texts: texts, terms: terms, figures: figures
                        ),
                        consolePath: path, startsAt: now
                    )
                )
            }
        case "missed":
            if !self.open.contains(missed.key) {
                await self.raise(
                    NewAlert(
                        kind: .aggregateMissed, subject: subject, message: AlertMessage(
                            "alert.aggregate_missed\(suffix)\(missedShown)", texts: texts, terms: terms, figures: figures
                        ),
                        consolePath: path, startsAt: now
                    )
                )
            }
            await self.resolve(atRisk.key, at: now)
        case "met", "on track":
            await self.resolve(atRisk.key, at: now)
        default:
            break
        }
    }
}

/// Checks agents' heartbeats for silence every `interval`.
package struct AgentSilenceWatch: Service {
    let router: AlertRouter
    let store: any IngestStore
    let silentAfter: Duration
    let interval: Duration

    /// Creates the watch.
    package init(router: AlertRouter, store: any IngestStore, silentAfter: Duration, interval: Duration = .seconds(15)) {
        self.router = router
        self.store = store
        self.silentAfter = silentAfter
        self.interval = interval
    }

    package func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                while !Task.isCancelled {
                    if let agents = try? await self.store.agents() {
                        await self.router.checkSilence(agents: agents, now: Date(), silentAfter: self.silentAfter)
                    }
                    try await Task.sleep(for: self.interval)
                }
            }
        } catch is CancellationError {
            return
        }
    }
}
