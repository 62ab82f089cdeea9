//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Builds the coordinator's services and runs them in one ServiceGroup.
//
//===----------------------------------------------------------------------===//

import Foundation
import Logging
import NIOCore
import OversightAlerts
import OversightSLA
import OversightStore
import OversightStorePostgres
import ServiceLifecycle

/// The coordinator process: store, agent listener and revocation watcher.
package struct CoordinatorServer: Sendable {
    package var paths: CoordinatorPaths
    package var listener: ListenerConfiguration
    package var synchronous: SQLiteStore.Synchronous
    /// PostgreSQL instead of the SQLite store in the data directory (`store.backend: postgresql`).
    package var postgres: PostgresStore.Configuration?
    /// Folder of `*.contract.yaml` files; default `DATA/contracts` when it exists.
    package var contractsDirectory: String?
    /// Alert delivery; the alert database defaults to `DATA/alerts.sqlite`.
    package var alerts: AlertsConfiguration?
    /// How often aggregate targets are evaluated (standings recorded, aggregate alerts raised).
    package var aggregateInterval: Duration = .seconds(30)
    /// The leader lease's timing: one coordinator of those sharing a store schedules deadlines and delivers alerts.
    package var lease = LeaseConfiguration()
    /// How often the lease holder evaluates tickets other coordinators stored (PostgreSQL only).
    package var slaStorePoll: Duration = .seconds(1)
    /// Live events for the console (tickets changed, SLA moments, alerts); hand it to the console's event stream.
    package let events = LiveEventBroadcaster()

    /// Creates the server description.
    package init(
        paths: CoordinatorPaths, listener: ListenerConfiguration, synchronous: SQLiteStore.Synchronous = .full, contractsDirectory: String? = nil
    ) {
        self.paths = paths
        self.listener = listener
        self.synchronous = synchronous
        self.contractsDirectory = contractsDirectory
    }

    /// Runs until SIGTERM/SIGINT (or `extraServices` ask for it).
    /// - Parameters:
    ///   - logger: the process logger.
    ///   - signals: whether to shut down on SIGTERM/SIGINT.
    ///   - onBound: called with the bound address of the agent listener.
    package func run(
        logger: Logger, signals: Bool = true, extraServices: [any Service] = [],
        slaSink: @escaping @Sendable (SLAEventRow) async -> Void = { _ in },
        makeServices: @Sendable (any CoordinatorStore, AlertCenter) async throws -> [any Service] = { _, _ in [] },
        onBound: @escaping @Sendable (SocketAddress) -> Void = { _ in }
    ) async throws {
        guard let postgres = self.postgres else {
            let store = try SQLiteStore(path: self.paths.store, synchronous: self.synchronous)
            try await self.run(
                store: store, logger: logger, signals: signals, extraServices: extraServices, slaSink: slaSink, makeServices: makeServices,
                onBound: onBound
            )
            return
        }
        logger.info("store", metadata: ["oversight.store.backend": "postgresql", "oversight.store.server": "\(postgres)"])
        try await PostgresStore.withStore(configuration: postgres, logger: logger) { store in
            try await self.run(
                store: store, logger: logger, signals: signals, extraServices: extraServices, slaSink: slaSink, makeServices: makeServices,
                onBound: onBound
            )
        }
    }

    private func run(
        store: any CoordinatorStore, logger: Logger, signals: Bool, extraServices: [any Service],
        slaSink: @escaping @Sendable (SLAEventRow) async -> Void,
        makeServices: @Sendable (any CoordinatorStore, AlertCenter) async throws -> [any Service],
        onBound: @escaping @Sendable (SocketAddress) -> Void
    ) async throws {
        let identity = try CoordinatorIdentity.load(self.paths)
        let contractsDirectory = self.contractsDirectory ?? (self.paths.directory + "/contracts")
        var contracts: [String: Contract] = [:]
        if FileManager.default.fileExists(atPath: contractsDirectory) {
            contracts = try SLAEngine.loadContracts(directory: contractsDirectory)
        } else if self.contractsDirectory != nil {
            throw CoordinatorError(.invalidArgument, "contracts folder \(contractsDirectory) does not exist")
        }
        logger.info(
            "contracts loaded",
            metadata: ["oversight.contracts": "\(contracts.keys.sorted().joined(separator: ","))", "oversight.contracts.folder": "\(contractsDirectory)"]
        )
        let events = self.events
        let alerts = self.alerts ?? AlertsConfiguration(databasePath: self.paths.directory + "/alerts.sqlite")
        let router = try await AlertRouter(configuration: alerts, logger: logger)
        let engine = SLAEngine(
            contracts: contracts, store: store, logger: logger,
            sink: { event in
                await router.slaEvent(event)
                await slaSink(event)
                events.slaEvent(event)
            },
            settled: { tickets in await router.ticketsSettled(tickets) }
        )
        // One coordinator of those sharing the store holds the lease and runs the deadline scheduler and the alerts
        // every coordinator could raise. On SQLite the data directory's lock already makes this process the only one,
        // so its holder id is fixed and a restart keeps the lease.
        let shared = self.postgres != nil
        let leadership = Leadership(lease: self.lease.name, holder: shared ? Leadership.makeHolderId() : "sqlite-data-directory")
        let changes = TicketChangeQueue()
        let takeOver: @Sendable (LeaseRow) async -> Void = { _ in
            // What the queue holds predates the takeover; the rebuild reads the store.
            _ = changes.drain()
            do {
                try await router.startFollowingSLAEvents(store: store)
                // Alerts of recorded events first, so that what the rebuild finds (an at-risk ticket now breached) ends
                // them in order.
                let recovered = try await router.recoverSLAAlerts(store: store)
                try await engine.rebuild()
                if recovered > 0 {
                    logger.notice(
                        "raised the alerts of SLA events recorded before this coordinator took the lease",
                        metadata: ["oversight.alerts.recovered": "\(recovered)"]
                    )
                }
            } catch {
                logger.error("cannot rebuild the SLA engine after taking the lease", metadata: [LogKey.error: "\(error)"])
            }
        }
        let initial = await LeaseService.tryAcquire(store: store, leadership: leadership, configuration: self.lease, logger: logger)
        if let initial {
            LeaseService.announce(initial, holder: leadership.holder, logger: logger)
            try await router.startFollowingSLAEvents(store: store)
            let recovered = try await router.recoverSLAAlerts(store: store)
            try await engine.rebuild()
            if recovered > 0 { logger.notice("raised the alerts of SLA events recorded just before the last stop", metadata: ["oversight.alerts.recovered": "\(recovered)"]) }
        }
        let measuring = !contracts.isEmpty
        let listener = AgentListener(
            configuration: self.listener, identity: identity, store: store, logger: logger, paths: self.paths,
            ticketObserver: { tickets in
                events.ticketsChanged(tickets)
                // Without contracts there is nothing to measure (and no ticket alert to end): keep the queue out of ingest.
                // A stand-by leaves them to the lease holder, which reads them from the store.
                if measuring && leadership.isLeader { await changes.enqueue(tickets) }
            },
            securityObserver: { kind, agent, address, detail in await router.securityEvent(kind: kind, agent: agent, address: address, detail: detail) },
            onBound: onBound
        )
        let sla = SLAService(
            engine: engine, changes: changes, storePoll: shared ? self.slaStorePoll : nil, isLeading: { leadership.isLeader }, logger: logger
        )
        let slaStorePoll = self.slaStorePoll
        let silence = AgentSilenceWatch(router: router, store: store, silentAfter: alerts.silentAfter)
        let aggregates = AggregateWatch(
            evaluator: AggregateEvaluator(store: store, contracts: contracts, disputes: store), router: router, interval: self.aggregateInterval,
            logger: logger
        )
        let lease = LeaseService(
            store: store, leadership: leadership, configuration: self.lease, initial: initial, takeOver: takeOver,
            work: {
                await withDiscardingTaskGroup { group in
                    for service in [sla, silence, aggregates] as [any Service] {
                        group.addTask {
                            do { try await service.run() } catch { logger.error("leader service failed", metadata: [LogKey.error: "\(error)"]) }
                        }
                    }
                    if shared {
                        // Alerts of breaches another coordinator recorded (a deposed holder before it noticed).
                        group.addTask {
                            while !Task.isCancelled {
                                do {
                                    try await Task.sleep(for: slaStorePoll)
                                    try await router.followSLAEvents(store: store)
                                } catch is CancellationError {
                                    return
                                } catch {
                                    logger.info("cannot follow the SLA events", metadata: [LogKey.error: "\(error)"])
                                }
                            }
                        }
                    }
                }
            },
            logger: logger
        )
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: lease),
            .init(
                service: AlertDeliveryService(
                    center: router.center, fence: LeaseDeliveryFence(store: store, leadership: leadership, logger: logger), clock: ContinuousClock(),
                    logger: logger
                )
            ),
            .init(service: listener),
            .init(service: RevocationWatcher(listener: listener)),
            .init(service: TrustWatcher(listener: listener)),
        ]
        if let shared = store as? PostgresStore {
            // Live console events of every coordinator sharing the database reach this one's browsers (LISTEN/NOTIFY).
            services.append(.init(service: LiveEventRelay(store: shared, broadcaster: events, origin: leadership.holder, logger: logger)))
        }
        services += extraServices.map { .init(service: $0) }
        services += try await makeServices(store, router.center).map { .init(service: $0) }
        // Last, so it stops first: it ends the console's event streams, which would otherwise hold the console open.
        services.append(.init(service: LiveEventService(broadcaster: events, center: router.center, logger: logger)))
        var configuration = ServiceGroupConfiguration(services: services, logger: logger)
        configuration.gracefulShutdownSignals = signals ? [.sigterm, .sigint] : []
        configuration.maximumGracefulShutdownDuration = self.listener.shutdownGracePeriod
        configuration.maximumCancellationDuration = .seconds(5)
        try await ServiceGroup(configuration: configuration).run()
    }
}
