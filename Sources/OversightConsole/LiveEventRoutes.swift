//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// GET /events: live updates as Server-Sent Events, scoped to what the user may see, coalesced, with heartbeats.
//
//===----------------------------------------------------------------------===//

import Foundation
import Hummingbird

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
            throw ConsoleError(.tooManyRequests, status: .serviceUnavailable, "error.too_many_streams")
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
