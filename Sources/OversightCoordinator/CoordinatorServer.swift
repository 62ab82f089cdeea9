//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Builds the coordinator's services and runs them in one ServiceGroup.
//
//===----------------------------------------------------------------------===//

import Logging
import NIOCore
import OversightStore
import ServiceLifecycle

/// The coordinator process: store, agent listener and revocation watcher.
package struct CoordinatorServer: Sendable {
    package var paths: CoordinatorPaths
    package var listener: ListenerConfiguration
    package var synchronous: SQLiteStore.Synchronous

    /// Creates the server description.
    package init(paths: CoordinatorPaths, listener: ListenerConfiguration, synchronous: SQLiteStore.Synchronous = .full) {
        self.paths = paths
        self.listener = listener
        self.synchronous = synchronous
    }

    /// Runs until SIGTERM/SIGINT (or `extraServices` ask for it).
    /// - Parameters:
    ///   - logger: the process logger.
    ///   - signals: whether to shut down on SIGTERM/SIGINT.
    ///   - onBound: called with the bound address of the agent listener.
    package func run(
        logger: Logger, signals: Bool = true, extraServices: [any Service] = [],
        onBound: @escaping @Sendable (SocketAddress) -> Void = { _ in }
    ) async throws {
        let identity = try CoordinatorIdentity.load(self.paths)
        let store = try SQLiteStore(path: self.paths.store, synchronous: self.synchronous)
        let listener = AgentListener(configuration: self.listener, identity: identity, store: store, logger: logger, onBound: onBound)
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: listener),
            .init(service: RevocationWatcher(listener: listener)),
        ]
        services += extraServices.map { .init(service: $0) }
        var configuration = ServiceGroupConfiguration(services: services, logger: logger)
        configuration.gracefulShutdownSignals = signals ? [.sigterm, .sigint] : []
        configuration.maximumGracefulShutdownDuration = self.listener.shutdownGracePeriod
        configuration.maximumCancellationDuration = .seconds(5)
        try await ServiceGroup(configuration: configuration).run()
    }
}
