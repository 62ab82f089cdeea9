//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The entry point for raising, acknowledging and resolving alerts.
//
//===----------------------------------------------------------------------===//

import Foundation

/// Where the coordinator raises, acknowledges and resolves alerts.
///
/// It writes through the durable ``AlertStore`` (each change and its deliveries in one transaction) and wakes the
/// ``AlertDeliveryService``, which sends the queued deliveries to the configured receivers.
///
/// ```swift
/// let center = try AlertCenter(path: dataDirectory + "/alerts.sqlite", configuration: .init(
///     consoleBaseURL: "https://oversight.example.com",
///     receivers: [.alertmanager(name: "alertmanager", url: "http://127.0.0.1:9093")]))
/// try await center.raise(NewAlert(kind: .ticketBreached, subject: AlertSubject(provider: "acme-support", site: "lisbon",
///     ticket: "T-1042", clock: "resolution"), summary: "…", consolePath: "/tickets/acme-support/T-1042"))
/// ```
package final class AlertCenter: Sendable {
    /// The center's settings.
    package struct Configuration: Sendable {
        /// The console's public base URL; an alert's console link is this plus its path.
        package var consoleBaseURL: String
        /// Where alerts go. Names must be unique.
        package var receivers: [ReceiverConfiguration]

        /// Creates settings.
        /// - Parameters:
        ///   - consoleBaseURL: the console's public base URL, e.g. `https://oversight.example.com`.
        ///   - receivers: where alerts go.
        package init(consoleBaseURL: String, receivers: [ReceiverConfiguration]) {
            self.consoleBaseURL = consoleBaseURL
            self.receivers = receivers
        }
    }

    /// The durable store.
    package let store: AlertStore
    /// The settings.
    package let configuration: Configuration
    /// Rung after every change that queued deliveries.
    package let changes = ChangeSignal()
    /// The wall clock (injected in tests).
    package let now: @Sendable () -> Date

    private var receiverNames: [String] { self.configuration.receivers.map(\.name) }

    /// Creates a center over a store.
    /// - Parameters:
    ///   - store: the durable store.
    ///   - configuration: console URL and receivers (validated).
    ///   - now: the wall clock.
    package init(store: AlertStore, configuration: Configuration, now: @escaping @Sendable () -> Date = { Date() }) throws {
        var seen = Set<String>()
        for receiver in configuration.receivers {
            try receiver.validate()
            guard seen.insert(receiver.name).inserted else {
                throw AlertError(.invalidArgument, "two receivers are named \(receiver.name)")
            }
        }
        self.store = store
        self.configuration = configuration
        self.now = now
    }

    /// Opens (creating if needed) the store at `path` and creates a center over it.
    /// - Parameters:
    ///   - path: the SQLite file (its own file, not the coordinator's main store).
    ///   - configuration: console URL and receivers.
    ///   - now: the wall clock.
    package convenience init(path: String, configuration: Configuration, now: @escaping @Sendable () -> Date = { Date() }) throws {
        try self.init(store: AlertStore(path: path), configuration: configuration, now: now)
    }

    /// Raises an alert: a new one fires and is queued for every receiver; a repeat of an open one only updates it.
    @discardableResult
    package func raise(_ alert: NewAlert) async throws -> RaiseOutcome {
        let outcome = try await self.store.raise(alert, receivers: self.receiverNames, now: self.now())
        if outcome.change == .created { self.changes.ring() }
        return outcome
    }

    /// Acknowledges the open alert with this key.
    /// - Parameters:
    ///   - key: the dedupe key.
    ///   - person: who.
    ///   - comment: their note.
    /// - Throws: ``AlertError/Code/notFound`` if no alert with this key is open.
    @discardableResult
    package func acknowledge(key: String, by person: String, comment: String? = nil) async throws -> Alert {
        let alert = try await self.store.acknowledge(key: key, by: person, comment: comment, receivers: self.receiverNames, now: self.now())
        self.changes.ring()
        return alert
    }

    /// Resolves the open alert with this key; `nil` if none is open.
    /// - Parameters:
    ///   - key: the dedupe key.
    ///   - at: when the condition ended; now if `nil`.
    @discardableResult
    package func resolve(key: String, at: Date? = nil) async throws -> Alert? {
        let now = self.now()
        let alert = try await self.store.resolve(key: key, at: at ?? now, receivers: self.receiverNames, now: now)
        if alert != nil { self.changes.ring() }
        return alert
    }

    /// Every open alert, oldest first.
    package func openAlerts() async throws -> [Alert] { try await self.store.openAlerts() }

    /// Alerts in every state, newest first.
    package func history(key: String? = nil, limit: Int = 100) async throws -> [Alert] {
        try await self.store.history(key: key, limit: limit)
    }

    /// Every queued delivery, oldest first.
    package func pendingDeliveries() async throws -> [PendingDelivery] { try await self.store.pendingDeliveries() }
}
