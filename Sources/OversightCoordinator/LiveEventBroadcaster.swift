//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Live events for the console (tickets, SLA moments, alerts), fanned out without ever blocking ingest.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightModel
import OversightStore
import Synchronization

/// Something a console page shows changed. It says *what* changed and for which provider, never the data itself:
/// a subscriber reads the figures again through its own, scoped, queries.
package struct LiveEvent: Sendable, Hashable {
    /// What changed.
    package enum Kind: String, Sendable, Hashable, CaseIterable {
        /// A committed batch changed tickets of a provider (one event per provider and site).
        case tickets
        /// An SLA at-risk or breach moment was recorded.
        case sla
        /// An alert was raised, acknowledged or resolved.
        case alerts
    }

    /// What changed.
    package var kind: Kind
    /// The provider it is about (the subscriber's scope is checked against it).
    package var provider: String
    /// The site, when known.
    package var site: String?
    /// The ticket, for SLA events and ticket alerts.
    package var ticket: String?
    /// A detail word: `at-risk`/`breach` for SLA events; `raised`/`acknowledged`/`resolved` for alerts; the number of
    /// changed tickets for ticket events.
    package var detail: String?

    /// Creates an event.
    package init(kind: Kind, provider: String, site: String? = nil, ticket: String? = nil, detail: String? = nil) {
        self.kind = kind
        self.provider = provider
        self.site = site
        self.ticket = ticket
        self.detail = detail
    }
}

/// Fans ``LiveEvent``s out to subscribers (the console's event streams).
///
/// Bounded and non-blocking: ``publish(_:)`` only calls each subscriber's `deliver` closure, which must not wait (the
/// console's puts the event in a small coalescing buffer); there are at most ``maximumSubscribers`` at once, and
/// ``subscribe(deliver:end:)`` answers `nil` beyond that. A publisher (a session committing a batch, the SLA engine) is
/// never held up by a slow reader.
package final class LiveEventBroadcaster: Sendable {
    /// A subscriber's closures.
    private struct Subscriber: Sendable {
        var deliver: @Sendable (LiveEvent) -> Void
        var end: @Sendable () -> Void
    }

    private struct State {
        var nextId: UInt64 = 0
        var subscribers: [UInt64: Subscriber] = [:]
        var finished = false
    }

    private let state = Mutex(State())
    /// Where this coordinator's own events also go (``forwardOwnEvents(to:)``): the relay to the other coordinators.
    private let forward = Mutex<(@Sendable (LiveEvent) -> Void)?>(nil)
    /// Most concurrent subscribers.
    package let maximumSubscribers: Int

    /// Creates a broadcaster.
    /// - Parameter maximumSubscribers: most concurrent subscribers (console event streams).
    package init(maximumSubscribers: Int = 64) {
        precondition(maximumSubscribers > 0, "maximumSubscribers must be positive")
        self.maximumSubscribers = maximumSubscribers
    }

    /// Number of current subscribers.
    package var subscriberCount: Int { self.state.withLock { $0.subscribers.count } }

    /// Subscribes.
    /// - Parameters:
    ///   - deliver: called with every event, on the publisher's task: it must return at once.
    ///   - end: called once when the broadcaster finishes (coordinator shutdown); not called after ``cancel(_:)``.
    /// - Returns: the subscription's id for ``cancel(_:)``, or `nil` when ``maximumSubscribers`` are subscribed already
    ///   or the broadcaster has finished.
    package func subscribe(deliver: @escaping @Sendable (LiveEvent) -> Void, end: @escaping @Sendable () -> Void) -> UInt64? {
        self.state.withLock { state -> UInt64? in
            guard !state.finished, state.subscribers.count < self.maximumSubscribers else { return nil }
            state.nextId &+= 1
            state.subscribers[state.nextId] = Subscriber(deliver: deliver, end: end)
            return state.nextId
        }
    }

    /// Ends a subscription (idempotent).
    package func cancel(_ id: UInt64) {
        _ = self.state.withLock { $0.subscribers.removeValue(forKey: id) }
    }

    /// Hands `event` (this coordinator's own) to every subscriber, and to the relay when one forwards them.
    package func publish(_ event: LiveEvent) {
        self.deliverLocally(event)
        self.forward.withLock { $0 }?(event)
    }

    /// Hands `event`, relayed from another coordinator, to this coordinator's subscribers only (never forwarded
    /// again, so an event is shown once on every coordinator and never echoes).
    package func publishRelayed(_ event: LiveEvent) {
        self.deliverLocally(event)
    }

    /// From now on, every event this coordinator publishes is also given to `forward` (which must return at once).
    package func forwardOwnEvents(to forward: @escaping @Sendable (LiveEvent) -> Void) {
        self.forward.withLock { $0 = forward }
    }

    private var forwarding: Bool { self.forward.withLock { $0 != nil } }

    private func deliverLocally(_ event: LiveEvent) {
        let subscribers = self.state.withLock { Array($0.subscribers.values) }
        for subscriber in subscribers { subscriber.deliver(event) }
    }

    /// Publishes one ``LiveEvent/Kind/tickets`` event per provider and site among `tickets`.
    package func ticketsChanged(_ tickets: [TicketRecord]) {
        guard !tickets.isEmpty, self.subscriberCount > 0 || self.forwarding else { return }
        var counts: [SiteKey: Int] = [:]
        for ticket in tickets { counts[SiteKey(provider: ticket.provider, site: ticket.site), default: 0] += 1 }
        for (key, count) in counts.sorted(by: { ($0.key.provider, $0.key.site) < ($1.key.provider, $1.key.site) }) {
            self.publish(LiveEvent(kind: .tickets, provider: key.provider, site: key.site, detail: String(count)))
        }
    }

    /// Publishes an SLA at-risk or breach moment.
    package func slaEvent(_ row: SLAEventRow) {
        self.publish(LiveEvent(kind: .sla, provider: row.provider, site: row.site, ticket: row.ticketId, detail: row.kind))
    }

    /// Ends every subscription (their `end` closures run) and refuses new ones.
    package func finish() {
        let subscribers = self.state.withLock { state -> [Subscriber] in
            state.finished = true
            defer { state.subscribers = [:] }
            return Array(state.subscribers.values)
        }
        for subscriber in subscribers { subscriber.end() }
    }

    private struct SiteKey: Hashable {
        var provider: String
        var site: String
    }
}
