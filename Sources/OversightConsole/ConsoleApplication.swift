//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Builds the console and API application.
//
//===----------------------------------------------------------------------===//

import Foundation
import Hummingbird
import HummingbirdTLS
import Logging
import NIOSSL
import OversightAlerts
import OversightLocalization
import OversightStore

/// Builds the head-office console and JSON API.
///
/// The result is a `Service`: add it to the coordinator's `ServiceGroup`.
/// ```swift
/// let users = try UserStore(path: dataDirectory + "/console.sqlite")
/// let console = try buildApplication(
///     configuration: ConsoleConfiguration(port: 8443, tls: .init(certificatePath: paths.serverCertificate, privateKeyPath: paths.serverKey)),
///     store: store, alerts: alerts, users: users, logger: logger)
/// services.append(console)
/// ```
/// - Parameters:
///   - configuration: address, TLS and session settings.
///   - store: the coordinator's store.
///   - alerts: the alert center.
///   - users: console users and sessions.
///   - logger: the logger for requests.
///   - events: live events for `GET /events` (the coordinator's broadcaster); `nil` leaves the route out.
///   - throttle: login throttling; `nil`: this process's own ``LoginThrottle`` with `configuration.throttle`.
package func buildApplication(
    configuration: ConsoleConfiguration,
    store: any CoordinatorStore,
    alerts: AlertCenter,
    users: any ConsoleUserStore,
    logger: Logger,
    events: ConsoleEventFeed? = nil,
    throttle: (any LoginThrottling)? = nil
) throws -> some ApplicationProtocol {
    let router = buildRouter(
        configuration: configuration, store: store, alerts: alerts, users: users, logger: logger, events: events, throttle: throttle
    )
    let applicationConfiguration = ApplicationConfiguration(
        address: .hostname(configuration.host, port: configuration.port), serverName: "oversight"
    )
    if let tls = configuration.tls {
        let chain = try NIOSSLCertificate.fromPEMFile(tls.certificatePath).map { NIOSSLCertificateSource.certificate($0) }
        let key = try NIOSSLPrivateKey(file: tls.privateKeyPath, format: .pem)
        var tlsConfiguration = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
        tlsConfiguration.minimumTLSVersion = .tlsv12
        // As on the agent port: TLS 1.3, or TLS 1.2 with ECDHE and an AEAD cipher only (no CBC, so no LUCKY13); RSA
        // suites too, since an operator's own console certificate may be RSA.
        tlsConfiguration.cipherSuites = TLSConfiguration.consoleCipherSuites
        return Application(
            router: router, server: try .tls(.http1(), tlsConfiguration: tlsConfiguration), configuration: applicationConfiguration,
            logger: logger
        )
    }
    return Application(router: router, server: .http1(), configuration: applicationConfiguration, logger: logger)
}

extension TLSConfiguration {
    /// TLS 1.2 suites the console's HTTPS port offers: ECDHE key exchange with AEAD ciphers, for ECDSA or RSA keys.
    package static let consoleCipherSuites = """
        ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:\
        ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-CHACHA20-POLY1305
        """
}

/// The console's router (pages, API, OpenAPI, static files, live events), without a server.
package func buildRouter(
    configuration: ConsoleConfiguration,
    store: any CoordinatorStore,
    alerts: AlertCenter,
    users: any ConsoleUserStore,
    logger: Logger,
    events: ConsoleEventFeed? = nil,
    throttle: (any LoginThrottling)? = nil
) -> Router<ConsoleRequestContext> {
    // Read the message catalogues now: a broken translation file stops the start, not a page later.
    _ = MessageCatalogue.bundled
    let router = Router(context: ConsoleRequestContext.self)
    router.add(middleware: RequestMetricsMiddleware())  // oversight_http_requests_total, …: ConsoleHandlers+Metrics.swift
    router.add(middleware: SecurityHeadersMiddleware())
    router.add(middleware: LogRequestsMiddleware(.info, includeHeaders: .all(), redactHeaders: [.authorization, .cookie]))
    router.add(middleware: ErrorRenderingMiddleware())
    router.add(middleware: MethodNotAllowedMiddleware())
    if let publicDirectory = configuration.publicDirectory {
        router.add(
            middleware: FileMiddleware(
                publicDirectory, urlBasePath: "/static", logger: logger
            )
        )
    }
    router.add(middleware: ConsoleAuthMiddleware(users: users, now: configuration.now))
    let handlers = ConsoleHandlers(
        configuration: configuration, store: store, alerts: alerts, users: users,
        throttle: throttle ?? LoginThrottle(configuration: configuration.throttle)
    )
    handlers.addPublicRoutes(to: router)
    handlers.addHealthRoutes(to: router)  // /healthz, /readyz: ConsoleHandlers+Health.swift
    handlers.addMetricsRoute(to: router)  // /metrics when configured: ConsoleHandlers+Metrics.swift
    handlers.addPageRoutes(to: router.group().add(middleware: RequireLoginMiddleware()))
    handlers.addAPIRoutes(to: router.group("api/v1").add(middleware: RequireLoginMiddleware()))
    handlers.addAuditPageRoutes(to: router.group().add(middleware: RequireLoginMiddleware()))  // audits, disputes, breach notes
    handlers.addBreachDisputeRoutes(to: router.group().add(middleware: RequireLoginMiddleware()))  // breach disputes (ticket page)
    handlers.addAuditAPIRoutes(to: router.group("api/v1").add(middleware: RequireLoginMiddleware()))
    handlers.addBreachDisputeAPIRoutes(to: router.group("api/v1").add(middleware: RequireLoginMiddleware()))
    handlers.addCreditRoutes(to: router.group().add(middleware: RequireLoginMiddleware()))  // credit statement, disputes of misses
    handlers.addCreditAPIRoutes(to: router.group("api/v1").add(middleware: RequireLoginMiddleware()))
    handlers.addInvoiceRoutes(to: router.group().add(middleware: RequireLoginMiddleware()))  // invoices: upload, reconciliation, net
    handlers.addInvoiceAPIRoutes(to: router.group("api/v1").add(middleware: RequireLoginMiddleware()))
    handlers.addScoringPageRoutes(to: router.group().add(middleware: RequireLoginMiddleware()))  // head-office scoring, calibration
    handlers.addScoringAPIRoutes(to: router.group("api/v1").add(middleware: RequireLoginMiddleware()))
    handlers.addAuditPeriodAPIRoutes(to: router.group("api/v1").add(middleware: RequireLoginMiddleware()))  // seed commitments, verdicts
    if let events { LiveEventRoutes(feed: events).add(to: router.group().add(middleware: RequireLoginMiddleware())) }
    return router
}

