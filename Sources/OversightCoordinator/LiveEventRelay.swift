//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Live console events across coordinators: each NOTIFYs what it broadcasts, every one LISTENs and rebroadcasts the
// others' events once (PostgreSQL only).
//
//===----------------------------------------------------------------------===//

import Foundation
import Logging
import OversightStorePostgres
import ServiceLifecycle
import Synchronization

/// Relays live events between the coordinators sharing a PostgreSQL database, so a browser connected to any of them
/// sees what every coordinator ingested, recorded or alerted.
///
/// - Sending: every event this coordinator publishes (``LiveEventBroadcaster/publish(_:)``) is queued (bounded; the
///   oldest are dropped past the queue's limit, ingest is never held up) and sent with `pg_notify` on
///   ``PostgresStore/liveEventChannel`` — after the commit of the change it reports, so a coordinator that re-reads on
///   it finds the change — as one JSON payload per burst: this coordinator's ``origin`` and the events.
/// - Receiving: one pooled connection LISTENs; a payload from another origin is rebroadcast to this coordinator's
///   subscribers once (``LiveEventBroadcaster/publishRelayed(_:)``, which does not forward it again); a payload of its
///   own origin is skipped, so nothing echoes. A lost connection is listened on again after ``retryDelay``; events
///   sent meanwhile are not replayed (a console page reads the figures anew on its next event or reload).
package struct LiveEventRelay: Service {
    /// One NOTIFY payload.
    struct Payload: Codable, Equatable {
        struct Event: Codable, Equatable {
            var k: String
            var p: String
            var s: String?
            var t: String?
            var d: String?
        }

        /// The sending coordinator.
        var o: String
        var e: [Event]
    }

    /// This coordinator's own events waiting to be sent: bounded (the oldest go first), and never waited on.
    final class Outbox: Sendable {
        private let events = Mutex<[LiveEvent]>([])
        let limit: Int
        let wakes: AsyncStream<Void>
        private let wake: AsyncStream<Void>.Continuation

        init(limit: Int) {
            self.limit = limit
            (self.wakes, self.wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        }

        func add(_ event: LiveEvent) {
            self.events.withLock { events in
                if events.count >= self.limit { events.removeFirst(events.count - self.limit + 1) }
                events.append(event)
            }
            self.wake.yield()
        }

        func take() -> [LiveEvent] { self.events.withLock { events in defer { events = [] }; return events } }
    }

    let store: PostgresStore
    let broadcaster: LiveEventBroadcaster
    /// This coordinator's id among those sharing the database.
    package let origin: String
    let logger: Logger
    /// How long to wait before listening again after the connection failed.
    let retryDelay: Duration
    let onListening: @Sendable () -> Void
    let outbox: Outbox

    /// Creates the relay and starts forwarding `broadcaster`'s own events into its queue (at most `queueLimit`).
    package init(
        store: PostgresStore, broadcaster: LiveEventBroadcaster, origin: String, logger: Logger, queueLimit: Int = 4096,
        retryDelay: Duration = .seconds(1), onListening: @escaping @Sendable () -> Void = {}
    ) {
        self.store = store
        self.broadcaster = broadcaster
        self.origin = origin
        self.logger = logger
        self.retryDelay = retryDelay
        self.onListening = onListening
        let outbox = Outbox(limit: max(1, queueLimit))
        self.outbox = outbox
        broadcaster.forwardOwnEvents { event in outbox.add(event) }
    }

    /// The payloads for `events` from `origin`: as many events in each as fit under PostgreSQL's payload limit; an
    /// event too big on its own (names of thousands of bytes) is left out.
    static func payloads(_ events: [LiveEvent], origin: String) -> [String] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        func encode(_ events: [Payload.Event]) -> String {
            (try? encoder.encode(Payload(o: origin, e: events))).map { String(decoding: $0, as: UTF8.self) } ?? ""
        }
        var payloads: [String] = []
        var current: [Payload.Event] = []
        for event in events {
            let wire = Payload.Event(k: event.kind.rawValue, p: event.provider, s: event.site, t: event.ticket, d: event.detail)
            if encode(current + [wire]).utf8.count <= PostgresStore.maximumNotifyPayload {
                current.append(wire)
                continue
            }
            if !current.isEmpty { payloads.append(encode(current)) }
            current = encode([wire]).utf8.count <= PostgresStore.maximumNotifyPayload ? [wire] : []
        }
        if !current.isEmpty { payloads.append(encode(current)) }
        return payloads
    }

    /// The events of a payload from another coordinator; `nil` for this coordinator's own payloads and for what is
    /// not a payload (or names a kind this version does not know).
    static func events(in payload: String, skippingOrigin origin: String) -> [LiveEvent]? {
        guard let decoded = try? JSONDecoder().decode(Payload.self, from: Data(payload.utf8)), decoded.o != origin else { return nil }
        return decoded.e.compactMap { event in
            LiveEvent.Kind(rawValue: event.k).map { LiveEvent(kind: $0, provider: event.p, site: event.s, ticket: event.t, detail: event.d) }
        }
    }

    package func run() async throws {
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                group.addTask { await self.send() }
                group.addTask { await self.receive() }
            }
        }
    }

    private func send() async {
        for await _ in self.outbox.wakes {
            // Everything queued since the last wake-up goes in as few NOTIFYs as fit.
            for payload in Self.payloads(self.outbox.take(), origin: self.origin) {
                do {
                    try await self.store.notify(channel: PostgresStore.liveEventChannel, payload: payload)
                } catch {
                    if Task.isCancelled { return }
                    self.logger.info("cannot send live events to the other coordinators", metadata: [LogKey.error: "\(error)"])
                }
            }
        }
    }

    private func receive() async {
        let broadcaster = self.broadcaster
        let origin = self.origin
        while !Task.isCancelled {
            do {
                try await self.store.listen(
                    channel: PostgresStore.liveEventChannel, listening: self.onListening,
                    receive: { payload in
                        for event in Self.events(in: payload, skippingOrigin: origin) ?? [] { broadcaster.publishRelayed(event) }
                    }
                )
            } catch {
                if Task.isCancelled { return }
                self.logger.info("not listening for other coordinators' live events; trying again", metadata: [LogKey.error: "\(error)"])
            }
            try? await Task.sleep(for: self.retryDelay)
        }
    }
}
