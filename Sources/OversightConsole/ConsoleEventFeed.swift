//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// What the console's event streams read: live events and where they come from.
//
//===----------------------------------------------------------------------===//

import Foundation

/// One change the console's pages may want to show: what changed and for which provider (never the data itself).
package struct ConsoleLiveEvent: Sendable, Hashable, Codable {
    /// `tickets`, `sla` or `alerts`.
    package var kind: String
    /// The provider it is about.
    package var provider: String
    /// The site, when known.
    package var site: String?
    /// The ticket, when it is about one.
    package var ticket: String?
    /// `at-risk`/`breach` (SLA), `raised`/`acknowledged`/`resolved` (alerts), a count of tickets (tickets).
    package var detail: String?

    /// Creates an event.
    package init(kind: String, provider: String, site: String? = nil, ticket: String? = nil, detail: String? = nil) {
        self.kind = kind
        self.provider = provider
        self.site = site
        self.ticket = ticket
        self.detail = detail
    }
}

/// Where the console's event streams get their events: the coordinator's broadcaster, or a test's.
package struct ConsoleEventFeed: Sendable {
    /// Subscribes with a `deliver` closure (called on the publisher's task; it only buffers) and an `end` closure
    /// (called once when the source finishes); returns the closure that unsubscribes, or `nil` when the source refuses
    /// another subscriber (too many streams).
    package typealias Subscribe =
        @Sendable (
            _ deliver: @escaping @Sendable (ConsoleLiveEvent) -> Void, _ end: @escaping @Sendable () -> Void
        ) -> (@Sendable () -> Void)?

    /// Subscribes to the source.
    package var subscribe: Subscribe
    /// A comment line is sent this often, so proxies keep the connection and a vanished client is noticed.
    package var heartbeat: Duration = .seconds(15)
    /// After sending events, a stream waits this long before sending again; what arrives meanwhile is merged.
    package var minimumInterval: Duration = .seconds(1)
    /// Most distinct pending events per stream; beyond that the stream sends one `reload` event instead.
    package var maximumPending: Int = 64

    /// Creates a feed.
    package init(subscribe: @escaping Subscribe) {
        self.subscribe = subscribe
    }
}
