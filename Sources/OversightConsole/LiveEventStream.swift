//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// GET /events: live updates as Server-Sent Events, scoped to what the user may see, coalesced, with heartbeats.
//
//===----------------------------------------------------------------------===//

import Foundation
import Hummingbird
import Synchronization

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
    package var minimumInterval: Duration = .milliseconds(400)
    /// Most distinct pending events per stream; beyond that the stream sends one `reload` event instead.
    package var maximumPending: Int = 64

    /// Creates a feed.
    package init(subscribe: @escaping Subscribe) {
        self.subscribe = subscribe
    }
}

/// The events waiting for one stream, merged: one entry per kind, provider, site and ticket, newest detail kept.
package final class LiveEventBuffer: Sendable {
    private struct State {
        var order: [ConsoleLiveEvent] = []
        var index: [String: Int] = [:]
        var overflowed = false
    }

    private let state = Mutex(State())
    /// Most distinct pending events.
    package let limit: Int

    /// Creates a buffer holding at most `limit` distinct events.
    package init(limit: Int) {
        self.limit = limit
    }

    /// Adds an event, merging it with a pending one about the same thing; `false` if the buffer overflowed instead.
    @discardableResult
    package func add(_ event: ConsoleLiveEvent) -> Bool {
        let key = [event.kind, event.provider, event.site ?? "", event.ticket ?? ""].joined(separator: "\u{1F}")
        return self.state.withLock { state in
            if let position = state.index[key] {
                state.order[position] = event
                return true
            }
            guard state.order.count < self.limit else {
                state.overflowed = true
                return false
            }
            state.index[key] = state.order.count
            state.order.append(event)
            return true
        }
    }

    /// Takes everything pending.
    package func take() -> (events: [ConsoleLiveEvent], overflowed: Bool) {
        self.state.withLock { state in
            defer { state = State() }
            return (state.order, state.overflowed)
        }
    }
}

/// `GET /events`: a `text/event-stream` of ``ConsoleLiveEvent``s about the providers the caller may see.
///
/// Event names are the kinds (`tickets`, `sla`, `alerts`), plus `reload` when the stream fell so far behind that it
/// dropped events; each `data:` line is the event as JSON. A comment line goes out every ``ConsoleEventFeed/heartbeat``.
struct LiveEventRoutes: Sendable {
    let feed: ConsoleEventFeed

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

    private enum Wake: Sendable {
        case events
        case heartbeat
    }

    /// Registers `GET /events` (the group requires a signed-in user or an API token).
    func add(to group: RouterGroup<ConsoleRequestContext>) {
        group.get("/events") { _, context in try self.stream(context: context) }
    }

    /// The text of one event.
    static func frame(_ event: ConsoleLiveEvent) -> String {
        let data = (try? Self.encoder.encode(event)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        return "event: \(event.kind)\ndata: \(data)\n\n"
    }

    func stream(context: ConsoleRequestContext) throws -> Response {
        let user = try context.requireUser()
        let feed = self.feed
        let buffer = LiveEventBuffer(limit: feed.maximumPending)
        // One pending wake-up is enough: whatever woke the stream, it takes everything buffered.
        let (wakes, wake) = AsyncStream.makeStream(of: Wake.self, bufferingPolicy: .bufferingNewest(1))
        let deliver: @Sendable (ConsoleLiveEvent) -> Void = { event in
            guard user.canSee(provider: event.provider) else { return }
            buffer.add(event)
            wake.yield(.events)
        }
        guard let unsubscribe = feed.subscribe(deliver, { wake.finish() }) else {
            throw ConsoleError(.tooManyRequests, status: .serviceUnavailable, "too many live event streams are open; try again later")
        }
        let headers: HTTPFields = [
            .contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-store", HTTPFields.Element.Name("X-Accel-Buffering")!: "no",
        ]
        let body = ResponseBody { writer in
            defer {
                unsubscribe()
                wake.finish()
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    while !Task.isCancelled {
                        try await Task.sleep(for: feed.heartbeat)
                        wake.yield(.heartbeat)
                    }
                }
                try await writer.write(ByteBuffer(string: "retry: 3000\n: connected\n\n"))
                for await reason in wakes {
                    let (events, overflowed) = buffer.take()
                    var text = overflowed ? "event: reload\ndata: {}\n\n" : ""
                    for event in events { text += Self.frame(event) }
                    if text.isEmpty, case .heartbeat = reason { text = ": heartbeat\n\n" }
                    guard !text.isEmpty else { continue }
                    try await writer.write(ByteBuffer(string: text))
                    // Coalesce bursts: what arrives during the pause goes out merged in the next write.
                    if !events.isEmpty || overflowed { try await Task.sleep(for: feed.minimumInterval) }
                }
                group.cancelAll()
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: headers, body: body)
    }
}