/// The handlers: what each route reads and renders.
package struct ConsoleHandlers: Sendable {
    let configuration: ConsoleConfiguration
    let store: any CoordinatorStore
    let alerts: AlertCenter
    let users: any ConsoleUserStore
    let throttle: any LoginThrottling

    var now: Date { self.configuration.now() }

    /// The status report reduced to what `user` may see.
    func status(for user: ConsoleUser) async throws -> StatusReport {
        var report = try await self.store.status(now: self.now, offlineAfter: self.configuration.offlineAfter)
        report.providers = report.providers.filter { user.canSee(provider: $0.provider) }
        return report
    }

    /// One provider's status, or 404 when it is unknown or out of scope.
    func provider(_ name: String, for user: ConsoleUser) async throws -> StatusReport.Provider {
        guard user.canSee(provider: name), let provider = try await self.status(for: user).providers.first(where: { $0.provider == name })
        else { throw ConsoleError.notFound("error.no_such_provider") }
        return provider
    }

    /// Agents `user` may see.
    func agents(for user: ConsoleUser) async throws -> [AgentRow] {
        try await self.store.agents().filter { user.canSee(provider: $0.provider) }
    }

    /// Open alerts `user` may see.
    func openAlerts(for user: ConsoleUser) async throws -> [Alert] {
        try await self.alerts.openAlerts().filter { user.canSee(provider: $0.subject.provider) }
    }

    /// A ticket with its SLA standing and batch, or 404 when it is unknown or out of scope.
    func ticket(provider: String, id: String, for user: ConsoleUser) async throws -> TicketView {
        guard user.canSee(provider: provider), let stored = try await self.store.ticket(provider: provider, id: id) else {
            throw ConsoleError.notFound("error.no_such_ticket")
        }
        let sla = try await self.store.ticketSLA(provider: provider, id: id)
        let batch = try await self.store.batch(agentId: stored.agentId, seq: stored.batchSeq)
        let signature = SignatureCheck.check(
            batch: batch, agent: try await self.store.agent(id: stored.agentId), agentId: stored.agentId, seq: stored.batchSeq,
            ticket: stored.record, now: self.now
        )
        return TicketView(
            ticket: stored.record, sla: sla,
            batch: .init(agentId: stored.agentId, seq: stored.batchSeq, hash: batch?.hash, receivedAt: batch?.receivedAt, recordCount: batch?.recordCount),
            signature: signature
        )
    }

    /// A page of SLA events, newest first, filtered by scope, provider and site.
    func slaEvents(for user: ConsoleUser, provider: String?, site: String?, limit: Int, cursor: Int64?) async throws -> SLAEventPage {
        if let provider, !user.canSee(provider: provider) { return SLAEventPage(events: [], nextCursor: nil) }
        let providers: [String]?
        if user.role != .admin, !user.providers.isEmpty {
            providers = user.providers
        } else if user.role == .provider {
            return SLAEventPage(events: [], nextCursor: nil)
        } else {
            providers = nil
        }
        let rows = try await self.store.slaEventPage(provider: provider, site: site, providers: providers, before: cursor, limit: limit + 1)
        let events = rows.prefix(limit).map { row in
            SLAEventView(
                id: row.id, provider: row.event.provider, site: row.event.site, ticketId: row.event.ticketId, clock: row.event.clock,
                kind: row.event.kind, at: row.event.at, detectedAt: row.event.detectedAt, lateData: row.event.lateData
            )
        }
        return SLAEventPage(events: Array(events), nextCursor: rows.count > limit ? events.last.map { String($0.id) } : nil)
    }

    /// Red, amber or green for a site or provider, as a word.
    func rag(breached: Int, atRisk: Int, agentsOnline: Int, agentsTotal: Int, newestRecordAt: Date?) -> String {
        if breached > 0 { return "red" }
        let stale = newestRecordAt.map { self.now.timeIntervalSince($0) > Double(self.configuration.staleAfter.components.seconds) } ?? true
        if atRisk > 0 || agentsOnline < agentsTotal || agentsTotal == 0 || stale { return "amber" }
        return "green"
    }
}
